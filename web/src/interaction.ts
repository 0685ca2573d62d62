/**
 * Hover highlight, click-to-popup and "focus" (fly to a feature and open its popup) on the map.
 * Hits are looked up in the loaded features by `_fid`, so the popup and the highlight use the whole
 * original geometry rather than the tile-clipped piece that was rendered. A layer drawn from the API's
 * vector tiles (a large collection, core/tiling.ts) names its features by `id`; a clicked one is
 * fetched whole from the items API (`loadFeature`) before its popup opens.
 */
import { fitToBounds, flyToPoint } from './camera.ts';
import { Popup, type GeoJSONSource, type LngLatLike, type Map as MapLibreMap, type MapMouseEvent, type PaddingOptions } from 'maplibre-gl';
import type { Feature, Geometry } from 'geojson';
import type { ApiFeature } from './api.ts';
import { anchorPoint, geometryBounds } from './geometry.ts';
import { findLayerModule } from './layers/index.ts';
import { HIGHLIGHT_SOURCE, type MapLayers } from './map-layers.ts';
import { identifyList, popupContent } from './popup.ts';
import type { Store } from './store.ts';
import { onLangChange } from './i18n/index.ts';

interface Hit {
  layerId: string;
  featureId: string;
}

/** Layers that take a click but would make hovering noisy (the whole district lights up). */
const NO_HOVER = new Set(['district-fill']);

/** How far from the clicked pixel a feature still counts as "under the click" (issue 13 #8). */
export const IDENTIFY_RADIUS_PX = 4;

export class FeatureInteraction {
  private popup: Popup | null = null;
  private selected: (Hit & { at: LngLatLike }) | null = null;
  /** Every feature under the last click (topmost first), when there was more than one; the popup lists them. */
  private identified: Hit[] | null = null;
  private hovered: Hit | null = null;
  /** Set by a tool that draws on the map (a compliance site, an edit, a what-if facility). */
  private pausedByTool = false;
  /** A map tool that holds the map (measuring) and how it ends: another tool pausing the map ends it first. */
  private holder: (() => void) | null = null;

  /** While true (a site is being drawn, or something measured, on the map), hovering and clicking leave features alone. */
  get paused(): boolean {
    return this.pausedByTool || this.holder !== null;
  }

  /** A drawing tool starting (true) ends a measurement first: one tool on the map at a time. */
  set paused(value: boolean) {
    if (value && this.holder) {
      const end = this.holder;
      this.holder = null;
      end();
    }
    this.pausedByTool = value;
  }

  /**
   * Takes the map for a tool that draws on it (the measure tool): false while another tool draws
   * (a site, an edit, a what-if facility), which keeps it. `end` is called when another tool starts.
   */
  hold(end: () => void): boolean {
    if (this.pausedByTool) return false;
    this.holder = end;
    this.setHover(null);
    return true;
  }

  /** The holding tool is done (without calling its `end`). */
  release(): void {
    this.holder = null;
  }
  /** Fetches one whole feature of a tiled layer (set by main.ts). */
  loadFeature: ((layerId: string, featureId: string) => Promise<ApiFeature | null>) | null = null;

  constructor(
    private readonly map: MapLibreMap,
    private readonly layers: MapLayers,
    private readonly store: Store,
  ) {
    map.on('mousemove', this.onMove);
    map.on('mouseout', () => this.setHover(null));
    map.on('click', this.onClick);
    onLangChange(() => this.refresh());
  }

  /** The selected feature, for tests and the URL. */
  get current(): Hit | null {
    return this.selected ? { layerId: this.selected.layerId, featureId: this.selected.featureId } : null;
  }

  private hitAt(e: MapMouseEvent, hover: boolean): Hit | null {
    const layers = this.layers.visibleInteractive().filter((id) => !hover || !NO_HOVER.has(id));
    if (layers.length === 0) return null;
    for (const f of this.map.queryRenderedFeatures(e.point, { layers })) {
      const featureId = this.renderedId(f);
      if (featureId && this.known(f.source, featureId)) return { layerId: f.source, featureId };
    }
    return null;
  }

  /**
   * Every feature drawn within IDENTIFY_RADIUS_PX of the click, once each, topmost first (the
   * order MapLibre returns rendered features in), features of one layer kept together.
   */
  identifyAt(point: { x: number; y: number }): Hit[] {
    const layers = this.layers.visibleInteractive();
    if (layers.length === 0) return [];
    const r = IDENTIFY_RADIUS_PX;
    const box: [[number, number], [number, number]] = [
      [point.x - r, point.y - r],
      [point.x + r, point.y + r],
    ];
    const byLayer = new Map<string, string[]>();
    for (const f of this.map.queryRenderedFeatures(box, { layers })) {
      const featureId = this.renderedId(f);
      if (!featureId || !this.known(f.source, featureId)) continue;
      const ids = byLayer.get(f.source) ?? [];
      if (!ids.includes(featureId)) ids.push(featureId);
      byLayer.set(f.source, ids);
    }
    return [...byLayer].flatMap(([layerId, ids]) => ids.map((featureId) => ({ layerId, featureId })));
  }

  /** A rendered feature's id: `_fid` on GeoJSON layers, `id` in the API's vector tiles. */
  private renderedId(f: { source: string; properties?: Record<string, unknown> | null }): string | undefined {
    const id = f.properties?._fid ?? (this.layers.isTiled(f.source) ? f.properties?.id : undefined);
    return typeof id === 'string' ? id : undefined;
  }

  /** Whether a hit can be shown: loaded, or in a tiled layer (fetched on click). */
  private known(layerId: string, featureId: string): boolean {
    return this.layers.isTiled(layerId) || this.store.feature(layerId, featureId) !== undefined;
  }

  /** Fetches the hits of tiled layers that are not loaded yet, and keeps them with the layer's features. */
  private async loadHits(hits: Hit[]): Promise<void> {
    const missing = hits.filter((h) => this.layers.isTiled(h.layerId) && !this.store.feature(h.layerId, h.featureId));
    await Promise.all(
      missing.map(async (h) => {
        const f = await this.loadFeature?.(h.layerId, h.featureId).catch(() => null);
        if (f && !this.store.feature(h.layerId, h.featureId)) this.store.features.set(h.layerId, [...(this.store.features.get(h.layerId) ?? []), f]);
      }),
    );
  }

  /** The features listed by the open popup (empty when it shows one feature only), for tests. */
  get identifiedHits(): Hit[] {
    return this.identified ? [...this.identified] : [];
  }

  private onMove = (e: MapMouseEvent) => {
    if (this.paused) return this.setHover(null);
    const hit = this.hitAt(e, true);
    this.map.getCanvas().style.cursor = hit ? 'pointer' : '';
    this.setHover(hit);
  };

  private onClick = (e: MapMouseEvent) => {
    if (this.paused) return;
    // The planner map identifies everything under the click; the investor view keeps one feature a click.
    const hits = this.store.mode === 'planner' ? this.identifyAt(e.point) : [];
    const hit = hits[0] ?? this.hitAt(e, false);
    if (!hit) return;
    if (this.layers.isTiled(hit.layerId) || hits.some((h) => this.layers.isTiled(h.layerId))) {
      void this.loadHits(hits.length ? hits : [hit]).then(() => this.openHits(hit, hits, e.lngLat));
      return;
    }
    this.openHits(hit, hits, e.lngLat);
  };

  private openHits(hit: Hit, all: Hit[], clicked: LngLatLike) {
    const hits = all.filter((h) => this.store.feature(h.layerId, h.featureId));
    const f = this.store.feature(hit.layerId, hit.featureId);
    if (!f) return;
    // A point's popup sits on the point; a polygon's where it was clicked (and a list where it was clicked).
    const at = f.geometry?.type === 'Point' && hits.length < 2 ? (f.geometry.coordinates as [number, number]) : clicked;
    this.open(hit.layerId, hit.featureId, at, hits.length > 1 ? hits : undefined);
  }

  private setHover(hit: Hit | null) {
    if (hit?.layerId === this.hovered?.layerId && hit?.featureId === this.hovered?.featureId) return;
    this.hovered = hit;
    this.drawHighlight();
  }

  private drawHighlight() {
    const features: Feature<Geometry>[] = [];
    const add = (hit: Hit | null, role: string) => {
      const f = hit && this.store.feature(hit.layerId, hit.featureId);
      if (f?.geometry) features.push({ type: 'Feature', geometry: f.geometry, properties: { role } });
    };
    add(this.hovered, 'hover');
    add(this.selected, 'selected');
    (this.map.getSource(HIGHLIGHT_SOURCE) as GeoJSONSource | undefined)?.setData({ type: 'FeatureCollection', features });
  }

  private readonly selectListeners = new Set<(selection: Hit | null) => void>();

  /** Calls `fn` whenever a feature is selected (its popup opens) or the selection ends. */
  onSelect(fn: (selection: Hit | null) => void): () => void {
    this.selectListeners.add(fn);
    return () => this.selectListeners.delete(fn);
  }

  private notifySelect() {
    const s = this.current;
    for (const fn of this.selectListeners) fn(s);
  }

  /**
   * Opens the popup of a feature at a point (by default a point on the feature itself). With `hits`
   * (everything under a click), the popup lists them by layer above the chosen one's attributes.
   */
  open(layerId: string, featureId: string, at?: LngLatLike, hits?: Hit[]): void {
    const module = findLayerModule(layerId);
    const feature = this.store.feature(layerId, featureId);
    if (!module || !feature) return;
    const where = at ?? this.anchor(feature);
    this.selected = { layerId, featureId, at: where };
    this.identified = hits && hits.length > 1 ? hits : null;
    if (!this.popup) {
      this.popup = new Popup({ maxWidth: '340px', className: 'xc-maplibre-popup', focusAfterOpen: false });
      this.popup.on('close', () => {
        this.popup = null;
        this.selected = null;
        this.identified = null;
        this.drawHighlight();
        this.notifySelect();
      });
    }
    const content = popupContent(module, feature, this.store);
    const list = this.identified;
    this.popup
      .setLngLat(where)
      .setDOMContent(list ? identifyList(list, { layerId, featureId }, this.store, content, (h) => this.open(h.layerId, h.featureId, where, list)) : content);
    if (!this.popup.isOpen()) this.popup.addTo(this.map);
    this.drawHighlight();
    this.notifySelect();
  }

  /** Shows the feature's layer, flies to the feature and opens its popup. */
  focus(layerId: string, featureId: string): void {
    const feature = this.store.feature(layerId, featureId);
    if (!feature && this.layers.isTiled(layerId)) {
      // Not loaded yet (a tiled layer): fetched whole first.
      void this.loadHits([{ layerId, featureId }]).then(() => this.store.feature(layerId, featureId) && this.focus(layerId, featureId));
      return;
    }
    if (!feature) return;
    if (!this.store.layer(layerId).visible) this.store.setLayer(layerId, { visible: true });
    const padding = this.padding();
    if (!feature.geometry) {
      // Nothing to fly to: show the whole district, with the popup at its heart.
      const d = this.xinchengFeature();
      if (d?.geometry) fitToBounds(this.map, geometryBounds(d.geometry), padding, { duration: 600 });
    } else if (feature.geometry.type === 'Point') {
      flyToPoint(this.map, feature.geometry.coordinates as [number, number], Math.max(this.map.getZoom(), 14), padding, 800);
    } else {
      fitToBounds(this.map, geometryBounds(feature.geometry), padding, { maxZoom: 15, duration: 800 });
    }
    // Opened now rather than on `moveend`: the popup rides along with the camera either way.
    this.open(layerId, featureId);
  }

  /** Room for the side panel, so a focused feature is not hidden under it. */
  padding(): PaddingOptions {
    const container = this.map.getContainer();
    const box = container.getBoundingClientRect();
    const panel = container.querySelector('.maplibregl-ctrl-top-left .xc-panel');
    const width = container.clientWidth;
    const left = panel ? panel.getBoundingClientRect().right - box.left + 24 : 40;
    // The analysis drawer, when open, covers the right side (on a phone, the bottom as a sheet):
    // keep the selection clear of it too.
    const drawer = container.querySelector<HTMLElement>('.xc-analysis-drawer');
    const r = drawer && !drawer.hidden ? drawer.getBoundingClientRect() : null;
    const sheet = !!r && r.width >= width - 1 && r.top > box.top;
    const right = r && !sheet && width > r.width * 1.8 ? r.width + 30 : 60;
    // The attribute table, when open, covers the bottom of the map.
    const table = container.querySelector<HTMLElement>('.xc-attr-table')?.getBoundingClientRect();
    const bottom = Math.max(r && sheet ? Math.max(60, box.bottom - r.top + 20) : 60, table && table.height < box.height * 0.6 ? box.bottom - table.top + 20 : 0);
    if (left + right < width * 0.8) return { top: 60, bottom, right, left };
    // Too narrow to keep clear of the left column beside it: keep below it instead, if there is room.
    const column = [...container.querySelectorAll<HTMLElement>('.maplibregl-ctrl-top-left .xc-panel')].map((p) => p.getBoundingClientRect()).filter((c) => c.height > 0);
    const below = column.length ? Math.max(...column.map((c) => c.bottom)) - box.top + 16 : 60;
    const top = container.clientHeight - below - bottom > 160 ? below : 60;
    return { top, bottom, right: right === 60 ? 30 : right, left: 30 };
  }

  private anchor(f: ApiFeature): LngLatLike {
    if (f.geometry) return anchorPoint(f.geometry);
    const d = this.xinchengFeature();
    return d?.geometry ? anchorPoint(d.geometry) : this.map.getCenter();
  }

  xinchengFeature(): ApiFeature | undefined {
    return this.store.features.get('district')?.find((f) => f.properties.role === 'district');
  }

  private refresh() {
    if (this.selected) this.open(this.selected.layerId, this.selected.featureId, this.selected.at, this.identified ?? undefined);
  }
}
