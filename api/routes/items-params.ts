import type { CollectionDef } from '../../core/catalog.ts';
import { apiError } from '../errors.ts';
import type { ItemsParams } from '../sql/collections.ts';

/** Page size when the request names none. */
export const DEFAULT_LIMIT = 100;
/** Largest page; a larger `limit` is clamped to it (OGC API – Features allows the server to). */
export const MAX_LIMIT = 5000;

const RESERVED = new Set(['bbox', 'limit', 'offset', 'f', 'datetime']);

/** Parses the /items query string against the catalogue; throws 400 saying what is wrong. */
export function parseItemsParams(c: CollectionDef, query: Record<string, string>): ItemsParams {
  for (const key of Object.keys(query)) {
    if (RESERVED.has(key)) continue;
    if (!Object.hasOwn(c.properties, key) || !c.properties[key].filter) {
      const allowed = Object.entries(c.properties)
        .filter(([, d]) => d.filter)
        .map(([k]) => k);
      apiError(
        400,
        'UnknownParameter',
        `Unknown parameter "${clip(key)}". Collection "${c.id}" accepts bbox, limit, offset, datetime, f and filters on: ${allowed.join(', ')}${key === 'crs' || key === 'bbox-crs' ? '; coordinates are CRS84 only for now' : ''}.`,
      );
    }
  }
  if (query.f !== undefined && query.f !== 'json' && query.f !== 'geojson') {
    apiError(400, 'InvalidParameterValue', `Parameter f must be "json" or "geojson", not "${clip(query.f)}".`);
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
  return {
    bbox: query.bbox === undefined ? undefined : parseBbox(query.bbox),
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

/** Parses `minLon,minLat,maxLon,maxLat` (EPSG:4326 degrees); 6 numbers (with heights) are accepted, heights ignored. */
export function parseBbox(text: string): [number, number, number, number] {
  let parts = text.split(',');
  if (parts.length === 6) parts = [parts[0], parts[1], parts[3], parts[4]];
  if (parts.length !== 4) {
    apiError(400, 'InvalidParameterValue', `bbox must be 4 numbers "minLon,minLat,maxLon,maxLat" (or 6 with heights); got ${parts.length} value(s).`);
  }
  const n = parts.map((p) => (/^\s*-?\d+(\.\d+)?([eE][-+]?\d+)?\s*$/.test(p) ? Number(p) : NaN));
  const bad = n.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) apiError(400, 'InvalidParameterValue', `bbox value ${bad + 1} ("${clip(parts[bad])}") is not a number.`);
  const [x1, y1, x2, y2] = n as [number, number, number, number];
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

/** The parameters a single feature takes: f (json/geojson) only; anything else is a 400, not ignored. */
export function checkItemParams(query: Record<string, string>): void {
  for (const [k, v] of Object.entries(query)) {
    if (k === 'f' && (v === 'json' || v === 'geojson')) continue;
    apiError(400, k === 'f' ? 'InvalidParameterValue' : 'UnknownParameter', k === 'f' ? `Parameter f must be "json" or "geojson", not "${clip(v)}".` : `Unknown parameter "${clip(k)}" for a single feature; it takes f=json.`);
  }
}
