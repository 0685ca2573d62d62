/**
 * Walking-network and population benchmark (issue 14; `npx tsx scripts/bench-network.ts`):
 *  1. Network service areas (1 000 m walk) of 50 facilities on a synthetic grid network of ~10 000
 *     and ~100 000 edges (100 m segments), split into the database read (lines near the facilities,
 *     noded), the graph and Dijkstra (graphology), and the coverage query (buffer, union, overlay);
 *     the growth per 10× edges.
 *  2. Population-weighted coverage (radius, 500 m) with a layer of 1 000 and 10 000 polygons.
 *  3. The browser's instant what-if of one new facility at 300/500/1 000 m on the 10 000- and
 *     100 000-edge networks: the search, the gain counted on gap cells, the reached lines for the map —
 *     beside the old estimate (the reached streets buffered by Turf) on 10 000 edges — and the grid's
 *     gain against the exact one (the server's buffer, union and geodesic area, in PostGIS).
 * Everything is made inside a transaction that is rolled back. Uses DATABASE_URL (a PostgreSQL/PostGIS
 * server) when set, else embedded PGlite (figures then say so). Options: --runs N (default 3).
 */
import type { Queryable } from '../api/db/db.ts';
import { keptNetwork, networkCover, type KeptNetwork } from '../api/network.ts';
import { accessPoints, planarShape, reachedLines } from '../core/analysis/network.ts';
import { openDatabase } from '../api/open-db.ts';
import { toLonLat } from '../core/crs.ts';
import { networkReach, networkWhatIf, type BrowserNetwork } from '../web/src/coverage/network-what-if.ts';
import { buffer } from '@turf/turf';
import type { Feature, MultiLineString, Polygon } from 'geojson';
import { gapGrid, lonLatOf, type GapGrid } from '../core/analysis/coverage-grid.ts';
import type { CoverageResult } from '../core/analysis/coverage.ts';
import type { WalkingGraph } from '../core/analysis/network.ts';
import { coverageQuery, type CoverageRow } from '../api/sql/coverage.ts';
import { collections, type CollectionDef } from '../core/catalog.ts';
import { NETWORK_BUFFER_METERS, NETWORK_MAX_ACCESS_METERS, NETWORK_POLYGON_ACCESS_METERS, resolveCoverage, type CoverageRequestBody } from '../core/analysis/coverage-rules.ts';

const args = process.argv.slice(2);
const runsArg = args.indexOf('--runs');
const RUNS = runsArg >= 0 ? Number(args[runsArg + 1]) : 3;
if (!Number.isInteger(RUNS) || RUNS < 1 || RUNS > 100) {
  console.error('bench-network: --runs must be a whole number from 1 to 100.');
  process.exit(2);
}
const onlyArg = args.indexOf('--only');
const ONLY = onlyArg >= 0 ? args[onlyArg + 1] : 'all';
if (!['all', 'network', 'population'].includes(ONLY)) {
  console.error('bench-network: --only takes network or population.');
  process.exit(2);
}
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const ms = (v: number) => `${v.toFixed(0)} ms`;
const p95 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * 0.95))];

const def = (id: string, role: CollectionDef['role'], geometry: CollectionDef['geometry'], properties: CollectionDef['properties'] = {}): CollectionDef => ({
  id,
  title: { zh: id, en: id },
  description: { zh: id, en: id },
  geometry,
  audience: 'planner',
  control: false,
  properties,
  editableBy: 'planner',
  nullGeometry: false,
  imported: true,
  role,
});
const catalogue = [
  ...collections,
  def('bench_net', 'reference', 'mixed'),
  def('bench_fac', 'facility', 'point', { type: { type: 'string', title: { zh: '类型', en: 'Type' } } }),
  def('bench_area', 'area', 'polygon'),
  def('bench_pop', 'reference', 'polygon', { pop: { type: 'integer', title: { zh: '人口', en: 'Population' } } }),
];

/** Origin of the synthetic world in EPSG:4546 (metres): Xincheng. */
const X0 = 560_000;
const Y0 = 4_520_000;

async function setUp(tx: Queryable, n: number, blocks: number) {
  await tx.exec(`drop table if exists bench_net, bench_fac, bench_area, bench_pop;
    create table bench_net (id text primary key, properties jsonb not null default '{}', geom geometry(Geometry, 4326));
    create table bench_fac (id text primary key, properties jsonb not null default '{}', geom geometry(Geometry, 4326));
    create table bench_area (id text primary key, properties jsonb not null default '{}', geom geometry(Geometry, 4326));
    create table bench_pop (id text primary key, properties jsonb not null default '{}', geom geometry(Geometry, 4326));
    create index on bench_net using gist (geom); create index on bench_pop using gist (geom);
    create trigger bench_net_version after insert or update or delete or truncate on bench_net for each statement execute function bump_collection_version();
    insert into collection_versions (id) values ('bench_net') on conflict do nothing;`);
  // An n × n grid of 100 m segments: 2·n·(n − 1) edges.
  await tx.query(
    `insert into bench_net (id, geom)
      select 'h' || i || '-' || j, ST_Transform(ST_SetSRID(ST_MakeLine(ST_MakePoint($2 + i * 100, $3 + j * 100), ST_MakePoint($2 + (i + 1) * 100, $3 + j * 100)), 4546), 4326)
        from generate_series(0, $1 - 2) i, generate_series(0, $1 - 1) j
      union all
      select 'v' || i || '-' || j, ST_Transform(ST_SetSRID(ST_MakeLine(ST_MakePoint($2 + i * 100, $3 + j * 100), ST_MakePoint($2 + i * 100, $3 + (j + 1) * 100)), 4546), 4326)
        from generate_series(0, $1 - 1) i, generate_series(0, $1 - 2) j`,
    [n, X0, Y0],
  );
  const side = (n - 1) * 100;
  await tx.query(`insert into bench_area (id, geom) values ('a', ST_Transform(ST_MakeEnvelope($1, $2, $3, $4, 4546), 4326))`, [X0, Y0, X0 + side, Y0 + side]);
  // 50 facilities at seeded pseudo-random positions (not on the lines).
  await tx.query(
    `insert into bench_fac (id, properties, geom)
      select 'f' || k, '{"type": "test"}', ST_Transform(ST_SetSRID(ST_MakePoint($1 + 37 + (k * 7919 % 997) / 997.0 * ($3 - 100), $2 + 53 + (k * 104729 % 991) / 991.0 * ($3 - 100)), 4546), 4326)
        from generate_series(1, 50) k`,
    [X0, Y0, side],
  );
  // blocks × blocks population polygons over the area.
  await tx.query(
    `insert into bench_pop (id, properties, geom)
      select 'p' || i || '-' || j, jsonb_build_object('pop', 100 + (i * 31 + j * 17) % 900),
        ST_Transform(ST_MakeEnvelope($1 + i * $3::float8, $2 + j * $3::float8, $1 + (i + 1) * $3::float8, $2 + (j + 1) * $3::float8, 4546), 4326)
        from generate_series(0, $4 - 1) i, generate_series(0, $4 - 1) j`,
    [X0, Y0, side / blocks, blocks],
  );
  return (await tx.query<{ n: number }>('select count(*)::int as n from bench_net')).rows[0].n;
}

const db = await openDatabase({ DATABASE_URL: process.env.DATABASE_URL, GEODATA_DIR: process.env.GEODATA_DIR ?? 'geodata' }).catch((err) => {
  console.error(`bench-network: ${(err as Error).message}`);
  process.exit(1);
});
const where = db.kind === 'postgresql' ? `PostgreSQL server (${new URL(process.env.DATABASE_URL!).pathname.slice(1)})` : 'embedded PGlite (set DATABASE_URL for the server figures)';
console.log(`Network benchmark on ${where}; median of ${RUNS} runs.\n`);

const body = (extra: Partial<CoverageRequestBody>): CoverageRequestBody => ({
  facilities: 'bench_fac',
  radiusMeters: 1000,
  area: 'bench_area',
  includePlanned: false,
  extraFacilities: [],
  denominator: null,
  method: 'radius',
  ...extra,
});

const rollback = new Error('rollback');
const rows: Record<string, string>[] = [];
const totals: number[] = [];
await db
  .transaction(async (tx) => {
    if (ONLY !== 'population') await networkPart(tx);
    if (ONLY !== 'network') await populationPart(tx);
    throw rollback;
  })
  .catch((err) => {
    if (err !== rollback) throw err;
  });
await db.close();

async function networkPart(tx: Queryable) {
  console.log('1. Network service areas, 50 facilities, 1 000 m walk, 100 m grid of segments');
  const pgr = db.kind === 'postgresql' && (await tx.query<{ n: number }>(`select count(*)::int as n from pg_available_extensions where name = 'pgrouting'`)).rows[0].n > 0;
  if (pgr) await tx.exec('create extension if not exists pgrouting');
  const whatIfGraphs: { graph: WalkingGraph; side: number; buildMs: number }[] = [];
  for (const n of [71, 224]) {
    const edges = await setUp(tx, n, 10);
    const cold: number[] = [];
    const sources: number[] = [];
    const search: number[] = [];
    const cover: number[] = [];
    const total: number[] = [];
    let build = { read: 0, graph: 0 };
    let info = '';
    // The first run builds the graph (once per version of the network), the others use the kept one.
    for (let k = 0; k <= RUNS; k++) {
      const r = resolveCoverage(body({ method: 'network', network: 'bench_net' }), catalogue);
      const t0 = performance.now();
      const n1 = await networkCover(tx, r, {});
      const t1 = performance.now();
      const q = coverageQuery(n1.resolved.spec);
      const row = (await tx.query<CoverageRow>(q.text, q.values)).rows[0];
      const t2 = performance.now();
      if (k === 0) {
        if (n1.timingsMs.cached) throw new Error('bench-network: the first run found a kept graph');
        cold.push(t2 - t0);
        build = (await keptNetwork(tx, 'bench_net')!).buildMs;
        continue;
      }
      if (!n1.timingsMs.cached) throw new Error('bench-network: a later run rebuilt the graph');
      sources.push(n1.timingsMs.sources);
      search.push(n1.timingsMs.search);
      cover.push(t2 - t1);
      total.push(t2 - t0);
      info = `${n1.figures.edges} edges, ${n1.figures.nodes} nodes, reached ${(n1.figures.reachedLengthMeters / 1000).toFixed(0)} km, share ${((row.covered_m2 / (row.area_m2 ?? 1)) * 100).toFixed(1)} %`;
    }
    totals.push(median(total));
    const line: Record<string, string> = {
      network: `${edges.toLocaleString('en')} edges`,
      'read + node (SQL, once)': ms(build.read),
      'build graph (JS, once)': ms(build.graph),
      'first analysis': ms(cold[0]),
      'facilities (SQL)': ms(median(sources)),
      'access + Dijkstra (JS)': ms(median(search)),
      'buffer + coverage (SQL)': ms(median(cover)),
      'later analyses': ms(median(total)),
    };
    if (pgr) {
      // pgRouting, the reference: its topology of the same noded lines, then pgr_drivingDistance from
      // the vertex nearest each of the 50 facilities (the same 1 000 m), in one call.
      const t0 = performance.now();
      // Its vertices by pgr_extractVertices (exact ends: the lines are noded at 1 mm; pgr_createTopology's
      // tolerance search took minutes at 100 000 edges).
      await tx.exec(`drop table if exists bench_pgr, bench_pgr_v;
        create table bench_pgr as select (d).path[1]::bigint as id, (d).geom as geom from (select ST_Dump(ST_UnaryUnion(ST_Collect(g), 0.001)) as d
          from (select (ST_Dump(ST_Transform(geom, 4546))).geom as g from bench_net) l) x;
        alter table bench_pgr add column source bigint, add column target bigint;
        create table bench_pgr_v as select * from pgr_extractVertices('select id, geom from bench_pgr order by id');
        update bench_pgr e set source = v.id from bench_pgr_v v, unnest(v.out_edges) o where e.id = o;
        update bench_pgr e set target = v.id from bench_pgr_v v, unnest(v.in_edges) i where e.id = i;
        create index on bench_pgr_v using gist (geom);`);
      const t1 = performance.now();
      const starts = (await tx.query<{ ids: number[] }>(
        `select array_agg(v.id) as ids from bench_fac f cross join lateral (select id from bench_pgr_v v order by v.geom <-> ST_Transform(f.geom, 4546) limit 1) v`,
      )).rows[0].ids;
      const pgrRuns: number[] = [];
      let reached = 0;
      for (let k = 0; k < RUNS; k++) {
        const t2 = performance.now();
        reached = (await tx.query<{ n: number }>(
          `select count(distinct node)::int as n from pgr_drivingDistance('select id, source, target, ST_Length(geom) as cost from bench_pgr', $1::bigint[], 1000::float8, directed => false)`,
          [starts],
        )).rows[0].n;
        pgrRuns.push(performance.now() - t2);
      }
      line['pgRouting topology (once)'] = ms(t1 - t0);
      line['pgRouting drivingDistance ×50'] = `${ms(median(pgrRuns))} (${reached} vertices)`;
    }
    line[''] = info;
    rows.push(line);
    const kept = await keptNetwork(tx, 'bench_net');
    if (kept) whatIfGraphs.push({ graph: kept.graph, side: (n - 1) * 100, buildMs: kept.buildMs.graph });
  }
  console.table(rows);
  console.log(`   growth per 10× edges (later analyses): ×${(totals[1] / totals[0]).toFixed(1)}\n`);

  for (const w of whatIfGraphs) await whatIfPart(tx, w.graph, w.side, w.buildMs);
}

/** The old estimate, for comparison: the reached streets in lon/lat buffered by Turf into one polygon (it unions the segment buffers). */
function oldEstimate(net: BrowserNetwork, p: [number, number], radius: number) {
  const reach = networkReach(net, { type: 'Point', coordinates: p }, radius);
  if (!reach.geometry) return null;
  return buffer({ type: 'Feature', properties: {}, geometry: reach.geometry } as Feature<MultiLineString>, net.info.bufferMeters, { units: 'meters', steps: 2 }) ?? null;
}

/**
 * The browser's instant what-if on a network of `side` metres: one new facility at a time at seeded
 * places, over a result whose whole square is a gap (the most cells a facility can gain: the worst
 * case for the grid), timed in its parts; the old Turf estimate beside it (10 000 edges only: seconds
 * each); and the grid's gain against the exact gain (the reached lines buffered with the server's
 * quad_segs=2, unioned and cut to the square in PostGIS, geodesic area).
 */
async function whatIfPart(tx: Queryable, g: WalkingGraph, side: number, buildMs: number) {
  const edges = g.edges.length.toLocaleString('en');
  const net = {
    info: { bufferMeters: NETWORK_BUFFER_METERS, maxAccessMeters: NETWORK_MAX_ACCESS_METERS, polygonAccessMeters: NETWORK_POLYGON_ACCESS_METERS },
    graph: g,
    buildMs: 0,
  } as unknown as BrowserNetwork;
  const square: Polygon = { type: 'Polygon', coordinates: [[[X0, Y0], [X0 + side, Y0], [X0 + side, Y0 + side], [X0, Y0 + side], [X0, Y0]].map((c) => lonLatOf(c))] };
  const base: CoverageResult = {
    areaSquareMeters: side * side,
    coveredSquareMeters: 0,
    coverageShare: 0,
    gaps: { type: 'FeatureCollection', features: [{ type: 'Feature', id: 'gap-1', properties: { areaSquareMeters: side * side, zoneId: null }, geometry: square }] },
    byZone: [],
    facilityCount: { matched: 0, withoutGeometry: 0, notExisting: 0, belowTiers: 0, counted: 0 },
    gainsSquareMeters: [],
  };
  const tg = performance.now();
  const pristine = gapGrid(base.gaps);
  const gridBuild = performance.now() - tg;
  const fresh = (): GapGrid => ({ ...pristine, cell: pristine.cell.slice(), remaining: pristine.remaining.slice() });
  console.log(
    `3. One what-if facility on ${edges} edges (the browser's code; graph built once when the network arrives: ${ms(buildMs)}; ` +
      `the gaps' grid once per result: ${(pristine.cols * pristine.rows / 1e6).toFixed(2)} M cells of ${pristine.cellMeters} m over ${(side / 1000).toFixed(1)} km square, ${ms(gridBuild)})`,
  );
  const place = (k: number): [number, number] => [X0 + 50 + ((k * 7919) % (side - 100)), Y0 + 30 + ((k * 104729) % (side - 100))];
  const table: Record<string, string>[] = [];
  const big = g.edges.length > 50_000;
  for (const radius of [300, 500, 1000]) {
    const search: number[] = [];
    const cells: number[] = [];
    const draw: number[] = [];
    const whole: number[] = [];
    let reached = 0;
    const grid = fresh();
    // Five facilities first, not timed: the code compiled, as in the browser after its warm-up (the panel runs one trial estimate per result).
    for (let k = -5; k < 60; k++) {
      const p = lonLatOf(place(k + 1000));
      const t0 = performance.now();
      const est = networkWhatIf(net, grid, base, { type: 'Point', coordinates: p }, radius);
      if (k < 0) continue;
      whole.push(performance.now() - t0);
      search.push(est.reach.searchMs);
      cells.push(est.gridMs);
      draw.push(est.reach.drawMs);
      reached += est.reach.lengthMeters;
    }
    // The old estimate: search + Turf buffer (seconds each: 5 places).
    const old: number[] = [];
    if (!big) {
      for (let k = 0; k < 5; k++) {
        const t0 = performance.now();
        oldEstimate(net, lonLatOf(place(k)), radius);
        old.push(performance.now() - t0);
      }
    }
    // The grid's gain against the exact one, each facility on a fresh grid (the whole square uncovered).
    const errors: number[] = [];
    for (let k = 0; k < 8; k++) {
      const p = lonLatOf(place(k));
      const est = networkWhatIf(net, fresh(), base, { type: 'Point', coordinates: p }, radius);
      if (!est.reach.lines.length) continue;
      const exact = (
        await tx.query<{ m2: number }>(
          `select ST_Area(ST_Transform(ST_Intersection(ST_Union(ST_Buffer(d.geom, $2::float8, 'quad_segs=2'), 0.001), ST_MakeEnvelope($3, $4, $5, $6, 4546)), 4326)::geography) as m2
             from ST_Dump(ST_SetSRID(ST_GeomFromGeoJSON($1), 4546)) d`,
          [JSON.stringify({ type: 'MultiLineString', coordinates: est.reach.lines }), NETWORK_BUFFER_METERS, X0, Y0, X0 + side, Y0 + side],
        )
      ).rows[0].m2;
      errors.push((est.figures.gainsSquareMeters[0] - exact) / exact);
    }
    const pct = (v: number) => `${v >= 0 ? '+' : ''}${(v * 100).toFixed(2)} %`;
    table.push({
      radius: `${radius} m`,
      reached: `${(reached / 60 / 1000).toFixed(1)} km`,
      'old: search + Turf buffer': old.length ? ms(median(old)) : '—',
      'new: whole estimate': `${median(whole).toFixed(2)} ms (p95 ${p95(whole).toFixed(1)}, slowest ${Math.max(...whole).toFixed(1)})`,
      search: `${median(search).toFixed(2)} ms`,
      'grid cells': `${median(cells).toFixed(2)} ms`,
      'lines for the map': `${median(draw).toFixed(2)} ms`,
      'grid vs exact gain': errors.length ? `${pct(median(errors))} (${pct(Math.min(...errors))} … ${pct(Math.max(...errors))}, ${errors.length} places)` : '—',
    });
  }
  console.table(table);
  console.log(
    `   frame budget: one frame is ~16 ms at 60 Hz; the new estimate's median, 95th percentile and slowest of 60 facilities (after 5 untimed) are above. Not timed here: MapLibre drawing the lines (setData, then its worker tiles them) and the panel's DOM.${big ? ' (100 000 edges: beyond the browser limit of 50 000, shown for the growth; the old estimate is not run.)' : ''}\n`,
  );
}

async function populationPart(tx: Queryable) {
  console.log('4. Population-weighted coverage (radius 500 m, 50 facilities), people spread by area');
  const pop: Record<string, string>[] = [];
  const popTotals: number[] = [];
  for (const blocks of [32, 100]) {
    await setUp(tx, 71, blocks);
    const count = (await tx.query<{ n: number }>('select count(*)::int as n from bench_pop')).rows[0].n;
    const r = resolveCoverage(body({ radiusMeters: 500, population: { collection: 'bench_pop', field: 'pop' } }), catalogue);
    const plain = resolveCoverage(body({ radiusMeters: 500 }), catalogue);
    const timeIt = async (spec: typeof r.spec) => {
      const out: number[] = [];
      for (let k = 0; k < RUNS; k++) {
        const q = coverageQuery(spec);
        const t0 = performance.now();
        await tx.query(q.text, q.values);
        out.push(performance.now() - t0);
      }
      return median(out);
    };
    const withPop = await timeIt(r.spec);
    const without = await timeIt(plain.spec);
    popTotals.push(withPop);
    pop.push({ polygons: count.toLocaleString('en'), 'coverage without population': ms(without), 'with population': ms(withPop), 'population part': ms(withPop - without) });
  }
  console.table(pop);
  console.log(`   growth per ~10× polygons: ×${(popTotals[1] / popTotals[0]).toFixed(1)}`);
}
