/**
 * Service-radius coverage (服务覆盖), a tool of the analysis dock: pick a preset (parks 500 m, schools,
 * clinics, …) or a radius and an area, and see the coverage share, the targets, the gaps on the map,
 * per-zone figures; add what-if facilities (estimated at once in the browser with the core's Turf
 * code, then recomputed by the server), ask for suggested sites, export gaps and figures. A server
 * result that takes over a second comes through a coverage job (coverage/coverage-job.ts): the panel
 * shows its stage and a cancel button meanwhile.
 */
import { fitToBounds, flyToPoint } from '../camera.ts';
import './coverage.css';
import { bbox } from '@turf/turf';
import type { Geometry, MultiPolygon, Polygon } from 'geojson';
import type { MapMouseEvent } from 'maplibre-gl';
import type { AreaFeature, CoverageResult } from '../../../core/analysis/coverage.ts';
import { targetAreaNeeded, targetVerdict, type CoverageTarget, type DataCompleteness } from '../../../core/presets.ts';
import { ApiError, type AnalysisJob } from '../api.ts';
import { serverCoverage } from '../coverage/coverage-job.ts';
import { CoverageLayers, type MarkedSite } from '../coverage/coverage-layers.ts';
import { defaultInputSettings, inputsRequest, inputsSettings, inputsUsed, type InputSettings } from '../coverage/inputs-view.ts';
import { figuresCsv, gapsGeoJson, type ExportMeta } from '../coverage/export.ts';
import { areaText, distanceText, hectareText, lonLatText, shareText } from '../coverage/format.ts';
import type { CoverageRequest, CoverageResponse, CoverageSuggestResponse, PresetInfo } from '../coverage/types.ts';
import { applyWhatIf, resultFromResponse, serverExtras, serverGains, type WhatIfItem } from '../coverage/what-if.ts';
import { NETWORK_BROWSER_MAX_EDGES } from '../../../core/analysis/coverage-rules.ts';
import { browserNetwork, networkWhatIf, whatIfGrid, type BrowserNetwork } from '../coverage/network-what-if.ts';
import { gapGrid, lonLatOf, type GapGrid } from '../../../core/analysis/coverage-grid.ts';
import { lifeCircleSettings, lifeCircleUsed, networkNote, subAreaTable, zonePeopleHeader, zonePeopleText, zoneUnitCaption, type NetworkState } from '../coverage/network-view.ts';
import { download, h } from '../dom.ts';
import { exportPicker } from '../export/export-picker.ts';
import { anchorPoint, geometryBounds } from '../geometry.ts';
import { getLang, label, onLangChange, pick, t } from '../i18n/index.ts';
import { featureName } from '../store.ts';
import { coverageLinkOf, coverageSettingsOf } from '../analysis-link.ts';
import type { AnalysisContext } from './analysis-dock.ts';

/** Gap polygons listed in the panel; the rest are counted. */
const GAPS_LISTED = 12;
const MAX_RADIUS_METERS = 50_000;

interface Settings {
  presetId: string;
  /** Metres, or null to use the preset's radius / size tiers. */
  customRadiusMeters: number | null;
  includePlanned: boolean;
  area: string;
  /** Denominator, population, method and network (issue 14). */
  inputs: InputSettings;
}

/** What the result area shows: the server's figures or the instant estimate built on them. */
interface Shown {
  source: 'server' | 'instant';
  figures: CoverageResult;
  /** The last server answer: targets, denominator, warnings and method come from it. */
  response: CoverageResponse;
  /** What each what-if item adds (m²), in the order of `items`. */
  gains: number[];
  settings: Settings;
}

type Phase = 'idle' | 'computing' | 'ready' | 'error';

function errorText(err: unknown): string {
  if (err instanceof ApiError) return err.status === 0 ? t().apiUnreachable : `${err.message} (${err.status})`;
  return String((err as Error)?.message ?? err);
}

const POLYGONAL = new Set(['Polygon', 'MultiPolygon']);

/** Thrown inside addItem when the instant estimate cannot be made (the network is not in the browser). */
class NoInstantEstimate extends Error {}

export class CoveragePanel {
  readonly element = h('div', { class: 'xc-cov', 'data-state': 'idle' });
  private readonly layers: CoverageLayers;
  private readonly intro = h('p', { class: 'xc-cov-intro' });
  private readonly settingsBox = h('div', { class: 'xc-cov-settings' });
  private readonly resultBox = h('div', { class: 'xc-cov-result-box', 'aria-live': 'polite' });
  private readonly whatIfBox = h('div', { class: 'xc-cov-whatif' });
  private readonly suggestBox = h('div', { class: 'xc-cov-suggest' });
  private presets: PresetInfo[] = [];
  private presetsError: string | null = null;
  private settings: Settings = { presetId: 'parks', customRadiusMeters: null, includePlanned: false, area: 'central_area', inputs: defaultInputSettings() };
  /** What the office imported that coverage can use (GET /api/analysis/coverage/inputs), read on each opening. */
  private choices: import('../coverage/types.ts').CoverageInputChoices | null = null;
  private useCustom = false;
  private customText = '500';
  private phase: Phase = 'idle';
  private error: string | null = null;
  private shown: Shown | null = null;
  private items: WhatIfItem[] = [];
  private nextItem = 1;
  private request: AbortController | null = null;
  /** The job the server's coverage runs as, once it has taken over a second (its stage). */
  private job: AnalysisJob | null = null;
  /** The last computation was cancelled (said until the next one). */
  private cancelled = false;
  private suggestRequest: AbortController | null = null;
  private suggestions: CoverageSuggestResponse | null = null;
  private accepted = new Set<number>();
  private suggestPhase: Phase = 'idle';
  private suggestError: string | null = null;
  private suggestCount = 3;
  private adding = false;
  private selectedGap: string | null = null;
  /** The share before any what-if facility (server), to show what they add. */
  private baseShare: number | null = null;
  private isOpen = false;
  private fittedArea: string | null = null;
  /** The browser's copy of the walking network of the shown result (network method), for the instant what-if. */
  private net: { key: string; view: NetworkState; value?: BrowserNetwork } | null = null;
  /** Each what-if item's reached streets when the browser computed them (network method), drawn as wide as the buffer. */
  private itemAreas = new Map<string, Geometry | null>();
  /** The shown server result's gaps as cells (network method), made once per result; the instant what-ifs cover cells on it. */
  private grid: { response: CoverageResponse; value: GapGrid; ms: number } | null = null;
  private unsubscribe: (() => void)[] = [];

  constructor(private readonly ctx: AnalysisContext) {
    this.layers = new CoverageLayers(ctx.map);
    this.element.append(this.intro, this.settingsBox, this.resultBox, this.whatIfBox, this.suggestBox);
    this.unsubscribe.push(onLangChange(() => this.render()));
    this.render();
  }

  /** The tab is shown: load the presets once, and put a kept result back on the map. */
  async open(): Promise<void> {
    this.isOpen = true;
    await this.ctx.ready;
    if (!this.presets.length && !this.presetsError) {
      try {
        this.presets = (await this.ctx.api.presets()).presets;
      } catch (err) {
        this.presetsError = errorText(err);
      }
      this.renderSettings();
    }
    // Layers imported since the last opening become choices.
    try {
      this.choices = await this.ctx.api.coverageInputs();
    } catch {
      this.choices = null;
    }
    // The settings a link asked for (issue 13 #17), computed at once.
    const asked = this.ctx.store.takeAnalysisRequest('coverage');
    if (asked) {
      this.settings = coverageSettingsOf(asked) as Settings;
      this.useCustom = this.settings.customRadiusMeters !== null;
      if (this.useCustom) this.customText = String(this.settings.customRadiusMeters);
      this.renderSettings();
      this.run();
      return;
    }
    this.renderSettings();
    if (this.isOpen) this.drawMap();
  }

  /** The tab is hidden: adding stops and the tool's layers leave the map. */
  close(): void {
    this.isOpen = false;
    this.setAdding(false);
    this.layers.remove();
  }

  destroy(): void {
    this.close();
    this.request?.abort();
    this.suggestRequest?.abort();
    for (const u of this.unsubscribe) u();
  }

  private get preset(): PresetInfo | undefined {
    return this.presets.find((p) => p.id === this.settings.presetId);
  }

  /** Radius (m) a new facility counts at under the shown result's settings. */
  private newRadiusMeters(): number {
    return this.shown?.response.radius.newFacilityRadiusMeters ?? this.settings.customRadiusMeters ?? this.preset?.newFacilityRadiusMeters ?? 500;
  }

  private body(settings: Settings): CoverageRequest {
    return {
      preset: settings.presetId,
      ...(settings.customRadiusMeters !== null ? { radiusMeters: settings.customRadiusMeters } : {}),
      area: settings.area,
      includePlanned: settings.includePlanned,
      ...inputsRequest(settings.inputs),
    };
  }

  private setPhase(phase: Phase): void {
    this.phase = phase;
    this.element.dataset.state = phase;
  }

  // ---- running -------------------------------------------------------------------------------

  /** Run with the form's settings: what-ifs and suggestions start afresh. */
  private run(): void {
    if (this.useCustom) {
      const r = Number(this.customText);
      if (!Number.isFinite(r) || r <= 0 || r > MAX_RADIUS_METERS) {
        this.error = t().coverage.radiusInvalid;
        this.setPhase('error');
        return this.renderResult();
      }
      this.settings.customRadiusMeters = r;
    } else this.settings.customRadiusMeters = null;
    this.items = [];
    this.itemAreas.clear();
    this.nextItem = 1;
    this.clearSuggestions();
    this.selectedGap = null;
    void this.compute({ ...this.settings, inputs: { ...this.settings.inputs } });
  }

  /** Asks the server for the coverage with the current what-if items; the shown figures stay until it answers. */
  private async compute(settings: Settings): Promise<void> {
    this.request?.abort();
    const request = new AbortController();
    this.request = request;
    const items = [...this.items];
    const { points, ranges } = serverExtras(items);
    this.error = null;
    this.setPhase('computing');
    this.renderResult();
    this.renderWhatIf();
    this.job = null;
    this.cancelled = false;
    try {
      // Over a second, the analysis runs as a job: its stage is shown with a cancel button.
      const response = await serverCoverage(this.ctx.api, { ...this.body(settings), ...(points.length ? { extraFacilities: points } : {}) }, request.signal, (job) => {
        if (request.signal.aborted) return;
        this.job = job;
        this.renderResult();
      });
      this.job = null;
      if (request.signal.aborted) return;
      this.shown = { source: 'server', figures: resultFromResponse(response), response, gains: serverGains(response, ranges), settings };
      // The share link carries these settings (issue 13 #17).
      this.ctx.store.setAnalysis({ coverage: coverageLinkOf(settings) });
      if (!items.length) this.baseShare = response.coverageShare;
      if (response.methodName === 'network') void this.loadNetwork(response);
      else this.net = null;
      this.setPhase('ready');
      const first = this.fittedArea !== settings.area;
      if (first) this.fitArea(settings.area);
      this.drawMap();
      this.render();
      this.prepareGrid();
      // A new area's result: bring it into view below the settings.
      if (first) this.resultBox.scrollIntoView({ block: 'start', behavior: 'smooth' });
      return;
    } catch (err) {
      if (request.signal.aborted) return;
      this.job = null;
      this.error = errorText(err);
      this.setPhase('error');
    }
    this.drawMap();
    this.render();
  }

  /** The cancel button of a running job: the job is cancelled on the server (its statement stopped), the last result stays. */
  private cancelCompute(): void {
    this.request?.abort();
    this.job = null;
    this.cancelled = true;
    this.setPhase(this.shown ? 'ready' : 'idle');
    this.render();
  }

  private clear(): void {
    this.request?.abort();
    this.job = null;
    this.cancelled = false;
    this.suggestRequest?.abort();
    this.setAdding(false);
    this.shown = null;
    this.items = [];
    this.error = null;
    this.selectedGap = null;
    this.fittedArea = null;
    this.clearSuggestions();
    this.setPhase('idle');
    this.ctx.store.setAnalysis({ coverage: undefined });
    this.layers.remove();
    this.render();
  }

  // ---- what-if -------------------------------------------------------------------------------

  private setAdding(on: boolean): void {
    if (on === this.adding) return;
    this.adding = on;
    const map = this.ctx.map;
    this.ctx.interaction.paused = on;
    map.getCanvas().style.cursor = on ? 'crosshair' : '';
    if (on) {
      map.on('click', this.onMapClick);
      window.addEventListener('keydown', this.onKey);
    } else {
      map.off('click', this.onMapClick);
      window.removeEventListener('keydown', this.onKey);
    }
    this.renderWhatIf();
  }

  private onMapClick = (e: MapMouseEvent): void => {
    this.addItem({ kind: 'point', id: `add-${this.nextItem++}`, lonLat: [e.lngLat.lng, e.lngLat.lat] });
  };

  private onKey = (e: KeyboardEvent): void => {
    if (e.key === 'Escape') this.setAdding(false);
  };

  /** Adds a what-if facility: the instant estimate (Turf) at once, then the server's figures. */
  private addItem(item: WhatIfItem): void {
    const shown = this.shown;
    if (!shown) return;
    this.items.push(item);
    try {
      const zones = (this.ctx.store.features.get('zones') ?? []).filter((f) => f.geometry && POLYGONAL.has(f.geometry.type)) as unknown as AreaFeature[];
      let figures: CoverageResult;
      if (shown.response.methodName === 'network') {
        // On a network: the reached streets from the browser's copy of it (the same core code as the
        // server), counted on the result's gap cells; without it (loading, too large) no instant
        // estimate — the server's figures follow.
        const est = this.networkEstimate(item, shown);
        if (!est) throw new NoInstantEstimate();
        figures = est;
      } else figures = applyWhatIf(shown.figures, [item], this.newRadiusMeters(), zones);
      this.shown = { ...shown, source: 'instant', figures, gains: [...shown.gains, figures.gainsSquareMeters.at(-1) ?? 0] };
    } catch (err) {
      // Turf's overlay can fail on a degenerate gap; the server's figures follow anyway.
      if (!(err instanceof NoInstantEstimate)) console.warn('Instant coverage estimate failed:', err);
    }
    this.drawMap();
    this.render();
    void this.compute(shown.settings);
  }

  /** The browser's copy of the result's network: fetched and built once per version (none beyond NETWORK_BROWSER_MAX_EDGES). */
  private async loadNetwork(resp: CoverageResponse): Promise<void> {
    const id = resp.inputs?.network?.collection;
    if (!id) return;
    const version = resp.network?.version ?? null;
    const key = `${id}@${version ?? ''}`;
    if (this.net?.key === key && this.net.view.state !== 'error') return;
    const edges = resp.network?.edges ?? 0;
    if (edges > NETWORK_BROWSER_MAX_EDGES) {
      this.net = { key, view: { state: 'too-large', edges, max: NETWORK_BROWSER_MAX_EDGES } };
      return this.renderWhatIf();
    }
    this.net = { key, view: { state: 'loading' } };
    this.renderWhatIf();
    try {
      const value = await browserNetwork(this.ctx.api, id, version);
      if (this.net?.key !== key) return;
      this.net = value.graph
        ? { key, value, view: { state: 'ready', bufferMeters: value.info.bufferMeters } }
        : { key, view: { state: 'too-large', edges: value.info.edges, max: value.info.browserMaxEdges } };
      this.prepareGrid();
    } catch (err) {
      if (this.net?.key !== key) return;
      this.net = { key, view: { state: 'error', error: errorText(err) } };
    }
    this.renderWhatIf();
  }

  /** The shown result's gaps as cells for the network what-if: made once per server result (kept while the instant what-ifs change it). */
  private gridFor(shown: Shown): GapGrid {
    if (this.grid?.response !== shown.response) {
      const { grid, ms } = whatIfGrid(shown.response);
      this.grid = { response: shown.response, value: grid, ms };
    }
    return this.grid.value;
  }

  /** Makes the grid ahead of the first click, once the network and a network result are both here. */
  private prepareGrid(): void {
    const shown = this.shown;
    const net = this.net?.value;
    if (!(shown?.source === 'server' && shown.response.methodName === 'network' && this.net?.view.state === 'ready' && net?.graph)) return;
    const ready = net as BrowserNetwork & { graph: NonNullable<BrowserNetwork['graph']> };
    const warm = this.grid?.response !== shown.response;
    try {
      this.prepare(shown, ready, warm);
    } catch (err) {
      // Preparing ahead is an optimisation: the first click makes the grid itself if this failed.
      console.warn('Preparing the network what-if failed:', err);
    }
  }

  private prepare(shown: Shown, net: BrowserNetwork & { graph: NonNullable<BrowserNetwork['graph']> }, warm: boolean): void {
    this.gridFor(shown);
    // Once per result, three trial estimates on a throwaway grid (2 km around the network's middle), so
    // the browser has compiled the search and the cell loops before the first click needs them at once.
    if (warm) {
      const g = net.graph;
      const [x, y] = g.nodes[g.edges[g.edges.length >> 1]?.u ?? 0] ?? [0, 0];
      const square = [[x - 1000, y - 1000], [x + 1000, y - 1000], [x + 1000, y + 1000], [x - 1000, y + 1000], [x - 1000, y - 1000]].map((p) => lonLatOf(p));
      const trial = gapGrid({ type: 'FeatureCollection', features: [{ type: 'Feature', properties: { areaSquareMeters: 4e6 }, geometry: { type: 'Polygon', coordinates: [square] } }] });
      for (const [dx, dy] of [[0, 0], [-300, 200], [250, -350]]) {
        networkWhatIf(net, trial, shown.figures, { type: 'Point', coordinates: lonLatOf([x + dx, y + dy]) }, this.newRadiusMeters());
      }
    }
  }

  /** A what-if item's instant estimate on the browser's network (reached streets, gap cells), or null when the browser has no network to use. */
  private networkEstimate(item: WhatIfItem, shown: Shown): CoverageResult | null {
    const net = this.net;
    if (!net?.value?.graph || net.view.state !== 'ready') return null;
    const grid = this.gridFor(shown);
    const est = networkWhatIf(net.value, grid, shown.figures, item.kind === 'point' ? { type: 'Point', coordinates: item.lonLat } : item.geometry, this.newRadiusMeters());
    this.itemAreas.set(item.id, est.reach.geometry);
    net.view = {
      ...net.view,
      last: {
        lengthMeters: est.reach.lengthMeters,
        ms: est.reach.searchMs + est.gridMs + est.reach.drawMs,
        searchMs: est.reach.searchMs,
        gridMs: est.gridMs,
        cellMeters: grid.cellMeters,
        offNetwork: !est.reach.geometry,
        maxAccessMeters: net.value.info.maxAccessMeters,
      },
    };
    return est.figures;
  }

  private removeItem(id: string): void {
    const i = this.items.findIndex((x) => x.id === id);
    if (i < 0 || !this.shown) return;
    this.items.splice(i, 1);
    this.shown = { ...this.shown, gains: this.shown.gains.filter((_, j) => j !== i) };
    for (const [rank, itemId] of this.acceptedItems) if (itemId === id) this.accepted.delete(rank);
    this.drawMap();
    void this.compute(this.shown.settings);
  }

  /** Planned parks with a polygon that the current result does not count yet. */
  private plannedParks() {
    const s = this.shown?.settings;
    if (!s || s.includePlanned || this.shown?.response.facilities.collection !== 'parks') return [];
    return (this.ctx.store.features.get('parks') ?? []).filter((f) => f.properties.status !== 'existing' && f.properties.status != null && f.geometry && POLYGONAL.has(f.geometry.type));
  }

  // ---- suggestions ---------------------------------------------------------------------------

  private acceptedItems = new Map<number, string>();

  private clearSuggestions(): void {
    this.suggestRequest?.abort();
    this.suggestions = null;
    this.accepted.clear();
    this.acceptedItems.clear();
    this.suggestPhase = 'idle';
    this.suggestError = null;
  }

  private async suggest(): Promise<void> {
    const shown = this.shown;
    if (!shown) return;
    const count = Math.round(this.suggestCount);
    if (!(count >= 1 && count <= 10)) return;
    this.clearSuggestions();
    const request = new AbortController();
    this.suggestRequest = request;
    this.suggestPhase = 'computing';
    this.renderSuggestions();
    this.drawMap();
    try {
      const { points } = serverExtras(this.items);
      const response = await this.ctx.api.coverageSuggest({ ...this.body(shown.settings), ...(points.length ? { extraFacilities: points } : {}), count }, request.signal);
      if (request.signal.aborted) return;
      this.suggestions = response;
      this.suggestPhase = 'ready';
      this.showSuggestionsInView(response);
    } catch (err) {
      if (request.signal.aborted) return;
      this.suggestError = errorText(err);
      this.suggestPhase = 'error';
    }
    this.drawMap();
    this.renderSuggestions();
    if (this.suggestPhase === 'ready') this.suggestBox.scrollIntoView({ block: 'nearest', behavior: 'smooth' });
  }

  /** Moves the map to the suggested sites when some of them are off screen. */
  private showSuggestionsInView(response: CoverageSuggestResponse): void {
    const features = response.suggestions.features;
    if (!features.length) return;
    const view = this.ctx.map.getBounds();
    if (features.every((f) => view.contains(f.geometry.coordinates as [number, number]))) return;
    const [w, s, e, n] = bbox(response.suggestions);
    // Grown by the service radius, so the circles fit too.
    const dLat = features[0].properties.radiusMeters / 111_320;
    const dLon = dLat / Math.cos((((s + n) / 2) * Math.PI) / 180);
    this.fitBox([w - dLon, s - dLat, e + dLon, n + dLat], 14);
  }

  private accept(rank: number): void {
    const f = this.suggestions?.suggestions.features.find((s) => s.properties.rank === rank);
    if (!f || this.accepted.has(rank)) return;
    this.accepted.add(rank);
    const id = `suggestion-${rank}-${this.nextItem++}`;
    this.acceptedItems.set(rank, id);
    this.addItem({ kind: 'point', id, lonLat: f.geometry.coordinates as [number, number] });
  }

  // ---- map -----------------------------------------------------------------------------------

  private areaGeometry(area: string): Geometry | null {
    const store = this.ctx.store;
    let g: Geometry | null | undefined = null;
    if (area === 'central_area') g = store.features.get('central_area')?.find((f) => f.geometry)?.geometry;
    else if (area === 'district') g = this.ctx.interaction.xinchengFeature()?.geometry;
    else if (area.startsWith('zone:')) g = store.feature('zones', area.slice(5))?.geometry;
    return g ?? null;
  }

  private fitArea(area: string): void {
    const g = this.areaGeometry(area);
    if (!g) return;
    this.fittedArea = area;
    fitToBounds(this.ctx.map, geometryBounds(g), this.ctx.padding(), { duration: 500 });
  }

  private fitBox(b: number[], maxZoom = 15): void {
    fitToBounds(this.ctx.map, b as [number, number, number, number], this.ctx.padding(), { maxZoom, duration: 500 });
  }

  private drawMap(): void {
    if (!this.isOpen) return;
    const shown = this.shown;
    if (!shown) return this.layers.clear();
    this.layers.showResult(this.areaGeometry(shown.settings.area), shown.figures.gaps);
    this.layers.selectGap(this.selectedGap);
    const radius = this.newRadiusMeters();
    // On a network a new facility's area is its reached streets (when the browser computed them), not a circle.
    const onNetwork = shown.response.methodName === 'network';
    const area = (id: string) => (onNetwork ? { serviceArea: this.itemAreas.get(id) ?? null } : {});
    const netInfo = onNetwork ? this.net?.value?.info : undefined;
    const lat = this.items.length ? (this.items[0].kind === 'point' ? this.items[0].lonLat[1] : this.items[0].anchor[1]) : 40.8;
    this.layers.showWhatIf(
      this.items.map((it, i): MarkedSite =>
        it.kind === 'point'
          ? { id: it.id, geometry: { type: 'Point', coordinates: it.lonLat }, center: it.lonLat, radiusMeters: radius, label: `+${i + 1}`, ...area(it.id) }
          : { id: it.id, geometry: it.geometry, center: null, radiusMeters: radius, label: `+${i + 1}`, ...area(it.id) },
      ),
      netInfo ? { bufferMeters: netInfo.bufferMeters, lat } : undefined,
    );
    const sug = this.suggestions?.suggestions.features.filter((f) => !this.accepted.has(f.properties.rank)) ?? [];
    this.layers.showSuggestions(
      sug.map((f) => ({
        id: `suggestion-${f.properties.rank}`,
        geometry: f.geometry,
        center: f.geometry.coordinates as [number, number],
        radiusMeters: f.properties.radiusMeters,
        label: String(f.properties.rank),
        // On a network a circle would mislead: the site's walking area is in the server's figures.
        ...(onNetwork ? { serviceArea: null } : {}),
      })),
    );
  }

  // ---- rendering -----------------------------------------------------------------------------

  private render(): void {
    this.intro.textContent = t().coverage.intro;
    this.renderSettings();
    this.renderResult();
    this.renderWhatIf();
    this.renderSuggestions();
  }

  private radiusText(p: PresetInfo | undefined, custom: number | null): string {
    if (custom !== null) return distanceText(custom);
    if (!p) return '';
    return p.tiers.length === 1 ? distanceText(p.tiers[0].radiusMeters) : p.tiers.map((x) => pick(x.title)).join('；');
  }

  private statusBadge(status: string): HTMLElement | null {
    if (status === 'confirmed') return null;
    return h('span', { class: `xc-cov-status xc-cov-status-${status}`, 'data-status': status }, label(t().coverage.status, status));
  }

  private renderSettings(): void {
    const m = t().coverage;
    if (this.presetsError) {
      this.settingsBox.replaceChildren(h('div', { class: 'xc-cov-error', role: 'alert' }, m.presetsFailed(this.presetsError)));
      return;
    }
    const presetSelect = h(
      'select',
      { class: 'xc-cov-preset', 'aria-label': m.preset },
      ...this.presets.map((p) => h('option', { value: p.id, selected: p.id === this.settings.presetId }, pick(p.title) + (p.status !== 'confirmed' ? ` · ${label(m.status, p.status)}` : ''))),
    );
    presetSelect.addEventListener('change', () => {
      this.settings.presetId = presetSelect.value;
      this.renderSettings();
    });

    const customCheck = h('input', { type: 'checkbox', class: 'xc-cov-custom-check', checked: this.useCustom });
    const radiusInput = h('input', { type: 'number', class: 'xc-cov-radius', min: '1', max: String(MAX_RADIUS_METERS), step: '50', value: this.customText, disabled: !this.useCustom, 'aria-label': m.customRadius });
    customCheck.addEventListener('change', () => {
      this.useCustom = customCheck.checked;
      radiusInput.disabled = !this.useCustom;
      this.renderSettings();
    });
    radiusInput.addEventListener('input', () => (this.customText = radiusInput.value));

    const radio = (value: boolean, text: string) => {
      const input = h('input', { type: 'radio', name: 'xc-cov-planned', value: String(value), checked: this.settings.includePlanned === value });
      input.addEventListener('change', () => {
        if (input.checked) this.settings.includePlanned = value;
      });
      return h('label', { class: 'xc-cov-radio' }, input, text);
    };

    const zones = this.ctx.store.features.get('zones') ?? [];
    const areaSelect = h(
      'select',
      { class: 'xc-cov-area', 'aria-label': m.area },
      h('option', { value: 'central_area', selected: this.settings.area === 'central_area' }, m.areaCentral),
      ...zones.map((z) => h('option', { value: `zone:${z.id}`, selected: this.settings.area === `zone:${z.id}` }, m.areaZone(featureName(z)))),
      h('option', { value: 'district', selected: this.settings.area === 'district' }, m.areaDistrict),
    );
    areaSelect.addEventListener('change', () => (this.settings.area = areaSelect.value));

    const run = h('button', { type: 'button', class: 'xc-cov-button xc-cov-run', disabled: !this.presets.length }, m.run);
    run.addEventListener('click', () => this.run());
    const clear = h('button', { type: 'button', class: 'xc-cov-button xc-cov-button-quiet xc-cov-clear', disabled: !this.shown && this.phase !== 'error' }, m.clear);
    clear.addEventListener('click', () => this.clear());

    const p = this.preset;
    const info = p
      ? h(
          'div',
          { class: 'xc-cov-preset-info', 'data-preset': p.id, 'data-status': p.status },
          p.dataCompleteness.level === 'plan-only' ? this.incompleteNotice(p.dataCompleteness, false) : null,
          h('div', {}, h('strong', {}, `${m.tiers}${m.colon}`), this.useCustom ? m.customRadiusHint : this.radiusText(p, null), ' ', this.useCustom ? null : this.statusBadge(p.status)),
          h('div', { class: 'xc-cov-source' }, h('strong', {}, `${m.source}${m.colon}`), getLang() === 'zh' ? (p.sourceZh ?? p.source) : p.source),
          p.note ? h('div', { class: 'xc-cov-note' }, pick(p.note)) : null,
          h(
            'div',
            {},
            h('strong', {}, `${m.targets}${m.colon}`),
            // Each target's source is listed with the result, next to whether it is met.
            p.targets.length ? p.targets.map((x) => pick(x.title)).join('；') : m.noTargets,
          ),
        )
      : null;

    this.settingsBox.replaceChildren(
      h(
        'details',
        { class: 'xc-cov-section', open: true },
        h('summary', {}, m.settings),
        h('label', { class: 'xc-cov-field' }, h('span', {}, m.preset), presetSelect),
        info,
        h('label', { class: 'xc-cov-field xc-cov-field-inline' }, customCheck, h('span', {}, m.customRadius), radiusInput),
        h('div', { class: 'xc-cov-field' }, h('span', {}, m.facilitySet), h('div', { class: 'xc-cov-radios' }, radio(false, m.existingOnly), radio(true, m.withPlanned))),
        h('label', { class: 'xc-cov-field' }, h('span', {}, m.area), areaSelect),
        inputsSettings(this.choices, this.settings.inputs, () => this.renderSettings()),
        this.settings.inputs.method === 'network'
          ? lifeCircleSettings(this.useCustom ? Number(this.customText) : null, (meters) => {
              this.useCustom = meters !== null;
              if (meters !== null) this.customText = String(meters);
              this.renderSettings();
            })
          : null,
        h('div', { class: 'xc-cov-toolbar' }, run, clear),
      ),
    );
  }

  private areaTitle(response: CoverageResponse, area: string): string {
    if (area.startsWith('zone:')) return this.ctx.store.zoneName(area.slice(5)) ?? pick(response.denominator.title);
    return pick(response.denominator.title);
  }

  private exportMeta(s: Shown): ExportMeta {
    const p = this.presets.find((x) => x.id === s.settings.presetId);
    return {
      presetId: s.settings.presetId,
      presetTitle: p ? pick(p.title) : s.settings.presetId,
      radiusText: this.radiusText(p, s.settings.customRadiusMeters),
      area: s.settings.area,
      areaTitle: this.areaTitle(s.response, s.settings.area),
      includePlanned: s.settings.includePlanned,
      source: s.source,
      // With what-if facilities the result is a scenario: the exports list them and say so.
      whatIf: this.items.map((it, i) => ({
        label: it.kind === 'point' ? t().coverage.added(i + 1) : t().coverage.plannedPark(featureName(this.ctx.store.feature('parks', it.parkId)!)),
        kind: it.kind,
        coordinates: it.kind === 'point' ? it.lonLat : it.anchor,
        parkId: it.kind === 'planned-park' ? it.parkId : null,
        gainSquareMeters: s.gains[i] ?? null,
      })),
      baseShare: this.items.length ? this.baseShare : null,
    };
  }

  private targetLine(target: CoverageTarget, share: number, main: boolean, completeness: DataCompleteness | undefined, areaId: string): HTMLElement {
    const m = t().coverage;
    // A target set for another area (旧城 80 % on the central area) is not judged: it says what it needs.
    const verdict = targetVerdict(share, target, completeness, areaId);
    const cls = verdict === 'met' ? 'xc-cov-met' : verdict === 'not_met' ? 'xc-cov-not-met' : 'xc-cov-not-assessable';
    const mark = verdict === 'met' ? '✓' : verdict === 'not_met' ? '✗' : '–';
    const needed = verdict === 'needs_area' ? targetAreaNeeded(target) : null;
    const text = verdict === 'met' ? m.met : verdict === 'not_met' ? m.notMet : needed ? pick(needed) : m.notAssessable;
    return h(
      'li',
      {
        class: `xc-cov-target ${cls}${main ? ' xc-cov-target-main' : ''}`,
        'data-met': verdict === 'not_assessable' ? 'null' : String(verdict === 'met'),
        'data-verdict': verdict,
      },
      h('span', { class: 'xc-cov-mark', 'aria-hidden': 'true' }, mark),
      h('span', {}, `${pick(target.title)}${m.colon}${text}`, main ? ` (${m.mainTarget})` : '', h('div', { class: 'xc-cov-sub' }, getLang() === 'zh' ? (target.sourceZh ?? target.source) : target.source)),
    );
  }

  /** The amber notice for plan-only facility data: the share is not a finding, targets not assessable. */
  private incompleteNotice(c: DataCompleteness, withHint: boolean): HTMLElement {
    const m = t().coverage;
    return h(
      'div',
      { class: 'xc-cov-incomplete', role: 'note', 'data-level': c.level },
      h('strong', {}, m.incompleteTitle),
      h('div', {}, pick(c.note)),
      withHint ? h('div', { class: 'xc-cov-sub' }, m.incompleteHint) : null,
    );
  }

  /** The support zone a gap lies in, in the current language (the store's name first). */
  private gapZoneText(id: string | null, name: string | null, nameEn: string | null): string {
    if (!id) return t().coverage.gapOutside;
    return this.ctx.store.zoneName(id) ?? (getLang() === 'en' ? (nameEn ?? name ?? id) : (name ?? id));
  }

  /** While computing: the spinner, and once the analysis has become a job its stage (step k of n) and a cancel button. */
  private progressView(): HTMLElement {
    const m = t().coverage;
    const spinner = h('span', { class: 'xc-spinner', 'aria-hidden': 'true' });
    const job = this.job;
    if (!job) return h('div', { class: 'xc-cov-progress', role: 'status' }, spinner, m.computing);
    const { done, total, stage } = job.progress;
    const text = stage ? m.stageOf(done + 1, total ?? done + 1, m.stages[stage] ?? stage) : m.waitingSlot;
    const cancel = h('button', { type: 'button', class: 'xc-cov-button xc-cov-cancel' }, m.cancel);
    cancel.addEventListener('click', () => this.cancelCompute());
    return h('div', { class: 'xc-cov-progress', role: 'status', 'data-job': job.id, 'data-stage': stage ?? 'waiting' }, spinner, h('span', { class: 'xc-cov-stage' }, text), cancel);
  }

  private renderResult(): void {
    const m = t().coverage;
    const s = this.shown;
    const progress = this.phase === 'computing' ? this.progressView() : this.cancelled ? h('div', { class: 'xc-cov-progress xc-cov-cancelled', role: 'status' }, m.cancelled) : null;
    const error = this.phase === 'error' && this.error ? h('div', { class: 'xc-cov-error', role: 'alert' }, m.failed(this.error)) : null;
    if (!s) {
      this.resultBox.replaceChildren(progress ?? '', error ?? '');
      return;
    }
    const r = s.figures;
    const resp = s.response;
    const lang = getLang();
    const isParks = resp.preset?.id === 'parks';
    const completeness = resp.dataCompleteness ?? undefined;
    const incomplete = completeness?.level === 'plan-only' ? this.incompleteNotice(completeness, resp.targets.length > 0) : null;
    const warnings = resp.warningDetails?.length ? resp.warningDetails.map((w) => (lang === 'en' ? w.en : w.zh)) : resp.warnings;
    const method = lang === 'en' ? resp.method : (resp.methodZh ?? resp.method);

    const zoneRows = r.byZone.map((z) =>
      h(
        'tr',
        { 'data-zone': z.id },
        h('td', {}, this.ctx.store.zoneName(z.id) ?? (lang === 'en' ? (z.nameEn ?? z.name) : z.name)),
        h('td', { class: 'xc-cov-num' }, shareText(z.coverageShare)),
        h('td', { class: 'xc-cov-num' }, `${areaText(z.coveredSquareMeters)} / ${areaText(z.areaSquareMeters)}`),
        resp.population ? h('td', { class: 'xc-cov-num xc-cov-zone-people' }, zonePeopleText(z as { people?: number; coveredPeople?: number }) ?? '') : null,
      ),
    );
    const gapRows = r.gaps.features.slice(0, GAPS_LISTED).map((g, i) => {
      const id = `gap-${i + 1}`;
      const li = h(
        'li',
        { class: 'xc-cov-gap', 'data-gap': id, 'aria-selected': String(this.selectedGap === id) },
        h('button', { type: 'button', class: 'xc-cov-link', title: m.zoomTo }, m.gap(i + 1)),
        h('span', { class: 'xc-cov-gap-zone' }, this.gapZoneText(g.properties.zoneId ?? null, g.properties.zoneName ?? null, g.properties.zoneNameEn ?? null)),
        h('span', { class: 'xc-cov-num' }, areaText(g.properties.areaSquareMeters)),
      );
      li.querySelector('button')!.addEventListener('click', () => {
        this.selectedGap = id;
        this.layers.selectGap(id);
        for (const el of this.resultBox.querySelectorAll('.xc-cov-gap')) el.setAttribute('aria-selected', String((el as HTMLElement).dataset.gap === id));
        this.fitBox(bbox(g));
      });
      return li;
    });

    const exportGaps = h('button', { type: 'button', class: 'xc-cov-button xc-cov-export-gaps' }, m.exportGaps);
    exportGaps.addEventListener('click', () => {
      const meta = this.exportMeta(s);
      download(`coverage-gaps-${meta.presetId}-${meta.area.replace(':', '-')}.geojson`, gapsGeoJson(r, meta), 'application/geo+json');
    });
    // The gaps in the office's formats and coordinate systems, written by the server's GDAL.
    const gapsPicker = exportPicker(t().exporting.gaps, async (choice) => {
      const meta = this.exportMeta(s);
      const file = await this.ctx.api.exportAnalysis(JSON.parse(gapsGeoJson(r, meta)), `coverage-gaps-${meta.presetId}`.replace(/[^A-Za-z0-9_-]/g, '_'), choice);
      download(file.fileName, file.blob);
    });
    const exportCsv = h('button', { type: 'button', class: 'xc-cov-button xc-cov-export-csv' }, m.exportCsv);
    exportCsv.addEventListener('click', () => {
      const meta = this.exportMeta(s);
      download(`coverage-${meta.presetId}-${meta.area.replace(':', '-')}.csv`, figuresCsv(r, resp, meta), 'text/csv;charset=utf-8');
    });

    const legend = h(
      'div',
      { class: 'xc-cov-legend' },
      h('span', {}, h('i', { class: 'xc-cov-swatch xc-cov-swatch-covered' }), m.legendCovered),
      h('span', {}, h('i', { class: 'xc-cov-swatch xc-cov-swatch-gap' }), m.legendGap),
      this.items.length ? h('span', {}, h('i', { class: 'xc-cov-swatch xc-cov-swatch-whatif' }), m.legendWhatIf) : null,
      this.suggestions?.suggestions.features.length ? h('span', {}, h('i', { class: 'xc-cov-swatch xc-cov-swatch-suggestion' }), m.legendSuggestion) : null,
    );

    const mainTarget = resp.target;
    this.resultBox.replaceChildren(
      h(
        'details',
        { class: 'xc-cov-section', open: true },
        h('summary', {}, m.result),
        h(
          'div',
          { class: 'xc-cov-result', 'data-source': s.source },
          h(
            'div',
            { class: 'xc-cov-result-head' },
            h('span', { class: 'xc-cov-title' }, resp.preset ? pick(resp.preset.title) : ''),
            h('span', { class: `xc-cov-source-tag xc-cov-source-${s.source}` }, s.source === 'instant' ? m.instant : m.server),
          ),
          progress,
          error,
          incomplete,
          h(
            'div',
            { class: 'xc-cov-headline', 'data-assessable': String(!incomplete) },
            h('span', { class: 'xc-cov-share', 'data-share': String(r.coverageShare) }, shareText(r.coverageShare)),
            h('span', { class: 'xc-cov-share-label' }, m.coverage),
          ),
          h(
            'dl',
            { class: 'xc-cov-facts' },
            h('dt', {}, m.covered),
            h('dd', { class: 'xc-cov-covered' }, areaText(r.coveredSquareMeters)),
            h('dt', {}, m.uncovered),
            h('dd', { class: 'xc-cov-uncovered' }, areaText(Math.max(0, r.areaSquareMeters - r.coveredSquareMeters))),
            h('dt', {}, m.areaTotal),
            h('dd', {}, areaText(r.areaSquareMeters)),
            h('dt', {}, m.tiers),
            h('dd', {}, this.radiusText(this.presets.find((p) => p.id === s.settings.presetId), s.settings.customRadiusMeters), ' · ', m.facilities(resp.facilities.counted, resp.facilities.matched)),
            h('dt', {}, m.denominator),
            resp.denominator.collection
              ? h('dd', { class: 'xc-cov-denominator', 'data-collection': resp.denominator.collection }, pick(resp.denominator.title), h('div', { class: 'xc-cov-sub' }, lang === 'en' ? resp.denominator.description : (resp.denominator.descriptionZh ?? resp.denominator.description)))
              : h('dd', { class: 'xc-cov-denominator' }, m.denominatorText(this.areaTitle(resp, s.settings.area)), isParks ? h('div', { class: 'xc-cov-sub' }, m.denominatorParks) : null),
          ),
          inputsUsed(resp),
          resp.methodName === 'network'
            ? h('div', { class: 'xc-cov-network-note' }, pick({ zh: '距离为沿路网的步行距离（见下方方法说明）。', en: 'Distances are walking distances along the network (see the method below).' }), lifeCircleUsed(resp))
            : h('div', { class: 'xc-cov-straight' }, m.straightLine),
          resp.facilities.counted === 0 && !this.items.length ? h('div', { class: 'xc-cov-none', role: 'note' }, m.noneCounted(resp.facilities.includePlanned ? 0 : resp.facilities.notExisting)) : null,
          resp.targets.length
            ? h('ul', { class: 'xc-cov-targets' }, ...resp.targets.map((x) => this.targetLine(x, r.coverageShare, !!mainTarget && x.title.en === mainTarget.title.en && x.source === mainTarget.source, completeness, s.settings.area)))
            : null,
          legend,
          zoneRows.length
            ? h(
                'table',
                { class: 'xc-cov-zones' },
                h('caption', {}, m.byZone, h('div', { class: 'xc-cov-sub xc-cov-unit' }, zoneUnitCaption(resp))),
                h(
                  'thead',
                  {},
                  h(
                    'tr',
                    {},
                    h('th', {}, m.colZone),
                    h('th', { class: 'xc-cov-num' }, m.colShare),
                    h('th', { class: 'xc-cov-num' }, `${m.colCovered} / ${m.colArea}`),
                    resp.population ? h('th', { class: 'xc-cov-num' }, zonePeopleHeader()) : null,
                  ),
                ),
                h('tbody', {}, ...zoneRows),
              )
            : null,
          s.source === 'server' ? subAreaTable(resp) : null,
          h('div', { class: 'xc-cov-gaps-title' }, m.gaps(r.gaps.features.length)),
          h('ol', { class: 'xc-cov-gaps' }, ...gapRows),
          r.gaps.features.length > GAPS_LISTED ? h('div', { class: 'xc-cov-sub' }, m.moreGaps(r.gaps.features.length - GAPS_LISTED)) : null,
          warnings.length ? h('details', { class: 'xc-cov-warnings' }, h('summary', {}, `${m.warnings} (${warnings.length})`), h('ul', {}, ...warnings.map((w) => h('li', {}, w)))) : null,
          h('details', { class: 'xc-cov-method' }, h('summary', {}, m.method), h('p', {}, method)),
          h('div', { class: 'xc-cov-toolbar' }, exportGaps, exportCsv),
          r.gaps.features.length ? h('details', { class: 'xc-cov-export' }, h('summary', {}, t().exporting.gaps), gapsPicker) : null,
        ),
      ),
    );
  }

  private renderWhatIf(): void {
    const m = t().coverage;
    const s = this.shown;
    if (!s) {
      this.whatIfBox.replaceChildren();
      return;
    }
    const toggle = h('button', { type: 'button', class: 'xc-cov-button xc-cov-add', 'aria-pressed': String(this.adding) }, this.adding ? m.addModeOn : m.addMode);
    toggle.addEventListener('click', () => this.setAdding(!this.adding));
    const parks = this.plannedParks();
    const items = this.items.map((it, i) => {
      const remove = h('button', { type: 'button', class: 'xc-cov-link xc-cov-remove', title: m.remove, 'aria-label': m.remove }, '×');
      remove.addEventListener('click', () => this.removeItem(it.id));
      const name = it.kind === 'point' ? `${m.added(i + 1)} · ${lonLatText(it.lonLat)}` : m.plannedPark(featureName(this.ctx.store.feature('parks', it.parkId)!));
      const gain = s.gains[i];
      return h('li', { 'data-item': it.id }, h('span', {}, name), h('span', { class: 'xc-cov-num' }, gain === undefined ? '…' : m.gain(hectareText(gain))), remove);
    });
    const parkRows = parks.map((f) => {
      const done = this.items.some((x) => x.kind === 'planned-park' && x.parkId === f.id);
      const b = h('button', { type: 'button', class: 'xc-cov-button xc-cov-switch', disabled: done }, done ? m.switched : m.switchToBuilt);
      b.addEventListener('click', () =>
        this.addItem({ kind: 'planned-park', id: `park-${f.id}`, parkId: f.id, geometry: f.geometry as Polygon | MultiPolygon, anchor: anchorPoint(f.geometry!) }),
      );
      return h('li', { 'data-park': f.id }, h('span', {}, featureName(f), h('span', { class: 'xc-cov-sub' }, ` ${label(t().status, f.properties.status)} · ${areaText(Number(f.properties.area_square_meters ?? 0))}`)), b);
    });
    this.whatIfBox.replaceChildren(
      h(
        'details',
        { class: 'xc-cov-section', open: true },
        h('summary', {}, m.whatIf),
        h('div', { class: 'xc-cov-toolbar' }, toggle),
        h('div', { class: 'xc-cov-note' }, m.addHint(distanceText(this.newRadiusMeters()))),
        s.response.methodName === 'network' && this.net ? networkNote(this.net.view) : null,
        this.items.length && this.baseShare !== null
          ? h(
              'div',
              { class: 'xc-cov-delta', 'data-source': s.source },
              `${m.coverage}${m.colon}${shareText(this.baseShare)} → `,
              h('strong', {}, shareText(s.figures.coverageShare)),
              ' ',
              h('span', { class: `xc-cov-source-tag xc-cov-source-${s.source}` }, s.source === 'instant' ? m.instant : m.server),
              this.phase === 'computing' ? h('span', { class: 'xc-spinner xc-spinner-small', 'aria-hidden': 'true' }) : null,
            )
          : null,
        items.length ? h('ul', { class: 'xc-cov-items' }, ...items) : null,
        parkRows.length ? h('div', { class: 'xc-cov-subhead' }, m.plannedParks) : null,
        parkRows.length ? h('ul', { class: 'xc-cov-parks' }, ...parkRows) : null,
        parkRows.length ? h('div', { class: 'xc-cov-note' }, m.plannedNote) : null,
      ),
    );
  }

  private renderSuggestions(): void {
    const m = t().coverage;
    if (!this.shown) {
      this.suggestBox.replaceChildren();
      return;
    }
    const count = h('input', { type: 'number', class: 'xc-cov-count', min: '1', max: '10', step: '1', value: String(this.suggestCount), 'aria-label': m.suggestCount });
    const go = h('button', { type: 'button', class: 'xc-cov-button xc-cov-suggest-run', disabled: this.suggestPhase === 'computing' }, m.suggestRun);
    // Out of range: say so next to the input (the button alone going grey told the planner nothing).
    const invalid = h('span', { class: 'xc-cov-count-invalid', role: 'alert', hidden: true }, m.countInvalid);
    const check = () => {
      const n = Number(count.value);
      const ok = count.value.trim() !== '' && Number.isInteger(n) && n >= 1 && n <= 10;
      if (ok) this.suggestCount = n;
      go.disabled = !ok || this.suggestPhase === 'computing';
      invalid.hidden = ok;
      count.setAttribute('aria-invalid', String(!ok));
    };
    count.addEventListener('input', check);
    go.addEventListener('click', () => void this.suggest());
    const res = this.suggestions;
    let body: (HTMLElement | null)[] = [];
    if (this.suggestPhase === 'computing') body = [h('div', { class: 'xc-cov-progress', role: 'status' }, h('span', { class: 'xc-spinner', 'aria-hidden': 'true' }), m.suggesting)];
    else if (this.suggestPhase === 'error') body = [h('div', { class: 'xc-cov-error', role: 'alert' }, m.suggestFailed(this.suggestError ?? ''))];
    else if (res) {
      const rows = res.suggestions.features.map((f) => {
        const rank = f.properties.rank;
        const done = this.accepted.has(rank);
        const accept = h('button', { type: 'button', class: 'xc-cov-button xc-cov-accept', disabled: done }, done ? m.switched : m.accept);
        accept.addEventListener('click', () => this.accept(rank));
        const locate = h('button', { type: 'button', class: 'xc-cov-link', title: m.zoomTo }, lonLatText(f.geometry.coordinates as [number, number]));
        locate.addEventListener('click', () => flyToPoint(this.ctx.map, f.geometry.coordinates as [number, number], Math.max(this.ctx.map.getZoom(), 14), this.ctx.padding(), 500));
        return h(
          'tr',
          { 'data-rank': String(rank) },
          h('td', {}, h('span', { class: 'xc-cov-rank' }, String(rank))),
          h('td', {}, locate),
          h('td', { class: 'xc-cov-num' }, hectareText(f.properties.gainSquareMeters)),
          h('td', { class: 'xc-cov-num xc-cov-nearby', title: m.nearbyTitle }, f.properties.nearbyGapSquareMeters != null ? hectareText(f.properties.nearbyGapSquareMeters) : ''),
          h('td', {}, accept),
        );
      });
      body = rows.length
        ? [
            h(
              'table',
              { class: 'xc-cov-suggestions' },
              h(
                'thead',
                {},
                h('tr', {}, h('th', {}, m.colRank), h('th', {}, m.colLocation), h('th', { class: 'xc-cov-num' }, m.colGain), h('th', { class: 'xc-cov-num', title: m.nearbyTitle }, m.colNearby), h('th', {}, '')),
              ),
              h('tbody', {}, ...rows),
            ),
            h('div', { class: 'xc-cov-note' }, m.after(shareText(res.after.coverageShare))),
            h('div', { class: 'xc-cov-note xc-cov-tie-break' }, m.tieBreakNote),
            h('div', { class: 'xc-cov-note' }, m.suggestNote),
            h('details', { class: 'xc-cov-method' }, h('summary', {}, m.method), h('p', {}, getLang() === 'en' ? res.method : (res.methodZh ?? res.method))),
          ]
        : [h('div', { class: 'xc-cov-note' }, m.noSuggestions)];
    }
    this.suggestBox.replaceChildren(
      h(
        'details',
        { class: 'xc-cov-section', open: true },
        h('summary', {}, m.suggest),
        h('div', { class: 'xc-cov-toolbar' }, h('label', {}, m.suggestCount, ' ', count), go),
        invalid,
        ...body,
      ),
    );
  }
}

