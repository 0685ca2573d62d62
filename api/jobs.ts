/**
 * Long analyses as jobs (issue 12): started by one request (202 + Location), run in the background a
 * chunk or a stage at a time, read for progress and results by id, cancelled with DELETE. The state
 * lives in this process's memory only: a restart loses queued and running jobs and the finished jobs' results.
 *
 * A few jobs run at once and a few wait; one more is refused with 503 + Retry-After (counted per kind
 * where a kind has limits of its own). One user may have only a few unfinished jobs of a group at once
 * (one more: 429), so one user cannot take every place and leave the others only 503s. The work of a
 * job takes slots of the analysis queue (api/limiter.ts) — a layer review a chunk at a time, a coverage job one for its analysis — so it
 * shares the database with the interactive analyses instead of holding it; a cancel takes effect
 * between chunks or stages, and stops the running statement (on the embedded database as for a
 * closed request: see api/db/pglite-db.ts ABORT_GRACE_MS).
 */
import { randomUUID } from 'node:crypto';
import type { JobState } from '../core/layer-review.ts';
import { apiError } from './errors.ts';

export type { JobState };

export interface JobOptions {
  /** Jobs that run at once (of each kind without limits of its own in `kinds`). */
  concurrency: number;
  /** Jobs that may wait to start (of each such kind); one more is refused (503). */
  maxQueued: number;
  /**
   * Limits of their own for some kinds, counted apart from the others: a coverage job, which takes one
   * slot of the analysis queue for its one statement, does not wait behind a layer review of minutes.
   */
  kinds?: Record<string, { concurrency: number; maxQueued: number; perOwner?: number }>;
  /**
   * Unfinished (queued or running, not being cancelled) jobs one signed-in user may have of a group of kinds
   * (of a kind with limits of its own: its `perOwner`, else this); one more is refused (429). Not counted for
   * requests without a user (a local install's one desktop user, who is alone anyway). Default: no limit.
   */
  perOwner?: number;
  /** Finished jobs kept for reading, of each group of kinds (the oldest go first). */
  keepFinished: number;
  /** How long a finished job is kept (ms). */
  keepMs: number;
}

/** What a job's work is given: the cancel signal and a way to report progress (with the stage it is in, for a job of stages). */
export interface JobContext {
  signal: AbortSignal;
  progress(done: number, total: number, stage?: string): void;
}

export interface Job<R = unknown> {
  readonly id: string;
  readonly kind: string;
  /** What the job works on (for a layer review: the collection). */
  readonly subject: string;
  /** The user who started it (null: started without signing in). */
  readonly owner: string | null;
  state: JobState;
  /** Layer review: sites reviewed of the layer's. Coverage: stages finished of its stages, and the one running. */
  progress: { done: number; total: number | null; stage?: string };
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  /** Why it failed (state failed). */
  error: string | null;
  /** What the work threw (state failed), for a caller that answers it as the synchronous route would. */
  cause: unknown;
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
  /** Jobs running, per group of kinds counted together (a kind with limits of its own, or the others). */
  private readonly running = new Map<string, number>();
  /** Who waits for a job's next change (GET /api/jobs/{id} with Prefer: wait). */
  private readonly watchers = new Map<string, Set<() => void>>();

  constructor(readonly opts: JobOptions) {}

  /** The group `kind` is counted in and its limits. */
  private limits(kind: string): { group: string; concurrency: number; maxQueued: number; perOwner: number } {
    const own = this.opts.kinds?.[kind];
    return own
      ? { group: kind, concurrency: own.concurrency, maxQueued: own.maxQueued, perOwner: own.perOwner ?? Infinity }
      : { group: '', concurrency: this.opts.concurrency, maxQueued: this.opts.maxQueued, perOwner: this.opts.perOwner ?? Infinity };
  }

  /** Queues a job; 429 when its owner has as many unfinished jobs of the group as allowed, 503 with Retry-After when as many jobs are waiting as allowed. */
  start<R>(kind: string, subject: string, owner: string | null, work: (ctx: JobContext) => Promise<R>): Job<R> {
    this.prune();
    const { group, concurrency, maxQueued, perOwner } = this.limits(kind);
    if (owner !== null && Number.isFinite(perOwner)) {
      // A job being cancelled no longer counts: its user has let it go (on the embedded database its statement may run on a few seconds).
      const own = [...this.jobs.values()].filter((j) => j.owner === owner && !j.finishedAt && !j.controller.signal.aborted && this.limits(j.kind).group === group);
      if (own.length >= perOwner) {
        apiError(
          429,
          'TooManyRequests',
          `You already have ${own.length} ${kind.replace(/-/g, ' ')} jobs queued or running, as many as one user may have at once; wait for one to finish, or cancel one (DELETE /api/jobs/{id}; GET /api/jobs lists yours).`,
          { 'Retry-After': '10' },
        );
      }
    }
    const running = this.running.get(group) ?? 0;
    const waiting = this.waiting.filter((j) => this.limits(j.kind).group === group).length;
    if (running >= concurrency && waiting >= maxQueued) {
      apiError(
        503,
        'ServiceUnavailable',
        `The server is busy: ${running} jobs are running and ${waiting} are waiting. Try again in a minute.`,
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
      cause: null,
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

  /** Resolves when `job`'s state or progress next changes, or after `ms` (at once for a finished job). */
  changed(job: Job, ms: number): Promise<void> {
    if (job.finishedAt) return Promise.resolve();
    return new Promise((resolve) => {
      let set = this.watchers.get(job.id);
      if (!set) this.watchers.set(job.id, (set = new Set()));
      const done = () => {
        clearTimeout(timer);
        set.delete(done);
        if (!set.size) this.watchers.delete(job.id);
        resolve();
      };
      const timer = setTimeout(done, ms);
      set.add(done);
    });
  }

  private notify(job: Job): void {
    for (const done of [...(this.watchers.get(job.id) ?? [])]) done();
  }

  /** Forgets a finished job and its results. */
  discard(id: string): void {
    const job = this.jobs.get(id);
    if (job && job.finishedAt) this.jobs.delete(id);
  }

  private next(): void {
    for (;;) {
      // The oldest waiting job whose group has a free place.
      const at = this.waiting.findIndex((j) => {
        const l = this.limits(j.kind);
        return (this.running.get(l.group) ?? 0) < l.concurrency;
      });
      if (at < 0) return;
      const job = this.waiting.splice(at, 1)[0];
      const { group } = this.limits(job.kind);
      this.running.set(group, (this.running.get(group) ?? 0) + 1);
      job.state = 'running';
      job.startedAt = new Date();
      const ctx: JobContext = {
        signal: job.controller.signal,
        progress: (done, total, stage) => {
          job.progress = stage === undefined ? { done, total } : { done, total, stage };
          this.notify(job);
        },
      };
      this.notify(job);
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
            job.cause = err;
            this.finish(job, 'failed');
          },
        )
        .finally(() => {
          this.running.set(group, this.running.get(group)! - 1);
          this.next();
        });
    }
  }

  private finish(job: Entry<unknown>, state: 'done' | 'failed' | 'cancelled'): void {
    job.state = state;
    job.finishedAt = new Date();
    job.settle();
    this.notify(job);
  }

  /** Drops finished jobs past their time, and the oldest beyond the number kept (of each group of kinds: many quick coverage jobs do not push out a layer review). */
  private prune(now = Date.now()): void {
    const finished = [...this.jobs.values()].filter((j) => j.finishedAt).sort((a, b) => a.finishedAt!.getTime() - b.finishedAt!.getTime());
    for (const group of new Set(finished.map((j) => this.limits(j.kind).group))) {
      const ofGroup = finished.filter((j) => this.limits(j.kind).group === group);
      ofGroup.forEach((j, i) => {
        if (now - j.finishedAt!.getTime() > this.opts.keepMs || i < ofGroup.length - this.opts.keepFinished) this.jobs.delete(j.id);
      });
    }
  }
}

/** Longest wait a request may ask for with `Prefer: wait=N` (s). */
export const MAX_WAIT_SECONDS = 30;

/**
 * The preferences of a `Prefer` header (RFC 7240) that the jobs honour: `respond-async` (POST
 * /api/analysis/coverage: answer 202 with a job when the analysis takes longer than `wait`) and
 * `wait=N` seconds (at most MAX_WAIT_SECONDS; null when not asked).
 */
export function preferences(header: string | undefined): { respondAsync: boolean; wait: number | null } {
  const tokens = (header ?? '').split(/[,;]/).map((t) => t.trim().toLowerCase());
  // delta-seconds of any length (a longer one is capped, not ignored).
  const wait = tokens.map((t) => /^wait\s*=\s*"?(\d+)"?$/.exec(t)).find((m) => m);
  return { respondAsync: tokens.includes('respond-async'), wait: wait ? Math.min(MAX_WAIT_SECONDS, Number(wait[1])) : null };
}

/** Whether `id` has the form of a job id (a UUID). */
export function isJobId(id: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(id);
}
