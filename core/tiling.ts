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

/** Labels of a tiled layer show from this zoom at the earliest (a few hundred in view for a sparse layer). */
export const TILED_LABELS_MINZOOM = 15;
/** Labels show where features, spread evenly over their extent, are at least this many screen pixels apart. */
export const TILED_LABEL_SPACING_PX = 96;
/** The map's deepest zoom: labels of the densest layer show there at the latest. */
const MAX_LABEL_ZOOM = 18;

/**
 * The zoom from which a tiled layer's labels show: where its features, spread evenly over their
 * extent (lon/lat box), lie `TILED_LABEL_SPACING_PX` apart on screen (MapLibre's 512-pixel tiles), but
 * not before `TILED_LABELS_MINZOOM` and not after the map's deepest zoom. Placing the labels of tens of
 * thousands of parcels, nearly all colliding, costs seconds a frame and shows nothing readable: 100 000
 * parcels over 37 km² (~19 m apart) are labelled from z18; 2 100 polygons over the district from z15.
 */
export function tiledLabelMinzoom(numberOfFeatures: number, bbox: readonly number[] | undefined): number {
  if (!bbox || bbox.length < 4 || numberOfFeatures <= 0) return TILED_LABELS_MINZOOM;
  const [west, south, east, north] = bbox;
  const lat = ((south + north) / 2) * (Math.PI / 180);
  const metresPerDegree = 111_320;
  const areaM2 = Math.abs(east - west) * metresPerDegree * Math.cos(lat) * Math.abs(north - south) * metresPerDegree;
  const spacingM = Math.sqrt(areaM2 / numberOfFeatures);
  if (!(spacingM > 0)) return MAX_LABEL_ZOOM;
  // Ground metres per screen pixel at zoom z on 512-pixel tiles: 78 271.5 × cos(lat) / 2^z.
  const zoom = Math.log2((TILED_LABEL_SPACING_PX * 78_271.517 * Math.cos(lat)) / spacingM);
  return Math.min(MAX_LABEL_ZOOM, Math.max(TILED_LABELS_MINZOOM, Math.ceil(zoom * 2) / 2));
}
