/**
 * The planning map: builds the map and its panels, then loads every layer from the API. What is on
 * screen is kept in the URL hash (permalink.ts); the first open (no view in it) fits Xincheng District.
 */
import { drawnFromTiles, tiledLabelMinzoom, tilesetPath } from '../../core/tiling.ts';
import { fitToBounds } from './camera.ts';
import 'maplibre-gl/dist/maplibre-gl.css';
import './style.css';
import { FullscreenControl, Map as MapLibreMap, NavigationControl, ScaleControl, addProtocol, prewarm, setWorkerUrl } from 'maplibre-gl';
// MapLibre finds its worker next to its own module, which bundling moves: point it at the copied file.
import maplibreWorkerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import { ApiClient, ApiError, type AppConfig, type CollectionInfo } from './api.ts';
import { Credits } from './credits.ts';
import { download } from './dom.ts';
import { geometryBounds } from './geometry.ts';
import { getLang, onLangChange, t } from './i18n/index.ts';
import { FeatureInteraction } from './interaction.ts';
import { LAYER_MODULES, PANEL_ORDER, addImportedModules, findLayerModule } from './layers/index.ts';
import type { MapLayerModule } from './layers/layer.ts';
import { MapLayers } from './map-layers.ts';
import { baseStyle, basemapLayerIds } from './map-style.ts';
import { AnalysisDock } from './panels/analysis-dock.ts';
import { BasemapPanel } from './panels/basemap-panel.ts';
import { registerAnalysisTools } from './panels/analysis-tools.ts';
import { HeaderPanel } from './panels/header-panel.ts';
import { LayerPanel } from './panels/layer-panel.ts';
import { AttributeTable } from './panels/attribute-table.ts';
import { SearchPanel } from './panels/search-panel.ts';
import { StatusPanel } from './panels/status-panel.ts';
import { Store } from './store.ts';
import { Session } from './session.ts';
import { accountPanel } from './panels/account-panel.ts';
import { initialPermalink } from './permalink.ts';
import { installKeyboard } from './keyboard.ts';
import { mountInvestorView } from './presentation/mount.ts';
import { GotoMarker } from './tools/goto-marker.ts';

/** Where the map opens before the district is loaded: the centre of Xincheng District. */
const XINCHENG_CENTER: [number, number] = [111.86, 40.93];
const BASEMAP_KEY = 'xc-basemap';

declare global {
  interface Window {
    /** Test hook: the map, for `queryRenderedFeatures` in browser tests and benchmarks. */
    __map?: MapLibreMap;
    __xc?: { store: Store; interaction: FeatureInteraction; ready: Promise<void>; interactiveLayers(): string[] };
  }
}

setWorkerUrl(maplibreWorkerUrl);
// The workers (and their ~1 MB script) start now, while the config and the layer list are fetched,
// rather than when the map is built after them: they tile every layer's data.
prewarm();

const api = new ApiClient();
const store = new Store();
const session = new Session(api);
// Read before anything renders: the link may set the language.
const link = initialPermalink();
const firstOpen = !link.view?.center;
const root = document.getElementById('app')!;
root.dataset.state = 'loading';
document.documentElement.lang = t().htmlLang;
document.title = t().appTitle;

/** Map layers in the order the panel lists them. */
const panelModules: MapLayerModule[] = PANEL_ORDER.map((id) => findLayerModule(id)!).filter(Boolean);

async function loadConfig(): Promise<AppConfig> {
  try {
    return await api.config();
  } catch {
    // Without the config the map still works offline; the collections call reports the outage.
    return { basemaps: [] };
  }
}

// Asked for at once, in parallel with the config: the first layer requests wait on this list.
let collectionsRequest: Promise<CollectionInfo[]> | null = api.collections();
collectionsRequest.catch(() => {}); // Reported by loadAll(); not an unhandled rejection meanwhile.
const config = await loadConfig();
if (config.basemaps.some((b) => b.pmtiles)) {
  // The office's PMTiles package: the map reads the archive from this server with range requests.
  const { Protocol } = await import('pmtiles');
  addProtocol('pmtiles', new Protocol().tile);
}
store.basemaps = config.basemaps;
store.publicUrl = config.publicUrl ?? null;
store.basemap = initialBasemap(config);

const map = new MapLibreMap({
  container: 'map',
  style: baseStyle(config.basemaps, getLang()),
  center: link.view?.center ?? XINCHENG_CENTER,
  zoom: link.view?.zoom ?? 9.6,
  bearing: link.view?.bearing ?? 0,
  pitch: link.view?.pitch ?? 0,
  // The permalink keeps the view in the hash, with the layers, selection, language and mode.
  hash: false,
  attributionControl: false,
  // CJK labels drawn by the browser's fonts; with no glyphs URL, Latin ones are too.
  localIdeographFontFamily: "'Noto Sans CJK SC', 'Noto Sans SC', 'PingFang SC', 'Microsoft YaHei', sans-serif",
  maxZoom: 18,
  // Labels appear at once: each fade step is a frame, and a frame costs a software renderer (no GPU) ~0.1–0.4 s.
  fadeDuration: 0,
  minZoom: 6,
  // MapLibre's own control tooltips in the page's language (switched with it, see localizeMapUi).
  locale: t().mapUi,
});
window.__map = map;

const layers = new MapLayers(map, LAYER_MODULES, store);
const interaction = new FeatureInteraction(map, layers, store);
interaction.loadFeature = async (layerId, featureId) => (await api.item(layerId, featureId)).feature;
const credits = new Credits(map, store, LAYER_MODULES);
// In the investor view, projects and zones open their profile and card rather than the planner popup.
const focus = (layerId: string, featureId: string) => {
  const p = investor.presentation;
  if (p.mode === 'presentation' && layerId === 'projects') p.showProject(featureId);
  else if (p.mode === 'presentation' && layerId === 'zones') p.selectZone(featureId);
  else interaction.focus(layerId, featureId);
};

const investor = mountInvestorView({ map, store, layers, interaction, api, modules: LAYER_MODULES, root, link });
map.addControl(new HeaderPanel(store, (mode) => investor.presentation.setMode(mode), accountPanel(session, api)), 'top-left');
// "Go to coordinate" (issue 13): a typed coordinate flown to and marked with both systems.
const gotoMarker = new GotoMarker(map, () => interaction.padding());
map.addControl(new SearchPanel(store, panelModules, focus, (hit) => gotoMarker.show(hit)), 'top-left');
if (config.basemaps.length) map.addControl(new BasemapPanel(store), 'top-left');
// A layer's attribute table, along the bottom of the map (issue 13).
const attributeTable = new AttributeTable(map.getContainer(), store, interaction);
const layerPanel = new LayerPanel(
  store,
  panelModules,
  focus,
  async (id, choice) => {
    const file = await api.exportCollection(id, choice);
    download(file.fileName, file.blob);
  },
  (id) => attributeTable.open(id),
);
map.addControl(layerPanel, 'top-left');
map.addControl(new NavigationControl({ visualizePitch: true }), 'top-right');
map.addControl(new FullscreenControl(), 'top-right');
const scaleControl = new ScaleControl({ unit: 'metric', maxWidth: 120 });
map.addControl(scaleControl, 'bottom-left');
const status = new StatusPanel(store, LAYER_MODULES.map((m) => m.id), () => void loadAll());
// The status overlay floats over the map's centre top, outside MapLibre's four control corners.
map.getContainer().append(status.onAdd());

/**
 * MapLibre reads its UI strings when a control is built (zoom, compass) or on its next update
 * (fullscreen, scale): on a language switch the dictionary is replaced and the built titles rewritten.
 */
function localizeMapUi() {
  const strings = t().mapUi;
  const internal = map as unknown as { _locale?: Record<string, string> };
  internal._locale = { ...internal._locale, ...strings };
  const container = map.getContainer();
  const retitle = (selector: string, key: string) => {
    for (const el of container.querySelectorAll<HTMLElement>(selector)) {
      if (!strings[key]) continue;
      el.title = strings[key];
      el.setAttribute('aria-label', strings[key]);
    }
  };
  retitle('.maplibregl-ctrl-zoom-in', 'NavigationControl.ZoomIn');
  retitle('.maplibregl-ctrl-zoom-out', 'NavigationControl.ZoomOut');
  retitle('.maplibregl-ctrl-compass', 'NavigationControl.ResetBearing');
  retitle('.maplibregl-ctrl-fullscreen', 'FullscreenControl.Enter');
  retitle('.maplibregl-ctrl-shrink', 'FullscreenControl.Exit');
  retitle('.maplibregl-ctrl-attrib-button', 'AttributionControl.ToggleAttribution');
  // "Where am I" (issue 13): a disabled button (permission refused) keeps MapLibre's own "not available" title.
  retitle('.maplibregl-ctrl-geolocate:not([disabled])', 'GeolocateControl.FindMyLocation');
  map.getCanvas().setAttribute('aria-label', strings['Map.Title'] ?? '');
  // The scale bar writes its unit on each move.
  (scaleControl as unknown as { _onMove?: () => void })._onMove?.();
}

onLangChange((lang) => {
  localizeMapUi();
  map.setGlobalStateProperty('lang', lang);
  document.documentElement.lang = t().htmlLang;
  document.title = t().appTitle;
  credits.update();
});

store.on((change) => {
  if (change === 'layers') for (const m of LAYER_MODULES) layers.apply(m.id);
  if (change === 'basemap') applyBasemap();
  if (change === 'layers' || change === 'data' || change === 'basemap') credits.update();
});

map.on('error', (e) => {
  // Tile or style errors are logged, not fatal: the app's own layers keep working.
  console.warn('Map error:', e.error?.message ?? e);
});

const styleLoaded = new Promise<void>((resolve) => map.once('load', () => resolve()));

function initialBasemap(c: AppConfig): string | null {
  let stored: string | null = null;
  try {
    stored = localStorage.getItem(BASEMAP_KEY);
  } catch {
    // No storage: the default applies.
  }
  if (stored === 'none') return null;
  if (stored && c.basemaps.some((b) => b.id === stored)) return stored;
  return c.basemaps[0]?.id ?? null;
}

function applyBasemap() {
  for (const b of store.basemaps) {
    for (const id of basemapLayerIds(b)) {
      if (map.getLayer(id)) map.setLayoutProperty(id, 'visibility', store.basemap === b.id ? 'visible' : 'none');
    }
  }
  try {
    localStorage.setItem(BASEMAP_KEY, store.basemap ?? 'none');
  } catch {
    // Not remembered; still applied.
  }
}

function errorText(err: unknown): string {
  if (err instanceof ApiError) return err.status === 0 ? t().apiUnreachable : `${err.message} (${err.status} ${err.code})`;
  return (err as Error)?.message ?? String(err);
}

/** Loads the collection list and then every map layer's features; safe to call again (retry). */
async function loadAll(): Promise<void> {
  store.errors = [];
  let collections: CollectionInfo[];
  try {
    collections = await (collectionsRequest ?? api.collections());
  } catch (err) {
    collectionsRequest = null;
    store.errors = [errorText(err)];
    root.dataset.state = 'error';
    store.emit('errors');
    return;
  }
  collectionsRequest = null;
  store.info.clear();
  for (const c of collections) store.info.set(c.id, c);
  // Every drawn layer's features asked for at once, while the map still loads its style (they were
  // asked for only after it, ~0.6 s later on a first open).
  const requests = new Map<string, ReturnType<typeof api.items>>();
  for (const c of collections) {
    if (!(c.imported || findLayerModule(c.id)) || drawnFromTiles(c.numberOfFeatures)) continue;
    const r = api.items(c.id);
    r.catch(() => {}); // Reported per layer below.
    requests.set(c.id, r);
  }
  await styleLoaded;
  // Collections the office imported get a generic module, added to the map in drawing order.
  for (const m of addImportedModules(collections, panelModules)) layers.addModule(m);
  const modules = LAYER_MODULES.filter((m) => store.info.has(m.id));
  for (const m of modules) store.layer(m.id).load = 'loading';
  store.emit('data');
  await Promise.all(
    modules.map(async (m) => {
      try {
        // A large collection is drawn from vector tiles; its features are fetched one by one when clicked.
        if (drawnFromTiles(store.info.get(m.id)?.numberOfFeatures)) {
          const info = store.info.get(m.id);
          layers.switchToTiles(m.id, api.url(tilesetPath(m.id)), tiledLabelMinzoom(info?.numberOfFeatures ?? 0, info?.extent?.spatial.bbox[0]));
          store.features.set(m.id, []);
          store.layer(m.id).load = 'ready';
          store.layer(m.id).error = undefined;
          store.emit('data');
          return;
        }
        const fc = await (requests.get(m.id) ?? api.items(m.id));
        store.features.set(m.id, fc.features);
        layers.setData(m.id, fc.features);
        store.layer(m.id).load = 'ready';
        store.layer(m.id).error = undefined;
      } catch (err) {
        store.layer(m.id).load = 'error';
        store.layer(m.id).error = errorText(err);
      }
      store.emit('data');
    }),
  );
  if (firstOpen && !fitted) fitToXincheng();
  const failed = modules.some((m) => store.layer(m.id).load === 'error');
  root.dataset.state = failed ? 'error' : 'ready';
}

let fitted = false;
function fitToXincheng() {
  const xincheng = interaction.xinchengFeature();
  if (!xincheng?.geometry) return;
  fitted = true;
  fitToBounds(map, geometryBounds(xincheng.geometry), interaction.padding(), { duration: 0 });
}

const ready = (async () => {
  await styleLoaded;
  layers.addAll();
  applyBasemap();
  for (const m of LAYER_MODULES) layers.apply(m.id);
  credits.update();
  await loadAll();
  investor.loaded();
  await new Promise<void>((resolve) => {
    if (map.loaded() && map.areTilesLoaded()) resolve();
    map.once('idle', () => resolve());
  });
  // For the render benchmark: navigation start to the first idle with every layer's data drawn.
  performance.mark('xc-ready');
})();
window.__xc = { store, interaction, ready, interactiveLayers: () => layers.visibleInteractive() };
// Analysis tools in a right-side drawer; each registers itself as a tab.
registerAnalysisTools(session);
const dock = new AnalysisDock({ store, api, interaction, ready, session, reload: reloadCollection, refresh: loadAll });
map.addControl(dock, 'top-right');
// The link's analysis tab (issue 13 #17), and the one shown, for the link.
investor.permalink.analysisTool = () => dock.activeTool;
store.on((c) => {
  if (c !== 'analysis-request') return;
  const r = store.analysisRequest;
  dock.open(r.tool ?? (r.compliance ? 'compliance' : 'coverage'));
});
// Measure, print, share, "where am I" and the coordinate readout (issue 13): a chunk of their own (terra-draw, proj4),
// fetched once the map is ready, so its parsing does not compete with the first drawing of the layers.
void ready
  .then(() => import('./tools/map-tools.ts'))
  .then(({ mountMapTools }) =>
    mountMapTools({
      map,
      interaction,
      print: (anchor) => {
        investor.share.close();
        investor.exportDialog.toggle(anchor, 'pdf');
      },
      share: (anchor) => {
        investor.exportDialog.close();
        investor.share.toggle(anchor);
      },
    }),
  )
  .catch((err) => console.warn('Map tools could not be loaded:', err))
  // Everything is on screen: the layers drawn (`xc-ready`) and the tools mounted.
  .finally(() => (root.dataset.idle = 'true'));
// Skip links, Esc, and the layer panel folding while the dock needs the room (issue 13).
installKeyboard({ root, map, dock, layerPanel, interaction });
void session.refresh();

/** After a write: the collection's features again (the server's ETag changed), redrawn, popup refreshed. */
async function reloadCollection(id: string): Promise<void> {
  if (layers.isTiled(id)) {
    // Tiles again (their ETag changed with the write), and the edited features fetched anew when next clicked.
    layers.reloadTiles(id, api.url(tilesetPath(id)));
    store.features.set(id, []);
    store.emit('data');
    return;
  }
  const fc = await api.items(id);
  store.features.set(id, fc.features);
  layers.setData(id, fc.features);
  store.emit('data');
}
