/**
 * Checks a site geometry a user sent (drawn, pasted, uploaded) and converts it to EPSG:4326.
 * Problems in user data come back as values (`{ valid: false, reason }`), never as exceptions.
 */
import { toLonLat, type SiteCrs } from '../crs.ts';

export type SiteGeometry =
  | { type: 'Point'; coordinates: [number, number] }
  | { type: 'Polygon'; coordinates: [number, number][][] }
  | { type: 'MultiPolygon'; coordinates: [number, number][][][] }
  | { type: 'LineString'; coordinates: [number, number][] }
  | { type: 'MultiLineString'; coordinates: [number, number][][] };

/** Most vertices a site may have; more is refused as too large (413). */
export const MAX_SITE_VERTICES = 100_000;
/** Most rings (shells and holes of all parts) a site may have; more is refused as too costly (413). */
export const MAX_SITE_RINGS = 500;

export type SiteCheck =
  | { valid: true; geometry: SiteGeometry; vertexCount: number }
  | { valid: false; reason: string; /** 413 for too large, else 400. */ status: 400 | 413 };

/** China's extent in lon/lat, generously: a site outside it is an error of coordinates or CRS. */
const CHINA = { minLon: 73.4, maxLon: 135.1, minLat: 18, maxLat: 53.6 };

const fail = (reason: string, status: 400 | 413 = 400): SiteCheck => ({ valid: false, reason, status });

/**
 * Validates the structure of a GeoJSON Point/Polygon/MultiPolygon in `crs`, checks that the
 * coordinates are plausible for that CRS (swapped axes, projected metres sent as degrees, outside
 * China), and returns the geometry in EPSG:4326 lon/lat.
 */
export function readSite(input: unknown, crs: SiteCrs = 'EPSG:4326', opts: { lines?: boolean } = {}): SiteCheck {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    return fail('geometry must be a GeoJSON geometry object, e.g. {"type":"Polygon","coordinates":[[[lon,lat],…]]}.');
  }
  const g = input as { type?: unknown; coordinates?: unknown };
  if (g.type === 'Feature') return fail('geometry must be a GeoJSON geometry, not a Feature: send its "geometry" member.');
  const lines = opts.lines && (g.type === 'LineString' || g.type === 'MultiLineString');
  if (g.type !== 'Point' && g.type !== 'Polygon' && g.type !== 'MultiPolygon' && !lines) {
    return fail(`geometry type must be Point, ${opts.lines ? 'LineString, MultiLineString, ' : ''}Polygon or MultiPolygon, not ${JSON.stringify(g.type ?? null)}.`);
  }
  if (g.coordinates === undefined) return fail(`${g.type} has no "coordinates" member.`);
  if (!Array.isArray(g.coordinates)) return fail(`${g.type} "coordinates" must be an array, not ${typeof g.coordinates === 'string' ? 'a string' : typeof g.coordinates}.`);
  if (g.coordinates.length === 0) return fail(`${g.type} is empty (no coordinates).`);

  const positions: number[][] = [];
  let ringCount = 0;
  /** A ring as a key independent of its start and direction, to find a hole that repeats its shell. */
  const ringKey = (ring: number[][]) => {
    const pts = ring.slice(0, -1).map((p) => `${p[0]},${p[1]}`);
    return [...pts].sort().join(';');
  };
  const checkPosition = (p: unknown, where: string): string | null => {
    if (!Array.isArray(p) || p.length < 2) return `${where} is not a position [x, y].`;
    if (!p.slice(0, 2).every((v) => typeof v === 'number' && Number.isFinite(v))) {
      return `${where} has a coordinate that is not a finite number: ${JSON.stringify(p).slice(0, 60)}.`;
    }
    positions.push(p as number[]);
    return null;
  };
  const checkPolygon = (rings: unknown, where: string): string | null => {
    if (!Array.isArray(rings) || rings.length === 0) return `${where} has no rings (empty geometry).`;
    ringCount += rings.length;
    if (ringCount > MAX_SITE_RINGS) return 'too many rings';
    for (let r = 0; r < rings.length; r++) {
      const ring = rings[r];
      const rw = `${where}, ring ${r + 1}`;
      if (!Array.isArray(ring)) return `${rw} is not an array of positions.`;
      if (ring.length < 4) return `${rw} has ${ring.length} position(s); a closed ring needs at least 4 (the last repeating the first).`;
      for (let i = 0; i < ring.length; i++) {
        const e = checkPosition(ring[i], `${rw}, position ${i + 1}`);
        if (e) return e;
        if (positions.length > MAX_SITE_VERTICES) return 'too many';
      }
      const a = ring[0] as number[];
      const b = ring[ring.length - 1] as number[];
      if (a[0] !== b[0] || a[1] !== b[1]) return `${rw} is not closed: its last position must repeat the first.`;
    }
    if (rings.length > 1) {
      const shell = ringKey(rings[0] as number[][]);
      const same = rings.findIndex((ring, i) => i > 0 && ringKey(ring as number[][]) === shell);
      if (same > 0) return `${where}, ring ${same + 1} (a hole) is the same as its outer ring: the polygon has no area.`;
    }
    return null;
  };

  const checkLine = (line: unknown, where: string): string | null => {
    if (!Array.isArray(line) || line.length < 2) return `${where} needs at least 2 positions.`;
    for (let i = 0; i < line.length; i++) {
      const e = checkPosition(line[i], `${where}, position ${i + 1}`);
      if (e) return e;
      if (positions.length > MAX_SITE_VERTICES) return 'too many';
    }
    return null;
  };

  let err: string | null = null;
  if (g.type === 'Point') err = checkPosition(g.coordinates, 'Point');
  else if (g.type === 'LineString') err = checkLine(g.coordinates, 'LineString');
  else if (g.type === 'MultiLineString') {
    for (let i = 0; i < g.coordinates.length && !err; i++) err = checkLine(g.coordinates[i], `MultiLineString part ${i + 1}`);
  }
  else if (g.type === 'Polygon') err = checkPolygon(g.coordinates, 'Polygon');
  else {
    for (let i = 0; i < g.coordinates.length && !err; i++) err = checkPolygon(g.coordinates[i], `MultiPolygon part ${i + 1}`);
  }
  if (err === 'too many rings') {
    return fail(`The site has more than ${MAX_SITE_RINGS} rings (outer rings and holes); simplify it or send its parts separately.`, 413);
  }
  if (err === 'too many' || positions.length > MAX_SITE_VERTICES) {
    return fail(`The site has more than ${MAX_SITE_VERTICES.toLocaleString('en')} vertices; simplify it first.`, 413);
  }
  if (err) return fail(err);

  const crsProblem = plausibility(positions, crs);
  if (crsProblem) return fail(crsProblem);

  const convert = (p: number[]) => roundPosition(toLonLat(p, crs));
  let geometry: SiteGeometry;
  if (g.type === 'Point') geometry = { type: 'Point', coordinates: convert(g.coordinates as number[]) };
  else if (g.type === 'Polygon') geometry = { type: 'Polygon', coordinates: (g.coordinates as number[][][]).map((r) => r.map(convert)) };
  else if (g.type === 'LineString') geometry = { type: 'LineString', coordinates: (g.coordinates as number[][]).map(convert) };
  else if (g.type === 'MultiLineString') geometry = { type: 'MultiLineString', coordinates: (g.coordinates as number[][][]).map((l) => l.map(convert)) };
  else geometry = { type: 'MultiPolygon', coordinates: (g.coordinates as number[][][][]).map((p) => p.map((r) => r.map(convert))) };

  const outside = positions.map(convert).find(([lon, lat]) => lon < CHINA.minLon || lon > CHINA.maxLon || lat < CHINA.minLat || lat > CHINA.maxLat);
  if (outside) return fail(`Position ${outside[0]}, ${outside[1]} (after conversion from ${crs}) falls outside China; check the coordinates and the CRS.`);
  return { valid: true, geometry, vertexCount: positions.length };
}

/** Round to 1e-7° (~1 cm): finer digits only carry conversion noise. */
function roundPosition([lon, lat]: [number, number]): [number, number] {
  return [Math.round(lon * 1e7) / 1e7, Math.round(lat * 1e7) / 1e7];
}

/** A reason when the raw coordinates cannot be in `crs` (and what they probably are), else null. */
export function plausibility(positions: number[][], crs: SiteCrs): string | null {
  const xs = positions.map((p) => p[0]);
  const ys = positions.map((p) => p[1]);
  const all = (vals: number[], lo: number, hi: number) => vals.every((v) => v >= lo && v <= hi);
  const degrees = all(xs, -180, 180) && all(ys, -90, 90);
  const looksLatLon = all(xs, CHINA.minLat, CHINA.maxLat) && all(ys, CHINA.minLon, CHINA.maxLon);
  const gk4546 = all(xs, 100_000, 900_000) && all(ys, 2_000_000, 6_000_000);
  const gk4546Swapped = all(ys, 100_000, 900_000) && all(xs, 2_000_000, 6_000_000);
  const gk4525 = all(xs, 37_100_000, 37_900_000) && all(ys, 2_000_000, 6_000_000);
  const gk4525Swapped = all(ys, 37_100_000, 37_900_000) && all(xs, 2_000_000, 6_000_000);
  const sample = `(${xs[0]}, ${ys[0]})`;

  const projectedHint = (): string =>
    gk4525
      ? 'They look like CGCS2000 Gauss-Krüger metres with the zone prefix 37: send crs "EPSG:4525".'
      : gk4546
        ? 'They look like CGCS2000 Gauss-Krüger metres (central meridian 111° E): send crs "EPSG:4546".'
        : gk4546Swapped || gk4525Swapped
          ? `They look like Gauss-Krüger metres written X = northing, Y = easting: swap X and Y and send crs "${gk4525Swapped ? 'EPSG:4525' : 'EPSG:4546'}".`
          : 'They are not longitude/latitude degrees.';

  if (crs === 'EPSG:4326' || crs === 'GCJ02') {
    if (looksLatLon) return `Coordinates ${sample} look like latitude, longitude (swapped): GeoJSON order is [longitude, latitude].`;
    if (!degrees) return `Coordinates ${sample} are out of range for ${crs} degrees. ${projectedHint()}`;
    return null;
  }
  if (degrees) return `Coordinates ${sample} look like degrees, not ${crs} metres: send crs "EPSG:4326".`;
  if (crs === 'EPSG:4546') {
    if (gk4546) return null;
    if (gk4546Swapped) return `Coordinates ${sample} look like X = northing, Y = easting: swap X and Y (EPSG:4546 takes easting first).`;
    if (gk4525) return `Coordinates ${sample} carry the zone prefix 37 in the easting: send crs "EPSG:4525".`;
    return `Coordinates ${sample} are not plausible for EPSG:4546 (easting 100 000–900 000 m, northing 2 000 000–6 000 000 m).`;
  }
  if (gk4525) return null;
  if (gk4525Swapped) return `Coordinates ${sample} look like X = northing, Y = easting: swap X and Y (EPSG:4525 takes easting first).`;
  if (gk4546) return `Coordinates ${sample} have no zone prefix in the easting: send crs "EPSG:4546".`;
  return `Coordinates ${sample} are not plausible for EPSG:4525 (easting 37 100 000–37 900 000 m, northing 2 000 000–6 000 000 m).`;
}
