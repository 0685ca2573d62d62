import { Hono, type Context } from 'hono';
import { isPublicCollection, isPublicProperty } from '../../core/audience.ts';
import { readAudience, type ReadAudience } from '../auth/middleware.ts';
import { featureVersionQuery } from '../sql/features.ts';
import type { CollectionDef, PropertyDef } from '../../core/catalog.ts';
import { catalogue, collectionOr404, roleOf } from '../catalogue.ts';
import type { Db } from '../db/db.ts';
import { apiError, singleQueryParameters } from '../errors.ts';
import { datasetsQuery, extentQuery, itemQuery, itemsQuery } from '../sql/collections.ts';
import { checkItemParams, CRS84, parseItemsParams, SERVED_CRS } from './items-params.ts';
import { ResponseCache } from '../response-cache.ts';
import { apiBase, publicUrl } from '../public-url.ts';
import type { Feature } from 'geojson';
import { outputFormat } from '../html/format.ts';
import { collectionHtml, collectionsHtml, conformanceHtml, itemHtml, itemsHtml, landingHtml, withF, type Link } from '../html/ogc-pages.ts';
import { apiDocsPage } from '../openapi-page.ts';
import { geometryTypes, openApiDocument, propertySchema, type CostLimits } from '../openapi.ts';

const GEOJSON = 'application/geo+json';

const CONFORMANCE = [
  'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core',
  'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson',
  'http://www.opengis.net/spec/ogcapi-common-1/1.0/conf/core',
  'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30',
  // Part 2: crs and bbox-crs in CRS84, EPSG:4326, 4490 (CGCS2000), 4546 and 4525 (Gauss-Krüger), 3857.
  'http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs',
  // sortby (as OGC API – Records and pygeoapi declare it) and property selection (Part 6 draft).
  'http://www.opengis.net/spec/ogcapi-records-1/1.0/conf/sorting',
  'http://www.opengis.net/spec/ogcapi-features-6/1.0/conf/properties-selection',
  // Part 3: the queryables resource, and equality filters by queryable name as query parameters.
  'http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables',
  'http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables-query-parameters',
  // Part 3 filtering with CQL2 (text and JSON): basic, LIKE/BETWEEN/IN, and the spatial functions.
  'http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/filter',
  'http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/features-filter',
  'http://www.opengis.net/spec/cql2/1.0/conf/cql2-text',
  'http://www.opengis.net/spec/cql2/1.0/conf/cql2-json',
  'http://www.opengis.net/spec/cql2/1.0/conf/basic-cql2',
  'http://www.opengis.net/spec/cql2/1.0/conf/advanced-comparison-operators',
  'http://www.opengis.net/spec/cql2/1.0/conf/basic-spatial-functions',
  'http://www.opengis.net/spec/cql2/1.0/conf/basic-spatial-functions-plus',
  'http://www.opengis.net/spec/cql2/1.0/conf/spatial-functions',
  // OGC API – Tiles: vector tilesets (MVT, WebMercatorQuad) of each collection and of the whole map.
  'http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/core',
  'http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/tileset',
  'http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/tilesets-list',
  'http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/geodata-tilesets',
  'http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/dataset-tilesets',
  'http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/mvt',
  'http://www.opengis.net/spec/tms/2.0/conf/tilematrixset',
  // Part 4 (draft 1.0): POST/PUT/DELETE, PATCH as JSON merge patch, on the feature collections.
  'http://www.opengis.net/spec/ogcapi-features-4/1.0/conf/create-replace-delete',
  'http://www.opengis.net/spec/ogcapi-features-4/1.0/conf/update',
  'http://www.opengis.net/spec/ogcapi-features-4/1.0/conf/features',
];

interface Provenance {
  id: string;
  provenance: Record<string, unknown>;
  feature_count: number;
  imported_at: string;
}

const OPENAPI_TYPE = 'application/vnd.oai.openapi+json;version=3.0';

/** The landing page (also served at `/api/`, where OWSLib asks for it). */
export function landingPage(c: Context) {
  const base = apiBase(c);
  const doc = {
    title: 'Xincheng District planning map API · 新城区国土空间规划地图接口',
    description: 'OGC API – Features (Parts 1, 3 queryables, 4) over PostGIS: district, zones, control lines, projects, parks, facilities, villages, indicators.',
    links: [
      { href: `${base}`, rel: 'self', type: 'application/json', title: 'This document' },
      { href: withF(base, 'html'), rel: 'alternate', type: 'text/html', title: 'This document as HTML' },
      { href: `${base}/openapi`, rel: 'service-desc', type: OPENAPI_TYPE, title: 'The API definition (OpenAPI 3.0)' },
      { href: `${base}/docs`, rel: 'service-doc', type: 'text/html', title: 'The API documentation' },
      { href: `${base}/conformance`, rel: 'conformance', type: 'application/json', title: 'Conformance classes' },
      { href: `${base}/collections`, rel: 'data', type: 'application/json', title: 'Collections' },
      { href: `${base}/tiles`, rel: 'http://www.opengis.net/def/rel/ogc/1.0/tilesets-vector', type: 'application/json', title: 'Vector tiles of the whole map' },
      { href: `${base}/tileMatrixSets`, rel: 'http://www.opengis.net/def/rel/ogc/1.0/tiling-schemes', type: 'application/json', title: 'Tile matrix sets' },
      { href: `${base}/health`, rel: 'service-status', type: 'application/json', title: 'Health' },
    ],
  };
  c.header('Vary', 'Accept');
  return outputFormat(c) === 'html' ? c.html(landingHtml(doc, base)) : c.json(doc);
}

/** The OGC API – Features surface: landing, conformance, collections, items, item, queryables, schema, OpenAPI. */
/** `costs`: the running server's analysis limits, stated per operation in the OpenAPI document. */
export function collectionRoutes(db: Db, cache = new ResponseCache(db), costs?: CostLimits) {
  const app = new Hono();
  const allTables = () => ['datasets', 'catalogue', ...catalogue(db).map((d) => d.id)];

  app.get('/', landingPage);

  app.get('/conformance', (c) => {
    c.header('Vary', 'Accept');
    if (outputFormat(c) === 'html') return c.html(conformanceHtml(CONFORMANCE, apiBase(c)));
    const self = `${apiBase(c)}/conformance`;
    return c.json({ links: [{ href: self, rel: 'self', type: 'application/json' }, { href: withF(self, 'html'), rel: 'alternate', type: 'text/html' }], conformsTo: CONFORMANCE });
  });

  app.get('/openapi', (c) => c.body(JSON.stringify(openApiDocument(apiBase(c), costs, catalogue(db))), 200, { 'content-type': `${OPENAPI_TYPE}; charset=utf-8` }));

  app.get('/docs', (c) => c.html(apiDocsPage(openApiDocument(apiBase(c), costs, catalogue(db)))));

  // Part 3 queryables: the properties a filter may name (the equality filters of /items).
  app.get('/collections/:id/queryables', (c) => {
    const { def } = readable(db, c);
    const url = `${apiBase(c)}/collections/${def.id}/queryables`;
    const shown = Object.entries(def.properties).filter(([k, d]) => d.filter && (readAudience(c) === 'all' || isPublicProperty(k, def.properties)));
    return c.body(JSON.stringify(jsonSchema(def, url, shown, `Queryables of ${def.title.en}`)), 200, { 'content-type': 'application/schema+json; charset=utf-8' });
  });

  // Every property of the features (what GDAL and QGIS build their columns from).
  app.get('/collections/:id/schema', (c) => {
    const { def, audience } = readable(db, c);
    const url = `${apiBase(c)}/collections/${def.id}/schema`;
    const shown = Object.entries(def.properties).filter(([k]) => audience === 'all' || isPublicProperty(k, def.properties));
    return c.body(JSON.stringify(jsonSchema(def, url, shown, `Features of ${def.title.en}`)), 200, { 'content-type': 'application/schema+json; charset=utf-8' });
  });

  app.get('/collections', (c) => {
    const audience = readAudience(c);
    const visible = catalogue(db).filter((d) => audience === 'all' || isPublicCollection(d));
    const format = outputFormat(c);
    return cache.respond(
      c,
      allTables(),
      async () => {
        const base = apiBase(c);
        const prov = await provenanceById(db);
        const list = await Promise.all(visible.map((def) => describe(db, def, base, prov.get(def.id), audience)));
        if (format === 'html') return page(collectionsHtml(list, base));
        const self = `${base}/collections`;
        return json({ links: [{ href: self, rel: 'self', type: 'application/json' }, { href: withF(self, 'html'), rel: 'alternate', type: 'text/html' }], crs: SERVED_CRS.map((x) => x.uri), collections: list });
      },
      { variant: `${audience} ${format}`, headers: VARY },
    );
  });

  app.get('/collections/:id', (c) => {
    const { def, audience } = readable(db, c);
    const format = outputFormat(c);
    return cache.respond(
      c,
      ['datasets', def.id],
      async () => {
        const prov = await provenanceById(db);
        const doc = await describe(db, def, apiBase(c), prov.get(def.id), audience);
        return format === 'html' ? page(collectionHtml(doc, def, apiBase(c))) : json(doc);
      },
      { variant: `${audience} ${format}`, headers: VARY },
    );
  });

  app.get('/collections/:id/items', async (c) => {
    const { def, audience } = readable(db, c);
    const query = singleQueryParameters(c);
    const format = outputFormat(c, query);
    const params = parseItemsParams(def, query, shownProperties(def, audience) ?? Object.keys(def.properties));
    // The HTML page draws its map in CRS84, whatever crs the JSON was asked in.
    if (format === 'html') params.crs = SERVED_CRS[0];
    return cache.respond(
      c,
      [def.id],
      async () => {
        const p = await itemsPage(publicUrl(c), apiBase(c), def, params, audience);
        if (format === 'json') {
          // The features array arrives as JSON text from PostGIS and is spliced in unparsed, as UTF-8 bytes: the
          // response cache then holds half the memory, off the JS heap, and every answer writes them as they are.
          const head = `{"type":"FeatureCollection","numberMatched":${p.numberMatched},"numberReturned":${p.numberReturned},"timeStamp":"${new Date().toISOString()}","links":${JSON.stringify(p.links)},"features":`;
          return { body: utf8(head, p.features, '}'), type: `${GEOJSON}; charset=utf-8`, versions: p.versions };
        }
        const data = { def, features: JSON.parse(p.features) as Feature[], numberMatched: p.numberMatched, numberReturned: p.numberReturned, offset: params.offset, links: p.links, self: publicUrl(c) };
        return { ...(await page(itemsHtml(data, apiBase(c)))), versions: p.versions };
      },
      { variant: `${audience} ${format}`, versionsInBody: true, headers: { ...VARY, 'Content-Crs': `<${params.crs.uri}>` } },
    );
  });

  /** One page: the counts, the paging links, the features as GeoJSON text, and the versions it was read at. */
  async function itemsPage(requestUrl: string, base: string, def: CollectionDef, params: ReturnType<typeof parseItemsParams>, audience: ReadAudience) {
    const q = itemsQuery(def, params, shownProperties(def, audience), [def.id]);
    const row = (await db.query<{ number_matched: number; number_returned: number; features: string; versions: string | null }>(q.text, q.values)).rows[0];
    const url = new URL(requestUrl);
    const link = (rel: string, offset: number) => {
      const u = new URL(url);
      u.searchParams.set('offset', String(offset));
      u.searchParams.set('limit', String(params.limit));
      return { href: u.toString(), rel, type: GEOJSON };
    };
    const links: Link[] = [{ href: url.toString(), rel: 'self', type: GEOJSON }, { href: withF(url.toString(), 'html'), rel: 'alternate', type: 'text/html' }];
    if (params.offset + row.number_returned < row.number_matched) links.push(link('next', params.offset + params.limit));
    // A page past the end links back to the last page that has features, not to another empty one.
    if (params.offset > 0) links.push(link('prev', Math.max(0, Math.min(params.offset - params.limit, row.number_matched - params.limit))));
    links.push({ href: `${base}/collections/${def.id}`, rel: 'collection', type: 'application/json' });
    return { numberMatched: row.number_matched, numberReturned: row.number_returned, links, features: row.features, versions: row.versions ?? '' };
  }

  app.get('/collections/:id/items/:featureId', async (c) => {
    const { def, audience } = readable(db, c);
    const featureId = c.req.param('featureId');
    const format = outputFormat(c);
    const out = checkItemParams(c.req.query(), shownProperties(def, audience) ?? Object.keys(def.properties));
    if (format === 'html') out.crs = SERVED_CRS[0];
    // The ETag starts with the feature's version: If-Match on a write compares that part.
    const v = (await db.query<{ version: number }>(featureVersionQuery(def, featureId).text, [featureId])).rows[0];
    if (!v) apiError(404, 'NotFound', `Collection "${def.id}" has no feature "${featureId.slice(0, 80)}".`);
    return cache.respond(
      c,
      [def.id],
      async () => {
        const base = `${apiBase(c)}/collections/${def.id}`;
        const self = `${base}/items/${encodeURIComponent(featureId)}`;
        const q = itemQuery(def, featureId, shownProperties(def, audience), { self, alternate: withF(self, 'html'), collection: base }, out);
        const row = (await db.query<{ feature: string }>(q.text, q.values)).rows[0];
        if (!row) apiError(404, 'NotFound', `Collection "${def.id}" has no feature "${featureId.slice(0, 80)}".`);
        if (format === 'html') return page(itemHtml(def, JSON.parse(row.feature) as Feature, apiBase(c), publicUrl(c)));
        return { body: row.feature, type: `${GEOJSON}; charset=utf-8` };
      },
      { variant: `${audience} ${format}`, etagPrefix: `v${v.version}-`, headers: { ...VARY, 'Content-Crs': `<${out.crs.uri}>` } },
    );
  });

  return app;
}

/** The collection of the path, if this request may read it (anonymous readers on a network server see the public ones). */
export function readable(db: Db, c: Context): { def: CollectionDef; audience: ReadAudience } {
  const audience = readAudience(c);
  const def = collectionOr404(db, c.req.param('id') ?? '');
  if (audience === 'public' && !isPublicCollection(def)) {
    apiError(401, 'Unauthorized', `Collection "${def.id}" is for signed-in users of this server; sign in to read it.`);
  }
  return { def, audience };
}

/** The properties a reader sees: all (null), or the public ones only. */
export function shownProperties(def: CollectionDef, audience: ReadAudience): string[] | null {
  return audience === 'all' ? null : Object.keys(def.properties).filter((k) => isPublicProperty(k, def.properties));
}

function json(value: unknown) {
  return { body: JSON.stringify(value), type: 'application/json; charset=utf-8' };
}

/** An HTML page (rendered by hono/html) as a cacheable body. */
async function page(rendered: Awaited<ReturnType<typeof itemsHtml>> | ReturnType<typeof itemsHtml>) {
  return { body: String(await rendered), type: 'text/html; charset=utf-8' };
}

/** The UTF-8 bytes of `parts` one after another, each encoded straight into one buffer (no joined copy of the text first). */
function utf8(...parts: string[]): Buffer {
  const out = Buffer.allocUnsafe(parts.reduce((n, p) => n + Buffer.byteLength(p), 0));
  let at = 0;
  for (const p of parts) at += out.write(p, at);
  return out;
}

/** The same URL answers JSON or HTML by the Accept header: caches must keep them apart. */
const VARY = { Vary: 'Accept' };


async function provenanceById(db: Db): Promise<Map<string, Provenance>> {
  const q = datasetsQuery();
  const rows = (await db.query<Provenance>(q.text, q.values)).rows;
  return new Map(rows.map((r) => [r.id, r]));
}

async function describe(db: Db, def: CollectionDef, base: string, prov: Provenance | undefined, audience: ReadAudience) {
  const q = extentQuery(def);
  const e = (await db.query<{ xmin: number | null; ymin: number; xmax: number; ymax: number; n: number }>(q.text, q.values)).rows[0];
  return {
    id: def.id,
    title: def.title.en,
    description: def.description.en,
    itemType: 'feature',
    crs: SERVED_CRS.map((x) => x.uri),
    storageCrs: CRS84,
    extent:
      e.xmin === null
        ? undefined
        : { spatial: { bbox: [[e.xmin, e.ymin, e.xmax, e.ymax]], crs: 'http://www.opengis.net/def/crs/OGC/1.3/CRS84' } },
    links: [
      { href: `${base}/collections/${def.id}`, rel: 'self', type: 'application/json', title: def.title.en },
      { href: withF(`${base}/collections/${def.id}`, 'html'), rel: 'alternate', type: 'text/html', title: `${def.title.zh} (HTML)` },
      { href: `${base}/collections/${def.id}/items`, rel: 'items', type: GEOJSON, title: `Features of ${def.title.en}` },
      { href: `${base}/collections/${def.id}/queryables`, rel: 'http://www.opengis.net/def/rel/ogc/1.0/queryables', type: 'application/schema+json', title: 'Queryables' },
      { href: `${base}/collections/${def.id}/schema`, rel: 'describedby', type: 'application/schema+json', title: 'Schema of the features' },
      ...(def.geometry === 'none' ? [] : [{ href: `${base}/collections/${def.id}/tiles`, rel: 'http://www.opengis.net/def/rel/ogc/1.0/tilesets-vector', type: 'application/json', title: 'Vector tiles' }]),
    ],
    // Extensions beyond OGC: bilingual titles, audience, the declared schema and provenance.
    titles: def.title,
    descriptions: def.description,
    geometry: def.geometry,
    audience: def.audience,
    control: def.control,
    numberOfFeatures: e.n,
    properties: audience === 'all' ? def.properties : Object.fromEntries(Object.entries(def.properties).filter(([k]) => isPublicProperty(k, def.properties))),
    editableBy: def.editableBy,
    nullGeometry: def.nullGeometry,
    // What the layer is for (control / facility / area / reference) and how the map draws an imported one.
    role: roleOf(def),
    imported: def.imported ?? false,
    style: def.style,
    provenance: prov ? { ...prov.provenance, importedAt: prov.imported_at } : null,
  };
}

/** A JSON Schema (2020-12) of a collection's features: the given properties and the geometry types. */
function jsonSchema(def: CollectionDef, id: string, props: [string, PropertyDef][], title: string) {
  const types = geometryTypes(def);
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: id,
    type: 'object',
    title,
    description: def.description.en,
    properties: {
      ...(types.length
        ? { geometry: { 'x-ogc-role': 'primary-geometry', format: types.length === 1 ? `geometry-${types[0].toLowerCase()}` : 'geometry-any', description: `GeoJSON ${types.join(', ')}${def.nullGeometry ? ', or null' : ''}` } }
        : {}),
      ...Object.fromEntries(
        props.map(([k, d]) => {
          const { nullable, ...rest } = propertySchema(d) as Record<string, unknown> & { nullable?: boolean };
          void nullable;
          return [k, { ...rest, type: [rest.type as string, 'null'] }];
        }),
      ),
    },
    additionalProperties: false,
  };
}
