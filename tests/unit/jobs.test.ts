/**
 * The job runner (api/jobs.ts): a kind with limits of its own (coverage) is counted apart — it does not
 * wait behind a long layer review, and many of its finished jobs do not push a review's result out;
 * `changed` answers at a job's next change (Prefer: wait); the Prefer header's preferences.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { JobRunner, preferences, type JobContext } from '../../api/jobs.ts';

/** Work that runs until `finish` is called. */
function held() {
  let finish = () => {};
  let ctx: JobContext | null = null;
  const done = new Promise<void>((r) => (finish = r));
  return {
    work: async (c: JobContext) => {
      ctx = c;
      await done;
      return 'result';
    },
    finish: () => finish(),
    ctx: () => ctx!,
  };
}

const status = (fn: () => unknown) => {
  try {
    fn();
    return 0;
  } catch (err) {
    return (err as { status?: number }).status ?? -1;
  }
};

describe('the job runner', () => {
  test('a kind with limits of its own runs beside the others, waits and is refused by its own limits', async () => {
    const runner = new JobRunner({ concurrency: 1, maxQueued: 0, keepFinished: 5, keepMs: 60_000, kinds: { coverage: { concurrency: 2, maxQueued: 1 } } });
    const review = held();
    const r = runner.start('layer-review', 'parcels', null, review.work);
    assert.equal(r.state, 'running');
    assert.equal(status(() => runner.start('layer-review', 'parcels', null, held().work)), 503, 'one review at a time, none waiting');
    const c1 = held();
    const c2 = held();
    const c3 = held();
    const jobs = [c1, c2, c3].map((c) => runner.start('coverage', 'parks', 'ann', c.work));
    assert.deepEqual(jobs.map((j) => j.state), ['running', 'running', 'queued'], 'coverage does not wait behind the review');
    assert.equal(status(() => runner.start('coverage', 'parks', 'ann', held().work)), 503, 'its own queue is full');
    c1.finish();
    await jobs[0].settled;
    // (The place is freed once the settled job's work has been let go, a turn later.)
    await new Promise((r) => setImmediate(r));
    assert.equal(jobs[0].state, 'done');
    assert.equal(jobs[2].state, 'running', 'the waiting coverage job starts in the place freed');
    assert.equal(r.state, 'running');
    for (const c of [c2, c3, review]) c.finish();
    await Promise.all([...jobs, r].map((j) => j.settled));
  });

  test('one user\'s unfinished jobs of a group are limited (429); others, requests without a user and jobs being cancelled are not counted', async () => {
    const runner = new JobRunner({ concurrency: 1, maxQueued: 10, perOwner: 2, keepFinished: 5, keepMs: 60_000, kinds: { coverage: { concurrency: 1, maxQueued: 10, perOwner: 3 } } });
    const works = Array.from({ length: 12 }, () => held());
    let w = 0;
    const start = (kind: string, owner: string | null) => runner.start(kind, 'parks', owner, works[w++].work);
    const a1 = start('layer-review', 'ann');
    const a2 = start('layer-review', 'ann');
    assert.deepEqual([a1.state, a2.state], ['running', 'queued']);
    assert.equal(status(() => runner.start('layer-review', 'parcels', 'ann', held().work)), 429, 'ann has two reviews unfinished');
    const b1 = start('layer-review', 'bob');
    assert.equal(b1.state, 'queued', 'bob is not held to ann\'s count');
    for (let i = 0; i < 3; i++) start('layer-review', null);
    // Coverage is a group of its own, with its own number.
    const covs = [start('coverage', 'ann'), start('coverage', 'ann'), start('coverage', 'ann')];
    assert.equal(status(() => runner.start('coverage', 'parks', 'ann', held().work)), 429, 'three coverage jobs unfinished');
    // A job being cancelled no longer counts (its work may take a moment to stop); a finished one neither.
    const cancelling = runner.cancel(covs[0].id);
    const c4 = runner.start('coverage', 'parks', 'ann', async () => 'quick');
    assert.equal(c4.state, 'queued');
    works[3 + 3].finish(); // covs[0]'s work lets go: its cancel ends
    await cancelling;
    assert.equal(covs[0].state, 'cancelled');
    await runner.cancel(a2.id);
    assert.equal(runner.start('layer-review', 'parcels', 'ann', async () => 'again').state, 'queued', 'a cancelled review frees ann\'s place');
    for (const x of works) x.finish();
    await Promise.all(runner.list(() => true).map((j) => j.settled));
  });

  test('finished jobs are kept per group: quick coverage jobs do not push out a layer review', async () => {
    const runner = new JobRunner({ concurrency: 1, maxQueued: 1, keepFinished: 2, keepMs: 60_000, kinds: { coverage: { concurrency: 1, maxQueued: 5 } } });
    const review = runner.start('layer-review', 'parcels', null, async () => 'review');
    await review.settled;
    const coverage = [];
    for (let i = 0; i < 4; i++) {
      const job = runner.start('coverage', 'parks', null, async () => i);
      await job.settled;
      coverage.push(job);
    }
    const kept = runner.list(() => true).map((j) => j.id);
    assert.ok(kept.includes(review.id), 'the review is kept');
    assert.deepEqual(kept.filter((id) => id !== review.id), [coverage[3].id, coverage[2].id], 'the two newest coverage jobs');
  });

  test('changed: answers at the job\'s next progress or state, or after the wait; at once for a finished job', async () => {
    const runner = new JobRunner({ concurrency: 1, maxQueued: 1, keepFinished: 5, keepMs: 60_000 });
    const w = held();
    const job = runner.start('coverage', 'parks', null, w.work);
    let heard = false;
    const next = runner.changed(job, 60_000).then(() => (heard = true));
    await new Promise((r) => setImmediate(r));
    assert.equal(heard, false);
    w.ctx().progress(1, 3, 'coverage');
    await next;
    assert.deepEqual(job.progress, { done: 1, total: 3, stage: 'coverage' });
    const timedOut = await Promise.race([runner.changed(job, 1).then(() => 'answered'), new Promise((r) => setTimeout(() => r('hung'), 5_000))]);
    assert.equal(timedOut, 'answered', 'after the wait without a change');
    const end = runner.changed(job, 60_000);
    w.finish();
    await end;
    assert.equal(job.state, 'done');
    await runner.changed(job, 60_000);
  });

  test('the Prefer header: respond-async and wait=N (capped at 30 s), in any order and spacing', () => {
    assert.deepEqual(preferences(undefined), { respondAsync: false, wait: null });
    assert.deepEqual(preferences('respond-async, wait=1'), { respondAsync: true, wait: 1 });
    assert.deepEqual(preferences('wait=5;respond-async'), { respondAsync: true, wait: 5 });
    assert.deepEqual(preferences('Respond-Async'), { respondAsync: true, wait: null });
    assert.deepEqual(preferences('wait=600'), { respondAsync: false, wait: 30 });
    assert.deepEqual(preferences(`wait=${'9'.repeat(400)}`), { respondAsync: false, wait: 30 }, 'a huge wait is capped, not ignored');
    assert.deepEqual(preferences('wait=-1, wait=1e9, wait=1.5'), { respondAsync: false, wait: null }, 'not delta-seconds: ignored, as RFC 7240 asks');
    assert.deepEqual(preferences('return=minimal, wait=abc'), { respondAsync: false, wait: null });
  });
});
