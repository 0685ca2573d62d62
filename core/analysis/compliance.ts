/**
 * Compliance review in the browser (Turf): instant feedback while a site is drawn. The server
 * (PostGIS) is authoritative; tests hold the two within 1 % of each other.
 */
import { area, bbox, booleanIntersects, booleanPointInPolygon, coordAll, featureCollection, intersect, pointToPolygonDistance } from '@turf/turf';
import type { Feature, FeatureCollection, MultiPolygon, Polygon } from 'geojson';
import type { SiteGeometry } from '../geometry/site-input.ts';

export type AreaFeature = Feature<Polygon | MultiPolygon, { name_zh?: string; name_en?: string; kind?: string; quality?: string }>;

export interface ZoneShare {
  id: string;
  name: string;
  share: number;
}

export interface Conflict {
  collection: string;
  id: string;
  name: string;
  kind: string | null;
  overlapSquareMeters: number;
  overlapShare: number;
}

export interface ComplianceResult {
  site: { areaSquareMeters: number };
  zones: ZoneShare[];
  conflicts: Conflict[];
  nearest: { collection: string; id: string; distanceMeters: number } | null;
}

export interface ControlLayer {
  collection: string;
  features: AreaFeature[];
}

type Box = [number, number, number, number];
const boxesMeet = (a: Box, b: Box) => a[0] <= b[2] && b[0] <= a[2] && a[1] <= b[3] && b[1] <= a[3];

/** Overlap area in square metres (Turf's spherical area) of a polygonal site with a polygon. */
function overlapSquareMeters(site: Feature<Polygon | MultiPolygon>, other: AreaFeature): number {
  const x = intersect(featureCollection([site, other]));
  return x ? area(x) : 0;
}

/**
 * Checks a site (EPSG:4326) against control layers and zones: site area (m²), zone shares, overlap
 * area (m²) and share of the site per control feature, nearest control feature (m; 0 when touching).
 */
export function checkCompliance(site: SiteGeometry, controls: ControlLayer[], zones: AreaFeature[]): ComplianceResult {
  const siteFeature = { type: 'Feature', properties: {}, geometry: site } as Feature<SiteGeometry>;
  const siteBox = bbox(siteFeature) as Box;
  const isPoint = site.type === 'Point';
  const siteArea = isPoint ? 0 : area(siteFeature);
  const polygonal = siteFeature as Feature<Polygon | MultiPolygon>;
  const round = (v: number, d: number) => Math.round(v * 10 ** d) / 10 ** d;

  const shareOf = (f: AreaFeature): { m2: number; share: number } => {
    if (!boxesMeet(siteBox, bbox(f) as Box)) return { m2: 0, share: 0 };
    if (isPoint) return booleanPointInPolygon(site.coordinates, f) ? { m2: 0, share: 1 } : { m2: 0, share: 0 };
    const m2 = overlapSquareMeters(polygonal, f);
    return { m2, share: siteArea > 0 ? m2 / siteArea : 0 };
  };

  const zoneShares = zones
    .map((z) => ({ id: String(z.id), name: z.properties.name_zh ?? String(z.id), share: round(shareOf(z).share, 4) }))
    .filter((z) => z.share > 0)
    .sort((a, b) => b.share - a.share || a.id.localeCompare(b.id));

  const conflicts: Conflict[] = [];
  let nearest: ComplianceResult['nearest'] = null;
  for (const layer of controls) {
    for (const f of layer.features) {
      const s = shareOf(f);
      if (s.share > 0) {
        conflicts.push({
          collection: layer.collection,
          id: String(f.id),
          name: f.properties.name_zh ?? String(f.id),
          kind: f.properties.kind ?? null,
          overlapSquareMeters: round(s.m2, 1),
          overlapShare: round(s.share, 4),
        });
      }
      const d = s.share > 0 ? 0 : distanceMeters(site, f);
      if (!nearest || d < nearest.distanceMeters) nearest = { collection: layer.collection, id: String(f.id), distanceMeters: round(d, 1) };
    }
  }
  conflicts.sort((a, b) => b.overlapSquareMeters - a.overlapSquareMeters || a.id.localeCompare(b.id));
  return { site: { areaSquareMeters: round(siteArea, 1) }, zones: zoneShares, conflicts, nearest };
}

/** Distance in metres from a site to a polygon: 0 when they meet, else the least vertex distance. */
function distanceMeters(site: SiteGeometry, f: AreaFeature): number {
  if (booleanIntersects({ type: 'Feature', properties: {}, geometry: site } as Feature, f)) return 0;
  const vertices = coordAll(site);
  let best = Infinity;
  for (const v of vertices) best = Math.min(best, pointToPolygonDistance(v, f, { units: 'meters' }));
  return Math.max(0, best);
}

/** Wraps features as a FeatureCollection (for callers holding arrays). */
export function asCollection(features: AreaFeature[]): FeatureCollection<Polygon | MultiPolygon> {
  return featureCollection(features);
}
