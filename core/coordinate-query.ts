/**
 * "Go to coordinate" (定位到坐标) in the search box: reads a typed pair of numbers as lon/lat degrees
 * (either order: a pair that fits the district only read the other way is taken as lat/lon, and
 * says so) or as CGCS2000 Gauss-Krüger metres — X = northing (北坐标), Y = easting (东坐标), with the
 * zone prefix 37 (EPSG:4525) or without (EPSG:4546), in either order, told apart by their size.
 * Answers null for text that is no coordinate (a name search), a reason for a pair that cannot be a
 * place in the district. Pure: no DOM.
 */
import { toGaussKruger, toLonLat } from './crs.ts';

/**
 * Where a typed coordinate may lead: Xincheng District's extent (lon 111.593–112.040, lat
 * 40.811–41.131) and 0.1° (~10 km) around it, so a site just across the boundary is still found.
 */
export const DISTRICT_RANGE = { minLon: 111.49, maxLon: 112.14, minLat: 40.71, maxLat: 41.23 } as const;

/** The Gauss-Krüger zone of EPSG:4525 (3° zone 37, central meridian 111° E). */
export const GK_ZONE = 37;

export type CoordinateInput = 'lonlat' | 'latlon' | 'gk' | 'gk-zone';

export interface CoordinateHit {
  ok: true;
  /** How the numbers were read. */
  input: CoordinateInput;
  /** True when the numbers were written in the other order than the usual one (lat before lon; Y before X). */
  swapped: boolean;
  lonLat: [number, number];
  /** EPSG:4546: x = northing (北坐标 X), y = easting without zone (东坐标 Y), metres. As typed for a GK input. */
  gk: { x: number; y: number };
}

export type CoordinateProblem =
  | { ok: false; reason: 'outside'; input: CoordinateInput; lonLat: [number, number] }
  | { ok: false; reason: 'not-degrees' }
  | { ok: false; reason: 'wrong-zone'; zone: number }
  | { ok: false; reason: 'not-grid' }
  | { ok: false; reason: 'mixed' };

export type CoordinateQuery = CoordinateHit | CoordinateProblem;

const NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)$/;

/** Inside DISTRICT_RANGE. */
export function inDistrictRange([lon, lat]: readonly number[]): boolean {
  return lon >= DISTRICT_RANGE.minLon && lon <= DISTRICT_RANGE.maxLon && lat >= DISTRICT_RANGE.minLat && lat <= DISTRICT_RANGE.maxLat;
}

/** The two numbers of a typed coordinate ("111.70, 40.85", "40.85 111.70", "111.7°E，40.85°N"), or null. */
function twoNumbers(text: string): [number, number] | null {
  const cleaned = text
    .trim()
    .replace(/东经|北纬|经度|纬度|[°º:：]|[EeNn](?![A-Za-z])/g, ' ')
    .replace(/^\s*[(（[]|[)）\]]\s*$/g, '');
  const parts = cleaned.split(/[\s,，;；/]+/).filter(Boolean);
  if (parts.length !== 2 || !parts.every((p) => NUMBER.test(p))) return null;
  const [a, b] = parts.map(Number);
  return Number.isFinite(a) && Number.isFinite(b) ? [a, b] : null;
}

function degrees(a: number, b: number): CoordinateQuery {
  const asWritten: [number, number] = [a, b];
  const swappedPair: [number, number] = [b, a];
  const hit = (lonLat: [number, number], swapped: boolean): CoordinateHit => {
    const [x, y] = toGaussKruger(lonLat);
    return { ok: true, input: swapped ? 'latlon' : 'lonlat', swapped, lonLat, gk: { x: y, y: x } };
  };
  if (inDistrictRange(asWritten)) return hit(asWritten, false);
  if (inDistrictRange(swappedPair)) return hit(swappedPair, true);
  // A real place elsewhere: say where it is (lat first when only that order is a latitude).
  if (Math.abs(b) <= 90) return { ok: false, reason: 'outside', input: 'lonlat', lonLat: asWritten };
  if (Math.abs(a) <= 90) return { ok: false, reason: 'outside', input: 'latlon', lonLat: swappedPair };
  return { ok: false, reason: 'not-degrees' };
}

function grid(a: number, b: number): CoordinateQuery {
  // A northing here has seven digits (4.5 million m); an easting six (500 000 + offset) or eight with the zone.
  const isNorthing = (v: number) => v >= 1_000_000 && v < 10_000_000;
  const isEasting = (v: number) => v >= 100_000 && v < 1_000_000;
  const isZoned = (v: number) => v >= 10_000_000 && v < 100_000_000;
  let northing: number;
  let easting: number;
  let swapped = false;
  if (isNorthing(a) && (isEasting(b) || isZoned(b))) [northing, easting] = [a, b];
  else if (isNorthing(b) && (isEasting(a) || isZoned(a))) {
    [northing, easting, swapped] = [b, a, true];
  } else return { ok: false, reason: 'not-grid' };
  const zoned = isZoned(easting);
  if (zoned) {
    const zone = Math.floor(easting / 1_000_000);
    if (zone !== GK_ZONE) return { ok: false, reason: 'wrong-zone', zone };
  }
  const input: CoordinateInput = zoned ? 'gk-zone' : 'gk';
  const lonLat = toLonLat([easting, northing], zoned ? 'EPSG:4525' : 'EPSG:4546');
  if (!inDistrictRange(lonLat)) return { ok: false, reason: 'outside', input, lonLat };
  return { ok: true, input, swapped, lonLat, gk: { x: northing, y: zoned ? easting - GK_ZONE * 1_000_000 : easting } };
}

/**
 * Reads a typed coordinate. Null when the text is not two numbers (not meant as a coordinate);
 * otherwise the place, or why it is none: outside the district, not degrees, a zone other than 37,
 * metres that are not a northing/easting pair, or degrees mixed with metres.
 */
export function parseCoordinateQuery(text: string): CoordinateQuery | null {
  if (typeof text !== 'string' || text.length > 80) return null;
  const pair = twoNumbers(text);
  if (!pair) return null;
  const [a, b] = pair;
  const small = (v: number) => Math.abs(v) <= 180;
  const large = (v: number) => Math.abs(v) >= 1000;
  if (small(a) && small(b)) return degrees(a, b);
  if (large(a) && large(b)) return grid(a, b);
  if ((small(a) && large(b)) || (large(a) && small(b))) return { ok: false, reason: 'mixed' };
  return { ok: false, reason: small(a) || small(b) ? 'not-degrees' : 'not-grid' };
}
