/**
 * The OpenAPI 3.0 document of the API (the landing page's `service-desc`), generated from the
 * catalogue so every collection, its filters, limits, schema and the write operations are described
 * the way the routes implement them. QGIS's OAPIF provider needs it to load any layer.
 */
import { collections, type CollectionDef, type PropertyDef } from '../core/catalog.ts';
import { CRS84, DEFAULT_LIMIT, MAX_LIMIT, SERVED_CRS } from './routes/items-params.ts';
import { MAX_FILTER_CHARS } from './cql2/cql2.ts';
import { MAX_REASON_CHARS } from './features/write.ts';
import { MAX_SITE_RINGS, MAX_SITE_VERTICES } from '../core/geometry/site-input.ts';
import { MAX_EXTRA_FACILITIES, MAX_RADIUS_METERS, MAX_SUGGEST_COUNT } from './routes/coverage.ts';
import type { QueueOptions } from './limiter.ts';
import { IMPORT_CRS, IMPORT_ENCODINGS } from '../core/import/detect.ts';
import { JOB_KINDS, JOB_STATES } from '../core/layer-review.ts';
import { COVERAGE_STAGES } from '../core/analysis/coverage-rules.ts';

/** What one analysis may cost, as the running server enforces it (stated per operation). */
export interface CostLimits extends QueueOptions {
  bodyBytes: number;
}

/** The `x-cost-limits` of an analysis operation and the same in words for its description. */
function costLimits(limits: CostLimits | undefined, own: Record<string, number>) {
  const all: Record<string, number> = { ...own };
  if (limits) {
    Object.assign(all, {
      maxBodyBytes: limits.bodyBytes,
      statementTimeoutSeconds: limits.statementTimeoutMs / 1000,
      concurrentAnalyses: limits.concurrency,
      maxWaitingAnalyses: limits.maxWaiting,
      maxWaitSeconds: limits.maxWaitMs / 1000,
    });
  }
  const words: Record<string, string> = {
    maxSiteVertices: 'vertices in the site (413 beyond)',
    maxSiteRings: 'rings, outer rings and holes together (413 beyond)',
    maxExtraFacilities: 'what-if facilities in extraFacilities (400 beyond)',
    maxRadiusMeters: 'radiusMeters (400 beyond)',
    maxSuggestCount: 'suggested sites, count (400 beyond)',
    maxBodyBytes: 'bytes of request body (413 beyond)',
    statementTimeoutSeconds: 's per statement, then the analysis is stopped (503 with Retry-After)',
    concurrentAnalyses: 'analyses run at once on this server',
    maxWaitingAnalyses: 'analyses may wait for a slot; more get 503 with Retry-After',
    maxWaitSeconds: 's of waiting for a slot at most (then 503)',
  };
  const text = Object.entries(all)
    .map(([k, v]) => `${v.toLocaleString('en')} ${words[k] ?? k}`)
    .join('; ');
  return { description: `Cost limits: ${text}. A client that disconnects cancels its analysis.`, 'x-cost-limits': all };
}

/** JSON Schema of one declared property. */
export function propertySchema(def: PropertyDef): Record<string, unknown> {
  const type = def.type === 'array' ? 'array' : def.type;
  const s: Record<string, unknown> = { title: `${def.title.zh} / ${def.title.en}`, type, nullable: true };
  if (def.type === 'array') s.items = { type: 'string' };
  if (def.enum) s.enum = [...def.enum];
  if (def.derived) s.readOnly = true;
  return s;
}

/** The GeoJSON geometry types a collection holds (`projects` holds points, polygons, a line and none). */
export function geometryTypes(c: CollectionDef): string[] {
  switch (c.geometry) {
    case 'polygon':
      return ['Polygon', 'MultiPolygon'];
    case 'point':
      return ['Point'];
    case 'mixed':
      return ['Point', 'LineString', 'MultiLineString', 'Polygon', 'MultiPolygon'];
    case 'none':
      return [];
  }
}

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const param = (name: string) => ({ $ref: `#/components/parameters/${name}` });
const errors = (...codes: number[]) =>
  Object.fromEntries(codes.map((c) => [String(c), { description: ERROR_TEXT[c] ?? 'Error', content: { 'application/json': { schema: ref('Error') } } }]));
const ERROR_TEXT: Record<number, string> = {
  400: 'Bad request: the message names the parameter or member and what is wrong',
  401: 'Not signed in (session cookie or bearer token needed)',
  403: 'The role may not do this, or a foreign origin',
  404: 'No such collection or feature',
  409: 'Conflict (the id exists, or was used by a deleted feature)',
  412: 'If-Match names an older version; the body has currentVersion and current',
  413: 'Too large (body, vertices or rings)',
  415: 'The body is not JSON',
  429: 'Too many: failed sign-ins, or unfinished jobs of one user; see Retry-After',
  503: 'Busy or a statement ran past its time limit; see Retry-After',
};
/** The path parameters of a tile, and its answers. */
const TILE_PARAMS = [
  { name: 'tileMatrixSetId', in: 'path', required: true, schema: { type: 'string', enum: ['WebMercatorQuad'] } },
  { name: 'tileMatrix', in: 'path', required: true, description: 'zoom level', schema: { type: 'integer', minimum: 0, maximum: 22 } },
  { name: 'tileRow', in: 'path', required: true, description: 'y, from the north', schema: { type: 'integer', minimum: 0 } },
  { name: 'tileCol', in: 'path', required: true, description: 'x, from the west', schema: { type: 'integer', minimum: 0 } },
];
const TILE_RESPONSES = {
  200: { description: 'Mapbox Vector Tile', content: { 'application/vnd.mapbox-vector-tile': { schema: { type: 'string', format: 'binary' } } } },
  204: { description: 'No feature in this tile' },
  400: { description: 'Not a tile address' },
  404: { description: 'Outside the tile matrix, unknown tile matrix set or collection' },
};

/** Every read resource also has an HTML page (`f=html`, or `Accept: text/html`). */
const HTML = { 'text/html': { schema: { type: 'string' } } };
const json = (schema: unknown, description = 'OK') => ({ description, content: { 'application/json': { schema } } });
const geojson = (schema: unknown, description = 'OK') => ({ description, content: { 'application/geo+json': { schema } } });
const jsonOrHtml = (schema: unknown) => ({ description: 'OK (JSON, or an HTML page with f=html)', content: { 'application/json': { schema }, ...HTML } });
const geojsonOrHtml = (schema: unknown) => ({ description: 'OK (GeoJSON, or an HTML page with a map with f=html)', content: { 'application/geo+json': { schema }, ...HTML } });

/** Analysis jobs (api/routes/jobs.ts): who may do what, and that they live in memory, is part of the contract. */
function jobPaths(limits: CostLimits | undefined): Record<string, unknown> {
  const jobId = { name: 'jobId', in: 'path', required: true, description: 'The id from the Location of POST /jobs (a UUID); another form is a 400', schema: { type: 'string', format: 'uuid' } };
  const job = {
    type: 'object',
    required: ['id', 'kind', 'state', 'progress', 'links'],
    properties: {
      id: { type: 'string', format: 'uuid' },
      kind: { type: 'string', enum: [...JOB_KINDS] },
      collection: { type: 'string', description: 'layer-review: the layer reviewed; coverage: the facilities collection' },
      state: { type: 'string', enum: [...JOB_STATES] },
      progress: {
        type: 'object',
        properties: {
          done: { type: 'integer', description: 'layer-review: sites reviewed; coverage: stages finished' },
          total: { type: 'integer', nullable: true, description: 'layer-review: polygons in the layer (null until counted); coverage: its stages (3, or 4 on a network)' },
          stage: {
            type: 'string',
            enum: [...COVERAGE_STAGES],
            description:
              'coverage only, the stage running (absent while it waits for an analysis slot, and once finished): inputs (the input layers\' versions and dates), network (network method: the streets reached), ' +
              'coverage (the coverage statement: the area dissolved, the facilities within reach, their circles unioned, covered part and gaps, per-zone and per-unit figures, the gaps listed — one SQL statement, so one stage), response (the answer assembled)',
          },
        },
      },
      numberOfSites: { type: 'integer', description: 'layer-review: reviewed so far; final when done' },
      numberWithConflicts: { type: 'integer' },
      numberNotReviewed: { type: 'integer', description: 'points, lines and features without geometry' },
      startedBy: { type: 'string', nullable: true, description: 'the user who started it; null: started without signing in' },
      createdAt: { type: 'string', format: 'date-time' },
      startedAt: { type: 'string', format: 'date-time', nullable: true },
      finishedAt: { type: 'string', format: 'date-time', nullable: true },
      error: { type: 'string', description: 'why it failed (state failed)' },
      links: { type: 'array', description: 'self; once done also results (JSON) and alternate (CSV)', items: { type: 'object' } },
    },
  };
  const rules =
    'Jobs are kept in this server process\'s memory: a restart loses queued and running jobs and the results of finished ones; a finished job is kept for an hour (the 20 most recent). ' +
    `One layer review runs at a time (two on a PostgreSQL server), 4 wait, one more is refused with 503 + Retry-After; a running review reviews 500 sites per statement, each statement taking a slot of the analysis queue, so single-site checks, tiles and /health are answered between its statements. ` +
    'A coverage job (kind coverage, the request of POST /analysis/coverage) runs the same analysis in one slot of the analysis queue, so it counts against the same limit as the synchronous analyses; coverage jobs are counted apart from layer reviews (as many run and wait as analyses do), and its result is the body POST /analysis/coverage answers (GET /jobs/{jobId}/results). ' +
    'One signed-in user may have 2 unfinished layer reviews and 4 unfinished coverage jobs at once (a job being cancelled no longer counts); one more is refused with 429 + Retry-After, so one user cannot fill the queue for the others. ' +
    'Cancelling stops the running statement: on a PostgreSQL server at once; on the embedded database, as for a closed request, a statement still running 15 s after the cancel is stopped by restarting the database thread, so DELETE may take that long there. ' +
    'Who: starting and reading a job need what any analysis needs (signed in, or anonymous where this server lets anonymous users run analyses); a layer review reads only what its reader may read, so anyone allowed to run analyses who has the id may read a job and its results. A coverage job holds its starter\'s what-if facilities, so only the user who started it, or an admin, may read it (403). Only the user who started it, or an admin, may cancel or discard it (403 otherwise); a job started without signing in belongs to no one and any caller allowed to run analyses may read or cancel it.';
  const cost = costLimits(limits, {});
  return {
    '/jobs': {
      get: {
        tags: ['Analyses'],
        summary: "The caller's jobs (an admin's: every user's), newest first, each as GET /jobs/{jobId} answers it — a reloaded page or a second tab finds its running job here",
        description: `${rules} Listed are the jobs this server still keeps that the caller started (signed in: under their name; without signing in: those started without signing in); an admin sees every job.`,
        operationId: 'getJobs',
        parameters: [
          {
            name: 'state',
            in: 'query',
            required: false,
            description: 'only jobs in this state, or in one of these states (a comma list, e.g. queued,running); another value is a 400',
            style: 'form',
            explode: false,
            schema: { type: 'array', items: { type: 'string', enum: [...JOB_STATES] } },
          },
        ],
        responses: {
          200: json({
            type: 'object',
            required: ['jobs', 'numberReturned', 'links'],
            properties: { jobs: { type: 'array', items: job }, numberReturned: { type: 'integer' }, links: { type: 'array', items: { type: 'object' } } },
          }),
          ...errors(400, 401),
        },
      },
      post: {
        tags: ['Analyses'],
        summary: 'Start a long analysis as a job: the compliance review of a whole layer (every polygon against the control lines), or service coverage',
        description: `${rules} ${cost.description}`,
        'x-cost-limits': cost['x-cost-limits'],
        operationId: 'startJob',
        requestBody: {
          required: true,
          content: {
            'application/json': {
              schema: {
                oneOf: [
                  { type: 'object', required: ['kind', 'collection'], additionalProperties: false, properties: { kind: { type: 'string', enum: ['layer-review'] }, collection: { type: 'string', description: 'a collection that may hold polygons' } } },
                  {
                    type: 'object',
                    required: ['kind'],
                    description: 'kind coverage and the members of the body of POST /analysis/coverage, checked by the same schema (the same 400s and 404s)',
                    properties: { kind: { type: 'string', enum: ['coverage'] } },
                    additionalProperties: true,
                  },
                ],
              },
            },
          },
        },
        responses: {
          202: { description: 'Queued; poll the job at Location', headers: { Location: { schema: { type: 'string' }, description: '/api/jobs/{jobId}' } }, content: { 'application/json': { schema: job } } },
          ...errors(400, 401, 404, 429, 503),
        },
      },
    },
    '/jobs/{jobId}': {
      get: { tags: ['Analyses'], summary: 'A job: state, progress (a coverage job: its stage) and counts so far, links to its results once done', description: rules, operationId: 'getJob', parameters: [jobId, { name: 'Prefer', in: 'header', required: false, description: "wait=N (seconds, at most 30; RFC 7240): the answer waits for the job's next change of state or progress, or N seconds (Preference-Applied says so) — follow a job without polling", schema: { type: 'string', example: 'wait=5' } }], responses: { 200: json(job), ...errors(400, 401, 403, 404) } },
      delete: {
        tags: ['Analyses'],
        summary: 'Cancel a queued or running job (200: the job, state cancelled, once it has stopped; its statement is stopped between chunks, on a server at once), or discard a finished one (204)',
        description: rules,
        operationId: 'cancelJob',
        parameters: [jobId],
        responses: { 200: json(job, 'Cancelled'), 204: { description: 'Discarded: the job and its results are gone' }, ...errors(400, 401, 403, 404) },
      },
    },
    '/jobs/{jobId}/results': {
      get: {
        tags: ['Analyses'],
        summary: 'The results of a done job. A layer review: the sites with a conflict first (largest conflict area first), then the others by id; a page, or all as CSV (streamed). A coverage job: the body POST /analysis/coverage answers (no parameters)',
        description: `${rules} 409 while the job is queued or running, and for a cancelled or failed job.`,
        operationId: 'getJobResults',
        parameters: [
          jobId,
          { name: 'limit', in: 'query', required: false, schema: { type: 'integer', minimum: 1, maximum: 1000, default: 100 } },
          { name: 'offset', in: 'query', required: false, schema: { type: 'integer', minimum: 0, default: 0 } },
          { name: 'only', in: 'query', required: false, description: 'conflicts: only the sites that overlap a control feature', schema: { type: 'string', enum: ['conflicts'] } },
          { name: 'f', in: 'query', required: false, description: 'csv: every site (or every conflicting one), streamed (UTF-8 with BOM)', schema: { type: 'string', enum: ['json', 'csv'] } },
        ],
        responses: {
          200: { description: 'A page of sites (JSON), or CSV; a coverage result (JSON)', content: { 'application/json': { schema: { type: 'object' } }, 'text/csv': { schema: { type: 'string' } } } },
          409: { description: 'The job is not done (the body names its state)', content: { 'application/json': { schema: ref('Error') } } },
          ...errors(400, 401, 403, 404),
        },
      },
    },
  };
}

/** POST /analysis/coverage: its cost limits, and `Prefer: respond-async` (the analysis as a job when it takes longer than `wait`). */
function coverageOperation(op: { responses: Record<string, unknown> }, cost: ReturnType<typeof costLimits>): Record<string, unknown> {
  const responses = op.responses;
  return {
    ...op,
    ...cost,
    description:
      `${cost.description} With \`Prefer: respond-async, wait=N\` (RFC 7240; N ≤ 30 s) the analysis runs as a coverage job (POST /jobs, kind coverage): ` +
      'done within N seconds, this request answers as without the header (200, or the same error); longer, it answers 202 with the job (Location: /api/jobs/{jobId}) to follow for its stage (GET /jobs/{jobId}, Prefer: wait) and to cancel (DELETE), its result then at /jobs/{jobId}/results.',
    parameters: [{ name: 'Prefer', in: 'header', required: false, description: 'respond-async, wait=N: 202 with a job when the analysis takes longer than N seconds (0 when not given)', schema: { type: 'string', example: 'respond-async, wait=1' } }],
    responses: { ...responses, 202: { description: 'Still running after the wait (Prefer: respond-async): the job, at Location', headers: { Location: { schema: { type: 'string' } } }, content: { 'application/json': { schema: { type: 'object' } } } } },
  };
}

/** The OpenAPI document; `server` is the API's base URL as the client reached it. */
export function openApiDocument(server: string, limits?: CostLimits, all: readonly CollectionDef[] = collections): Record<string, unknown> {
  const paths: Record<string, unknown> = {
    '/': { get: { tags: ['Capabilities'], summary: 'Landing page', operationId: 'getLandingPage', parameters: [param('f')], responses: { 200: jsonOrHtml({ type: 'object' }) } } },
    '/conformance': { get: { tags: ['Capabilities'], summary: 'Conformance classes', operationId: 'getConformance', parameters: [param('f')], responses: { 200: jsonOrHtml({ type: 'object' }) } } },
    '/collections': { get: { tags: ['Capabilities'], summary: 'The collections', operationId: 'getCollections', parameters: [param('f')], responses: { 200: jsonOrHtml({ type: 'object' }) } } },
    '/tileMatrixSets': { get: { tags: ['Tiles'], summary: 'Tile matrix sets (WebMercatorQuad)', operationId: 'getTileMatrixSets', responses: { 200: json({ type: 'object' }) } } },
    '/tileMatrixSets/{tileMatrixSetId}': { get: { tags: ['Tiles'], summary: 'The WebMercatorQuad tile matrix set', operationId: 'getTileMatrixSet', parameters: [TILE_PARAMS[0]], responses: { 200: json({ type: 'object' }), ...errors(404) } } },
    '/tiles': { get: { tags: ['Tiles'], summary: 'Vector tilesets of the whole map', operationId: 'getMapTilesets', responses: { 200: json({ type: 'object' }) } } },
    '/tiles/{tileMatrixSetId}': { get: { tags: ['Tiles'], summary: 'Tileset of the whole map (also TileJSON 3.0), one layer per collection', operationId: 'getMapTileset', parameters: [TILE_PARAMS[0]], responses: { 200: json({ type: 'object' }), ...errors(404) } } },
    '/tiles/{tileMatrixSetId}/{tileMatrix}/{tileRow}/{tileCol}': { get: { tags: ['Tiles'], summary: 'A vector tile of the whole map', operationId: 'getMapTile', parameters: TILE_PARAMS, responses: TILE_RESPONSES } },
    '/openapi': { get: { tags: ['Capabilities'], summary: 'This document', operationId: 'getOpenAPI', responses: { 200: { description: 'OpenAPI 3.0' } } } },
    '/health': { get: { tags: ['Capabilities'], summary: 'Service status', operationId: 'getHealth', responses: { 200: json({ type: 'object' }) } } },
  };
  const schemas: Record<string, unknown> = {
    Error: { type: 'object', required: ['code', 'description'], properties: { code: { type: 'string' }, description: { type: 'string' } } },
    Link: { type: 'object', required: ['href'], properties: { href: { type: 'string' }, rel: { type: 'string' }, type: { type: 'string' }, title: { type: 'string' } } },
  };
  for (const c of all) {
    const props = Object.fromEntries(Object.entries(c.properties).map(([k, d]) => [k, propertySchema(d)]));
    const types = geometryTypes(c);
    schemas[`${c.id}_properties`] = { type: 'object', title: c.title.en, properties: props, additionalProperties: false };
    schemas[`${c.id}_feature`] = {
      type: 'object',
      required: ['type', 'geometry', 'properties'],
      properties: {
        type: { type: 'string', enum: ['Feature'] },
        id: { type: 'string' },
        geometry: types.length
          ? { nullable: c.nullGeometry, type: 'object', description: `GeoJSON ${types.join(', ')}${c.nullGeometry ? ' or null' : ''}`, properties: { type: { type: 'string', enum: types } } }
          : { nullable: true, description: 'always null: the collection has no geometry' },
        properties: ref(`${c.id}_properties`),
      },
    };
    const filters = Object.entries(c.properties)
      .filter(([, d]) => d.filter)
      .map(([k, d]) => ({ name: k, in: 'query', required: false, description: `${d.title.zh} / ${d.title.en} equals`, schema: { type: d.type === 'integer' ? 'integer' : 'string', ...(d.enum ? { enum: [...d.enum] } : {}) } }));
    const tag = c.id;
    const writes = c.editableBy === 'admin' ? 'admins' : 'planners and admins';
    paths[`/collections/${c.id}`] = { get: { tags: [tag], summary: `${c.title.zh} · ${c.title.en}`, operationId: `describe_${c.id}`, parameters: [param('f')], responses: { 200: jsonOrHtml({ type: 'object' }), ...errors(404) } } };
    paths[`/collections/${c.id}/queryables`] = { get: { tags: [tag], summary: 'The properties filters may name (JSON Schema)', operationId: `queryables_${c.id}`, responses: { 200: { description: 'JSON Schema', content: { 'application/schema+json': { schema: { type: 'object' } } } } } } };
    if (c.geometry !== 'none') {
      paths[`/collections/${c.id}/tiles`] = { get: { tags: [tag], summary: 'Vector tilesets of the collection', operationId: `tilesets_${c.id}`, responses: { 200: json({ type: 'object' }), ...errors(404) } } };
      paths[`/collections/${c.id}/tiles/{tileMatrixSetId}`] = { get: { tags: [tag], summary: 'Tileset (also TileJSON 3.0)', operationId: `tileset_${c.id}`, parameters: [TILE_PARAMS[0]], responses: { 200: json({ type: 'object' }), ...errors(404) } } };
      paths[`/collections/${c.id}/tiles/{tileMatrixSetId}/{tileMatrix}/{tileRow}/{tileCol}`] = { get: { tags: [tag], summary: 'A vector tile (the properties the map draws; the full feature from items)', operationId: `tile_${c.id}`, parameters: TILE_PARAMS, responses: TILE_RESPONSES } };
    }
    paths[`/collections/${c.id}/schema`] = { get: { tags: [tag], summary: 'Every property of the features (JSON Schema)', operationId: `schema_${c.id}`, responses: { 200: { description: 'JSON Schema', content: { 'application/schema+json': { schema: { type: 'object' } } } } } } };
    paths[`/collections/${c.id}/items`] = {
      get: {
        tags: [tag],
        summary: `Features of ${c.id}`,
        description: c.description.en,
        operationId: `getFeatures_${c.id}`,
        parameters: [param('bbox'), param('bbox-crs'), param('crs'), param('limit'), param('offset'), param('datetime'), param('sortby'), param('properties'), param('skipGeometry'), param('filter'), param('filter-lang'), param('filter-crs'), param('f'), ...filters],
        responses: { 200: geojsonOrHtml({ type: 'object', properties: { type: { enum: ['FeatureCollection'] }, features: { type: 'array', items: ref(`${c.id}_feature`) }, numberMatched: { type: 'integer' }, numberReturned: { type: 'integer' }, links: { type: 'array', items: ref('Link') } } }), ...errors(400, 401, 503) },
      },
      post: {
        tags: [tag],
        summary: `Create a feature (${writes})`,
        operationId: `createFeature_${c.id}`,
        security: [{ bearer: [] }, { session: [] }],
        parameters: [param('X-Change-Reason'), param('Content-Crs')],
        requestBody: { required: true, content: { 'application/geo+json': { schema: ref(`${c.id}_feature`) } } },
        responses: { 201: { description: 'Created; Location and ETag headers', headers: { Location: { schema: { type: 'string' } }, ETag: { schema: { type: 'string' } } } }, ...errors(400, 401, 403, 409, 413, 415) },
      },
    };
    const itemPath = `/collections/${c.id}/items/{featureId}`;
    const write = (summary: string, op: string, body: unknown | null) => ({
      tags: [tag],
      summary: `${summary} (${writes})`,
      operationId: `${op}_${c.id}`,
      security: [{ bearer: [] }, { session: [] }],
      parameters: [param('featureId'), param('X-Change-Reason'), param('If-Match'), ...(body ? [param('Content-Crs')] : [])],
      ...(body ? { requestBody: { required: true, content: body } } : {}),
      responses: { 200: { description: 'Done; ETag of the new version', headers: { ETag: { schema: { type: 'string' } } } }, ...errors(400, 401, 403, 404, 412, 413) },
    });
    paths[itemPath] = {
      get: { tags: [tag], summary: 'One feature; ETag "v<version>-…" for If-Match', operationId: `getFeature_${c.id}`, parameters: [param('featureId'), param('crs'), param('properties'), param('skipGeometry'), param('f')], responses: { 200: geojsonOrHtml(ref(`${c.id}_feature`)), ...errors(404) } },
      put: write('Replace a feature', 'replaceFeature', { 'application/geo+json': { schema: ref(`${c.id}_feature`) } }),
      patch: write('Update a feature (JSON merge patch of properties and/or geometry)', 'updateFeature', { 'application/merge-patch+json': { schema: { type: 'object', properties: { properties: { type: 'object' }, geometry: { type: 'object', nullable: true } } } } }),
      delete: write('Delete a feature', 'deleteFeature', null),
    };
    paths[`${itemPath}/history`] = { get: { tags: [tag], summary: 'Versions of a feature, newest first (signed in)', operationId: `history_${c.id}`, parameters: [param('featureId')], responses: { 200: json({ type: 'object' }), ...errors(401, 404) } } };
    paths[`${itemPath}/restore`] = {
      post: { ...write('Restore an earlier version as a new one', 'restoreFeature', { 'application/json': { schema: { type: 'object', required: ['version'], properties: { version: { type: 'integer', minimum: 1 } } } } }), parameters: [param('featureId'), param('X-Change-Reason'), param('If-Match')] },
    };
  }
  const simple = (tag: string, summary: string, op: string, codes: number[], body?: unknown, security = true) => ({
    tags: [tag],
    summary,
    operationId: op,
    ...(security ? { security: [{ bearer: [] }, { session: [] }] } : {}),
    ...(body ? { requestBody: { required: true, content: { 'application/json': { schema: body } } } } : {}),
    responses: { 200: json({ type: 'object' }), ...errors(...codes) },
  });
  Object.assign(paths, {
    '/auth/login': { post: simple('Accounts', 'Sign in: sets the session cookie', 'login', [400, 401, 429], { type: 'object', required: ['username', 'password'], properties: { username: { type: 'string' }, password: { type: 'string', format: 'password' } } }, false) },
    '/auth/logout': { post: simple('Accounts', 'Sign out', 'logout', []) },
    '/auth/me': { get: simple('Accounts', 'The signed-in user', 'me', [401]) },
    '/auth/tokens': {
      get: simple('Accounts', 'My personal access tokens', 'listTokens', [401]),
      post: simple('Accounts', 'A new personal access token (shown once)', 'createToken', [400, 401], { type: 'object', required: ['name'], properties: { name: { type: 'string' } } }),
    },
    '/auth/tokens/{id}': { delete: { ...simple('Accounts', 'Revoke a token', 'revokeToken', [401, 404]), parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'integer' } }] } },
    '/users': {
      get: simple('Accounts', 'Users (admin)', 'listUsers', [401, 403]),
      post: simple('Accounts', 'Create a user (admin)', 'createUser', [400, 401, 403, 409], { type: 'object', required: ['username', 'password', 'role'], properties: { username: { type: 'string' }, password: { type: 'string', minLength: 10 }, role: { type: 'string', enum: ['viewer', 'planner', 'admin'] } } }),
    },
    '/users/{username}': { patch: { ...simple('Accounts', 'Change role, disabled, password (admin)', 'updateUser', [400, 401, 403, 404, 409], { type: 'object', properties: { role: { type: 'string' }, disabled: { type: 'boolean' }, password: { type: 'string' } } }), parameters: [{ name: 'username', in: 'path', required: true, schema: { type: 'string' } }] } },
    '/audit': { get: { ...simple('Audit', 'The audit trail (admin); f=csv for CSV', 'listAudit', [400, 401, 403]), parameters: ['actor', 'collection', 'featureId', 'action', 'since', 'until', 'limit', 'offset', 'f'].map((name) => ({ name, in: 'query', required: false, schema: { type: 'string' } })) } },
    '/audit/verify': { get: simple('Audit', 'Recompute the hash chain (admin): { ok, rows, firstBrokenRow }', 'verifyAudit', [401, 403]) },
    '/reviews': {
      get: { ...simple('Reviews', 'Saved compliance reviews; q searches', 'listReviews', [400, 401]), parameters: [{ name: 'q', in: 'query', required: false, schema: { type: 'string' } }] },
      post: simple('Reviews', 'Save a compliance review (planner): numbered XC-<year>-NNNN', 'saveReview', [400, 401, 403], { type: 'object', required: ['projectName', 'geometry'], properties: { projectName: { type: 'string' }, applicant: { type: 'string' }, note: { type: 'string' }, geometry: { type: 'object' }, crs: { type: 'string' } } }),
    },
    '/reviews/{number}': { get: { ...simple('Reviews', 'One saved review', 'getReview', [401, 404]), parameters: [{ name: 'number', in: 'path', required: true, schema: { type: 'string' } }] } },
    '/imports': {
      post: {
        ...simple('Imports', 'Upload a file to import (planner): Shapefile zip, GeoPackage, zipped FileGDB, DXF, KML/KMZ, GeoJSON, CSV; answers its layers with CRS, encoding, fields and problems', 'createImport', [400, 401, 403, 413, 415]),
        requestBody: { required: true, content: { 'multipart/form-data': { schema: { type: 'object', required: ['file'], properties: { file: { type: 'string', format: 'binary' } } } } } },
        responses: { 201: json({ type: 'object', properties: { id: { type: 'string' }, fileName: { type: 'string' }, layers: { type: 'array', items: { type: 'object' } } } }, 'Received; nothing is written until a commit'), ...errors(400, 401, 403, 413, 415) },
      },
    },
    '/imports/{id}/layers/{name}/preview': {
      get: {
        ...simple('Imports', 'A layer of an upload in EPSG:4326, re-read with the chosen crs and encoding; the summary re-made in `summary`', 'previewImport', [400, 401, 403, 404]),
        parameters: [
          { name: 'id', in: 'path', required: true, schema: { type: 'string' } },
          { name: 'name', in: 'path', required: true, schema: { type: 'string' } },
          { name: 'crs', in: 'query', required: false, schema: { type: 'string', enum: [...IMPORT_CRS] } },
          { name: 'encoding', in: 'query', required: false, schema: { type: 'string', enum: [...IMPORT_ENCODINGS] } },
        ],
      },
    },
    '/analysis/compliance': { post: { ...simple('Analyses', 'A site against the control lines', 'compliance', [400, 401, 413, 422, 503], { type: 'object', required: ['geometry'], properties: { geometry: { type: 'object' }, crs: { type: 'string', enum: ['EPSG:4326', 'EPSG:4546', 'EPSG:4525', 'GCJ02'] } } }, false), ...costLimits(limits, { maxSiteVertices: MAX_SITE_VERTICES, maxSiteRings: MAX_SITE_RINGS }) } },
    '/analysis/compliance/projects': { get: { ...simple('Analyses', 'Every project site against the control lines', 'complianceProjects', [401, 503], undefined, false), ...costLimits(limits, {}) } },
    '/analysis/compliance/collections/{collectionId}': {
      get: {
        ...simple('Analyses', 'Every polygon of a layer (e.g. imported parcels) against the control lines: counts and a page of sites, or all as CSV (streamed)', 'complianceLayer', [400, 401, 404, 503], undefined, false),
        ...costLimits(limits, {}),
        parameters: [
          { name: 'collectionId', in: 'path', required: true, schema: { type: 'string' } },
          { name: 'limit', in: 'query', required: false, schema: { type: 'integer', minimum: 1, maximum: 1000, default: 100 } },
          { name: 'offset', in: 'query', required: false, schema: { type: 'integer', minimum: 0, default: 0 } },
          { name: 'only', in: 'query', required: false, description: 'conflicts: only the sites that overlap a control feature', schema: { type: 'string', enum: ['conflicts'] } },
          { name: 'f', in: 'query', required: false, description: 'csv: every site, streamed (UTF-8 with BOM)', schema: { type: 'string', enum: ['json', 'csv'] } },
        ],
      },
    },
    ...jobPaths(limits),
    '/analysis/presets': { get: simple('Analyses', 'Service-radius presets and their sources', 'presets', [], undefined, false) },
    '/analysis/coverage/inputs': { get: simple('Analyses', 'What coverage can use of the imported layers: area layers (denominators), population fields, networks, candidate land', 'coverageInputs', [401], undefined, false) },
    '/analysis/coverage/network/{id}': {
      get: {
        ...simple('Analyses', 'A walking network for the browser\'s instant what-if: its noded lines (EPSG:4546 m) and the graph\'s constants, from the graph kept per version of the collection; lines null beyond 50 000 edges', 'coverageNetwork', [400, 401, 404, 503], undefined, false),
        parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' }, description: 'A line layer of role reference' }],
      },
    },
    '/analysis/coverage': { post: coverageOperation(simple('Analyses', 'Service coverage of an area (radius or walking distance on a network; share of an area layer; people covered), naming its inputs', 'coverage', [400, 401, 413, 429, 503], { type: 'object' }, false), costLimits(limits, { maxExtraFacilities: MAX_EXTRA_FACILITIES, maxRadiusMeters: MAX_RADIUS_METERS })) },
    '/analysis/coverage/suggest': { post: { ...simple('Analyses', 'Coverage plus suggested new sites', 'coverageSuggest', [400, 401, 413, 503], { type: 'object' }, false), ...costLimits(limits, { maxExtraFacilities: MAX_EXTRA_FACILITIES, maxRadiusMeters: MAX_RADIUS_METERS, maxSuggestCount: MAX_SUGGEST_COUNT }) } },
  });
  return {
    openapi: '3.0.3',
    info: {
      title: 'Xincheng District planning map API · 新城区国土空间规划地图接口',
      version: '1.0.0',
      description:
        'OGC API – Features Part 1 (core, GeoJSON), Part 4 (create, replace, update, delete) and Part 2 (crs, bbox-crs: CRS84, EPSG:4326, CGCS2000 EPSG:4490, Gauss-Krüger EPSG:4546 and EPSG:4525, EPSG:3857) and Part 3 queryables over PostGIS, with sortby and property selection. Coordinates are CRS84 (lon/lat) unless crs says otherwise. Writes need a planner or admin and a reason in X-Change-Reason (UTF-8, percent-encoded); every write is audited.',
      license: { name: 'Data: see each collection’s provenance (OpenStreetMap data ODbL)' },
    },
    servers: [{ url: server }],
    tags: [
      { name: 'Capabilities' },
      ...all.map((c) => ({ name: c.id, description: `${c.title.zh} · ${c.title.en}` })),
      { name: 'Accounts' },
      { name: 'Audit' },
      { name: 'Reviews' },
      { name: 'Analyses' },
    ],
    paths,
    components: {
      schemas,
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'A personal access token (xct_…) from POST /auth/tokens or `npm run users -- token NAME`' },
        session: { type: 'apiKey', in: 'cookie', name: 'xc_session', description: 'The browser session from POST /auth/login; writes also need this origin in Origin' },
      },
      parameters: {
        bbox: { name: 'bbox', in: 'query', required: false, style: 'form', explode: false, description: 'minLon,minLat,maxLon,maxLat in CRS84, or in bbox-crs with its axis order (EPSG:4326 lat first, EPSG:4546 northing first); 6 numbers with heights are accepted, heights ignored', schema: { type: 'array', minItems: 4, maxItems: 6, items: { type: 'number' } } },
        'bbox-crs': { name: 'bbox-crs', in: 'query', required: false, description: 'CRS of bbox (Part 2); default CRS84', schema: { type: 'string', format: 'uri', enum: SERVED_CRS.map((c) => c.uri), default: CRS84 } },
        crs: { name: 'crs', in: 'query', required: false, description: `CRS of the returned coordinates (Part 2), axis order as EPSG defines it; the answer says it in Content-Crs. ${SERVED_CRS.map((c) => c.title).join('; ')}. Short forms EPSG:4546 and [EPSG:4546] are accepted.`, schema: { type: 'string', format: 'uri', enum: SERVED_CRS.map((c) => c.uri), default: CRS84 } },
        sortby: { name: 'sortby', in: 'query', required: false, style: 'form', explode: false, description: 'Comma-separated properties (or id), each with + (ascending, the default) or - (descending); then by id', schema: { type: 'array', items: { type: 'string', pattern: '^[+-]?\\S+$' } } },
        properties: { name: 'properties', in: 'query', required: false, style: 'form', explode: false, description: 'Only these properties in each feature', schema: { type: 'array', items: { type: 'string' } } },
        filter: { name: 'filter', in: 'query', required: false, description: "A CQL2 filter (Part 3) on the collection's queryables, id and geometry: =, <>, <, >, <=, >=, LIKE, BETWEEN, IN, IS NULL, AND/OR/NOT, S_INTERSECTS, S_WITHIN, S_CONTAINS, S_DISJOINT, S_EQUALS, S_TOUCHES, S_OVERLAPS, S_CROSSES with WKT, BBOX or GeoJSON geometries. E.g. quality = 'indicative' AND S_INTERSECTS(geometry, BBOX(111.6, 40.8, 111.8, 40.9))", schema: { type: 'string', maxLength: MAX_FILTER_CHARS } },
        'filter-lang': { name: 'filter-lang', in: 'query', required: false, schema: { type: 'string', enum: ['cql2-text', 'cql2-json'], default: 'cql2-text' } },
        'filter-crs': { name: 'filter-crs', in: 'query', required: false, description: "CRS of the filter's geometries, axis order as EPSG defines it", schema: { type: 'string', format: 'uri', enum: SERVED_CRS.map((c) => c.uri), default: CRS84 } },
        skipGeometry: { name: 'skipGeometry', in: 'query', required: false, description: 'true: features without their geometry', schema: { type: 'boolean', default: false } },
        limit: { name: 'limit', in: 'query', required: false, description: `Page size; larger values are clamped to ${MAX_LIMIT}`, schema: { type: 'integer', minimum: 1, maximum: MAX_LIMIT, default: DEFAULT_LIMIT } },
        offset: { name: 'offset', in: 'query', required: false, schema: { type: 'integer', minimum: 0, default: 0 } },
        datetime: { name: 'datetime', in: 'query', required: false, description: 'Accepted (RFC 3339 instant or interval); the collections have no time, so it selects nothing out', schema: { type: 'string' } },
        f: { name: 'f', in: 'query', required: false, description: 'json/geojson, or html for a readable page; without it, Accept decides (text/html preferred → HTML)', schema: { type: 'string', enum: ['json', 'geojson', 'html'] } },
        featureId: { name: 'featureId', in: 'path', required: true, schema: { type: 'string' } },
        'X-Change-Reason': { name: 'X-Change-Reason', in: 'header', required: true, description: `Why (修改说明), UTF-8 percent-encoded, at most ${MAX_REASON_CHARS} characters`, schema: { type: 'string' } },
        'If-Match': { name: 'If-Match', in: 'header', required: false, description: 'The ETag of the version the change is based on; 412 when it is no longer current', schema: { type: 'string' } },
        'Content-Crs': { name: 'Content-Crs', in: 'header', required: false, description: 'CRS of the body coordinates: CRS84 (default), EPSG:4326, EPSG:4490, EPSG:4546 or EPSG:4525, as a URI in <…> or a code', schema: { type: 'string' } },
      },
    },
  };
}
