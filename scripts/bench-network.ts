/**
 * Walking-network and population benchmark (issue 14; `npx tsx scripts/bench-network.ts`):
 *  1. Network service areas (1 000 m walk) of 50 facilities on a synthetic grid network of ~10 000
 *     and ~100 000 edges (100 m segments), split into the database read (lines near the facilities,
 *     noded), the graph and Dijkstra (graphology), and the coverage query (buffer, union, overlay);
 *     the growth per 10× edges.
 *  2. Population-weighted coverage (radius, 500 m) with a layer of 1 000 and 10 000 polygons.
 * Everything is made inside a transaction that is rolled back. Uses DATABASE_URL (a PostgreSQL/PostGIS
 * server) when set, else embedded PGlite (figures then say so). Options: --runs N (default 3).
 */
import type { Queryable } from '../api/db/db.ts';
import { keptNetwork, networkCover, type KeptNetwork } from '../api/network.ts';
import { accessPoints, planarShape, reachedLines } from '../core/analysis/network.ts';
import { openDatabase } from '../api/open-db.ts';
import { toLonLat } from '../core/crs.ts';
import { networkServiceArea, type BrowserNetwork } from '../web/src/coverage/network-what-if.ts';
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
  let whatIfGraph: KeptNetwork | null = null;
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
    if (n === 71) whatIfGraph = (await keptNetwork(tx, 'bench_net')) ?? null;
  }
  console.table(rows);
  console.log(`   growth per 10× edges (later analyses): ×${(totals[1] / totals[0]).toFixed(1)}\n`);

  // The browser's instant what-if on the network: one new facility's reached edges on the 10 000-edge
  // network, with the core code the browser runs (the graph built once when the network arrives).
  if (whatIfGraph) {
    const g = whatIfGraph.graph;
    const one: number[] = [];
    for (const radius of [300, 500, 1000]) {
      one.length = 0;
      let len = 0;
      for (let k = 0; k < 60; k++) {
        const p: [number, number] = [X0 + 50 + ((k * 7919) % 6900), Y0 + 30 + ((k * 104729) % 6900)];
        const t0 = performance.now();
        const access = accessPoints(g, planarShape({ type: 'Point', coordinates: p }), NETWORK_MAX_ACCESS_METERS, NETWORK_POLYGON_ACCESS_METERS);
        len += reachedLines(g, [{ access, distanceMeters: radius }]).lengthMeters;
        one.push(performance.now() - t0);
      }
      console.log(`3. One what-if facility at ${radius} m on ${g.edges.length.toLocaleString('en')} edges (core, as in the browser): median ${median(one).toFixed(2)} ms, slowest ${Math.max(...one).toFixed(2)} ms (${(len / 60 / 1000).toFixed(1)} km reached on average)`);
    }
    // And the whole estimate the panel draws: search, then the reached streets buffered into an area (Turf).
    const net = {
      info: { bufferMeters: NETWORK_BUFFER_METERS, maxAccessMeters: NETWORK_MAX_ACCESS_METERS, polygonAccessMeters: NETWORK_POLYGON_ACCESS_METERS },
      graph: g,
      buildMs: 0,
    } as unknown as BrowserNetwork;
    for (const radius of [300, 500, 1000]) {
      const whole: number[] = [];
      for (let k = 0; k < 30; k++) {
        const p = toLonLat([X0 + 50 + ((k * 7919) % 6900), Y0 + 30 + ((k * 104729) % 6900)], 'EPSG:4546');
        const t0 = performance.now();
        networkServiceArea(net, { type: 'Point', coordinates: p }, radius);
        whole.push(performance.now() - t0);
      }
      console.log(`   the whole estimate at ${radius} m (search + Turf buffer of the reached streets): median ${median(whole).toFixed(1)} ms, slowest ${Math.max(...whole).toFixed(1)} ms`);
    }
    console.log(`   the graph is built once when the browser gets the network: ${ms(whatIfGraph.buildMs.graph)} here\n`);
  }

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
