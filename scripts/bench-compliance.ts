/**
 * Benchmark for compliance review: (1) `GET /api/analysis/compliance/projects` end to end against
 * the bare SQL it runs (target ≤ 1.5×; use DATABASE_URL for the PostGIS-server figure), and
 * (2) the browser-side instant check (core/analysis/compliance.ts, Turf) of a 200-vertex polygon
 * against all control polygons, in Node (target: median ≤ 16 ms, one frame), and (3) the review of a
 * whole layer as a job (POST /api/jobs) at 1 000 / 10 000 / 100 000 synthetic parcels (SIZES=…), with
 * the growth per 10× and /api/health and tile latency probed while it runs (goal: health p99 ≤ 200 ms).
 */
import { serve } from '@hono/node-server';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp } from '../api/app.ts';
import { openDatabase } from '../api/open-db.ts';
import { projectsComplianceQuery } from '../api/sql/compliance.ts';
import { checkCompliance, type AreaFeature } from '../core/analysis/compliance.ts';
import type { SiteGeometry } from '../core/geometry/site-input.ts';
import { commitLayer } from '../tests/helpers/coverage-layers.ts';
import { BLOCK, blockTiles, parcels } from '../tests/helpers/synthetic-parcels.ts';
import { testUser } from '../tests/helpers/users.ts';

const ROUNDS = Number(process.env.ROUNDS ?? 30);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const db = await openDatabase({ DATABASE_URL: process.env.DATABASE_URL, GEODATA_DIR: 'geodata' });
const app = createApp({ db, config: { BASEMAPS: [] } });
const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
await new Promise((r) => server.once('listening', r));
const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/analysis/compliance/projects`;
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
const get = () =>
  new Promise<string>((resolve, reject) => {
    http.get(url, { agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    }).on('error', reject);
  });

const q = projectsComplianceQuery();
const api: number[] = [];
const sql: number[] = [];
let projects = 0;
for (let i = 0; i < ROUNDS + 3; i++) {
  let t = performance.now();
  projects = JSON.parse(await get()).projects.length;
  const a = performance.now() - t;
  t = performance.now();
  await db.query(q.text, q.values);
  const s = performance.now() - t;
  if (i >= 3) {
    api.push(a);
    sql.push(s);
  }
}
console.log(
  `compliance/projects (${projects} sites) on ${db.kind}: API ${median(api).toFixed(1)} ms, bare SQL ${median(sql).toFixed(1)} ms, ratio ${(median(api) / median(sql)).toFixed(2)}× (target ≤ 1.5×; medians of ${ROUNDS})`,
);

// A 200-vertex circle of ~1.5 km radius straddling the mountain foot, where the control lines run.
const controls = (await db.query<{ f: AreaFeature }>(
  `select json_build_object('type','Feature','id',id,'properties',properties,'geometry',ST_AsGeoJSON(geom,6)::json) as f from controls`,
)).rows.map((r) => r.f);
const zones = (await db.query<{ f: AreaFeature }>(
  `select json_build_object('type','Feature','id',id,'properties',properties,'geometry',ST_AsGeoJSON(geom,6)::json) as f from zones`,
)).rows.map((r) => r.f);
const ring: [number, number][] = [];
for (let i = 0; i < 200; i++) {
  const a = (2 * Math.PI * i) / 200;
  ring.push([111.8 + 0.018 * Math.cos(a), 40.93 + 0.0135 * Math.sin(a)]);
}
ring.push(ring[0]);
const site: SiteGeometry = { type: 'Polygon', coordinates: [ring] };
const turf: number[] = [];
let conflicts = 0;
for (let i = 0; i < 60; i++) {
  const t = performance.now();
  conflicts = checkCompliance(site, [{ collection: 'controls', features: controls }], zones).conflicts.length;
  if (i >= 10) turf.push(performance.now() - t);
}
const vertices = controls.reduce((n, f) => n + JSON.stringify(f.geometry).split('],[').length, 0);
console.log(
  `Turf instant check, 200-vertex site vs ${controls.length} control polygons (~${vertices} vertices) + ${zones.length} zones: median ${median(turf).toFixed(2)} ms (target ≤ 16 ms), ${conflicts} conflicts`,
);

// (3) The layer review as a job, while /api/health and tiles are probed over HTTP.
const SIZES = (process.env.SIZES ?? '1000,10000,100000').split(',').filter(Boolean).map(Number);
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((xs.length * p) / 100))] ?? NaN;
const timed = async (path: string) => {
  const t = performance.now();
  const res = await fetch(base + path);
  await res.arrayBuffer();
  return performance.now() - t;
};
/** Probes `paths` one after another until `stop()`, pausing `gapMs` between; the latencies. */
const probe = async (paths: () => string, stop: () => boolean, gapMs: number) => {
  const ms: number[] = [];
  while (!stop()) {
    ms.push(await timed(paths()));
    await new Promise((r) => setTimeout(r, gapMs));
  }
  return ms;
};
const planner = await testUser(db, 'planner', `bench-jobs-${Date.now()}`);
// A synthetic control polygon over the western quarter of the parcels' block (the plan's control lines lie outside it).
const ctlEast = BLOCK.west + (BLOCK.east - BLOCK.west) / 4;
const ctlRing = [[BLOCK.west - 0.01, BLOCK.south - 0.01], [ctlEast, BLOCK.south - 0.01], [ctlEast, BLOCK.north + 0.01], [BLOCK.west - 0.01, BLOCK.north + 0.01], [BLOCK.west - 0.01, BLOCK.south - 0.01]];
await commitLayer(app, planner.auth, `bench_controls_${Date.now() % 100000}`, 'control', [{ type: 'Feature', properties: { name_zh: '合成管控区' }, geometry: { type: 'Polygon', coordinates: [ctlRing] } }]);
let previous: number | null = null;
console.log(`\nlayer review as a job on ${db.kind} (chunks of 500 sites; health and tiles probed meanwhile):`);
for (const n of SIZES) {
  const id = `bench_review_${n}_${Date.now() % 100000}`;
  await commitLayer(app, planner.auth, id, 'area', parcels(n), { titleZh: `合成宗地 ${n}` });
  // At rest first, for the ratio: health, and cold tiles (every other tile of the list; the job's run gets the others).
  const tiles = [14, 15, 16].flatMap((z) => blockTiles(z, 400));
  const tilePath = (t: { z: number; x: number; y: number }) => `/api/collections/${id}/tiles/WebMercatorQuad/${t.z}/${t.y}/${t.x}`;
  let restDone = false;
  const restTimer = setTimeout(() => (restDone = true), 3000);
  let ri = 0;
  const [rest, restTiles] = await Promise.all([probe(() => '/api/health', () => restDone, 10), probe(() => tilePath(tiles[2 * ri++]), () => restDone, 500)]);
  clearTimeout(restTimer);
  const t0 = performance.now();
  const started = await fetch(`${base}/api/jobs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ kind: 'layer-review', collection: id }) });
  const location = started.headers.get('location')!;
  if (started.status !== 202) throw new Error(`${started.status} ${await started.text()}`);
  let job = (await started.json()) as { state: string; numberWithConflicts: number; numberOfSites: number; progress: { done: number } };
  let finished = false;
  let ti = 0;
  const probes = Promise.all([
    probe(() => '/api/health', () => finished, 10),
    probe(() => tilePath(tiles[(2 * ti++ + 1) % tiles.length]), () => finished, 500),
  ]);
  while (!['done', 'failed', 'cancelled'].includes(job.state)) {
    await new Promise((r) => setTimeout(r, 100));
    job = await (await fetch(base + location)).json();
  }
  const jobMs = performance.now() - t0;
  finished = true;
  const [health, tileMs] = await probes;
  let t = performance.now();
  const csv = await (await fetch(`${base}${location}/results?f=csv`)).text();
  const csvMs = performance.now() - t;
  t = performance.now();
  await (await fetch(`${base}${location}/results?limit=100`)).json();
  const pageMs = performance.now() - t;
  const growth = previous ? ` (×${(jobMs / previous).toFixed(1)} for 10×)` : '';
  previous = jobMs;
  console.log(
    `  ${n.toLocaleString('en').padStart(7)} parcels: ${job.state} in ${(jobMs / 1000).toFixed(2)} s${growth}, ${((n / jobMs) * 1000).toFixed(0)} sites/s; ${job.numberWithConflicts} of ${job.numberOfSites} conflict; ` +
      `results page ${pageMs.toFixed(1)} ms, CSV ${csvMs.toFixed(0)} ms (${(csv.length / 1024).toFixed(0)} KiB)\n` +
      `           /api/health p50/p99 ${pct(health, 50).toFixed(1)}/${pct(health, 99).toFixed(1)} ms during (${health.length} probes; at rest ${pct(rest, 50).toFixed(1)}/${pct(rest, 99).toFixed(1)} ms; goal p99 ≤ 200 ms); ` +
      `tiles p50/p99 ${pct(tileMs, 50).toFixed(0)}/${pct(tileMs, 99).toFixed(0)} ms during (${tileMs.length} cold tiles z14–z16, one every 0.5 s; at rest ${pct(restTiles, 50).toFixed(0)}/${pct(restTiles, 99).toFixed(0)} ms)`,
  );
}

agent.destroy();
server.close();
await db.close();
