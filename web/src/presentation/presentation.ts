/**
 * The investor view: a clean map with only `public` layers, zone cards and headline figures in a
 * drawer, a sector filter on the projects, a selected zone drawn with its projects, and short
 * project profiles that leave out attributes the catalogue marks internal.
 */
import { fitToBounds, flyToPoint } from '../camera.ts';
import { Popup, type GeoJSONSource, type Map as MapLibreMap, type MapMouseEvent } from 'maplibre-gl';
import type { Feature, Geometry } from 'geojson';
import { isPublicCollection } from '../../../core/audience.ts';
import { anchorPoint, geometryBounds } from '../geometry.ts';
import { onLangChange, pick } from '../i18n/index.ts';
import type { FeatureInteraction } from '../interaction.ts';
import { SECTOR_COLORS, SECTORS_STATE } from '../layers/projects.ts';
import type { MapLayerModule } from '../layers/layer.ts';
import type { MapLayers } from '../map-layers.ts';
import type { Store, ViewMode } from '../store.ts';
import { projectProfile } from './project-profile.ts';
import './presentation.css';

export const FOCUS_SOURCE = 'xc-presentation-focus';
/** Sector codes the filter offers, in the plan's column order. */
export const SECTORS = Object.keys(SECTOR_COLORS);

/** A world-covering ring: the selected zone is cut out of it to veil everything else. */
const WORLD: [number, number][] = [
  [-180, -85],
  [180, -85],
  [180, 85],
  [-180, 85],
  [-180, -85],
];

export interface Selection {
  zone: string | null;
  project: string | null;
}

export class Presentation {
  private zone: string | null = null;
  private project: string | null = null;
  /** Visibility of the planner-only layers before presenting, restored when leaving. */
  private savedVisibility = new Map<string, boolean>();
  private readonly listeners = new Set<() => void>();
  private readonly audienceStyle = document.createElement('style');
  private popup: Popup | null = null;
  private layersAdded = false;

  constructor(
    private readonly map: MapLibreMap,
    private readonly store: Store,
    private readonly layers: MapLayers,
    private readonly interaction: FeatureInteraction,
    private readonly modules: readonly MapLayerModule[],
    private readonly root: HTMLElement,
  ) {
    document.head.append(this.audienceStyle);
    store.on((change) => {
      if (change === 'data') {
        this.writeAudienceStyle();
        // Collections arriving after entering the view: their planner layers go too.
        if (store.mode === 'presentation') this.hidePlannerLayers();
        this.drawFocus();
      }
    });
    onLangChange(() => {
      if (this.popup && this.project) this.openProfile(this.project);
    });
    // Registered after the interaction's own handler: in this view our profile replaces its popup.
    map.on('click', this.onClick);
  }

  get mode(): ViewMode {
    return this.store.mode;
  }

  get selection(): Selection {
    return { zone: this.zone, project: this.project };
  }

  /** Calls `fn` when the mode, selection or sector filter changes; returns the unsubscribe. */
  onChange(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  private changed() {
    for (const fn of this.listeners) fn();
  }

  /** Ids of the layers a viewer in the current mode may see (all in planner mode). */
  allowedLayers(): string[] {
    return this.modules.map((m) => m.id).filter((id) => this.store.mode === 'planner' || this.isPublic(id));
  }

  /** A layer is public when its collection says so; before the collections load, none is. */
  isPublic(layerId: string): boolean {
    return isPublicCollection(this.store.info.get(layerId));
  }

  /**
   * Switches the view. Entering the investor view refits the district to the room the drawer and
   * the left column leave, unless `fit: false` (a link that brings its own view).
   */
  setMode(mode: ViewMode, options: { fit?: boolean } = {}): void {
    if (mode === this.store.mode) return;
    this.store.mode = mode;
    this.root.classList.toggle('xc-presenting', mode === 'presentation');
    if (mode === 'presentation') {
      this.savedVisibility.clear();
      this.hidePlannerLayers();
    } else {
      for (const [id, visible] of this.savedVisibility) this.store.layer(id).visible = visible;
      this.savedVisibility.clear();
      this.store.emit('layers');
      this.closeProfile();
      this.zone = null;
    }
    this.applySectors();
    this.drawFocus();
    this.store.emit('mode');
    if (mode === 'presentation' && options.fit !== false) this.fitDistrict();
    this.changed();
  }

  /** Fits the district (or, before it loads, nothing) into the room left by the drawer and panels. */
  fitDistrict(duration = 0): void {
    const district = this.store.features.get('district')?.find((f) => f.properties.role === 'district');
    if (district?.geometry) fitToBounds(this.map, geometryBounds(district.geometry), this.padding(), { duration });
  }

  private hidePlannerLayers() {
    let changed = false;
    for (const m of this.modules) {
      if (!this.store.info.has(m.id) || this.isPublic(m.id)) continue;
      const s = this.store.layer(m.id);
      if (!this.savedVisibility.has(m.id)) this.savedVisibility.set(m.id, s.visible);
      if (s.visible) {
        s.visible = false;
        changed = true;
      }
    }
    if (changed) this.store.emit('layers');
  }

  /**
   * CSS that hides planner-only layers from the layer panel and the search while presenting,
   * written from the collections' audience rather than a list kept in the page.
   */
  private writeAudienceStyle() {
    const infos = [...this.store.info.values()];
    const planner = infos.filter((c) => !isPublicCollection(c)).map((c) => CSS.escape(c.id));
    // The planner popup lists every attribute: not shown for a layer with internal ones, nor where
    // the investor view has its own (project profile, zone card).
    const noPopup = [...new Set([...planner, ...infos.filter((c) => Object.values(c.properties ?? {}).some((p) => p.audience === 'internal')).map((c) => CSS.escape(c.id)), 'projects', 'zones'])];
    this.audienceStyle.textContent = [
      ...planner.map((id) => `.xc-presenting .xc-layer[data-layer="${id}"], .xc-presenting .xc-search-result[data-layer="${id}"] { display: none; }`),
      ...noPopup.map((id) => `.xc-presenting .xc-maplibre-popup:has(.xc-popup[data-layer="${id}"]) { display: none; }`),
    ].join('\n');
  }

  /** Shows only projects of these sectors (unknown codes dropped); an empty list shows all. */
  setSectors(sectors: readonly string[]): void {
    const next = SECTORS.filter((s) => sectors.includes(s));
    if (next.join() === this.store.sectors.join()) return;
    this.store.sectors = next;
    this.applySectors();
    this.drawFocus();
    if (this.project && !this.projectShown(this.project)) this.closeProfile();
    this.store.emit('sectors');
    this.changed();
  }

  /** The filter acts in the investor view only; the planner map always shows every project. */
  private applySectors() {
    const value = this.store.mode === 'presentation' ? [...this.store.sectors] : [];
    try {
      this.map.setGlobalStateProperty(SECTORS_STATE, value);
    } catch {
      // The style is not parsed yet (a link applied at start): set it once it is.
      this.map.once('load', () => this.applySectors());
    }
  }

  /** Whether a project passes the sector filter. */
  projectShown(projectId: string): boolean {
    const f = this.store.feature('projects', projectId);
    if (!f) return false;
    return this.store.sectors.length === 0 || this.store.sectors.includes(String(f.properties.sector));
  }

  /** Selects a zone (or none): draws it and its projects, and flies to it when asked. */
  selectZone(zoneId: string | null, options: { fly?: boolean } = {}): void {
    const zone = zoneId ? this.store.feature('zones', zoneId) : undefined;
    this.zone = zone ? zone.id : null;
    this.drawFocus();
    if (zone?.geometry && options.fly !== false) {
      fitToBounds(this.map, geometryBounds(zone.geometry), this.padding(), { maxZoom: 14.5, duration: 900 });
    }
    this.changed();
  }

  /** Opens a project's short profile; flies to it when asked and it has a site. */
  showProject(projectId: string, options: { fly?: boolean } = {}): void {
    const f = this.store.feature('projects', projectId);
    if (!f) return;
    if (!this.store.layer('projects').visible) this.store.setLayer('projects', { visible: true });
    if (f.geometry && options.fly !== false) {
      if (f.geometry.type === 'Point') {
        flyToPoint(this.map, f.geometry.coordinates as [number, number], Math.max(this.map.getZoom(), 13.5), this.padding(), 800);
      } else {
        fitToBounds(this.map, geometryBounds(f.geometry), this.padding(), { maxZoom: 15, duration: 800 });
      }
    }
    this.openProfile(projectId);
  }

  /**
   * Room for the left column and the drawer, so what is shown is not under them. The left column
   * (header, search, folded layer list) is short in this view: the map keeps the space beside or
   * below it, whichever leaves the larger square.
   */
  padding() {
    const container = this.map.getContainer();
    const box = container.getBoundingClientRect();
    const width = container.clientWidth;
    const height = container.clientHeight;
    let left = 0;
    let bottom = 0;
    for (const panel of container.querySelectorAll<HTMLElement>('.maplibregl-ctrl-top-left .xc-panel')) {
      const r = panel.getBoundingClientRect();
      if (!r.width || !r.height) continue;
      left = Math.max(left, r.right - box.left);
      bottom = Math.max(bottom, r.bottom - box.top);
    }
    const drawer = this.store.mode === 'presentation' ? this.root.querySelector('.xc-presentation')?.getBoundingClientRect() : undefined;
    // On a phone the drawer is a sheet across the bottom: what is shown goes between the column and it.
    if (drawer && drawer.width >= width - 1 && drawer.top > box.top) {
      const sheet = box.bottom - drawer.top + 16;
      const top = height - (bottom + 16) - sheet > 120 ? bottom + 16 : 50;
      return { top, bottom: sheet, left: 20, right: 20 };
    }
    const drawerLeft = drawer?.left;
    const right = drawerLeft !== undefined && drawerLeft > box.left ? box.right - drawerLeft : 0;
    if (width - left - right <= 240) return { top: 60, bottom: 60, left: 30, right: 30 };
    const beside = { top: 70, bottom: 60, left: left + 30, right: right + 30 };
    const below = { top: bottom + 20, bottom: 60, left: 30, right: right + 30 };
    const square = (p: typeof beside) => Math.min(width - p.left - p.right, height - p.top - p.bottom);
    return square(below) > square(beside) ? below : beside;
  }

  private onClick = (e: MapMouseEvent) => {
    if (this.store.mode !== 'presentation') return;
    const layers = this.layers.visibleInteractive().filter((id) => id.startsWith('projects-') || id === 'zones-fill');
    const hit = layers.length ? this.map.queryRenderedFeatures(e.point, { layers }) : [];
    const project = hit.find((f) => f.source === 'projects');
    if (project) {
      this.openProfile(String(project.properties._fid));
      return;
    }
    // A click on a zone selects its card without moving the map; a click on a park or station in it opens that instead.
    const other = this.interaction.current;
    if (other && other.layerId !== 'zones') return;
    const zone = hit.find((f) => f.source === 'zones');
    if (zone) this.selectZone(String(zone.properties._fid), { fly: false });
  };

  private openProfile(projectId: string) {
    const f = this.store.feature('projects', projectId);
    if (!f) return;
    this.project = projectId;
    const content = projectProfile(f, this.store, (zoneId) => this.selectZone(zoneId));
    const at = f.geometry ? anchorPoint(f.geometry) : this.map.getCenter();
    if (!this.popup) {
      this.popup = new Popup({ maxWidth: '320px', className: 'xc-profile-popup', focusAfterOpen: false });
      this.popup.on('close', () => {
        this.popup = null;
        this.project = null;
        // The planner popup (hidden in this view) holds the selection ring: close it with ours.
        this.map.getContainer().querySelector<HTMLButtonElement>('.xc-maplibre-popup .maplibregl-popup-close-button')?.click();
        this.changed();
      });
    }
    this.popup.setLngLat(at).setDOMContent(content);
    if (!this.popup.isOpen()) this.popup.addTo(this.map);
    this.changed();
  }

  closeProfile(): void {
    this.popup?.remove();
  }

  /** The selected zone veiled around, outlined, and its (shown) projects ringed. */
  private drawFocus() {
    this.ensureLayers();
    const source = this.map.getSource(FOCUS_SOURCE) as GeoJSONSource | undefined;
    if (!source) return;
    const zone = this.store.mode === 'presentation' && this.zone ? this.store.feature('zones', this.zone) : undefined;
    const features: Feature<Geometry>[] = [];
    if (zone?.geometry && (zone.geometry.type === 'Polygon' || zone.geometry.type === 'MultiPolygon')) {
      const color = String(zone.properties.color ?? '#1d5fa8');
      const holes = zone.geometry.type === 'Polygon' ? [zone.geometry.coordinates[0]] : zone.geometry.coordinates.map((p) => p[0]);
      features.push({ type: 'Feature', geometry: { type: 'Polygon', coordinates: [WORLD, ...holes] }, properties: { role: 'veil' } });
      features.push({ type: 'Feature', geometry: zone.geometry, properties: { role: 'zone', color } });
      for (const p of this.store.features.get('projects') ?? []) {
        if (p.properties.zone_id !== zone.id || !p.geometry || !this.projectShown(p.id)) continue;
        features.push({ type: 'Feature', geometry: p.geometry, properties: { role: 'project', color } });
      }
    }
    source.setData({ type: 'FeatureCollection', features });
  }

  private ensureLayers() {
    // The app's layers are in once the highlight layers are (`isStyleLoaded` stays false while data loads).
    if (this.layersAdded || !this.map.getLayer('xc-highlight-fill')) return;
    this.layersAdded = true;
    this.map.addSource(FOCUS_SOURCE, { type: 'geojson', data: { type: 'FeatureCollection', features: [] } });
    // Below every point and label of the app's layers: the veil dims areas, not symbols.
    const firstPoint = this.firstLayerOfSlot('point') ?? 'xc-highlight-fill';
    const role = (r: string) => ['==', ['get', 'role'], r] as ['==', ['get', string], string];
    this.map.addLayer({ id: 'xc-focus-veil', type: 'fill', source: FOCUS_SOURCE, filter: role('veil'), paint: { 'fill-color': '#f4f5f2', 'fill-opacity': 0.55 } }, firstPoint);
    this.map.addLayer(
      { id: 'xc-focus-zone-casing', type: 'line', source: FOCUS_SOURCE, filter: role('zone'), layout: { 'line-join': 'round' }, paint: { 'line-color': '#ffffff', 'line-width': 6 } },
      firstPoint,
    );
    this.map.addLayer(
      {
        id: 'xc-focus-zone',
        type: 'line',
        source: FOCUS_SOURCE,
        filter: role('zone'),
        layout: { 'line-join': 'round' },
        paint: { 'line-color': ['to-color', ['get', 'color'], '#1d5fa8'], 'line-width': 3 },
      },
      firstPoint,
    );
    this.map.addLayer(
      {
        id: 'xc-focus-project',
        type: 'circle',
        source: FOCUS_SOURCE,
        filter: ['all', role('project'), ['==', ['geometry-type'], 'Point']],
        paint: { 'circle-radius': 11, 'circle-color': 'rgba(0,0,0,0)', 'circle-stroke-color': ['to-color', ['get', 'color'], '#1d5fa8'], 'circle-stroke-width': 2.5 },
      },
      'xc-highlight-fill',
    );
  }

  private firstLayerOfSlot(slot: string): string | undefined {
    const ids = new Set(this.modules.flatMap((m) => m.layers().filter((l) => l.slot === slot).map((l) => l.spec.id)));
    return this.map.getStyle().layers.find((l) => ids.has(l.id))?.id;
  }

  /** The name of a zone in the current language. */
  zoneName(zoneId: string): string {
    return this.store.zoneName(zoneId) ?? zoneId;
  }

  /** Opens the planner map's popup of a feature (no camera move): a planner link's selection. */
  openPlannerPopup(layerId: string, featureId: string): void {
    this.interaction.open(layerId, featureId);
  }

  /** The interaction's own selection (planner popups), for the link. */
  plannerSelection(): { layerId: string; featureId: string } | null {
    return this.interaction.current;
  }

  /** The title of a layer in the current language. */
  layerTitle(layerId: string): string {
    const info = this.store.info.get(layerId);
    return info ? pick(info.titles) : layerId;
  }
}

