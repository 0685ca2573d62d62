/**
 * Coverage benchmark (`npx tsx scripts/bench-coverage.ts`): prints the figures of issue 5.
 *  1. Park 500 m coverage of the central area: the bare SQL vs the API end to end (in-process and over HTTP),
 *     and over HTTP run as a job (issue 12): as the panel asks (Prefer: respond-async) and as four requests.
 *  2. What-if in the browser code (Turf) for the district's parks: full recompute and one-park update.
 *  3. Scale: 100, 1 000, 10 000 synthetic facilities over the district, server time each.
 *  4. What-if cost: 100, 200, 1 000 extraFacilities in one request (the API's cap), API time each.
 * Uses DATABASE_URL (a PostgreSQL/PostGIS server) when set, else embedded PGlite (figures then say so).
 * Options: --runs N (default 15).
 */
import { serve } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import { createApp } from '../api/app.ts';
import type { Queryable } from '../api/db/db.ts';
import { openDatabase } from '../api/open-db.ts';
import { coverageQuery, type CoverageRow, type CoverageSpec } from '../api/sql/coverage.ts';
import { computeCoverage, updateCoverage, type AreaFeature, type FacilityFeature } from '../core/analysis/coverage.ts';
import { findPreset } from '../core/presets.ts';

const args = process.argv.slice(2);
const runsArg = args.indexOf('--runs');
const RUNS = runsArg >= 0 ? Number(args[runsArg + 1]) : 15;
if (!Number.isInteger(RUNS) || RUNS < 1 || RUNS > 1000) {
  console.error('bench-coverage: --runs must be a whole number from 1 to 1000.');
  process.exit(2);
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const ms = (v: number) => `${v.toFixed(1)} ms`;
async function time(n: number, fn: () => Promise<unknown> | unknown): Promise<number[]> {
  await fn(); // warm-up: plans, PROJ and GEOS caches
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await fn();
    out.push(performance.now() - t0);
  }
  return out;
}

const parks = findPreset('parks')!;
const parkSpec: CoverageSpec = {
  sources: [{ collection: 'parks', filters: [], via: 'preset' }],
  includePlanned: false,
  tiers: parks.tiers,
  extra: [],
  area: { kind: 'collection', collection: 'central_area' },
  denominator: null,
  population: null,
  candidates: null,
};

const db = await openDatabase({ DATABASE_URL: process.env.DATABASE_URL, GEODATA_DIR: process.env.GEODATA_DIR ?? 'geodata' }).catch((err) => {
  console.error(`bench-coverage: ${(err as Error).message}`);
  process.exit(1);
});
const where = db.kind === 'postgresql' ? `PostgreSQL server (${new URL(process.env.DATABASE_URL!).pathname.slice(1)})` : 'embedded PGlite (set DATABASE_URL for the server figures)';
console.log(`Coverage benchmark on ${where}; median of ${RUNS} runs after one warm-up.\n`);

// 1. API end to end vs the bare SQL.
const q = coverageQuery(parkSpec);
const app = createApp({ db, config: { BASEMAPS: [] } });
const body = JSON.stringify({ preset: 'parks', area: 'central_area' });
const init = { method: 'POST', headers: { 'content-type': 'application/json' }, body };
let share = 0;
const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
await new Promise((r) => server.once('listening', r));
const port = (server.address() as AddressInfo).port;
// Interleaved, one of each per round, so that load from elsewhere on the machine hits all alike.
const sqlTimes: number[] = [];
const apiTimes: number[] = [];
const httpTimes: number[] = [];
const asyncTimes: number[] = [];
const jobTimes: number[] = [];
const apiUrl = `http://127.0.0.1:${port}/api`;
/** As a job (issue 12): POST /api/jobs, followed with Prefer: wait until done, its result read, then discarded. */
const asJob = async () => {
  const job = (await (await fetch(`${apiUrl}/jobs`, { ...init, body: JSON.stringify({ kind: 'coverage', ...JSON.parse(body) }) })).json()) as { id: string };
  for (let state = ''; state !== 'done'; ) state = ((await (await fetch(`${apiUrl}/jobs/${job.id}`, { headers: { prefer: 'wait=30' } })).json()) as { state: string }).state;
  await (await fetch(`${apiUrl}/jobs/${job.id}/results`)).text();
  await fetch(`${apiUrl}/jobs/${job.id}`, { method: 'DELETE' });
};
for (let i = 0; i <= RUNS; i++) {
  let t0 = performance.now();
  await db.query(q.text, q.values);
  const s = performance.now() - t0;
  t0 = performance.now();
  const res = await app.request('/api/analysis/coverage', init);
  share = (await res.json()).coverageShare;
  const a = performance.now() - t0;
  t0 = performance.now();
  await (await fetch(`http://127.0.0.1:${port}/api/analysis/coverage`, init)).text();
  const h = performance.now() - t0;
  // As the coverage panel asks: answered in the request when done within the second.
  t0 = performance.now();
  await (await fetch(`${apiUrl}/analysis/coverage`, { ...init, headers: { ...init.headers, prefer: 'respond-async, wait=1' } })).text();
  const r = performance.now() - t0;
  t0 = performance.now();
  await asJob();
  const j = performance.now() - t0;
  if (i === 0) continue; // warm-up: plans, PROJ and GEOS caches
  sqlTimes.push(s);
  apiTimes.push(a);
  httpTimes.push(h);
  asyncTimes.push(r);
  jobTimes.push(j);
}
server.close();
const sqlMs = median(sqlTimes);
console.log('1. Park 500 m coverage of the central area (preset "parks": ≥ 0.5 ha at 500 m, 0.2–0.5 ha at 300 m)');
console.log(`   coverage share             ${(share * 100).toFixed(2)} %`);
console.log(`   bare SQL (coverageQuery)   ${ms(sqlMs)}`);
console.log(`   API in-process             ${ms(median(apiTimes))}  (${(median(apiTimes) / sqlMs).toFixed(2)}× the SQL; target ≤ 1.5×)`);
console.log(`   API over HTTP (localhost)  ${ms(median(httpTimes))}  (${(median(httpTimes) / sqlMs).toFixed(2)}× the SQL; target ≤ 1.5×)`);
console.log(`   … Prefer: respond-async    ${ms(median(asyncTimes))}  (${(median(asyncTimes) / median(httpTimes)).toFixed(2)}× the synchronous request; as the panel asks, a job answered in the request)`);
console.log(`   … as a job (4 requests)    ${ms(median(jobTimes))}  (${(median(jobTimes) / median(httpTimes)).toFixed(2)}× the synchronous request; POST /api/jobs, GET with Prefer: wait, results, DELETE)\n`);

// 2. Turf what-if for the district's parks.
const features = async (from: string) =>
  (await db.query<{ f: unknown }>(`select json_build_object('type', 'Feature', 'id', id, 'properties', properties, 'geometry', ST_AsGeoJSON(geom, 7)::json) as f from ${from}`)).rows.map(
    (r) => (typeof r.f === 'string' ? JSON.parse(r.f) : r.f),
  );
const parkFeatures = (await features('parks')) as FacilityFeature[];
const centralArea = (await features('central_area'))[0] as AreaFeature;
const zones = (await features('zones')) as AreaFeature[];
const input = { facilities: parkFeatures, rule: { tiers: parks.tiers }, area: centralArea, zones };
const fullTimes = await time(RUNS, () => computeCoverage(input));
const base = computeCoverage(input);
// What-if parks at points spread over the central area's bounding box (deterministic).
const [minX, minY, maxX, maxY] = [111.64, 40.83, 111.82, 40.89];
let k = 0;
const updateTimes = await time(Math.max(RUNS, 30), () => {
  k++;
  const p = { type: 'Point' as const, coordinates: [minX + ((k * 0.618034) % 1) * (maxX - minX), minY + ((k * 0.414214) % 1) * (maxY - minY)] };
  return updateCoverage(base, [{ geometry: p, radiusMeters: 500 }], zones);
});
console.log(`2. What-if in the browser code (Turf, Node ${process.version}), ${base.facilityCount.counted} parks over the central area`);
console.log(`   Turf share                 ${(base.coverageShare * 100).toFixed(2)} % (PostGIS ${(share * 100).toFixed(2)} %)`);
console.log(`   full recompute             ${ms(median(fullTimes))}`);
console.log(`   add one park (update)      ${ms(median(updateTimes))}  (target ≤ 100 ms)\n`);

// 3. Scale: synthetic facilities over the district, inside a transaction that is rolled back.
console.log('3. Scale: synthetic facilities (points, 500 m) spread over Xincheng District, coverage of the district');
const sizes = [100, 1000, 10000];
const scaleTimes: number[] = [];
const rollback = new Error('rollback');
await db
  .transaction(async (tx: Queryable) => {
    const spec: CoverageSpec = { ...parkSpec, sources: [{ collection: 'facilities', filters: [], via: 'request' }], tiers: [{ minAreaSquareMeters: 0, radiusMeters: 500 }], area: { kind: 'district', adcode: '150102' } };
    for (const n of sizes) {
      await tx.query('delete from facilities');
      await tx.query(
        `insert into facilities (id, properties, geom)
         select 'synthetic-' || d.path[1], jsonb_build_object('type', 'synthetic', 'status', 'existing'), d.geom
         from ST_Dump(ST_GeneratePoints((select geom from district where properties->>'adcode' = '150102'), $1::int, 42)) d`,
        [n],
      );
      const sq = coverageQuery(spec);
      let row: CoverageRow | undefined;
      const t = await time(Math.min(RUNS, n >= 10000 ? 3 : 5), async () => {
        row = (await tx.query<CoverageRow>(sq.text, sq.values)).rows[0];
      });
      const m = median(t);
      scaleTimes.push(m);
      const growth = scaleTimes.length > 1 ? `  (${(m / scaleTimes[scaleTimes.length - 2]).toFixed(1)}× the previous; limit ~12×)` : '';
      console.log(`   ${String(n).padStart(6)} facilities  ${ms(m).padStart(10)}   share ${((row!.covered_m2 / row!.area_m2!) * 100).toFixed(1)} %${growth}`);
    }
    throw rollback;
  })
  .catch((err) => {
    if (err !== rollback) throw err;
  });

// 4. What-if facilities in one request: the cost per facility should stay about flat (near-linear).
console.log('\n4. What-if: extraFacilities in one coverage request (parks, district, 500 m), API in-process');
const extraSizes = [100, 200, 1000];
let prevPer = 0;
for (const n of extraSizes) {
  const pts = Array.from({ length: n }, (_, i) => ({
    type: 'Point',
    coordinates: [111.6 + ((i * 0.618034) % 1) * 0.3, 40.8 + ((i * 0.414214) % 1) * 0.2].map((v) => Math.round(v * 1e6) / 1e6),
  }));
  const req = { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ facilities: 'parks', radiusMeters: 500, area: 'district', extraFacilities: pts }) };
  let status = 0;
  const t = await time(n >= 1000 ? 1 : Math.min(RUNS, 3), async () => {
    const res = await app.request('/api/analysis/coverage', req);
    status = res.status;
    await res.text();
  });
  const m = median(t);
  const per = m / n;
  console.log(`   ${String(n).padStart(5)} points  ${ms(m).padStart(10)}  ${(per).toFixed(2)} ms per point${prevPer ? `  (${(per / prevPer).toFixed(2)}× the previous per point; quadratic would be ${(n / extraSizes[extraSizes.indexOf(n) - 1]).toFixed(0)}×)` : ''}  HTTP ${status}`);
  prevPer = per;
}
await db.close();
