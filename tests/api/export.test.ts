/**
 * Exports read back: every format (Shapefile zip, GeoPackage, GeoJSON, KML, DXF, CSV) in EPSG:4326,
 * 4490 and 4546 is read by Debian's GDAL (ogr2ogr, another build of the engine that wrote it) back
 * into EPSG:4326, and the counts, the Chinese names and the coordinates match the API's items; a
 * Shapefile carries .prj and .cpg (UTF-8, or GBK on request); an analysis result exports the same
 * way; bad parameters are a 400 that says what to give.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { unzipSync } from 'fflate';
import { describeEachDb } from '../helpers/databases.ts';
import { client } from '../helpers/http.ts';

const hasOgr = (() => {
  try {
    execFileSync('ogr2ogr', ['--version']);
    return true;
  } catch {
    return false;
  }
})();

interface Fc {
  features: { id?: string; properties: Record<string, any>; geometry: { type: string; coordinates: any } | null }[];
}

const firstPosition = (c: any): number[] => (typeof c[0] === 'number' ? c : firstPosition(c[0]));

describeEachDb('exports read back with GDAL', (t) => {
  let api: ReturnType<typeof client>;
  let parks: Fc;
  let facilities: Fc;
  before(async () => {
    api = client(t.db);
    parks = (await api.call('GET', '/api/collections/parks/items?limit=5000')).body;
    facilities = (await api.call('GET', '/api/collections/facilities/items?limit=5000')).body;
  });

  const download = async (path: string, init: RequestInit = {}) => {
    const res = await api.app.request(path, init);
    const bytes = new Uint8Array(await res.arrayBuffer());
    assert.equal(res.status, 200, new TextDecoder().decode(bytes).slice(0, 300));
    return { bytes, type: res.headers.get('content-type') ?? '', disposition: res.headers.get('content-disposition') ?? '' };
  };

  /** The file read back by ogr2ogr as GeoJSON in EPSG:4326 (`srcCrs` for formats without one). */
  const readBack = (dir: string, file: string, srcCrs?: string, oo: string[] = []): Fc => {
    const out = join(dir, `${file}.back.geojson`);
    execFileSync('ogr2ogr', ['-f', 'GeoJSON', '-t_srs', 'EPSG:4326', ...(srcCrs ? ['-s_srs', srcCrs] : []), ...oo.flatMap((o) => ['-oo', o]), out, join(dir, file)], { stdio: 'pipe' });
    return JSON.parse(readFileSync(out, 'utf8'));
  };

  const sameFeatures = (back: Fc, original: Fc, what: string, opts: { names?: boolean; byId?: boolean } = {}) => {
    assert.equal(back.features.length, original.features.length, `${what}: feature count`);
    const orig = new Map(original.features.map((f) => [String(f.id), f]));
    back.features.forEach((f, i) => {
      const o = opts.byId === false ? original.features[i] : orig.get(String(f.properties.id));
      assert.ok(o, `${what}: feature ${f.properties.id} is one of the originals`);
      if (opts.names !== false) assert.equal(f.properties.name_zh, o!.properties.name_zh, `${what}: Chinese name`);
      assert.equal(f.geometry === null, o!.geometry === null, `${what}: ${f.properties.id} placed or not`);
      if (!f.geometry) return;
      const [x, y] = firstPosition(f.geometry.coordinates);
      const [x0, y0] = firstPosition(o!.geometry!.coordinates);
      assert.ok(Math.abs(x - x0) < 2e-6 && Math.abs(y - y0) < 2e-6, `${what}: first vertex ${x},${y} vs ${x0},${y0}`);
    });
  };

  test('every format in EPSG:4546 reads back with the same counts, names and coordinates', { skip: !hasOgr && 'no ogr2ogr (apt-get install gdal-bin)' }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'xc-export-test-'));
    // Shapefile: a zip with .shp .shx .dbf .prj .cpg and the provenance text.
    const shp = await download('/api/collections/parks/export?format=shp&crs=EPSG:4546');
    assert.equal(shp.type, 'application/zip');
    assert.match(shp.disposition, /attachment; filename="parks-EPSG4546\.zip"/);
    const files = unzipSync(shp.bytes);
    assert.deepEqual(Object.keys(files).map((n) => n.slice(n.lastIndexOf('.'))).sort(), ['.cpg', '.dbf', '.prj', '.shp', '.shx', '.txt']);
    assert.match(new TextDecoder().decode(files['parks.prj']), /CGCS2000_3_Degree_GK_CM_111E/);
    assert.match(new TextDecoder().decode(files['parks.cpg']), /UTF-8/i);
    assert.match(new TextDecoder().decode(files['parks.txt']), /Licence: .+\r\nQuality: /);
    for (const [n, b] of Object.entries(files)) writeFileSync(join(dir, n), b);
    sameFeatures(readBack(dir, 'parks.shp'), parks, 'shp');

    for (const [format, file, srcCrs, oo, names] of [
      ['gpkg', 'parks.gpkg', undefined, [], true],
      ['geojson', 'parks.geojson', undefined, [], true],
      ['csv', 'parks.csv', 'EPSG:4546', ['GEOM_POSSIBLE_NAMES=WKT', 'KEEP_GEOM_COLUMNS=NO'], true],
      ['dxf', 'parks.dxf', 'EPSG:4546', [], false],
    ] as const) {
      const f = await download(`/api/collections/parks/export?format=${format}&crs=EPSG:4546`);
      writeFileSync(join(dir, file), f.bytes);
      // A DXF holds drawn entities only: the features without a place are not in it.
      const expected = format === 'dxf' ? { features: parks.features.filter((p) => p.geometry) } : parks;
      sameFeatures(readBack(dir, file, srcCrs, [...oo]), expected, format, { names, byId: format !== 'dxf' });
    }
    // GeoJSON in a projected CRS says so in the legacy crs member, as QGIS and GDAL write it (and our import reads it).
    assert.match(readFileSync(join(dir, 'parks.geojson'), 'utf8'), /"crs":\s*\{\s*"type":\s*"name".*EPSG::4546/s);
  });

  test('EPSG:4326 and 4490, KML, points as X/Y columns, GBK Shapefiles, and a mixed layer split by geometry type', { skip: !hasOgr && 'no ogr2ogr' }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'xc-export-test-'));
    for (const crs of ['EPSG:4326', 'EPSG:4490']) {
      const g = await download(`/api/collections/parks/export?format=gpkg&crs=${crs}`);
      writeFileSync(join(dir, `p${crs.slice(5)}.gpkg`), g.bytes);
      sameFeatures(readBack(dir, `p${crs.slice(5)}.gpkg`), parks, `gpkg ${crs}`);
    }
    const info = execFileSync('ogrinfo', ['-so', '-al', join(dir, 'p4490.gpkg')], { encoding: 'utf8' });
    assert.match(info, /China Geodetic Coordinate System 2000|CGCS2000/);

    const kml = await download('/api/collections/parks/export?format=kml');
    assert.equal(kml.type, 'application/vnd.google-earth.kml+xml');
    writeFileSync(join(dir, 'parks.kml'), kml.bytes);
    sameFeatures(readBack(dir, 'parks.kml'), parks, 'kml', { names: false });
    assert.match(new TextDecoder().decode(kml.bytes), new RegExp(parks.features[0].properties.name_zh));

    const csv = await download('/api/collections/facilities/export?format=csv&crs=EPSG:4546');
    const header = new TextDecoder().decode(csv.bytes).split(/\r?\n/)[0];
    assert.match(header, /^X,Y,/, 'points as X and Y columns');
    writeFileSync(join(dir, 'facilities.csv'), csv.bytes);
    const pointsBack = readBack(dir, 'facilities.csv', 'EPSG:4546', ['X_POSSIBLE_NAMES=X', 'Y_POSSIBLE_NAMES=Y', 'KEEP_GEOM_COLUMNS=NO']);
    sameFeatures(pointsBack, facilities, 'csv points (those without a place have empty X and Y)');

    const gbk = unzipSync((await download('/api/collections/parks/export?format=shp&encoding=GBK')).bytes);
    assert.match(new TextDecoder().decode(gbk['parks.cpg']), /936|GBK/i);
    const name = parks.features[0].properties.name_zh as string;
    assert.ok(!Buffer.from(gbk['parks.dbf']).includes(Buffer.from(name, 'utf8')), 'the names are not UTF-8 in the GBK file');
    const gbkDir = mkdtempSync(join(tmpdir(), 'xc-export-gbk-'));
    for (const [n, b] of Object.entries(gbk)) writeFileSync(join(gbkDir, n), b);
    sameFeatures(readBack(gbkDir, 'parks.shp'), parks, 'shp GBK');

    // Projects hold points and polygons: one Shapefile per geometry type in the zip.
    const mixed = unzipSync((await download('/api/collections/projects/export?format=shp')).bytes);
    const shps = Object.keys(mixed).filter((n) => n.endsWith('.shp')).sort();
    assert.ok(shps.length >= 2 && shps.every((n) => /^projects_(point|polygon|line|none)\.shp$/.test(n)), shps.join(', '));
  });

  test('an analysis result exports the same way; bad parameters and bodies are a clear 400', async () => {
    const fc = {
      type: 'FeatureCollection',
      features: [{ type: 'Feature', properties: { kind: '覆盖盲区', area_square_meters: 1234.5 }, geometry: { type: 'Polygon', coordinates: [[[111.7, 40.85], [111.71, 40.85], [111.71, 40.86], [111.7, 40.85]]] } }],
    };
    const res = await api.app.request('/api/analysis/export?format=gpkg&crs=EPSG:4546&name=coverage-gaps', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(fc) });
    assert.equal(res.status, 200, await res.clone().text());
    assert.match(res.headers.get('content-disposition') ?? '', /coverage-gaps-EPSG4546\.gpkg/);
    if (hasOgr) {
      const dir = mkdtempSync(join(tmpdir(), 'xc-export-test-'));
      writeFileSync(join(dir, 'gaps.gpkg'), new Uint8Array(await res.arrayBuffer()));
      const back = readBack(dir, 'gaps.gpkg');
      assert.equal(back.features[0].properties.kind, '覆盖盲区');
      assert.equal(back.features[0].properties.area_square_meters, 1234.5);
    }
    for (const [path, re] of [
      ['/api/collections/parks/export', /format must be one of shp, gpkg, geojson, kml, dxf, csv/],
      ['/api/collections/parks/export?format=xls', /not "xls"/],
      ['/api/collections/parks/export?format=shp&crs=EPSG:3857', /crs must be one of EPSG:4326, EPSG:4490, EPSG:4546/],
      ['/api/collections/parks/export?format=kml&crs=EPSG:4546', /KML is always in WGS 84/],
      ['/api/collections/parks/export?format=csv&encoding=GBK', /Shapefiles only/],
    ] as const) {
      const r = await api.call('GET', path);
      assert.equal(r.status, 400, path);
      assert.match(r.body.description, re);
    }
    assert.equal((await api.call('GET', '/api/collections/nope/export?format=shp')).status, 404);
    const swapped = { ...fc, features: [{ ...fc.features[0], geometry: { type: 'Point', coordinates: [40.85, 111.7] } }] };
    const bad = await api.call('POST', '/api/analysis/export?format=shp', { body: swapped });
    assert.equal(bad.status, 400);
    assert.match(bad.body.description, /longitude\/latitude in EPSG:4326 \(got 40\.85, 111\.7\)/);
    const notGeo = await api.call('POST', '/api/analysis/export?format=shp', { body: { type: 'FeatureCollection', features: [{ type: 'Feature', properties: {}, geometry: { type: 'Polygon', coordinates: 'x' } }] } });
    assert.equal(notGeo.status, 400);
    const badName = await api.call('POST', '/api/analysis/export?format=shp&name=../x', { body: fc });
    assert.equal(badName.status, 400);
    assert.match(badName.body.description, /name: 1–60 ASCII letters/);
  });
});
