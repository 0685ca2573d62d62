import type { CollectionDef } from '../../core/catalog.ts';
import { apiError } from '../errors.ts';
import type { ItemsParams } from '../sql/collections.ts';
import { checkCql2, Cql2Error, parseCql2Json, parseCql2Text } from '../cql2/cql2.ts';
import { compileCql2, type CompiledCql2 } from '../sql/cql2.ts';
import { LRUCache } from 'lru-cache';

/** Page size when the request names none. */
export const DEFAULT_LIMIT = 100;
/** Largest page; a larger `limit` is clamped to it (OGC API – Features allows the server to). */
export const MAX_LIMIT = 5000;

const RESERVED = new Set(['bbox', 'bbox-crs', 'crs', 'limit', 'offset', 'f', 'datetime', 'sortby', 'properties', 'skipGeometry', 'filter', 'filter-lang', 'filter-crs']);

export const CRS84 = 'http://www.opengis.net/def/crs/OGC/1.3/CRS84';

/** A coordinate system the API serves (OGC API – Features Part 2), with its axis order as EPSG defines it. */
export interface ServedCrs {
  uri: string;
  srid: number;
  /** EPSG:4326 and 4490 are latitude first, EPSG:4546 and 4525 northing first; CRS84 and EPSG:3857 east first. */
  northFirst: boolean;
  /** Decimal places in GeoJSON: 6 for degrees (≈ 0.1 m), 3 for metres. */
  digits: number;
  title: string;
  /** [minX, minY, maxX, maxY] east first: where PROJ can take coordinates of this CRS (outside it, ST_Transform fails). */
  domain: [number, number, number, number];
}

const DEGREES: ServedCrs['domain'] = [-180, -90, 180, 90];
// Gauss-Krüger: eastings within ±2 000 km of the central meridian (false easting 500 km, or 37 500 km with the zone), northings within ±10 000 km.
const GK = (falseEasting: number): ServedCrs['domain'] => [falseEasting - 2_000_000, -10_000_000, falseEasting + 2_000_000, 10_000_000];
const epsg = (srid: number, northFirst: boolean, digits: number, title: string, domain: ServedCrs['domain']): ServedCrs => ({ uri: `http://www.opengis.net/def/crs/EPSG/0/${srid}`, srid, northFirst, digits, title, domain });

/** The coordinate systems of every collection: storage is CRS84 (lon/lat, EPSG:4326 values). */
export const SERVED_CRS: readonly ServedCrs[] = [
  { uri: CRS84, srid: 4326, northFirst: false, digits: 6, title: 'WGS 84 lon/lat (CRS84)', domain: DEGREES },
  epsg(4326, true, 6, 'WGS 84 lat/lon (EPSG:4326)', DEGREES),
  epsg(4490, true, 6, 'CGCS2000 lat/lon (EPSG:4490)', DEGREES),
  epsg(4546, true, 3, 'CGCS2000 3° Gauss-Krüger CM 111° E, northing first (EPSG:4546)', GK(500_000)),
  epsg(4525, true, 3, 'CGCS2000 3° Gauss-Krüger zone 37, northing first (EPSG:4525)', GK(37_500_000)),
  epsg(3857, false, 3, 'Web Mercator (EPSG:3857)', [-20_037_508.34, -20_048_966.1, 20_037_508.34, 20_048_966.1]),
];

/** `crs` / `bbox-crs` / `filter-crs`: a URI of SERVED_CRS, or its short forms `EPSG:4546`, `[EPSG:4546]`, `CRS84`. */
export function parseCrs(name: string, text: string | undefined): ServedCrs {
  if (text === undefined) return SERVED_CRS[0];
  const t = text.trim().replace(/^\[(.*)\]$/, '$1');
  const short = /^(?:EPSG:)(\d+)$/i.exec(t);
  const found = /^(OGC:)?CRS84$/i.test(t) ? SERVED_CRS[0] : SERVED_CRS.find((c) => c.uri === t || (short && c.uri !== CRS84 && c.srid === Number(short[1])));
  if (!found) apiError(400, 'InvalidParameterValue', `${name} "${clip(text)}" is not a coordinate system this API serves; use one of: ${SERVED_CRS.map((c) => c.uri).join(', ')}.`);
  return found!;
}

/** `sortby=+name_zh,-area_square_meters` (OGC API – Records sorting): declared, visible properties or `id`. */
export function parseSortby(text: string | undefined, sortable: string[]): { property: string; descending: boolean }[] {
  if (text === undefined) return [];
  return text.split(',').map((part) => {
    const m = /^\s*([+-]?)\s*([^\s+-][^\s]*)\s*$/.exec(part);
    const property = m?.[2] ?? '';
    if (!m || (property !== 'id' && !sortable.includes(property))) {
      apiError(400, 'InvalidParameterValue', `sortby: "${clip(part)}" is not [+|-] and a property; sortable are id, ${sortable.join(', ')}.`);
    }
    return { property, descending: m![1] === '-' };
  });
}

/** `properties=name_zh,type` (property selection): the properties to return, each declared and visible. */
export function parsePropertySelection(text: string | undefined, visible: string[]): string[] | null {
  if (text === undefined) return null;
  const names = text.split(',').map((x) => x.trim()).filter(Boolean);
  const unknown = names.find((n) => !visible.includes(n));
  if (unknown !== undefined) apiError(400, 'InvalidParameterValue', `properties: "${clip(unknown)}" is not a property of this collection; it has ${visible.join(', ')}.`);
  return [...new Set(names)];
}

/**
 * Filters already translated, per collection (its definition object: a reloaded catalogue starts
 * afresh, and two databases never share one), keyed by everything the translation reads: language,
 * filter-crs, the reader's queryables and the text. A client paging through one filter, or a map
 * asking again, skips parsing, checking and translating. Bounded per collection by count and by the
 * characters of the keys (a filter may be 8 000 long), least recently used out first.
 */
const compiledFilters = new WeakMap<CollectionDef, LRUCache<string, CompiledCql2>>();
export const COMPILED_FILTERS_MAX = 256;

/** `filter` in `filter-lang` (cql2-text, the default, or cql2-json), checked against the queryables and translated to SQL (a type error is a 400 here). */
function parseFilter(c: CollectionDef, query: Record<string, string>, filterCrs: ServedCrs, queryables: string[]): CompiledCql2 | undefined {
  const lang = query['filter-lang'] ?? 'cql2-text';
  if (lang !== 'cql2-text' && lang !== 'cql2-json') apiError(400, 'InvalidParameterValue', `filter-lang must be cql2-text or cql2-json, not "${clip(lang)}".`);
  if (query.filter === undefined) {
    if (query['filter-lang'] !== undefined || query['filter-crs'] !== undefined) apiError(400, 'InvalidParameterValue', 'filter-lang and filter-crs go with a filter.');
    return undefined;
  }
  let cache = compiledFilters.get(c);
  if (!cache) compiledFilters.set(c, (cache = new LRUCache({ max: COMPILED_FILTERS_MAX, maxSize: 512 * 1024, sizeCalculation: (_, key) => key.length })));
  const key = `${lang}\n${filterCrs.uri}\n${queryables.join(',')}\n${query.filter}`;
  const hit = cache.get(key);
  if (hit) return hit;
  let compiled: CompiledCql2;
  try {
    compiled = compileCql2(checkCql2(lang === 'cql2-json' ? parseCql2Json(query.filter) : parseCql2Text(query.filter), queryables), c, filterCrs);
  } catch (err) {
    if (err instanceof Cql2Error) apiError(400, 'InvalidParameterValue', `filter: ${err.message}`);
    throw err;
  }
  cache.set(key, compiled);
  return compiled;
}

function parseBoolean(name: string, text: string | undefined): boolean {
  if (text === undefined || text === 'false') return false;
  if (text === 'true') return true;
  return apiError(400, 'InvalidParameterValue', `${name} must be true or false, not "${clip(text)}".`);
}

/** Parses the /items query string against the catalogue; throws 400 saying what is wrong. `visible`: the properties this reader may see. */
export function parseItemsParams(c: CollectionDef, query: Record<string, string>, visible: string[] = Object.keys(c.properties)): ItemsParams & { crs: ServedCrs; bboxCrs: ServedCrs } {
  for (const key of Object.keys(query)) {
    if (RESERVED.has(key)) continue;
    if (!Object.hasOwn(c.properties, key) || !c.properties[key].filter) {
      const allowed = Object.entries(c.properties)
        .filter(([, d]) => d.filter)
        .map(([k]) => k);
      apiError(
        400,
        'UnknownParameter',
        `Unknown parameter "${clip(key)}". Collection "${c.id}" accepts ${[...RESERVED].join(', ')} and filters on: ${allowed.join(', ')}.`,
      );
    }
  }
  if (query.f !== undefined && query.f !== 'json' && query.f !== 'geojson' && query.f !== 'html') {
    apiError(400, 'InvalidParameterValue', `Parameter f must be "json", "geojson" or "html", not "${clip(query.f)}".`);
  }
  if (query.datetime !== undefined) checkDatetime(query.datetime);
  const filters = Object.entries(query)
    .filter(([k]) => !RESERVED.has(k))
    .map(([property, value]) => {
      if (c.properties[property].type === 'integer' && !/^-?\d+$/.test(value)) {
        apiError(400, 'InvalidParameterValue', `Filter ${property} takes an integer, not "${clip(value)}".`);
      }
      return { property, value };
    });
  const bboxCrs = parseCrs('bbox-crs', query['bbox-crs']);
  const filterCrs = parseCrs('filter-crs', query['filter-crs']);
  if (query['bbox-crs'] !== undefined && query.bbox === undefined) apiError(400, 'InvalidParameterValue', 'bbox-crs is given without a bbox.');
  return {
    bbox: query.bbox === undefined ? undefined : parseBbox(query.bbox, bboxCrs),
    bboxCrs,
    crs: parseCrs('crs', query.crs),
    sortby: parseSortby(query.sortby, visible),
    properties: parsePropertySelection(query.properties, visible),
    skipGeometry: parseBoolean('skipGeometry', query.skipGeometry),
    cql: parseFilter(c, query, filterCrs, visible.filter((k) => c.properties[k]?.filter)),
    limit: Math.min(parseWhole('limit', query.limit, DEFAULT_LIMIT, 1), MAX_LIMIT),
    offset: parseWhole('offset', query.offset, 0, 0),
    filters,
  };
}

/**
 * `datetime` (OGC API – Features Part 1): an RFC 3339 instant or an interval with `..` for an open
 * end. Accepted and checked; the collections carry no time, so it selects nothing out.
 */
export function checkDatetime(text: string): void {
  const instant = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2}))?$/i;
  const ends = text.split('/');
  const ok = (e: string) => e === '..' || e === '' || (instant.test(e) && !Number.isNaN(Date.parse(e)));
  if (ends.length > 2 || !ends.every(ok) || (ends.length === 1 && !instant.test(text)) || (ends.length === 2 && ends.every((e) => e === '..' || e === ''))) {
    apiError(400, 'InvalidParameterValue', `datetime must be an RFC 3339 date-time or interval, e.g. 2021-01-01T00:00:00Z or 2021-01-01/.. ; not "${clip(text)}".`);
  }
}

/**
 * Parses a bbox: `minLon,minLat,maxLon,maxLat` in CRS84, or in `crs` (bbox-crs) with its own axis
 * order (EPSG:4326 `minLat,minLon,maxLat,maxLon`; EPSG:4546 `minN,minE,maxN,maxE`). Returned east
 * first, in that CRS. 6 numbers (with heights) are accepted, heights ignored.
 */
export function parseBbox(text: string, crs: ServedCrs = SERVED_CRS[0]): [number, number, number, number] {
  let parts = text.split(',');
  if (parts.length === 6) parts = [parts[0], parts[1], parts[3], parts[4]];
  if (parts.length !== 4) {
    apiError(400, 'InvalidParameterValue', `bbox must be 4 numbers "minLon,minLat,maxLon,maxLat" (or 6 with heights); got ${parts.length} value(s).`);
  }
  const n = parts.map((p) => (/^\s*-?\d+(\.\d+)?([eE][-+]?\d+)?\s*$/.test(p) ? Number(p) : NaN));
  const bad = n.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) apiError(400, 'InvalidParameterValue', `bbox value ${bad + 1} ("${clip(parts[bad])}") is not a number.`);
  if (crs.northFirst) n.splice(0, 4, n[1], n[0], n[3], n[2]);
  const [x1, y1, x2, y2] = n as [number, number, number, number];
  const axes = crs.srid === 4326 || crs.srid === 4490;
  if (!axes) {
    const d = crs.domain;
    if (x1 < d[0] || x2 > d[2] || y1 < d[1] || y2 > d[3]) apiError(400, 'InvalidParameterValue', `bbox lies outside the area ${crs.uri} can describe (east ${d[0]}..${d[2]}, north ${d[1]}..${d[3]}); check the numbers and their order.`);
    if (x1 > x2 || y1 > y2) apiError(400, 'InvalidParameterValue', `bbox: the lower corner must come first (in ${crs.uri}, axis order ${crs.northFirst ? 'north, east' : 'east, north'}).`);
    return [x1, y1, x2, y2];
  }
  if ([x1, x2].some((x) => x < -180 || x > 180)) apiError(400, 'InvalidParameterValue', 'bbox longitudes must lie within -180..180.');
  if ([y1, y2].some((y) => y < -90 || y > 90)) apiError(400, 'InvalidParameterValue', 'bbox latitudes must lie within -90..90.');
  if (x1 > x2) apiError(400, 'InvalidParameterValue', `bbox minLon ${x1} is greater than maxLon ${x2}.`);
  if (y1 > y2) apiError(400, 'InvalidParameterValue', `bbox minLat ${y1} is greater than maxLat ${y2}.`);
  return [x1, y1, x2, y2];
}

function parseWhole(name: string, text: string | undefined, fallback: number, min: number): number {
  if (text === undefined) return fallback;
  if (!/^\d{1,9}$/.test(text) || Number(text) < min) {
    apiError(400, 'InvalidParameterValue', `${name} must be a whole number ≥ ${min}, not "${clip(text)}".`);
  }
  return Number(text);
}

/** Echoes user text back in a message without letting it grow the message unbounded. */
function clip(s: string): string {
  return s.length > 60 ? `${s.slice(0, 60)}…` : s;
}

/** The parameters a single feature takes: f (json/geojson), crs, properties, skipGeometry; anything else is a 400, not ignored. */
export function checkItemParams(query: Record<string, string>, visible: string[]): { crs: ServedCrs; properties: string[] | null; skipGeometry: boolean } {
  for (const [k, v] of Object.entries(query)) {
    if (k === 'crs' || k === 'properties' || k === 'skipGeometry') continue;
    if (k === 'f' && (v === 'json' || v === 'geojson' || v === 'html')) continue;
    apiError(400, k === 'f' ? 'InvalidParameterValue' : 'UnknownParameter', k === 'f' ? `Parameter f must be "json", "geojson" or "html", not "${clip(v)}".` : `Unknown parameter "${clip(k)}" for a single feature; it takes f, crs, properties and skipGeometry.`);
  }
  return { crs: parseCrs('crs', query.crs), properties: parsePropertySelection(query.properties, visible), skipGeometry: parseBoolean('skipGeometry', query.skipGeometry) };
}
