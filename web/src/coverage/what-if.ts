/**
 * What-if facilities of the coverage tool: new points clicked on the map or accepted from the
 * suggestions, and planned parks counted as built. The browser applies them at once with the core's
 * `updateCoverage` (Turf); the server gets them as `extraFacilities` points.
 */
import { along, length, lineString } from '@turf/turf';
import type { Feature, MultiPolygon, Point, Polygon, Position } from 'geojson';
import { updateCoverage, type AreaFeature, type CoverageResult } from '../../../core/analysis/coverage.ts';
import type { CoverageResponse } from './types.ts';

/** Spacing (m) of the points that stand in for a planned park's edge on the server. */
export const OUTLINE_SPACING_METERS = 25;

export type WhatIfItem =
  | { kind: 'point'; id: string; lonLat: [number, number] }
  | { kind: 'planned-park'; id: string; parkId: string; geometry: Polygon | MultiPolygon; anchor: [number, number] };

/** A server answer as the core's CoverageResult, the base the instant estimate builds on. */
export function resultFromResponse(r: CoverageResponse): CoverageResult {
  return {
    areaSquareMeters: r.areaSquareMeters,
    coveredSquareMeters: r.coveredSquareMeters,
    coverageShare: r.coverageShare,
    gaps: r.gaps,
    byZone: r.byZone,
    facilityCount: {
      matched: r.facilities.matched,
      withoutGeometry: r.facilities.withoutGeometry,
      notExisting: r.facilities.notExisting,
      belowTiers: r.facilities.belowTiers,
      counted: r.facilities.counted,
    },
    gainsSquareMeters: r.extraFacilities.map((e) => e.gainSquareMeters),
  };
}

/**
 * The instant estimate: `items` added to `previous` at `radiusMeters` each (a park from its edge), or
 * with their given service areas (the network method's reached streets, buffered).
 */
export function applyWhatIf(
  previous: CoverageResult,
  items: WhatIfItem[],
  radiusMeters: number,
  zones: AreaFeature[],
  serviceAreas?: (Feature<Polygon | MultiPolygon> | null)[],
): CoverageResult {
  return updateCoverage(
    previous,
    items.map((it, i) => ({
      geometry: it.kind === 'point' ? ({ type: 'Point', coordinates: it.lonLat } as Point) : it.geometry,
      radiusMeters,
      ...(serviceAreas ? { serviceArea: serviceAreas[i] ?? null } : {}),
    })),
    zones,
  );
}

/**
 * Points every `spacingMeters` along the outer rings of a polygon, plus `anchor`: the API takes
 * points only, and the union of their circles equals the park's buffer to within a few centimetres
 * (a 25 m chord under a 500 m radius falls short by 0.16 m).
 */
export function outlinePoints(geometry: Polygon | MultiPolygon, anchor: [number, number], spacingMeters = OUTLINE_SPACING_METERS): [number, number][] {
  const rings: Position[][] = geometry.type === 'Polygon' ? [geometry.coordinates[0]] : geometry.coordinates.map((p) => p[0]);
  const points: [number, number][] = [anchor];
  for (const ring of rings) {
    const line = lineString(ring);
    const km = length(line, { units: 'kilometers' });
    const n = Math.max(3, Math.ceil((km * 1000) / spacingMeters));
    for (let i = 0; i < n; i++) points.push(along(line, (km * i) / n, { units: 'kilometers' }).geometry.coordinates as [number, number]);
  }
  return points;
}

/** The items as the server's `extraFacilities`, and which of those points belong to which item. */
export function serverExtras(items: WhatIfItem[]): { points: Point[]; ranges: [number, number][] } {
  const points: Point[] = [];
  const ranges: [number, number][] = [];
  for (const it of items) {
    const start = points.length;
    const coords = it.kind === 'point' ? [it.lonLat] : outlinePoints(it.geometry, it.anchor);
    for (const c of coords) points.push({ type: 'Point', coordinates: [round7(c[0]), round7(c[1])] });
    ranges.push([start, points.length]);
  }
  return { points, ranges };
}

/** What each item adds (m²) by the server's figures: the sum over its points. */
export function serverGains(response: CoverageResponse, ranges: [number, number][]): number[] {
  return ranges.map(([a, b]) => response.extraFacilities.slice(a, b).reduce((s, e) => s + (e.gainSquareMeters ?? 0), 0));
}

/** Seven decimals of a degree (~1 cm): enough, and keeps request bodies small. */
const round7 = (v: number) => Math.round(v * 1e7) / 1e7;
