/**
 * Long analyses as jobs (issue 12): started by one request (202 + Location), run in the background a
 * chunk at a time, read for progress and results by id, cancelled with DELETE. The state lives in this
 * process's memory only: a restart loses queued and running jobs and the finished jobs' results.
 *
 * A few jobs run at once and a few wait; one more is refused with 503 + Retry-After. The work of a
 * job takes slots of the analysis queue (api/limiter.ts) a chunk at a time, so it shares the database
 * with the interactive analyses instead of holding it, and a cancel takes effect between chunks (on
 * a server, the running statement is also stopped).
 */
import { randomUUID } from 'node:crypto';
import type { JobState } from '../core/layer-review.ts';
import { apiError } from './errors.ts';

export type { JobState };

export interface JobOptions {
  /** Jobs that run at once. */
  concurrency: number;
  /** Jobs that may wait to start; one more is refused (503). */
  maxQueued: number;
  /** Finished jobs kept for reading (the oldest go first). */
  keepFinished: number;
  /** How long a finished job is kept (ms). */
  keepMs: number;
}

/** What a job's work is given: the cancel signal and a way to report progress. */
export interface JobContext {
  signal: AbortSignal;
  progress(done: number, total: number): void;
}

export interface Job<R = unknown> {
  readonly id: string;
  readonly kind: string;
  /** What the job works on (for a layer review: the collection). */
  readonly subject: string;
  /** The user who started it (null: started without signing in). */
  readonly owner: string | null;
  state: JobState;
  progress: { done: number; total: number | null };
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  /** Why it failed (state failed). */
  error: string | null;
  result: R | null;
  /** Settles when the job has stopped (done, failed or cancelled). */
  readonly settled: Promise<void>;
}

interface Entry<R> extends Job<R> {
  controller: AbortController;
  work: (ctx: JobContext) => Promise<R>;
  settle: () => void;
}

export class JobRunner {
  private readonly jobs = new Map<string, Entry<unknown>>();
  private readonly waiting: Entry<unknown>[] = [];
  private running = 0;

  constructor(readonly opts: JobOptions) {}

  /** Queues a job; 503 with Retry-After when as many jobs are waiting as allowed. */
  start<R>(kind: string, subject: string, owner: string | null, work: (ctx: JobContext) => Promise<R>): Job<R> {
    this.prune();
    if (this.running >= this.opts.concurrency && this.waiting.length >= this.opts.maxQueued) {
      apiError(
        503,
        'ServiceUnavailable',
        `The server is busy: ${this.running} jobs are running and ${this.waiting.length} are waiting. Try again in a minute.`,
        { 'Retry-After': '30' },
      );
    }
    let settle = () => {};
    const settled = new Promise<void>((r) => (settle = r));
    const job: Entry<R> = {
      id: randomUUID(),
      kind,
      subject,
      owner,
      state: 'queued',
      progress: { done: 0, total: null },
      createdAt: new Date(),
      startedAt: null,
      finishedAt: null,
      error: null,
      result: null,
      settled,
      controller: new AbortController(),
      work,
      settle,
    };
    this.jobs.set(job.id, job as Entry<unknown>);
    this.waiting.push(job as Entry<unknown>);
    this.next();
    return job;
  }

  get(id: string): Job | undefined {
    return this.jobs.get(id);
  }

  /** The jobs kept (finished ones past their time dropped first) that `visible` lets through, newest first. */
  list(visible: (job: Job) => boolean): Job[] {
    this.prune();
    // The map keeps the order the jobs were started in (also within one millisecond).
    return [...this.jobs.values()].filter(visible).reverse();
  }

  /** Stops a queued or running job and waits until it has stopped; the job stays readable as cancelled. */
  async cancel(id: string): Promise<Job | undefined> {
    const job = this.jobs.get(id);
    if (!job) return undefined;
    if (job.state === 'queued') {
      this.waiting.splice(this.waiting.indexOf(job), 1);
      this.finish(job, 'cancelled');
    } else if (job.state === 'running') {
      job.controller.abort();
      await job.settled;
    }
    return job;
  }

  /** Forgets a finished job and its results. */
  discard(id: string): void {
    const job = this.jobs.get(id);
    if (job && job.finishedAt) this.jobs.delete(id);
  }

  private next(): void {
    while (this.running < this.opts.concurrency && this.waiting.length) {
      const job = this.waiting.shift()!;
      this.running++;
      job.state = 'running';
      job.startedAt = new Date();
      const ctx: JobContext = {
        signal: job.controller.signal,
        progress: (done, total) => {
          job.progress = { done, total };
        },
      };
      job
        .work(ctx)
        .then(
          (result) => {
            if (job.controller.signal.aborted) return this.finish(job, 'cancelled');
            job.result = result;
            this.finish(job, 'done');
          },
          (err: Error) => {
            if (job.controller.signal.aborted) return this.finish(job, 'cancelled');
            job.error = err?.message ?? String(err);
            this.finish(job, 'failed');
          },
        )
        .finally(() => {
          this.running--;
          this.next();
        });
    }
  }

  private finish(job: Entry<unknown>, state: 'done' | 'failed' | 'cancelled'): void {
    job.state = state;
    job.finishedAt = new Date();
    job.settle();
  }

  /** Drops finished jobs past their time, and the oldest beyond the number kept. */
  private prune(now = Date.now()): void {
    const finished = [...this.jobs.values()].filter((j) => j.finishedAt).sort((a, b) => a.finishedAt!.getTime() - b.finishedAt!.getTime());
    finished.forEach((j, i) => {
      if (now - j.finishedAt!.getTime() > this.opts.keepMs || i < finished.length - this.opts.keepFinished) this.jobs.delete(j.id);
    });
  }
}

/** Whether `id` has the form of a job id (a UUID). */
export function isJobId(id: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(id);
}
