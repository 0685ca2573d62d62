/**
 * Vector tiles (OGC API – Tiles): the tileset documents, tiles decoded with @mapbox/vector-tile,
 * empty and out-of-range answers, small parcels kept visible at low zoom, the audience rule, the
 * cache invalidated by a write — and the same tile content from the embedded database (geojson-vt +
 * vt-pbf) and the PostgreSQL server (ST_AsMVT).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { VectorTile } from '@mapbox/vector-tile';
import { PbfReader } from 'pbf';
import type { Db } from '../../api/db/db.ts';
import { openDatabase } from '../../api/open-db.ts';
import { collections } from '../../core/catalog.ts';
import { describeEachDb } from '../helpers/databases.ts';
import { testDbConfig } from '../helpers/db-snapshot.ts';
import { client, reason } from '../helpers/http.ts';
import { testUser } from '../helpers/users.ts';

/** The tile x/y of a lon/lat at zoom z (Web Mercator, OGC row = y), and where in it (tile units of 4096). */
export function tileOf(lon: number, lat: number, z: number): { z: number; x: number; y: number; at: [number, number] } {
  const n = 2 ** z;
  const r = (lat * Math.PI) / 180;
  const fx = ((lon + 180) / 360) * n;
  const fy = ((1 - Math.log(Math.tan(r) + 1 / Math.cos(r)) / Math.PI) / 2) * n;
  return { z, x: Math.floor(fx), y: Math.floor(fy), at: [(fx % 1) * 4096, (fy % 1) * 4096] };
}

/** Each layer of an MVT as { features: properties[], extents: [w, h] in tile units }. */
function decode(bytes: Uint8Array) {
  const vt = new VectorTile(new PbfReader(bytes));
  return Object.fromEntries(
    Object.entries(vt.layers).map(([name, layer]) => {
      const features = Array.from({ length: layer.length }, (_, i) => layer.feature(i));
      return [name, features.map((f) => {
        const pts = f.loadGeometry().flat();
        const xs = pts.map((p) => p.x);
        const ys = pts.map((p) => p.y);
        const box = [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)];
        return { properties: f.properties as Record<string, unknown>, type: f.type, box, size: Math.max(box[2] - box[0], box[3] - box[1]) };
      })];
    }),
  );
}

const XINCHENG = { lon: 111.7, lat: 40.85 };
const path = (collection: string | null, t: { z: number; x: number; y: number }) => `${collection ? `/api/collections/${collection}` : '/api'}/tiles/WebMercatorQuad/${t.z}/${t.y}/${t.x}`;

describeEachDb(
  'vector tiles (OGC API – Tiles)',
  (t) => {
    let api: ReturnType<typeof client>['call'];
    let raw: (p: string, init?: RequestInit) => Promise<Response>;
    before(() => {
      const c = client(t.db);
      api = c.call;
      raw = async (p, init) => c.app.request(p, init);
    });

    test('tile matrix set, tilesets and TileJSON: template, zooms, bounds around the district, layers with their fields', async () => {
      const tms = await api('GET', '/api/tileMatrixSets/WebMercatorQuad');
      assert.equal(tms.body.id, 'WebMercatorQuad');
      assert.equal(tms.body.tileMatrices[10].matrixWidth, 1024);
      const list = await api('GET', '/api/collections/parks/tiles');
      assert.equal(list.body.tilesets[0].dataType, 'vector');
      const ts = await api('GET', '/api/collections/parks/tiles/WebMercatorQuad');
      assert.equal(ts.status, 200);
      assert.equal(ts.body.tilejson, '3.0.0');
      assert.match(ts.body.tiles[0], /\/api\/collections\/parks\/tiles\/WebMercatorQuad\/\{z\}\/\{y\}\/\{x\}$/);
      assert.ok(ts.body.links.some((l: { rel: string; templated?: boolean }) => l.rel === 'item' && l.templated));
      const [w, s, e, n] = ts.body.bounds;
      assert.ok(w > 111 && e < 112.5 && s > 40.5 && n < 41.3, `bounds ${ts.body.bounds}`);
      const fields = ts.body.vector_layers[0].fields;
      assert.ok('id' in fields && 'name_zh' in fields && 'park_class' in fields, JSON.stringify(fields));
      assert.ok(!('source' in fields), 'long texts stay out of tiles (full attributes come from the items API)');
      const all = await api('GET', '/api/tiles/WebMercatorQuad');
      assert.deepEqual(all.body.vector_layers.map((l: { id: string }) => l.id).sort(), ['central_area', 'controls', 'district', 'facilities', 'parks', 'projects', 'villages', 'zones']);
    });

    test('a tile is an MVT with one layer named after the collection, each feature with its id and drawing properties', async () => {
      const r = await raw(path('zones', tileOf(XINCHENG.lon, XINCHENG.lat, 10)));
      assert.equal(r.status, 200);
      assert.equal(r.headers.get('content-type'), 'application/vnd.mapbox-vector-tile');
      assert.match(r.headers.get('etag') ?? '', /^"/);
      const layers = decode(new Uint8Array(await r.arrayBuffer()));
      assert.deepEqual(Object.keys(layers), ['zones']);
      assert.equal(layers.zones.length, 5);
      for (const f of layers.zones) {
        assert.match(String(f.properties.id), /^zone-/);
        assert.ok(f.properties.name_zh && f.properties.color, JSON.stringify(f.properties));
      }
      const multi = decode(new Uint8Array(await (await raw(path(null, tileOf(XINCHENG.lon, XINCHENG.lat, 10)))).arrayBuffer()));
      assert.ok(['district', 'zones', 'controls', 'parks', 'projects'].every((k) => multi[k]?.length > 0), Object.keys(multi).join());
    });

    test('empty tile 204; not numbers 400; beyond the matrix 404; unknown tile matrix set 404; a collection without geometry 404', async () => {
      assert.equal((await raw('/api/collections/zones/tiles/WebMercatorQuad/3/0/0')).status, 204);
      const bad = await api('GET', '/api/collections/zones/tiles/WebMercatorQuad/10/a/3');
      assert.equal(bad.status, 400);
      assert.match(bad.body.description, /whole number/);
      const deep = await api('GET', '/api/collections/zones/tiles/WebMercatorQuad/23/0/0');
      assert.equal(deep.status, 404);
      assert.match(deep.body.description, /0 to 22/);
      const out = await api('GET', '/api/collections/zones/tiles/WebMercatorQuad/2/0/4');
      assert.equal(out.status, 404);
      assert.match(out.body.description, /outside tile matrix 2/);
      assert.equal((await api('GET', '/api/collections/zones/tiles/WorldCRS84Quad/0/0/0')).status, 404);
      assert.equal((await api('GET', '/api/collections/indicators/tiles/WebMercatorQuad/10/384/829')).status, 404);
      assert.equal((await api('GET', '/api/collections/nope/tiles/WebMercatorQuad')).status, 404);
    });

    test('a 2 m parcel is still drawn at z10 (as the pixel square it lies in), itself at z16, and an edit shows in the next tile (the cache follows the version)', async () => {
      const planner = await testUser(t.db, 'planner');
      const [lon, lat] = [111.6905, 40.8405];
      const d = 0.00002; // ≈ 2 m
      const created = await api('POST', '/api/collections/parks/items', {
        headers: { ...planner.auth, ...reason('tile test: a tiny parcel') },
        body: { type: 'Feature', geometry: { type: 'Polygon', coordinates: [[[lon, lat], [lon + d, lat], [lon + d, lat + d], [lon, lat + d], [lon, lat]]] }, properties: { name_zh: '微小地块' } },
      });
      assert.equal(created.status, 201, created.text);
      const id = created.body.id ?? new URL(created.headers.get('location')!).pathname.split('/').pop();
      const t10 = tileOf(lon, lat, 10);
      const square = decode(new Uint8Array(await (await raw(path('parks', t10))).arrayBuffer())).parks.find(
        (f) => Number(f.properties.merged) >= 1 && f.box[0] <= t10.at[0] && t10.at[0] <= f.box[2] && f.box[1] <= t10.at[1] && t10.at[1] <= f.box[3],
      );
      assert.ok(square, 'a pixel square stands for the tiny parcel in the z10 tile');
      assert.ok(square.size >= 6, `drawn ${square.size} tile units across (one screen pixel is 8)`);
      assert.equal(square.properties.id, undefined, 'a pixel square is not a parcel to click on');
      const at16 = path('parks', tileOf(lon, lat, 16));
      const first = await raw(at16);
      const itself = decode(new Uint8Array(await first.arrayBuffer())).parks.find((f) => f.properties.id === id);
      assert.equal(itself?.properties.name_zh, '微小地块');
      const etag = first.headers.get('etag')!;
      assert.equal((await raw(at16, { headers: { 'if-none-match': etag } })).status, 304);

      const renamed = await api('PATCH', `/api/collections/parks/items/${id}`, {
        headers: { ...planner.auth, ...reason('tile test: rename'), 'content-type': 'application/merge-patch+json' },
        body: { properties: { name_zh: '改名地块' } },
      });
      assert.equal(renamed.status, 200, renamed.text);
      const again = await raw(at16, { headers: { 'if-none-match': etag } });
      assert.equal(again.status, 200, 'the old ETag no longer matches');
      const after = decode(new Uint8Array(await again.arrayBuffer())).parks.find((f) => f.properties.id === id);
      assert.equal(after?.properties.name_zh, '改名地块');
    });

    test('tiny parcels in neighbouring pixels of a row are one strip carrying their count; a gap starts another', async () => {
      const planner = await testUser(t.db, 'planner');
      // Pixel columns at z10 on MapLibre's 512-pixel tiles (the world's pixel grid in Web Mercator metres), in the
      // hills north of the city where no other park lies: parcels in columns c, c+1, c+2 and c+4 of one row.
      const R = 6378137;
      const px = (2 * Math.PI * R) / (1024 * 512);
      const [c0, row] = [Math.floor(((111.95 * Math.PI) / 180) * R / px), Math.floor(Math.log(Math.tan(Math.PI / 4 + (41.05 * Math.PI) / 360)) * R / px)];
      const centre = (c: number): [number, number] => [((c + 0.5) * px) / R * (180 / Math.PI), (2 * Math.atan(Math.exp(((row + 0.5) * px) / R)) - Math.PI / 2) * (180 / Math.PI)];
      const d = 0.00001; // ≈ 1 m
      for (const c of [c0, c0 + 1, c0 + 2, c0 + 4]) {
        const [lon, lat] = centre(c);
        const created = await api('POST', '/api/collections/parks/items', {
          headers: { ...planner.auth, ...reason('tile test: a row of tiny parcels') },
          body: { type: 'Feature', geometry: { type: 'Polygon', coordinates: [[[lon - d, lat - d], [lon + d, lat - d], [lon + d, lat + d], [lon - d, lat + d], [lon - d, lat - d]]] }, properties: { name_zh: `微小地块 ${c - c0}` } },
        });
        assert.equal(created.status, 201, created.text);
      }
      const tile = tileOf(...centre(c0), 10);
      const strips = decode(new Uint8Array(await (await raw(path('parks', tile))).arrayBuffer())).parks.filter((f) => f.properties.merged !== undefined);
      const holding = (c: number) => {
        const at = tileOf(...centre(c), 10).at;
        return strips.filter((f) => f.box[0] <= at[0] && at[0] <= f.box[2] && f.box[1] <= at[1] && at[1] <= f.box[3]);
      };
      const [first] = holding(c0);
      assert.ok(first, 'a strip holds the first parcel');
      assert.equal(Number(first.properties.merged), 3, 'the three neighbouring parcels are one strip');
      assert.deepEqual(holding(c0 + 1), [first]);
      assert.deepEqual(holding(c0 + 2), [first]);
      // One screen pixel is 8 tile units: the strip is three pixels wide and one tall.
      assert.equal(first.box[2] - first.box[0], 24);
      assert.equal(first.box[3] - first.box[1], 8);
      assert.deepEqual(holding(c0 + 3), [], 'the empty pixel is left empty');
      const [last] = holding(c0 + 4);
      assert.equal(Number(last?.properties.merged), 1, 'after the gap, a strip of its own');
      assert.equal(last.box[2] - last.box[0], 8);
    });

    test('anonymous readers of a network server get public collections and properties only', async () => {
      const pub = client(t.db, { ANONYMOUS_READ: 'public' }).call;
      const ts = await pub('GET', '/api/tiles/WebMercatorQuad');
      const ids = ts.body.vector_layers.map((l: { id: string }) => l.id);
      const hidden = (await api('GET', '/api/collections')).body.collections.filter((c: { audience: string }) => c.audience !== 'public').map((c: { id: string }) => c.id);
      for (const h of hidden) {
        assert.ok(!ids.includes(h), `${h} is not in the public tileset`);
        assert.equal((await pub('GET', `/api/collections/${h}/tiles/WebMercatorQuad`)).status, 401);
      }
    });
  },
  { isolated: true },
);

// The same tiles from both databases: decoded, per layer the same features with the same properties.
describe('embedded and server tiles have the same content', { skip: process.env.DATABASE_URL ? false : 'needs DATABASE_URL' }, () => {
  let embedded: Db;
  let server: Db;
  before(async () => {
    embedded = await openDatabase(testDbConfig());
    server = await openDatabase(testDbConfig(process.env.DATABASE_URL));
  });
  after(async () => {
    await embedded?.close();
    await server?.close();
  });

  test('tiles z8–z15 around the district: same layers, feature counts and properties', async () => {
    const a = client(embedded).app;
    const b = client(server).app;
    let compared = 0;
    for (const z of [8, 10, 12, 13, 14, 15]) {
      const c = tileOf(XINCHENG.lon, XINCHENG.lat, z);
      for (const [dx, dy] of [[0, 0], [1, 0], [0, 1], [-1, -1]]) {
        const p = path(null, { z, x: c.x + dx, y: c.y + dy });
        const [ra, rb] = [await a.request(p), await b.request(p)];
        assert.equal(ra.status, rb.status, p);
        if (ra.status === 204) continue;
        // The built-in collections: a shared server database may hold layers other suites imported.
        const builtIn = (l: ReturnType<typeof decode>) => Object.fromEntries(Object.entries(l).filter(([k]) => collections.some((c) => c.id === k)));
        const [la, lb] = [builtIn(decode(new Uint8Array(await ra.arrayBuffer()))), builtIn(decode(new Uint8Array(await rb.arrayBuffer())))];
        assert.deepEqual(Object.keys(la).sort(), Object.keys(lb).sort(), `${p}: layers`);
        for (const layer of Object.keys(la)) {
          const key = (fs: { properties: Record<string, unknown> }[]) => fs.map((f) => JSON.stringify(Object.entries(f.properties).sort())).sort();
          assert.deepEqual(key(la[layer]), key(lb[layer]), `${p} ${layer}: features and properties`);
          compared += la[layer].length;
        }
      }
    }
    assert.ok(compared > 200, `${compared} features compared`);
  });
});
