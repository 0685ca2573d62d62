/** Plan projects: sites as circles and polygons coloured by sector; district-wide ones are listed, not drawn. */
import type { ExpressionSpecification } from 'maplibre-gl';
import type { ApiFeature } from '../api.ts';
import { label } from '../i18n/index.ts';
import { FONT_REGULAR, NAME_FIELD, countBy, emptySource, isLine, isPoint, isPolygon, type LegendItem, type MapLayerModule } from './layer.ts';

/** One colour per sector of the plan's project columns. */
export const SECTOR_COLORS: Record<string, string> = {
  ecology: '#2e7d32',
  agriculture: '#9e9d24',
  platform: '#5e35b1',
  hitech: '#1e88e5',
  digital: '#00acc1',
  logistics: '#795548',
  commerce: '#fb8c00',
  culture_tourism: '#d81b60',
  education: '#f9a825',
  health_sports: '#e53935',
  elderly_care: '#ba68c8',
  infrastructure: '#546e7a',
  public_safety: '#263238',
  rural_infrastructure: '#a1887f',
};
export const OTHER_SECTOR_COLOR = '#9e9e9e';

const SECTOR_COLOR: ExpressionSpecification = [
  'match',
  ['get', 'sector'],
  ...Object.entries(SECTOR_COLORS).flat(),
  OTHER_SECTOR_COLOR,
] as unknown as ExpressionSpecification;
const APPROXIMATE: ExpressionSpecification = ['==', ['get', 'location_quality'], 'approximate'];

/** Map global state holding the sectors shown (an array of sector codes; empty or unset = all). */
export const SECTORS_STATE = 'sectors';
const SHOWN_SECTORS: ExpressionSpecification = ['array', ['coalesce', ['global-state', SECTORS_STATE], ['literal', []]]];
/** True for a project in one of the sectors shown (the sector filter of the investor view). */
const SECTOR_SHOWN: ExpressionSpecification = ['any', ['==', ['length', SHOWN_SECTORS], 0], ['in', ['to-string', ['get', 'sector']], SHOWN_SECTORS]];

/** District-wide projects have no site: the search and the layer panel list them instead. */
export function isDistrictWide(f: ApiFeature): boolean {
  return f.geometry === null || f.properties.location_quality === 'district-wide';
}

export const projects: MapLayerModule = {
  id: 'projects',
  searchable: true,
  source: () => emptySource(),
  layers: () => [
    {
      slot: 'fill',
      spec: {
        id: 'projects-fill',
        type: 'fill',
        source: 'projects',
        filter: ['all', isPolygon, SECTOR_SHOWN],
        paint: { 'fill-color': SECTOR_COLOR, 'fill-opacity': ['case', APPROXIMATE, 0.3, 0.5] },
      },
    },
    {
      slot: 'line',
      spec: {
        id: 'projects-outline',
        type: 'line',
        source: 'projects',
        filter: ['all', isPolygon, SECTOR_SHOWN],
        paint: { 'line-color': SECTOR_COLOR, 'line-width': 1.6, 'line-opacity': 1 },
      },
    },
    {
      slot: 'line',
      spec: {
        id: 'projects-line',
        type: 'line',
        source: 'projects',
        filter: ['all', isLine, SECTOR_SHOWN],
        layout: { 'line-cap': 'round', 'line-join': 'round' },
        paint: { 'line-color': SECTOR_COLOR, 'line-width': 4, 'line-opacity': 0.9 },
      },
    },
    {
      slot: 'point',
      spec: {
        id: 'projects-circle',
        type: 'circle',
        source: 'projects',
        filter: ['all', isPoint, SECTOR_SHOWN],
        paint: {
          'circle-radius': ['interpolate', ['linear'], ['zoom'], 9, 4.5, 14, 8],
          // A ring marks an approximate site: the colour says the sector, the hollow says "roughly here".
          'circle-color': ['case', APPROXIMATE, '#ffffff', SECTOR_COLOR],
          'circle-stroke-color': ['case', APPROXIMATE, SECTOR_COLOR, '#ffffff'],
          'circle-stroke-width': ['case', APPROXIMATE, 2.5, 1.5],
          'circle-opacity': 1,
          'circle-stroke-opacity': 1,
        },
      },
    },
    {
      slot: 'label',
      spec: {
        id: 'projects-label',
        type: 'symbol',
        source: 'projects-labels',
        filter: SECTOR_SHOWN,
        minzoom: 12,
        layout: {
          'text-field': NAME_FIELD,
          'text-font': FONT_REGULAR,
          'text-size': 11,
          'text-max-width': 9,
          'text-variable-anchor': ['top', 'bottom', 'left', 'right'],
          'text-radial-offset': 0.9,
          'text-optional': true,
        },
        paint: { 'text-color': '#37474f', 'text-halo-color': '#ffffff', 'text-halo-width': 1.5 },
      },
    },
  ],
  interactive: ['projects-circle', 'projects-line', 'projects-fill'],
  legend: ({ t, features }): LegendItem[] => {
    const drawn = features.filter((f) => !isDistrictWide(f));
    const bySector = [...countBy(drawn, 'sector')].sort((a, b) => b[1] - a[1]);
    const items: LegendItem[] = bySector.map(([sector, count]) => ({
      symbol: { kind: 'circle', color: SECTOR_COLORS[sector] ?? OTHER_SECTOR_COLOR },
      label: label(t.sector, sector),
      count,
    }));
    const approximate = drawn.filter((f) => f.properties.location_quality === 'approximate').length;
    if (drawn.length - approximate > 0) items.push({ symbol: { kind: 'circle', color: '#607d8b' }, label: t.legendText.projectKnown });
    if (approximate > 0) items.push({ symbol: { kind: 'circle', color: '#607d8b', hollow: true }, label: t.legendText.projectApproximate });
    return items;
  },
  popup: (f, { t, zoneName }) => {
    const p = f.properties;
    const zoneId = p.zone_id === null || p.zone_id === undefined ? '' : String(p.zone_id);
    const column = Number(p.column);
    const seq = p.seq === undefined || p.seq === null ? undefined : Number(p.seq);
    const columnTitle = String((t.htmlLang === 'en' ? p.column_title_en : p.column_title_zh) ?? p.column_title_zh ?? '');
    return [
      { label: t.attr.sector, value: label(t.sector, p.sector) },
      { label: t.attr.zone, value: zoneId ? (zoneName(zoneId) ?? zoneId) : isDistrictWide(f) ? '' : t.attr.zoneNone },
      { label: t.attr.status, value: label(t.status, p.status) },
      { label: t.attr.column, value: Number.isFinite(column) ? t.attr.columnValue(column, seq, columnTitle) : '' },
      { label: t.attr.locationQuality, value: label(t.locationQuality, p.location_quality) },
      { label: t.attr.locationNote, value: String(p.location_note_zh ?? '') },
    ];
  },
};
