import { Hono, type Context } from 'hono';
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { greedyMaximalCoverage, SUGGEST_TIE_BREAK } from '../../core/analysis/coverage.ts';
import {
  areaProblem,
  coverageInputChoices,
  coverageResponse,
  coverageStages,
  CoverageInputError,
  MAX_EXTRA_FACILITIES,
  MAX_RADIUS_METERS,
  MAX_SUGGEST_COUNT,
  methodsFor,
  NETWORK_BROWSER_MAX_EDGES,
  NETWORK_BUFFER_METERS,
  NETWORK_MAX_ACCESS_METERS,
  NETWORK_POLYGON_ACCESS_METERS,
  NETWORK_SNAP_METERS,
  networkCollection,
  resolveCoverage,
  round,
  type CoverageRequestBody,
  type CoverageStage,
  type InputMeta,
  type NetworkFigures,
  type ResolvedCoverage,
} from '../../core/analysis/coverage-rules.ts';
import { COVERAGE_PRESETS } from '../../core/presets.ts';
import { catalogue } from '../catalogue.ts';
import { StatementCancelledError, type Db, type QueryOptions } from '../db/db.ts';
import { apiError } from '../errors.ts';
import { requireFullRead } from '../auth/middleware.ts';
import { coverageQuery, inputsMetaQuery, suggestSamplesQuery, type CoverageRow, type SuggestSamplesRow } from '../sql/coverage.ts';
import { preferences, type Job, type JobRunner } from '../jobs.ts';
import { statementLimits } from '../limiter.ts';
import { networkCover, walkingNetwork } from '../network.ts';
import { networkVersionQuery } from '../sql/network.ts';
import { readJson } from './read-json.ts';

export { MAX_EXTRA_FACILITIES, MAX_RADIUS_METERS, MAX_SUGGEST_COUNT };

const Scalar = z.union([z.string().max(200), z.number(), z.boolean()]);
const CollectionId = (what: string) => z.string({ message: `${what} must be a collection id` }).min(1).max(100);
/** The body of POST /analysis/coverage; a coverage job (POST /jobs, kind coverage) is checked by it too. */
export const CoverageRequest = z.strictObject({
  facilities: z.string({ message: 'facilities must be a collection id, e.g. "parks"' }).min(1).max(100).optional(),
  filter: z
    .record(z.string().max(100), z.union([Scalar, z.array(Scalar).min(1).max(100)]), { message: 'filter must be an object of property: value' })
    .optional(),
  radiusMeters: z
    .number({ message: 'radiusMeters must be a number (metres)' })
    .gt(0, 'radiusMeters must be greater than 0')
    .max(MAX_RADIUS_METERS, `radiusMeters must be at most ${MAX_RADIUS_METERS} (50 km)`)
    .optional(),
  preset: z.string({ message: 'preset must be a preset id, e.g. "parks"' }).max(100).optional(),
  area: z.string({ message: 'area must be "central_area", "district", "zone:<id>" or a collection id' }).min(1).max(200).default('central_area'),
  includePlanned: z.boolean({ message: 'includePlanned must be true or false' }).default(false),
  extraFacilities: z
    .array(z.unknown(), { message: 'extraFacilities must be an array of GeoJSON Points' })
    .max(MAX_EXTRA_FACILITIES, `at most ${MAX_EXTRA_FACILITIES} extraFacilities`)
    .default([]),
  denominator: z.string({ message: 'denominator must be an area collection id, or null for the whole area' }).min(1).max(100).nullable().optional(),
  population: z
    .strictObject(
      { collection: CollectionId('population.collection'), field: z.string({ message: 'population.field must be a field name' }).min(1).max(100).optional() },
      { message: 'population must be { "collection": "<id>", "field": "<number field>" }' },
    )
    .optional(),
  method: z.enum(['radius', 'network'], { message: 'method must be "radius" or "network"' }).default('radius'),
  network: CollectionId('network').optional(),
  candidates: CollectionId('candidates').optional(),
});
const SuggestRequest = CoverageRequest.extend({
  count: z
    .number({ message: `count must be a whole number from 1 to ${MAX_SUGGEST_COUNT}` })
    .int(`count must be a whole number from 1 to ${MAX_SUGGEST_COUNT}`)
    .min(1, 'count must be at least 1')
    .max(MAX_SUGGEST_COUNT, `count must be at most ${MAX_SUGGEST_COUNT}`),
});

/** The core's resolution, its input errors as API errors. */
export function resolve(db: Db, body: CoverageRequestBody): ResolvedCoverage {
  try {
    return resolveCoverage(body, catalogue(db));
  } catch (e) {
    if (e instanceof CoverageInputError) apiError(e.status, e.code, e.message);
    throw e;
  }
}

/** Throws 404/400 when the area matched nothing or has no polygonal geometry. */
function checkArea(r: ResolvedCoverage, row: { area_rows: number; area_with_geom: number; area_empty: boolean } | undefined) {
  // The query always yields one row; none means a geometry error the database swallowed (seen on PGlite).
  if (!row) throw new Error(`coverage query returned no row for ${JSON.stringify(r.spec).slice(0, 300)}`);
  const problem = areaProblem(r, row);
  if (problem) apiError(problem.status, problem.code, problem.message);
}

/** Version, date and count of every collection the request uses. */
async function inputsMeta(db: Db, r: ResolvedCoverage, limits?: QueryOptions): Promise<Record<string, InputMeta>> {
  const ids = [...new Set([...r.spec.sources.map((s) => s.collection), r.denominator?.def.id, r.population?.def.id, r.network?.id, r.candidates?.id].filter((x): x is string => !!x))];
  const q = inputsMetaQuery(ids);
  const rows = (await db.query<{ id: string; version: number | null; date: string | null; feature_count: number | null }>(q.text, q.values, limits)).rows;
  return Object.fromEntries(rows.map((x) => [x.id, { version: x.version ?? (x.feature_count !== null ? 1 : null), date: x.date, featureCount: x.feature_count }]));
}

/** Runs the coverage query of `r` (with the network's reached edges when the method is network), saying when each stage starts. */
async function runCoverage(
  db: Db,
  limits: QueryOptions,
  r: ResolvedCoverage,
  stage: (s: CoverageStage) => Promise<void> = async () => {},
): Promise<{ r: ResolvedCoverage; row: CoverageRow; network?: NetworkFigures }> {
  let network: NetworkFigures | undefined;
  if (r.method === 'network') {
    await stage('network');
    const n = await networkCover(db, r, limits);
    r = n.resolved;
    network = n.figures;
  }
  await stage('coverage');
  const q = coverageQuery(r.spec);
  const row = (await db.query<CoverageRow>(q.text, q.values, limits)).rows[0];
  checkArea(r, row);
  return { r, row, network };
}

/** Hears each stage of a coverage analysis as it starts: its index (from 0) of `total`; may pause it (awaited). */
export type StageListener = (index: number, total: number, stage: CoverageStage) => void | Promise<void>;

/**
 * One coverage analysis as POST /analysis/coverage answers it (the JSON body), for that route and for
 * a coverage job alike (one path, the same statements): the inputs' versions and dates, on a network
 * the reached streets, the coverage statement, the answer. `limits`: the statements' time limit and
 * cancel signal (a cancel between stages stops it before the next); `onStage` hears each stage start.
 */
export async function coverageAnalysis(db: Db, r: ResolvedCoverage, limits: QueryOptions, onStage?: StageListener): Promise<string> {
  const stages = coverageStages(r.method);
  const stage = async (s: CoverageStage) => {
    if (limits.signal?.aborted) throw new StatementCancelledError('The analysis was cancelled.');
    await onStage?.(stages.indexOf(s), stages.length, s);
    if (limits.signal?.aborted) throw new StatementCancelledError('The analysis was cancelled.');
  };
  await stage('inputs');
  const meta = await inputsMeta(db, r, limits);
  const { r: after, row, network } = await runCoverage(db, limits, r, stage);
  await stage('response');
  const gains = JSON.parse(row.gains) as number[];
  const extras = after.spec.extra.map((e, i) => ({ coordinates: e.lonLat, radiusMeters: e.radiusMeters, gainSquareMeters: gains[i] }));
  return coverageResponse(after, row, extras, meta, network);
}

const JSON_TYPE = { 'content-type': 'application/json; charset=utf-8' };

/** Coverage jobs (api/routes/jobs.ts), for POST /analysis/coverage with `Prefer: respond-async`. */
export interface CoverageJobs {
  runner: JobRunner;
  /** Queues the analysis of `r` as a job of `owner` (503 when too many wait). */
  start(r: ResolvedCoverage, owner: string | null): Job;
  /** The job as GET /api/jobs/{id} answers it. */
  describe(job: Job): unknown;
}

/**
 * POST /analysis/coverage with `Prefer: respond-async` (RFC 7240): the analysis runs as a coverage job;
 * done within `wait` seconds, its answer is this request's (200, the same body, the job forgotten);
 * longer, the answer is 202 with the job (Location), to follow for its stage and to cancel. A client
 * that goes away before either cancels it. A failure within the wait is answered as without the header.
 */
async function respondAsync(c: Context, jobs: CoverageJobs, r: ResolvedCoverage, wait: number): Promise<Response> {
  const job = jobs.start(r, c.get('actor')?.username ?? null);
  const gone = () => void jobs.runner.cancel(job.id);
  c.req.raw.signal.addEventListener('abort', gone, { once: true });
  const timer = new AbortController();
  try {
    await Promise.race([job.settled, sleep(wait * 1000, undefined, { signal: timer.signal }).catch(() => {})]);
  } finally {
    timer.abort();
    c.req.raw.signal.removeEventListener('abort', gone);
  }
  if (job.state === 'done' || job.state === 'failed') {
    jobs.runner.discard(job.id);
    if (job.state === 'failed') throw (job.cause as Error)?.cause ?? job.cause;
    return c.body(job.result as string, 200, JSON_TYPE);
  }
  c.header('Location', `/api/jobs/${job.id}`);
  c.header('Preference-Applied', 'respond-async');
  return c.json(jobs.describe(job), 202);
}

/**
 * Service-radius coverage: figures, gaps, per-zone shares, what-if, suggested sites, presets. With
 * `jobs`, POST /analysis/coverage honours `Prefer: respond-async` (see respondAsync).
 */
export function coverageRoutes(db: Db, jobs?: CoverageJobs) {
  const app = new Hono();

  app.get('/analysis/presets', (c) =>
    c.json({
      presets: COVERAGE_PRESETS.map((p) => ({
        ...p,
        radiusMeters: p.tiers.length === 1 ? p.tiers[0].radiusMeters : null,
      })),
    }),
  );

  // What the office has imported that coverage can use: area layers (denominators), population layers, networks, candidate land.
  app.get('/analysis/coverage/inputs', (c) => {
    requireFullRead(c, 'analyse service coverage');
    return c.json(coverageInputChoices(catalogue(db)));
  });

  // A walking network for the browser's instant what-if (issue 14): its noded lines in EPSG:4546
  // metres and the graph's constants, from the graph the server keeps per version of the collection;
  // without the lines when it is larger than the browser takes (the server then answers alone).
  app.get('/analysis/coverage/network/:id', async (c) => {
    requireFullRead(c, 'analyse service coverage');
    let def;
    try {
      def = networkCollection(c.req.param('id'), catalogue(db));
    } catch (e) {
      if (e instanceof CoverageInputError) apiError(e.status, e.code === 'InvalidRequestBody' ? 'InvalidParameterValue' : e.code, e.message);
      throw e;
    }
    const vq = networkVersionQuery(def.id);
    const version = (await db.query<{ version: string | null }>(vq.text, vq.values, statementLimits(c))).rows[0]?.version ?? null;
    const net = await walkingNetwork(db, def.id, version, statementLimits(c));
    const tooLarge = net.graph.edges.length > NETWORK_BROWSER_MAX_EDGES;
    const head = {
      collection: def.id,
      version: net.version,
      crs: 'EPSG:4546',
      nodes: net.graph.nodes.length,
      edges: net.graph.edges.length,
      browserMaxEdges: NETWORK_BROWSER_MAX_EDGES,
      tooLarge,
      snapMeters: NETWORK_SNAP_METERS,
      bufferMeters: NETWORK_BUFFER_METERS,
      maxAccessMeters: NETWORK_MAX_ACCESS_METERS,
      polygonAccessMeters: NETWORK_POLYGON_ACCESS_METERS,
    };
    // The lines are written as they came from the database (1 mm), not re-serialised one by one.
    return c.body(`${JSON.stringify(head).slice(0, -1)},"lines":${tooLarge ? 'null' : JSON.stringify(net.lines)}}`, 200, { ...JSON_TYPE, 'cache-control': 'private, no-cache' });
  });

  app.post('/analysis/coverage', async (c) => {
    requireFullRead(c, 'analyse service coverage');
    const r = resolve(db, await readJson(c, CoverageRequest));
    const prefer = preferences(c.req.header('prefer'));
    if (jobs && prefer.respondAsync) return respondAsync(c, jobs, r, prefer.wait ?? 0);
    return c.body(await coverageAnalysis(db, r, statementLimits(c)), 200, JSON_TYPE);
  });

  app.post('/analysis/coverage/suggest', async (c) => {
    requireFullRead(c, 'analyse service coverage');
    const body = await readJson(c, SuggestRequest);
    let r = resolve(db, body);
    if (r.method === 'network') r = (await networkCover(db, r, statementLimits(c))).resolved;
    const sq = suggestSamplesQuery(r.spec, r.newRadiusMeters);
    const s = (await db.query<SuggestSamplesRow>(sq.text, sq.values, statementLimits(c))).rows[0];
    checkArea(r, s);
    const demand = (s.demand_x ?? []).map((x, i) => ({ x, y: s.demand_y![i] }));
    const candidates = (s.cand_x ?? []).map((x, i) => ({ x, y: s.cand_y![i] }));
    const cell = s.spacing_m ?? 0;
    const picks = demand.length && candidates.length ? greedyMaximalCoverage(demand, cell * cell, candidates, r.newRadiusMeters, body.count) : [];
    const userExtras = r.spec.extra.length;
    const picked: ResolvedCoverage = {
      ...r,
      spec: {
        ...r.spec,
        extra: [...r.spec.extra, ...picks.map((p) => ({ lonLat: [s.cand_lon![p.index], s.cand_lat![p.index]] as [number, number], radiusMeters: r.newRadiusMeters }))],
      },
    };
    const { r: after, row, network } = await runCoverage(db, statementLimits(c), picked);
    const gains = JSON.parse(row.gains) as number[];
    const suggestions = {
      type: 'FeatureCollection',
      features: picks.map((p, i) => ({
        type: 'Feature',
        id: `suggestion-${i + 1}`,
        properties: {
          rank: i + 1,
          gainSquareMeters: gains[userExtras + i],
          estimatedGainSquareMeters: round(p.gainSquareMeters, 0),
          // The tie-break (SUGGEST_TIE_BREAK): uncovered area within twice the radius when picked.
          nearbyGapSquareMeters: round(p.nearbyGapSquareMeters, 0),
          radiusMeters: r.newRadiusMeters,
        },
        geometry: { type: 'Point', coordinates: after.spec.extra[userExtras + i].lonLat },
      })),
    };
    const areaM2 = s.area_m2 ?? 0;
    const before = {
      areaSquareMeters: round(areaM2, 1),
      coveredSquareMeters: round(s.covered_m2 ?? 0, 1),
      coverageShare: areaM2 > 0 ? round((s.covered_m2 ?? 0) / areaM2, 4) : 0,
    };
    const notes: string[] = ['Sites are chosen for coverage alone: check each against the control lines (POST /api/analysis/compliance) and land availability before proposing it.'];
    if (picks.length < body.count) {
      notes.push(picks.length === 0 ? 'The area is already fully covered: no site would add anything.' : `Only ${picks.length} sites add coverage; the area is then fully covered.`);
    }
    const wide = r.spec.denominator !== null || r.spec.candidates !== null;
    const method =
      `Suggestions: greedy maximal coverage. The gaps are sampled on a ${round(cell, 1)} m grid in EPSG:4546 (each sample stands for ${round(cell * cell, 0)} m² of uncovered area); ` +
      `candidate sites are grid points ${wide ? 'in the area within one radius of the gaps' : 'inside the gaps'} at least ${round(r.newRadiusMeters / 5, 0)} m apart, outside every control layer${r.candidates ? ` and on the candidate land ${r.candidates.id}` : ''}; each step takes the candidate whose ${r.newRadiusMeters} m circle covers the most uncovered samples. ` +
      `${SUGGEST_TIE_BREAK.en} The grid spacings are whole metres, so both databases sample the same points. ` +
      `gainSquareMeters is then measured exactly in PostGIS (what each site adds beyond the facilities and the sites before it). ${methodsFor(after).en}`;
    const methodZh =
      `建议选址：贪心最大覆盖。在 EPSG:4546 中以 ${round(cell, 1)} 米网格对盲区取样（每个样点代表 ${round(cell * cell, 0)} 平方米未覆盖面积）；` +
      `候选点为${wide ? '测算范围内距盲区一个半径以内' : '盲区内'}相距至少 ${round(r.newRadiusMeters / 5, 0)} 米的网格点，位于所有管控图层之外${r.candidates ? `且位于候选用地 ${r.candidates.id} 上` : ''}；每一步选取 ${r.newRadiusMeters} 米圆覆盖未覆盖样点最多的候选点。` +
      `${SUGGEST_TIE_BREAK.zh}网格间距取整到米，两种数据库取样点相同。` +
      `gainSquareMeters 随后在 PostGIS 中精确计算（每个选址在现有设施及排名在前的选址之外新增的面积）。${methodsFor(after).zh}`;
    const notesZh: string[] = ['选址只考虑覆盖：提出前须逐一核对管控线（POST /api/analysis/compliance）和用地条件。'];
    if (picks.length < body.count) notesZh.push(picks.length === 0 ? '范围已全部覆盖：任何选址都不会增加覆盖。' : `只有 ${picks.length} 个选址能增加覆盖；之后范围即全部覆盖。`);
    const extras = after.spec.extra.map((e, i) => ({ coordinates: e.lonLat, radiusMeters: e.radiusMeters, gainSquareMeters: gains[i] }));
    const head = JSON.stringify({ count: body.count, suggestions, before, method, methodZh, notes, notesZh });
    return c.body(`${head.slice(0, -1)},"after":${coverageResponse(after, row, extras, await inputsMeta(db, after), network)}}`, 200, JSON_TYPE);
  });

  return app;
}
