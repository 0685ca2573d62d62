/** The central urban area: a dashed outline, the denominator of the park coverage figures. */
import { emptySource, type MapLayerModule } from './layer.ts';

const COLOR = '#6a1b9a';

export const central_area: MapLayerModule = {
  id: 'central_area',
  source: () => emptySource(),
  layers: () => [
    {
      slot: 'line',
      spec: {
        id: 'central_area-line',
        type: 'line',
        source: 'central_area',
        layout: { 'line-join': 'round' },
        paint: { 'line-color': COLOR, 'line-width': 1.8, 'line-dasharray': [3, 2] },
      },
    },
  ],
  // Only the outline is hit: the area under it belongs to the layers drawn inside.
  interactive: ['central_area-line'],
  legend: ({ t }) => [{ symbol: { kind: 'line', color: COLOR, widthPx: 2, dashed: true }, label: t.legendText.centralArea }],
  popup: () => [],
};
