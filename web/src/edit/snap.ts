/**
 * Snapping while editing a shape: the nearest vertex of a feature of another visible layer within
 * a few pixels of the pointer, from the loaded data (exact coordinates, not the tiled rendering).
 */
import type { Map as MapLibreMap } from 'maplibre-gl';
import type { Store } from '../store.ts';

/** Pixels within which a vertex pulls the pointer. */
export const SNAP_PIXELS = 10;

export function vertexSnapper(map: MapLibreMap, store: Store, exclude: () => string | null) {
  return (event: { lng: number; lat: number; containerX: number; containerY: number }): [number, number] | undefined => {
    const a = map.unproject([event.containerX - SNAP_PIXELS, event.containerY + SNAP_PIXELS]);
    const b = map.unproject([event.containerX + SNAP_PIXELS, event.containerY - SNAP_PIXELS]);
    const [minLon, maxLon, minLat, maxLat] = [Math.min(a.lng, b.lng), Math.max(a.lng, b.lng), Math.min(a.lat, b.lat), Math.max(a.lat, b.lat)];
    const skip = exclude();
    let best: [number, number] | undefined;
    let bestD = SNAP_PIXELS * SNAP_PIXELS;
    const consider = (p: number[]) => {
      if (p[0] < minLon || p[0] > maxLon || p[1] < minLat || p[1] > maxLat) return;
      const s = map.project([p[0], p[1]]);
      const d = (s.x - event.containerX) ** 2 + (s.y - event.containerY) ** 2;
      if (d <= bestD) {
        bestD = d;
        best = [p[0], p[1]];
      }
    };
    const walk = (c: unknown): void => {
      if (!Array.isArray(c)) return;
      if (typeof c[0] === 'number') consider(c as number[]);
      else for (const x of c) walk(x);
    };
    for (const [layerId, features] of store.features) {
      if (!store.layer(layerId).visible) continue;
      for (const f of features) {
        if (f.id === skip || !f.geometry || f.geometry.type === 'GeometryCollection') continue;
        walk(f.geometry.coordinates);
      }
    }
    return best;
  };
}
