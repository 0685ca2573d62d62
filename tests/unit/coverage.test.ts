import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import {
  computeCoverage,
  greedyMaximalCoverage,
  matchesFilter,
  selectFacilities,
  updateCoverage,
  type AreaFeature,
  type FacilityFeature,
} from '../../core/analysis/coverage.ts';
import { COVERAGE_PRESETS, findPreset, meetsTarget, targetVerdict, tierRadiusMeters } from '../../core/presets.ts';

const DIR = 'tests/fixtures/coverage';
const world = JSON.parse(readFileSync(`${DIR}/world.geojson`, 'utf8')) as { features: (AreaFeature & { properties: { role: string } })[] };
const square = world.features.find((f) => f.properties.role === 'area')!;
const zones = world.features.filter((f) => f.properties.role === 'zone');
const fixture = (name: string) => JSON.parse(readFileSync(`${DIR}/in/${name}.geojson`, 'utf8')) as { features: FacilityFeature[]; expected: { coverageShare: number } };
const near = (a: number, b: number, rel: number, abs = 0) => Math.abs(a - b) <= Math.max(abs, rel * Math.max(Math.abs(a), Math.abs(b)));
const pointFeature = (coordinates: number[], properties: Record<string, unknown> = {}): FacilityFeature => ({
  type: 'Feature',
  properties: { status: 'existing', ...properties },
  geometry: { type: 'Point', coordinates },
});
const centre = (fixture('centre-point-in-square').features[0].geometry as { coordinates: number[] }).coordinates;

test('presets: every preset names its collection, radius, source and status; ids are unique', () => {
  const ids = COVERAGE_PRESETS.map((p) => p.id);
  assert.equal(new Set(ids).size, ids.length);
  for (const p of COVERAGE_PRESETS) {
    assert.ok(p.tiers.length >= 1 && p.tiers.every((t) => t.radiusMeters > 0), p.id);
    assert.equal(p.newFacilityRadiusMeters, Math.max(...p.tiers.map((t) => t.radiusMeters)), p.id);
    assert.ok(p.source.length > 10, p.id);
    assert.ok(['confirmed', 'unconfirmed', 'weak', 'approximation'].includes(p.status), p.id);
  }
  assert.deepEqual(
    Object.fromEntries(COVERAGE_PRESETS.map((p) => [p.id, p.newFacilityRadiusMeters])),
    { parks: 500, kindergarten: 300, primary_school: 500, middle_school: 1000, health: 1000, elderly_care: 300, sports: 500, fire_station: 1500 },
  );
  // The fire-station radius is the radius of a 7 km² circle, rounded.
  assert.ok(Math.abs(findPreset('fire_station')!.newFacilityRadiusMeters - Math.sqrt(7e6 / Math.PI)) < 10);
  assert.equal(findPreset('health')!.status, 'weak');
  assert.equal(findPreset('nope'), undefined);
});

test('presets: park tiers by size and the targets with their sources', () => {
  const tiers = findPreset('parks')!.tiers;
  assert.equal(tierRadiusMeters(tiers, 12_000), 500);
  assert.equal(tierRadiusMeters(tiers, 5_000), 500);
  assert.equal(tierRadiusMeters(tiers, 4_999), 300);
  assert.equal(tierRadiusMeters(tiers, 2_000), 300);
  assert.equal(tierRadiusMeters(tiers, 1_999), null);
  assert.equal(tierRadiusMeters(findPreset('kindergarten')!.tiers, 0), 300);
  const targets = findPreset('parks')!.targets;
  const overall = targets.find((t) => t.comparison === 'gt')!;
  assert.equal(overall.share, 0.9);
  assert.match(overall.source, /GB\/T 51346-2019/);
  assert.equal(meetsTarget(0.9, overall), false, '"> 90 %" is not met by exactly 90 %');
  assert.equal(meetsTarget(0.9001, overall), true);
  const mandatory = targets.find((t) => /GB 55014-2021/.test(t.source))!;
  assert.equal(meetsTarget(0.8, mandatory), true, '"≥ 80 %" is met by 80 %');
  const plan = targets.find((t) => t.appliesTo === 'central_area')!;
  assert.equal(plan.share, 1);
  assert.equal(meetsTarget(0.99995, plan), true, 'a share rounded to 1e-4 of 100 % meets 100 %');
  assert.equal(meetsTarget(0.9998, plan), false);
});

test('matchesFilter: equality on property text, arrays mean any of, missing never matches', () => {
  const f = pointFeature([111.7, 40.8], { type: 'primary_school', column: 5, open: true });
  assert.ok(matchesFilter(f, {}));
  assert.ok(matchesFilter(f, { type: 'primary_school' }));
  assert.ok(matchesFilter(f, { type: ['middle_school', 'primary_school'] }));
  assert.ok(!matchesFilter(f, { type: 'kindergarten' }));
  assert.ok(matchesFilter(f, { column: '5' }), 'numbers compare as text, as in SQL (->>)');
  assert.ok(matchesFilter(f, { column: 5, open: true }));
  assert.ok(!matchesFilter(f, { colour: 'green' }));
});

test('selectFacilities: existing only unless includePlanned; no geometry and too small are counted apart', () => {
  const tiers = { tiers: findPreset('parks')!.tiers };
  const facilities: FacilityFeature[] = [
    pointFeature(centre, { area_square_meters: 6000 }),
    pointFeature(centre, { area_square_meters: 3000, status: 'planned' }),
    pointFeature(centre, { area_square_meters: 500 }),
    { type: 'Feature', properties: { status: 'existing', area_square_meters: 8000 }, geometry: null },
    pointFeature(centre, { area_square_meters: 9000, status: 'under_construction' }),
  ];
  const a = selectFacilities(facilities, tiers);
  assert.deepEqual(a.count, { matched: 5, withoutGeometry: 1, notExisting: 2, belowTiers: 1, counted: 1 });
  assert.deepEqual(a.counted.map((c) => c.radiusMeters), [500]);
  const b = selectFacilities(facilities, tiers, { includePlanned: true });
  assert.deepEqual(b.counted.map((c) => c.radiusMeters), [500, 300, 500]);
  const c = selectFacilities(facilities, { radiusMeters: 800 });
  assert.deepEqual(c.counted.map((x) => x.radiusMeters), [800, 800], 'a custom radius ignores the tiers');
});

test('computeCoverage: a facility at the centre of the square covers π/16 of it, split evenly between the zones', () => {
  const r = computeCoverage({ facilities: [pointFeature(centre)], rule: { radiusMeters: 500 }, area: square, zones });
  assert.ok(near(r.coverageShare, Math.PI / 16, 0.003), `${r.coverageShare}`);
  assert.ok(near(r.areaSquareMeters, 4_000_000, 0.005), `${r.areaSquareMeters}`);
  assert.deepEqual(r.byZone.map((z) => z.id), ['zone-east', 'zone-west']);
  for (const z of r.byZone) assert.ok(near(z.coverageShare, Math.PI / 16, 0.003), `${z.id} ${z.coverageShare}`);
  // The gap is split by support zone: one piece in each half of the square.
  assert.equal(r.gaps.features.length, 2);
  assert.deepEqual(r.gaps.features.map((g) => g.id), ['gap-1', 'gap-2']);
  assert.deepEqual(r.gaps.features.map((g) => g.properties.zoneId).sort(), ['zone-east', 'zone-west']);
  assert.ok(r.gaps.features.every((g) => g.properties.zoneName === (g.properties.zoneId === 'zone-west' ? '西区' : '东区')));
  const gapSum = r.gaps.features.reduce((s, g) => s + g.properties.areaSquareMeters, 0);
  assert.ok(near(gapSum, r.areaSquareMeters - r.coveredSquareMeters, 1e-4));
  // Without zones the gap stays whole and lies in no zone.
  const whole = computeCoverage({ facilities: [pointFeature(centre)], rule: { radiusMeters: 500 }, area: square });
  assert.equal(whole.gaps.features.length, 1);
  assert.equal(whole.gaps.features[0].properties.zoneId, null);
});

test('computeCoverage: two overlapping radii are counted once; an empty set leaves the whole area as gap', () => {
  const two = fixture('two-overlapping-radii');
  const r = computeCoverage({ facilities: two.features, rule: { radiusMeters: 500 }, area: square });
  assert.ok(near(r.coverageShare, two.expected.coverageShare, 0.003), `${r.coverageShare} vs ${two.expected.coverageShare}`);
  assert.ok(r.coverageShare < 2 * (Math.PI / 16) - 0.05, 'less than two whole circles');
  const none = computeCoverage({ facilities: [], rule: { radiusMeters: 500 }, area: square, zones });
  assert.equal(none.coverageShare, 0);
  assert.equal(none.coveredSquareMeters, 0);
  assert.equal(none.gaps.features.length, 2, 'the whole square, one piece per zone');
  assert.ok(near(none.gaps.features.reduce((s, g) => s + g.properties.areaSquareMeters, 0), none.areaSquareMeters, 1e-4));
  assert.ok(none.byZone.every((z) => z.coverageShare === 0));
});

test('updateCoverage: adding facilities matches a full recompute, and gains are marginal', () => {
  const base = computeCoverage({ facilities: [pointFeature(centre)], rule: { radiusMeters: 500 }, area: square, zones });
  const east = [centre[0] + 0.0084, centre[1]]; // ~708 m east: overlaps the centre circle
  const additions = [
    { geometry: { type: 'Point' as const, coordinates: east }, radiusMeters: 500 },
    { geometry: { type: 'Point' as const, coordinates: east }, radiusMeters: 500 },
  ];
  const updated = updateCoverage(base, additions, zones);
  const full = computeCoverage({ facilities: [pointFeature(centre), pointFeature(east)], rule: { radiusMeters: 500 }, area: square, zones });
  assert.ok(Math.abs(updated.coverageShare - full.coverageShare) <= 0.001, `${updated.coverageShare} vs ${full.coverageShare}`);
  assert.equal(updated.gainsSquareMeters.length, 2);
  assert.ok(updated.gainsSquareMeters[0] > 100_000);
  assert.equal(updated.gainsSquareMeters[1], 0, 'the same site twice gains nothing the second time');
  assert.ok(near(updated.coveredSquareMeters, base.coveredSquareMeters + updated.gainsSquareMeters[0], 1e-6, 0.2));
  const eastZone = updated.byZone.find((z) => z.id === 'zone-east')!;
  const westZone = updated.byZone.find((z) => z.id === 'zone-west')!;
  assert.ok(eastZone.coverageShare > base.byZone.find((z) => z.id === 'zone-east')!.coverageShare + 0.05);
  assert.equal(westZone.coverageShare, base.byZone.find((z) => z.id === 'zone-west')!.coverageShare, 'the west zone is untouched');
  for (const z of updated.byZone) {
    const f = full.byZone.find((x) => x.id === z.id)!;
    assert.ok(Math.abs(z.coverageShare - f.coverageShare) <= 0.001, `${z.id}`);
  }
  // The same through computeCoverage's additions.
  const viaInput = computeCoverage({ facilities: [pointFeature(centre)], rule: { radiusMeters: 500 }, area: square, zones, additions: additions.slice(0, 1) });
  assert.equal(viaInput.coverageShare, updated.coverageShare);
});

test('greedyMaximalCoverage: picks the densest uncovered places first and stops when nothing is left', () => {
  // Two clusters of demand: 400 samples around (0, 0), 100 around (5000, 0); 10 m² each.
  const demand: { x: number; y: number }[] = [];
  for (let i = 0; i < 20; i++) for (let j = 0; j < 20; j++) demand.push({ x: i * 10, y: j * 10 });
  for (let i = 0; i < 10; i++) for (let j = 0; j < 10; j++) demand.push({ x: 5000 + i * 10, y: j * 10 });
  const candidates = [
    { x: 5045, y: 45 },
    { x: 95, y: 95 },
    { x: 2500, y: 0 },
    { x: 100, y: 100 },
  ];
  const picks = greedyMaximalCoverage(demand, 10, candidates, 300, 4);
  assert.deepEqual(picks.map((p) => p.index), [1, 0], 'the big cluster first, then the small; then nothing adds');
  assert.deepEqual(picks.map((p) => p.gainSquareMeters), [4000, 1000]);
  assert.deepEqual(greedyMaximalCoverage([], 10, candidates, 300, 2), []);
  assert.throws(() => greedyMaximalCoverage(demand, 10, candidates, 300, 0), /count/);
  assert.throws(() => greedyMaximalCoverage(demand, 10, candidates, 0, 1), /radiusMeters/);
});

test('presets: data completeness — parks from OSM, the rest plan-only; plan-only targets are not assessable', () => {
  for (const p of COVERAGE_PRESETS) {
    assert.equal(p.dataCompleteness.level, p.id === 'parks' ? 'osm' : 'plan-only', p.id);
    assert.ok(p.dataCompleteness.note.zh && p.dataCompleteness.note.en, p.id);
  }
  const target = findPreset('parks')!.targets[0];
  assert.equal(targetVerdict(0.95, target, findPreset('parks')!.dataCompleteness), 'met');
  assert.equal(targetVerdict(0.5, target, findPreset('parks')!.dataCompleteness), 'not_met');
  assert.equal(targetVerdict(0.5, target, findPreset('kindergarten')!.dataCompleteness), 'not_assessable');
  assert.equal(targetVerdict(1, target, findPreset('kindergarten')!.dataCompleteness), 'not_assessable');
  assert.equal(targetVerdict(0.95, target, undefined), 'met');
});

test('updateCoverage: pieces cut from a gap keep its support zone', () => {
  const base = computeCoverage({ facilities: [], rule: { radiusMeters: 500 }, area: square, zones });
  const west = base.gaps.features.find((g) => g.properties.zoneId === 'zone-west')!;
  const xs = west.geometry.coordinates[0].map((c) => c[0]);
  const after = updateCoverage(base, [{ geometry: { type: 'Point', coordinates: [(Math.min(...xs) + Math.max(...xs)) / 2, centre[1]] }, radiusMeters: 300 }], zones);
  assert.ok(after.gaps.features.length >= 2);
  assert.ok(after.gaps.features.every((g) => g.properties.zoneId === 'zone-west' || g.properties.zoneId === 'zone-east'));
  assert.ok(after.coverageShare > 0);
});
