/**
 * Which collections the map draws from vector tiles (OGC API – Tiles) instead of loading them whole
 * as GeoJSON: those with more features than `TILED_ABOVE_FEATURES`. The plan's own layers (at most a
 * few hundred features) stay GeoJSON, so everything the browser computes with them (search, the
 * instant Turf checks, the attribute tables) has them whole; an office's parcel or land-use layer of
 * tens of thousands of polygons is tiled, and a feature's full attributes are fetched when it is
 * clicked.
 */

/** Above this many features a collection is drawn from tiles. */
export const TILED_ABOVE_FEATURES = 2000;

export function drawnFromTiles(numberOfFeatures: number | undefined): boolean {
  return (numberOfFeatures ?? 0) > TILED_ABOVE_FEATURES;
}

/** The tileset (TileJSON) of a collection, relative to the API base. */
export function tilesetPath(collectionId: string): string {
  return `/collections/${encodeURIComponent(collectionId)}/tiles/WebMercatorQuad`;
}
