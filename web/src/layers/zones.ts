/** The five industrial support zones, each filled and outlined in its own `color`. */
import type { ExpressionSpecification } from 'maplibre-gl';
import { FONT_BOLD, NAME_FIELD, emptySource, listValue, type LegendItem, type MapLayerModule } from './layer.ts';

export const FALLBACK_ZONE_COLOR = '#8a8f94';
/** A zone's colour, grey when the data has none or an unreadable one. */
const COLOR: ExpressionSpecification = ['to-color', ['get', 'color'], FALLBACK_ZONE_COLOR];

export const zones: MapLayerModule = {
  id: 'zones',
  searchable: true,
  source: () => emptySource(),
  layers: () => [
    {
      slot: 'fill',
      spec: { id: 'zones-fill', type: 'fill', source: 'zones', paint: { 'fill-color': COLOR, 'fill-opacity': 0.22 } },
    },
    {
      slot: 'line',
      spec: {
        id: 'zones-line',
        type: 'line',
        source: 'zones',
        layout: { 'line-join': 'round' },
        paint: { 'line-color': COLOR, 'line-width': 2, 'line-opacity': 0.95 },
      },
    },
    {
      slot: 'label',
      spec: {
        id: 'zones-label',
        type: 'symbol',
        source: 'zones-labels',
        layout: { 'text-field': NAME_FIELD, 'text-font': FONT_BOLD, 'text-size': 14, 'text-max-width': 7 },
        paint: { 'text-color': COLOR, 'text-halo-color': '#ffffff', 'text-halo-width': 2 },
      },
    },
  ],
  interactive: ['zones-fill'],
  legend: ({ features, lang }): LegendItem[] =>
    features.map((f) => ({
      symbol: { kind: 'fill', color: String(f.properties.color ?? FALLBACK_ZONE_COLOR), outline: String(f.properties.color ?? FALLBACK_ZONE_COLOR) },
      label: String((lang === 'zh' ? f.properties.name_zh : f.properties.name_en) ?? f.properties.name_zh ?? f.id),
    })),
  popup: (f, { t, lang }) => {
    const p = f.properties;
    return [
      { label: t.attr.positioning, value: String((lang === 'zh' ? p.positioning_zh : p.positioning_en) ?? p.positioning_zh ?? '') },
      { label: t.attr.leadIndustries, value: listValue(lang === 'zh' ? p.lead_industries_zh : (p.lead_industries_en ?? p.lead_industries_zh), t) },
      { label: t.attr.keyProjects, value: listValue(p.key_projects_zh, t) },
    ];
  },
};
