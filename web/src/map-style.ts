/**
 * The base style: a plain background, the online basemaps the server enabled (hidden until chosen),
 * and no glyphs URL, so every label (CJK and Latin) is drawn from the browser's own fonts and no
 * request leaves the app's origin.
 */
import type { LayerSpecification, SourceSpecification, StyleSpecification } from 'maplibre-gl';
import type { BasemapInfo } from './api.ts';
import type { Lang } from './i18n/index.ts';

export const BACKGROUND_COLOR = '#eef0eb';

/** Style layer ids of a basemap (the tiles, and Tianditu's separate label tiles). */
export function basemapLayerIds(b: BasemapInfo): string[] {
  return b.labelTiles ? [`basemap-${b.id}`, `basemap-${b.id}-labels`] : [`basemap-${b.id}`];
}

export function baseStyle(basemaps: BasemapInfo[], lang: Lang): StyleSpecification {
  const sources: Record<string, SourceSpecification> = {};
  const layers: LayerSpecification[] = [{ id: 'background', type: 'background', paint: { 'background-color': BACKGROUND_COLOR } }];
  for (const b of basemaps) {
    // Credited by credits.ts, in the current language, rather than by the source.
    sources[`basemap-${b.id}`] = { type: 'raster', tiles: b.tiles, tileSize: 256, maxzoom: b.maxzoom };
    layers.push({ id: `basemap-${b.id}`, type: 'raster', source: `basemap-${b.id}`, layout: { visibility: 'none' } });
    if (b.labelTiles) {
      sources[`basemap-${b.id}-labels`] = { type: 'raster', tiles: b.labelTiles, tileSize: 256, maxzoom: b.maxzoom };
      layers.push({ id: `basemap-${b.id}-labels`, type: 'raster', source: `basemap-${b.id}-labels`, layout: { visibility: 'none' } });
    }
  }
  return {
    version: 8,
    name: 'xincheng-planning',
    // Labels read the language from global state, so switching it restyles no layer.
    state: { lang: { default: lang } },
    sources,
    layers,
  };
}
