/**
 * Issue 13 map tools, pure parts: measured lengths and areas (geodesic, in m/km and m²/公顷/亩), the
 * "go to coordinate" parser (lon/lat either way round, Gauss-Krüger X/Y with or without zone 37),
 * and the compact site code and analysis parts of share links (#17).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { toGaussKruger, toLonLat } from '../../core/crs.ts';
import { DISTRICT_RANGE, parseCoordinateQuery, type CoordinateHit } from '../../core/coordinate-query.ts';
import { measure } from '../../core/geometry/measure.ts';
import { decodeSite, encodeSite, type CodedSite } from '../../core/geometry/site-code.ts';
import { planeAreaGaussKruger } from '../../core/geometry/area.ts';
import { MAX_LINK_SITE_CHARS, diagnosePermalink, encodePermalink, parsePermalink, siteLinkCode, validatePermalink } from '../../core/permalink.ts';
import { SQUARE_METERS_PER_MU, formatDegrees, formatGridMeters, formatMeasuredArea, formatMeasuredDistance } from '../../core/units.ts';

test('measured distances: metres to a decimetre below 1 km, kilometres to the metre above', () => {
  assert.equal(formatMeasuredDistance(845.26), '845.3 米');
  assert.equal(formatMeasuredDistance(845.26, 'en'), '845.3 m');
  assert.equal(formatMeasuredDistance(1263.4), '1.263 公里');
  assert.equal(formatMeasuredDistance(12_345.6, 'en'), '12.346 km');
  assert.equal(formatMeasuredDistance(0), '0.0 米');
  assert.equal(formatMeasuredDistance(-1), '');
  assert.equal(formatMeasuredDistance(Number.NaN), '');
});

test('measured areas side by side in m² (km² from 1 km²), 公顷 and 亩; 1 公顷 = 15 亩', () => {
  assert.equal(SQUARE_METERS_PER_MU * 15, 10_000);
  assert.deepEqual(formatMeasuredArea(10_000), { squareMeters: '10,000 平方米', hectares: '1.0000 公顷', mu: '15.00 亩' });
  assert.deepEqual(formatMeasuredArea(1234.5, 'en'), { squareMeters: '1,235 m²', hectares: '0.1235 ha', mu: '1.85 mu' });
  assert.deepEqual(formatMeasuredArea(56.78), { squareMeters: '56.8 平方米', hectares: '0.0057 公顷', mu: '0.09 亩' });
  assert.deepEqual(formatMeasuredArea(2_500_000), { squareMeters: '2.5000 平方公里', hectares: '250.0000 公顷', mu: '3,750.00 亩' });
  assert.equal(formatMeasuredArea(-5), null);
});

test('coordinate texts: six decimals of a degree, two of a metre, no grouping', () => {
  assert.equal(formatDegrees(111.7), '111.700000');
  assert.equal(formatDegrees(40.123456789), '40.123457');
  assert.equal(formatGridMeters(4524000), '4524000.00');
  assert.equal(formatGridMeters(563284.803), '563284.80');
});

test('a measured square of 1 km on the EPSG:4546 plane: plane figures exact to 0.01 %, Turf geodesic ones within 0.3 %', () => {
  // A square of 1 000 m sides laid out on the Gauss-Krüger plane, as a surveyor would.
  const corners = [
    [4524000, 563000],
    [4524000, 564000],
    [4525000, 564000],
    [4525000, 563000],
  ].map(([x, y]) => toLonLat([y, x], 'EPSG:4546'));
  const ring = [...corners, corners[0]];
  const m = measure({ type: 'Polygon', coordinates: [ring] });
  assert.equal(m.segmentsMeters.length, 4);
  // Turf's sphere: east-west sides ~0.26 % short, north-south ones ~0.12 % long at 40.8° N.
  for (const s of m.segmentsMeters) assert.ok(Math.abs(s - 1000) / 1000 < 0.003, `side ${s}`);
  assert.ok(Math.abs(m.lengthMeters - 4000) / 4000 < 0.003, `perimeter ${m.lengthMeters}`);
  assert.ok(Math.abs(m.planeLengthMeters - 4000) < 0.01, `plane perimeter ${m.planeLengthMeters}`);
  assert.ok(Math.abs(m.planeAreaSquareMeters! - 1_000_000) < 1, `plane area ${m.planeAreaSquareMeters}`);
  // The same shoelace as the compliance report's plane area.
  assert.ok(Math.abs(planeAreaGaussKruger({ type: 'Polygon', coordinates: [ring] }) - m.planeAreaSquareMeters!) < 1e-6);
  assert.ok(Math.abs(m.areaSquareMeters! - 1_000_000) / 1_000_000 < 0.003, `area ${m.areaSquareMeters}`);
  const line = measure({ type: 'LineString', coordinates: corners.slice(0, 3) });
  assert.equal(line.areaSquareMeters, null);
  assert.equal(line.planeAreaSquareMeters, null);
  assert.ok(Math.abs(line.planeLengthMeters - 2000) < 0.01);
  assert.ok(Math.abs(line.lengthMeters - 2000) / 2000 < 0.003);
});

const hit = (text: string) => {
  const q = parseCoordinateQuery(text);
  assert.ok(q && q.ok, `${text} → ${JSON.stringify(q)}`);
  return q as CoordinateHit;
};

test('go to coordinate: lon/lat as written, in the forms people type', () => {
  for (const text of ['111.70, 40.85', '111.70 40.85', '111.70，40.85', '(111.7, 40.85)', '111.7°E 40.85°N', '东经111.7 北纬40.85']) {
    const q = hit(text);
    assert.equal(q.input, 'lonlat', text);
    assert.equal(q.swapped, false);
    assert.deepEqual(q.lonLat, [111.7, 40.85]);
  }
  const q = hit('111.70, 40.85');
  const [e, n] = toGaussKruger([111.7, 40.85]);
  assert.deepEqual(q.gk, { x: n, y: e });
});

test('go to coordinate: lat before lon is recognised by the district range and said', () => {
  const q = hit('40.85 111.70');
  assert.equal(q.input, 'latlon');
  assert.equal(q.swapped, true);
  assert.deepEqual(q.lonLat, [111.7, 40.85]);
});

test('go to coordinate: Gauss-Krüger X/Y without and with the zone prefix, in either order', () => {
  const plain = hit('4524000 563000');
  assert.equal(plain.input, 'gk');
  assert.deepEqual(plain.gk, { x: 4524000, y: 563000 });
  const expected = toLonLat([563000, 4524000], 'EPSG:4546');
  assert.deepEqual(plain.lonLat, expected);
  const zoned = hit('4524000 37563000');
  assert.equal(zoned.input, 'gk-zone');
  assert.deepEqual(zoned.gk, { x: 4524000, y: 563000 });
  assert.ok(Math.abs(zoned.lonLat[0] - expected[0]) < 1e-9 && Math.abs(zoned.lonLat[1] - expected[1]) < 1e-9);
  const swapped = hit('563000, 4524000');
  assert.equal(swapped.swapped, true);
  assert.deepEqual(swapped.gk, { x: 4524000, y: 563000 });
  assert.deepEqual(hit('4524000.123 563000.456').gk, { x: 4524000.123, y: 563000.456 });
});

test('go to coordinate: outside the district, wrong zone, impossible or mixed numbers give a reason', () => {
  assert.deepEqual(parseCoordinateQuery('116.39, 39.91'), { ok: false, reason: 'outside', input: 'lonlat', lonLat: [116.39, 39.91] });
  assert.deepEqual(parseCoordinateQuery('39.91 116.39'), { ok: false, reason: 'outside', input: 'latlon', lonLat: [116.39, 39.91] });
  assert.deepEqual(parseCoordinateQuery('4524000 38563000'), { ok: false, reason: 'wrong-zone', zone: 38 });
  assert.deepEqual(parseCoordinateQuery('111.7, 4524000'), { ok: false, reason: 'mixed' });
  assert.deepEqual(parseCoordinateQuery('150, 120'), { ok: false, reason: 'not-degrees' });
  assert.deepEqual(parseCoordinateQuery('4524000 4525000'), { ok: false, reason: 'not-grid' });
  assert.deepEqual(parseCoordinateQuery('400 500'), { ok: false, reason: 'not-grid' });
  const far = parseCoordinateQuery('3524000 563000');
  assert.equal(far?.ok, false);
  assert.equal(far && !far.ok && far.reason, 'outside');
  // Not coordinates at all: the name search goes on.
  for (const text of ['', '新城区', '111', 'zone 5', '1 2 3', 'Halaqin']) assert.equal(parseCoordinateQuery(text), null, text);
  // The range is Xincheng's extent and a margin around it.
  assert.ok(DISTRICT_RANGE.minLon < 111.593 && DISTRICT_RANGE.maxLon > 112.04 && DISTRICT_RANGE.minLat < 40.811 && DISTRICT_RANGE.maxLat > 41.131);
});

const SQUARE: CodedSite = {
  type: 'Polygon',
  coordinates: [
    [
      [111.7123456, 40.8456789],
      [111.7223456, 40.8456789],
      [111.7223456, 40.8556789],
      [111.7123456, 40.8556789],
      [111.7123456, 40.8456789],
    ],
  ],
};

test('site codes: every geometry type survives to 1e-7 degree, and the code is short', () => {
  const sites: CodedSite[] = [
    { type: 'Point', coordinates: [111.7, 40.85] },
    { type: 'LineString', coordinates: [[111.7, 40.85], [111.71, 40.86], [111.72, 40.851]] },
    SQUARE,
    { type: 'Polygon', coordinates: [SQUARE.coordinates[0], [[111.715, 40.85], [111.716, 40.85], [111.716, 40.851], [111.715, 40.85]]] },
    { type: 'MultiPolygon', coordinates: [SQUARE.coordinates, [[[-73.99, 40.7], [-73.98, 40.7], [-73.98, 40.71], [-73.99, 40.7]]]] },
  ];
  for (const site of sites) {
    const code = encodeSite(site);
    assert.match(code, /^[PLAM][A-Za-z0-9_-]+$/);
    assert.deepEqual(decodeSite(code), site, site.type);
  }
  assert.ok(encodeSite(SQUARE).length < 40, encodeSite(SQUARE));
  // Rounded to 1e-7 degree (~1 cm).
  const p = decodeSite(encodeSite({ type: 'Point', coordinates: [111.123456789, 40.987654321] }));
  assert.deepEqual(p, { type: 'Point', coordinates: [111.1234568, 40.9876543] });
});

test('site codes: broken, truncated, foreign or out-of-range codes are refused', () => {
  const code = encodeSite(SQUARE);
  for (const bad of ['', 'A', 'X' + code.slice(1), code.slice(0, -3), code + 'AAAA', 'A!!', 'P' + '_'.repeat(20), 'AAQ']) assert.equal(decodeSite(bad), null, bad);
  // A latitude beyond 90°.
  assert.equal(decodeSite(encodeSite({ type: 'Point', coordinates: [10, 95] })), null);
});

test('share links carry the analysis: tool, project checked or site, coverage settings', () => {
  const state = {
    view: { center: [111.7, 40.85] as [number, number], zoom: 12 },
    tool: 'compliance' as const,
    site: SQUARE,
    coverage: { preset: 'schools', radius: 800, area: 'zone:zone-qianpo', includePlanned: true, denominator: '__whole__', population: { collection: 'pop2020', field: '常住人口' }, network: 'roads' },
  };
  const hash = encodePermalink(state);
  assert.match(hash, /&tool=compliance&site=A[\w-]+&cov=schools&cov\.r=800&cov\.area=zone%3Azone-qianpo&cov\.planned=1&cov\.den=__whole__&cov\.pop=pop2020\|%E5%B8%B8/);
  const back = parsePermalink(hash);
  assert.equal(back.tool, 'compliance');
  assert.deepEqual(back.site, SQUARE);
  assert.deepEqual(back.coverage, state.coverage);
  assert.deepEqual(diagnosePermalink(hash).problems, []);
  // A project's check is its id; it wins over a site, and an unknown project is dropped and said.
  const check = encodePermalink({ check: 'project-02-01', site: SQUARE });
  assert.equal(check, '#check=project-02-01');
  assert.equal(validatePermalink(parsePermalink('#check=project-99'), { projects: ['project-02-01'] }).check, undefined);
  assert.deepEqual(diagnosePermalink('#check=project-99', { projects: ['project-02-01'] }).problems, [{ part: 'check', value: 'project-99' }]);
  // The defaults are not written: a bare preset is one parameter.
  assert.equal(encodePermalink({ coverage: { preset: 'parks' } }), '#cov=parks');
});

test('share links: bad analysis parts are dropped and named, the rest kept', () => {
  const hash = '#12/40.85/111.7/0/0&tool=drawing&site=A%21%21&cov=parks&cov.r=-5&cov.area=zone%3Azone-qianpo&cov.zz=1';
  const state = parsePermalink(hash);
  assert.equal(state.tool, undefined);
  assert.equal(state.site, undefined);
  assert.deepEqual(state.coverage, { preset: 'parks', area: 'zone:zone-qianpo' });
  assert.deepEqual(diagnosePermalink(hash).problems, [
    { part: 'tool', value: 'drawing' },
    { part: 'site', value: 'A!!' },
    { part: 'coverage', value: 'cov.r=-5' },
    { part: 'coverage', value: 'cov.zz=1' },
  ]);
  // Coverage details without a preset say nothing usable.
  assert.equal(parsePermalink('#cov.r=500').coverage, undefined);
  assert.deepEqual(diagnosePermalink('#cov.r=500').problems, [{ part: 'coverage', value: 'cov.r=500' }]);
});

test('share links: a site too large for a link is left out, with its size to say so', () => {
  // A 400-corner circle of ~500 m: ~2 400 characters of code.
  const ring: [number, number][] = Array.from({ length: 400 }, (_, i) => [111.7 + 0.006 * Math.cos((i / 400) * 2 * Math.PI) + (i % 7) * 1e-6, 40.85 + 0.0045 * Math.sin((i / 400) * 2 * Math.PI)]);
  const big: CodedSite = { type: 'Polygon', coordinates: [[...ring, ring[0]]] };
  const code = siteLinkCode(big);
  assert.ok('tooLarge' in code);
  assert.ok(code.tooLarge.chars > MAX_LINK_SITE_CHARS);
  assert.equal(code.tooLarge.positions, 401);
  assert.equal(encodePermalink({ site: big, tool: 'compliance' }), '#tool=compliance');
  assert.ok('code' in siteLinkCode(SQUARE));
});
