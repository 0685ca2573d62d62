/**
 * Long analyses as jobs (issue 12): the review of a whole layer started as a job (202 + Location),
 * its progress advancing chunk by chunk, its results equal to the synchronous review's (counts and
 * every CSV row), conflicts first; cancel stops it (state cancelled, no more progress, no statement
 * left running); who may cancel; the list of the caller's jobs (GET /api/jobs, ?state); unknown and
 * malformed ids; a user's third unfinished review answers 429, a full job queue 503 + Retry-After.
 */
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { createApp } from '../../api/app.ts';
import { describeEachDb } from '../helpers/databases.ts';
import type { Answer } from '../helpers/http.ts';
import { testUser } from '../helpers/users.ts';
import { commitLayer, feature } from '../helpers/coverage-layers.ts';
import { BLOCK, parcels } from '../helpers/synthetic-parcels.ts';

const SITES = 2000;
const CHUNK = 100;
const UUID = /^\/api\/jobs\/([0-9a-f-]{36})$/;

describeEachDb(
  'analysis jobs: the review of a whole layer',
  (t) => {
    let app: ReturnType<typeof createApp>;
    let planner: Awaited<ReturnType<typeof testUser>>;
    let colleague: Awaited<ReturnType<typeof testUser>>;
    let admin: Awaited<ReturnType<typeof testUser>>;
    const call = async (method: string, path: string, opts: { body?: unknown; auth?: Record<string, string> } = {}): Promise<Answer> => {
      const headers: Record<string, string> = { ...opts.auth };
      if (opts.body !== undefined) headers['content-type'] = 'application/json';
      const res = await app.request(path, { method, headers, body: opts.body === undefined ? undefined : JSON.stringify(opts.body) });
      const text = await res.text();
      let body: unknown = null;
      try {
        body = text ? JSON.parse(text) : null;
      } catch {
        body = null;
      }
      return { status: res.status, headers: res.headers, body, text };
    };
    const start = async (auth: Record<string, string> = {}, collection = 'job_parcels') => {
      const r = await call('POST', '/api/jobs', { body: { kind: 'layer-review', collection }, auth });
      assert.equal(r.status, 202, r.text);
      const m = UUID.exec(r.headers.get('location') ?? '');
      assert.ok(m, `Location: ${r.headers.get('location')}`);
      assert.equal(r.body.id, m[1]);
      return r.body.id as string;
    };
    /** Polls the job until it has finished; every state seen on the way. */
    const settle = async (id: string) => {
      const seen: { state: string; done: number; total: number | null }[] = [];
      for (;;) {
        const r = await call('GET', `/api/jobs/${id}`);
        assert.equal(r.status, 200, r.text);
        seen.push({ state: r.body.state, done: r.body.progress.done, total: r.body.progress.total });
        if (['done', 'failed', 'cancelled'].includes(r.body.state)) return { job: r.body, seen };
        await new Promise((res) => setTimeout(res, 3));
      }
    };
    const runningWithProgress = async (id: string) => {
      for (;;) {
        const r = await call('GET', `/api/jobs/${id}`);
        if (r.body.state === 'running' && r.body.progress.done > 0) return r.body;
        assert.ok(['queued', 'running'].includes(r.body.state), r.text);
        await new Promise((res) => setTimeout(res, 2));
      }
    };

    before(async () => {
      // Small chunks so a 2 000-site review takes 20 statements; one job at a time, one waiting.
      app = createApp({ db: t.db, config: { BASEMAPS: [] }, jobs: { chunkSites: CHUNK, concurrency: 1, maxQueued: 1 } });
      planner = await testUser(t.db, 'planner');
      colleague = await testUser(t.db, 'planner');
      admin = await testUser(t.db, 'admin');
      // A control polygon over the western quarter of the parcels' block: some parcels cross it, some lie inside.
      const w = BLOCK.west + (BLOCK.east - BLOCK.west) * 0.25;
      const ctl = { type: 'Polygon', coordinates: [[[BLOCK.west - 0.01, BLOCK.south - 0.01], [w, BLOCK.south - 0.01], [w, BLOCK.north + 0.01], [BLOCK.west - 0.01, BLOCK.north + 0.01], [BLOCK.west - 0.01, BLOCK.south - 0.01]]] };
      await commitLayer(app, planner.auth, 'job_controls', 'control', [feature(ctl, { name_zh: '合成管控区' })]);
      await commitLayer(app, planner.auth, 'job_parcels', 'reference', [...parcels(SITES), feature({ type: 'Point', coordinates: [111.7, 40.82] }, { name_zh: '点' })]);
    });

    test('start → 202 + Location; progress advances chunk by chunk to done; counts and every CSV row equal the synchronous review', async () => {
      const id = await start(planner.auth);
      const { job, seen } = await settle(id);
      assert.equal(job.state, 'done', JSON.stringify(job));
      assert.deepEqual(job.progress, { done: SITES, total: SITES });
      const dones = seen.filter((s) => s.state === 'running').map((s) => s.done);
      assert.ok(dones.some((d) => d > 0 && d < SITES), `an intermediate progress was seen: ${dones.join(',')}`);
      assert.ok(dones.every((d, i) => i === 0 || d >= dones[i - 1]), 'progress never goes back');
      assert.ok(dones.every((d) => d % CHUNK === 0), 'progress moves a chunk at a time');
      assert.equal(job.startedBy, planner.username);
      assert.ok(job.startedAt && job.finishedAt && job.finishedAt >= job.startedAt);
      const rels = job.links.map((l: { rel: string }) => l.rel);
      assert.deepEqual(rels, ['self', 'results', 'alternate']);

      const sync = await call('GET', '/api/analysis/compliance/collections/job_parcels?limit=1');
      assert.equal(sync.status, 200, sync.text);
      assert.ok(sync.body.numberWithConflicts > 0 && sync.body.numberWithConflicts < SITES, `some parcels conflict: ${sync.body.numberWithConflicts}`);
      assert.equal(job.numberOfSites, sync.body.numberOfSites);
      assert.equal(job.numberWithConflicts, sync.body.numberWithConflicts);
      assert.equal(job.numberNotReviewed, sync.body.numberNotReviewed);
      assert.equal(job.numberNotReviewed, 1, 'the point');

      // Conflicts first, the largest first; only=conflicts pages through exactly those.
      const page = await call('GET', `/api/jobs/${id}/results?limit=50`);
      assert.equal(page.status, 200, page.text);
      assert.equal(page.body.numberMatched, SITES);
      const areas = page.body.sites.map((s: { conflictSquareMeters: number }) => s.conflictSquareMeters);
      assert.ok(areas[0] > 0 && areas.every((a: number, i: number) => i === 0 || a <= areas[i - 1]), 'largest conflict first');
      const last = await call('GET', `/api/jobs/${id}/results?limit=10&offset=${SITES - 10}`);
      assert.equal(last.body.sites.length, 10);
      assert.ok(last.body.sites.every((s: { conflicts: unknown[] }) => s.conflicts.length === 0), 'the sites without conflict last');
      const across = await call('GET', `/api/jobs/${id}/results?limit=4&offset=${job.numberWithConflicts - 2}`);
      assert.deepEqual(across.body.sites.map((s: { conflicts: unknown[] }) => s.conflicts.length > 0), [true, true, false, false], 'a page across the boundary');
      const only = await call('GET', `/api/jobs/${id}/results?only=conflicts&limit=1000`);
      assert.equal(only.body.numberMatched, job.numberWithConflicts);
      assert.equal(only.body.sites.length, Math.min(1000, job.numberWithConflicts));

      // The streamed CSV holds the same rows as the synchronous review's.
      const csv = async (path: string) => {
        const res = await app.request(path);
        assert.equal(res.status, 200);
        assert.match(res.headers.get('content-type') ?? '', /text\/csv/);
        const text = (await res.text()).replace(/^\uFEFF/, '');
        const [head, ...rows] = text.trim().split('\r\n');
        return { head, rows };
      };
      const fromJob = await csv(`/api/jobs/${id}/results?f=csv`);
      const fromSync = await csv('/api/analysis/compliance/collections/job_parcels?f=csv');
      assert.equal(fromJob.head, fromSync.head);
      assert.equal(fromJob.rows.length, SITES);
      assert.deepEqual([...fromJob.rows].sort(), [...fromSync.rows].sort());
      const onlyCsv = await csv(`/api/jobs/${id}/results?f=csv&only=conflicts`);
      assert.equal(onlyCsv.rows.length, job.numberWithConflicts);
    });

    test('a running job does not hold the analyses: a single-site check answers meanwhile', async () => {
      const id = await start(planner.auth);
      await runningWithProgress(id);
      const site = { type: 'Polygon', coordinates: [[[111.7, 40.82], [111.701, 40.82], [111.701, 40.821], [111.7, 40.821], [111.7, 40.82]]] };
      const r = await call('POST', '/api/analysis/compliance', { body: { geometry: site } });
      assert.equal(r.status, 200, r.text);
      const during = (await call('GET', `/api/jobs/${id}`)).body;
      assert.ok(during.state === 'running' || during.state === 'done', during.state);
      await settle(id);
    });

    test('cancel stops the job: state cancelled, progress stays, no statement left running, no results', async () => {
      const id = await start(planner.auth);
      await runningWithProgress(id);
      const r = await call('DELETE', `/api/jobs/${id}`, { auth: planner.auth });
      assert.equal(r.status, 200, r.text);
      assert.equal(r.body.state, 'cancelled');
      assert.ok(r.body.progress.done < SITES, `stopped at ${r.body.progress.done}`);
      await new Promise((res) => setTimeout(res, 300));
      const later = await call('GET', `/api/jobs/${id}`);
      assert.equal(later.body.state, 'cancelled');
      assert.equal(later.body.progress.done, r.body.progress.done, 'no chunk ran after the cancel');
      assert.deepEqual(later.body.links.map((l: { rel: string }) => l.rel), ['self']);
      const results = await call('GET', `/api/jobs/${id}/results`);
      assert.equal(results.status, 409);
      assert.match(results.body.description, /cancelled/);
      if (t.kind === 'postgresql') {
        const active = await t.db.query<{ n: number }>("select count(*)::int as n from pg_stat_activity where state = 'active' and query like '%job_parcels%' and pid <> pg_backend_pid()");
        assert.equal(active.rows[0].n, 0, 'no review statement still runs on the server');
      }
      // A cancelled job is discarded by a second DELETE.
      assert.equal((await call('DELETE', `/api/jobs/${id}`, { auth: planner.auth })).status, 204);
      assert.equal((await call('GET', `/api/jobs/${id}`)).status, 404);
    });

    test('anyone who may run analyses reads a job; only its starter or an admin cancels it', async () => {
      const id = await start(planner.auth);
      assert.equal((await call('GET', `/api/jobs/${id}`, { auth: colleague.auth })).status, 200, 'a colleague may read it');
      const refused = await call('DELETE', `/api/jobs/${id}`, { auth: colleague.auth });
      assert.equal(refused.status, 403, refused.text);
      assert.match(refused.body.description, new RegExp(planner.username));
      assert.equal((await call('DELETE', `/api/jobs/${id}`)).status, 403, 'not without signing in either');
      const byAdmin = await call('DELETE', `/api/jobs/${id}`, { auth: admin.auth });
      assert.equal(byAdmin.status, 200, byAdmin.text);
      assert.equal(byAdmin.body.state, 'cancelled');
    });

    test('results before the job is done → 409; a finished job is discarded with DELETE (204, then 404)', async () => {
      const id = await start();
      const early = await call('GET', `/api/jobs/${id}/results`);
      assert.equal(early.status, 409, early.text);
      assert.ok(['queued', 'running'].includes(early.body.state));
      await settle(id);
      assert.equal((await call('GET', `/api/jobs/${id}/results?limit=1`)).status, 200);
      // Started without signing in (loopback): no owner, any caller who may run analyses may discard it.
      assert.equal((await call('DELETE', `/api/jobs/${id}`)).status, 204);
      assert.equal((await call('GET', `/api/jobs/${id}`)).status, 404);
      assert.equal((await call('GET', `/api/jobs/${id}/results`)).status, 404);
    });

    test('a user\'s third review → 429 naming the limit; a full job queue → 503 with Retry-After; a queued job is cancelled at once', async () => {
      const running = await start(planner.auth);
      const queued = await start(planner.auth);
      assert.equal((await call('GET', `/api/jobs/${queued}`)).body.state, 'queued');
      // Two unfinished reviews are as many as one user may have (the app's default): the third is the user's to wait for.
      const own = await call('POST', '/api/jobs', { body: { kind: 'layer-review', collection: 'job_parcels' }, auth: planner.auth });
      assert.equal(own.status, 429, own.text);
      assert.equal(own.body.code, 'TooManyRequests');
      assert.match(own.body.description, /already have 2 layer review jobs queued or running.*cancel one/);
      assert.ok(Number(own.headers.get('retry-after')) > 0);
      // Another user is not held to the planner's count, but the queue (one running, one waiting) is full.
      const refused = await call('POST', '/api/jobs', { body: { kind: 'layer-review', collection: 'job_parcels' }, auth: colleague.auth });
      assert.equal(refused.status, 503, refused.text);
      assert.ok(Number(refused.headers.get('retry-after')) > 0);
      const q = await call('DELETE', `/api/jobs/${queued}`, { auth: planner.auth });
      assert.equal(q.body.state, 'cancelled');
      assert.equal(q.body.progress.done, 0);
      assert.equal(q.body.startedAt, null, 'it never started');
      assert.equal((await call('DELETE', `/api/jobs/${running}`, { auth: planner.auth })).body.state, 'cancelled');
    });

    test('GET /api/jobs: the caller\'s own jobs (an admin\'s: all), newest first, each as GET /api/jobs/{id}; ?state filters', async () => {
      // One started without signing in (loopback), cancelled at once: it belongs to no one.
      const ownerless = await start();
      assert.equal((await call('DELETE', `/api/jobs/${ownerless}`)).status, 200);
      const mine = await start(planner.auth);
      await runningWithProgress(mine);
      const theirs = await start(colleague.auth);
      const list = async (query = '', auth: Record<string, string> = planner.auth) => {
        const r = await call('GET', `/api/jobs${query}`, { auth });
        assert.equal(r.status, 200, r.text);
        assert.equal(r.body.numberReturned, r.body.jobs.length);
        return r.body.jobs as { id: string; state: string; startedBy: string | null; createdAt: string }[];
      };
      const own = await list();
      assert.equal(own[0].id, mine, 'the newest first');
      assert.ok(own.every((j) => j.startedBy === planner.username), 'only the caller\'s jobs');
      assert.ok(own.length > 1, 'with the finished jobs of the earlier tests');
      assert.ok(own.every((j, i) => i === 0 || j.createdAt <= own[i - 1].createdAt), 'newest first');
      const other = await list('', colleague.auth);
      assert.deepEqual(other.map((j) => j.id), [theirs]);
      assert.equal(other[0].state, 'queued');
      const all = await list('', admin.auth);
      assert.deepEqual(all.slice(0, 2).map((j) => j.id), [theirs, mine], 'an admin sees everyone\'s');
      assert.ok(all.some((j) => j.id === ownerless), 'also the jobs started without signing in');
      // Without signing in (loopback): the jobs started without signing in.
      const anonymous = await list('', {});
      assert.equal(anonymous[0].id, ownerless);
      assert.ok(anonymous.every((j) => j.startedBy === null));
      assert.ok(!own.some((j) => j.id === ownerless));

      // The state filter: one state, or a comma list.
      assert.deepEqual((await list('?state=running')).map((j) => j.id), [mine]);
      assert.deepEqual((await list('?state=queued,running', admin.auth)).map((j) => j.id), [theirs, mine]);
      const done = await list('?state=done');
      assert.ok(done.length > 0 && done.every((j) => j.state === 'done'));
      assert.deepEqual(await list('?state=failed'), []);

      // Each the same object as GET /api/jobs/{id} (once stopped, so that progress holds still).
      await call('DELETE', `/api/jobs/${theirs}`, { auth: colleague.auth });
      await call('DELETE', `/api/jobs/${mine}`, { auth: planner.auth });
      const cancelled = await list('?state=cancelled');
      assert.equal(cancelled[0].id, mine);
      assert.deepEqual(cancelled[0], (await call('GET', `/api/jobs/${mine}`)).body);
      assert.deepEqual(done[0], (await call('GET', `/api/jobs/${done[0].id}`)).body);
      assert.ok(!(await list('?state=cancelled')).some((j) => j.id === theirs));

      // A discarded job is no longer listed.
      assert.equal((await call('DELETE', `/api/jobs/${mine}`, { auth: planner.auth })).status, 204);
      assert.ok(!(await list()).some((j) => j.id === mine));

      for (const q of ['?state=finished', '?state=running,', '?state=', '?evil=1', `?state=${'done,'.repeat(60)}done`, '?state=running&state=done']) {
        const r = await call('GET', `/api/jobs${q}`, { auth: planner.auth });
        assert.equal(r.status, 400, `${q}: ${r.text}`);
        assert.match(r.body.description, /state|evil|query/);
      }
      // The list at a path with a trailing slash: a 404 naming the path to use, not a 405 (GET is allowed).
      const slash = await call('GET', '/api/jobs/', { auth: planner.auth });
      assert.equal(slash.status, 404, slash.text);
      assert.match(slash.body.description, /without the trailing slash: \/api\/jobs\./);
    });

    test('unknown jobs → 404, malformed ids → 400, bad requests → 400/404 with the reason', async () => {
      const unknown = await call('GET', '/api/jobs/00000000-0000-4000-8000-000000000000');
      assert.equal(unknown.status, 404);
      assert.match(unknown.body.description, /in memory/);
      assert.equal((await call('DELETE', '/api/jobs/00000000-0000-4000-8000-000000000000')).status, 404);
      assert.equal((await call('GET', '/api/jobs/00000000-0000-4000-8000-000000000000/results')).status, 404);
      for (const bad of ['abc', '1', '00000000-0000-4000-8000-00000000000Z', '%27%3B--', 'x'.repeat(300)]) {
        const r = await call('GET', `/api/jobs/${bad}`);
        assert.equal(r.status, 400, `${bad}: ${r.text}`);
        assert.match(r.body.description, /not a job id/);
        assert.equal((await call('DELETE', `/api/jobs/${bad}`)).status, 400);
      }
      for (const body of [{}, { kind: 'layer-review' }, { kind: 'coverage', collection: 'job_parcels' }, { kind: 'layer-review', collection: 'job_parcels', extra: 1 }, { kind: 'layer-review', collection: 'indicators' }, { kind: 'layer-review', collection: 'villages' }]) {
        const r = await call('POST', '/api/jobs', { body, auth: planner.auth });
        assert.equal(r.status, 400, `${JSON.stringify(body)}: ${r.text}`);
      }
      for (const collection of [undefined, '', 7]) {
        const r = await call('POST', '/api/jobs', { body: { kind: 'layer-review', collection }, auth: planner.auth });
        assert.match(r.body.description, /^collection: collection must be the id of the layer to review/, `${collection}: the missing or wrong member named`);
      }
      assert.equal((await call('POST', '/api/jobs', { body: { kind: 'layer-review', collection: 'nope' }, auth: planner.auth })).status, 404);
      const id = await start(planner.auth);
      for (const q of ['limit=0', 'limit=5000', 'offset=-1', 'only=all', 'f=xml', 'evil=1']) {
        assert.equal((await call('GET', `/api/jobs/${id}/results?${q}`)).status, 400, q);
      }
      await call('DELETE', `/api/jobs/${id}`, { auth: planner.auth });
    });

    test('the OpenAPI document describes the jobs: states, who may cancel, kept in memory', async () => {
      const doc = (await call('GET', '/api/openapi')).body;
      const start = doc.paths['/jobs'].post;
      assert.ok(start.responses['202'].headers.Location);
      assert.match(start.description, /restart loses/);
      assert.match(start.description, /started it, or an admin, may cancel/);
      assert.deepEqual(doc.paths['/jobs/{jobId}'].get.responses['200'].content['application/json'].schema.properties.state.enum, ['queued', 'running', 'done', 'failed', 'cancelled']);
      assert.ok(doc.paths['/jobs/{jobId}'].delete.responses['403']);
      assert.ok(doc.paths['/jobs/{jobId}/results'].get.responses['409']);
      const list = doc.paths['/jobs'].get;
      assert.equal(list.operationId, 'getJobs');
      assert.deepEqual(list.parameters.map((p: { name: string }) => p.name), ['state']);
      assert.deepEqual(list.parameters[0].schema.items.enum, ['queued', 'running', 'done', 'failed', 'cancelled']);
      assert.deepEqual(list.responses['200'].content['application/json'].schema.properties.jobs.items, doc.paths['/jobs/{jobId}'].get.responses['200'].content['application/json'].schema);
      assert.ok(list.responses['401']);
    });

    test('where anonymous users may not run analyses, they may not start or read jobs', async () => {
      const open = createApp({ db: t.db, config: { BASEMAPS: [], ANONYMOUS_READ: 'public' } });
      const r = await open.request('/api/jobs', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ kind: 'layer-review', collection: 'job_parcels' }) });
      assert.equal(r.status, 401);
      assert.equal((await open.request('/api/jobs/00000000-0000-4000-8000-000000000000')).status, 401);
      assert.equal((await open.request('/api/jobs')).status, 401);
      assert.equal((await open.request('/api/jobs?state=running')).status, 401);
    });
  },
  { isolated: true },
);
