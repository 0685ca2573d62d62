/**
 * Coverage as a job (issue 12): POST /api/jobs with kind coverage runs the analysis of POST
 * /api/analysis/coverage — checked by the same schema (the same 400s), the same statements, the same
 * body as its result; its stages reported in order; a failure is the route's error; only its starter
 * (or an admin) reads it; a cancel stops the running statement (server: no statement left; embedded:
 * the watchdog restarted the thread, the canceller's token not looked up behind the statement) while
 * /api/health answers. POST /api/analysis/coverage with
 * `Prefer: respond-async` answers in the request when quick, else 202 with the job.
 */
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { AUTH_CACHE_MS } from '../../api/auth/accounts.ts';
import { COVERAGE_STAGES } from '../../core/analysis/coverage-rules.ts';
import { commitLayer, feature } from '../helpers/coverage-layers.ts';
import { describeEachDb } from '../helpers/databases.ts';
import { client, type Answer } from '../helpers/http.ts';
import { testUser } from '../helpers/users.ts';

const UUID = /^\/api\/jobs\/([0-9a-f-]{36})$/;
/** An ordinary request: the parks preset over the central area, with two what-if parks. */
const ORDINARY = {
  preset: 'parks',
  area: 'central_area',
  extraFacilities: [
    { type: 'Point', coordinates: [111.71, 40.83] },
    { type: 'Point', coordinates: [111.69, 40.81] },
  ],
};
/**
 * A heavy request (seconds on either database): 200 what-if circles of 3 km, each overlapping all the
 * others, so the gain of each is measured against the union of all before it. The area is the suite's
 * own layer, named at the start of the statement (pg_stat_activity shows its first 1 024 characters).
 */
const HEAVY = {
  facilities: 'cj_parks',
  radiusMeters: 3000,
  area: 'cj_area',
  extraFacilities: Array.from({ length: 200 }, (_, i) => ({ type: 'Point', coordinates: [111.68 + ((i * 0.618034) % 1) * 0.1, 40.8 + ((i * 0.414214) % 1) * 0.06] })),
};

describeEachDb(
  'coverage as a job',
  (t) => {
    let app: ReturnType<typeof client>;
    /** The same database with a pause before each stage of a coverage job (its stages seen one by one). */
    let paused: ReturnType<typeof client>;
    let planner: Awaited<ReturnType<typeof testUser>>;
    let colleague: Awaited<ReturnType<typeof testUser>>;
    let admin: Awaited<ReturnType<typeof testUser>>;
    const call = (method: string, path: string, opts: { body?: unknown; auth?: Record<string, string>; headers?: Record<string, string>; via?: typeof app } = {}): Promise<Answer> =>
      (opts.via ?? app).call(method, path, { body: opts.body, headers: { ...opts.auth, ...opts.headers } });
    const start = async (body: unknown, auth: Record<string, string> = planner.auth, via = app) => {
      const r = await call('POST', '/api/jobs', { body: { kind: 'coverage', ...(body as object) }, auth, via });
      assert.equal(r.status, 202, r.text);
      const m = UUID.exec(r.headers.get('location') ?? '');
      assert.ok(m, `Location: ${r.headers.get('location')}`);
      assert.equal(r.body.id, m[1]);
      assert.equal(r.body.kind, 'coverage');
      return r.body.id as string;
    };
    /**
     * Follows the job until it has finished: now, then with `Prefer: wait` (answered at each change);
     * every (state, progress) seen.
     */
    const follow = async (id: string, auth: Record<string, string> = planner.auth, via = app, until = (job: { state: string }) => ['done', 'failed', 'cancelled'].includes(job.state)) => {
      const seen: { state: string; done: number; total: number | null; stage?: string }[] = [];
      for (let i = 0; ; i++) {
        const r = await call('GET', `/api/jobs/${id}`, { auth, via, headers: i ? { prefer: 'wait=30' } : {} });
        assert.equal(r.status, 200, r.text);
        assert.equal(r.headers.get('preference-applied'), i ? 'wait=30' : null);
        seen.push({ state: r.body.state, ...r.body.progress });
        if (until(r.body)) return { job: r.body, seen };
      }
    };

    /**
     * POST /api/analysis/coverage with `Prefer: respond-async, wait=30`: its answer within the wait, or
     * (a machine so loaded that it ran longer) the job's outcome — the result, or its failure as 4xx — said so.
     */
    const respondAsync = async (body: unknown): Promise<{ status: number; text: string; body: any; location: string | null }> => {
      const r = await call('POST', '/api/analysis/coverage', { body, auth: planner.auth, headers: { prefer: 'respond-async, wait=30' } });
      if (r.status !== 202) return { ...r, location: r.headers.get('location') };
      console.log(`# ${JSON.stringify(body).slice(0, 60)}: still running after the 30 s wait (a loaded machine); following its job`);
      const { job } = await follow(r.body.id);
      if (job.state === 'failed') return { status: 0, text: job.error, body: { description: job.error }, location: null };
      const result = await call('GET', `/api/jobs/${job.id}/results`, { auth: planner.auth });
      return { ...result, location: null };
    };

    before(async () => {
      app = client(t.db);
      paused = client(t.db, {}, { pauseMs: 300 });
      planner = await testUser(t.db, 'planner');
      colleague = await testUser(t.db, 'planner');
      admin = await testUser(t.db, 'admin');
      await commitLayer(app.app, planner.auth, 'cj_parks', 'facility', [feature({ type: 'Point', coordinates: [111.7, 40.82] }, { name_zh: '合成公园', status: 'existing' })]);
      const box = [[[111.66, 40.78], [111.8, 40.78], [111.8, 40.88], [111.66, 40.88], [111.66, 40.78]]];
      await commitLayer(app.app, planner.auth, 'cj_area', 'reference', [feature({ type: 'Polygon', coordinates: box }, { name_zh: '合成范围' })]);
    });

    test('a coverage job: 202 + Location; its result is the synchronous route\'s body, byte for byte', async () => {
      const sync = await call('POST', '/api/analysis/coverage', { body: ORDINARY, auth: planner.auth });
      assert.equal(sync.status, 200, sync.text);
      const id = await start(ORDINARY);
      const { job } = await follow(id);
      assert.equal(job.state, 'done', JSON.stringify(job));
      assert.equal(job.collection, 'parks');
      assert.equal(job.startedBy, planner.username);
      assert.deepEqual(job.progress, { done: 3, total: 3 });
      assert.deepEqual(job.links.map((l: { rel: string }) => l.rel), ['self', 'results']);
      const result = await call('GET', `/api/jobs/${id}/results`, { auth: planner.auth });
      assert.equal(result.status, 200, result.text);
      assert.match(result.headers.get('content-type') ?? '', /application\/json/);
      assert.equal(result.text, sync.text, 'the same answer as POST /api/analysis/coverage');
      assert.ok(result.body.coverageShare > 0 && result.body.extraFacilities.length === 2, result.text.slice(0, 200));
      // The results take no parameters (a layer review's paging is not theirs).
      assert.equal((await call('GET', `/api/jobs/${id}/results?limit=10`, { auth: planner.auth })).status, 400);
      assert.equal((await call('DELETE', `/api/jobs/${id}`, { auth: planner.auth })).status, 204, 'discarded once read');
    });

    test('its stages are reported in order: inputs, coverage, response (each seen, while waiting with Prefer: wait)', async () => {
      const id = await start(ORDINARY, planner.auth, paused);
      const { job, seen } = await follow(id, planner.auth, paused);
      assert.equal(job.state, 'done');
      const stages = seen.filter((s) => s.state === 'running' && s.stage).map((s) => `${s.done}/${s.total} ${s.stage}`);
      assert.deepEqual([...new Set(stages)], ['0/3 inputs', '1/3 coverage', '2/3 response']);
      const dones = seen.map((s) => s.done);
      assert.ok(dones.every((d, i) => i === 0 || d >= dones[i - 1]), `progress never goes back: ${dones.join(',')}`);
      // Before it is done, its results are a 409 naming the stage.
      const early = await start(ORDINARY, planner.auth, paused);
      const conflict = await call('GET', `/api/jobs/${early}/results`, { auth: planner.auth, via: paused });
      assert.equal(conflict.status, 409, conflict.text);
      assert.match(conflict.body.description, /stage \d of 3/);
      await call('DELETE', `/api/jobs/${early}`, { auth: planner.auth, via: paused });
    });

    test('bad input: the same status and message as the synchronous route; a failure in the analysis fails the job with the route\'s message', async () => {
      const bodies: unknown[] = [
        { radiusMeters: -1, facilities: 'parks' },
        { facilities: 'parks', radiusMeters: 500, area: 5 },
        { preset: 'parks', extraFacilities: 'x' },
        { preset: 'parks', method: 'walk' },
        { preset: 'parks', collection: 'parks' },
        { preset: 'nope' },
        { facilities: 'nope', radiusMeters: 500 },
        { preset: 'parks', area: 'indicators' },
        {},
      ];
      for (const body of bodies) {
        const sync = await call('POST', '/api/analysis/coverage', { body, auth: planner.auth });
        const job = await call('POST', '/api/jobs', { body: { kind: 'coverage', ...(body as object) }, auth: planner.auth });
        assert.ok(sync.status >= 400 && sync.status < 500, `${JSON.stringify(body)}: ${sync.text}`);
        assert.equal(job.status, sync.status, `${JSON.stringify(body)}: ${job.text}`);
        assert.deepEqual(job.body, sync.body);
      }
      for (const body of [{ kind: 'coverages', preset: 'parks' }, { preset: 'parks' }, { kind: 1 }]) {
        const r = await call('POST', '/api/jobs', { body, auth: planner.auth });
        assert.equal(r.status, 400, r.text);
        assert.equal(r.body.description, 'kind: must be "layer-review" or "coverage"');
      }
      // An unknown zone, an area of points: found out by the statement, so the job fails with the route's message.
      for (const [body, status] of [
        [{ preset: 'parks', area: 'zone:none' }, 404],
        [{ preset: 'parks', area: 'facilities' }, 400],
      ] as const) {
        const sync = await call('POST', '/api/analysis/coverage', { body, auth: planner.auth });
        assert.equal(sync.status, status, sync.text);
        const { job } = await follow(await start(body));
        assert.equal(job.state, 'failed');
        assert.equal(job.error, sync.body.description);
        const results = await call('GET', `/api/jobs/${job.id}/results`, { auth: planner.auth });
        assert.equal(results.status, 409);
        assert.equal(results.body.description, `The job failed: ${sync.body.description} It has no results.`, 'the results say why there are none');
        // Asked to respond asynchronously, the failure within the wait is the route's answer.
        const soon = await respondAsync(body);
        if (soon.status) assert.equal(soon.status, status, soon.text);
        assert.equal(soon.body.description, sync.body.description);
      }
    });

    test('only its starter or an admin reads a coverage job (its what-if facilities are drafts); the others get 403 and do not see it listed', async () => {
      const id = await start(ORDINARY);
      await follow(id);
      for (const path of [`/api/jobs/${id}`, `/api/jobs/${id}/results`]) {
        const r = await call('GET', path, { auth: colleague.auth });
        assert.equal(r.status, 403, `${path}: ${r.text}`);
        assert.doesNotMatch(r.text, /111\.71/, 'nothing of the request');
        assert.equal((await call('GET', path)).status, 403, 'nor without signing in');
        assert.equal((await call('GET', path, { auth: admin.auth })).status, 200, 'an admin reads it');
      }
      assert.equal((await call('DELETE', `/api/jobs/${id}`, { auth: colleague.auth })).status, 403);
      const theirs = await call('GET', '/api/jobs', { auth: colleague.auth });
      assert.ok(!theirs.body.jobs.some((j: { id: string }) => j.id === id));
      const mine = await call('GET', '/api/jobs?state=done', { auth: planner.auth });
      assert.ok(mine.body.jobs.some((j: { id: string; kind: string }) => j.id === id && j.kind === 'coverage'));
      assert.equal((await call('DELETE', `/api/jobs/${id}`, { auth: planner.auth })).status, 204);
    });

    test('Prefer: respond-async — a quick analysis answers in the request (the same body, no job kept); a longer one is 202 with the job', async () => {
      const sync = await call('POST', '/api/analysis/coverage', { body: ORDINARY, auth: planner.auth });
      const quick = await respondAsync(ORDINARY);
      assert.equal(quick.status, 200, quick.text);
      assert.equal(quick.location, null);
      assert.equal(quick.text, sync.text);
      const listed = await call('GET', '/api/jobs?state=queued,running', { auth: planner.auth });
      assert.deepEqual(listed.body.jobs, [], 'the job it ran as is not kept');
      // With pauses before its stages it takes over a second: 202, the job to follow.
      const slow = await call('POST', '/api/analysis/coverage', { body: ORDINARY, auth: planner.auth, via: paused, headers: { prefer: 'respond-async, wait=0' } });
      assert.equal(slow.status, 202, slow.text);
      assert.equal(slow.headers.get('preference-applied'), 'respond-async');
      const id = UUID.exec(slow.headers.get('location') ?? '')?.[1];
      assert.ok(id && slow.body.id === id && slow.body.kind === 'coverage');
      assert.ok(['queued', 'running'].includes(slow.body.state));
      const { job } = await follow(id, planner.auth, paused);
      assert.equal(job.state, 'done');
      assert.equal((await call('GET', `/api/jobs/${id}/results`, { auth: planner.auth, via: paused })).text, sync.text);
      // The bad request of a respond-async call is the route's 400.
      const bad = await call('POST', '/api/analysis/coverage', { body: { preset: 'parks', radiusMeters: 0 }, auth: planner.auth, headers: { prefer: 'respond-async' } });
      assert.equal(bad.status, 400);
      assert.equal(bad.body.description, 'radiusMeters: radiusMeters must be greater than 0');
    });

    test('cancel stops the running statement (server: none left; embedded: the thread restarted); health answers meanwhile; the app serves after', async () => {
      /** The coverage statements over the suite's layer running on the server. */
      const coverageStatements = async () =>
        (await t.db.query<{ n: number }>("select count(*)::int as n from pg_stat_activity where state = 'active' and query like '%from cj_area %' and pid <> pg_backend_pid()")).rows[0].n;
      // The embedded database stops a statement whose job was cancelled only if it still runs ABORT_GRACE_MS (15 s) later; 100 ms here.
      const embedded = t.kind === 'pglite' ? (t.db as unknown as { abortGraceMs: number; restarts: number }) : null;
      const grace = embedded?.abortGraceMs;
      if (embedded) embedded.abortGraceMs = 100;
      try {
        const restarts = embedded?.restarts ?? 0;
        const id = await start(HEAVY);
        const { job } = await follow(id, planner.auth, app, (j: { state: string; progress?: { stage?: string } }) => j.progress?.stage === 'coverage' || j.state !== 'running');
        assert.equal(job.state, 'running', JSON.stringify(job));
        const health = await call('GET', '/api/health');
        assert.equal(health.status, 200, 'health answers while the statement runs');
        // Past the credential cache's time: the embedded database, busy with the statement, cannot look the
        // token up now; the entry it had stands in, so the cancel is not held until the statement's end.
        await new Promise((res) => setTimeout(res, AUTH_CACHE_MS + 100));
        // On the server: until the statement shows in pg_stat_activity (the stage is told just before it is sent).
        for (let i = 0; t.kind === 'postgresql' && (await coverageStatements()) === 0; i++) {
          assert.ok(i < 1500, 'the coverage statement runs on the server');
          await new Promise((res) => setTimeout(res, 20));
        }
        const r = await call('DELETE', `/api/jobs/${id}`, { auth: planner.auth });
        assert.equal(r.status, 200, `cancelled while it ran (204: it had finished before the cancel got through): ${r.text}`);
        assert.equal(r.body.state, 'cancelled');
        assert.equal(r.body.progress.stage, 'coverage', 'stopped in the coverage statement');
        assert.deepEqual(r.body.links.map((l: { rel: string }) => l.rel), ['self']);
        const results = await call('GET', `/api/jobs/${id}/results`, { auth: planner.auth });
        assert.equal(results.status, 409);
        assert.match(results.body.description, /cancelled before it finished; it has no results/);
        if (t.kind === 'postgresql') {
          assert.equal(await coverageStatements(), 0, 'no coverage statement still runs on the server');
        } else {
          assert.equal(embedded!.restarts, restarts + 1, 'the embedded thread was restarted to stop the statement');
        }
      } finally {
        if (embedded) embedded.abortGraceMs = grace!;
      }
      // (Of the built-in layers only: a restarted in-memory test database has lost the suite's imported layer.)
      const again = await call('POST', '/api/analysis/coverage', { body: { facilities: 'parks', radiusMeters: 500 }, auth: planner.auth });
      assert.equal(again.status, 200, again.text);
    });

    test('the OpenAPI document describes coverage jobs: kind, stages, who reads them, respond-async', async () => {
      const doc = (await call('GET', '/api/openapi')).body;
      const job = doc.paths['/jobs/{jobId}'].get.responses['200'].content['application/json'].schema;
      assert.deepEqual(job.properties.kind.enum, ['layer-review', 'coverage']);
      assert.deepEqual(job.properties.progress.properties.stage.enum, [...COVERAGE_STAGES]);
      assert.match(doc.paths['/jobs'].post.description, /coverage job/);
      assert.match(doc.paths['/jobs'].post.description, /only the user who started it, or an admin, may read it/);
      assert.ok(doc.paths['/jobs/{jobId}'].get.parameters.some((p: { name: string; in: string }) => p.name === 'Prefer' && p.in === 'header'));
      assert.ok(doc.paths['/jobs/{jobId}'].get.responses['403']);
      const coverage = doc.paths['/analysis/coverage'].post;
      assert.ok(coverage.parameters.some((p: { name: string }) => p.name === 'Prefer'));
      assert.ok(coverage.responses['202'] && coverage.responses['200']);
      assert.match(coverage.description, /respond-async/);
      assert.ok(coverage['x-cost-limits'].maxExtraFacilities > 0, 'the cost limits stay');
    });
  },
  { isolated: true },
);
