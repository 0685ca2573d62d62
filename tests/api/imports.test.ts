/**
 * Import, step 1: upload every office format (fixtures made by scripts/make-import-fixtures.sh with
 * gdal-bin) and check what the preview says — counts, decoded Chinese names, the CRS and encoding
 * with how each was found, the areas of the two known parcels (1 ha and 2 ha) within 0.5 % — and
 * that broken files get a clear 4xx.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { before, test } from 'node:test';
import { area, centroid } from '@turf/turf';
import { createApp } from '../../api/app.ts';
import { describeEachDb } from '../helpers/databases.ts';
import { testUser } from '../helpers/users.ts';

const DIR = 'tests/fixtures/import';

describeEachDb('import: upload and preview', (t) => {
  let app: ReturnType<typeof createApp>;
  let planner: Awaited<ReturnType<typeof testUser>>;
  let viewer: Awaited<ReturnType<typeof testUser>>;
  before(async () => {
    app = createApp({ db: t.db, config: { BASEMAPS: [], IMPORT_MAX_BYTES: 4 * 1024 * 1024 } });
    planner = await testUser(t.db, 'planner');
    viewer = await testUser(t.db, 'viewer');
  });

  const upload = async (file: string, auth = planner.auth, name = file) => {
    const form = new FormData();
    form.append('file', new Blob([readFileSync(`${DIR}/${file}`)]), name);
    const res = await app.request('/api/imports', { method: 'POST', headers: auth, body: form });
    return { status: res.status, body: (await res.json()) as any };
  };
  const preview = async (id: string, layer: string, query = '') => {
    const res = await app.request(`/api/imports/${id}/layers/${encodeURIComponent(layer)}/preview${query}`, { headers: planner.auth });
    return { status: res.status, body: (await res.json()) as any };
  };
  /** The two parcels: names decoded, in the right place, with their true areas. */
  const checkParcels = (features: any[], nameField: string, file: string) => {
    assert.equal(features.length, 2, file);
    const byName = new Map(features.map((f) => [f.properties[nameField], f]));
    const one = byName.get('新城区测试地块一');
    const two = byName.get('北二环测试地块二');
    assert.ok(one && two, `${file}: names decoded (${[...byName.keys()].join(', ')})`);
    assert.ok(Math.abs(area(one) - 10_000) / 10_000 < 0.005, `${file}: 1 ha parcel measures ${area(one).toFixed(1)} m²`);
    assert.ok(Math.abs(area(two) - 20_000) / 20_000 < 0.005, `${file}: 2 ha parcel measures ${area(two).toFixed(1)} m²`);
    const [lon, lat] = centroid(one).geometry.coordinates;
    assert.ok(Math.abs(lon - 111.7) < 0.01 && Math.abs(lat - 40.85) < 0.01, `${file}: placed at ${lon}, ${lat}`);
  };

  const cases: [string, string, { crs: [string, string]; encoding: [string, string] }][] = [
    ['parcels-gbk-4546.zip', 'shapefile', { crs: ['EPSG:4546', '.prj'], encoding: ['GBK', '.cpg'] }],
    ['parcels-gbk-nocpg.zip', 'shapefile', { crs: ['EPSG:4546', '.prj'], encoding: ['GBK', 'GBK fallback'] }],
    ['parcels-4490.gpkg', 'geopackage', { crs: ['EPSG:4490', 'file'], encoding: ['UTF-8', 'format'] }],
    ['parcels-filegdb.zip', 'filegdb', { crs: ['EPSG:4546', 'file'], encoding: ['UTF-8', 'format'] }],
    ['parcels-crs-4546.geojson', 'geojson', { crs: ['EPSG:4546', 'crs member'], encoding: ['UTF-8', 'format'] }],
    ['parcels.kmz', 'kml', { crs: ['EPSG:4326', 'format'], encoding: ['UTF-8', 'format'] }],
    ['parcels-4546.dxf', 'dxf', { crs: ['EPSG:4546', 'coordinate range'], encoding: ['UTF-8', 'format'] }],
    ['parcels-vertices.csv', 'csv', { crs: ['EPSG:4546', 'coordinate range'], encoding: ['GBK', 'GBK fallback'] }],
  ];
  for (const [file, format, want] of cases) {
    test(`${file}: ${format}, CRS ${want.crs.join(' from ')}, encoding ${want.encoding.join(' by ')}, two parcels of 1 ha and 2 ha`, async () => {
      const r = await upload(file);
      assert.equal(r.status, 201, JSON.stringify(r.body));
      assert.equal(r.body.fileName, file);
      assert.match(r.body.sha256, /^[0-9a-f]{64}$/);
      assert.equal(r.body.layers.length, 1);
      const l = r.body.layers[0];
      assert.equal(l.format, format);
      assert.equal(l.featureCount, 2);
      assert.deepEqual([l.crs.detected, l.crs.how], want.crs);
      assert.deepEqual([l.encoding.detected, l.encoding.how], want.encoding);
      assert.deepEqual(l.geometryTypes.map((g: string) => g.replace('Multi', '')), ['Polygon']);
      assert.ok(l.extent[0] > 111.6 && l.extent[2] < 111.8 && l.extent[1] > 40.8 && l.extent[3] < 40.9, `extent ${l.extent}`);
      assert.deepEqual(l.problems.map((p: { code: string }) => p.code), [], JSON.stringify(l.problems));
      const nameField = format === 'kml' ? 'Name' : format === 'dxf' ? 'Layer' : '项目名称';
      if (format === 'dxf') {
        assert.deepEqual(l.fields.find((f: { name: string }) => f.name === 'Layer').samples.sort(), ['公园绿地', '居住用地'], 'the CAD layer names decoded from ANSI_936');
      } else {
        const field = l.fields.find((f: { name: string }) => f.name === nameField);
        assert.ok(field, `fields: ${l.fields.map((f: { name: string }) => f.name).join(', ')}`);
        assert.ok(field.samples.includes('新城区测试地块一'), `samples ${field.samples}`);
      }
      if (format === 'csv') {
        // 界址点: 9 vertex rows (X = northing) → 2 parcels; 点号 orders the ring and is not kept.
        assert.deepEqual(l.csv, { vertexList: { parcelField: '地块编号', vertexField: '点号', vertices: 9, parcels: 2 }, northingFirst: true });
        assert.deepEqual(l.fields.map((f: { name: string }) => f.name), ['地块编号', '项目名称']);
        const wrong = await preview(r.body.id, l.name, '?encoding=UTF-8');
        assert.equal(wrong.status, 200, JSON.stringify(wrong.body));
        assert.equal(wrong.body.summary.encoding.how, 'user');
        const text = JSON.stringify(wrong.body.features.map((f: any) => f.properties));
        assert.ok(!text.includes('新城区') && text.includes('\uFFFD'), `read as UTF-8 the GBK names are mojibake: ${text}`);
      }
      const p = await preview(r.body.id, l.name);
      assert.equal(p.status, 200, JSON.stringify(p.body));
      if (format !== 'dxf') checkParcels(p.body.features, nameField, file);
      else {
        const areas = p.body.features.map((f: any) => area(f)).sort((a: number, b: number) => a - b);
        assert.deepEqual(p.body.features.map((f: any) => f.geometry.type), ['Polygon', 'Polygon'], 'closed polylines become polygons');
        assert.ok(Math.abs(areas[0] - 10_000) < 50 && Math.abs(areas[1] - 20_000) < 100, `areas ${areas}`);
      }
    });
  }

  test('a wrong encoding shows as mojibake, and choosing GBK gives the Chinese names back', async () => {
    const r = await upload('parcels-gbk-nocpg.zip');
    const l = r.body.layers[0];
    const wrong = await preview(r.body.id, l.name, '?encoding=UTF-8');
    assert.equal(wrong.body.summary.encoding.how, 'user');
    assert.ok(!wrong.body.features.some((f: any) => Object.values(f.properties).includes('新城区测试地块一')), 'read as UTF-8 the GBK names are not Chinese');
    const right = await preview(r.body.id, l.name, '?encoding=GBK');
    checkParcels(right.body.features, '项目名称', 'nocpg as GBK');
  });

  test('a wrong CRS is visible: read as zone-37 coordinates the parcels land outside China', async () => {
    const r = await upload('parcels-4546.dxf');
    const p = await preview(r.body.id, r.body.layers[0].name, '?crs=EPSG:4525');
    assert.equal(p.status, 200, JSON.stringify(p.body));
    assert.deepEqual([p.body.summary.crs.detected, p.body.summary.crs.how], ['EPSG:4525', 'user']);
    assert.ok(p.body.summary.problems.some((x: { code: string; zh: string }) => x.code === 'wrong_crs' && /坐标系有误/.test(x.zh)), JSON.stringify(p.body.summary.problems));
    assert.deepEqual(p.body.features, []);
    // Read as Web Mercator the same metres are a place in the Gulf of Guinea: outside China.
    const merc = await preview(r.body.id, r.body.layers[0].name, '?crs=EPSG:3857');
    assert.ok(merc.body.summary.problems.some((x: { code: string }) => x.code === 'outside_china'), JSON.stringify(merc.body.summary.problems));
    const bad = await preview(r.body.id, r.body.layers[0].name, '?crs=EPSG:9999');
    assert.equal(bad.status, 400);
    assert.match(bad.body.description, /crs must be one of EPSG:4326, EPSG:4490, EPSG:4546/);
  });

  test('problems are listed, naming the features: invalid (with where), duplicate, no geometry, outside the district, mixed types', async () => {
    const r = await upload('problems.geojson');
    assert.equal(r.status, 201, JSON.stringify(r.body));
    const l = r.body.layers[0];
    assert.deepEqual([l.crs.detected, l.crs.how], ['EPSG:4326', 'format'], 'RFC 7946: lon/lat by definition');
    const byCode = Object.fromEntries(l.problems.map((p: { code: string }) => [p.code, p]));
    assert.deepEqual(Object.keys(byCode).sort(), ['duplicate_geometry', 'empty_geometry', 'invalid_geometry', 'mixed_geometry', 'outside_district']);
    assert.deepEqual(byCode.invalid_geometry.features, [2]);
    assert.match(byCode.invalid_geometry.en, /Self-intersection\[111\.710?5 40\.850?5\]/);
    assert.deepEqual(byCode.duplicate_geometry.features, [3]);
    assert.deepEqual(byCode.empty_geometry.features, [4]);
    assert.deepEqual(byCode.outside_district.features, [5]);
    assert.match(byCode.outside_district.zh, /新城区以外/);
  });

  test('broken uploads get a 4xx that says what is wrong and what to do', async () => {
    const expect = async (file: string, status: number, re: RegExp) => {
      const r = await upload(file);
      assert.equal(r.status, status, `${file}: ${JSON.stringify(r.body)}`);
      assert.match(r.body.description, re, file);
    };
    await expect('broken-corrupt.zip', 400, /not a readable zip archive/);
    await expect('broken-zip-slip.zip', 400, /leaves the archive's folder \(zip-slip\)/);
    await expect('broken-zip-bomb.zip', 413, /unpacks to more than 4 MB \(IMPORT_MAX_BYTES\)/);
    await expect('broken-no-shx.zip', 400, /has no \.shx file: a Shapefile needs \.shp, \.shx and \.dbf/);
    await expect('broken-no-dbf.zip', 400, /has no \.dbf file/);
    await expect('broken-empty.geojson', 400, /holds no features \(0 in 1 layer\)/);
    const nul = await upload('parcels-4490.gpkg', planner.auth, 'par\u0000cels.gpkg');
    assert.equal(nul.status, 400);
    assert.match(nul.body.description, /The file name contains the control character U\+0000 \(NUL\)/);
    const r = await upload('parcels-4490.gpkg', planner.auth, 'notes.docx');
    assert.equal(r.status, 400);
    assert.match(r.body.description, /not a format the import reads/);
  });

  test('only planners and admins import; an upload is seen only by its owner', async () => {
    assert.equal((await upload('parcels-4490.gpkg', viewer.auth)).status, 403);
    assert.equal((await upload('parcels-4490.gpkg', {} as never)).status, 401);
    const r = await upload('parcels-4490.gpkg');
    const other = await testUser(t.db, 'planner');
    const res = await app.request(`/api/imports/${r.body.id}/layers/parcels/preview`, { headers: other.auth });
    assert.equal(res.status, 404);
    const json = await app.request('/api/imports', { method: 'POST', headers: { ...planner.auth, 'content-type': 'application/json' }, body: '{}' });
    assert.equal(json.status, 415);
  });
});
