/**
 * Encodes vector tiles in Node for the embedded database, whose PostGIS lacks `ST_AsMVT`: the
 * features the database prepared for one tile (api/sql/tiles.ts) are cut to the tile by
 * geojson-vt (MapLibre's, the library the map itself uses for GeoJSON) with the same extent and
 * buffer as `ST_AsMVTGeom`, and written as a Mapbox Vector Tile by vt-pbf.
 */
import type { Feature } from 'geojson';
import { geoJSONToTile } from '@maplibre/geojson-vt';
import { fromGeojsonVt } from '@maplibre/vt-pbf';
import { TILE_BUFFER, TILE_EXTENT } from '../sql/tiles.ts';

/** One layer's features (EPSG:4326) for tile z/x/y, or null when nothing of it falls in the tile. */
export function cutLayer(features: Feature[], z: number, x: number, y: number) {
  if (features.length === 0) return null;
  // No simplification here (tolerance 0): the database already simplified as the server does.
  const tile = geoJSONToTile({ type: 'FeatureCollection', features }, z, x, y, { extent: TILE_EXTENT, buffer: TILE_BUFFER, tolerance: 0, clip: true });
  return tile && tile.features.length > 0 ? tile : null;
}

/** MVT bytes of the given layers (name → cut tile); empty when every layer is empty. */
export function encodeTile(layers: Record<string, ReturnType<typeof cutLayer>>): Uint8Array {
  const present = Object.fromEntries(Object.entries(layers).filter((e): e is [string, NonNullable<ReturnType<typeof cutLayer>>] => e[1] !== null));
  if (Object.keys(present).length === 0) return new Uint8Array(0);
  return fromGeojsonVt(present, { version: 2, extent: TILE_EXTENT });
}
