/**
 * Import benchmark (`npx tsx scripts/bench-import.ts [--features N]`): a GeoPackage of N small
 * polygons (default 100 000, 20 m squares in EPSG:4546 over the district), made with gdal-bin, is
 * uploaded to POST /api/imports (read, converted and checked: the preview step) and committed as a
 * new layer with POST /api/imports/{id}/commit (one audited transaction) on the embedded database
 * and, with DATABASE_URL, on the server; `ogr2ogr -f PostgreSQL` of the same file into the same
 * server is the yardstick (ratio = our time / ogr2ogr time). Prints peak RSS of each step too.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { createApp } from '../api/app.ts';
import { openDatabase } from '../api/open-db.ts';
import { testUser } from '../tests/helpers/users.ts';
import { stopGdal } from '../api/import/gdal.ts';

const n = Number(process.argv[process.argv.indexOf('--features') + 1]) || 100_000;
const dir = mkdtempSync(join(tmpdir(), 'bench-import-'));
const side = Math.ceil(Math.sqrt(n));
const rows = ['WKT,名称,编号'];
for (let i = 0; i < n; i++) {
  const x = 540_000 + (i % side) * 40;
  const y = 4_520_000 + Math.floor(i / side) * 40;
  rows.push(`"POLYGON((${x} ${y},${x + 20} ${y},${x + 20} ${y + 20},${x} ${y + 20},${x} ${y}))",地块${i + 1},${i + 1}`);
}
writeFileSync(join(dir, 'p.csv'), rows.join('\n'));
const gpkg = join(dir, 'parcels.gpkg');
execFileSync('ogr2ogr', ['-q', '-f', 'GPKG', gpkg, join(dir, 'p.csv'), '-oo', 'GEOM_POSSIBLE_NAMES=WKT', '-oo', 'KEEP_GEOM_COLUMNS=NO', '-a_srs', 'EPSG:4546', '-nln', 'parcels', '-nlt', 'POLYGON']);
const bytes = readFileSync(gpkg);
console.log(`GeoPackage of ${n.toLocaleString('en')} polygons: ${(bytes.length / 1024 / 1024).toFixed(1)} MB`);

let peak = 0;
const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);

async function upload(url: string | undefined) {
  const db = await openDatabase({ DATABASE_URL: url, GEODATA_DIR: 'geodata' });
  const app = createApp({ db, config: { BASEMAPS: [] } });
  const user = await testUser(db, 'planner', `bench-${Date.now()}`);
  const form = new FormData();
  form.append('file', new Blob([bytes]), 'parcels.gpkg');
  peak = 0;
  const t = performance.now();
  const res = await app.request('/api/imports', { method: 'POST', headers: user.auth, body: form });
  const body = await res.json();
  const ms = performance.now() - t;
  if (res.status !== 201) throw new Error(`${res.status} ${JSON.stringify(body)}`);
  const previewPeak = peak;
  peak = 0;
  const id = `bench_${Date.now()}`;
  const admin = await testUser(db, 'admin', `bench-admin-${Date.now()}`);
  const t2 = performance.now();
  const commit = await app.request(`/api/imports/${body.id}/commit`, {
    method: 'POST',
    headers: { ...admin.auth, 'content-type': 'application/json' },
    body: JSON.stringify({ layer: body.layers[0].name, target: { newCollection: { id, title: { zh: '基准地块', en: 'Bench parcels' }, role: 'area', audience: 'planner' } } }),
  });
  const committed = await commit.json();
  const commitMs = performance.now() - t2;
  if (commit.status !== 200) throw new Error(`commit ${commit.status} ${JSON.stringify(committed)}`);
  if (committed.featureCount !== n) throw new Error(`committed ${committed.featureCount} of ${n}`);
  await db.query(`drop table ${id} cascade`).catch(() => {});
  await db.query('delete from catalogue where id = $1', [id]).catch(() => {});
  await db.close();
  return { ms, count: body.layers[0].featureCount, peak: previewPeak, commitMs, commitPeak: peak };
}

type Result = { ms: number; count: number; peak: number; commitMs: number; commitPeak: number };
const results: [string, Result][] = [['embedded', await upload(undefined)]];
let ogrMs: number | null = null;
if (process.env.DATABASE_URL) {
  results.push(['server', await upload(process.env.DATABASE_URL)]);
  const c = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await c.connect();
  await c.query('drop schema if exists bench_ogr cascade; create schema bench_ogr');
  const u = new URL(process.env.DATABASE_URL);
  const t = performance.now();
  execFileSync('ogr2ogr', ['-f', 'PostgreSQL', `PG:host=${u.hostname} port=${u.port || 5432} dbname=${u.pathname.slice(1)} user=${u.username || 'postgres'}`, gpkg, '-lco', 'SCHEMA=bench_ogr', '-t_srs', 'EPSG:4326', '-nln', 'parcels']);
  ogrMs = performance.now() - t;
  await c.query('drop schema bench_ogr cascade');
  await c.end();
}
clearInterval(sampler);
const mb = (b: number) => `${(b / 1024 / 1024).toFixed(0)} MB`;
for (const [kind, r] of results) {
  console.log(`upload + preview (${r.count.toLocaleString('en')} features) on ${kind}: ${(r.ms / 1000).toFixed(1)} s, peak RSS ${mb(r.peak)}`);
  console.log(`commit as a new layer on ${kind}: ${(r.commitMs / 1000).toFixed(1)} s, peak RSS ${mb(r.commitPeak)}`);
  if (ogrMs) console.log(`  ${kind}: (preview + commit) / ogr2ogr = ${((r.ms + r.commitMs) / ogrMs).toFixed(2)}×, commit alone / ogr2ogr = ${(r.commitMs / ogrMs).toFixed(2)}×`);
}
if (ogrMs) console.log(`ogr2ogr -f PostgreSQL (reproject to 4326) of the same file: ${(ogrMs / 1000).toFixed(1)} s`);
await stopGdal();
rmSync(dir, { recursive: true, force: true });
process.exit(0);
