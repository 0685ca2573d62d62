import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createApp } from '../../api/app.ts';
import { StatementCancelledError } from '../../api/db/db.ts';
import { AnalysisQueue } from '../../api/limiter.ts';
import { describeEachDb } from '../helpers/databases.ts';

/** A statement that runs for minutes on either database unless it is stopped. */
const SLOW = 'select count(*) from generate_series(1, 2000000000)';

/** Records the order in which promises settle. */
function order() {
  const seen: string[] = [];
  const track = <T,>(name: string, p: Promise<T>) =>
    p.then(
      (v) => (seen.push(name), v),
      (e) => {
        seen.push(name);
        throw e;
      },
    );
  return { seen, track };
}

describeEachDb('analyses cannot freeze the server', (t) => {
  test('a statement past its time limit is stopped with 57014; health answers meanwhile and the data is whole afterwards', async () => {
    const app = createApp({ db: t.db, config: { BASEMAPS: [] } });
    const { seen, track } = order();
    const slow = track('slow', t.db.query(SLOW, [], { timeoutMs: 1500 }));
    slow.catch(() => {});
    // While it runs, /api/health answers (embedded: from the last reading, saying how long it has been busy).
    await new Promise((r) => setTimeout(r, 300));
    const health = await track('health', Promise.resolve(app.request('/api/health')).then((r) => r.json() as Promise<{ database: string; busyForMs: number }>));
    assert.equal(health.database, t.kind);
    assert.equal(typeof health.busyForMs, 'number');
    if (t.kind === 'pglite') assert.ok(health.busyForMs > 0, JSON.stringify(health));
    await assert.rejects(slow, (err: Error & { code?: string }) => err instanceof StatementCancelledError && err.code === '57014' && /longer than 1\.5 s/.test(err.message));
    assert.deepEqual(seen, ['health', 'slow'], 'health must answer before the slow statement ends');
    // After the stop (embedded: the thread restarted on the same data), everything is there.
    const n = await t.db.query<{ n: number }>('select count(*)::int as n from projects');
    assert.equal(n.rows[0].n, 123);
    const again = await (await app.request('/api/health')).json();
    assert.equal(again.status, 'ok');
    if (t.kind === 'pglite') assert.ok(again.restarts >= 1);
  });

  test('a statement whose client went away is stopped', async () => {
    // The embedded database waits ABORT_GRACE_MS (15 s) before it stops one; 300 ms here.
    const embedded = t.kind === 'pglite' ? (t.db as unknown as { abortGraceMs: number }) : null;
    const grace = embedded?.abortGraceMs;
    if (embedded) embedded.abortGraceMs = 300;
    const ac = new AbortController();
    const slow = t.db.query(SLOW, [], { signal: ac.signal, timeoutMs: 60_000 });
    setTimeout(() => ac.abort(), 300);
    try {
      await assert.rejects(slow, (err: Error & { code?: string }) => err instanceof StatementCancelledError && err.code === undefined && /client closed/.test(err.message));
    } finally {
      if (embedded) embedded.abortGraceMs = grace!;
    }
    assert.equal((await t.db.query<{ n: number }>('select count(*)::int as n from parks')).rows[0].n, 40);
  });

  test('a short statement whose client went away finishes: the embedded thread is not restarted for it', async (c) => {
    if (t.kind !== 'pglite') return c.skip('the server cancels the statement itself (pg_cancel_backend), which costs nothing');
    const restarts = () => (t.db as unknown as { restarts: number }).restarts;
    const before = restarts();
    const ac = new AbortController();
    const short = t.db.query<{ n: number }>('select count(*)::int as n from generate_series(1, 300000)', [], { signal: ac.signal, timeoutMs: 60_000 });
    setTimeout(() => ac.abort(), 20);
    assert.equal((await short).rows[0].n, 300000, 'answered, the answer dropped by the caller');
    assert.equal(restarts(), before);
    assert.equal((await t.db.query<{ n: number }>('select count(*)::int as n from parks')).rows[0].n, 40);
  });

  test('an analysis over the time limit answers 503 with a message, not 500', async () => {
    // 1 000 what-if parks over the district is the heaviest request the API accepts; a 20 ms limit stops it
    // (the server, without JIT, finishes it within 0.2 s; with JIT its compilation alone took longer).
    const app = createApp({ db: t.db, config: { BASEMAPS: [], ANALYSIS_TIMEOUT_SECONDS: 0.02 } });
    const pts = Array.from({ length: 1000 }, (_, i) => ({ type: 'Point', coordinates: [111.6 + ((i * 0.618034) % 1) * 0.3, 40.8 + ((i * 0.414214) % 1) * 0.2] }));
    const res = await app.request('/api/analysis/coverage', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ facilities: 'parks', radiusMeters: 500, area: 'district', extraFacilities: pts }),
    });
    const body = await res.json();
    assert.equal(res.status, 503, JSON.stringify(body));
    assert.equal(body.code, 'ServiceUnavailable');
    assert.match(body.description, /ran longer than the time limit and was stopped/);
    // The app serves normally right after.
    const ok = await app.request('/api/collections/parks/items?limit=1');
    assert.equal(ok.status, 200);
  });
});

describe('the analysis queue', () => {
  const opts = { concurrency: 1, maxWaiting: 1, maxWaitMs: 10_000, statementTimeoutMs: 1000 };

  test('runs one at a time, lets a bounded number wait, refuses the rest with 503 + Retry-After', async () => {
    const q = new AnalysisQueue(opts);
    const first = await q.acquire();
    let secondStarted = false;
    const second = q.acquire().then((release) => {
      secondStarted = true;
      return release;
    });
    await new Promise((r) => setImmediate(r));
    assert.equal(secondStarted, false);
    assert.equal(q.waitingCount, 1);
    await assert.rejects(q.acquire(), (err: Error & { res?: Response }) => {
      assert.equal(err.res?.status, 503);
      assert.equal(err.res?.headers.get('retry-after'), '5');
      return true;
    });
    first();
    const releaseSecond = await second;
    assert.equal(secondStarted, true);
    assert.equal(q.running, 1);
    releaseSecond();
    assert.equal(q.running, 0);
  });

  test('a waiting request whose client goes away leaves the queue; one that waits too long is refused', async () => {
    const q = new AnalysisQueue({ ...opts, maxWaiting: 4, maxWaitMs: 200 });
    const held = await q.acquire();
    const ac = new AbortController();
    const gone = q.acquire(ac.signal);
    ac.abort();
    await assert.rejects(gone, StatementCancelledError);
    assert.equal(q.waitingCount, 0);
    await assert.rejects(q.acquire(), /waited 0\.2 s for a slot/);
    held();
    assert.equal(q.running, 0);
  });
});
