/**
 * Measurement of a line or a polygon drawn on the map (issue 13: measure distance and area), two
 * ways: geodesic with Turf (`length`: great circles on a sphere of the mean Earth radius; `area`:
 * spherical excess) — within ~0.3 % here, since the sphere is not the ellipsoid — and on the
 * CGCS2000 Gauss-Krüger plane (EPSG:4546: the positions projected by core/crs.ts, the shoelace
 * area of core/geometry/area.ts), as survey reports give them; near the central meridian 111° E the
 * plane's scale error stays below 0.01 % across the district. Metres and m². Pure: no DOM.
 */
import { area, length } from '@turf/turf';
import type { LineString, Polygon } from 'geojson';
import { toGaussKruger } from '../crs.ts';
import { planeRingsArea } from './area.ts';

export interface Measurement {
  /** The line's length, or the polygon's perimeter, in metres. */
  lengthMeters: number;
  /** The polygon's area in m²; null for a line. */
  areaSquareMeters: number | null;
  /** Lengths of the single segments in metres, in drawing order (a polygon's closing side last). */
  segmentsMeters: number[];
  /** The length (perimeter) on the EPSG:4546 plane, in metres. */
  planeLengthMeters: number;
  /** The area on the EPSG:4546 plane (坐标解析法) in m²; null for a line. */
  planeAreaSquareMeters: number | null;
}

/** Measures a LineString or a Polygon (its outer ring and holes; the perimeter is the outer ring's). */
export function measure(geometry: LineString | Polygon): Measurement {
  const ring = geometry.type === 'Polygon' ? (geometry.coordinates[0] ?? []) : geometry.coordinates;
  const segmentsMeters: number[] = [];
  for (let i = 1; i < ring.length; i++) {
    segmentsMeters.push(length({ type: 'Feature', properties: {}, geometry: { type: 'LineString', coordinates: [ring[i - 1], ring[i]] } }, { units: 'meters' }));
  }
  const lengthMeters = segmentsMeters.reduce((a, b) => a + b, 0);
  const areaSquareMeters = geometry.type === 'Polygon' && ring.length >= 4 ? area({ type: 'Feature', properties: {}, geometry }) : geometry.type === 'Polygon' ? 0 : null;
  const plane = ring.map((p) => toGaussKruger(p));
  let planeLengthMeters = 0;
  for (let i = 1; i < plane.length; i++) planeLengthMeters += Math.hypot(plane[i][0] - plane[i - 1][0], plane[i][1] - plane[i - 1][1]);
  const planeAreaSquareMeters = geometry.type === 'Polygon' ? (ring.length >= 4 ? planeRingsArea(geometry.coordinates.map((r) => r.map((p) => toGaussKruger(p)))) : 0) : null;
  return { lengthMeters, areaSquareMeters, segmentsMeters, planeLengthMeters, planeAreaSquareMeters };
}
