/**
 * Editing over OGC API – Features Part 4: roles, validation, versions (If-Match → 412), derived
 * properties, delete/restore, history, and the audit trail written in the same transaction.
 */
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { toGaussKruger } from '../../core/crs.ts';
import { describeEachDb } from '../helpers/databases.ts';
import { client, reason } from '../helpers/http.ts';
import { testUser } from '../helpers/users.ts';

const square = (lon: number, lat: number, d = 0.002) => ({
  type: 'Polygon',
  coordinates: [[[lon, lat], [lon + d, lat], [lon + d, lat + d], [lon, lat + d], [lon, lat]]],
});

describeEachDb(
  'editing features (Part 4) and the audit trail',
  (t) => {
    let api: ReturnType<typeof client>['call'];
    let planner: Awaited<ReturnType<typeof testUser>>;
    let viewer: Awaited<ReturnType<typeof testUser>>;
    let admin: Awaited<ReturnType<typeof testUser>>;
    const counts = async () => {
      const r = await t.db.query<{ audit: number; projects: number; parks: number; villages: number }>(
        'select (select count(*)::int from audit) as audit, (select count(*)::int from projects) as projects, (select count(*)::int from parks) as parks, (select count(*)::int from villages) as villages',
      );
      return r.rows[0];
    };
    const write = (method: string, path: string, who: { auth: Record<string, string> } | null, body?: unknown, headers: Record<string, string> = {}) =>
      api(method, path, { body, headers: { ...(who?.auth ?? {}), ...reason('测试修改 test change'), ...headers } });

    before(async () => {
      api = client(t.db).call;
      planner = await testUser(t.db, 'planner');
      viewer = await testUser(t.db, 'viewer');
      admin = await testUser(t.db, 'admin');
    });

    test('anonymous → 401, viewer → 403, district boundary is admin-only, no reason → 400; nothing written', async () => {
      const before = await counts();
      const feature = { type: 'Feature', geometry: { type: 'Point', coordinates: [111.7, 40.85] }, properties: { name_zh: '测试村' } };
      const anon = await api('POST', '/api/collections/villages/items', { body: feature, headers: reason('x') });
      assert.equal(anon.status, 401, anon.text);
      assert.match(anon.body.description, /Sign in/);
      const v = await write('POST', '/api/collections/villages/items', viewer, feature);
      assert.equal(v.status, 403);
      assert.match(v.body.description, /viewer.*needs planner/);
      const d = await write('PATCH', '/api/collections/district/items/district-150102', planner, { properties: { name_en: 'x' } });
      assert.equal(d.status, 403);
      assert.match(d.body.description, /needs admin/);
      const noReason = await api('POST', '/api/collections/villages/items', { body: feature, headers: planner.auth });
      assert.equal(noReason.status, 400);
      assert.match(noReason.body.description, /X-Change-Reason/);
      assert.deepEqual(await counts(), before);
    });

    test('a planner creates a feature: 201, Location, ETag, readable at once, one audit row with the after state', async () => {
      const before = await counts();
      const r = await write('POST', '/api/collections/villages/items', planner, {
        type: 'Feature',
        id: 'village-test-created',
        geometry: { type: 'Point', coordinates: [111.75, 40.86] },
        properties: { name_zh: '测试新村', town_zh: '保合少镇' },
      });
      assert.equal(r.status, 201, r.text);
      assert.match(r.headers.get('location')!, /\/api\/collections\/villages\/items\/village-test-created$/);
      assert.equal(r.headers.get('etag'), '"v1-w"');
      assert.equal(r.body.properties.quality, 'approximate', 'what a planner enters is not "surveyed" by default');
      assert.match(r.body.properties.source, new RegExp(`entered in the map by ${planner.username}`));
      const got = await api('GET', '/api/collections/villages/items/village-test-created');
      assert.equal(got.status, 200);
      assert.match(got.headers.get('etag')!, /^"v1-/);
      assert.deepEqual(got.body.geometry.coordinates, [111.75, 40.86]);
      const after = await counts();
      assert.equal(after.villages, before.villages + 1);
      assert.equal(after.audit, before.audit + 1);
      const row = (await t.db.query<{ actor: string; action: string; reason: string; after: { geometry: { type: string } }; version_after: number }>(
        `select actor, action, reason, after, version_after from audit where feature_id = 'village-test-created'`,
      )).rows[0];
      assert.equal(row.actor, planner.username);
      assert.equal(row.action, 'create');
      assert.equal(row.reason, '测试修改 test change');
      assert.equal(row.after.geometry.type, 'Point');
      assert.equal(row.version_after, 1);
      const again = await write('POST', '/api/collections/villages/items', planner, { type: 'Feature', id: 'village-test-created', geometry: { type: 'Point', coordinates: [111.75, 40.86] }, properties: { name_zh: '重复' } });
      assert.equal(again.status, 409);
    });

    test('If-Match of an old version → 412 with the current version, and nothing changes', async () => {
      const id = 'village-test-created';
      const first = await write('PATCH', `/api/collections/villages/items/${id}`, planner, { properties: { name_en: 'Test village' } }, { 'if-match': '"v1-w"' });
      assert.equal(first.status, 200, first.text);
      assert.equal(first.headers.get('etag'), '"v2-w"');
      const before = await counts();
      const stale = await write('PATCH', `/api/collections/villages/items/${id}`, planner, { properties: { name_en: 'Overwrite' } }, { 'if-match': '"v1-w"' });
      assert.equal(stale.status, 412);
      assert.equal(stale.body.currentVersion, 2);
      assert.equal(stale.body.current.properties.name_en, 'Test village');
      assert.equal(stale.headers.get('etag'), '"v2-w"');
      assert.deepEqual(await counts(), before);
      // The ETag of a GET works as If-Match.
      const etag = (await api('GET', `/api/collections/villages/items/${id}`)).headers.get('etag')!;
      const ok = await write('PUT', `/api/collections/villages/items/${id}`, planner, { type: 'Feature', geometry: { type: 'Point', coordinates: [111.751, 40.861] }, properties: { name_zh: '测试新村', name_en: 'Replaced' } }, { 'if-match': etag });
      assert.equal(ok.status, 200, ok.text);
      assert.equal(ok.body.properties.town_zh, undefined, 'PUT replaces all properties');
    });

    test('bad bodies are 4xx with the reason, and neither the data nor the audit trail change', async () => {
      const before = await counts();
      const id = 'village-test-created';
      const cases: [string, string, unknown, number, RegExp, Record<string, string>?][] = [
        ['PATCH', `villages/items/${id}`, { properties: { colour: 'red' } }, 400, /no property "colour"/],
        ['PATCH', `villages/items/${id}`, { properties: { town_zh: 42 } }, 400, /must be text/],
        ['PATCH', `projects/items/project-02-01`, { properties: { status: 'finished' } }, 400, /must be one of existing, planned, under_construction/],
        ['PATCH', `projects/items/project-02-01`, { properties: { column: 2.5 } }, 400, /whole number/],
        ['PATCH', `villages/items/${id}`, { geometry: square(111.7, 40.85) }, 400, /takes Point geometries, not Polygon/],
        ['PATCH', `villages/items/${id}`, { geometry: null }, 400, /need a geometry/],
        ['PATCH', `villages/items/${id}`, { geometry: { type: 'Point', coordinates: [40.85, 111.7] } }, 400, /swapped|outside China|lat/i],
        ['PATCH', `villages/items/${id}`, { geometry: { type: 'Point', coordinates: [2.35, 48.85] } }, 400, /outside China/],
        ['PATCH', `parks/items/park-osm-w363823098`, { geometry: { type: 'Polygon', coordinates: [[[111.7, 40.85], [111.71, 40.86], [111.71, 40.85], [111.7, 40.86], [111.7, 40.85]]] } }, 400, /not valid: Self-intersection/],
        ['PATCH', `villages/items/${id}`, { nonsense: 1 }, 400, /Unknown member "nonsense"/],
        ['POST', 'villages/items', { type: 'FeatureCollection', features: [] }, 400, /GeoJSON Feature/],
        ['POST', 'villages/items', { type: 'Feature', geometry: { type: 'Point', coordinates: [111.7, 40.85] }, properties: {} }, 400, /needs a name/],
        ['POST', 'villages/items', { type: 'Feature', id: "x'; drop table villages; --", geometry: { type: 'Point', coordinates: [111.7, 40.85] }, properties: { name_zh: 'x' } }, 400, /id must be/],
        ['PATCH', `villages/items/${id}`, { properties: { name_en: 'x' } }, 400, /If-Match/, { 'if-match': 'garbage' }],
        ['PATCH', `villages/items/${id}`, { properties: { name_en: 'x' } }, 400, /Content-Crs/, { 'content-crs': 'EPSG:3857' }],
        ['PATCH', `villages/items/no-such-village`, { properties: { name_en: 'x' } }, 404, /no feature "no-such-village"/],
      ];
      for (const [method, path, body, status, pattern, headers] of cases) {
        const r = await write(method, `/api/collections/${path}`, planner, body, headers);
        assert.equal(r.status, status, `${method} ${path} ${JSON.stringify(body).slice(0, 80)} → ${r.text.slice(0, 200)}`);
        assert.match(r.body.description, pattern, `${method} ${path} ${JSON.stringify(body).slice(0, 80)}`);
      }
      const ring: number[][] = [];
      for (let i = 0; i < 100_001; i++) ring.push([111.7 + 0.01 * Math.cos(i / 1e4), 40.85 + 0.01 * Math.sin(i / 1e4)]);
      ring.push(ring[0]);
      const huge = await write('PATCH', '/api/collections/parks/items/park-osm-w363823098', planner, { geometry: { type: 'Polygon', coordinates: [ring] } });
      assert.equal(huge.status, 413, huge.text.slice(0, 200));
      const notJson = await api('PATCH', `/api/collections/villages/items/${id}`, { body: 'name=x', headers: { ...planner.auth, ...reason('x'), 'content-type': 'text/plain' } });
      assert.equal(notJson.status, 415);
      assert.deepEqual(await counts(), before);
    });

    test('locating an unlocated project: it gets a site, stops being district-wide and gets its zone', async () => {
      const list = await api('GET', '/api/collections/projects/items?location_quality=district-wide&limit=1');
      const p = list.body.features[0];
      assert.equal(p.geometry, null);
      const site = square(111.70, 40.84, 0.004);
      const r = await write('PATCH', `/api/collections/projects/items/${p.id}`, planner, { geometry: site });
      assert.equal(r.status, 200, r.text);
      assert.equal(r.body.properties.location_quality, 'approximate');
      assert.equal(typeof r.body.properties.area_square_meters, 'number', 'derived area recomputed');
      assert.ok(r.body.properties.area_square_meters > 100_000 && r.body.properties.area_square_meters < 200_000, String(r.body.properties.area_square_meters));
      assert.match(String(r.body.properties.zone_id), /^zone-/, 'derived zone recomputed');
      const unlocated = await api('GET', '/api/collections/projects/items?location_quality=district-wide&limit=500');
      assert.ok(!unlocated.body.features.some((f: { id: string }) => f.id === p.id));
      // The compliance batch sees the new site at once.
      const batch = await api('GET', '/api/analysis/compliance/projects');
      assert.ok(batch.body.projects.some((x: { projectId: string }) => x.projectId === p.id), 'the located project is in the compliance batch');
    });

    test('Content-Crs EPSG:4546: Gauss-Krüger metres are stored as lon/lat', async () => {
      const [x, y] = toGaussKruger([111.76, 40.87]);
      const r = await write('POST', '/api/collections/villages/items', planner, {
        type: 'Feature',
        id: 'village-test-gk',
        geometry: { type: 'Point', coordinates: [x, y] },
        properties: { name_zh: '高斯坐标村' },
      }, { 'content-crs': '<http://www.opengis.net/def/crs/EPSG/0/4546>' });
      assert.equal(r.status, 201, r.text);
      const [lon, lat] = r.body.geometry.coordinates;
      assert.ok(Math.abs(lon - 111.76) < 1e-6 && Math.abs(lat - 40.87) < 1e-6, `${lon}, ${lat}`);
    });

    test('delete and restore: the history lists every version, restore is a new audited version', async () => {
      const id = 'village-test-gk';
      const del = await write('DELETE', `/api/collections/villages/items/${id}`, planner, undefined, { 'if-match': '"v1-w"' });
      assert.equal(del.status, 200, del.text);
      assert.equal(del.headers.get('etag'), '"v2-w"');
      assert.equal((await api('GET', `/api/collections/villages/items/${id}`)).status, 404);
      const reuse = await write('POST', '/api/collections/villages/items', planner, { type: 'Feature', id, geometry: { type: 'Point', coordinates: [111.7, 40.85] }, properties: { name_zh: 'x' } });
      assert.equal(reuse.status, 409, 'a deleted id is not given out again');
      const h = await api('GET', `/api/collections/villages/items/${id}/history`, { headers: planner.auth });
      assert.equal(h.status, 200, h.text);
      assert.deepEqual(h.body.versions.map((v: { version: number; action: string }) => `${v.version}:${v.action}`), ['2:delete', '1:create']);
      assert.equal(h.body.versions[1].actor, planner.username);
      const restored = await write('POST', `/api/collections/villages/items/${id}/restore`, planner, { version: 1 });
      assert.equal(restored.status, 200, restored.text);
      assert.equal(restored.headers.get('etag'), '"v3-w"');
      assert.equal(restored.body.properties.name_zh, '高斯坐标村');
      const h2 = await api('GET', `/api/collections/villages/items/${id}/history`, { headers: planner.auth });
      assert.deepEqual(h2.body.versions.map((v: { version: number; action: string }) => `${v.version}:${v.action}`), ['3:restore', '2:delete', '1:create']);
      const anon = await api('GET', `/api/collections/villages/items/${id}/history`);
      assert.equal(anon.status, 401);
    });

    test('a seed feature: its history starts with the imported version, which can be restored', async () => {
      const id = 'village-shuimo';
      const original = (await api('GET', `/api/collections/villages/items/${id}`)).body;
      const moved = await write('PATCH', `/api/collections/villages/items/${id}`, planner, { geometry: { type: 'Point', coordinates: [111.82, 40.92] } });
      assert.equal(moved.status, 200, moved.text);
      const h = (await api('GET', `/api/collections/villages/items/${id}/history`, { headers: planner.auth })).body;
      assert.deepEqual(h.versions.map((v: { version: number; action: string }) => `${v.version}:${v.action}`), ['2:update', '1:import']);
      assert.deepEqual(h.versions[1].geometry.coordinates, original.geometry.coordinates);
      const back = await write('POST', `/api/collections/villages/items/${id}/restore`, admin, { version: 1 });
      assert.equal(back.status, 200, back.text);
      assert.deepEqual(back.body.geometry.coordinates, original.geometry.coordinates);
      assert.equal(back.body.properties.name_zh, original.properties.name_zh);
    });

    test('the database refuses a change without an audit row, and any change to the audit table', async () => {
      const before = await counts();
      await assert.rejects(t.db.query(`update villages set properties = properties || '{"name_en":"sneaky"}' where id = 'village-shuimo'`), /without an audit row/);
      await assert.rejects(t.db.query(`update audit set reason = 'rewritten' where id = (select max(id) from audit)`), /append-only/);
      await assert.rejects(t.db.query(`delete from audit`), /append-only/);
      await assert.rejects(t.db.query(`truncate audit`), /append-only/);
      assert.deepEqual(await counts(), before);
      const got = (await api('GET', '/api/collections/villages/items/village-shuimo')).body;
      assert.notEqual(got.properties.name_en, 'sneaky');
    });

    test('GET /api/audit (admin): filters, CSV; /api/audit/verify finds the first tampered row', async () => {
      assert.equal((await api('GET', '/api/audit', { headers: planner.auth })).status, 403);
      assert.equal((await api('GET', '/api/audit')).status, 401);
      const mine = await api('GET', `/api/audit?actor=${planner.username}&collection=villages&limit=50`, { headers: admin.auth });
      assert.equal(mine.status, 200, mine.text);
      assert.ok(mine.body.entries.length >= 6);
      assert.ok(mine.body.entries.every((e: { actor: string; collection: string }) => e.actor === planner.username && e.collection === 'villages'));
      const ids = mine.body.entries.map((e: { id: number }) => e.id);
      assert.deepEqual(ids, [...ids].sort((a: number, b: number) => b - a), 'newest first');
      const csv = await api('GET', `/api/audit?featureId=village-test-gk&f=csv`, { headers: admin.auth });
      assert.equal(csv.status, 200);
      assert.match(csv.headers.get('content-type')!, /text\/csv/);
      assert.equal(csv.text.trim().split('\r\n').length, 1 + 3, csv.text);
      assert.match(csv.text, /restore/);
      assert.equal((await api('GET', '/api/audit?since=yesterday', { headers: admin.auth })).status, 400);
      const ok = await api('GET', '/api/audit/verify', { headers: admin.auth });
      assert.equal(ok.status, 200);
      assert.equal(ok.body.ok, true, ok.text);
      assert.equal(ok.body.firstBrokenRow, null);
      assert.ok(ok.body.rows >= 10);
      // Tamper as the database owner would: switch the guard off, rewrite a reason, switch it on.
      const target = ids[ids.length - 1];
      await t.db.transaction(async (tx) => {
        await tx.query('alter table audit disable trigger audit_append_only');
        await tx.query(`update audit set reason = 'rewritten later' where id = $1`, [target]);
        await tx.query('alter table audit enable trigger audit_append_only');
      });
      const broken = await api('GET', '/api/audit/verify', { headers: admin.auth });
      assert.equal(broken.body.ok, false);
      assert.equal(broken.body.firstBrokenRow, target);
    });
  },
  { isolated: true },
);
