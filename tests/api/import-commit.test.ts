/**
 * Import, step 2: commit a previewed layer as a new collection (control, facility) or as a new
 * version of an existing one (replace, append), with the fields mapped; the versions kept and
 * restored by an admin; one audit row per commit; bad commits refused with nothing written.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { before, test } from 'node:test';
import { createApp } from '../../api/app.ts';
import { importGeodata } from '../../api/import/geodata.ts';
import { describeEachDb } from '../helpers/databases.ts';
import { testUser } from '../helpers/users.ts';

const DIR = 'tests/fixtures/import';
/** A site over the 1 ha parcel 新城区测试地块一 of the fixtures (and around it). */
const json = { 'content-type': 'application/json' };

describeEachDb(
  'import: commit, versions and restore',
  (t) => {
    let app: ReturnType<typeof createApp>;
    let planner: Awaited<ReturnType<typeof testUser>>;
    let admin: Awaited<ReturnType<typeof testUser>>;
    let viewer: Awaited<ReturnType<typeof testUser>>;
    before(async () => {
      app = createApp({ db: t.db, config: { BASEMAPS: [], IMPORT_MAX_BYTES: 4 * 1024 * 1024 } });
      planner = await testUser(t.db, 'planner');
      admin = await testUser(t.db, 'admin');
      viewer = await testUser(t.db, 'viewer');
    });

    const upload = async (file: string | { name: string; text: string }, auth = planner.auth) => {
      const form = new FormData();
      if (typeof file === 'string') form.append('file', new Blob([readFileSync(`${DIR}/${file}`)]), file);
      else form.append('file', new Blob([file.text]), file.name);
      const res = await app.request('/api/imports', { method: 'POST', headers: auth, body: form });
      const body = (await res.json()) as any;
      assert.equal(res.status, 201, JSON.stringify(body));
      return body as { id: string; sha256: string; layers: { name: string }[] };
    };
    const commit = async (id: string, body: unknown, auth = planner.auth) => {
      const res = await app.request(`/api/imports/${id}/commit`, { method: 'POST', headers: { ...auth, ...json }, body: JSON.stringify(body) });
      return { status: res.status, body: (await res.json()) as any };
    };
    const get = async (path: string, auth = planner.auth) => {
      const res = await app.request(path, { headers: auth });
      return { status: res.status, body: (await res.json()) as any };
    };
    const count = async (collection: string) => Number((await t.db.query<{ n: number }>(`select count(*)::int as n from ${collection}`)).rows[0].n);

    test('a GBK Shapefile committed as a new control layer 永久基本农田: listed, names decoded, areas right, audited, and compliance review reports the conflict', async () => {
      const up = await upload('parcels-gbk-4546.zip');
      const r = await commit(up.id, {
        layer: up.layers[0].name,
        target: { newCollection: { id: 'basic_farmland', title: { zh: '永久基本农田', en: 'Permanent basic farmland' }, role: 'control', audience: 'planner' } },
        quality: 'surveyed',
        licence: '内部资料',
      });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.deepEqual(
        { collection: r.body.collection, version: r.body.version, featureCount: r.body.featureCount, repaired: r.body.repaired, rejected: r.body.rejected },
        { collection: 'basic_farmland', version: 1, featureCount: 2, repaired: 0, rejected: 0 },
      );
      assert.equal(r.body.fieldMap['项目名称'], 'name_zh', 'auto-matched: 项目名称 → name_zh');

      const list = await get('/api/collections');
      const entry = list.body.collections.find((c: { id: string }) => c.id === 'basic_farmland');
      assert.ok(entry, 'in /api/collections');
      assert.deepEqual(entry.titles, { zh: '永久基本农田', en: 'Permanent basic farmland' });

      const items = await get('/api/collections/basic_farmland/items');
      assert.equal(items.status, 200);
      const one = items.body.features.find((f: any) => f.properties.name_zh === '新城区测试地块一');
      assert.ok(one, `names decoded: ${items.body.features.map((f: any) => f.properties.name_zh)}`);
      assert.equal(one.properties.quality, 'surveyed');
      assert.ok(Math.abs(one.properties.area_square_meters - 10_000) / 10_000 < 0.005, `area ${one.properties.area_square_meters} m²`);

      const audit = (await t.db.query<{ actor: string; after: any; reason: string }>(`select actor, after, reason from audit where action = 'import-commit' and collection = 'basic_farmland'`)).rows;
      assert.equal(audit.length, 1, 'one audit row for the commit');
      assert.equal(audit[0].actor, planner.username);
      assert.equal(audit[0].after.fileName, 'parcels-gbk-4546.zip');
      assert.equal(audit[0].after.sha256, up.sha256);
      assert.equal(audit[0].after.features, 2);

      // A site over the parcel now conflicts with the new control layer.
      const [lon, lat] = one.geometry.coordinates[0][0];
      const site = { type: 'Polygon', coordinates: [[[lon - 0.001, lat - 0.001], [lon + 0.003, lat - 0.001], [lon + 0.003, lat + 0.003], [lon - 0.001, lat + 0.003], [lon - 0.001, lat - 0.001]]] };
      const res = await app.request('/api/analysis/compliance', { method: 'POST', headers: { ...planner.auth, ...json }, body: JSON.stringify({ geometry: site }) });
      const review = (await res.json()) as any;
      assert.equal(res.status, 200, JSON.stringify(review));
      const hit = review.conflicts.find((c: { id: string }) => c.id === one.id);
      assert.ok(hit, `conflicts: ${JSON.stringify(review.conflicts.map((c: any) => c.id))}`);
      assert.ok(Math.abs(hit.overlapSquareMeters - 10_000) / 10_000 < 0.01, `the whole parcel overlaps: ${hit.overlapSquareMeters} m²`);

      // The same id again is taken.
      const again = await upload('parcels-gbk-4546.zip');
      const dup = await commit(again.id, { layer: again.layers[0].name, target: { newCollection: { id: 'basic_farmland', title: { zh: '重复' }, role: 'reference' } } });
      assert.equal(dup.status, 409, JSON.stringify(dup.body));
      assert.match(dup.body.description, /taken/);
    });

    test('a GeoPackage committed as a facility layer: coverage can use it at once', async () => {
      const up = await upload('parcels-4490.gpkg');
      const r = await commit(up.id, { layer: up.layers[0].name, target: { newCollection: { id: 'office_sites', title: { zh: '办公用地', en: 'Office sites' }, role: 'facility', audience: 'public' } } });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      const res = await app.request('/api/analysis/coverage', { method: 'POST', headers: { ...planner.auth, ...json }, body: JSON.stringify({ facilities: 'office_sites', radiusMeters: 500, area: 'district' }) });
      const cov = (await res.json()) as any;
      assert.equal(res.status, 200, JSON.stringify(cov).slice(0, 400));
      assert.ok(cov.coverageShare > 0 && cov.coveredSquareMeters > 2 * Math.PI * 500 * 500 * 0.9, `covered ${cov.coveredSquareMeters} m²`);
    });

    test('replace parks with a KMZ: version 2 is live, the seed kept; append adds, the same file twice is refused; an admin restores', async () => {
      const seed = await count('parks');
      const up = await upload('parcels.kmz');
      const r = await commit(up.id, { layer: up.layers[0].name, target: { collection: 'parks', mode: 'replace' }, reason: '用规划局数据替换 (test)' });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.equal(r.body.version, 2);
      assert.equal(r.body.featureCount, 2);
      assert.equal(await count('parks'), 2);
      assert.equal(r.body.fieldMap.Name, 'name_zh', 'KML Name → name_zh');

      const up2 = await upload('parcels-4490.gpkg');
      const a = await commit(up2.id, { layer: up2.layers[0].name, target: { collection: 'parks', mode: 'append' } });
      assert.equal(a.status, 200, JSON.stringify(a.body));
      assert.deepEqual([a.body.version, a.body.featureCount], [3, 4]);
      const up3 = await upload('parcels-4490.gpkg');
      const twice = await commit(up3.id, { layer: up3.layers[0].name, target: { collection: 'parks', mode: 'append' } });
      assert.equal(twice.status, 409, JSON.stringify(twice.body));
      assert.match(twice.body.description, /already appended/);
      assert.equal(await count('parks'), 4, 'nothing written by the refused commit');

      const v = await get('/api/collections/parks/versions');
      assert.equal(v.status, 200);
      assert.deepEqual(v.body.versions.map((x: any) => [x.version, x.action, x.live, x.restorable]), [[3, 'commit', true, false], [2, 'commit', false, true], [1, 'seed', false, true]]);
      assert.equal(v.body.versions[1].fileName, 'parcels.kmz');
      assert.equal(v.body.versions[2].featureCount, seed);

      const restore = (version: number, auth: { authorization: string }) => app.request(`/api/collections/parks/versions/${version}/restore`, { method: 'POST', headers: auth });
      assert.equal((await restore(1, planner.auth)).status, 403, 'planners may not restore');
      assert.equal((await restore(9, admin.auth)).status, 404);
      assert.equal((await restore(3, admin.auth)).status, 409, 'the live version');
      const back = await restore(1, admin.auth);
      const b = (await back.json()) as any;
      assert.equal(back.status, 200, JSON.stringify(b));
      assert.deepEqual([b.version, b.restoredFrom, b.featureCount], [4, 1, seed]);
      assert.equal(await count('parks'), seed);
      const prov = (await get('/api/collections/parks')).body;
      assert.doesNotMatch(JSON.stringify(prov), /parcels-4490\.gpkg/, 'the seed provenance is back');
      const rows = (await t.db.query<{ action: string }>(`select action from audit where collection = 'parks' and action in ('import-commit', 'version-restore') order by id`)).rows;
      assert.deepEqual(rows.map((x) => x.action), ['import-commit', 'import-commit', 'version-restore']);
    });

    test('the seed import never overwrites an office version', async () => {
      const up = await upload('parcels.kmz');
      const r = await commit(up.id, { layer: up.layers[0].name, target: { collection: 'villages', mode: 'append' } });
      assert.equal(r.status, 422, 'polygons do not go into a point collection');
      assert.match(r.body.description, /Polygon in a collection of Point features\); nothing was imported/);
      const upParks = await upload('parcels.kmz');
      assert.equal((await commit(upParks.id, { layer: upParks.layers[0].name, target: { collection: 'parks', mode: 'replace' } })).status, 200);
      // As if geodata/parks/ had changed since it was loaded:
      await t.db.query(`update datasets set checksum = 'changed' where id = 'parks'`);
      const report = await importGeodata(t.db, { geodataDir: 'geodata' });
      assert.equal(report.find((x) => x.id === 'parks')?.action, 'edited');
      assert.equal(await count('parks'), 2, 'the office version stays');
    });

    test('field map, control characters, invalid geometry repaired or rejected', async () => {
      const text = JSON.stringify({
        type: 'FeatureCollection',
        features: [
          { type: 'Feature', properties: { 地块: 'A\u0007地\u001b块', 面积亩: 12.5, 用途: '居住' }, geometry: { type: 'Polygon', coordinates: [[[111.70, 40.85], [111.701, 40.85], [111.701, 40.851], [111.70, 40.851], [111.70, 40.85]]] } },
          { type: 'Feature', properties: { 地块: '蝴蝶', 面积亩: null, 用途: '商业' }, geometry: { type: 'Polygon', coordinates: [[[111.71, 40.85], [111.711, 40.851], [111.711, 40.85], [111.71, 40.851], [111.71, 40.85]]] } },
        ],
      });
      const up = await upload({ name: '地块.geojson', text });
      const bad = await commit(up.id, { layer: up.layers[0].name, target: { newCollection: { id: 'plots', title: { zh: '地块' }, role: 'area' } }, fieldMap: { 地块: 'no_such' } });
      assert.equal(bad.status, 400);
      assert.match(bad.body.description, /"no_such" is not a property/);
      const missing = await commit(up.id, { layer: up.layers[0].name, target: { newCollection: { id: 'plots', title: { zh: '地块' }, role: 'area' } }, fieldMap: { 没有: 'name_zh' } });
      assert.equal(missing.status, 400);
      assert.match(missing.body.description, /has no field "没有"/);

      const rejectIt = await commit(up.id, { layer: up.layers[0].name, target: { newCollection: { id: 'plots', title: { zh: '地块' }, role: 'area' } }, fieldMap: { 地块: 'name_zh' }, invalid: 'reject' });
      assert.equal(rejectIt.status, 200, JSON.stringify(rejectIt.body));
      assert.deepEqual([rejectIt.body.featureCount, rejectIt.body.rejected, rejectIt.body.repaired], [1, 1, 0]);
      assert.match(rejectIt.body.rejections[0].reason, /invalid geometry: Self-intersection/);
      const items = (await get('/api/collections/plots/items')).body.features;
      assert.equal(items[0].properties.name_zh, 'A地块', 'control characters removed (GDAL itself ends a string at NUL)');
      assert.equal(items[0].properties['面积亩'], 12.5, 'the other fields kept, typed');
      // The file's own fields are queryables (GDAL's -where, a CQL2 filter, an equality filter name them).
      const queryables = (await get('/api/collections/plots/queryables')).body;
      assert.deepEqual([queryables.properties['面积亩']?.type, queryables.properties['用途']?.type], [['number', 'null'], ['string', 'null']]);
      const byCql = (await get(`/api/collections/plots/items?filter=${encodeURIComponent("用途 = '居住' AND 面积亩 > 10")}`)).body;
      assert.deepEqual(byCql.features.map((f: any) => f.properties.name_zh), ['A地块']);
      assert.equal((await get(`/api/collections/plots/items?filter=${encodeURIComponent("用途 = '商业'")}`)).body.numberMatched, 0, 'the other feature was rejected');
      assert.equal((await get(`/api/collections/plots/items?${encodeURIComponent('用途')}=${encodeURIComponent('居住')}`)).body.numberMatched, 1);

      const up2 = await upload({ name: '地块2.geojson', text });
      const repairIt = await commit(up2.id, { layer: up2.layers[0].name, target: { newCollection: { id: 'plots_repaired', title: { zh: '地块（修复）' }, role: 'reference' } }, fieldMap: { 地块: 'name_zh', 用途: 'quality' } });
      assert.equal(repairIt.status, 200, JSON.stringify(repairIt.body));
      assert.deepEqual([repairIt.body.featureCount, repairIt.body.repaired, repairIt.body.rejected], [2, 1, 0]);
      const fixed = (await get('/api/collections/plots_repaired/items')).body.features.find((f: any) => f.properties.name_zh === '蝴蝶');
      assert.equal(fixed.geometry.type, 'MultiPolygon', 'the bow-tie repaired into two triangles');
      assert.equal(repairIt.body.droppedValues['用途'], 2, '"居住" and "商业" are not data qualities: left out and counted');
      assert.equal(fixed.properties.quality, 'approximate', 'the commit\'s quality where the file gives none that fits');
    });

    test('bad commits: a clear 4xx, nothing written', async () => {
      const up = await upload('parcels-4490.gpkg');
      const layer = up.layers[0].name;
      const before = await count('parks');
      const expect = async (body: unknown, status: number, re: RegExp, auth = planner.auth) => {
        const r = await commit(up.id, body, auth);
        assert.equal(r.status, status, JSON.stringify(r.body));
        assert.match(r.body.description, re);
      };
      await expect({ layer: 'nope', target: { collection: 'parks', mode: 'replace' } }, 404, /no layer "nope"/);
      await expect({ layer, target: { collection: 'no_such', mode: 'replace' } }, 404, /No collection "no_such"/);
      await expect({ layer, target: { collection: 'controls', mode: 'replace' } }, 403, /needs admin/);
      await expect({ layer, target: { collection: 'parks', mode: 'merge' } }, 400, /target/);
      await expect({ layer, target: { newCollection: { id: 'Users; drop table audit', title: { zh: 'x' }, role: 'reference' } } }, 400, /not a valid collection id/);
      await expect({ layer, target: { newCollection: { id: 'users', title: { zh: 'x' }, role: 'reference' } } }, 409, /taken/);
      await expect({ layer, target: { newCollection: { id: 'parks', title: { zh: 'x' }, role: 'reference' } } }, 409, /built-in collection/);
      await expect({ layer, target: { collection: 'parks', mode: 'replace' }, crs: 'EPSG:3857' }, 422, /outside China|cannot be converted/);
      await expect({ layer, target: { collection: 'parks', mode: 'replace' }, extra: 1 }, 400, /extra|Unrecognized/i);
      assert.equal(await count('parks'), before);
      const viewerUp = await app.request(`/api/imports/${up.id}/commit`, { method: 'POST', headers: { ...viewer.auth, ...json }, body: '{}' });
      assert.equal(viewerUp.status, 403);
    });
  },
  { isolated: true },
);
