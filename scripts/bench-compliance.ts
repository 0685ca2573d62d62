/**
 * Benchmark for compliance review: (1) `GET /api/analysis/compliance/projects` end to end against
 * the bare SQL it runs (target ≤ 1.5×; use DATABASE_URL for the PostGIS-server figure), and
 * (2) the browser-side instant check (core/analysis/compliance.ts, Turf) of a 200-vertex polygon
 * against all control polygons, in Node (target: median ≤ 16 ms, one frame).
 */
import { serve } from '@hono/node-server';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp } from '../api/app.ts';
import { openDatabase } from '../api/open-db.ts';
import { projectsComplianceQuery } from '../api/sql/compliance.ts';
import { checkCompliance, type AreaFeature } from '../core/analysis/compliance.ts';
import type { SiteGeometry } from '../core/geometry/site-input.ts';

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
agent.destroy();
server.close();
await db.close();
