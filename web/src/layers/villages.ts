/** Administrative villages named in the plan, as labelled points. */
import { FONT_REGULAR, NAME_FIELD, emptySource, type MapLayerModule } from './layer.ts';

const COLOR = '#6d4c41';

export const villages: MapLayerModule = {
  id: 'villages',
  searchable: true,
  source: () => emptySource(),
  layers: () => [
    {
      slot: 'point',
      spec: {
        id: 'villages-circle',
        type: 'circle',
        source: 'villages',
        paint: {
          'circle-radius': 3.5,
          'circle-color': COLOR,
          'circle-stroke-color': '#ffffff',
          'circle-stroke-width': 1.2,
          'circle-opacity': 1,
          'circle-stroke-opacity': 1,
        },
      },
    },
    {
      slot: 'label',
      spec: {
        id: 'villages-label',
        type: 'symbol',
        source: 'villages-labels',
        minzoom: 10.5,
        layout: {
          'text-field': NAME_FIELD,
          'text-font': FONT_REGULAR,
          'text-size': 11,
          'text-variable-anchor': ['left', 'right', 'top', 'bottom'],
          'text-radial-offset': 0.6,
          'text-optional': true,
        },
        paint: { 'text-color': '#5d4037', 'text-halo-color': '#ffffff', 'text-halo-width': 1.4 },
      },
    },
  ],
  interactive: ['villages-circle'],
  legend: ({ t }) => [{ symbol: { kind: 'circle', color: COLOR, sizePx: 8 }, label: t.legendText.village }],
  popup: (f, { t }) => [{ label: t.attr.town, value: String(f.properties.town_zh ?? '') }],
};
