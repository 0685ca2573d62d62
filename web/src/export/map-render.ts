/**
 * Renders the live map once at the size and pixel ratio an export needs, reads the frame back and
 * puts the map back as it was. No second MapLibre map: that one had to load the style, send every
 * layer's data to its workers again and draw every label's glyphs anew (4–7 s here, 18–20 s on a
 * slower office laptop); the live map already has all of it, so a 2× PNG re-renders in about 0.1 s.
 *
 * For a page (another size than the screen) the map's container is laid out at the print size for
 * the moment of the render, hidden behind the export's progress overlay, then restored; for a PNG
 * only the pixel ratio changes, so nothing on screen moves.
 */
import type { LngLat, Map as MapLibreMap } from 'maplibre-gl';

export interface RenderOptions {
  /** Size of the map in CSS pixels; by default the container's own (the view as it is). */
  widthCssPx?: number;
  heightCssPx?: number;
  /** Device pixels per CSS pixel: 2 or 3 for a sharp print. Capped so no side exceeds the map's 4096-pixel canvas limit. */
  pixelRatio: number;
  /** Zoom of the rendered map; by default the live map's. */
  zoom?: number;
  /** Centre of the rendered map; by default the live map's. */
  center?: LngLat;
  /** Gives up after this long rather than wait forever on a tile that never comes. */
  timeoutMs?: number;
}

/** The rendered image and whatever `measure` read off the map while it showed the export's camera. */
export interface Rendered<T> {
  canvas: HTMLCanvasElement;
  /** Device pixels per CSS pixel actually used (the asked ratio, or less at the canvas limit). */
  pixelRatio: number;
  measured: T;
}

/** MapLibre's default `maxCanvasSize`: a canvas side is never larger. */
export const MAX_CANVAS_PX = 4096;

/**
 * A copy of the WebGL canvas's current frame on a 2D canvas, read with `readPixels`. Drawing the
 * WebGL canvas onto a 2D one (`drawImage`) took 11 s for an A3 page in software-rendered Chromium
 * (its copy path converts pixel by pixel); `readPixels` takes a fraction of a second.
 */
function readCanvas(source: HTMLCanvasElement): HTMLCanvasElement {
  const { width, height } = source;
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('2D canvas is not available');
  const gl = (source.getContext('webgl2') ?? source.getContext('webgl')) as WebGLRenderingContext | null;
  if (!gl) {
    ctx.drawImage(source, 0, 0);
    return canvas;
  }
  const pixels = new Uint8Array(width * height * 4);
  gl.readPixels(0, 0, width, height, gl.RGBA, gl.UNSIGNED_BYTE, pixels);
  // WebGL rows run bottom-up; the map's background makes every pixel opaque (no premultiplication to undo).
  const image = ctx.createImageData(width, height);
  const row = width * 4;
  for (let y = 0; y < height; y++) image.data.set(pixels.subarray((height - 1 - y) * row, (height - y) * row), y * row);
  ctx.putImageData(image, 0, 0);
  return canvas;
}

/**
 * Runs `read` inside the map's next `idle` event: fired in the same task as the frame just drawn,
 * while the WebGL drawing buffer still holds it, so no extra frame (each one at print size costs the
 * software renderer seconds) and no `preserveDrawingBuffer` (which would slow every frame of the live map).
 */
function onIdle<R>(map: MapLibreMap, timeoutMs: number, read: () => R): Promise<R> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the map did not finish drawing in time')), timeoutMs);
    map.once('idle', () => {
      clearTimeout(timer);
      try {
        resolve(read());
      } catch (err) {
        reject(err);
      }
    });
    // Nothing changed (same size, ratio and camera): draw once so that an `idle` follows.
    if (!map.isMoving() && map.loaded()) map.triggerRepaint();
  });
}

/**
 * The map drawn at `widthCssPx × pixelRatio` by `heightCssPx × pixelRatio` device pixels. `measure`
 * runs while the map shows the export's camera and size (e.g. to project grid lines), before it is
 * put back.
 */
export async function renderMapCanvas<T = undefined>(map: MapLibreMap, options: RenderOptions, measure?: (map: MapLibreMap) => T): Promise<Rendered<T>> {
  const container = map.getContainer();
  const widthCssPx = Math.round(options.widthCssPx ?? container.clientWidth);
  const heightCssPx = Math.round(options.heightCssPx ?? container.clientHeight);
  const resized = widthCssPx !== container.clientWidth || heightCssPx !== container.clientHeight;
  const pixelRatio = Math.min(options.pixelRatio, MAX_CANVAS_PX / Math.max(widthCssPx, heightCssPx));
  const camera = { center: map.getCenter(), zoom: map.getZoom(), bearing: map.getBearing(), pitch: map.getPitch() };
  // Label fade-ins are frames too: at print size each costs the software renderer seconds, and the
  // read-back waits for all of them. MapLibre has no public setter for the fade.
  const fading = map as unknown as { _fadeDuration?: number };
  const before = { style: container.getAttribute('style'), pixelRatio: map.getPixelRatio(), fade: fading._fadeDuration };
  try {
    if (typeof before.fade === 'number') fading._fadeDuration = 0;
    if (resized) {
      // Laid out at the print size, out of sight (the progress overlay is shown meanwhile): WebGL
      // still draws into a hidden canvas, and the page around it does not reflow.
      Object.assign(container.style, { position: 'fixed', left: '0', top: '0', width: `${widthCssPx}px`, height: `${heightCssPx}px`, visibility: 'hidden' });
      map.resize();
    }
    map.setPixelRatio(pixelRatio);
    if (options.center || options.zoom !== undefined) map.jumpTo({ center: options.center ?? camera.center, zoom: options.zoom ?? camera.zoom });
    return await onIdle(map, options.timeoutMs ?? 30_000, () => {
      const measured = measure ? measure(map) : (undefined as T);
      return { canvas: readCanvas(map.getCanvas()), pixelRatio, measured };
    });
  } finally {
    if (resized) {
      if (before.style === null) container.removeAttribute('style');
      else container.setAttribute('style', before.style);
      map.resize();
    }
    map.setPixelRatio(before.pixelRatio);
    map.jumpTo(camera);
    if (typeof before.fade === 'number') fading._fadeDuration = before.fade;
  }
}
