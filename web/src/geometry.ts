/** Small geometry helpers for the map's camera, labels and popups (lon/lat, EPSG:4326). */
import { area, bbox, booleanPointInPolygon, centroid, pointOnFeature } from '@turf/turf';
import type { Geometry, Polygon } from 'geojson';

export type Bounds = [number, number, number, number];

/** The bounding box of a geometry as [west, south, east, north] in degrees. */
export function geometryBounds(geometry: Geometry): Bounds {
  return bbox(geometry) as Bounds;
}

/** The largest part of a (multi)polygon, by geodesic area in square meters. */
function largestPolygon(geometry: Geometry): Polygon | null {
  if (geometry.type === 'Polygon') return geometry;
  if (geometry.type !== 'MultiPolygon') return null;
  let best: Polygon | null = null;
  let bestSquareMeters = -1;
  for (const coordinates of geometry.coordinates) {
    const part: Polygon = { type: 'Polygon', coordinates };
    const squareMeters = area(part);
    if (squareMeters > bestSquareMeters) [best, bestSquareMeters] = [part, squareMeters];
  }
  return best;
}

/**
 * A point on the feature where its label or popup belongs: a point as it is; for a polygon the
 * centroid of its largest part when that lies inside, else a point surely inside.
 */
export function anchorPoint(geometry: Geometry): [number, number] {
  if (geometry.type === 'Point') return geometry.coordinates as [number, number];
  const polygon = largestPolygon(geometry);
  if (polygon) {
    const c = centroid(polygon).geometry.coordinates as [number, number];
    if (booleanPointInPolygon(c, polygon)) return c;
    return pointOnFeature(polygon).geometry.coordinates as [number, number];
  }
  return pointOnFeature({ type: 'Feature', properties: {}, geometry }).geometry.coordinates as [number, number];
}
