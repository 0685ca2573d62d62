/**
 * Adds every layer module's source and style layers to the map in slot order, and applies each
 * layer's visibility and opacity from the store.
 */
import type { ExpressionSpecification, FilterSpecification, GeoJSONSource, LayerSpecification, LineLayerSpecification, Map as MapLibreMap, VectorTileSource } from 'maplibre-gl';
import type { Geometry } from 'geojson';
import type { ApiFeature } from './api.ts';
import { anchorPoint } from './geometry.ts';
import { SLOTS, isLine, isPoint, isPolygon, type MapLayerModule } from './layers/layer.ts';
import type { Store } from './store.ts';

/** The paint properties that carry a layer's opacity, by style layer type. */
const OPACITY_PROPS: Record<string, string[]> = {
  fill: ['fill-opacity'],
  line: ['line-opacity'],
  circle: ['circle-opacity', 'circle-stroke-opacity'],
  symbol: ['icon-opacity', 'text-opacity'],
};

export const HIGHLIGHT_SOURCE = 'xc-highlight';

/**
 * The source of a module's label points. A polygon labelled from its own source gets one label per
 * tile it crosses; one point per feature gets exactly one label.
 */
export function labelSourceId(moduleId: string): string {
  return `${moduleId}-labels`;
}

/** Where a feature's label goes: the data's own label point when it has one (`label_lon`, `label_lat`). */
function labelPoint(geometry: Geometry, props: Record<string, unknown>): [number, number] {
  const lon = Number(props.label_lon);
  const lat = Number(props.label_lat);
  if (props.label_lon !== undefined && Number.isFinite(lon) && Number.isFinite(lat)) return [lon, lat];
  return anchorPoint(geometry);
}

/** Whether a style layer's filter is the polygon filter of layer.ts (its outline layers use it). */
function isPolygonFilter(filter: FilterSpecification | undefined): boolean {
  return JSON.stringify(filter) === JSON.stringify(isPolygon);
}

export class MapLayers {
  /** Style layer ids per module. */
  readonly styleLayerIds = new Map<string, string[]>();
  /** The opacity each style layer's spec asked for, before the user's slider scales it. */
  private readonly baseOpacity = new Map<string, Map<string, unknown>>();
  /** Each of our style layers' place in the drawing order: its slot's index (highlights sit just under the labels). */
  private readonly rank = new Map<string, number>();

  constructor(
    private readonly map: MapLibreMap,
    private readonly modules: readonly MapLayerModule[],
    private readonly store: Store,
  ) {}

  /** Adds sources (empty), images and style layers; the data arrives later with `setData`. */
  addAll(): void {
    for (const m of this.modules) {
      m.addImages?.(this.map);
      this.map.addSource(m.id, m.source());
      this.map.addSource(labelSourceId(m.id), { type: 'geojson', data: { type: 'FeatureCollection', features: [] } });
    }
    const all = this.modules.flatMap((m, order) => m.layers().map((l) => ({ ...l, module: m.id, order })));
    all.sort((a, b) => SLOTS.indexOf(a.slot) - SLOTS.indexOf(b.slot) || a.order - b.order);
    for (const l of all) {
      if (l.slot === 'label' && !this.map.getLayer('xc-highlight-line')) this.addHighlightLayers();
      this.addStyleLayer(l.module, l.slot, l.spec);
    }
    if (!this.map.getLayer('xc-highlight-line')) this.addHighlightLayers();
  }

  /**
   * Adds a module that arrived after the others (an imported collection): its sources, then each
   * style layer under the first layer of a later slot, so the drawing order holds.
   */
  addModule(m: MapLayerModule): void {
    if (this.styleLayerIds.has(m.id) || this.map.getSource(m.id)) return;
    m.addImages?.(this.map);
    this.map.addSource(m.id, m.source());
    this.map.addSource(labelSourceId(m.id), { type: 'geojson', data: { type: 'FeatureCollection', features: [] } });
    for (const l of m.layers()) {
      const rank = SLOTS.indexOf(l.slot);
      const before = this.map.getStyle().layers.find((s) => (this.rank.get(s.id) ?? -1) > rank);
      this.addStyleLayer(m.id, l.slot, l.spec, before?.id);
    }
    this.apply(m.id);
  }

  private addStyleLayer(moduleId: string, slot: (typeof SLOTS)[number], spec: LayerSpecification, beforeId?: string): void {
    this.map.addLayer(spec, beforeId);
    this.rank.set(spec.id, SLOTS.indexOf(slot));
    this.rememberOpacity(spec);
    const ids = this.styleLayerIds.get(moduleId) ?? [];
    ids.push(spec.id);
    this.styleLayerIds.set(moduleId, ids);
  }

  /**
   * Puts a layer's features on the map, each carrying its id as `_fid` for hit testing, and one
   * label point per feature in the `<id>-labels` source.
   */
  setData(moduleId: string, features: readonly ApiFeature[]): void {
    const drawable = features
      .filter((f) => f.geometry !== null)
      .map((f) => ({ type: 'Feature' as const, geometry: f.geometry!, properties: { ...f.properties, _fid: f.id } }));
    (this.map.getSource(moduleId) as GeoJSONSource | undefined)?.setData({ type: 'FeatureCollection', features: drawable });
    const labels = drawable.map((f) => ({
      type: 'Feature' as const,
      geometry: { type: 'Point' as const, coordinates: labelPoint(f.geometry, f.properties) },
      properties: f.properties,
    }));
    (this.map.getSource(labelSourceId(moduleId)) as GeoJSONSource | undefined)?.setData({ type: 'FeatureCollection', features: labels });
    this.modules.find((m) => m.id === moduleId)?.onData?.(this.map, features);
  }

  /**
   * Draws a module from the API's vector tiles (a large collection, see core/tiling.ts): its GeoJSON
   * source becomes a vector source on the tileset's TileJSON, and its style layers (labels too) read
   * the tile layer of the same name, each kept at its place in the drawing order. Labels show from
   * `labelMinzoom` (core/tiling.ts `tiledLabelMinzoom`). Polygon outlines become the fill's own
   * one-pixel outline (`fill-outline-color`, drawn from the fill's vertices): a line layer would
   * tessellate every edge of every parcel into triangles — five times the fill's vertices, and at
   * 100 000 parcels most of each frame's cost in a software renderer.
   */
  switchToTiles(moduleId: string, tilesetUrl: string, labelMinzoom: number): void {
    const ids = new Set(this.styleLayerIds.get(moduleId) ?? []);
    if (ids.size === 0 || this.map.getSource(moduleId)?.type === 'vector') return;
    const style = this.map.getStyle().layers;
    const own = style.filter((l) => ids.has(l.id));
    // Each layer goes back before the first later layer that is not the module's own.
    const before = new Map(own.map((l) => [l.id, style.slice(style.indexOf(l) + 1).find((x) => !ids.has(x.id))?.id]));
    for (const l of own) this.map.removeLayer(l.id);
    this.map.removeSource(moduleId);
    this.map.removeSource(labelSourceId(moduleId));
    this.map.addSource(moduleId, { type: 'vector', url: tilesetUrl });
    const outline = own.find((l): l is LineLayerSpecification => l.type === 'line' && isPolygonFilter(l.filter) && !l.paint?.['line-dasharray']);
    for (const l of own) {
      if (l === outline) {
        this.rank.delete(l.id);
        continue;
      }
      const minzoom = l.type === 'symbol' ? Math.max(l.minzoom ?? 0, labelMinzoom) : l.minzoom;
      const paint = l.type === 'fill' && outline?.paint?.['line-color'] !== undefined ? { ...l.paint, 'fill-outline-color': outline.paint['line-color'] } : 'paint' in l ? l.paint : undefined;
      this.map.addLayer({ ...l, ...(paint ? { paint } : {}), source: moduleId, 'source-layer': moduleId, ...(minzoom === undefined ? {} : { minzoom }) } as LayerSpecification, before.get(l.id));
    }
    if (outline) this.styleLayerIds.set(moduleId, [...ids].filter((id) => id !== outline.id));
    this.apply(moduleId);
  }

  /** Whether a module is drawn from tiles. */
  isTiled(moduleId: string): boolean {
    return this.map.getSource(moduleId)?.type === 'vector';
  }

  /** After a write to a tiled collection: the tiles are fetched again (revalidated by their ETag), so the map shows the change. */
  reloadTiles(moduleId: string, tilesetUrl: string): void {
    const source = this.map.getSource(moduleId) as VectorTileSource | undefined;
    // A new URL makes MapLibre drop the tiles it holds and ask for them again.
    source?.setUrl(`${tilesetUrl}?v=${Date.now()}`);
  }

  /** Applies the store's visibility and opacity of one module to its style layers. */
  apply(moduleId: string): void {
    const s = this.store.layer(moduleId);
    for (const id of this.styleLayerIds.get(moduleId) ?? []) {
      if (!this.map.getLayer(id)) continue;
      this.map.setLayoutProperty(id, 'visibility', s.visible ? 'visible' : 'none');
      for (const [prop, base] of this.baseOpacity.get(id) ?? []) {
        // Numbers scale directly; an expression is wrapped (none of ours depends on zoom, which must stay outermost).
        const scaled = (typeof base === 'number' ? base * s.opacity : ['*', s.opacity, base]) as number | ExpressionSpecification;
        // The prop names come from OPACITY_PROPS for this layer's own type.
        this.map.setPaintProperty(id, prop as 'fill-opacity', scaled);
      }
    }
  }

  /** Interactive style layers that are currently shown. */
  visibleInteractive(): string[] {
    return this.modules
      .filter((m) => this.store.layer(m.id).visible)
      .flatMap((m) => m.interactive)
      .filter((id) => this.map.getLayer(id));
  }

  private rememberOpacity(spec: LayerSpecification): void {
    const props = OPACITY_PROPS[spec.type] ?? [];
    const paint = ('paint' in spec ? spec.paint : undefined) as Record<string, unknown> | undefined;
    this.baseOpacity.set(spec.id, new Map(props.map((p) => [p, paint?.[p] ?? 1])));
  }

  /** Hover and selection outlines, above every feature and below the labels. */
  private addHighlightLayers(): void {
    const under = SLOTS.indexOf('label') - 0.5;
    for (const id of ['xc-highlight-fill', 'xc-highlight-line', 'xc-highlight-linestring', 'xc-highlight-circle']) this.rank.set(id, under);
    this.map.addSource(HIGHLIGHT_SOURCE, { type: 'geojson', data: { type: 'FeatureCollection', features: [] } });
    const color: ExpressionSpecification = ['case', ['==', ['get', 'role'], 'selected'], '#0d47a1', '#1e88e5'];
    this.map.addLayer({
      id: 'xc-highlight-fill',
      type: 'fill',
      source: HIGHLIGHT_SOURCE,
      filter: isPolygon,
      paint: { 'fill-color': '#1e88e5', 'fill-opacity': ['case', ['==', ['get', 'role'], 'selected'], 0.12, 0.08] },
    });
    this.map.addLayer({
      id: 'xc-highlight-line',
      type: 'line',
      source: HIGHLIGHT_SOURCE,
      filter: isPolygon,
      layout: { 'line-join': 'round' },
      paint: { 'line-color': color, 'line-width': 3 },
    });
    this.map.addLayer({
      id: 'xc-highlight-linestring',
      type: 'line',
      source: HIGHLIGHT_SOURCE,
      filter: isLine,
      layout: { 'line-cap': 'round', 'line-join': 'round' },
      paint: { 'line-color': color, 'line-width': 8, 'line-opacity': 0.5 },
    });
    this.map.addLayer({
      id: 'xc-highlight-circle',
      type: 'circle',
      source: HIGHLIGHT_SOURCE,
      filter: isPoint,
      paint: {
        'circle-radius': 11,
        'circle-color': 'rgba(0,0,0,0)',
        'circle-stroke-color': color,
        'circle-stroke-width': 2.5,
      },
    });
  }
}
