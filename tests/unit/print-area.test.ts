import assert from 'node:assert/strict';
import { test } from 'node:test';
import { toGaussKruger, toLonLat } from '../../core/crs.ts';
import { areaFigures, planeAreaGaussKruger, planeRingsArea, squareMetersToMu, SQUARE_METERS_PER_MU } from '../../core/geometry/area.ts';
import { ringSelfIntersections } from '../../core/geometry/self-intersection.ts';
import { groundMeters, groundMetersPerCssPx, gridIntervalMeters, gridTicks, paperSizeMm, scaleOfZoom, scaleText, zoomForScale } from '../../core/print/scale.ts';

test('a 1 ha square in EPSG:4546 has a plane area of 10 000 m², 1 公顷 and 15 亩', () => {
  const square = { type: 'Polygon', coordinates: [[[563_000, 4_533_000], [563_100, 4_533_000], [563_100, 4_533_100], [563_000, 4_533_100], [563_000, 4_533_000]]] };
  const m2 = planeAreaGaussKruger(square, 'EPSG:4546');
  assert.equal(m2, 10_000);
  assert.equal(squareMetersToMu(m2), 15);
  assert.deepEqual(areaFigures(m2), { m2: '10000.00', ha: '1.0000', mu: '15.00' });
  assert.ok(Math.abs(SQUARE_METERS_PER_MU - 666.67) < 0.01, '1 亩 ≈ 666.67 m²');
  // EPSG:4525 is the same plane with the zone prefix.
  const prefixed = { type: 'Polygon', coordinates: [square.coordinates[0].map(([x, y]) => [x + 37_000_000, y])] };
  assert.equal(planeAreaGaussKruger(prefixed, 'EPSG:4525'), 10_000);
  // The same square given in lon/lat comes back to 10 000 m² within a square centimetre or so.
  const lonLat = { type: 'Polygon', coordinates: [square.coordinates[0].map((p) => toLonLat(p, 'EPSG:4546'))] };
  assert.ok(Math.abs(planeAreaGaussKruger(lonLat, 'EPSG:4326') - 10_000) < 0.05);
  // Direction and closure do not matter; a hole is taken away; a MultiPolygon adds up.
  assert.equal(planeRingsArea([[[0, 0], [0, 10], [10, 10], [10, 0]]]), 100);
  assert.equal(planeRingsArea([[[0, 0], [10, 0], [10, 10], [0, 10], [0, 0]], [[2, 2], [4, 2], [4, 4], [2, 4], [2, 2]]]), 96);
  assert.equal(planeAreaGaussKruger({ type: 'MultiPolygon', coordinates: [square.coordinates, square.coordinates] }, 'EPSG:4546'), 20_000);
  assert.equal(planeAreaGaussKruger({ type: 'Point', coordinates: [1, 2] }, 'EPSG:4546'), 0);
});

test('a self-intersecting 界址点 ring reports its crossing point and segments; a simple one none', () => {
  // J1 J2 J3 J4 with J3 and J4 swapped: a bow tie crossing at (50, 50).
  const bowTie = [[0, 0], [100, 0], [0, 100], [100, 100]];
  const found = ringSelfIntersections(bowTie);
  assert.equal(found.length, 1);
  assert.deepEqual(found[0].point, [50, 50]);
  assert.deepEqual(found[0].segments, [1, 3], 'J2–J3 crosses J4–J1');
  assert.deepEqual(ringSelfIntersections([[0, 0], [100, 0], [100, 100], [0, 100], [0, 0]]), []);
  assert.deepEqual(ringSelfIntersections([[0, 0], [1, 0], [0, 1]]), []);
});

test('print scale: paper millimetres × scale = ground metres, and the zoom draws exactly that', () => {
  assert.deepEqual(paperSizeMm('a3', 'landscape'), [420, 297]);
  assert.deepEqual(paperSizeMm('a1', 'portrait'), [594, 841]);
  assert.equal(groundMeters(380, 10_000), 3_800, '380 mm at 1:10 000 is 3.8 km');
  // A 380 mm frame drawn 1436 CSS px wide at 40.85° N, 1:10 000: one pixel spans 3800 / 1436 m.
  const zoom = zoomForScale(10_000, 40.85, 380, 1436);
  assert.ok(Math.abs(groundMetersPerCssPx(40.85, zoom) * 1436 - 3_800) < 1e-6);
  assert.ok(Math.abs(scaleOfZoom(zoom, 40.85, 380, 1436) - 10_000) < 1e-6);
  // Against an independent measure: the frame's width in EPSG:4546 between its left and right ends.
  const metersPerPx = groundMetersPerCssPx(40.85, zoom);
  const degPerPx = 360 / (512 * 2 ** zoom);
  const [x0] = toGaussKruger([111.7 - (718 * degPerPx), 40.85]);
  const [x1] = toGaussKruger([111.7 + (718 * degPerPx), 40.85]);
  assert.ok(Math.abs((x1 - x0) / 3_800 - 1) < 0.001, `EPSG:4546 width ${(x1 - x0).toFixed(1)} m for 3800 m (${metersPerPx})`);
  // One zoom level halves the scale.
  assert.ok(Math.abs(zoomForScale(5_000, 40.85, 380, 1436) - zoom - 1) < 1e-9);
  assert.equal(scaleText(10_000), '1:10\u2009000');
});

test('grid: about 10 cm on paper in 1-2-5 steps; ticks are the multiples inside the extent', () => {
  assert.equal(gridIntervalMeters(10_000), 1_000);
  assert.equal(gridIntervalMeters(2_000), 200);
  assert.equal(gridIntervalMeters(5_000), 500);
  assert.equal(gridIntervalMeters(50_000), 5_000);
  assert.equal(gridIntervalMeters(7_300), 1_000);
  assert.deepEqual(gridTicks(4_532_150, 4_535_900, 1_000), [4_533_000, 4_534_000, 4_535_000]);
  assert.deepEqual(gridTicks(563_000, 563_400, 200), [563_000, 563_200, 563_400]);
  assert.deepEqual(gridTicks(10, 5, 1), []);
});
