/**
 * The coverage result on the map, in its own sources and style layers added on top of every other
 * layer: the measured area filled green (covered), the gaps over it in magenta, what-if facilities
 * in blue and suggested sites numbered in orange, each new facility with its service circle.
 */
import { circle } from '@turf/turf';
import type { Feature, FeatureCollection, Geometry, Polygon } from 'geojson';
import type { GeoJSONSource, Map as MapLibreMap } from 'maplibre-gl';
import { FONT_BOLD, isPoint, isPolygon } from '../layers/layer.ts';

export const AREA_SOURCE = 'xc-coverage-area';
export const GAP_SOURCE = 'xc-coverage-gaps';
export const WHATIF_SOURCE = 'xc-coverage-whatif';
export const SUGGESTION_SOURCE = 'xc-coverage-suggestions';
export const COVERED_GREEN = '#2e7d32';
export const GAP_MAGENTA = '#c2185b';
export const WHATIF_BLUE = '#1565c0';
/** The band of a new facility's reached streets (opaque: it stands for the area they cover). */
export const REACH_FILL = '#b3d4f5';
export const SUGGESTION_ORANGE = '#ef6c00';

const SOURCES = [AREA_SOURCE, GAP_SOURCE, WHATIF_SOURCE, SUGGESTION_SOURCE];
export const GAP_FILL_LAYER = 'xc-coverage-gap-fill';
export const SUGGESTION_POINT_LAYER = 'xc-coverage-suggestion-point';
export const WHATIF_POINT_LAYER = 'xc-coverage-whatif-point';
/** The streets a new facility reaches on a network, drawn as wide as their buffer (both sides) in metres at every zoom. */
export const WHATIF_REACH_LAYER = 'xc-coverage-whatif-reach';

/** Web Mercator ground metres per pixel at zoom 0 (MapLibre's 512-pixel world) on the equator. */
const METERS_PER_PIXEL_Z0 = (2 * Math.PI * 6_378_137) / 512;

/**
 * A line-width expression (pixels) that draws a line `meters` wide on the ground at latitude `lat` at
 * every zoom: the width doubles with each zoom level, as the map's scale does (exact between the stops).
 */
export function metersWide(meters: number, lat: number): ['interpolate', ['exponential', number], ['zoom'], number, number, number, number] {
  const z0 = meters / (METERS_PER_PIXEL_Z0 * Math.cos((lat * Math.PI) / 180));
  return ['interpolate', ['exponential', 2], ['zoom'], 0, z0, 24, z0 * 2 ** 24];
}

const empty = (): FeatureCollection => ({ type: 'FeatureCollection', features: [] });

/** A new facility on the map: where it is, its radius (m) and its label. */
export interface MarkedSite {
  geometry: Geometry;
  /** The point its circle is drawn around (a park's service area is drawn from its edge instead). */
  center: [number, number] | null;
  radiusMeters: number;
  label: string;
  id: string;
  /**
   * Its walking service area (network method), drawn in place of the circle: the reached streets (lines,
   * drawn as wide as the buffer, see showWhatIf) or an area; null: none known (no circle either).
   */
  serviceArea?: Geometry | null;
}

export class CoverageLayers {
  private added = false;

  constructor(private readonly map: MapLibreMap) {}

  /** The measured area (covered unless under a gap) and the gaps, each gap carrying `gapId` and `rank`. */
  showResult(area: Geometry | null, gaps: FeatureCollection<Polygon, { areaSquareMeters: number }>): void {
    this.ensure();
    this.set(AREA_SOURCE, area ? { type: 'FeatureCollection', features: [{ type: 'Feature', properties: {}, geometry: area }] } : empty());
    this.set(GAP_SOURCE, {
      type: 'FeatureCollection',
      features: gaps.features.map((g, i) => ({ type: 'Feature', properties: { ...g.properties, gapId: `gap-${i + 1}`, rank: i + 1 }, geometry: g.geometry })),
    });
  }

  /** Outlines one gap (null: none). */
  selectGap(gapId: string | null): void {
    if (!this.added) return;
    this.map.setFilter('xc-coverage-gap-selected', ['==', ['get', 'gapId'], gapId ?? '']);
  }

  /** New facilities; reached streets drawn `reach.bufferMeters` wide on each side (at latitude `reach.lat`). */
  showWhatIf(sites: MarkedSite[], reach?: { bufferMeters: number; lat: number }): void {
    this.ensure();
    if (reach) {
      const wide = metersWide(2 * reach.bufferMeters, reach.lat);
      this.map.setPaintProperty(WHATIF_REACH_LAYER, 'line-width', wide);
      this.map.setPaintProperty('xc-coverage-whatif-reach-outline', 'line-gap-width', wide);
    }
    this.set(WHATIF_SOURCE, siteFeatures(sites));
  }

  showSuggestions(sites: MarkedSite[]): void {
    this.ensure();
    this.set(SUGGESTION_SOURCE, siteFeatures(sites));
  }

  clear(): void {
    if (!this.added) return;
    for (const id of SOURCES) this.set(id, empty());
  }

  /** Removes the sources and layers (the tool closed). */
  remove(): void {
    if (!this.added) return;
    for (const id of LAYER_IDS) if (this.map.getLayer(id)) this.map.removeLayer(id);
    for (const id of SOURCES) if (this.map.getSource(id)) this.map.removeSource(id);
    this.added = false;
  }

  private set(id: string, data: FeatureCollection): void {
    (this.map.getSource(id) as GeoJSONSource | undefined)?.setData(data);
  }

  /** Adds the sources and layers on first use: last, so above everything the app drew before. */
  private ensure(): void {
    if (this.added) return;
    this.added = true;
    for (const id of SOURCES) this.map.addSource(id, { type: 'geojson', data: empty() });
    const circleLine = (source: string, color: string) => ({
      type: 'line' as const,
      source,
      filter: ['==', ['get', 'role'], 'circle'] as ['==', ['get', string], string],
      paint: { 'line-color': color, 'line-width': 1.6, 'line-dasharray': [2, 1.5] },
    });
    const label = (source: string, color: string) => ({
      type: 'symbol' as const,
      source,
      filter: isPoint,
      layout: { 'text-field': ['get', 'label'] as ['get', string], 'text-font': FONT_BOLD, 'text-size': 12, 'text-offset': [0, -1.5] as [number, number], 'text-allow-overlap': true },
      paint: { 'text-color': color, 'text-halo-color': '#ffffff', 'text-halo-width': 2 },
    });
    const layers = [
      { id: 'xc-coverage-area-fill', type: 'fill' as const, source: AREA_SOURCE, filter: isPolygon, paint: { 'fill-color': COVERED_GREEN, 'fill-opacity': 0.35 } },
      { id: 'xc-coverage-area-line', type: 'line' as const, source: AREA_SOURCE, filter: isPolygon, paint: { 'line-color': '#1b5e20', 'line-width': 1.6 } },
      { id: GAP_FILL_LAYER, type: 'fill' as const, source: GAP_SOURCE, paint: { 'fill-color': GAP_MAGENTA, 'fill-opacity': 0.5 } },
      { id: 'xc-coverage-gap-line', type: 'line' as const, source: GAP_SOURCE, paint: { 'line-color': '#880e4f', 'line-width': 1 } },
      {
        id: 'xc-coverage-gap-selected',
        type: 'line' as const,
        source: GAP_SOURCE,
        filter: ['==', ['get', 'gapId'], ''] as ['==', ['get', string], string],
        paint: { 'line-color': '#111111', 'line-width': 3 },
      },
      { id: 'xc-coverage-whatif-park', type: 'line' as const, source: WHATIF_SOURCE, filter: ['==', ['get', 'role'], 'site'] as ['==', ['get', string], string], paint: { 'line-color': WHATIF_BLUE, 'line-width': 3 } },
      // The reached streets: their outline (a thin line each side of a gap as wide as the buffer), then
      // the band itself, opaque (translucent lines would darken where they overlap) so it covers the
      // outlines inside the union — the outline of the whole service area stays — then the streets.
      {
        id: 'xc-coverage-whatif-reach-outline',
        type: 'line' as const,
        source: WHATIF_SOURCE,
        filter: ['==', ['get', 'role'], 'reach'] as ['==', ['get', string], string],
        layout: { 'line-cap': 'round' as const, 'line-join': 'round' as const },
        paint: { 'line-color': WHATIF_BLUE, 'line-width': 1.5, 'line-gap-width': metersWide(100, 40.8) },
      },
      {
        id: WHATIF_REACH_LAYER,
        type: 'line' as const,
        source: WHATIF_SOURCE,
        filter: ['==', ['get', 'role'], 'reach'] as ['==', ['get', string], string],
        layout: { 'line-cap': 'round' as const, 'line-join': 'round' as const },
        paint: { 'line-color': REACH_FILL, 'line-width': metersWide(100, 40.8) },
      },
      {
        id: 'xc-coverage-whatif-reach-street',
        type: 'line' as const,
        source: WHATIF_SOURCE,
        filter: ['==', ['get', 'role'], 'reach'] as ['==', ['get', string], string],
        layout: { 'line-cap': 'round' as const, 'line-join': 'round' as const },
        paint: { 'line-color': WHATIF_BLUE, 'line-width': 1.5 },
      },
      { id: 'xc-coverage-whatif-circle', ...circleLine(WHATIF_SOURCE, WHATIF_BLUE) },
      { id: 'xc-coverage-suggestion-circle', ...circleLine(SUGGESTION_SOURCE, SUGGESTION_ORANGE) },
      {
        id: WHATIF_POINT_LAYER,
        type: 'circle' as const,
        source: WHATIF_SOURCE,
        filter: isPoint,
        paint: { 'circle-radius': 6, 'circle-color': WHATIF_BLUE, 'circle-stroke-color': '#ffffff', 'circle-stroke-width': 2 },
      },
      {
        id: SUGGESTION_POINT_LAYER,
        type: 'circle' as const,
        source: SUGGESTION_SOURCE,
        filter: isPoint,
        paint: { 'circle-radius': 9, 'circle-color': SUGGESTION_ORANGE, 'circle-stroke-color': '#ffffff', 'circle-stroke-width': 2 },
      },
      {
        id: 'xc-coverage-suggestion-label',
        ...label(SUGGESTION_SOURCE, '#ffffff'),
        layout: { 'text-field': ['get', 'label'] as ['get', string], 'text-font': FONT_BOLD, 'text-size': 12, 'text-allow-overlap': true },
        paint: { 'text-color': '#ffffff' },
      },
      { id: 'xc-coverage-whatif-label', ...label(WHATIF_SOURCE, WHATIF_BLUE) },
    ];
    for (const l of layers) this.map.addLayer(l);
  }
}

const LAYER_IDS = [
  'xc-coverage-whatif-label',
  'xc-coverage-suggestion-label',
  SUGGESTION_POINT_LAYER,
  WHATIF_POINT_LAYER,
  'xc-coverage-suggestion-circle',
  'xc-coverage-whatif-circle',
  'xc-coverage-whatif-reach-street',
  WHATIF_REACH_LAYER,
  'xc-coverage-whatif-reach-outline',
  'xc-coverage-whatif-park',
  'xc-coverage-gap-selected',
  'xc-coverage-gap-line',
  GAP_FILL_LAYER,
  'xc-coverage-area-line',
  'xc-coverage-area-fill',
];

/** Each site as its point (or outline) with a label, and its service circle as a polygon. */
function siteFeatures(sites: MarkedSite[]): FeatureCollection {
  const features: Feature[] = [];
  for (const s of sites) {
    const props = { id: s.id, label: s.label };
    if (s.geometry.type === 'Point') features.push({ type: 'Feature', properties: props, geometry: s.geometry });
    else features.push({ type: 'Feature', properties: { ...props, role: 'site' }, geometry: s.geometry });
    if (s.serviceArea !== undefined) {
      const lines = s.serviceArea?.type === 'LineString' || s.serviceArea?.type === 'MultiLineString';
      if (s.serviceArea) features.push({ type: 'Feature', properties: { ...props, role: lines ? 'reach' : 'circle' }, geometry: s.serviceArea });
    } else if (s.center) {
      const c = circle(s.center, s.radiusMeters, { units: 'meters', steps: 64 });
      features.push({ type: 'Feature', properties: { ...props, role: 'circle' }, geometry: c.geometry });
    }
  }
  return { type: 'FeatureCollection', features };
}
