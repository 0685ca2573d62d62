/**
 * The base style: a plain background, the basemaps the server enabled (online, custom URL templates,
 * the office's raster or vector packages; hidden until chosen),
 * and no glyphs URL, so every label (CJK and Latin) is drawn from the browser's own fonts and no
 * request leaves the app's origin.
 */
import type { LayerSpecification, SourceSpecification, StyleSpecification } from 'maplibre-gl';
import type { BasemapInfo } from './api.ts';
import type { Lang } from './i18n/index.ts';
import { vectorBasemapLayers } from '../../core/basemap-style.ts';
import { FONT_REGULAR } from './layers/layer.ts';

export const BACKGROUND_COLOR = '#eef0eb';

/** The source id of a basemap (its layers are `basemapLayerIds`). */
const sourceId = (b: BasemapInfo) => `basemap-${b.id}`;

/** A tile URL as the map fetches it: absolute (the vector worker has no page to resolve against); a PMTiles archive through its protocol. */
function tileUrls(b: BasemapInfo): string[] {
  if (b.pmtiles) return [`pmtiles://${new URL(b.pmtiles, location.href).href}/{z}/{x}/{y}`];
  return b.tiles.map((u) => (/^[a-z]+:\/\//i.test(u) ? u : new URL(u, location.href).href.replace(/%7B/g, '{').replace(/%7D/g, '}')));
}

/** The style layers of a vector package: a default style from its `vector_layers` (core/basemap-style.ts). */
function vectorLayers(b: BasemapInfo): LayerSpecification[] {
  return vectorBasemapLayers(b.vectorLayers ?? [], { source: sourceId(b), prefix: sourceId(b), visibility: 'none', font: FONT_REGULAR }) as unknown as LayerSpecification[];
}

/** Style layer ids of a basemap (the tiles, Tianditu's separate label tiles, a vector package's layers). */
export function basemapLayerIds(b: BasemapInfo): string[] {
  if (b.format === 'pbf') return vectorLayers(b).map((l) => l.id);
  return b.labelTiles ? [`basemap-${b.id}`, `basemap-${b.id}-labels`] : [`basemap-${b.id}`];
}

export function baseStyle(basemaps: BasemapInfo[], lang: Lang): StyleSpecification {
  const sources: Record<string, SourceSpecification> = {};
  const layers: LayerSpecification[] = [{ id: 'background', type: 'background', paint: { 'background-color': BACKGROUND_COLOR } }];
  for (const b of basemaps) {
    // Credited by credits.ts, in the current language, rather than by the source.
    const extent = { maxzoom: b.maxzoom, ...(b.minzoom !== undefined ? { minzoom: b.minzoom } : {}), ...(b.bounds ? { bounds: b.bounds } : {}), ...(b.scheme === 'tms' ? { scheme: 'tms' as const } : {}) };
    if (b.format === 'pbf') {
      sources[sourceId(b)] = { type: 'vector', tiles: tileUrls(b), ...extent };
      layers.push(...vectorLayers(b));
      continue;
    }
    sources[sourceId(b)] = { type: 'raster', tiles: tileUrls(b), tileSize: 256, ...extent };
    layers.push({ id: `basemap-${b.id}`, type: 'raster', source: sourceId(b), layout: { visibility: 'none' } });
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
