/**
 * Site areas as survey reports (勘测定界报告) give them: the plane area on the CGCS2000 Gauss-Krüger
 * coordinates (EPSG:4546, 坐标解析法: the shoelace formula on the boundary points' X/Y) beside the
 * geodesic area, each in square metres, 公顷 and 亩 (1 亩 = 10 000 / 15 m² ≈ 666.67 m², so
 * 1 公顷 = 15 亩). Pure: no DOM, no database.
 */
import { toGaussKruger, type SiteCrs } from '../crs.ts';
import { SQUARE_METERS_PER_MU } from '../units.ts';

export { SQUARE_METERS_PER_MU };
export const SQUARE_METERS_PER_HECTARE = 10_000;

/** Square metres → 亩. */
export function squareMetersToMu(squareMeters: number): number {
  return squareMeters / SQUARE_METERS_PER_MU;
}

/** Square metres → 公顷 (hectares). */
export function squareMetersToHectares(squareMeters: number): number {
  return squareMeters / SQUARE_METERS_PER_HECTARE;
}

/** Twice the signed area of a ring of plane [x, y] positions (shoelace; positive counter-clockwise). */
function doubleSignedArea(ring: readonly (readonly number[])[]): number {
  let sum = 0;
  const n = ring.length;
  for (let i = 0; i < n; i++) {
    const [x1, y1] = ring[i];
    const [x2, y2] = ring[(i + 1) % n];
    sum += x1 * y2 - x2 * y1;
  }
  return sum;
}

/**
 * The plane area of a polygon given as rings of [x, y] metres (first the shell, then its holes),
 * closed or not: |shoelace(shell)| − Σ |shoelace(hole)|. Coordinates are shifted to the first
 * point first, so 7-digit northings lose no precision.
 */
export function planeRingsArea(rings: readonly (readonly (readonly number[])[])[]): number {
  if (!rings.length || !rings[0].length) return 0;
  const [ox, oy] = rings[0][0];
  const area = (ring: readonly (readonly number[])[]) => Math.abs(doubleSignedArea(ring.map(([x, y]) => [x - ox, y - oy]))) / 2;
  return rings.reduce((sum, ring, i) => (i === 0 ? area(ring) : sum - area(ring)), 0);
}

type PolygonalGeometry = { type: 'Polygon'; coordinates: number[][][] } | { type: 'MultiPolygon'; coordinates: number[][][][] } | { type: string; coordinates?: unknown };

/**
 * The plane area in EPSG:4546 (m²) of a Polygon or MultiPolygon given in `crs` — the boundary points
 * as entered when they are EPSG:4546 (or EPSG:4525, the same plane with the zone prefix), else the
 * lon/lat positions projected to EPSG:4546. 0 for a point. `lonLat` converts a position of `crs`.
 */
export function planeAreaGaussKruger(geometry: PolygonalGeometry, crs: SiteCrs = 'EPSG:4326', lonLat?: (p: readonly number[]) => readonly number[]): number {
  const polygons = geometry.type === 'Polygon' ? [geometry.coordinates as number[][][]] : geometry.type === 'MultiPolygon' ? (geometry.coordinates as number[][][][]) : [];
  const toPlane = (p: readonly number[]): readonly number[] => {
    if (crs === 'EPSG:4546') return p;
    if (crs === 'EPSG:4525') return [p[0] - 37_000_000, p[1]];
    return toGaussKruger(crs === 'EPSG:4326' || !lonLat ? p : lonLat(p));
  };
  return polygons.reduce((sum, rings) => sum + planeRingsArea(rings.map((ring) => ring.map(toPlane))), 0);
}

/** An area in 公顷 and 亩 with fixed decimals, for reports: { ha: "1.0000", mu: "15.00" }. */
export function areaFigures(squareMeters: number): { m2: string; ha: string; mu: string } {
  return { m2: squareMeters.toFixed(2), ha: squareMetersToHectares(squareMeters).toFixed(4), mu: squareMetersToMu(squareMeters).toFixed(2) };
}
