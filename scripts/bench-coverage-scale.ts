/**
 * Coverage at city scale (issue 12, `npm run bench:coverage-scale`): POST /api/analysis/coverage with a
 * denominator, for 100 / 1 000 / 10 000 facilities (points) and denominator layers of 1 000 / 10 000 /
 * 100 000 small polygons, both made by a synthetic generator and committed through the import path
 * (facilities as a `facility` layer, the polygons as an `area` layer, as the tests do). It prints the
 * time of each case, the growth per 10× (facilities with the denominator fixed, and the denominator
 * with the facilities fixed), and where the time goes: the coverage statement's stages (the same
 * CTEs, stopped after each stage, less the stage it builds on), the rest of the statement, and the
 * API around it (JSON, gaps as GeoJSON).
 *
 * Uses DATABASE_URL (a PostgreSQL/PostGIS server; the layers are kept there under bench_cov_* and
 * reused by the next run) when set, else an in-memory embedded PGlite (TEST_DB_SNAPSHOT, if set,
 * speeds its opening). Options (environment): FACILITIES=100,1000,10000 DENOMINATORS=1000,10000,100000
 * FIXED_FACILITIES=1000 FIXED_DENOMINATOR=10000 RADIUS=200 RUNS=3 (runs of the cases under 10 s; the
 * longer ones run once) MAX_SECONDS=300 (a statement is stopped beyond it, and said)
 * BREAKDOWN_MAX_SECONDS=120 (a longer case is not broken down). FULL=1 also runs every size against
 * every size.
 */
import { createApp } from '../api/app.ts';
import { catalogue } from '../api/catalogue.ts';
import { openDatabase } from '../api/open-db.ts';
import { coverageCtes, coverageQuery } from '../api/sql/coverage.ts';
import { resolveCoverage, type CoverageRequestBody } from '../core/analysis/coverage-rules.ts';
import { commitLayer, feature } from '../tests/helpers/coverage-layers.ts';
import { BLOCK, parcels } from '../tests/helpers/synthetic-parcels.ts';
import { testUser } from '../tests/helpers/users.ts';

const list = (v: string | undefined, d: number[]) => (v ? v.split(',').filter(Boolean).map(Number) : d);
const FACILITIES = list(process.env.FACILITIES, [100, 1000, 10000]);
const DENOMINATORS = list(process.env.DENOMINATORS, [1000, 10000, 100000]);
const FIXED_FAC = Number(process.env.FIXED_FACILITIES ?? 1000);
const FIXED_DEN = Number(process.env.FIXED_DENOMINATOR ?? 10000);
const RADIUS = Number(process.env.RADIUS ?? 200);
const RUNS = Number(process.env.RUNS ?? 3);
const MAX_SECONDS = Number(process.env.MAX_SECONDS ?? 300);
const FULL = process.env.FULL === '1';
/** A case that takes longer end to end is not broken down (each stage re-runs the statement's first part). */
const BREAKDOWN_MAX_SECONDS = Number(process.env.BREAKDOWN_MAX_SECONDS ?? 120);

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const sec = (ms: number) => (ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(0)} ms`);

/** `n` facility points over the parcels' block and 300 m around it (deterministic: the same for the same n). */
function facilityPoints(n: number) {
  let seed = 7;
  const rnd = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const pad = 0.004;
  const r7 = (v: number) => Math.round(v * 1e7) / 1e7;
  return Array.from({ length: n }, (_, i) =>
    feature(
      { type: 'Point', coordinates: [r7(BLOCK.west - pad + rnd() * (BLOCK.east - BLOCK.west + 2 * pad)), r7(BLOCK.south - pad + rnd() * (BLOCK.north - BLOCK.south + 2 * pad))] },
      { name_zh: `合成设施${i + 1}`, type: 'park', status: 'existing' },
    ),
  );
}

const db = await openDatabase({ DATABASE_URL: process.env.DATABASE_URL, GEODATA_DIR: process.env.GEODATA_DIR ?? 'geodata', EMBEDDED_SNAPSHOT: process.env.DATABASE_URL ? undefined : process.env.TEST_DB_SNAPSHOT }).catch((err) => {
  console.error(`bench-coverage-scale: ${(err as Error).message}`);
  process.exit(1);
});
const where = db.kind === 'postgresql' ? `PostgreSQL server (${new URL(process.env.DATABASE_URL!).pathname.slice(1)})` : 'embedded PGlite, in memory (set DATABASE_URL for the server figures)';
const app = createApp({ db, config: { BASEMAPS: [], ANALYSIS_TIMEOUT_SECONDS: MAX_SECONDS, IMPORT_MAX_BYTES: 400 * 1024 * 1024 } });
const planner = await testUser(db, 'planner', `bench-cov-${process.pid}`);
console.log(`Coverage at scale on ${where}: ${RADIUS} m circles around synthetic points, coverage of the district measured on a synthetic area layer (denominator).\n`);

/** The layer `id` from `make()`, imported unless a layer of that id is there already (kept on a server between runs). */
async function layer(id: string, role: 'facility' | 'area', make: () => unknown[]) {
  if (catalogue(db).some((d) => d.id === id)) return;
  const t0 = performance.now();
  const features = make();
  const r = await commitLayer(app, planner.auth, id, role, features, { titleZh: id });
  console.log(`  imported ${id}: ${r.featureCount.toLocaleString('en')} features in ${sec(performance.now() - t0)}`);
}
const facId = (n: number) => `bench_cov_fac_${n}`;
const denId = (n: number) => `bench_cov_den_${n}`;

const cases: [number, number][] = [];
const add = (f: number, d: number) => {
  if (!cases.some(([a, b]) => a === f && b === d)) cases.push([f, d]);
};
for (const f of FACILITIES) add(f, FIXED_DEN);
for (const d of DENOMINATORS) add(FIXED_FAC, d);
add(Math.max(...FACILITIES), Math.max(...DENOMINATORS));
if (FULL) for (const f of FACILITIES) for (const d of DENOMINATORS) add(f, d);

console.log('Layers (through the import path: upload + commit):');
for (const f of new Set(cases.map((c) => c[0]))) await layer(facId(f), 'facility', () => facilityPoints(f));
for (const d of new Set(cases.map((c) => c[1]))) await layer(denId(d), 'area', () => parcels(d));
console.log('');

interface Figures {
  facilities: number;
  polygons: number;
  status: number;
  api: number;
  stages: { name: string; ms: number }[];
  full: number;
  share: number | null;
  gaps: number;
  bytes: number;
  error?: string;
}

/**
 * The statement's stages, each timed as the CTEs it needs (the coverage statement's own, stopped
 * there) minus the stage it builds on: `after` names that stage.
 */
const STAGES: { name: string; select: string; after: string | null; late?: boolean }[] = [
  { name: 'area: district ∩ each denominator polygon, dissolved', select: 'select ST_NPoints(g) from area', after: null },
  { name: 'facilities within reach of the area (near)', select: 'select count(*) from near', after: 'area: district ∩ each denominator polygon, dissolved' },
  { name: 'union of the circles (base_cover)', select: 'select ST_NPoints(g) from base_cover', after: 'facilities within reach of the area (near)' },
  { name: 'overlay: covered and gaps (parts)', select: 'select ST_NPoints(covered), ST_NPoints(gaps) from parts', after: 'union of the circles (base_cover)' },
  { name: 'per support zone: area and covered (zone_figures)', select: 'select count(*), sum(covered_m2) from zone_figures', after: 'overlay: covered and gaps (parts)', late: true },
  { name: 'gaps split by zone, listed (gap_list)', select: 'select count(*), sum(area_m2) from gap_list', after: 'overlay: covered and gaps (parts)', late: true },
];

async function run(f: number, d: number): Promise<Figures> {
  const body = { facilities: facId(f), radiusMeters: RADIUS, area: 'district', denominator: denId(d) };
  const init = { method: 'POST', headers: { 'content-type': 'application/json', ...planner.auth }, body: JSON.stringify(body) };
  const out: Figures = { facilities: f, polygons: d, status: 0, api: 0, stages: [], full: 0, share: null, gaps: 0, bytes: 0 };
  // The API end to end; the long cases once, the others RUNS times after a warm-up.
  const once = async () => {
    const t0 = performance.now();
    const res = await app.request('/api/analysis/coverage', init);
    const text = await res.text();
    const ms = performance.now() - t0;
    out.status = res.status;
    out.bytes = text.length;
    const json = JSON.parse(text);
    if (res.status !== 200) out.error = json.description;
    else {
      out.share = json.coverageShare;
      out.gaps = json.gaps?.features?.length ?? 0;
    }
    return ms;
  };
  const first = await once();
  const times = [first];
  if (out.status === 200 && first < 10_000) {
    times.length = 0;
    for (let i = 0; i < RUNS; i++) times.push(await once());
  }
  out.api = median(times);
  if (out.status !== 200 || out.api > BREAKDOWN_MAX_SECONDS * 1000) return out;
  // Where the time goes: the statement's stages, cumulatively, then the whole statement.
  const resolved: CoverageRequestBody = { ...body, includePlanned: false, extraFacilities: [], method: 'radius' };
  const spec = resolveCoverage(resolved, catalogue(db)).spec;
  const reps = out.api < 10_000 ? RUNS : 1;
  const q = coverageQuery(spec);
  // The statement's later CTEs (zones, gaps): its text up to its final select.
  const finalSelect = q.text.lastIndexOf('select (select n from area_rows) as area_rows');
  for (const s of STAGES) {
    const values: unknown[] = [];
    const text = s.late ? (finalSelect > 0 ? `${q.text.slice(0, finalSelect)} ${s.select}` : null) : `with ${coverageCtes(spec, values)} ${s.select}`;
    if (!text) continue;
    const t: number[] = [];
    for (let i = 0; i < reps; i++) {
      const t0 = performance.now();
      await db.query(text, s.late ? q.values : values);
      t.push(performance.now() - t0);
    }
    out.stages.push({ name: s.name, ms: median(t) });
  }
  const t: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    await db.query(q.text, q.values);
    t.push(performance.now() - t0);
  }
  out.full = median(t);
  return out;
}

const results: Figures[] = [];
for (const [f, d] of cases) {
  process.stdout.write(`  ${f.toLocaleString('en').padStart(6)} facilities × ${d.toLocaleString('en').padStart(7)} polygons … `);
  const r = await run(f, d);
  results.push(r);
  if (r.status !== 200) console.log(`HTTP ${r.status} after ${sec(r.api)}: ${r.error}`);
  else console.log(`${sec(r.api).padStart(8)}  share ${((r.share ?? 0) * 100).toFixed(1)} %, ${r.gaps.toLocaleString('en')} gaps, ${(r.bytes / 1e6).toFixed(1)} MB`);
}

console.log('\nWhere the time goes (each stage timed as the CTEs up to it, minus the stage before):');
for (const r of results.filter((x) => x.status === 200)) {
  if (!r.stages.length) {
    console.log(`  ${r.facilities.toLocaleString('en')} facilities × ${r.polygons.toLocaleString('en')} polygons: API ${sec(r.api)}, not broken down (over BREAKDOWN_MAX_SECONDS=${BREAKDOWN_MAX_SECONDS})`);
    continue;
  }
  console.log(`  ${r.facilities.toLocaleString('en')} facilities × ${r.polygons.toLocaleString('en')} polygons: API ${sec(r.api)}, statement ${sec(r.full)}`);
  const at = (name: string | null) => (name ? (r.stages.find((x) => x.name === name)?.ms ?? 0) : 0);
  for (const s of r.stages) {
    const def = STAGES.find((x) => x.name === s.name)!;
    console.log(`    ${s.name.padEnd(56)} ${sec(Math.max(0, s.ms - at(def.after))).padStart(8)}`);
  }
  const counted = r.stages.reduce((sum, s) => sum + Math.max(0, s.ms - at(STAGES.find((x) => x.name === s.name)!.after)), 0);
  console.log(`    ${'rest of the statement (per-unit rows, counts, JSON)'.padEnd(56)} ${sec(Math.max(0, r.full - counted)).padStart(8)}`);
  console.log(`    ${'API around the statement (JSON, metadata)'.padEnd(56)} ${sec(Math.max(0, r.api - r.full)).padStart(8)}`);
}

const growth = (label: string, rows: Figures[], by: (r: Figures) => number) => {
  console.log(`\nGrowth per 10× ${label}:`);
  rows.sort((a, b) => by(a) - by(b));
  rows.forEach((r, i) => {
    const prev = rows[i - 1];
    const g = prev && prev.status === 200 && r.status === 200 ? `  ×${(r.api / prev.api).toFixed(1)} for ×${(by(r) / by(prev)).toFixed(0)}` : '';
    console.log(`  ${by(r).toLocaleString('en').padStart(7)}  ${r.status === 200 ? sec(r.api).padStart(8) : `HTTP ${r.status}`}${g}`);
  });
};
growth(`facilities (denominator ${FIXED_DEN.toLocaleString('en')} polygons)`, results.filter((r) => r.polygons === FIXED_DEN), (r) => r.facilities);
growth(`denominator polygons (${FIXED_FAC.toLocaleString('en')} facilities)`, results.filter((r) => r.facilities === FIXED_FAC), (r) => r.polygons);
await db.close();
