/**
 * What every map layer module (`web/src/layers/<collection>.ts`) exports: its source, its style
 * layers (each in a drawing slot), its legend entry and its popup rows.
 */
import type { ExpressionSpecification, GeoJSONSourceSpecification, LayerSpecification, Map as MapLibreMap } from 'maplibre-gl';
import type { ApiFeature, CollectionInfo } from '../api.ts';
import type { Lang, Messages } from '../i18n/index.ts';

/**
 * Drawing order across modules: all fills under all lines under all points under all labels, so a
 * layer that loads late never covers another's labels. Within a slot, modules keep list order.
 */
export const SLOTS = ['base', 'fill', 'pattern', 'line', 'point', 'label'] as const;
export type Slot = (typeof SLOTS)[number];

export interface SlottedLayer {
  slot: Slot;
  spec: LayerSpecification;
}

export type LegendSymbol =
  | { kind: 'fill'; color: string; outline?: string; dashed?: boolean }
  | { kind: 'line'; color: string; widthPx: number; dashed?: boolean }
  | { kind: 'circle'; color: string; hollow?: boolean; sizePx?: number }
  | { kind: 'square'; color: string }
  | { kind: 'hatch'; color: string };

export interface LegendItem {
  symbol: LegendSymbol;
  label: string;
  /** Features drawn with this symbol, when it is worth telling. */
  count?: number;
}

/** What a module needs to describe its features in the current language. */
export interface LayerContext {
  lang: Lang;
  t: Messages;
  info: CollectionInfo | undefined;
  /** This layer's features as loaded from the API. */
  features: readonly ApiFeature[];
  /** The name of a support zone by id, in the current language. */
  zoneName(zoneId: string): string | undefined;
}

export interface PopupRow {
  label: string;
  value: string;
}

export interface MapLayerModule {
  /** The collection id: also the source id and the prefix of every style layer id. */
  id: string;
  source(): GeoJSONSourceSpecification;
  layers(): SlottedLayer[];
  /** Style layers a click or hover can hit. */
  interactive: string[];
  /** Runs after the layer's features are put on the map (e.g. to colour categories found in them). */
  onData?(map: MapLibreMap, features: readonly ApiFeature[]): void;
  /** Registers the images (patterns, icons) its layers use; runs before `layers()` are added. */
  addImages?(map: MapLibreMap): void;
  legend(ctx: LayerContext): LegendItem[];
  /** Rows specific to this layer; names, area, quality and source are added by the popup itself. */
  popup(feature: ApiFeature, ctx: LayerContext): PopupRow[];
  /** Credits due whenever this layer is shown, besides those its provenance names. */
  credits?: Credit[];
  /** Offered in the search box. */
  searchable?: boolean;
  visibleByDefault?: boolean;
}

export type Credit = 'osm' | 'tianditu';

/** Font stacks for labels: drawn locally by the browser (the style has no glyphs URL). */
export const FONT_REGULAR = ['Noto Sans CJK SC', 'Noto Sans SC', 'PingFang SC', 'Microsoft YaHei', 'sans-serif'];
export const FONT_BOLD = ['Noto Sans CJK SC Bold', 'Noto Sans SC', 'PingFang SC', 'Microsoft YaHei', 'sans-serif'];

/** Names the data gives features without one ("未命名公园", "Unnamed metro station (probably …)"). */
const UNNAMED_ZH = '未命名';
const UNNAMED_EN = 'Unnamed';

/** Whether a feature has no name of its own: not labelled on the map nor offered in the search. */
export function isUnnamed(properties: Record<string, unknown>): boolean {
  const zh = typeof properties.name_zh === 'string' ? properties.name_zh.trim() : '';
  const en = typeof properties.name_en === 'string' ? properties.name_en.trim() : '';
  return (!zh && !en) || zh.startsWith(UNNAMED_ZH) || (!zh && en.startsWith(UNNAMED_EN));
}

const zhName: ExpressionSpecification = ['coalesce', ['get', 'name_zh'], ''];
const enName: ExpressionSpecification = ['coalesce', ['get', 'name_en'], ''];

/**
 * The feature's name in the map's current language (global state `lang`), else the Chinese name.
 * Unnamed features get no label (they stay clickable), and in English a name that only wraps the
 * Chinese one ("乌兰夫纪念馆 station") is not drawn: no labels mixing scripts.
 */
export const NAME_FIELD: ExpressionSpecification = [
  'case',
  ['any', ['==', ['index-of', UNNAMED_ZH, zhName], 0], ['==', ['index-of', UNNAMED_EN, enName], 0]],
  '',
  ['all', ['==', ['global-state', 'lang'], 'en'], ['!=', zhName, ''], ['in', zhName, enName], ['!=', zhName, enName]],
  '',
  ['coalesce', ['get', ['concat', 'name_', ['global-state', 'lang']]], ['get', 'name_zh'], ''],
];

/** A GeoJSON source with no features yet; the data arrives with `setData` once fetched. */
export function emptySource(attribution?: string): GeoJSONSourceSpecification {
  return { type: 'geojson', data: { type: 'FeatureCollection', features: [] }, attribution };
}

// `geometry-type` names multi-geometries as such, so both forms are listed.
export const isPolygon: ExpressionSpecification = ['in', ['geometry-type'], ['literal', ['Polygon', 'MultiPolygon']]];
export const isLine: ExpressionSpecification = ['in', ['geometry-type'], ['literal', ['LineString', 'MultiLineString']]];
export const isPoint: ExpressionSpecification = ['in', ['geometry-type'], ['literal', ['Point', 'MultiPoint']]];

/** Counts features by the value of a property. */
export function countBy(features: readonly ApiFeature[], prop: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const f of features) {
    const v = f.properties[prop];
    if (v === undefined || v === null || v === '') continue;
    counts.set(String(v), (counts.get(String(v)) ?? 0) + 1);
  }
  return counts;
}

/** A readable list from an array property (or a plain string), joined in the current language. */
export function listValue(value: unknown, t: Messages): string {
  if (Array.isArray(value)) return value.map(String).join(t.listSeparator);
  return value === undefined || value === null ? '' : String(value);
}
