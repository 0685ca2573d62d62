/**
 * Renders the current map offscreen at a chosen size and pixel ratio: a hidden MapLibre map with
 * the same style, data, global state and camera, read back once it is idle. The live map is not
 * touched, so the user's view does not flicker or resize while a large export renders.
 */
import { Map as MapLibreMap, type LngLat } from 'maplibre-gl';
import type { MapLayerModule } from '../layers/layer.ts';

export interface RenderOptions {
  /** Size of the map in CSS pixels: how much ground it shows at the current zoom. */
  widthCssPx: number;
  heightCssPx: number;
  /** Device pixels per CSS pixel: 2 or 3 for a sharp print. */
  pixelRatio: number;
  /** Zoom of the rendered map; by default the live map's. */
  zoom?: number;
  /** Centre of the rendered map; by default the live map's. */
  center?: LngLat;
  /** Layer modules whose images (icons, patterns) the style needs. */
  modules: readonly MapLayerModule[];
  /** Gives up after this long rather than wait forever on a tile that never comes. */
  timeoutMs?: number;
}

/** The same CJK font family as the live map, so labels look the same in the file. */
export const LOCAL_IDEOGRAPH_FONT = "'Noto Sans CJK SC', 'Noto Sans SC', 'PingFang SC', 'Microsoft YaHei', sans-serif";

/** The map drawn at `widthCssPx × pixelRatio` by `heightCssPx × pixelRatio` device pixels. */
export async function renderMapCanvas(map: MapLibreMap, options: RenderOptions): Promise<HTMLCanvasElement> {
  const { widthCssPx, heightCssPx, pixelRatio } = options;
  const holder = document.createElement('div');
  // Laid out (so MapLibre gets a size) but off screen and out of the way of clicks and readers.
  Object.assign(holder.style, { position: 'fixed', left: '-100000px', top: '0', width: `${widthCssPx}px`, height: `${heightCssPx}px`, pointerEvents: 'none' });
  holder.setAttribute('aria-hidden', 'true');
  document.body.append(holder);
  let offscreen: MapLibreMap | null = null;
  try {
    offscreen = new MapLibreMap({
      container: holder,
      style: map.getStyle(),
      center: options.center ?? map.getCenter(),
      zoom: options.zoom ?? map.getZoom(),
      bearing: map.getBearing(),
      pitch: map.getPitch(),
      pixelRatio,
      interactive: false,
      attributionControl: false,
      fadeDuration: 0,
      globalState: map.getGlobalState(),
      localIdeographFontFamily: LOCAL_IDEOGRAPH_FONT,
      canvasContextAttributes: { preserveDrawingBuffer: true },
      maxZoom: map.getMaxZoom(),
      minZoom: map.getMinZoom(),
    });
    const target = offscreen;
    // Images added at run time (facility icons) are not part of the serialised style.
    target.setMissingStyleImageResolver(() => {
      for (const m of options.modules) m.addImages?.(target);
    });
    target.on('error', (e) => console.warn('Export map:', e.error?.message ?? e));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the map did not finish drawing in time')), options.timeoutMs ?? 30_000);
      target.once('idle', () => {
        clearTimeout(timer);
        resolve();
      });
    });
    const source = target.getCanvas();
    const canvas = document.createElement('canvas');
    canvas.width = source.width;
    canvas.height = source.height;
    const ctx = canvas.getContext('2d');
    if (!ctx) throw new Error('2D canvas is not available');
    ctx.drawImage(source, 0, 0);
    return canvas;
  } finally {
    offscreen?.remove();
    holder.remove();
  }
}
