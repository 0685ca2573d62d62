/** District boundaries: Xincheng emphasised, neighbouring counties muted and labelled. */
import type { ExpressionSpecification } from 'maplibre-gl';
import { FONT_BOLD, FONT_REGULAR, NAME_FIELD, emptySource, type MapLayerModule } from './layer.ts';
import { label } from '../i18n/index.ts';

const SELF: ExpressionSpecification = ['==', ['get', 'role'], 'district'];
const NEIGHBOUR: ExpressionSpecification = ['!=', ['get', 'role'], 'district'];

export const district: MapLayerModule = {
  id: 'district',
  credits: ['tianditu'],
  source: () => emptySource(),
  layers: () => [
    {
      slot: 'base',
      spec: {
        id: 'district-fill',
        type: 'fill',
        source: 'district',
        paint: {
          'fill-color': ['case', SELF, '#ffffff', '#dfe2dc'],
          'fill-opacity': ['case', SELF, 0.55, 0.85],
        },
      },
    },
    {
      slot: 'line',
      spec: {
        id: 'district-line',
        type: 'line',
        source: 'district',
        filter: NEIGHBOUR,
        paint: { 'line-color': '#a3a9ad', 'line-width': 1, 'line-dasharray': [4, 2] },
      },
    },
    {
      slot: 'line',
      spec: {
        id: 'district-casing',
        type: 'line',
        source: 'district',
        filter: SELF,
        layout: { 'line-join': 'round' },
        paint: { 'line-color': '#ffffff', 'line-width': 7, 'line-opacity': 0.9 },
      },
    },
    {
      slot: 'line',
      spec: {
        id: 'district-outline',
        type: 'line',
        source: 'district',
        filter: SELF,
        layout: { 'line-join': 'round' },
        paint: { 'line-color': '#37474f', 'line-width': 2.5 },
      },
    },
    {
      slot: 'label',
      spec: {
        id: 'district-label-neighbour',
        type: 'symbol',
        source: 'district-labels',
        filter: NEIGHBOUR,
        layout: {
          'text-field': NAME_FIELD,
          'text-font': FONT_REGULAR,
          'text-size': 13,
          'text-letter-spacing': 0.1,
          'text-max-width': 8,
        },
        paint: { 'text-color': '#7b8287', 'text-halo-color': '#f4f5f2', 'text-halo-width': 1.5 },
      },
    },
    {
      slot: 'label',
      spec: {
        id: 'district-label',
        type: 'symbol',
        source: 'district-labels',
        filter: SELF,
        maxzoom: 10.5,
        layout: { 'text-field': NAME_FIELD, 'text-font': FONT_BOLD, 'text-size': 18, 'text-letter-spacing': 0.15 },
        paint: { 'text-color': '#263238', 'text-halo-color': '#ffffff', 'text-halo-width': 2 },
      },
    },
  ],
  interactive: ['district-fill'],
  legend: ({ t }) => [
    { symbol: { kind: 'line', color: '#37474f', widthPx: 3 }, label: t.legendText.districtSelf },
    { symbol: { kind: 'line', color: '#a3a9ad', widthPx: 1, dashed: true }, label: t.legendText.districtNeighbour },
  ],
  popup: (f, { t }) => [
    { label: t.attr.role, value: label(t.role, f.properties.role) },
    { label: t.attr.adcode, value: String(f.properties.adcode ?? '') },
  ],
};
