/**
 * Camera moves that keep a selection clear of the panels. MapLibre keeps the `padding` of a
 * `flyTo` on the map and adds it to the next `fitBounds` (maplibre-gl-js #4095, #6744): after one
 * fly to a point, fitting a shape failed with "Map cannot fit within canvas". So a point is flown
 * to with an `offset` (nothing stays on the map), and padding is only ever given to `fitBounds`,
 * from zero.
 */
import type { Map as MapLibreMap, PaddingOptions } from 'maplibre-gl';

type Padding = Partial<PaddingOptions>;

const ZERO = { top: 0, bottom: 0, left: 0, right: 0 };

/** Drops padding a earlier move left on the map (none should, but a library or old code might). */
function clearPadding(map: MapLibreMap) {
  const p = map.getPadding();
  if (p.top || p.bottom || p.left || p.right) map.setPadding(ZERO);
}

/** Flies to a point, centred in the part of the map the panels leave free. */
export function flyToPoint(map: MapLibreMap, center: [number, number], zoom: number, padding: Padding, duration: number): void {
  clearPadding(map);
  const offset: [number, number] = [((padding.left ?? 0) - (padding.right ?? 0)) / 2, ((padding.top ?? 0) - (padding.bottom ?? 0)) / 2];
  map.flyTo({ center, zoom, offset, duration });
}

/** Fits bounds inside the part of the map the panels leave free (less padding when the map is small). */
export function fitToBounds(map: MapLibreMap, bounds: [number, number, number, number], padding: Padding, opts: { maxZoom?: number; duration: number }): void {
  clearPadding(map);
  const el = map.getContainer();
  const p = { ...ZERO, ...padding };
  // A padding wider than the map cannot fit anything: keep a usable middle at least.
  if (p.left + p.right > el.clientWidth - 80) p.left = p.right = 20;
  if (p.top + p.bottom > el.clientHeight - 80) p.top = p.bottom = 20;
  // An explicit `maxZoom: undefined` would replace MapLibre's default and make the zoom NaN.
  map.fitBounds(bounds, { padding: p, duration: opts.duration, ...(opts.maxZoom === undefined ? {} : { maxZoom: opts.maxZoom }) });
}
