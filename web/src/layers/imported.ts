/**
 * The layer module of a collection the office imported at run time (its id, title, role and style
 * come from the catalogue in the database, GET /api/collections): one colour, or categories by a
 * field's values; fills, outlines and points as its geometry asks; its own fields in the popup.
 */
import type { ExpressionSpecification, Map as MapLibreMap } from 'maplibre-gl';
import type { ApiFeature, CollectionInfo } from '../api.ts';
import { pick } from '../i18n/index.ts';
import { FONT_REGULAR, NAME_FIELD, emptySource, isLine, isPoint, isPolygon, type LegendItem, type MapLayerModule, type SlottedLayer } from './layer.ts';

/** Category colours (ColorBrewer Set1/Dark2, readable on the light basemap); the rest are "other". */
export const CATEGORY_COLORS = ['#1b9e77', '#d95f02', '#7570b3', '#e7298a', '#66a61e', '#e6ab02', '#a6761d', '#377eb8', '#984ea3', '#e41a1c'];
const OTHER_COLOR = '#9e9e9e';

/** Properties every collection has, shown by the popup itself or not at all. */
const COMMON = new Set(['name_zh', 'name_en', 'quality', 'source', 'area_square_meters', 'label_lon', 'label_lat']);

/** The categories of `field`: the most frequent values first (ties by value), at most one per colour. */
export function categories(features: readonly ApiFeature[], field: string): { value: string; count: number; color: string }[] {
  const counts = new Map<string, number>();
  for (const f of features) {
    const v = f.properties[field];
    if (v === undefined || v === null || v === '') continue;
    counts.set(String(v), (counts.get(String(v)) ?? 0) + 1);
  }
  return [...counts]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .slice(0, CATEGORY_COLORS.length)
    .map(([value, count], i) => ({ value, count, color: CATEGORY_COLORS[i] }));
}

/** The colour expression of a categorised layer: each category its colour, any other value grey. */
function colorExpression(field: string, cats: ReturnType<typeof categories>): ExpressionSpecification | string {
  if (cats.length === 0) return OTHER_COLOR;
  return ['match', ['to-string', ['get', field]], ...cats.flatMap((c) => [c.value, c.color]), OTHER_COLOR] as ExpressionSpecification;
}

export function importedLayer(info: CollectionInfo): MapLayerModule {
  const id = info.id;
  const color = info.style?.color ?? '#546e7a';
  const byField = info.style?.byField;
  const geometry = info.geometry;
  const fillIds = geometry === 'point' ? [] : [`${id}-fill`];
  const lineIds = geometry === 'point' ? [] : [`${id}-line`, `${id}-linestring`];
  const pointIds = geometry === 'polygon' ? [] : [`${id}-circle`];
  const layers = (): SlottedLayer[] => {
    const out: SlottedLayer[] = [];
    if (geometry !== 'point') {
      out.push({
        slot: 'fill',
        spec: { id: `${id}-fill`, type: 'fill', source: id, filter: isPolygon, paint: { 'fill-color': color, 'fill-opacity': info.role === 'control' ? 0.18 : 0.3 } },
      });
      out.push({
        slot: 'line',
        spec: {
          id: `${id}-line`,
          type: 'line',
          source: id,
          filter: isPolygon,
          layout: { 'line-join': 'round' },
          paint: { 'line-color': color, 'line-width': info.role === 'control' ? 2 : 1.2 },
        },
      });
      out.push({
        slot: 'line',
        spec: { id: `${id}-linestring`, type: 'line', source: id, filter: isLine, layout: { 'line-join': 'round', 'line-cap': 'round' }, paint: { 'line-color': color, 'line-width': 2 } },
      });
    }
    if (geometry !== 'polygon') {
      out.push({
        slot: 'point',
        spec: {
          id: `${id}-circle`,
          type: 'circle',
          source: id,
          filter: isPoint,
          paint: { 'circle-radius': 4.5, 'circle-color': color, 'circle-stroke-color': '#ffffff', 'circle-stroke-width': 1.2, 'circle-opacity': 1, 'circle-stroke-opacity': 1 },
        },
      });
    }
    out.push({
      slot: 'label',
      spec: {
        id: `${id}-label`,
        type: 'symbol',
        source: `${id}-labels`,
        minzoom: 11,
        layout: { 'text-field': NAME_FIELD, 'text-font': FONT_REGULAR, 'text-size': 11, 'text-max-width': 9, 'text-optional': true },
        paint: { 'text-color': '#37474f', 'text-halo-color': '#ffffff', 'text-halo-width': 1.4 },
      },
    });
    return out;
  };
  const symbol = (c: string): LegendItem['symbol'] =>
    geometry === 'point' ? { kind: 'circle', color: c, sizePx: 9 } : { kind: 'fill', color: c, outline: c };
  return {
    id,
    searchable: true,
    source: () => emptySource(),
    layers,
    interactive: [...fillIds, ...lineIds, ...pointIds],
    onData(map: MapLibreMap, features: readonly ApiFeature[]) {
      if (!byField) return;
      const expr = colorExpression(byField, categories(features, byField));
      for (const l of fillIds) if (map.getLayer(l)) map.setPaintProperty(l, 'fill-color', expr);
      for (const l of lineIds) if (map.getLayer(l)) map.setPaintProperty(l, 'line-color', expr);
      for (const l of pointIds) if (map.getLayer(l)) map.setPaintProperty(l, 'circle-color', expr);
    },
    legend: ({ features, info: current }) => {
      const title = current ? pick(current.titles) : id;
      // A tiled layer's features are not in the browser: its count is the server's.
      if (!byField) return [{ symbol: symbol(color), label: title, count: features.length || current?.numberOfFeatures }];
      const cats = categories(features, byField);
      const shown = cats.reduce((n, c) => n + c.count, 0);
      const items: LegendItem[] = cats.map((c) => ({ symbol: symbol(c.color), label: c.value, count: c.count }));
      if (shown < features.length) items.push({ symbol: symbol(OTHER_COLOR), label: '…', count: features.length - shown });
      return items;
    },
    popup: (f, { info: current }) =>
      Object.entries(f.properties)
        .filter(([k, v]) => !COMMON.has(k) && !k.startsWith('_') && v !== null && v !== undefined && v !== '')
        .slice(0, 12)
        .map(([k, v]) => ({ label: current?.properties[k] ? pick(current.properties[k].title) : k, value: Array.isArray(v) ? v.join('、') : String(v) })),
  };
}
