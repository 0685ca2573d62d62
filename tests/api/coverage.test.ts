import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { test } from 'node:test';
import { createApp } from '../../api/app.ts';
import type { Db, Queryable } from '../../api/db/db.ts';
import { computeCoverage, type AreaFeature, type FacilityFeature, type RadiusRule } from '../../core/analysis/coverage.ts';
import { findPreset } from '../../core/presets.ts';
import { describeEachDb } from '../helpers/databases.ts';

const DIR = 'tests/fixtures/coverage';
type WorldFeature = AreaFeature & { id: string; properties: { role: string } };
const world = JSON.parse(readFileSync(`${DIR}/world.geojson`, 'utf8')) as { features: WorldFeature[] };
const square = world.features.find((f) => f.properties.role === 'area')!;
const fixtureZones = world.features.filter((f) => f.properties.role === 'zone');
const fixtures = readdirSync(`${DIR}/in`).filter((f) => f.endsWith('.geojson')).sort();

interface Fixture {
  description: string;
  request: { facilities: string; radiusMeters?: number; preset?: string; filter?: Record<string, string> };
  expected: { coverageShare?: number; zoneShares?: Record<string, number>; gaps: number; gapShare?: number };
  features: (FacilityFeature & { id: string })[];
}

/** The figures of a coverage response kept in a golden file (geometry is compared through its areas). */
const figures = (b: CoverageBody) => ({
  areaSquareMeters: b.areaSquareMeters,
  coveredSquareMeters: b.coveredSquareMeters,
  coverageShare: b.coverageShare,
  byZone: b.byZone,
  gapAreasSquareMeters: b.gaps.features.map((g) => g.properties.areaSquareMeters),
  facilities: b.facilities,
});

interface CoverageBody {
  areaSquareMeters: number;
  coveredSquareMeters: number;
  uncoveredSquareMeters: number;
  coverageShare: number;
  target?: { share: number; met: boolean | null; verdict: string; source: string };
  targets: { met: boolean | null; verdict: string }[];
  method: string;
  methodZh: string;
  warnings: string[];
  warningDetails: { code: string; en: string; zh: string }[];
  dataCompleteness: { level: string; note: { zh: string; en: string } } | null;
  denominator: { area: string; title: { zh: string; en: string }; description: string };
  facilities: { counted: number; matched: number; notExisting: number; belowTiers: number; withoutGeometry: number };
  extraFacilities: { gainSquareMeters: number }[];
  byZone: { id: string; name: string; coverageShare: number; areaSquareMeters: number; coveredSquareMeters: number }[];
  gaps: {
    type: 'FeatureCollection';
    features: { id: string; properties: { areaSquareMeters: number; zoneId: string | null; zoneName: string | null; zoneNameEn: string | null }; geometry: { type: string } }[];
  };
}

const near = (a: number, b: number, rel: number, abs = 0) => Math.abs(a - b) <= Math.max(abs, rel * Math.max(Math.abs(a), Math.abs(b)));

/** Numbers equal within 1e-5 relative or 0.5 absolute (PGlite and the server run different GEOS/PROJ builds). */
function assertClose(actual: unknown, expected: unknown, where: string): void {
  if (typeof expected === 'number') {
    assert.equal(typeof actual, 'number', where);
    assert.ok(near(actual as number, expected, 1e-5, 0.5), `${where}: ${actual} vs golden ${expected}`);
  } else if (Array.isArray(expected)) {
    assert.ok(Array.isArray(actual), where);
    assert.equal((actual as unknown[]).length, expected.length, `${where}: length`);
    expected.forEach((e, i) => assertClose((actual as unknown[])[i], e, `${where}[${i}]`));
  } else if (expected && typeof expected === 'object') {
    assert.deepEqual(Object.keys(actual as object).sort(), Object.keys(expected).sort(), `${where}: keys`);
    for (const [k, v] of Object.entries(expected)) assertClose((actual as Record<string, unknown>)[k], v, `${where}.${k}`);
  } else assert.equal(actual, expected, where);
}

/** A Db that runs every query in the open transaction `tx` (so the app sees the fixture tables). */
function inTransaction(db: Db, tx: Queryable): Db {
  return {
    kind: db.kind,
    query: (text, values) => tx.query(text, values),
    exec: (text) => tx.exec(text),
    transaction: (fn) => fn(tx),
    health: async () => ({
      ...(await tx.query<{ postgis: string; datasets: number }>('select postgis_lib_version() as postgis, (select count(*)::int from datasets) as datasets')).rows[0],
      busyForMs: 0,
      waiting: 0,
      restarts: 0,
    }),
    close: async () => {},
  };
}

/** Runs `fn` with the fixture square as central_area, its zones, and `facilities` in their table, then rolls back. */
async function withFixture(db: Db, table: string, facilities: Fixture['features'], fn: (fixtureDb: Db) => Promise<void>) {
  const rollback = new Error('rollback');
  await assert.rejects(
    db.transaction(async (tx) => {
      for (const t of ['central_area', 'zones', table]) await tx.query(`delete from ${t}`);
      const insert = async (t: string, f: { id: string | number | undefined; properties: unknown; geometry: unknown }) =>
        tx.query(`insert into ${t} (id, properties, geom) values ($1, $2, ST_SetSRID(ST_GeomFromGeoJSON($3), 4326))`, [f.id, JSON.stringify(f.properties), JSON.stringify(f.geometry)]);
      await insert('central_area', square);
      for (const z of fixtureZones) await insert('zones', z);
      for (const f of facilities) await insert(table, f);
      await fn(inTransaction(db, tx));
      throw rollback;
    }),
    (err) => err === rollback,
  );
}

async function post(db: Db, path: string, body: unknown, init: RequestInit = {}) {
  const app = createApp({ db, config: { BASEMAPS: [] } });
  const res = await app.request(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
    ...init,
  });
  return { status: res.status, body: await res.json() };
}

const ruleOf = (req: Fixture['request']): RadiusRule => (req.radiusMeters ? { radiusMeters: req.radiusMeters } : { tiers: findPreset(req.preset!)!.tiers });

describeEachDb('service-radius coverage', (t) => {
  test('golden fixtures: PostGIS matches out/ and the analytic share, Turf agrees within 1 percentage point', async () => {
    for (const file of fixtures) {
      const fx = JSON.parse(readFileSync(`${DIR}/in/${file}`, 'utf8')) as Fixture;
      await withFixture(t.db, fx.request.facilities, fx.features, async (db) => {
        const r = await post(db, '/api/analysis/coverage', { ...fx.request, area: 'central_area' });
        assert.equal(r.status, 200, `${file}: ${JSON.stringify(r.body)}`);
        const server = r.body as CoverageBody;
        const outFile = `${DIR}/out/${file}`;
        const golden = {
          type: 'FeatureCollection',
          description: fx.description,
          result: figures(server),
          features: [
            ...world.features.map((f) => ({ ...f, properties: { ...f.properties, stroke: f.properties.role === 'area' ? '#000' : '#888', 'fill-opacity': 0 } })),
            ...fx.features.map((f) => ({ ...f, properties: { ...f.properties, 'marker-color': '#2a7', stroke: '#2a7' } })),
            ...server.gaps.features.map((g) => ({ ...g, properties: { ...g.properties, role: 'gap', fill: '#e33', 'fill-opacity': 0.4 } })),
          ],
        };
        if (process.env.REGEN) writeFileSync(outFile, `${JSON.stringify(golden, null, 1)}\n`);
        const expected = JSON.parse(readFileSync(outFile, 'utf8'));
        assertClose(golden.result, expected.result, `${file} (REGEN=1 rewrites ${outFile})`);

        // The analytic figures the fixture promises; 64-gon circles lose ≤ 0.16 % of a circle's area.
        if (fx.expected.coverageShare !== undefined) {
          assert.ok(near(server.coverageShare, fx.expected.coverageShare, 0.003, 0.0001), `${file}: share ${server.coverageShare} vs analytic ${fx.expected.coverageShare}`);
        }
        for (const [zone, share] of Object.entries(fx.expected.zoneShares ?? {})) {
          const z = server.byZone.find((b) => b.id === zone);
          // A circular segment loses relatively more to the 64-gon than a whole circle: 0.5 %.
          assert.ok(z && near(z.coverageShare, share, 0.005, 0.0001), `${file}: ${zone} share ${z?.coverageShare} vs ${share}`);
        }
        assert.equal(server.gaps.features.length, fx.expected.gaps, `${file}: gap count`);
        // Gaps are split by support zone: every piece of the fixture square lies in the west or east zone.
        for (const g of server.gaps.features) {
          assert.ok(g.properties.zoneId === 'zone-west' || g.properties.zoneId === 'zone-east', `${file}: ${g.id} zone ${g.properties.zoneId}`);
          assert.equal(g.properties.zoneName, g.properties.zoneId === 'zone-west' ? '西区' : '东区');
        }
        const gapSum = server.gaps.features.reduce((s, g) => s + g.properties.areaSquareMeters, 0);
        assert.ok(near(gapSum, server.uncoveredSquareMeters, 1e-4, 1), `${file}: gaps add up to the uncovered area`);
        // A 2 km square on the ground is 4 km² (within the ellipsoid/grid difference).
        assert.ok(near(server.areaSquareMeters, 4_000_000, 0.002), `${file}: area ${server.areaSquareMeters}`);

        const turf = computeCoverage({
          facilities: fx.features,
          rule: ruleOf(fx.request),
          filter: fx.request.filter ?? (fx.request.preset ? findPreset(fx.request.preset)!.filter : undefined),
          area: square,
          zones: fixtureZones,
        });
        assert.ok(Math.abs(turf.coverageShare - server.coverageShare) <= 0.01, `${file}: Turf ${turf.coverageShare} vs PostGIS ${server.coverageShare}`);
        // In practice the two agree far closer than the 1-point contract.
        assert.ok(Math.abs(turf.coverageShare - server.coverageShare) <= 0.001, `${file}: Turf ${turf.coverageShare} vs PostGIS ${server.coverageShare}`);
        assert.equal(turf.gaps.features.length, server.gaps.features.length, `${file}: Turf gap count`);
        assert.deepEqual(turf.byZone.map((z) => z.id), server.byZone.map((z) => z.id), `${file}: zones`);
        turf.byZone.forEach((z, i) => assert.ok(Math.abs(z.coverageShare - server.byZone[i].coverageShare) <= 0.002, `${file}: zone ${z.id}`));
        assert.deepEqual(turf.facilityCount.counted, server.facilities.counted, `${file}: counted`);
      });
    }
    const result = (name: string) => JSON.parse(readFileSync(`${DIR}/out/${name}.geojson`, 'utf8')).result;
    assert.equal(result('empty-facility-set').coverageShare, 0);
    assert.equal(result('empty-facility-set').facilities.notExisting, 1);
    assert.equal(result('park-tiers-from-edge').facilities.counted, 2);
    assert.equal(result('park-tiers-from-edge').facilities.belowTiers, 1);
    assert.equal(result('filter-by-type').facilities.matched, 1);
  });

  test('fixture: what-if facilities gain exactly their uncovered part, and the planned park counts with includePlanned', async () => {
    const fx = JSON.parse(readFileSync(`${DIR}/in/centre-point-in-square.geojson`, 'utf8')) as Fixture;
    await withFixture(t.db, 'facilities', fx.features, async (db) => {
      const [lon, lat] = (fx.features[0].geometry as { coordinates: number[] }).coordinates;
      // Two additions: one on the existing facility (gains nothing), one 0.01° east (~842 m; overlaps the first circle a little).
      const r = await post(db, '/api/analysis/coverage', {
        ...fx.request,
        area: 'central_area',
        extraFacilities: [{ type: 'Point', coordinates: [lon, lat] }, { type: 'Point', coordinates: [lon + 0.0084, lat] }],
      });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      const b = r.body as CoverageBody;
      assert.equal(b.extraFacilities.length, 2);
      assert.ok(b.extraFacilities[0].gainSquareMeters < 1, `${b.extraFacilities[0].gainSquareMeters}`);
      const base = Math.PI * 500 * 500 * 0.9984;
      assert.ok(b.extraFacilities[1].gainSquareMeters > 0.2 * base && b.extraFacilities[1].gainSquareMeters < base, `${b.extraFacilities[1].gainSquareMeters}`);
      assert.ok(near(b.coveredSquareMeters, base + b.extraFacilities[1].gainSquareMeters, 0.003), 'covered = before + gains');
    });
    const parks = JSON.parse(readFileSync(`${DIR}/in/park-tiers-from-edge.geojson`, 'utf8')) as Fixture;
    await withFixture(t.db, 'parks', parks.features, async (db) => {
      const without = (await post(db, '/api/analysis/coverage', { preset: 'parks', area: 'central_area' })).body as CoverageBody;
      const withPlanned = (await post(db, '/api/analysis/coverage', { preset: 'parks', area: 'central_area', includePlanned: true })).body as CoverageBody;
      assert.equal(withPlanned.facilities.counted, 3);
      assert.ok(withPlanned.coverageShare > without.coverageShare + 0.05, `${withPlanned.coverageShare} vs ${without.coverageShare}`);
      assert.ok(without.warnings.some((w) => /planned.*includePlanned/.test(w)));
      // The plan's target for the central area is 100 %; not met here.
      assert.equal(without.target?.share, 1);
      assert.equal(without.target?.met, false);
      assert.equal(without.target?.verdict, 'not_met');
      assert.equal(without.dataCompleteness?.level, 'osm');
      assert.match(without.dataCompleteness!.note.en, /OpenStreetMap 2022/);
      // Warnings and method in both languages; the English contract fields stay.
      assert.deepEqual(without.warningDetails.map((w) => w.en), without.warnings);
      assert.ok(without.warningDetails.every((w) => w.code && /[\u4e00-\u9fff]/.test(w.zh)));
      assert.match(without.methodZh, /EPSG:4546/);
      assert.match(without.methodZh, /直线距离/);
      assert.match(without.target!.source, /第八章第一节/);
      // One zone as the area: only that zone's half of the square.
      const west = (await post(db, '/api/analysis/coverage', { preset: 'parks', area: 'zone:zone-west' })).body as CoverageBody;
      assert.ok(near(west.areaSquareMeters, 2_000_000, 0.002), `${west.areaSquareMeters}`);
      assert.deepEqual(west.byZone.map((z) => z.id), ['zone-west']);
      assert.equal(west.denominator.area, 'zone:zone-west');
      // The denominator names the zone, not its id.
      assert.deepEqual(west.denominator.title, { zh: '支撑区 西区', en: 'support zone West zone' });
      assert.ok(west.gaps.features.every((g) => g.properties.zoneId === 'zone-west'));
    });
  });

  test('fixture: suggestions land in the gap, each gains about a full circle, and the gains add up', async () => {
    const fx = JSON.parse(readFileSync(`${DIR}/in/empty-facility-set.geojson`, 'utf8')) as Fixture;
    await withFixture(t.db, 'facilities', fx.features, async (db) => {
      const r = await post(db, '/api/analysis/coverage/suggest', { facilities: 'facilities', radiusMeters: 500, area: 'central_area', count: 4 });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      const { suggestions, before, after } = r.body;
      assert.equal(before.coverageShare, 0);
      assert.equal(suggestions.features.length, 4);
      const circle = Math.PI * 500 * 500;
      let sum = 0;
      for (const s of suggestions.features) {
        assert.equal(s.geometry.type, 'Point');
        assert.ok(s.properties.gainSquareMeters > 0.6 * circle && s.properties.gainSquareMeters <= circle, `gain ${s.properties.gainSquareMeters}`);
        sum += s.properties.gainSquareMeters;
      }
      // Four 500 m circles fit in the 2 km square without overlap: greedy finds near-disjoint sites.
      assert.ok(sum > 0.9 * 4 * circle, `total gain ${sum}`);
      assert.ok(near(after.coveredSquareMeters, sum, 0.002, 1), `${after.coveredSquareMeters} vs ${sum}`);
      assert.ok(after.coverageShare > 0.7, `${after.coverageShare}`);
      assert.match(r.body.method, /greedy maximal coverage/);
    });
  });

  // ----- The real district data -----

  const features = async (sql: string) =>
    (await t.db.query<{ f: FacilityFeature & AreaFeature }>(`select json_build_object('type', 'Feature', 'id', id, 'properties', properties, 'geometry', ST_AsGeoJSON(geom, 7)::json) as f from ${sql}`)).rows.map((r) =>
      typeof r.f === 'string' ? JSON.parse(r.f) : r.f,
    );

  test('real data: park 500 m coverage of the central area, Turf and PostGIS within 1 percentage point', async () => {
    const r = await post(t.db, '/api/analysis/coverage', { preset: 'parks', area: 'central_area' });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    const b = r.body as CoverageBody;
    assert.ok(b.areaSquareMeters > 50e6 && b.areaSquareMeters < 120e6, `${b.areaSquareMeters}`);
    assert.ok(b.coverageShare > 0.1 && b.coverageShare < 0.9, `${b.coverageShare}`);
    assert.ok(b.facilities.counted >= 20, `${b.facilities.counted}`);
    assert.match(b.method, /EPSG:4546/);
    assert.match(b.method, /straight-line/);
    assert.match(b.denominator.description, /residential land/);
    assert.equal(b.target?.share, 1);
    assert.ok(b.byZone.length >= 3);
    const areas = b.gaps.features.map((g) => g.properties.areaSquareMeters);
    assert.deepEqual(areas, [...areas].sort((x, y) => y - x), 'gaps largest first');
    // Split by support zone, so the list has pieces a planner can zoom to, not one gap of almost everything.
    assert.ok(b.gaps.features.length > 5, `${b.gaps.features.length} gaps`);
    assert.ok(areas[0] < 0.6 * b.uncoveredSquareMeters, `largest gap ${areas[0]} of ${b.uncoveredSquareMeters}`);
    assert.ok(areas.every((a) => a >= 100), 'no slivers under 100 m²');
    // Every gap names its zone (or lies outside all zones); each zone of the per-zone table that is not fully covered has its gaps.
    const zoneIds = new Set((await t.db.query<{ id: string }>('select id from zones')).rows.map((z) => z.id));
    for (const g of b.gaps.features) {
      assert.ok(g.properties.zoneId === null || (zoneIds.has(g.properties.zoneId) && g.properties.zoneName && g.properties.zoneNameEn), JSON.stringify(g.properties));
    }
    for (const z of b.byZone.filter((x) => x.coverageShare < 0.99)) assert.ok(b.gaps.features.some((g) => g.properties.zoneId === z.id), `gaps of ${z.id}`);
    assert.ok(near(areas.reduce((s, a) => s + a, 0), b.uncoveredSquareMeters, 1e-4, 5), `${areas.reduce((s, a) => s + a, 0)} vs ${b.uncoveredSquareMeters}`);

    const turf = computeCoverage({
      facilities: await features('parks'),
      rule: { tiers: findPreset('parks')!.tiers },
      area: (await features('central_area'))[0],
      zones: await features('zones'),
    });
    assert.equal(turf.facilityCount.counted, b.facilities.counted);
    assert.ok(Math.abs(turf.coverageShare - b.coverageShare) <= 0.01, `Turf ${turf.coverageShare} vs PostGIS ${b.coverageShare}`);
    for (const z of b.byZone) {
      const tz = turf.byZone.find((x) => x.id === z.id);
      assert.ok(tz && Math.abs(tz.coverageShare - z.coverageShare) <= 0.01, `zone ${z.id}: Turf ${tz?.coverageShare} vs ${z.coverageShare}`);
    }
  });

  test('real data: a what-if park in the largest gap raises coverage; includePlanned never lowers it', async () => {
    const base = (await post(t.db, '/api/analysis/coverage', { preset: 'parks', area: 'central_area' })).body as CoverageBody;
    const gap = base.gaps.features[0] as unknown as AreaFeature;
    const { pointOnFeature } = await import('@turf/turf');
    const p = pointOnFeature(gap).geometry;
    const r = await post(t.db, '/api/analysis/coverage', { preset: 'parks', area: 'central_area', extraFacilities: [p] });
    const after = r.body as CoverageBody;
    assert.equal(r.status, 200);
    assert.ok(after.coverageShare > base.coverageShare, `${after.coverageShare} > ${base.coverageShare}`);
    assert.ok(after.extraFacilities[0].gainSquareMeters > 0);
    assert.ok(near(after.coveredSquareMeters - base.coveredSquareMeters, after.extraFacilities[0].gainSquareMeters, 0.001, 2));
    const planned = (await post(t.db, '/api/analysis/coverage', { preset: 'parks', area: 'central_area', includePlanned: true })).body as CoverageBody;
    assert.ok(planned.coverageShare >= base.coverageShare);
    assert.ok(planned.facilities.counted > base.facilities.counted);
  });

  test('real data: other presets and areas (district, one zone, a collection)', async () => {
    const district = await post(t.db, '/api/analysis/coverage', { preset: 'primary_school', area: 'district' });
    assert.equal(district.status, 200, JSON.stringify(district.body));
    assert.ok(district.body.areaSquareMeters > 500e6, `${district.body.areaSquareMeters}`);
    assert.deepEqual(district.body.facilities.filter, { type: ['primary_school', 'nine_year_school'] });
    assert.equal(district.body.target, undefined);
    // The facilities dataset is only what the plan names: the result says so, in both languages.
    assert.equal(district.body.dataCompleteness.level, 'plan-only');
    assert.match(district.body.dataCompleteness.note.zh, /不是.*完整清单/);
    assert.match(district.body.dataCompleteness.note.en, /not a complete inventory/);
    assert.ok(district.body.warningDetails.some((w: { code: string }) => w.code === 'incomplete_inventory'));
    const zones = (await t.db.query<{ id: string }>('select id from zones order by id')).rows;
    const zone = await post(t.db, '/api/analysis/coverage', { facilities: 'parks', radiusMeters: 300, area: `zone:${zones[0].id}` });
    assert.equal(zone.status, 200);
    assert.deepEqual(zone.body.byZone.map((z: { id: string }) => z.id), [zones[0].id]);
    assert.equal(zone.body.radius.mode, 'uniform');
    const zoneName = (await t.db.query<{ zh: string; en: string }>(`select properties->>'name_zh' as zh, properties->>'name_en' as en from zones where id = $1`, [zones[0].id])).rows[0];
    assert.deepEqual(zone.body.denominator.title, { zh: `支撑区 ${zoneName.zh}`, en: `support zone ${zoneName.en}` });
    assert.doesNotMatch(zone.body.denominator.description, new RegExp(zones[0].id));
    const all = await post(t.db, '/api/analysis/coverage', { preset: 'fire_station', area: 'zones' });
    assert.equal(all.status, 200);
    assert.equal(all.body.byZone.length, zones.length);
    assert.ok(all.body.warnings.some((w: string) => /approximation/.test(w)));
  });

  test('real data: three suggested park sites each add coverage', async () => {
    const r = await post(t.db, '/api/analysis/coverage/suggest', { preset: 'parks', area: 'central_area', count: 3 });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.suggestions.features.length, 3);
    for (const s of r.body.suggestions.features) assert.ok(s.properties.gainSquareMeters > 100_000, JSON.stringify(s.properties));
    assert.ok(r.body.after.coverageShare > r.body.before.coverageShare + 0.02);
    assert.equal(r.body.after.extraFacilities.length, 3);
  });

  test('GET /api/analysis/presets lists every preset with radius, targets, source and status', async () => {
    const app = createApp({ db: t.db, config: { BASEMAPS: [] } });
    const res = await app.request('/api/analysis/presets');
    assert.equal(res.status, 200);
    const { presets } = await res.json();
    const ids = presets.map((p: { id: string }) => p.id);
    assert.deepEqual(ids, ['parks', 'kindergarten', 'primary_school', 'middle_school', 'health', 'elderly_care', 'sports', 'fire_station']);
    const parks = presets[0];
    assert.deepEqual(parks.tiers.map((x: { radiusMeters: number }) => x.radiusMeters), [500, 300]);
    assert.ok(parks.targets.some((x: { source: string; share: number }) => /GB\/T 51346-2019 .*§4\.3\.4/.test(x.source) && x.share === 0.9));
    assert.ok(parks.targets.some((x: { source: string; share: number }) => /GB 55014-2021 .*§2\.1\.4/.test(x.source) && x.share === 0.8));
    assert.equal(presets.find((p: { id: string }) => p.id === 'kindergarten').radiusMeters, 300);
    for (const p of presets) assert.equal(p.dataCompleteness.level, p.id === 'parks' ? 'osm' : 'plan-only', p.id);
    assert.equal(presets.find((p: { id: string }) => p.id === 'elderly_care').status, 'unconfirmed');
    assert.equal(presets.find((p: { id: string }) => p.id === 'fire_station').status, 'approximation');
    for (const p of presets) assert.ok(p.source.length > 10 && p.title.zh && p.title.en, p.id);
  });

  test('bad input is a 4xx that says what is wrong, never a 500', async () => {
    const point = { type: 'Point', coordinates: [111.75, 40.85] };
    const cases: [string, unknown, number, RegExp][] = [
      ['coverage', '{"preset": ', 400, /not valid JSON/],
      ['coverage', { facilities: 'parks', radiusMeters: 0 }, 400, /radiusMeters must be greater than 0/],
      ['coverage', { facilities: 'parks', radiusMeters: -5 }, 400, /greater than 0/],
      ['coverage', { facilities: 'parks', radiusMeters: 50_001 }, 400, /at most 50000/],
      ['coverage', { facilities: 'parks', radiusMeters: '500' }, 400, /radiusMeters must be a number/],
      ['coverage', { facilities: 'parks', radiusMeters: null }, 400, /radiusMeters must be a number/],
      ['coverage', { facilities: 'parks' }, 400, /radiusMeters .* or a preset/],
      ['coverage', { preset: 'swimming_pools' }, 404, /Unknown preset "swimming_pools"/],
      ['coverage', { facilities: 'shops', radiusMeters: 500 }, 404, /Unknown facilities collection "shops"/],
      ['coverage', { facilities: 'indicators', radiusMeters: 500 }, 400, /has no geometry/],
      ['coverage', { preset: 'parks', area: 'zone:nowhere' }, 404, /Unknown zone "nowhere"/],
      ['coverage', { preset: 'parks', area: 'moon' }, 404, /Unknown area "moon"/],
      ['coverage', { preset: 'parks', area: 'villages' }, 400, /no polygon geometry/],
      ['coverage', { preset: 'parks', area: 'indicators' }, 400, /no polygon geometry/],
      ['coverage', { preset: 'parks', filter: { colour: 'green' } }, 400, /"colour" is not a property of parks/],
      ['coverage', { preset: 'parks', radius: 500 }, 400, /radius/],
      ['coverage', { preset: 'parks', includePlanned: 'yes' }, 400, /includePlanned must be true or false/],
      ['coverage', { preset: 'parks', extraFacilities: [{ type: 'Point', coordinates: [2.35, 48.85] }] }, 400, /extraFacilities\.0: .*outside China/],
      ['coverage', { preset: 'parks', extraFacilities: [point, { type: 'Polygon', coordinates: [[[111.7, 40.8], [111.8, 40.8], [111.8, 40.9], [111.7, 40.8]]] }] }, 400, /extraFacilities\.1: must be a GeoJSON Point/],
      ['coverage', { preset: 'parks', extraFacilities: [{ type: 'Point', coordinates: [40.85, 111.75] }] }, 400, /swapped/],
      ['coverage', { preset: 'parks', extraFacilities: point }, 400, /extraFacilities must be an array/],
      ['coverage', { facilities: "parks'; drop table parks;--", radiusMeters: 500 }, 404, /Unknown facilities collection/],
      ['coverage/suggest', { preset: 'parks' }, 400, /count must be a whole number/],
      ['coverage/suggest', { preset: 'parks', count: 0 }, 400, /count must be at least 1/],
      ['coverage/suggest', { preset: 'parks', count: 11 }, 400, /count must be at most 10/],
      ['coverage/suggest', { preset: 'parks', count: 2.5 }, 400, /whole number/],
      ['coverage/suggest', { preset: 'parks', count: 2, area: 'zone:nowhere' }, 404, /Unknown zone/],
    ];
    for (const [path, body, status, pattern] of cases) {
      const r = await post(t.db, `/api/analysis/${path}`, body);
      assert.equal(r.status, status, `${JSON.stringify(body).slice(0, 100)} → ${JSON.stringify(r.body)}`);
      assert.match(r.body.description, pattern, JSON.stringify(body).slice(0, 100));
    }
    const wrongType = await post(t.db, '/api/analysis/coverage', 'x', { headers: { 'content-type': 'text/plain' } });
    assert.equal(wrongType.status, 400);
    assert.ok((await t.db.query<{ n: number }>('select count(*)::int as n from parks')).rows[0].n > 0);
  });

  test('an area collection with no geometry at all is a 400 that says so', async () => {
    await withFixture(t.db, 'facilities', [], async (db) => {
      await db.query('delete from central_area');
      await db.query(`insert into central_area (id, properties, geom) values ('no-geometry', '{}', null)`);
      const r = await post(db, '/api/analysis/coverage', { preset: 'kindergarten', area: 'central_area' });
      assert.equal(r.status, 400, JSON.stringify(r.body));
      assert.match(r.body.description, /area "central_area" has no geometry/);
      await db.query('delete from central_area');
      const empty = await post(db, '/api/analysis/coverage', { preset: 'kindergarten', area: 'central_area' });
      assert.equal(empty.status, 400);
      assert.match(empty.body.description, /no features/);
    });
  });
});
