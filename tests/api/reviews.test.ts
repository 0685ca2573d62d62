/** Saved compliance reviews (审查记录): numbered per year, kept as they were after the data changes. */
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { describeEachDb } from '../helpers/databases.ts';
import { client, reason } from '../helpers/http.ts';
import { testUser } from '../helpers/users.ts';

// A site on the Daqing Mountains front slope that overlaps the indicative red line.
const mountainSite = { type: 'Polygon', coordinates: [[[111.78, 40.95], [111.80, 40.95], [111.80, 40.965], [111.78, 40.965], [111.78, 40.95]]] };

describeEachDb(
  'saved compliance reviews',
  (t) => {
    let api: ReturnType<typeof client>['call'];
    let planner: Awaited<ReturnType<typeof testUser>>;
    before(async () => {
      api = client(t.db).call;
      planner = await testUser(t.db, 'planner');
    });

    test('a planner saves reviews numbered XC-<year>-0001, -0002; viewers may not; bad input is a 400', async () => {
      const year = new Date().getFullYear();
      const body = { projectName: '前坡民宿项目 <b>test</b>', applicant: '某某公司', note: '初审', geometry: mountainSite };
      const viewer = await testUser(t.db, 'viewer');
      assert.equal((await api('POST', '/api/reviews', { body, headers: viewer.auth })).status, 403);
      assert.equal((await api('POST', '/api/reviews', { body })).status, 401);
      assert.equal((await api('POST', '/api/reviews', { body: { ...body, projectName: '' }, headers: planner.auth })).status, 400);
      assert.equal((await api('POST', '/api/reviews', { body: { ...body, geometry: { type: 'Point', coordinates: [2, 48] } }, headers: planner.auth })).status, 400);
      const first = await api('POST', '/api/reviews', { body, headers: planner.auth });
      assert.equal(first.status, 201, first.text);
      assert.equal(first.body.number, `XC-${year}-0001`);
      assert.equal(first.body.reviewer, planner.username);
      assert.ok(first.body.result.conflicts.length > 0, 'the mountain site overlaps a control line');
      assert.ok(first.body.layerVersions.controls.version >= 1);
      const second = await api('POST', '/api/reviews', { body: { ...body, projectName: '第二个项目' }, headers: planner.auth });
      assert.equal(second.body.number, `XC-${year}-0002`);
      const audit = await t.db.query<{ n: number }>(`select count(*)::int as n from audit where action = 'review_create'`);
      assert.equal(audit.rows[0].n, 2);
    });

    test('list and search; a saved review keeps its result after the control layer changes', async () => {
      const year = new Date().getFullYear();
      const list = await api('GET', '/api/reviews?q=前坡');
      assert.equal(list.status, 200);
      assert.equal(list.body.numberMatched, 1);
      assert.equal(list.body.reviews[0].number, `XC-${year}-0001`);
      const saved = (await api('GET', `/api/reviews/XC-${year}-0001`)).body;
      const overlap = saved.result.conflicts[0].overlapSquareMeters;
      // An admin moves the red line away from the site.
      const admin = await testUser(t.db, 'admin');
      const id = saved.result.conflicts[0].id;
      const moved = await api('PATCH', `/api/collections/controls/items/${id}`, {
        body: { geometry: { type: 'Polygon', coordinates: [[[111.9, 41.05], [111.95, 41.05], [111.95, 41.08], [111.9, 41.08], [111.9, 41.05]]] } },
        headers: { ...admin.auth, ...reason('reviews test: the red line was redrawn') },
      });
      assert.equal(moved.status, 200, moved.text);
      const now = await api('POST', '/api/analysis/compliance', { body: { geometry: mountainSite } });
      assert.ok(!now.body.conflicts.some((c: { id: string }) => c.id === id), 'today the site no longer meets that line');
      const again = (await api('GET', `/api/reviews/XC-${year}-0001`)).body;
      assert.equal(again.result.conflicts[0].overlapSquareMeters, overlap, 'the saved review is unchanged');
      assert.equal((await api('GET', '/api/reviews/XC-1999-0001')).status, 404);
    });
  },
  { isolated: true },
);
