/**
 * Keeps the URL hash a shareable link to what is on screen (see core/permalink.ts for the format)
 * and opens such links: the view, visible layers, selected zone or project, sector filter,
 * language and view mode, and in the planner view the analysis on screen (issue 13 #17: the open
 * tool, the site the compliance review checked, the coverage settings; the tools write it to
 * `store.analysis` and take what a link asks for from `store.analysisRequest`). It replaces
 * MapLibre's `hash: true`, whose plain links it still reads.
 */
import type { Map as MapLibreMap } from 'maplibre-gl';
import { diagnosePermalink, encodePermalink, parsePermalink, shareBase, siteLinkCode, validatePermalink, type PermalinkState } from '../../core/permalink.ts';
import { getLang, onLangChange, setLang } from './i18n/index.ts';
import type { MapLayerModule } from './layers/layer.ts';
import { LinkNotice } from './panels/link-notice.ts';
import { SECTORS, type Presentation } from './presentation/presentation.ts';
import type { Store } from './store.ts';

/** How long changes settle before the hash is rewritten, in milliseconds. */
const WRITE_DELAY_MS = 250;

/** The hash the page opened with, checked once the data is loaded (what could not be used is said). */
let openedHash = '';

/** The link in the address bar when the page opened, read for its well-formed parts only. */
export function initialPermalink(): PermalinkState {
  openedHash = location.hash;
  const state = parsePermalink(location.hash);
  if (state.lang) setLang(state.lang);
  return state;
}

/** A share link, and what of the screen it could not carry. */
export interface ShareLink {
  url: string;
  /** The link carries analysis (a checked site or project, coverage settings). */
  analysis: boolean;
  /** The compliance site left out of the link as too large, with its size. */
  siteTooLarge: { chars: number; positions: number } | null;
}

export class PermalinkSync {
  /** The analysis tab open in the planner view, if any (set by main.ts, which owns the dock). */
  analysisTool: () => string | null = () => null;
  private enabled = false;
  private timer: ReturnType<typeof setTimeout> | null = null;
  /** The link being opened, to say what of it could not be used once the features are loaded. */
  private opening: string | null = openedHash;
  private readonly notice: LinkNotice;

  constructor(
    private readonly map: MapLibreMap,
    private readonly store: Store,
    private readonly modules: readonly MapLayerModule[],
    private readonly presentation: Presentation,
  ) {
    this.notice = new LinkNotice(() => {
      for (const id of this.presentation.allowedLayers()) this.store.layer(id).visible = true;
      this.store.emit('layers');
    });
    map.getContainer().append(this.notice.element);
  }

  /** Applies what can be applied before any data: visible layers, sectors and view mode. */
  applyEarly(state: PermalinkState): void {
    const valid = validatePermalink(state, { layers: this.modules.map((m) => m.id), sectors: SECTORS });
    if (valid.layers) {
      for (const m of this.modules) this.store.layer(m.id).visible = valid.layers.includes(m.id);
      this.store.emit('layers');
    }
    if (valid.sectors) this.presentation.setSectors(valid.sectors);
    // The link's own view (or, once loaded, the district fitted by mount.ts) is what opens.
    if (valid.mode) this.presentation.setMode(valid.mode, { fit: !state.view });
  }

  /** Applies the selection once the features are loaded (unknown ids are dropped), then starts writing the hash. */
  applyLoaded(state: PermalinkState): void {
    const ids = (layer: string) => (this.store.features.get(layer) ?? []).map((f) => f.id);
    const valid = validatePermalink(state, { zones: ids('zones'), projects: ids('projects') });
    if (this.store.mode === 'presentation') {
      this.presentation.selectZone(valid.zone ?? null, { fly: false });
      if (valid.project) this.presentation.showProject(valid.project, { fly: false });
    } else {
      if (valid.project) this.presentation.openPlannerPopup('projects', valid.project);
      else if (valid.zone) this.presentation.openPlannerPopup('zones', valid.zone);
      this.requestAnalysis(valid);
    }
    if (this.opening !== null) {
      this.notice.show(diagnosePermalink(this.opening, { layers: this.modules.map((m) => m.id), zones: ids('zones'), projects: ids('projects'), sectors: SECTORS }));
      this.opening = null;
    }
    this.start();
  }

  /**
   * Hands the link's analysis to the tools (each takes its part when it opens) and asks main.ts to
   * open the dock on the link's tool. Until a tool shows its own result, the link keeps what it asked.
   */
  private requestAnalysis(valid: PermalinkState) {
    const compliance = valid.check ? { project: valid.check } : valid.site ? { site: valid.site } : undefined;
    if (!compliance && !valid.coverage && !valid.tool) return;
    this.store.analysisRequest = { tool: valid.tool, compliance, coverage: valid.coverage };
    this.store.analysis = { compliance, coverage: valid.coverage };
    for (const key of ['compliance', 'coverage'] as const) if (this.store.analysis[key] === undefined) delete this.store.analysis[key];
    this.store.emit('analysis-request');
  }

  /** The state on screen now. */
  current(): PermalinkState {
    const c = this.map.getCenter();
    const state: PermalinkState = {
      view: { center: [c.lng, c.lat], zoom: this.map.getZoom(), bearing: this.map.getBearing(), pitch: this.map.getPitch() },
      mode: this.store.mode,
      lang: getLang(),
      layers: this.modules.filter((m) => this.store.layer(m.id).visible).map((m) => m.id),
    };
    if (this.store.mode === 'presentation') {
      const { zone, project } = this.presentation.selection;
      if (zone) state.zone = zone;
      if (project) state.project = project;
      if (this.store.sectors.length) state.sectors = [...this.store.sectors];
    } else {
      const sel = this.presentation.plannerSelection();
      if (sel?.layerId === 'zones') state.zone = sel.featureId;
      if (sel?.layerId === 'projects') state.project = sel.featureId;
      const a = this.store.analysis;
      if (a.compliance && 'project' in a.compliance) state.check = a.compliance.project;
      else if (a.compliance) state.site = a.compliance.site;
      if (a.coverage) state.coverage = a.coverage;
      const tool = this.analysisTool();
      if (tool === 'compliance' || tool === 'coverage') state.tool = tool;
    }
    return state;
  }

  /** The full link to what is on screen, on the public address when PUBLIC_URL is configured. */
  url(): string {
    return this.share().url;
  }

  /** The share link, whether it carries analysis, and the site it had to leave out (too large). */
  share(): ShareLink {
    const state = this.current();
    const site = state.site ? siteLinkCode(state.site) : null;
    return {
      url: `${shareBase(this.store.publicUrl, location).base}${encodePermalink(state)}`,
      analysis: !!(state.check || (site && 'code' in site) || state.coverage),
      siteTooLarge: site && 'tooLarge' in site ? site.tooLarge : null,
    };
  }

  private start() {
    if (this.enabled) return;
    this.enabled = true;
    const schedule = () => this.schedule();
    this.map.on('moveend', schedule);
    this.store.on((c) => (c === 'layers' || c === 'mode' || c === 'sectors' || c === 'analysis') && schedule());
    this.presentation.onChange(schedule);
    onLangChange(schedule);
    // The planner popup has no event of its own: it comes and goes in the map container's DOM.
    new MutationObserver(schedule).observe(this.map.getContainer(), { childList: true, subtree: true });
    // A link pasted or edited in this tab's address bar. Read from the event, not from location: a write of
    // this app's own state due just then (a timer of `schedule`) may already have replaced the hash.
    window.addEventListener('hashchange', (e) => this.openLink(new URL(e.newURL).hash));
    this.write();
  }

  private schedule() {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.write(), WRITE_DELAY_MS);
  }

  private write() {
    this.timer = null;
    const hash = encodePermalink(this.current());
    if (hash !== location.hash) history.replaceState(history.state, '', `${location.pathname}${location.search}${hash}`);
  }

  /** Opens a link in the running app: whatever part is valid is applied, the rest ignored. */
  openLink(hash: string): void {
    this.opening = hash;
    const state = parsePermalink(hash);
    if (state.lang) setLang(state.lang);
    const v = state.view;
    if (v) this.map.jumpTo({ center: v.center, zoom: v.zoom, bearing: v.bearing, pitch: v.pitch });
    this.applyEarly(state);
    this.applyLoaded(state);
    this.schedule();
  }
}
