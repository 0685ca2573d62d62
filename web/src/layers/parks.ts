/** Parks: existing parks (OpenStreetMap) and the parks the plan names, in green. */
import type { ExpressionSpecification } from 'maplibre-gl';
import { label } from '../i18n/index.ts';
import { formatDistanceMeters } from '../../../core/units.ts';
import { FONT_REGULAR, NAME_FIELD, emptySource, isPoint, isPolygon, type LegendItem, type MapLayerModule } from './layer.ts';

export const PARK_GREEN = '#66bb6a';
export const PARK_PLANNED = '#c5e1a5';
const PARK_OUTLINE = '#2e7d32';
const FILL: ExpressionSpecification = ['case', ['==', ['get', 'status'], 'planned'], PARK_PLANNED, PARK_GREEN];
const INDICATIVE: ExpressionSpecification = ['==', ['get', 'quality'], 'indicative'];

export const parks: MapLayerModule = {
  id: 'parks',
  searchable: true,
  credits: ['osm'],
  source: () => emptySource(),
  layers: () => [
    {
      slot: 'fill',
      // A footprint placed by reasoning (a plan park without a survey) is lighter, with a dashed edge.
      spec: { id: 'parks-fill', type: 'fill', source: 'parks', filter: isPolygon, paint: { 'fill-color': FILL, 'fill-opacity': ['case', INDICATIVE, 0.3, 0.75] } },
    },
    {
      slot: 'line',
      spec: {
        id: 'parks-line',
        type: 'line',
        source: 'parks',
        filter: ['all', isPolygon, ['!', INDICATIVE]],
        paint: { 'line-color': PARK_OUTLINE, 'line-width': 0.8, 'line-opacity': 0.8 },
      },
    },
    {
      slot: 'line',
      spec: {
        id: 'parks-line-indicative',
        type: 'line',
        source: 'parks',
        filter: ['all', isPolygon, INDICATIVE],
        paint: { 'line-color': PARK_OUTLINE, 'line-width': 1.2, 'line-opacity': 0.9, 'line-dasharray': [3, 2] },
      },
    },
    {
      slot: 'point',
      spec: {
        id: 'parks-circle',
        type: 'circle',
        source: 'parks',
        filter: isPoint,
        paint: {
          'circle-color': FILL,
          'circle-radius': 5,
          'circle-stroke-color': PARK_OUTLINE,
          'circle-stroke-width': 1.2,
          'circle-opacity': 1,
          'circle-stroke-opacity': 1,
        },
      },
    },
    {
      slot: 'label',
      spec: {
        id: 'parks-label',
        type: 'symbol',
        source: 'parks-labels',
        minzoom: 12.5,
        layout: { 'text-field': NAME_FIELD, 'text-font': FONT_REGULAR, 'text-size': 11, 'text-max-width': 8 },
        paint: { 'text-color': '#1b5e20', 'text-halo-color': '#ffffff', 'text-halo-width': 1.5 },
      },
    },
  ],
  interactive: ['parks-fill', 'parks-circle'],
  legend: ({ t, features }): LegendItem[] => {
    const planned = features.filter((f) => f.properties.status === 'planned').length;
    const items: LegendItem[] = [
      { symbol: { kind: 'fill', color: PARK_GREEN, outline: PARK_OUTLINE }, label: t.legendText.parks, count: features.length - planned },
    ];
    if (planned) items.push({ symbol: { kind: 'fill', color: PARK_PLANNED, outline: PARK_OUTLINE }, label: t.legendText.parksPlanned, count: planned });
    const indicative = features.filter((f) => f.properties.quality === 'indicative' && f.geometry).length;
    if (indicative) items.push({ symbol: { kind: 'fill', color: PARK_PLANNED, outline: PARK_OUTLINE, dashed: true }, label: t.legendText.parksIndicative, count: indicative });
    return items;
  },
  popup: (f, { t, lang }) => {
    const p = f.properties;
    const radius = Number(p.service_radius_meters);
    return [
      { label: t.attr.status, value: label(t.status, p.status) },
      { label: t.attr.parkClass, value: label(t.parkClass, p.park_class) },
      { label: t.attr.serviceRadius, value: Number.isFinite(radius) && radius > 0 ? formatDistanceMeters(radius, lang) : '' },
      { label: t.attr.osmId, value: String(p.osm_id ?? '') },
    ];
  },
};
