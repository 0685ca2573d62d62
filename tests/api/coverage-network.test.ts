/**
 * Issue 14: coverage by walking distance on an imported line network ("method": "network"), on both
 * databases: a synthetic 100 m grid of 2 km lines (noded where they cross) with known reached
 * length, and a river crossed by one bridge (the radius covers across it, the network does not). On
 * the PostgreSQL server, pgRouting (pgr_drivingDistance) is the reference for the walking distances.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createApp } from '../../api/app.ts';
import { keptNetwork } from '../../api/network.ts';
import { NETWORK_BROWSER_MAX_EDGES, NETWORK_BUFFER_METERS, NETWORK_SNAP_METERS } from '../../core/analysis/coverage-rules.ts';
import { buildWalkingGraph, networkDistances, type XY } from '../../core/analysis/network.ts';
import { commitLayer, feature, line, point, rect } from '../helpers/coverage-layers.ts';
import { describeEachDb } from '../helpers/databases.ts';
import { reason } from '../helpers/http.ts';
import { testUser } from '../helpers/users.ts';

const near = (a: number, b: number, rel: number) => Math.abs(a - b) <= rel * Math.max(Math.abs(a), Math.abs(b));

/** Full-length lines of a 100 m grid over [x0, x1] × [y0, y1]: they cross without shared vertices (the import must node them). */
function gridLines(x0: number, x1: number, y0: number, y1: number) {
  const out = [];
  for (let x = x0; x <= x1; x += 100) out.push(feature(line([x, y0], [x, y1]), { 名称: `南北路 ${x}` }));
  for (let y = y0; y <= y1; y += 100) out.push(feature(line([x0, y], [x1, y]), { 名称: `东西路 ${y}` }));
  return out;
}

describeEachDb(
  'coverage by walking distance on a network (issue 14)',
  (t) => {
    let app: ReturnType<typeof createApp>;
    let auth: Record<string, string>;
    const post = async (path: string, body: unknown) => {
      const res = await app.request(`/api/analysis/${path}`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify(body) });
      return { status: res.status, body: (await res.json()) as any };
    };

    before(async () => {
      app = createApp({ db: t.db, config: { BASEMAPS: [] } });
      auth = (await testUser(t.db, 'planner')).auth;
      await commitLayer(app, auth, 'grid_net', 'reference', gridLines(0, 2000, 0, 2000), { titleZh: '测试路网' });
      await commitLayer(app, auth, 'grid_site', 'area', [feature(rect(0, 0, 2000, 2000))], { titleZh: '网格范围' });
      await commitLayer(app, auth, 'grid_fac', 'facility', [feature(point(1000, 1000), { type: 'test' })]);
      // The river: a west and an east grid 200 m apart, one bridge at y = 1900.
      await commitLayer(app, auth, 'river_net', 'reference', [...gridLines(0, 900, 0, 2000), ...gridLines(1100, 2000, 0, 2000), feature(line([900, 1900], [1100, 1900]), { 名称: '桥' })]);
      await commitLayer(app, auth, 'east_bank', 'area', [feature(rect(1100, 0, 2000, 2000))], { titleZh: '东岸' });
      await commitLayer(app, auth, 'river_fac', 'facility', [feature(point(900, 1000), { type: 'test' })]);
    });

    test('grid: the walking service area from a crossing is the known length of streets, buffered; inputs name the network', async () => {
      const base = { facilities: 'grid_fac', radiusMeters: 300, area: 'grid_site' };
      const net = await post('coverage', { ...base, method: 'network', network: 'grid_net' });
      assert.equal(net.status, 200, JSON.stringify(net.body).slice(0, 600));
      const b = net.body;
      assert.equal(b.methodName, 'network');
      assert.match(b.method, /^Method: network/);
      assert.match(b.method, /graphology-shortest-path/);
      assert.match(b.methodZh, /路网/);
      assert.equal(b.inputs.method, 'network');
      assert.equal(b.inputs.network.collection, 'grid_net');
      assert.equal(b.inputs.network.version, 1);
      // 21 × 21 crossings; the edges within reach (lines within 800 m of the facility) are noded there.
      assert.ok(b.network.nodes > 100 && b.network.edges > 200, JSON.stringify(b.network));
      assert.equal(b.network.snapMeters, NETWORK_SNAP_METERS);
      assert.equal(b.network.reached, 1);
      // On a 100 m grid the streets within 300 m walk of a crossing are 3 600 m long (the projection makes cells ≈ 100 m).
      assert.ok(near(b.network.reachedLengthMeters, 3600, 0.015), `reached ${b.network.reachedLengthMeters} m`);
      const radius = await post('coverage', base);
      assert.equal(radius.body.methodName, 'radius');
      assert.ok(b.coveredSquareMeters < radius.body.coveredSquareMeters, `network ${b.coveredSquareMeters} < radius ${radius.body.coveredSquareMeters}`);
      // The diamond of streets within 300 m, buffered 50 m: about 2 × 350² less the unreached cell corners.
      assert.ok(b.coveredSquareMeters > 150_000 && b.coveredSquareMeters < 250_000, `${b.coveredSquareMeters}`);
      assert.ok(b.gaps.features.length >= 1);
      assert.ok(near(b.areaSquareMeters, 4_000_000, 0.01));

      // A what-if facility gains its own walking service area.
      const whatIf = await post('coverage', { ...base, method: 'network', network: 'grid_net', extraFacilities: [point(400, 400)] });
      assert.equal(whatIf.status, 200, JSON.stringify(whatIf.body).slice(0, 400));
      const gain = whatIf.body.extraFacilities[0].gainSquareMeters;
      assert.ok(near(gain, b.coveredSquareMeters, 0.03), `gain ${gain} ≈ one service area ${b.coveredSquareMeters}`);

      const suggest = await post('coverage/suggest', { ...base, method: 'network', network: 'grid_net', count: 1 });
      assert.equal(suggest.status, 200, JSON.stringify(suggest.body).slice(0, 400));
      assert.equal(suggest.body.after.methodName, 'network');
      assert.ok(suggest.body.suggestions.features[0].properties.gainSquareMeters > 100_000);
    });

    test('the graph is kept per version of the network: a second analysis reuses it, an edit rebuilds it; the browser gets the noded lines', async () => {
      const base = { facilities: 'grid_fac', radiusMeters: 300, area: 'grid_site', method: 'network', network: 'grid_net' };
      const first = await post('coverage', base);
      assert.equal(first.status, 200, JSON.stringify(first.body).slice(0, 400));
      const kept = keptNetwork(t.db, 'grid_net');
      assert.ok(kept, 'the graph is kept after an analysis');
      const again = await post('coverage', base);
      assert.equal(keptNetwork(t.db, 'grid_net'), kept, 'the second analysis did not rebuild the graph');
      assert.equal(again.body.coveredSquareMeters, first.body.coveredSquareMeters);
      assert.equal(again.body.network.version, first.body.network.version);

      // The browser's copy: the same graph's noded lines in EPSG:4546, with the constants it needs.
      const res = await app.request('/api/analysis/coverage/network/grid_net', { headers: auth });
      assert.equal(res.status, 200);
      const net = (await res.json()) as any;
      assert.equal(net.version, first.body.network.version);
      assert.equal(net.edges, first.body.network.edges);
      assert.equal(net.lines.length, net.edges);
      assert.equal(net.tooLarge, false);
      assert.equal(net.browserMaxEdges, NETWORK_BROWSER_MAX_EDGES);
      assert.equal(net.bufferMeters, NETWORK_BUFFER_METERS);
      assert.equal(net.crs, 'EPSG:4546');
      // The noded lines are the 42 lines of 2 km (the projection makes them ≈ 2 km).
      let total = 0;
      for (const l of net.lines) for (let i = 1; i < l.length; i++) total += Math.hypot(l[i][0] - l[i - 1][0], l[i][1] - l[i - 1][1]);
      assert.ok(near(total, 42 * 2000, 0.015), `${total} m of lines`);

      // A street added through the audited write path bumps the network's version: the next analysis rebuilds the graph.
      const add = await app.request('/api/collections/grid_net/items', {
        method: 'POST',
        headers: { ...auth, ...reason('测试：新增道路'), 'content-type': 'application/json' },
        body: JSON.stringify(feature(line([-300, 1000], [0, 1000]), { name_zh: '新路' })),
      });
      assert.equal(add.status, 201, await add.text());
      const after = await post('coverage', base);
      assert.equal(after.status, 200);
      assert.notEqual(keptNetwork(t.db, 'grid_net'), kept, 'rebuilt after the edit');
      assert.notEqual(after.body.network.version, first.body.network.version);
      assert.ok(after.body.network.edges > first.body.network.edges, `${after.body.network.edges} edges after the street was added`);

      // Bad ids: 404 unknown, 400 not a line layer; never 500.
      const unknown = await app.request('/api/analysis/coverage/network/no_such_layer', { headers: auth });
      assert.equal(unknown.status, 404);
      assert.match(((await unknown.json()) as any).description, /Unknown network collection/);
      const polygons = await app.request('/api/analysis/coverage/network/grid_site', { headers: auth });
      assert.equal(polygons.status, 400);
      assert.match(((await polygons.json()) as any).description, /not a line layer/);
    });

    test('river with one bridge: the radius covers the far bank, the walking network does not', async () => {
      const base = { facilities: 'river_fac', radiusMeters: 500, area: 'east_bank', denominator: null };
      const radius = await post('coverage', base);
      assert.equal(radius.status, 200, JSON.stringify(radius.body).slice(0, 400));
      // The circle's segment beyond 200 m: r²·acos(d/r) − d·√(r² − d²) with r = 500, d = 200.
      const segment = 500 ** 2 * Math.acos(0.4) - 200 * Math.sqrt(500 ** 2 - 200 ** 2);
      assert.ok(near(radius.body.coveredSquareMeters, segment, 0.02), `${radius.body.coveredSquareMeters} vs ${segment}`);
      const net = await post('coverage', { ...base, method: 'network', network: 'river_net' });
      assert.equal(net.status, 200, JSON.stringify(net.body).slice(0, 400));
      assert.ok(net.body.coveredSquareMeters < 1, `the network crosses the river: ${net.body.coveredSquareMeters} m²`);
      assert.ok(net.body.network.reachedLengthMeters > 1000, 'the west bank is reached');
    });

    // pgRouting is the reference on the server: the same noded lines, its own topology (pgr_createTopology
    // with the same snapping tolerance) and pgr_drivingDistance against graphology's Dijkstra.
    test('pgRouting agrees with the graph library on the walking distances within 1 %', { skip: t.kind !== 'postgresql' && 'pgRouting needs the PostgreSQL server' }, async () => {
      const has = (await t.db.query<{ n: number }>(`select count(*)::int as n from pg_available_extensions where name = 'pgrouting'`)).rows[0].n;
      if (!has) {
        assert.fail('pgRouting is not installed on the server: apt-get install postgresql-15-pgrouting (.ci/run installs it)');
      }
      await t.db.exec('create extension if not exists pgrouting');
      await t.db.exec(`drop table if exists i14_edges, i14_edges_vertices_pgr;
        create table i14_edges as select (d).path[1] as id, (d).geom as geom
          from (select ST_Dump(ST_UnaryUnion(ST_Collect(g), 0.001)) as d from (select (ST_Dump(ST_Transform(geom, 4546))).geom as g from grid_net) l) x;
        alter table i14_edges add column source bigint, add column target bigint;`);
      await t.db.query(`select pgr_createTopology('i14_edges', $1::float8, 'geom', 'id')`, [NETWORK_SNAP_METERS]);
      const start = (await t.db.query<{ id: number; x: number; y: number }>(
        `select v.id, ST_X(v.the_geom) as x, ST_Y(v.the_geom) as y from i14_edges_vertices_pgr v,
          (select ST_Transform(geom, 4546) as g from grid_fac) f order by v.the_geom <-> f.g limit 1`,
      )).rows[0];
      const pgr = (await t.db.query<{ x: number; y: number; agg_cost: number }>(
        `select ST_X(v.the_geom) as x, ST_Y(v.the_geom) as y, d.agg_cost
          from pgr_drivingDistance('select id, source, target, ST_Length(geom) as cost from i14_edges', $1::bigint, 1000::float8, directed => false) d
          join i14_edges_vertices_pgr v on v.id = d.node`,
        [start.id],
      )).rows;
      const lines = (await t.db.query<{ c: XY[] }>(`select ST_AsGeoJSON(geom, 3)::json->'coordinates' as c from i14_edges order by id`)).rows.map((r) => r.c);
      const g = buildWalkingGraph(lines, NETWORK_SNAP_METERS);
      const s = g.nodes.findIndex(([x, y]) => Math.hypot(x - start.x, y - start.y) < 0.01);
      const j = g.edges.findIndex((e) => e.u === s);
      const e = g.edges[j];
      const { dist } = networkDistances(g, [{ access: [{ edge: j, along: e.u === s ? 0 : e.length, walk: 0 }], distanceMeters: 1000 }]);
      const within = pgr.filter((r) => r.agg_cost <= 1000);
      assert.ok(within.length > 50, `${within.length} vertices within 1 000 m`);
      let compared = 0;
      for (const r of within) {
        const i = g.nodes.findIndex(([x, y]) => Math.hypot(x - r.x, y - r.y) < 0.01);
        assert.ok(i >= 0, `pgRouting vertex ${r.x},${r.y} is a node of the graph`);
        const d = dist.get(i);
        assert.ok(d !== undefined && Math.abs(d - r.agg_cost) <= Math.max(0.01 * r.agg_cost, 0.01), `${r.x},${r.y}: graphology ${d} vs pgRouting ${r.agg_cost}`);
        compared++;
      }
      // And the other way: every node graphology puts within 1 000 m is one pgRouting reaches.
      const graphWithin = [...dist.values()].filter((d) => d <= 1000 * 0.99).length;
      assert.ok(graphWithin <= within.length, `${graphWithin} vs ${within.length}`);
      assert.ok(compared > 50);
    });

    after(async () => {
      if (t.kind === 'postgresql') await t.db.exec('drop table if exists i14_edges, i14_edges_vertices_pgr').catch(() => {});
    });
  },
  { isolated: true },
);
