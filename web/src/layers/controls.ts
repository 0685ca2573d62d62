/** Control lines (red line, nature reserve, water source): red outline over a red hatch. */
import type { Map as MapLibreMap } from 'maplibre-gl';
import { label } from '../i18n/index.ts';
import { FONT_BOLD, NAME_FIELD, countBy, emptySource, type MapLayerModule } from './layer.ts';

export const CONTROL_RED = '#d32f2f';
export const HATCH_IMAGE = 'xc-hatch-red';

/**
 * A tileable diagonal hatch drawn on a canvas, so the pattern needs no sprite file.
 * `spacingPx` is the distance between stripes in CSS pixels.
 */
export function hatchImage(color: string, spacingPx = 8, pixelRatio = 2): ImageData {
  const size = spacingPx * pixelRatio;
  const canvas = document.createElement('canvas');
  canvas.width = size;
  canvas.height = size;
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('2D canvas is not available');
  ctx.strokeStyle = color;
  ctx.lineWidth = 1.4 * pixelRatio;
  ctx.lineCap = 'square';
  // Three parallel strokes so the stripes meet across the tile's edges without a seam.
  for (const offset of [-size, 0, size]) {
    ctx.beginPath();
    ctx.moveTo(offset, size);
    ctx.lineTo(offset + size, 0);
    ctx.stroke();
  }
  return ctx.getImageData(0, 0, size, size);
}

export const controls: MapLayerModule = {
  id: 'controls',
  searchable: true,
  source: () => emptySource(),
  addImages(map: MapLibreMap) {
    if (!map.hasImage(HATCH_IMAGE)) map.addImage(HATCH_IMAGE, hatchImage(CONTROL_RED), { pixelRatio: 2 });
  },
  layers: () => [
    {
      slot: 'pattern',
      spec: {
        id: 'controls-fill',
        type: 'fill',
        source: 'controls',
        paint: { 'fill-pattern': HATCH_IMAGE, 'fill-opacity': 0.45 },
      },
    },
    {
      slot: 'line',
      spec: {
        id: 'controls-line',
        type: 'line',
        source: 'controls',
        layout: { 'line-join': 'round' },
        paint: { 'line-color': CONTROL_RED, 'line-width': 2 },
      },
    },
    {
      slot: 'label',
      spec: {
        id: 'controls-label',
        type: 'symbol',
        source: 'controls-labels',
        minzoom: 9.5,
        layout: { 'text-field': NAME_FIELD, 'text-font': FONT_BOLD, 'text-size': 12, 'text-max-width': 9 },
        paint: { 'text-color': '#b71c1c', 'text-halo-color': '#ffffff', 'text-halo-width': 1.8 },
      },
    },
  ],
  interactive: ['controls-fill'],
  legend: ({ t, features }) => {
    const kinds = [...countBy(features, 'kind')];
    if (kinds.length === 0) return [{ symbol: { kind: 'hatch', color: CONTROL_RED }, label: t.legendText.controls }];
    return kinds.map(([kind, count]) => ({ symbol: { kind: 'hatch', color: CONTROL_RED }, label: label(t.controlKind, kind), count }));
  },
  popup: (f, { t }) => [
    { label: t.attr.kind, value: label(t.controlKind, f.properties.kind) },
    { label: t.attr.basis, value: String(f.properties.legal_basis_zh ?? '') },
  ],
};
