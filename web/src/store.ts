/**
 * The app's state shared by the map and the panels: what each collection says about itself, the
 * features loaded per layer, and each layer's visibility and opacity. Panels listen for changes.
 */
import type { CodedSite } from '../../core/geometry/site-code.ts';
import type { CoverageLink } from '../../core/permalink.ts';
import type { ApiFeature, BasemapInfo, CollectionInfo } from './api.ts';
import { getLang, t } from './i18n/index.ts';
import type { LayerContext } from './layers/layer.ts';

export type LoadState = 'waiting' | 'loading' | 'ready' | 'error';

export interface LayerState {
  load: LoadState;
  error?: string;
  visible: boolean;
  /** 0..1, multiplied into every opacity the layer's style sets. */
  opacity: number;
}

type Change = 'layers' | 'data' | 'basemap' | 'errors' | 'mode' | 'sectors' | 'analysis' | 'analysis-request';

/**
 * What the planner view's analysis tools show, kept for the share link (issue 13 #17): the site the
 * compliance review checked (a project by id, or the site itself in lon/lat) and the coverage settings.
 */
export interface AnalysisState {
  compliance?: { project: string } | { site: CodedSite };
  coverage?: CoverageLink;
}

/** `planner`: the full working map; `presentation`: the investor view (public layers only). */
export type ViewMode = 'planner' | 'presentation';

export class Store {
  readonly info = new Map<string, CollectionInfo>();
  readonly features = new Map<string, ApiFeature[]>();
  readonly layers = new Map<string, LayerState>();
  basemaps: BasemapInfo[] = [];
  /** The address others reach the map by (PUBLIC_URL), for share links; null: the page's own. */
  publicUrl: string | null = null;
  /** The id of the basemap shown, or null for none (offline). */
  basemap: string | null = null;
  /** Messages for problems not tied to one layer (the API unreachable). */
  errors: string[] = [];
  mode: ViewMode = 'planner';
  /** Project sectors shown on the map and the zone cards; empty = every sector. */
  sectors: string[] = [];
  /** What the analysis tools show now (each tool writes its part: `setAnalysis`). */
  analysis: AnalysisState = {};
  /** What an opened link asks the analysis tools to show; each tool takes its part when it opens. */
  analysisRequest: AnalysisState & { tool?: string } = {};
  private readonly listeners = new Set<(change: Change) => void>();

  /** A tool's part of the analysis on screen changed (undefined: it shows nothing to share). */
  setAnalysis(patch: AnalysisState): void {
    for (const key of Object.keys(patch) as (keyof AnalysisState)[]) {
      if (patch[key] === undefined) delete this.analysis[key];
      else (this.analysis as Record<string, unknown>)[key] = patch[key];
    }
    this.emit('analysis');
  }

  /** A tool's part of what a link asked for, once: later openings of the tool keep their own state. */
  takeAnalysisRequest<K extends keyof AnalysisState>(key: K): AnalysisState[K] {
    const value = this.analysisRequest[key];
    delete this.analysisRequest[key];
    return value;
  }

  on(fn: (change: Change) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  emit(change: Change): void {
    for (const fn of this.listeners) fn(change);
  }

  layer(id: string): LayerState {
    let s = this.layers.get(id);
    if (!s) {
      s = { load: 'waiting', visible: true, opacity: 1 };
      this.layers.set(id, s);
    }
    return s;
  }

  setLayer(id: string, patch: Partial<LayerState>): void {
    Object.assign(this.layer(id), patch);
    this.emit('layers');
  }

  /** One feature by layer and id, or undefined. */
  feature(layerId: string, featureId: string): ApiFeature | undefined {
    return this.features.get(layerId)?.find((f) => f.id === featureId);
  }

  /** A support zone's name in the current language. */
  zoneName = (zoneId: string): string | undefined => {
    const z = this.feature('zones', zoneId);
    if (!z) return undefined;
    return String((getLang() === 'zh' ? z.properties.name_zh : z.properties.name_en) ?? z.properties.name_zh ?? zoneId);
  };

  context(layerId: string): LayerContext {
    return {
      lang: getLang(),
      t: t(),
      info: this.info.get(layerId),
      features: this.features.get(layerId) ?? [],
      zoneName: this.zoneName,
    };
  }
}

/** A feature's name in the current language, then in the other, then its id. */
export function featureName(f: ApiFeature): string {
  const p = f.properties;
  const first = getLang() === 'zh' ? p.name_zh : p.name_en;
  const other = getLang() === 'zh' ? p.name_en : p.name_zh;
  return String(first || other || f.id);
}

/** The name in the language not shown, when it differs. */
export function otherName(f: ApiFeature): string {
  const p = f.properties;
  const other = getLang() === 'zh' ? p.name_en : p.name_zh;
  return other && other !== featureName(f) ? String(other) : '';
}

/**
 * Why a feature is not drawn: `district-wide` (a project with no single site) or `not-located`
 * (no position stated); null when it is drawn.
 */
export function unplacedKind(f: ApiFeature): 'district-wide' | 'not-located' | null {
  if (f.properties.location_quality === 'district-wide') return 'district-wide';
  if (f.geometry === null) return 'not-located';
  return null;
}

export type DataQuality = 'indicative' | 'partly-indicative' | 'other';

/** Whether a layer's data is indicative: its provenance says so, or every / some feature does. */
export function layerQuality(info: CollectionInfo | undefined, features: readonly ApiFeature[]): DataQuality {
  if (info?.provenance?.quality && /indicative|示意/i.test(info.provenance.quality)) return 'indicative';
  const n = features.filter((f) => f.properties.quality === 'indicative').length;
  if (n > 0 && n === features.length) return 'indicative';
  if (n > 0) return 'partly-indicative';
  return 'other';
}
