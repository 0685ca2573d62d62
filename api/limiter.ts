/**
 * Expensive endpoints (compliance, coverage) take a slot of a small queue: a few run at once,
 * a bounded number wait, and a full queue answers 503 with Retry-After rather than letting the
 * database pile up. A request whose client went away leaves the queue; its running statement is
 * stopped (db.ts QueryOptions.signal), as is one that runs past the time limit.
 */
import type { Context, MiddlewareHandler } from 'hono';
import type { QueryOptions } from './db/db.ts';
import { StatementCancelledError } from './db/db.ts';
import { apiError } from './errors.ts';

export interface QueueOptions {
  /** Analyses that run at once. */
  concurrency: number;
  /** Analyses that may wait for a slot; one more is refused. */
  maxWaiting: number;
  /** Longest wait for a slot (ms) before the request is refused. */
  maxWaitMs: number;
  /** Time limit of each analysis statement (ms). */
  statementTimeoutMs: number;
}

export class AnalysisQueue {
  running = 0;
  private readonly waiting: { resolve: () => void; reject: (e: Error) => void }[] = [];
  constructor(readonly opts: QueueOptions) {}

  get waitingCount() {
    return this.waiting.length;
  }

  /** Resolves when a slot is free; the caller must call the returned release exactly once. */
  async acquire(signal?: AbortSignal): Promise<() => void> {
    if (this.running < this.opts.concurrency && this.waiting.length === 0) {
      this.running++;
      return this.releaser();
    }
    if (this.waiting.length >= this.opts.maxWaiting) {
      apiError(
        503,
        'ServiceUnavailable',
        `The server is busy: ${this.running} analyses are running and ${this.waiting.length} are waiting. Try again in a few seconds.`,
        { 'Retry-After': '5' },
      );
    }
    await new Promise<void>((resolve, reject) => {
      const entry = {
        resolve: () => {
          cleanup();
          resolve();
        },
        reject: (e: Error) => {
          cleanup();
          reject(e);
        },
      };
      const timer = setTimeout(() => {
        this.remove(entry);
        entry.reject(new QueueTimeout(this.opts.maxWaitMs));
      }, this.opts.maxWaitMs);
      const onAbort = () => {
        this.remove(entry);
        entry.reject(new StatementCancelledError('The client closed the request while it waited for a slot.'));
      };
      const cleanup = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiting.push(entry);
    });
    // The slot was handed over by the releaser (running stays counted).
    return this.releaser();
  }

  private remove(entry: { resolve: () => void }) {
    const i = this.waiting.indexOf(entry as never);
    if (i >= 0) this.waiting.splice(i, 1);
  }

  private releaser(): () => void {
    let done = false;
    return () => {
      if (done) return;
      done = true;
      const next = this.waiting.shift();
      if (next) next.resolve();
      else this.running--;
    };
  }
}

/**
 * Runs `fn` of a job (api/jobs.ts) holding a slot of the analysis queue; a full queue (or a long wait)
 * is waited out — interactive analyses first — and a cancelled job stops before it asks again.
 */
export async function inJobSlot<T>(queue: AnalysisQueue, signal: AbortSignal, fn: () => Promise<T>): Promise<T> {
  for (;;) {
    if (signal.aborted) throw new StatementCancelledError('The job was cancelled.');
    let release: () => void;
    try {
      release = await queue.acquire(signal);
    } catch (err) {
      if (signal.aborted) throw new StatementCancelledError('The job was cancelled.');
      // The queue is full or the wait ran out: ask again in a moment.
      void err;
      await new Promise((r) => setTimeout(r, 500));
      continue;
    }
    try {
      return await fn();
    } finally {
      release();
    }
  }
}

class QueueTimeout extends Error {
  constructor(ms: number) {
    super(`waited ${ms / 1000} s for a slot`);
  }
}

const limits = new WeakMap<Context, QueryOptions>();

/** The time limit and cancellation signal for the current analysis's statements. */
export function statementLimits(c: Context): QueryOptions {
  return limits.get(c) ?? { signal: c.req.raw.signal };
}

/** Middleware: the handler runs holding a slot of `queue` — unless `apart(c)`: the request's analysis runs as a job, which takes its own. */
export function analysisSlot(queue: AnalysisQueue, apart: (c: Context) => boolean = () => false): MiddlewareHandler {
  return async (c, next) => {
    if (apart(c)) return next();
    let release: () => void;
    try {
      release = await queue.acquire(c.req.raw.signal);
    } catch (err) {
      if (err instanceof QueueTimeout) {
        apiError(503, 'ServiceUnavailable', `The server is busy: the analysis ${err.message} and was not started. Try again shortly.`, { 'Retry-After': '10' });
      }
      throw err;
    }
    limits.set(c, { timeoutMs: queue.opts.statementTimeoutMs, signal: c.req.raw.signal });
    try {
      await next();
    } finally {
      release();
    }
  };
}
