/**
 * Service-radius coverage in the browser (Turf): instant what-if while a planner adds facilities.
 * The server (PostGIS, EPSG:4546 buffers) is authoritative; tests hold the two shares within one
 * percentage point. Pure: no DOM, no database, no Node APIs.
 */
import { area, bbox, buffer, difference, featureCollection, intersect, union } from '@turf/turf';
import type { Feature, FeatureCollection, Geometry, MultiPolygon, Point, Polygon, Position } from 'geojson';
import type { FacilityFilter, RadiusTier } from '../presets.ts';
import { tierRadiusMeters } from '../presets.ts';
import { MIN_GAP_SQUARE_METERS } from './coverage-rules.ts';

/** A facility as the collections API serves it (geometry may be null when the position is unknown). */
export type FacilityFeature = Feature<Geometry | null, Record<string, unknown> | null>;
export type AreaFeature = Feature<Polygon | MultiPolygon, Record<string, unknown> | null>;
/** A gap polygon's properties: its area and the support zone it lies in (null: outside every zone). */
export interface GapProperties {
  areaSquareMeters: number;
  zoneId?: string | null;
  zoneName?: string | null;
  zoneNameEn?: string | null;
}
export type GapFeature = Feature<Polygon, GapProperties>;

/** Every facility at one radius (m), or the size tiers of a preset. */
export type RadiusRule = { radiusMeters: number } | { tiers: readonly RadiusTier[] };

export interface FacilitySelection {
  /** Equality filter on properties; an array means "any of". */
  filter?: FacilityFilter;
  /** Count planned and under-construction facilities too (default: existing only). */
  includePlanned?: boolean;
}

export interface ZoneCoverage {
  id: string;
  name: string;
  nameEn: string | null;
  areaSquareMeters: number;
  coveredSquareMeters: number;
  coverageShare: number;
}

/** Coverage figures: areas in square metres, share 0–1, gaps largest first. */
export interface CoverageFigures {
  areaSquareMeters: number;
  coveredSquareMeters: number;
  coverageShare: number;
  gaps: FeatureCollection<Polygon, GapProperties>;
  byZone: ZoneCoverage[];
}

export interface FacilityCount {
  /** Facilities after the property filter. */
  matched: number;
  withoutGeometry: number;
  notExisting: number;
  /** Too small for every size tier (e.g. parks under 0.2 ha). */
  belowTiers: number;
  /** Facilities that count (existing or included planned, with a geometry and a radius). */
  counted: number;
}

export interface CoverageResult extends CoverageFigures {
  facilityCount: FacilityCount;
  /** Marginal gain (m²) of each what-if addition, in the order added. */
  gainsSquareMeters: number[];
}

export interface Addition {
  geometry: Point | Polygon | MultiPolygon;
  radiusMeters: number;
  /** Its service area when it is not the buffer of `geometry` by the radius (the network method's reached streets, buffered). */
  serviceArea?: Feature<Polygon | MultiPolygon> | null;
}

export interface CoverageInput extends FacilitySelection {
  facilities: FacilityFeature[];
  rule: RadiusRule;
  area: AreaFeature;
  /** Support zones for the per-zone figures. */
  zones?: AreaFeature[];
  /** What-if facilities, each with its radius. */
  additions?: Addition[];
}

/** Segments per quarter circle, as on the server (64-gon circles). */
const STEPS = 16;
const round = (v: number, d: number) => Math.round(v * 10 ** d) / 10 ** d;
type Box = [number, number, number, number];
const boxesMeet = (a: Box, b: Box) => a[0] <= b[2] && b[0] <= a[2] && a[1] <= b[3] && b[1] <= a[3];
const METERS_PER_DEGREE = 111_320;
/** A lon/lat box grown by `meters` on every side (generously: 1 % more). */
function grow(b: Box, meters: number): Box {
  const dLat = (meters / METERS_PER_DEGREE) * 1.01;
  const dLon = dLat / Math.max(0.01, Math.cos((Math.max(Math.abs(b[1]), Math.abs(b[3])) * Math.PI) / 180));
  return [b[0] - dLon, b[1] - dLat, b[2] + dLon, b[3] + dLat];
}

/** Size of a facility in square metres: the imported `area_square_meters`, else Turf's area of a polygon, else 0. */
export function facilityAreaSquareMeters(f: FacilityFeature): number {
  const stored = f.properties?.area_square_meters;
  if (typeof stored === 'number' && Number.isFinite(stored)) return stored;
  const t = f.geometry?.type;
  return t === 'Polygon' || t === 'MultiPolygon' ? area(f as Feature<Polygon | MultiPolygon>) : 0;
}

/** The radius in metres a facility counts at under `rule`, or null when it is below every tier. */
export function facilityRadiusMeters(f: FacilityFeature, rule: RadiusRule): number | null {
  if ('radiusMeters' in rule) return rule.radiusMeters;
  return tierRadiusMeters(rule.tiers, facilityAreaSquareMeters(f));
}

/** Whether a facility passes the filter (property text equal to the value or one of the values). */
export function matchesFilter(f: FacilityFeature, filter: FacilityFilter = {}): boolean {
  for (const [key, want] of Object.entries(filter)) {
    const v = f.properties?.[key];
    if (v === null || v === undefined || typeof v === 'object') return false;
    const wanted = (Array.isArray(want) ? want : [want]).map(String);
    if (!wanted.includes(String(v))) return false;
  }
  return true;
}

/** The facilities that count under `rule` and `selection`, with their radius (m), and the counts. */
export function selectFacilities(
  facilities: FacilityFeature[],
  rule: RadiusRule,
  selection: FacilitySelection = {},
): { counted: { feature: FacilityFeature; radiusMeters: number }[]; count: FacilityCount } {
  const count: FacilityCount = { matched: 0, withoutGeometry: 0, notExisting: 0, belowTiers: 0, counted: 0 };
  const counted: { feature: FacilityFeature; radiusMeters: number }[] = [];
  for (const f of facilities) {
    if (!matchesFilter(f, selection.filter)) continue;
    count.matched++;
    const status = typeof f.properties?.status === 'string' ? f.properties.status : 'existing';
    if (status !== 'existing') count.notExisting++;
    if (!f.geometry) {
      count.withoutGeometry++;
      continue;
    }
    const r = facilityRadiusMeters(f, rule);
    if (r === null) {
      count.belowTiers++;
      continue;
    }
    if (status !== 'existing' && !selection.includePlanned) continue;
    counted.push({ feature: f, radiusMeters: r });
  }
  count.counted = counted.length;
  return { counted, count };
}

/** The service area of a facility: its geometry buffered by `radiusMeters` (from a polygon's edge, a point's position). */
export function serviceArea(geometry: Geometry, radiusMeters: number): Feature<Polygon | MultiPolygon> | null {
  const b = buffer({ type: 'Feature', properties: {}, geometry } as Feature, radiusMeters, { units: 'meters', steps: STEPS });
  return (b as Feature<Polygon | MultiPolygon> | undefined) ?? null;
}

/** Union of polygons (one polyclip sweep: faster here than pairwise unions in a tree). */
export function unionAll(polys: Feature<Polygon | MultiPolygon>[]): Feature<Polygon | MultiPolygon> | null {
  if (polys.length === 0) return null;
  if (polys.length === 1) return polys[0];
  return union(featureCollection(polys));
}

const polygonsOf = (g: Feature<Polygon | MultiPolygon> | null): Position[][][] =>
  !g ? [] : g.geometry.type === 'Polygon' ? [g.geometry.coordinates] : g.geometry.coordinates;

type ZoneTag = { zoneId: string | null; zoneName: string | null; zoneNameEn: string | null };
const NO_ZONE: ZoneTag = { zoneId: null, zoneName: null, zoneNameEn: null };
type Piece = Feature<Polygon, ZoneTag>;

const asPolygon = (coordinates: Position[][], tag: ZoneTag = NO_ZONE): Piece => ({ type: 'Feature', properties: { ...tag }, geometry: { type: 'Polygon', coordinates } });

const tagOf = (z: AreaFeature): ZoneTag => ({
  zoneId: String(z.id),
  zoneName: String(z.properties?.name_zh ?? z.id),
  zoneNameEn: typeof z.properties?.name_en === 'string' ? z.properties.name_en : null,
});

/**
 * Splits gap polygons by support zone, as the server does: each zone's part (less the zones of
 * smaller id, which it may overlap slightly) and the part outside every zone, as single polygons.
 */
export function splitGapsByZone(gaps: Feature<Polygon | MultiPolygon> | null, zones: AreaFeature[] = []): Piece[] {
  if (!gaps) return [];
  const sorted = [...zones].filter((z) => z.geometry).sort((a, b) => (String(a.id) < String(b.id) ? -1 : String(a.id) > String(b.id) ? 1 : 0));
  const gapBox = bbox(gaps) as Box;
  const meeting = sorted.filter((z) => boxesMeet(bbox(z) as Box, gapBox));
  if (!meeting.length) return polygonsOf(gaps).map((c) => asPolygon(c));
  const pieces: Piece[] = [];
  meeting.forEach((z, i) => {
    let part: Feature<Polygon | MultiPolygon> | null = intersect(featureCollection([gaps, z]));
    if (part && i > 0) part = difference(featureCollection([part, ...meeting.slice(0, i)]));
    pieces.push(...polygonsOf(part).map((c) => asPolygon(c, tagOf(z))));
  });
  const outside = difference(featureCollection([gaps, ...meeting]));
  pieces.push(...polygonsOf(outside).map((c) => asPolygon(c)));
  return pieces;
}

/** Gap polygons (≥ MIN_GAP_SQUARE_METERS) with their area and zone, largest first, ids gap-1…n. */
function gapCollection(polys: Piece[]): FeatureCollection<Polygon, GapProperties> {
  const list = polys
    .map((p) => ({ p, m2: area(p), b: bbox(p) }))
    .filter((g) => g.m2 >= MIN_GAP_SQUARE_METERS)
    .sort((a, b) => b.m2 - a.m2 || a.b[0] - b.b[0] || a.b[1] - b.b[1]);
  return {
    type: 'FeatureCollection',
    features: list.map((g, i) => ({
      type: 'Feature',
      id: `gap-${i + 1}`,
      properties: { areaSquareMeters: round(g.m2, 1), ...(g.p.properties ?? NO_ZONE) },
      geometry: g.p.geometry,
    })),
  };
}

const intersectOrNull = (a: Feature<Polygon | MultiPolygon>, b: Feature<Polygon | MultiPolygon> | null) => (b ? intersect(featureCollection([a, b])) : null);

/**
 * Coverage of `area` by the facilities' service areas (see RadiusRule), in square metres (Turf's
 * spherical area) and as a share; with what-if additions applied after the facilities.
 */
export function computeCoverage(input: CoverageInput): CoverageResult {
  const { counted, count } = selectFacilities(input.facilities, input.rule, input);
  const areaBox = bbox(input.area) as Box;
  const areaM2 = area(input.area);
  const buffers: Feature<Polygon | MultiPolygon>[] = [];
  for (const c of counted) {
    // Buffering is the costly step: skip facilities whose box, grown by the radius, misses the area's box.
    if (!boxesMeet(grow(bbox(c.feature as Feature) as Box, c.radiusMeters), areaBox)) continue;
    const b = serviceArea(c.feature.geometry as Geometry, c.radiusMeters);
    if (b) buffers.push(b);
  }
  const cover = unionAll(buffers);
  const covered = intersectOrNull(input.area, cover);
  const gaps = cover ? difference(featureCollection([input.area, cover])) : input.area;
  const byZone: ZoneCoverage[] = [];
  for (const z of input.zones ?? []) {
    if (!boxesMeet(bbox(z) as Box, areaBox)) continue;
    const part = intersect(featureCollection([z, input.area]));
    const zoneM2 = part ? area(part) : 0;
    // Zones that only share a boundary with the area leave slivers: under 0.05 % of the area they are left out.
    if (!part || zoneM2 < Math.max(1, 0.0005 * areaM2)) continue;
    const zc = covered ? intersect(featureCollection([part, covered])) : null;
    const zcM2 = zc ? area(zc) : 0;
    byZone.push({
      id: String(z.id),
      name: String(z.properties?.name_zh ?? z.id),
      nameEn: typeof z.properties?.name_en === 'string' ? z.properties.name_en : null,
      areaSquareMeters: round(zoneM2, 1),
      coveredSquareMeters: round(zcM2, 1),
      coverageShare: round(zcM2 / zoneM2, 4),
    });
  }
  byZone.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const coveredM2 = covered ? area(covered) : 0;
  const base: CoverageResult = {
    areaSquareMeters: round(areaM2, 1),
    coveredSquareMeters: round(coveredM2, 1),
    coverageShare: areaM2 > 0 ? round(coveredM2 / areaM2, 4) : 0,
    gaps: gapCollection(splitGapsByZone(gaps, input.zones)),
    byZone,
    facilityCount: count,
    gainsSquareMeters: [],
  };
  return input.additions?.length ? updateCoverage(base, input.additions, input.zones) : base;
}

/**
 * Adds what-if facilities to a coverage result without recomputing the rest: each addition's
 * service area is cut out of the gaps it meets; returns the new figures and each addition's gain (m²).
 */
export function updateCoverage(previous: CoverageResult, additions: Addition[], zones: AreaFeature[] = []): CoverageResult {
  let gaps: Piece[] = previous.gaps.features.map((g) =>
    asPolygon(g.geometry.coordinates, { zoneId: g.properties.zoneId ?? null, zoneName: g.properties.zoneName ?? null, zoneNameEn: g.properties.zoneNameEn ?? null }),
  );
  let coveredM2 = previous.coveredSquareMeters;
  const zoneCovered = new Map(previous.byZone.map((z) => [z.id, z.coveredSquareMeters]));
  const zoneById = new Map(zones.map((z) => [String(z.id), z]));
  const gains: number[] = [];
  for (const add of additions) {
    const sa = add.serviceArea !== undefined ? add.serviceArea : serviceArea(add.geometry, add.radiusMeters);
    if (!sa) {
      gains.push(0);
      continue;
    }
    const saBox = bbox(sa) as Box;
    let gain = 0;
    const next: Piece[] = [];
    for (const g of gaps) {
      if (!boxesMeet(bbox(g) as Box, saBox)) {
        next.push(g);
        continue;
      }
      const taken = intersect(featureCollection([g, sa]));
      if (!taken) {
        next.push(g);
        continue;
      }
      const takenM2 = area(taken);
      gain += takenM2;
      for (const z of previous.byZone) {
        const zf = zoneById.get(z.id);
        const part = zf ? intersect(featureCollection([taken, zf])) : null;
        if (part) zoneCovered.set(z.id, (zoneCovered.get(z.id) ?? 0) + area(part));
      }
      next.push(...polygonsOf(difference(featureCollection([g, sa]))).map((c) => asPolygon(c, g.properties)));
    }
    gaps = next;
    coveredM2 += gain;
    gains.push(round(gain, 1));
  }
  const areaM2 = previous.areaSquareMeters;
  return {
    ...previous,
    coveredSquareMeters: round(coveredM2, 1),
    coverageShare: areaM2 > 0 ? round(Math.min(1, coveredM2 / areaM2), 4) : 0,
    gaps: gapCollection(gaps),
    byZone: previous.byZone.map((z) => {
      const c = Math.min(z.areaSquareMeters, zoneCovered.get(z.id) ?? z.coveredSquareMeters);
      return { ...z, coveredSquareMeters: round(c, 1), coverageShare: round(c / z.areaSquareMeters, 4) };
    }),
    gainsSquareMeters: [...previous.gainsSquareMeters, ...gains],
  };
}

/** A position in a planar CRS, metres (e.g. EPSG:4546 easting/northing). */
export interface PlanarPoint {
  x: number;
  y: number;
}

/** How greedyMaximalCoverage ranks sites of equal gain, in words (the API's method text and the panel). */
export const SUGGEST_TIE_BREAK = {
  en: 'Sites of equal gain (in a large gap every site adds a full circle) are ranked by the uncovered area within twice the radius, least first: a site at the edge of a gap closes it from the outside in and leaves the rest in one piece for the next site, where a site in the middle would leave slivers no later circle fills. Then from west to east and south to north (positions in whole metres), so the same request gives the same sites.',
  zh: '新增覆盖相同的选址（大片盲区中每个选址都新增一个完整的圆）按两倍半径范围内的未覆盖面积排序，少者在前：位于盲区边缘的选址从外向内填补盲区，剩余盲区保持完整、便于后续选址；位于盲区中部的选址会留下后续无法填满的碎片。再按自西向东、自南向北（位置取整到米）排序，因此同一请求总是得到相同的选址。',
} as const;

/**
 * Greedy maximal coverage: picks up to `count` candidate sites, each the one whose `radiusMeters`
 * circle holds the most not-yet-covered demand samples (each worth `sampleSquareMeters`), planar
 * metres. Ties (see SUGGEST_TIE_BREAK) go to the candidate with the fewest uncovered samples within two
 * radii (`nearbyGapSquareMeters`: at a gap's edge), then to the western-, then southernmost one (whole metres), so the
 * result does not depend on the order of the candidates. Stops early when no candidate adds anything.
 * Returns candidate indices with estimated gains (m²).
 */
export function greedyMaximalCoverage(
  demand: PlanarPoint[],
  sampleSquareMeters: number,
  candidates: PlanarPoint[],
  radiusMeters: number,
  count: number,
): { index: number; gainSquareMeters: number; nearbyGapSquareMeters: number }[] {
  if (!(radiusMeters > 0) || !Number.isInteger(count) || count < 1) throw new Error('greedyMaximalCoverage: radiusMeters > 0 and an integer count ≥ 1 are required');
  // Bucket the demand in cells one radius wide: a circle meets at most 3 × 3 cells (5 × 5 at two radii).
  const cell = radiusMeters;
  const buckets = new Map<string, number[]>();
  demand.forEach((d, i) => {
    const key = `${Math.floor(d.x / cell)},${Math.floor(d.y / cell)}`;
    const list = buckets.get(key);
    if (list) list.push(i);
    else buckets.set(key, [i]);
  });
  const covered = new Uint8Array(demand.length);
  const within = (c: PlanarPoint, r: number, visit: (i: number) => void) => {
    const reach = Math.ceil(r / cell);
    const r2 = r * r;
    const cx = Math.floor(c.x / cell);
    const cy = Math.floor(c.y / cell);
    for (let dx = -reach; dx <= reach; dx++) {
      for (let dy = -reach; dy <= reach; dy++) {
        const list = buckets.get(`${cx + dx},${cy + dy}`);
        if (!list) continue;
        for (const i of list) {
          const ex = demand[i].x - c.x;
          const ey = demand[i].y - c.y;
          if (ex * ex + ey * ey <= r2) visit(i);
        }
      }
    }
  };
  const uncoveredWithin = (c: PlanarPoint, r: number) => {
    let n = 0;
    within(c, r, (i) => {
      if (!covered[i]) n++;
    });
    return n;
  };
  const gainOf = (c: PlanarPoint) => uncoveredWithin(c, radiusMeters);
  const gains = candidates.map(gainOf);
  const rounded = candidates.map((c) => ({ x: Math.round(c.x), y: Math.round(c.y) }));
  const picks: { index: number; gainSquareMeters: number; nearbyGapSquareMeters: number }[] = [];
  for (let k = 0; k < count; k++) {
    let max = 0;
    for (const g of gains) if (g > max) max = g;
    if (max <= 0) break;
    // Among the candidates of the largest gain: least uncovered nearby (the gap's edge), then west, then south.
    let best = -1;
    let bestNearby = -1;
    for (let j = 0; j < gains.length; j++) {
      if (gains[j] !== max) continue;
      const nearby = uncoveredWithin(candidates[j], 2 * radiusMeters);
      const better =
        best < 0 ||
        nearby < bestNearby ||
        (nearby === bestNearby && (rounded[j].x < rounded[best].x || (rounded[j].x === rounded[best].x && rounded[j].y < rounded[best].y)));
      if (better) {
        best = j;
        bestNearby = nearby;
      }
    }
    picks.push({ index: best, gainSquareMeters: gains[best] * sampleSquareMeters, nearbyGapSquareMeters: bestNearby * sampleSquareMeters });
    const chosen = candidates[best];
    within(chosen, radiusMeters, (i) => {
      covered[i] = 1;
    });
    // Only candidates within two radii share demand with the chosen one.
    const reach2 = 4 * radiusMeters * radiusMeters;
    candidates.forEach((c, j) => {
      const dx = c.x - chosen.x;
      const dy = c.y - chosen.y;
      if (dx * dx + dy * dy <= reach2) gains[j] = gainOf(c);
    });
  }
  return picks;
}
