/**
 * Issue 14: coverage uses what the office imported, the way the standards define it — a share of an
 * `area` layer (residential land by default), people from a population layer spread by area,
 * facilities from `facility` layers of the preset's type — and names the inputs it used.
 * The layers are committed through the import path (upload, commit as a new collection with a role).
 */
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { createApp } from '../../api/app.ts';
import { PLAN_POPULATION } from '../../core/analysis/coverage-rules.ts';
import { commitLayer, feature, point, rect } from '../helpers/coverage-layers.ts';
import { describeEachDb } from '../helpers/databases.ts';
import { testUser } from '../helpers/users.ts';

const near = (a: number, b: number, rel: number) => Math.abs(a - b) <= rel * Math.max(Math.abs(a), Math.abs(b));

describeEachDb(
  'coverage inputs: denominator, population, facility layers (issue 14)',
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
      // A 2 km study square; two 400 m residential blocks (A near the south-west, B near the north-east corner).
      await commitLayer(app, auth, 'i14_study', 'area', [feature(rect(0, 0, 2000, 2000), { 名称: '测试范围' })], { titleZh: '测试范围', titleEn: 'Study area' });
      await commitLayer(app, auth, 'i14_residential', 'area', [feature(rect(300, 300, 700, 700), { 名称: '居住地块A' }), feature(rect(1500, 1500, 1900, 1900), { 名称: '居住地块B' })], {
        titleZh: '居住用地',
        titleEn: 'Residential land',
        date: '2025-12-31',
      });
      // An elderly-care station at A's centre (300 m reaches all of A: half its diagonal is 283 m), and one of another type.
      await commitLayer(app, auth, 'i14_elderly', 'facility', [feature(point(500, 500), { 名称: '养老站一', type: '养老服务站' }), feature(point(1700, 1700), { 名称: '超市', type: '商业' })], {
        titleZh: '社区服务设施',
        date: '2026-05-01',
      });
      // A 1 ha park in B: ≥ 0.5 ha counts at 500 m from its edge and reaches all of B, none of A.
      await commitLayer(app, auth, 'i14_parks', 'facility', [feature(rect(1650, 1650, 1750, 1750), { 名称: '街心公园', type: '公园' })], { titleZh: '公园普查', date: '2026-04-01' });
      // Communities: P1 is block A; P2 covers B and reaches 300 m beyond the square (5/8 of it inside).
      await commitLayer(app, auth, 'i14_communities', 'reference', [
        feature(rect(300, 300, 700, 700), { 名称: '社区一', population: 1000, aged60: 200 }),
        feature(rect(1500, 1500, 2300, 1900), { 名称: '社区二', population: 3000, aged60: 500 }),
      ]);
    });

    test('residential land is the default denominator; facilities of the preset type come from the facility layer; inputs are named', async () => {
      const r = await post('coverage', { preset: 'elderly_care', area: 'i14_study' });
      assert.equal(r.status, 200, JSON.stringify(r.body).slice(0, 500));
      const b = r.body;
      assert.ok(near(b.areaSquareMeters, 320_000, 0.006), `residential land ${b.areaSquareMeters} m²`);
      assert.ok(Math.abs(b.coverageShare - 0.5) < 0.005, `share ${b.coverageShare}`);
      assert.equal(b.inputs.denominator.collection, 'i14_residential');
      assert.equal(b.inputs.denominator.byDefault, true);
      assert.equal(b.inputs.denominator.count, 2);
      assert.equal(b.denominator.collection, 'i14_residential');
      assert.match(b.denominator.title.zh, /居住用地/);
      assert.match(b.denominator.description, /Residential land \(i14_residential\)/);
      assert.equal(b.inputs.method, 'radius');
      assert.equal(b.methodName, 'radius');
      assert.match(b.method, /^Method: radius/);
      assert.equal(b.inputs.network, null);
      assert.equal(b.inputs.population, null);
      assert.equal(b.coveredPeople, undefined, 'no people without a population layer');
      const bySource = Object.fromEntries(b.inputs.facilities.map((f: any) => [f.collection, f]));
      assert.equal(bySource.i14_elderly.count, 1, 'the 养老服务站 counts, the 商业 one does not');
      assert.equal(bySource.i14_elderly.version, 1);
      assert.equal(bySource.i14_elderly.via, 'facility-layer');
      assert.equal(bySource.facilities.via, 'preset');
      assert.equal(bySource.i14_parks.count, 0);
      // An office inventory turns "not assessable" into a figure, naming the layer and its date.
      assert.equal(b.dataCompleteness.level, 'office');
      assert.match(b.dataCompleteness.note.en, /i14_elderly \(1 features, dated 2026-05-01/);
      assert.deepEqual(b.dataCompleteness.layers.map((l: any) => [l.collection, l.date]), [['i14_elderly', '2026-05-01']]);
      assert.ok(!b.warningDetails.some((w: any) => w.code === 'incomplete_inventory'));
      // Per sub-area: each residential block.
      assert.equal(b.bySubArea.length, 2);
      const shares = b.bySubArea.map((s: any) => s.coverageShare).sort();
      assert.ok(shares[0] < 0.001 && shares[1] > 0.999, JSON.stringify(b.bySubArea));
      assert.ok(b.bySubArea.every((s: any) => /居住地块/.test(s.name)), 'sub-areas named');
      // Gaps are on residential land only: block B.
      const gapSum = b.gaps.features.reduce((s: number, g: any) => s + g.properties.areaSquareMeters, 0);
      assert.ok(near(gapSum, 160_000, 0.006), `gaps ${gapSum}`);
    });

    test('denominator null measures the whole area; an explicit denominator is used and named', async () => {
      const whole = await post('coverage', { preset: 'elderly_care', area: 'i14_study', denominator: null });
      assert.equal(whole.status, 200, JSON.stringify(whole.body).slice(0, 300));
      assert.equal(whole.body.inputs.denominator, null);
      assert.ok(near(whole.body.areaSquareMeters, 4_000_000, 0.006));
      assert.ok(near(whole.body.coveredSquareMeters, Math.PI * 300 * 300 * 0.9984, 0.006), `${whole.body.coveredSquareMeters}`);
      assert.equal(whole.body.bySubArea, undefined);
      const named = await post('coverage', { facilities: 'i14_elderly', filter: { type: '养老服务站' }, radiusMeters: 300, area: 'i14_study', denominator: 'i14_residential' });
      assert.equal(named.status, 200);
      assert.equal(named.body.inputs.denominator.byDefault, false);
      assert.deepEqual(named.body.inputs.facilities.map((f: any) => [f.collection, f.count, f.via]), [['i14_elderly', 1, 'request']]);
      assert.equal(named.body.dataCompleteness.level, 'office');
    });

    test('population: people covered and not covered, spread by area within each polygon, beside the plan figure; aged 60+ for elderly care', async () => {
      const r = await post('coverage', { preset: 'elderly_care', area: 'i14_study', population: { collection: 'i14_communities' } });
      assert.equal(r.status, 200, JSON.stringify(r.body).slice(0, 500));
      const b = r.body;
      // The elderly-care preset takes the aged-60+ field: 200 in A (covered) + 500 × 5/8 of P2 inside the square.
      assert.equal(b.inputs.population.field, 'aged60');
      assert.equal(b.population.group, 'aged60plus');
      assert.equal(b.population.planFigure.people, PLAN_POPULATION.aged60plus.people);
      assert.equal(b.population.planFigure.people, 110_592);
      assert.ok(Math.abs(b.population.total - 512.5) <= 2, `total ${b.population.total}`);
      assert.ok(Math.abs(b.coveredPeople - 200) <= 1, `covered ${b.coveredPeople}`);
      assert.equal(b.coveredPeople + b.uncoveredPeople, b.population.total);
      assert.equal(b.population.totalInLayer, 700);
      assert.match(b.population.method, /spread evenly over its area/);
      assert.match(b.method, /People: field aged60 of i14_communities/);

      const all = await post('coverage', { preset: 'elderly_care', area: 'i14_study', population: { collection: 'i14_communities', field: 'population' } });
      assert.equal(all.status, 200);
      assert.equal(all.body.population.planFigure.people, 699_672);
      assert.equal(all.body.population.group, 'residents');
      assert.ok(Math.abs(all.body.population.total - 2875) <= 10, `total ${all.body.population.total}`);
      assert.ok(Math.abs(all.body.coveredPeople - 1000) <= 5, `covered ${all.body.coveredPeople}`);
      assert.ok(Math.abs(all.body.uncoveredPeople - 1875) <= 10, `uncovered ${all.body.uncoveredPeople}`);
      assert.ok(Math.abs(all.body.population.coveredShare - 1000 / 2875) < 0.005);
    });

    test('the parks preset takes a 公园 facility layer (size tiers from its area) and holds the share of residential land to the standard', async () => {
      const r = await post('coverage', { preset: 'parks', area: 'i14_study', population: { collection: 'i14_communities' } });
      assert.equal(r.status, 200, JSON.stringify(r.body).slice(0, 500));
      const b = r.body;
      const parks = b.inputs.facilities.find((f: any) => f.collection === 'i14_parks');
      assert.equal(parks.count, 1);
      assert.ok(Math.abs(b.coverageShare - 0.5) < 0.005, `share ${b.coverageShare}`);
      assert.match(b.denominator.description, /GB\/T 51346 counts residential land/);
      assert.equal(b.target.verdict, 'not_met');
      assert.equal(b.dataCompleteness.level, 'office');
      assert.equal(b.inputs.population.field, 'population');
      assert.ok(Math.abs(b.coveredPeople - 1875) <= 10, `covered ${b.coveredPeople}`);
    });

    test('suggestions name their inputs too', async () => {
      const r = await post('coverage/suggest', { preset: 'elderly_care', area: 'i14_study', population: { collection: 'i14_communities' }, count: 1 });
      assert.equal(r.status, 200, JSON.stringify(r.body).slice(0, 500));
      assert.equal(r.body.after.inputs.denominator.collection, 'i14_residential');
      assert.equal(r.body.suggestions.features.length, 1);
      assert.ok(r.body.after.coverageShare > 0.9, `after ${r.body.after.coverageShare}`);
      assert.ok(r.body.after.coveredPeople > 400, `${r.body.after.coveredPeople}`);
    });

    test('suggested sites lie outside every control layer, and on the candidate land when given', async () => {
      // A control layer over block B and its surroundings: sites must keep out of it.
      await commitLayer(app, auth, 'i14_control', 'control', [feature(rect(1400, 1400, 2000, 2000), { 名称: '生态控制区' })], { titleZh: '生态控制区' });
      const { ll } = await import('../helpers/coverage-layers.ts');
      const [lon0, lat0] = ll(1400, 1400);
      const outsideControl = (c: [number, number]) => c[0] < lon0 || c[1] < lat0;
      const free = await post('coverage/suggest', { preset: 'elderly_care', area: 'i14_study', count: 1 });
      assert.equal(free.status, 200, JSON.stringify(free.body).slice(0, 400));
      const site = free.body.suggestions.features[0];
      assert.ok(site, 'a site is suggested');
      assert.ok(outsideControl(site.geometry.coordinates), `site ${site.geometry.coordinates} is in the control layer`);
      assert.ok(site.properties.gainSquareMeters > 0);
      assert.match(free.body.method, /outside every control layer/);
      // Candidate land south-west of B: the site lies on it.
      await commitLayer(app, auth, 'i14_candidates', 'reference', [feature(rect(1150, 1150, 1400, 1400), { 名称: '储备用地' })], { titleZh: '储备用地' });
      const onLand = await post('coverage/suggest', { preset: 'elderly_care', area: 'i14_study', count: 1, candidates: 'i14_candidates' });
      assert.equal(onLand.status, 200, JSON.stringify(onLand.body).slice(0, 400));
      const [lon, lat] = onLand.body.suggestions.features[0].geometry.coordinates;
      const [w, s2] = ll(1150, 1150);
      assert.ok(lon >= w && lon <= lon0 && lat >= s2 && lat <= lat0, `site ${lon},${lat} is off the candidate land`);
      assert.equal(onLand.body.after.inputs.candidates.collection, 'i14_candidates');
      assert.match(onLand.body.method, /on the candidate land i14_candidates/);
    });

    test('population per support zone: a community inside one zone of the central area counts its people there', async () => {
      const zone = (await t.db.query<{ id: string; x: number; y: number }>(
        `select z.id, ST_X(p) as x, ST_Y(p) as y from zones z, central_area c,
          lateral (select ST_PointOnSurface(ST_Intersection(ST_Buffer(z.geom::geography, -200)::geometry, c.geom)) as p) s
          where ST_Intersects(z.geom, c.geom) and not ST_IsEmpty(p) order by z.id limit 1`,
      )).rows[0];
      assert.ok(zone, 'a zone meets the central area');
      const d = 0.0005; // ≈ 40–55 m: well inside the zone and the central area
      const box = { type: 'Polygon', coordinates: [[[zone.x - d, zone.y - d], [zone.x + d, zone.y - d], [zone.x + d, zone.y + d], [zone.x - d, zone.y + d], [zone.x - d, zone.y - d]]] };
      await commitLayer(app, auth, 'i14_zone_people', 'reference', [feature(box, { population: 500 })]);
      const r = await post('coverage', { preset: 'parks', area: 'central_area', denominator: null, population: { collection: 'i14_zone_people', field: 'population' } });
      assert.equal(r.status, 200, JSON.stringify(r.body).slice(0, 400));
      assert.ok(Math.abs(r.body.population.total - 500) <= 1, `total ${r.body.population.total}`);
      const z = r.body.byZone.find((x: any) => x.id === zone.id);
      assert.ok(z, `zone ${zone.id} in byZone`);
      assert.ok(Math.abs(z.people - 500) <= 1, `zone people ${z.people}`);
      assert.equal(z.coveredPeople + z.uncoveredPeople, z.people);
      assert.ok(Math.abs(z.coveredPeople - r.body.coveredPeople) <= 1);
      for (const other of r.body.byZone.filter((x: any) => x.id !== zone.id)) assert.equal(other.people, 0, other.id);
    });

    test('GET /api/analysis/coverage/inputs lists what the panel offers: area layers (residential first, the default), population fields, networks', async () => {
      const res = await app.request('/api/analysis/coverage/inputs', { headers: auth });
      assert.equal(res.status, 200);
      const c = (await res.json()) as any;
      assert.equal(c.defaultDenominator, 'i14_residential');
      assert.deepEqual(c.denominators.map((d: any) => [d.id, d.residential]), [['i14_residential', true], ['i14_study', false]]);
      const pop = c.populations.find((p: any) => p.id === 'i14_communities');
      assert.deepEqual([...pop.fields].sort(), ['aged60', 'population']);
      assert.equal(pop.aged60Field, 'aged60');
      assert.deepEqual(c.networks, []);
      assert.equal(c.planPopulation.residents.people, 699_672);
    });

    test('bad inputs are 4xx that name the problem', async () => {
      const cases: [unknown, number, RegExp][] = [
        [{ preset: 'parks', area: 'i14_study', denominator: 'i14_communities' }, 400, /not an area layer.*i14_residential/],
        [{ preset: 'parks', area: 'i14_study', denominator: 'nowhere' }, 404, /Unknown denominator "nowhere"/],
        [{ preset: 'parks', area: 'i14_study', population: { collection: 'nowhere' } }, 404, /Unknown population collection/],
        [{ preset: 'parks', area: 'i14_study', population: { collection: 'i14_communities', field: 'colour' } }, 400, /"colour" is not a field of i14_communities.*aged60/],
        [{ preset: 'parks', area: 'i14_study', population: { collection: 'i14_study' } }, 400, /population.field: give the field/],
        [{ preset: 'parks', area: 'i14_study', population: 'i14_communities' }, 400, /population must be/],
        [{ preset: 'parks', method: 'walking' }, 400, /method must be "radius" or "network"/],
        [{ preset: 'parks', method: 'network' }, 400, /needs a line layer/],
        [{ preset: 'parks', network: 'i14_communities' }, 400, /with "method": "network"/],
        [{ preset: 'parks', method: 'network', network: 'i14_communities' }, 400, /not a line layer/],
        [{ preset: 'parks', candidates: 'nowhere' }, 404, /Unknown candidates collection/],
      ];
      for (const [body, status, pattern] of cases) {
        const r = await post('coverage', body);
        assert.equal(r.status, status, `${JSON.stringify(body)} → ${JSON.stringify(r.body)}`);
        assert.match(r.body.description, pattern, JSON.stringify(body));
      }
    });
  },
  { isolated: true },
);
