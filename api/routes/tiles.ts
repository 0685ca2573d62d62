/**
 * OGC API – Tiles (vector tiles, WebMercatorQuad) for every collection and for the whole map:
 *   /tileMatrixSets, /tileMatrixSets/WebMercatorQuad
 *   /collections/{id}/tiles, …/tiles/WebMercatorQuad (tileset metadata, also TileJSON 3.0),
 *   …/tiles/WebMercatorQuad/{z}/{y}/{x} (Mapbox Vector Tile; 204 when empty)
 *   /tiles, /tiles/WebMercatorQuad, /tiles/WebMercatorQuad/{z}/{y}/{x} (one layer per collection).
 * Tiles carry the properties the map draws and labels (`tileProperties`) and each feature's `id`;
 * the full feature is one request away (`/collections/{id}/items/{id}`). Answers are cached by the
 * collections' versions (a write bumps them), with an ETag.
 */
import { Hono, type Context } from 'hono';
import type { Feature } from 'geojson';
import { isPublicCollection, isPublicProperty } from '../../core/audience.ts';
import type { CollectionDef } from '../../core/catalog.ts';
import { readAudience, type ReadAudience } from '../auth/middleware.ts';
import { catalogue } from '../catalogue.ts';
import type { Db } from '../db/db.ts';
import { apiError } from '../errors.ts';
import { apiBase } from '../public-url.ts';
import { ResponseCache } from '../response-cache.ts';
import { extentQuery } from '../sql/collections.ts';
import { mvtTileQuery, tileFeaturesQuery, type TileProperties } from '../sql/tiles.ts';
import { cutLayer, encodeTile } from '../tiles/cut.ts';
import { readable } from './collections.ts';

export const MVT_TYPE = 'application/vnd.mapbox-vector-tile';
const TMS_ID = 'WebMercatorQuad';
const TMS_URI = 'http://www.opengis.net/def/tilematrixset/OGC/1.0/WebMercatorQuad';
/** Deepest tile served; TileJSON advertises `MAP_MAXZOOM`, and MapLibre over-zooms from there (a tile unit is ~15 cm at z16). */
export const MAX_ZOOM = 22;
const MAP_MAXZOOM = 16;
const WORLD = 20037508.342789244;

/** The properties a tile carries: names, quality, the filterable ones and what a style reads (colour, label, the category field). */
export function tileProperties(def: CollectionDef, audience: ReadAudience): string[] {
  const styled = new Set(['name_zh', 'name_en', 'quality', ...STYLE_PROPERTIES, ...(def.style?.byField ? [def.style.byField] : [])]);
  return Object.entries(def.properties)
    .filter(([k, d]) => (d.filter || styled.has(k)) && (audience === 'all' || isPublicProperty(k, def.properties)))
    .map(([k]) => k);
}

/** What the map's styles read (the built-in layers' colour keys and an imported layer's category field). */
const STYLE_PROPERTIES = ['color', 'label', 'role', 'kind', 'status', 'type', 'sector', 'quality', 'location_quality'];

/** The properties of a tile, and the few kept on the pixel strips that stand for sub-pixel polygons. */
function tileProps(def: CollectionDef, audience: ReadAudience): TileProperties {
  const properties = tileProperties(def, audience);
  const style = new Set([...STYLE_PROPERTIES, ...(def.style?.byField ? [def.style.byField] : [])]);
  return { properties, styleProperties: properties.filter((k) => style.has(k)) };
}

/** z/y/x of the path, checked: whole numbers within the tile matrix (400 when not numbers, 404 outside the matrix). */
function tileAddress(c: Context): { z: number; x: number; y: number } {
  const [z, y, x] = ['z', 'y', 'x'].map((k) => {
    const v = c.req.param(k) ?? '';
    if (!/^\d{1,8}$/.test(v)) apiError(400, 'InvalidParameterValue', `Tile ${k} must be a whole number, not "${v.slice(0, 20)}".`);
    return Number(v);
  });
  if (z > MAX_ZOOM) apiError(404, 'NotFound', `Tile matrix ${z} does not exist; ${TMS_ID} here has 0 to ${MAX_ZOOM}.`);
  const n = 2 ** z;
  if (x >= n || y >= n) apiError(404, 'NotFound', `Tile ${z}/${y}/${x} is outside tile matrix ${z}, whose rows and columns run 0 to ${n - 1}.`);
  return { z, x, y };
}

function checkTms(c: Context): void {
  const tms = c.req.param('tms');
  if (tms !== TMS_ID) apiError(404, 'NotFound', `Tile matrix set "${(tms ?? '').slice(0, 40)}" is not served; use ${TMS_ID}.`);
}

/** The OGC 2D Tile Matrix Set definition of WebMercatorQuad, matrices 0..MAX_ZOOM. */
function webMercatorQuad() {
  return {
    id: TMS_ID,
    title: 'Google Maps Compatible for the World',
    uri: TMS_URI,
    crs: 'http://www.opengis.net/def/crs/EPSG/0/3857',
    orderedAxes: ['X', 'Y'],
    wellKnownScaleSet: 'http://www.opengis.net/def/wkss/OGC/1.0/GoogleMapsCompatible',
    tileMatrices: Array.from({ length: MAX_ZOOM + 1 }, (_, z) => ({
      id: String(z),
      scaleDenominator: 559082264.0287178 / 2 ** z,
      cellSize: 156543.03392804097 / 2 ** z,
      cornerOfOrigin: 'topLeft',
      pointOfOrigin: [-WORLD, WORLD],
      tileWidth: 256,
      tileHeight: 256,
      matrixWidth: 2 ** z,
      matrixHeight: 2 ** z,
    })),
  };
}

const GEOMETRY_TYPE: Record<string, string> = { polygon: 'polygons', point: 'points', mixed: 'geometries', none: 'geometries' };

export function tileRoutes(db: Db) {
  const app = new Hono();
  const cache = new ResponseCache(db, 64 * 1024 * 1024);
  /** The collections this reader may see that have geometry. */
  const drawable = (audience: ReadAudience) => catalogue(db).filter((d) => d.geometry !== 'none' && (audience === 'all' || isPublicCollection(d)));

  async function bbox(defs: CollectionDef[]): Promise<[number, number, number, number] | undefined> {
    let b: [number, number, number, number] | undefined;
    for (const def of defs) {
      const q = extentQuery(def);
      const e = (await db.query<{ xmin: number | null; ymin: number; xmax: number; ymax: number }>(q.text, q.values)).rows[0];
      if (e.xmin === null) continue;
      b = b ? [Math.min(b[0], e.xmin), Math.min(b[1], e.ymin), Math.max(b[2], e.xmax), Math.max(b[3], e.ymax)] : [e.xmin, e.ymin, e.xmax, e.ymax];
    }
    return b;
  }

  /** Tileset metadata (OGC API – Tiles) that is also a TileJSON 3.0 document, so MapLibre can use its URL as a source. */
  async function tileset(c: Context, defs: CollectionDef[], path: string, title: string, audience: ReadAudience) {
    const base = apiBase(c);
    const template = `${base}${path}/${TMS_ID}/{z}/{y}/{x}`;
    return {
      title,
      tileMatrixSetURI: TMS_URI,
      dataType: 'vector',
      crs: 'http://www.opengis.net/def/crs/EPSG/0/3857',
      links: [
        { href: `${base}${path}/${TMS_ID}`, rel: 'self', type: 'application/json', title: 'This tileset' },
        { href: `${base}/tileMatrixSets/${TMS_ID}`, rel: 'http://www.opengis.net/def/rel/ogc/1.0/tiling-scheme', type: 'application/json', title: TMS_ID },
        { href: `${base}${path}/${TMS_ID}/{tileMatrix}/{tileRow}/{tileCol}`, rel: 'item', type: MVT_TYPE, templated: true, title: 'Vector tiles' },
      ],
      layers: defs.map((d) => ({ id: d.id, title: d.title.zh, dataType: 'vector', geometryType: GEOMETRY_TYPE[d.geometry] ?? 'geometries', propertiesSchema: { type: 'object', properties: Object.fromEntries(['id', ...tileProperties(d, audience)].map((k) => [k, { type: k === 'id' ? 'string' : (d.properties[k]?.type ?? 'string') }])) } })),
      // TileJSON 3.0.0.
      tilejson: '3.0.0',
      name: title,
      tiles: [template],
      minzoom: 0,
      maxzoom: MAP_MAXZOOM,
      bounds: (await bbox(defs)) ?? [-180, -85.05, 180, 85.05],
      vector_layers: defs.map((d) => ({ id: d.id, description: d.title.en, minzoom: 0, maxzoom: MAP_MAXZOOM, fields: Object.fromEntries(['id', ...tileProperties(d, audience)].map((k) => [k, d.properties[k]?.type === 'number' || d.properties[k]?.type === 'integer' ? 'Number' : 'String'])) })),
    };
  }

  /** The MVT bytes of z/x/y with one layer per collection in `defs` (empty when nothing is there). */
  async function tileBytes(defs: CollectionDef[], z: number, x: number, y: number, audience: ReadAudience): Promise<Uint8Array> {
    if (db.kind === 'postgresql') {
      // One statement per layer; MVT layers are concatenated as they are.
      const parts = await Promise.all(
        defs.map(async (d) => {
          const q = mvtTileQuery(d, z, x, y, tileProps(d, audience), d.id);
          return ((await db.query<{ tile: Uint8Array | null }>(q.text, q.values)).rows[0]?.tile ?? new Uint8Array(0)) as Uint8Array;
        }),
      );
      return Buffer.concat(parts);
    }
    const layers: Record<string, ReturnType<typeof cutLayer>> = {};
    for (const d of defs) {
      const q = tileFeaturesQuery(d, z, x, y, tileProps(d, audience));
      const features = (await db.query<{ feature: string }>(q.text, q.values)).rows.map((r) => JSON.parse(r.feature) as Feature);
      layers[d.id] = cutLayer(features, z, x, y);
    }
    return encodeTile(layers);
  }

  const tilesetsList = (c: Context, path: string, title: string) => {
    const base = apiBase(c);
    return c.json({
      links: [{ href: `${base}${path}`, rel: 'self', type: 'application/json' }],
      tilesets: [
        {
          title,
          tileMatrixSetURI: TMS_URI,
          dataType: 'vector',
          crs: 'http://www.opengis.net/def/crs/EPSG/0/3857',
          links: [
            { href: `${base}${path}/${TMS_ID}`, rel: 'self', type: 'application/json', title: `${title} (${TMS_ID})` },
            { href: `${base}/tileMatrixSets/${TMS_ID}`, rel: 'http://www.opengis.net/def/rel/ogc/1.0/tiling-scheme', type: 'application/json' },
          ],
        },
      ],
    });
  };

  app.get('/tileMatrixSets', (c) => {
    const base = apiBase(c);
    return c.json({ tileMatrixSets: [{ id: TMS_ID, title: 'Google Maps Compatible for the World', uri: TMS_URI, links: [{ href: `${base}/tileMatrixSets/${TMS_ID}`, rel: 'self', type: 'application/json' }] }] });
  });
  app.get('/tileMatrixSets/:tms', (c) => {
    checkTms(c);
    return c.json(webMercatorQuad());
  });

  app.get('/collections/:id/tiles', (c) => {
    const { def } = readable(db, c);
    return tilesetsList(c, `/collections/${def.id}/tiles`, `${def.title.zh} · ${def.title.en}`);
  });
  app.get('/collections/:id/tiles/:tms', async (c) => {
    const { def, audience } = readable(db, c);
    checkTms(c);
    return c.json(await tileset(c, [def], `/collections/${def.id}/tiles`, `${def.title.zh} · ${def.title.en}`, audience));
  });
  app.get('/collections/:id/tiles/:tms/:z/:y/:x', (c) => {
    const { def, audience } = readable(db, c);
    checkTms(c);
    const { z, x, y } = tileAddress(c);
    if (def.geometry === 'none') apiError(404, 'NotFound', `Collection "${def.id}" has no geometry, so no tiles.`);
    return cache.respond(c, [def.id], async () => ({ body: await tileBytes([def], z, x, y, audience), type: MVT_TYPE }), { variant: audience });
  });

  app.get('/tiles', (c) => tilesetsList(c, '/tiles', '新城区规划图 · Xincheng planning map'));
  app.get('/tiles/:tms', async (c) => {
    checkTms(c);
    const audience = readAudience(c);
    return c.json(await tileset(c, drawable(audience), '/tiles', '新城区规划图 · Xincheng planning map', audience));
  });
  app.get('/tiles/:tms/:z/:y/:x', (c) => {
    checkTms(c);
    const { z, x, y } = tileAddress(c);
    const audience = readAudience(c);
    const defs = drawable(audience);
    return cache.respond(c, defs.map((d) => d.id), async () => ({ body: await tileBytes(defs, z, x, y, audience), type: MVT_TYPE }), { variant: audience });
  });

  return app;
}
