/**
 * Issue 12, the office's basemap: PMTiles and MBTiles packages (BASEMAP_FILE) served by the app —
 * TileJSON from the package's metadata, tiles byte for byte (MBTiles' TMS rows flipped), 204 where the
 * package has no tile, 400 off the tile grid, 404 for an unknown package, the PMTiles archive by range
 * requests (206) as the map's pmtiles protocol reads it; a file that is not a package stops the start.
 * Fixtures: tests/fixtures/basemap (scripts/make-basemap-fixtures.ts).
 *
 * The basemap routes read no database, so the app here runs over a stand-in Db (anonymous requests
 * without cookies or tokens do not touch it).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { after, before, describe, test } from 'node:test';
import initSqlJs, { type Database } from 'sql.js';
import { PMTiles, type RangeResponse, type Source } from 'pmtiles';
import { createApp } from '../../api/app.ts';
import type { Db } from '../../api/db/db.ts';
import { openBasemapPackages, type BasemapPackage } from '../../api/basemap-packages.ts';
import { parseRange } from '../../api/routes/basemap-packages.ts';

const DIR = 'tests/fixtures/basemap';
const RASTER = `${DIR}/xincheng-raster.mbtiles`;
const PMTILES = `${DIR}/xincheng-raster.pmtiles`;
const VECTOR = `${DIR}/xincheng-vector.mbtiles`;

/** The XYZ tile that holds a point (Web Mercator, y from the north). */
function tileOf(lon: number, lat: number, z: number): [number, number] {
  const n = 2 ** z;
  const r = (lat * Math.PI) / 180;
  return [Math.floor(((lon + 180) / 360) * n), Math.floor(((1 - Math.log(Math.tan(r) + 1 / Math.cos(r)) / Math.PI) / 2) * n)];
}

describe('basemap packages (BASEMAP_FILE)', () => {
  let packages: BasemapPackage[];
  let app: ReturnType<typeof createApp>;
  let raster: Database;
  let vector: Database;
  const get = (path: string, headers: Record<string, string> = {}) => app.request(path, { headers });

  before(async () => {
    packages = await openBasemapPackages([RASTER, PMTILES, VECTOR]);
    app = createApp({
      db: { kind: 'pglite' } as unknown as Db,
      config: { BASEMAPS: [], BASEMAP_URLS: [{ title: '省平台影像', url: 'https://gis.nmg.example.cn/img/{z}/{x}/{y}.png', scheme: 'xyz', attribution: '© 省厅', crs: 'EPSG:3857', maxzoom: 18 }] },
      basemapPackages: packages,
    });
    const SQL = await initSqlJs();
    raster = new SQL.Database(readFileSync(RASTER));
    vector = new SQL.Database(readFileSync(VECTOR));
  });
  after(async () => {
    raster?.close();
    vector?.close();
    await Promise.all((packages ?? []).map((p) => p.close()));
  });

  test('ids from the file names (unique), listed at /api/basemaps', async () => {
    assert.deepEqual(packages.map((p) => [p.id, p.kind, p.format]), [
      ['xincheng-raster', 'mbtiles', 'png'],
      ['xincheng-raster-2', 'pmtiles', 'png'],
      ['xincheng-vector', 'mbtiles', 'pbf'],
    ]);
    const r = await get('/api/basemaps');
    assert.equal(r.status, 200);
    const body = await r.json();
    assert.deepEqual(body.basemaps.map((b: { id: string }) => b.id), ['xincheng-raster', 'xincheng-raster-2', 'xincheng-vector']);
    assert.equal(body.basemaps[0].tilejson, 'http://localhost/api/basemaps/xincheng-raster');
  });

  test('TileJSON from the MBTiles metadata: name, attribution, bounds, zooms, format, tiles URL', async () => {
    const r = await get('/api/basemaps/xincheng-raster');
    assert.equal(r.status, 200);
    const tj = await r.json();
    const meta = Object.fromEntries(raster.exec('SELECT name, value FROM metadata')[0].values);
    assert.equal(tj.tilejson, '3.0.0');
    assert.equal(tj.name, '新城区测试影像');
    assert.equal(tj.name, meta.name);
    assert.equal(tj.attribution, '测试影像 © 新城区自然资源局 (fixture)');
    assert.equal(tj.format, 'png');
    assert.equal(tj.minzoom, 9);
    assert.equal(tj.maxzoom, 11);
    assert.deepEqual(tj.bounds, String(meta.bounds).split(',').map(Number));
    assert.equal(tj.scheme, 'xyz');
    assert.deepEqual(tj.tiles, ['http://localhost/api/basemaps/xincheng-raster/{z}/{x}/{y}']);
    // Behind a proxy the links are the proxy's.
    const proxied = await (await get('/api/basemaps/xincheng-raster', { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'localhost', 'x-forwarded-prefix': '/gis' })).json();
    assert.deepEqual(proxied.tiles, ['https://localhost/gis/api/basemaps/xincheng-raster/{z}/{x}/{y}']);
  });

  test('TileJSON of a PMTiles archive (header and metadata) and of a vector package (vector_layers)', async () => {
    const p = await (await get('/api/basemaps/xincheng-raster-2')).json();
    assert.equal(p.name, '新城区测试影像 (PMTiles)');
    assert.equal(p.attribution, '测试影像 © 新城区自然资源局 (fixture)');
    assert.deepEqual([p.minzoom, p.maxzoom, p.format], [9, 11, 'png']);
    assert.equal(p.pmtiles, 'http://localhost/api/basemaps/xincheng-raster-2/archive.pmtiles');
    assert.ok(Math.abs(p.bounds[0] - 111.5887) < 1e-3 && Math.abs(p.bounds[3] - 41.1331) < 1e-3, String(p.bounds));
    const v = await (await get('/api/basemaps/xincheng-vector')).json();
    assert.equal(v.format, 'pbf');
    assert.deepEqual(v.vector_layers.map((l: { id: string }) => l.id), ['roads', 'buildings', 'water', 'park']);
    assert.deepEqual(v.vector_layers[0].fields, { name: 'String', class: 'String' });
  });

  test('a known tile: the one over the district centre at zoom 11 is the MBTiles row with y flipped (TMS)', async () => {
    const [x, y] = tileOf(111.75, 40.9, 11);
    const row = 2 ** 11 - 1 - y;
    const stored = raster.exec('SELECT tile_data FROM tiles WHERE zoom_level = 11 AND tile_column = ? AND tile_row = ?', [x, row])[0]?.values[0][0] as Uint8Array;
    assert.ok(stored, `the fixture has tile 11/${x}/${y} (row ${row})`);
    const r = await get(`/api/basemaps/xincheng-raster/11/${x}/${y}`);
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('content-type'), 'image/png');
    assert.match(r.headers.get('cache-control') ?? '', /max-age/);
    assert.deepEqual(new Uint8Array(await r.arrayBuffer()), stored);
    // The same number read as a TMS row is far south of the package: no tile there.
    assert.equal((await get(`/api/basemaps/xincheng-raster/11/${x}/${row}`)).status, 204);
    // With the format's extension, as many clients write it.
    assert.equal((await get(`/api/basemaps/xincheng-raster/11/${x}/${y}.png`)).status, 200);
  });

  test('every tile of the MBTiles and of the PMTiles archive is served byte for byte', async () => {
    const rows = raster.exec('SELECT zoom_level, tile_column, tile_row, tile_data FROM tiles')[0].values;
    assert.ok(rows.length >= 20, `${rows.length} tiles`);
    for (const [z, x, row, data] of rows) {
      const y = 2 ** Number(z) - 1 - Number(row);
      for (const id of ['xincheng-raster', 'xincheng-raster-2']) {
        const r = await get(`/api/basemaps/${id}/${z}/${x}/${y}`);
        assert.equal(r.status, 200, `${id} ${z}/${x}/${y}`);
        assert.deepEqual(new Uint8Array(await r.arrayBuffer()), data, `${id} ${z}/${x}/${y}`);
      }
    }
  });

  test('vector tiles: gzip as stored to a client that takes it, decompressed otherwise', async () => {
    const [z, x, row, data] = vector.exec('SELECT zoom_level, tile_column, tile_row, tile_data FROM tiles WHERE zoom_level = 12 LIMIT 1')[0].values[0];
    const y = 2 ** Number(z) - 1 - Number(row);
    const stored = data as Uint8Array;
    assert.deepEqual([stored[0], stored[1]], [0x1f, 0x8b], 'GDAL stores MVT gzip-compressed');
    const gz = await get(`/api/basemaps/xincheng-vector/${z}/${x}/${y}`, { 'accept-encoding': 'gzip, deflate, br' });
    assert.equal(gz.status, 200);
    assert.equal(gz.headers.get('content-type'), 'application/vnd.mapbox-vector-tile');
    assert.equal(gz.headers.get('content-encoding'), 'gzip');
    assert.deepEqual(new Uint8Array(await gz.arrayBuffer()), stored);
    const plain = await get(`/api/basemaps/xincheng-vector/${z}/${x}/${y}`);
    assert.equal(plain.headers.get('content-encoding'), null);
    assert.deepEqual(new Uint8Array(await plain.arrayBuffer()), new Uint8Array(gunzipSync(stored)));
  });

  test('no tile there: 204 (outside the package, above or below its zooms)', async () => {
    for (const path of ['11/0/0', '10/0/0', '3/6/3', '14/13300/6150']) {
      const r = await get(`/api/basemaps/xincheng-raster/${path}`);
      assert.equal(r.status, 204, path);
      assert.equal((await r.arrayBuffer()).byteLength, 0);
    }
    assert.equal((await get('/api/basemaps/xincheng-raster-2/11/0/0')).status, 204);
    assert.equal((await get('/api/basemaps/xincheng-vector/11/0/0')).status, 204);
  });

  test('off the tile grid: 400 with the reason', async () => {
    const cases: [string, RegExp][] = [
      ['11/2048/700', /Tile x 2048 is out of range at zoom 11: columns go from 0 to 2047/],
      ['11/1660/2048', /Tile y 2048 is out of range at zoom 11: rows go from 0 to 2047/],
      ['31/0/0', /Tile zoom 31 is out of range: zoom levels go from 0 to 30/],
      ['11/-1/700', /Tile x "-1" must be a whole number/],
      ['z/1/1', /Tile z "z" must be a whole number/],
      ['11/1660/7a', /Tile y "7a" must be a whole number/],
    ];
    for (const [path, reason] of cases) {
      const r = await get(`/api/basemaps/xincheng-raster/${path}`);
      assert.equal(r.status, 400, path);
      const body = await r.json();
      assert.equal(body.code, 'InvalidParameterValue');
      assert.match(body.description, reason);
    }
  });

  test('unknown package: 404; an MBTiles package has no archive to range-read', async () => {
    for (const path of ['/api/basemaps/nope', '/api/basemaps/nope/11/1660/767', '/api/basemaps/nope/archive.pmtiles', '/api/basemaps/xincheng-raster/archive.pmtiles']) {
      const r = await get(path);
      assert.equal(r.status, 404, path);
      assert.equal((await r.json()).code, 'NotFound');
    }
  });

  test('the PMTiles archive: range requests answer 206 with the bytes asked for', async () => {
    const file = readFileSync(PMTILES);
    const whole = await get('/api/basemaps/xincheng-raster-2/archive.pmtiles');
    assert.equal(whole.status, 200);
    assert.equal(whole.headers.get('accept-ranges'), 'bytes');
    assert.equal(whole.headers.get('content-type'), 'application/vnd.pmtiles');
    assert.deepEqual(Buffer.from(await whole.arrayBuffer()), file);
    const etag = whole.headers.get('etag')!;
    assert.match(etag, /^"[^"]+"$/, 'a strong validator');
    const ranges: [string, number, number][] = [
      ['bytes=0-126', 0, 126],
      ['bytes=127-2000', 127, 2000],
      ['bytes=-100', file.length - 100, file.length - 1],
      [`bytes=${file.length - 10}-`, file.length - 10, file.length - 1],
      [`bytes=100-${file.length + 5000}`, 100, file.length - 1],
    ];
    for (const [range, start, end] of ranges) {
      const r = await get('/api/basemaps/xincheng-raster-2/archive.pmtiles', { range, 'accept-encoding': 'gzip, br' });
      assert.equal(r.status, 206, range);
      assert.equal(r.headers.get('content-range'), `bytes ${start}-${end}/${file.length}`, range);
      assert.equal(r.headers.get('content-length'), String(end - start + 1));
      assert.equal(r.headers.get('content-encoding'), null, 'byte ranges are never compressed');
      assert.deepEqual(Buffer.from(await r.arrayBuffer()), file.subarray(start, end + 1), range);
    }
    const unsatisfiable = await get('/api/basemaps/xincheng-raster-2/archive.pmtiles', { range: `bytes=${file.length}-` });
    assert.equal(unsatisfiable.status, 416);
    assert.equal(unsatisfiable.headers.get('content-range'), `bytes */${file.length}`);
    // If-Range with an old validator: the file changed, so all of it.
    assert.equal((await get('/api/basemaps/xincheng-raster-2/archive.pmtiles', { range: 'bytes=0-9', 'if-range': '"old"' })).status, 200);
    assert.equal((await get('/api/basemaps/xincheng-raster-2/archive.pmtiles', { range: 'bytes=0-9', 'if-range': etag })).status, 206);
    const head = await app.request('/api/basemaps/xincheng-raster-2/archive.pmtiles', { method: 'HEAD' });
    assert.equal(head.status, 200);
    assert.equal(head.headers.get('content-length'), String(file.length));
    assert.equal(parseRange('bytes=0-1,5-6', 100), 'whole', 'several ranges: the whole file');
    assert.equal(parseRange('bytes=-0', 100), 'unsatisfiable');
  });

  test('the pmtiles reader, over HTTP range requests to the app, finds the same tiles as the MBTiles', async () => {
    const source: Source = {
      getKey: () => 'archive',
      async getBytes(offset: number, length: number): Promise<RangeResponse> {
        const r = await get('/api/basemaps/xincheng-raster-2/archive.pmtiles', { range: `bytes=${offset}-${offset + length - 1}` });
        assert.equal(r.status, 206);
        return { data: await r.arrayBuffer(), etag: r.headers.get('etag') ?? undefined };
      },
    };
    const archive = new PMTiles(source);
    const [x, y] = tileOf(111.75, 40.9, 11);
    const tile = await archive.getZxy(11, x, y);
    const stored = raster.exec('SELECT tile_data FROM tiles WHERE zoom_level = 11 AND tile_column = ? AND tile_row = ?', [x, 2 ** 11 - 1 - y])[0].values[0][0] as Uint8Array;
    assert.deepEqual(new Uint8Array(tile!.data), stored);
    assert.equal(await archive.getZxy(11, 0, 0), undefined);
  });

  test('with ANONYMOUS_READ=none the packages need a sign-in (an office\'s imagery may be restricted)', async () => {
    const closed = createApp({ db: { kind: 'pglite' } as unknown as Db, config: { BASEMAPS: [], ANONYMOUS_READ: 'none' }, basemapPackages: packages });
    for (const path of ['/api/basemaps', '/api/basemaps/xincheng-raster', '/api/basemaps/xincheng-raster/11/1659/767', '/api/basemaps/xincheng-raster-2/archive.pmtiles']) {
      assert.equal((await closed.request(path)).status, 401, path);
    }
  });

  test('/api/config names PUBLIC_URL for share links, null without it (issue 13 #17)', async () => {
    const withUrl = createApp({ db: { kind: 'pglite' } as unknown as Db, config: { BASEMAPS: [], PUBLIC_URL: 'https://gis.example.gov.cn/xincheng/' } });
    assert.equal((await (await withUrl.request('/api/config')).json()).publicUrl, 'https://gis.example.gov.cn/xincheng/');
    assert.equal((await (await get('/api/config')).json()).publicUrl, null);
  });

  test('/api/config offers the packages first (with attribution and the archive), then online and custom basemaps; the CSP names the custom host', async () => {
    const r = await get('/api/config');
    const { basemaps } = await r.json();
    assert.deepEqual(basemaps.map((b: { id: string; kind: string }) => [b.id, b.kind]), [
      ['xincheng-raster', 'package'],
      ['xincheng-raster-2', 'package'],
      ['xincheng-vector', 'package'],
      ['custom-1', 'custom'],
    ]);
    assert.deepEqual(basemaps[0].title, { zh: '新城区测试影像', en: '新城区测试影像' });
    assert.equal(basemaps[0].attribution, '测试影像 © 新城区自然资源局 (fixture)');
    assert.deepEqual(basemaps[0].tiles, ['/api/basemaps/xincheng-raster/{z}/{x}/{y}']);
    assert.equal(basemaps[1].pmtiles, '/api/basemaps/xincheng-raster-2/archive.pmtiles');
    assert.equal(basemaps[2].format, 'pbf');
    assert.equal(basemaps[2].vectorLayers.length, 4);
    const csp = r.headers.get('content-security-policy') ?? '';
    assert.match(csp, /img-src[^;]*https:\/\/gis\.nmg\.example\.cn/);
    assert.match(csp, /connect-src[^;]*https:\/\/gis\.nmg\.example\.cn/);
  });
});

describe('a file that is not a basemap package stops the start', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'basemap-bad-'));
  after(() => rmSync(tmp, { recursive: true, force: true }));

  test('each bad file is named with its reason, on its own line', async () => {
    const v2 = join(tmp, 'old.pmtiles');
    writeFileSync(v2, Buffer.concat([Buffer.from('PMTiles'), Buffer.from([2]), Buffer.alloc(200)]));
    const notPm = join(tmp, 'fake.pmtiles');
    writeFileSync(notPm, 'hello');
    const SQL = await initSqlJs();
    const empty = new SQL.Database();
    empty.run('CREATE TABLE metadata (name text, value text); CREATE TABLE tiles (zoom_level integer, tile_column integer, tile_row integer, tile_data blob)');
    const emptyFile = join(tmp, 'empty.mbtiles');
    writeFileSync(emptyFile, empty.export());
    const noTiles = new SQL.Database();
    noTiles.run('CREATE TABLE metadata (name text, value text)');
    const noTilesFile = join(tmp, 'notiles.mbtiles');
    writeFileSync(noTilesFile, noTiles.export());
    await assert.rejects(openBasemapPackages([`${DIR}/not-a-package.mbtiles`, 'missing/basemap.pmtiles', v2, notPm, emptyFile, noTilesFile, RASTER]), (err: Error) => {
      assert.deepEqual(err.message.split('\n'), [
        'Invalid configuration:',
        `  BASEMAP_FILE: ${DIR}/not-a-package.mbtiles is not an MBTiles package: not an SQLite database`,
        '  BASEMAP_FILE: missing/basemap.pmtiles does not exist',
        `  BASEMAP_FILE: ${v2} is a PMTiles version 2 archive; only version 3 is read (convert it with pmtiles convert)`,
        `  BASEMAP_FILE: ${notPm} is not a PMTiles archive (no "PMTiles" signature)`,
        `  BASEMAP_FILE: ${emptyFile} has no tiles`,
        `  BASEMAP_FILE: ${noTilesFile} is not an MBTiles package: it has no "tiles" table`,
      ]);
      return true;
    });
  });

  test('the server exits with code 1 and that message, before opening the database', () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'api/server.ts'], {
      env: { ...process.env, BASEMAP_FILE: `${DIR}/not-a-package.mbtiles`, PORT: '0', DATA_DIR: join(tmp, 'pglite') },
      encoding: 'utf8',
      timeout: 60_000,
    });
    assert.equal(r.status, 1, r.stderr);
    assert.equal(r.stderr.trim(), `Invalid configuration:\n  BASEMAP_FILE: ${DIR}/not-a-package.mbtiles is not an MBTiles package: not an SQLite database`);
    assert.doesNotMatch(r.stdout, /Listening/);
  });
});
