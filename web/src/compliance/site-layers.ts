/**
 * The checked site (blue outline) and its overlaps with control areas (red fill) on the map, in
 * their own sources and style layers, added on top of every other layer.
 */
import type { GeoJSONSource, Map as MapLibreMap } from 'maplibre-gl';
import type { Feature, FeatureCollection, Geometry } from 'geojson';
import { isPoint, isPolygon } from '../layers/layer.ts';

export const SITE_SOURCE = 'xc-compliance-site';
export const OVERLAP_SOURCE = 'xc-compliance-overlaps';
/** Where a pasted ring crosses itself: the crossing points and the crossing segments. */
export const CROSS_SOURCE = 'xc-compliance-selfcross';
export const CROSS_RED = '#d50000';
export const SITE_BLUE = '#1565c0';
export const OVERLAP_RED = '#e53935';

const empty = (): FeatureCollection => ({ type: 'FeatureCollection', features: [] });

export class SiteLayers {
  private added = false;

  constructor(private readonly map: MapLibreMap) {}

  /** Shows `site` (EPSG:4326) and the overlap polygons; either may be null (nothing shown). */
  show(site: Geometry | null, overlaps: FeatureCollection | null): void {
    this.ensure();
    const siteFc: FeatureCollection = site ? { type: 'FeatureCollection', features: [{ type: 'Feature', properties: {}, geometry: site } as Feature] } : empty();
    (this.map.getSource(SITE_SOURCE) as GeoJSONSource).setData(siteFc);
    (this.map.getSource(OVERLAP_SOURCE) as GeoJSONSource).setData(overlaps ?? empty());
  }

  clear(): void {
    if (this.added) this.show(null, null);
  }

  /** Marks the crossings of a self-intersecting ring (points and segments, EPSG:4326), or clears them. */
  showCrossings(marks: FeatureCollection | null): void {
    if (!marks && !this.map.getSource(CROSS_SOURCE)) return;
    if (!this.map.getSource(CROSS_SOURCE)) {
      this.map.addSource(CROSS_SOURCE, { type: 'geojson', data: empty() });
      this.map.addLayer({ id: 'xc-compliance-selfcross-ring', type: 'line', source: CROSS_SOURCE, filter: ['==', ['get', 'kind'], 'ring'], paint: { 'line-color': SITE_BLUE, 'line-width': 2 } });
      this.map.addLayer({ id: 'xc-compliance-selfcross-line', type: 'line', source: CROSS_SOURCE, filter: ['==', ['get', 'kind'], 'segment'], paint: { 'line-color': CROSS_RED, 'line-width': 4, 'line-dasharray': [2, 1] } });
      this.map.addLayer({
        id: 'xc-compliance-selfcross-point',
        type: 'circle',
        source: CROSS_SOURCE,
        filter: ['==', ['geometry-type'], 'Point'],
        paint: { 'circle-radius': 9, 'circle-color': 'rgba(213, 0, 0, 0.25)', 'circle-stroke-color': CROSS_RED, 'circle-stroke-width': 3 },
      });
    }
    (this.map.getSource(CROSS_SOURCE) as GeoJSONSource).setData(marks ?? empty());
  }

  /** Removes the sources and layers (the panel is gone). */
  remove(): void {
    if (!this.added) return;
    for (const id of ['xc-compliance-selfcross-ring', 'xc-compliance-selfcross-line', 'xc-compliance-selfcross-point']) if (this.map.getLayer(id)) this.map.removeLayer(id);
    if (this.map.getSource(CROSS_SOURCE)) this.map.removeSource(CROSS_SOURCE);
    for (const id of ['xc-compliance-overlap-fill', 'xc-compliance-overlap-line', 'xc-compliance-site-fill', 'xc-compliance-site-line', 'xc-compliance-site-point']) {
      if (this.map.getLayer(id)) this.map.removeLayer(id);
    }
    for (const id of [SITE_SOURCE, OVERLAP_SOURCE]) if (this.map.getSource(id)) this.map.removeSource(id);
    this.added = false;
  }

  /** Adds the sources and layers on first use: last, so above everything the app drew before. */
  private ensure(): void {
    if (this.added) return;
    this.added = true;
    this.map.addSource(SITE_SOURCE, { type: 'geojson', data: empty() });
    this.map.addSource(OVERLAP_SOURCE, { type: 'geojson', data: empty() });
    this.map.addLayer({ id: 'xc-compliance-site-fill', type: 'fill', source: SITE_SOURCE, filter: isPolygon, paint: { 'fill-color': SITE_BLUE, 'fill-opacity': 0.08 } });
    this.map.addLayer({
      id: 'xc-compliance-overlap-fill',
      type: 'fill',
      source: OVERLAP_SOURCE,
      filter: isPolygon,
      paint: { 'fill-color': OVERLAP_RED, 'fill-opacity': 0.55 },
    });
    this.map.addLayer({
      id: 'xc-compliance-overlap-line',
      type: 'line',
      source: OVERLAP_SOURCE,
      filter: isPolygon,
      paint: { 'line-color': '#b71c1c', 'line-width': 1.5 },
    });
    this.map.addLayer({
      id: 'xc-compliance-site-line',
      type: 'line',
      source: SITE_SOURCE,
      filter: ['!', isPoint],
      layout: { 'line-join': 'round' },
      paint: { 'line-color': SITE_BLUE, 'line-width': 3 },
    });
    this.map.addLayer({
      id: 'xc-compliance-site-point',
      type: 'circle',
      source: SITE_SOURCE,
      filter: isPoint,
      paint: { 'circle-radius': 8, 'circle-color': 'rgba(0,0,0,0)', 'circle-stroke-color': SITE_BLUE, 'circle-stroke-width': 3 },
    });
  }
}
