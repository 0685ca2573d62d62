/**
 * Reviewing a whole imported layer against the control layers (issue 12): counts, pages, only the
 * conflicting sites, the union of nested overlaps counted once, a touching site is no conflict, and
 * the CSV streamed; bad parameters refused.
 */
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { describeEachDb } from '../helpers/databases.ts';
import { client } from '../helpers/http.ts';
import { testUser } from '../helpers/users.ts';
import { commitLayer, feature, point, rect } from '../helpers/coverage-layers.ts';

describeEachDb(
  'compliance review of a whole layer',
  (t) => {
    let api: ReturnType<typeof client>;
    before(async () => {
      api = client(t.db);
      const planner = await testUser(t.db, 'planner');
      // Two nested control polygons (the inner inside the outer, as the reserve inside the red line).
      await commitLayer(api.app, planner.auth, 'review_controls', 'control', [
        feature(rect(0, 0, 100, 100), { name_zh: '外管控' }),
        feature(rect(0, 0, 60, 100), { name_zh: '内管控' }),
      ]);
      await commitLayer(api.app, planner.auth, 'review_parcels', 'reference', [
        feature(rect(50, 0, 150, 100), { name_zh: '跨线地块' }), // 50 m × 100 m inside the outer, 10 × 100 of it also in the inner
        feature(rect(100, 0, 120, 20), { name_zh: '相接地块' }), // shares the outer's edge only
        feature(rect(300, 0, 400, 100), { name_zh: '远处地块' }),
        feature(point(10, 10), { name_zh: '点' }),
      ]);
    });

    test('counts, a page in id order with each site area, the union of its overlaps and each conflict', async () => {
      const r = await api.call('GET', '/api/analysis/compliance/collections/review_parcels');
      assert.equal(r.status, 200, r.text);
      assert.equal(r.body.numberOfSites, 3);
      assert.equal(r.body.numberWithConflicts, 1);
      assert.equal(r.body.numberNotReviewed, 1, 'the point is not reviewed');
      assert.match(r.body.methodZh, /整层审查/);
      const byName = Object.fromEntries(r.body.sites.map((s: { name: string }) => [s.name, s]));
      const cross = byName['跨线地块'];
      assert.ok(Math.abs(cross.areaSquareMeters - 10_000) / 10_000 < 0.01, `${cross.areaSquareMeters} m²`);
      // 5 000 m² under the outer, of which 1 000 also under the inner: counted once.
      assert.ok(Math.abs(cross.conflictSquareMeters - 5_000) / 5_000 < 0.01, `${cross.conflictSquareMeters} m²`);
      assert.deepEqual(cross.conflicts.map((x: { name: string }) => x.name), ['外管控', '内管控']);
      assert.deepEqual(byName['相接地块'].conflicts, [], 'sharing an edge is no conflict');
      assert.equal(byName['相接地块'].conflictSquareMeters, 0);
      const ids = r.body.sites.map((s: { id: string }) => s.id);
      assert.deepEqual(ids, [...ids].sort());
    });

    test('paging and only the sites with a conflict', async () => {
      const first = await api.call('GET', '/api/analysis/compliance/collections/review_parcels?limit=2');
      const second = await api.call('GET', '/api/analysis/compliance/collections/review_parcels?limit=2&offset=2');
      assert.equal(first.body.sites.length, 2);
      assert.equal(second.body.sites.length, 1);
      const only = await api.call('GET', '/api/analysis/compliance/collections/review_parcels?only=conflicts');
      assert.equal(only.body.numberMatched, 1);
      assert.deepEqual(only.body.sites.map((s: { name: string }) => s.name), ['跨线地块']);
    });

    test('CSV: BOM, bilingual header, one row per site, the conflicts named', async () => {
      const res = await api.app.request('/api/analysis/compliance/collections/review_parcels?f=csv');
      assert.equal(res.status, 200);
      assert.match(res.headers.get('content-type') ?? '', /text\/csv/);
      const bytes = Buffer.from(await res.arrayBuffer());
      assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'UTF-8 BOM for Excel');
      const text = bytes.subarray(3).toString('utf8');
      assert.ok(text.startsWith('要素编号 Id,'), text.slice(0, 40));
      const lines = text.trim().split('\r\n');
      assert.equal(lines.length, 4, text);
      assert.match(lines.find((l) => l.includes('跨线地块'))!, /外管控 \d+/);
    });

    test('bad parameters and layers without polygons are 400s; unknown layers 404', async () => {
      for (const q of ['limit=0', 'limit=5000', 'offset=-1', 'only=all', 'f=xml', 'evil=1', 'limit=abc']) {
        const r = await api.call('GET', `/api/analysis/compliance/collections/review_parcels?${q}`);
        assert.equal(r.status, 400, `${q}: ${r.text}`);
      }
      assert.equal((await api.call('GET', '/api/analysis/compliance/collections/indicators')).status, 400);
      assert.equal((await api.call('GET', '/api/analysis/compliance/collections/villages')).status, 400);
      assert.equal((await api.call('GET', '/api/analysis/compliance/collections/nope')).status, 404);
    });
  },
  { isolated: true },
);
