/**
 * What a zone card says about a support zone: its projects (from the `projects` layer, by
 * `zone_id`), the nearest named rail station, metro stations and parks within reach, and whether
 * the plan places it on the G6 expressway. Distances are geodesic, in meters.
 */
import { centroid, pointToPolygonDistance } from '@turf/turf';
import type { MultiPolygon, Point, Polygon } from 'geojson';
import type { ApiFeature } from '../api.ts';

/** How far "near" reaches, in meters: a short walk or drive from the zone's edge. */
export const NEAR_METERS = 1000;

export interface NearbyStation {
  feature: ApiFeature;
  /** 0 when the station lies inside the zone. */
  distanceMeters: number;
}

export interface ZoneProfile {
  zone: ApiFeature;
  /** Every project the import placed in this zone, in plan order (column, then number). */
  projects: ApiFeature[];
  railStation: NearbyStation | null;
  /** Metro stations inside the zone or within NEAR_METERS of it. */
  metroStations: number;
  /** Named parks inside the zone or within NEAR_METERS of it (nearest first), and how many parks in all. */
  namedParks: ApiFeature[];
  parks: number;
  /** The plan's text or the zone's reconstruction names the G6 expressway as its edge. */
  onG6: boolean;
}

type Area = Polygon | MultiPolygon;

function isArea(f: ApiFeature): f is ApiFeature & { geometry: Area } {
  return f.geometry?.type === 'Polygon' || f.geometry?.type === 'MultiPolygon';
}

/** Meters from a point to the zone's edge, 0 inside. */
function distanceToZoneMeters(point: Point, zone: Area): number {
  try {
    return Math.max(0, pointToPolygonDistance(point, zone, { units: 'meters' }));
  } catch {
    // A malformed ring in the data: treat the point as far away rather than break the card.
    return Infinity;
  }
}

/** OSM leaves many features unnamed; the import writes "Unnamed …" for them. */
function isNamed(f: ApiFeature): boolean {
  return Boolean(f.properties.name_zh) && !/^unnamed/i.test(String(f.properties.name_en ?? '')) && !/^未命名/.test(String(f.properties.name_zh));
}

function pointOf(f: ApiFeature): Point | null {
  if (!f.geometry) return null;
  if (f.geometry.type === 'Point') return f.geometry;
  try {
    return centroid(f.geometry).geometry;
  } catch {
    return null;
  }
}

/** The profile of every zone, from the loaded zones, projects, facilities and parks. */
export function zoneProfiles(zones: readonly ApiFeature[], projects: readonly ApiFeature[], facilities: readonly ApiFeature[], parks: readonly ApiFeature[]): ZoneProfile[] {
  const rail = facilities.filter((f) => f.properties.type === 'rail_station' && f.properties.osm_name && f.geometry?.type === 'Point');
  const metro = facilities.filter((f) => f.properties.type === 'metro_station' && f.geometry?.type === 'Point');
  const parkPoints = parks.map((f) => ({ f, p: pointOf(f) })).filter((x): x is { f: ApiFeature; p: Point } => x.p !== null);
  // The plan's order (第五章第一节) where the data gives it, else the API's.
  const ordered = [...zones].sort((a, b) => Number(a.properties.plan_order ?? 99) - Number(b.properties.plan_order ?? 99));
  return ordered.map((zone) => {
    const zoneProjects = projects
      .filter((p) => p.properties.zone_id === zone.id)
      .sort((a, b) => Number(a.properties.column) - Number(b.properties.column) || Number(a.properties.seq) - Number(b.properties.seq));
    if (!isArea(zone)) return { zone, projects: zoneProjects, railStation: null, metroStations: 0, namedParks: [], parks: 0, onG6: false };
    const geometry = zone.geometry;
    let railStation: NearbyStation | null = null;
    for (const f of rail) {
      const d = distanceToZoneMeters(f.geometry as Point, geometry);
      if (!railStation || d < railStation.distanceMeters) railStation = { feature: f, distanceMeters: d };
    }
    const metroStations = metro.filter((f) => distanceToZoneMeters(f.geometry as Point, geometry) <= NEAR_METERS).length;
    const near = parkPoints
      .map(({ f, p }) => ({ f, d: distanceToZoneMeters(p, geometry) }))
      .filter((x) => x.d <= NEAR_METERS)
      .sort((a, b) => a.d - b.d);
    const text = `${zone.properties.positioning_zh ?? ''} ${zone.properties.source ?? ''}`;
    return {
      zone,
      projects: zoneProjects,
      railStation,
      metroStations,
      namedParks: near.filter((x) => isNamed(x.f)).map((x) => x.f),
      parks: near.length,
      onG6: /\bG6\b/.test(text),
    };
  });
}
