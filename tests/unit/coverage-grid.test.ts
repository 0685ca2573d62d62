/**
 * The network what-if's grid estimate (core/analysis/coverage-grid.ts): gaps rasterised in EPSG:4546
 * cells, reached streets covering the cells inside their buffers, against areas known by hand (a
 * segment's buffer with octagon ends is 2·w·L + 2·√2·w²), holes left out, a cell gained once, zones and
 * gap areas updated.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { FeatureCollection, Polygon } from 'geojson';
import { addGridGain, coverLines, gapGrid, lonLatOf } from '../../core/analysis/coverage-grid.ts';
import type { CoverageResult, GapProperties } from '../../core/analysis/coverage.ts';

const X0 = 560_000;
const Y0 = 4_520_000;
type XY = [number, number];
const ring = (x0: number, y0: number, x1: number, y1: number): [number, number][] =>
  ([[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]] as XY[]).map(([x, y]) => lonLatOf([X0 + x, Y0 + y]));
const gaps = (...polys: { rings: [number, number][][]; zoneId?: string; m2: number }[]): FeatureCollection<Polygon, GapProperties> => ({
  type: 'FeatureCollection',
  features: polys.map((p, i) => ({ type: 'Feature', id: `gap-${i + 1}`, properties: { areaSquareMeters: p.m2, zoneId: p.zoneId ?? null }, geometry: { type: 'Polygon', coordinates: p.rings } })),
});
const at = (pts: XY[]): XY[] => pts.map(([x, y]) => [X0 + x, Y0 + y]);
const near = (a: number, b: number, rel: number) => Math.abs(a - b) <= rel * Math.abs(b);
/** A street's buffer is shaped as the server's (quad_segs=2): a rectangle 2·w·L and two half octagons inscribed in the circle of radius w, 2·√2·w² together. */
const OCT = 2 * Math.SQRT2;

test('a 1 km square gap: 10 m cells, its area; a street covers its buffer (2·w·L + 2·√2·w²: octagon ends, as the server), once', () => {
  const g = gapGrid(gaps({ rings: [ring(0, 0, 1000, 1000)], m2: 1e6 }));
  assert.equal(g.cellMeters, 10);
  assert.equal(g.gapCells, 10_000);
  // The ground area of a plane cell at ~62 km east of the central meridian: 1 − 2·(62 km)²/(2R²) ≈ 0.99990.
  assert.ok(g.cellSquareMeters < 100 && g.cellSquareMeters > 99.98, `${g.cellSquareMeters}`);
  const street = [at([[300, 500], [700, 500]])];
  const exact = 2 * 50 * 400 + OCT * 50 * 50;
  const first = coverLines(g, street, 50);
  assert.ok(near(first.gainSquareMeters, exact, 0.01), `${first.gainSquareMeters} vs ${exact}`);
  assert.equal(g.uncoveredCells, 10_000 - first.cells);
  assert.equal(coverLines(g, street, 50).gainSquareMeters, 0, 'covered cells gain nothing again');
  // With 16 segments per quarter circle the ends are all but round: 2·w·L + π·w².
  const round = coverLines(gapGrid(gaps({ rings: [ring(0, 0, 1000, 1000)], m2: 1e6 })), street, 50, 16);
  assert.ok(near(round.gainSquareMeters, 2 * 50 * 400 + Math.PI * 2500, 0.01), `${round.gainSquareMeters}`);
  // Diagonal streets (both directions of slope): their capsules too — within 3 % at 10 m cells (one
  // capsule alone: a cell counts by its centre, and a slanted edge meets the lattice unevenly), 0.5 % at 2 m.
  for (const [pts, w] of [[[[100, 100], [400, 300]], 50], [[[900, 100], [750, 350]], 35]] as [XY[], number][]) {
    const len = Math.hypot(pts[1][0] - pts[0][0], pts[1][1] - pts[0][1]);
    const want = 2 * w * len + OCT * w * w;
    const d = coverLines(g, [at(pts)], w);
    assert.ok(near(d.gainSquareMeters, want, 0.03), `${d.gainSquareMeters} vs ${want}`);
    const fine = coverLines(gapGrid(gaps({ rings: [ring(0, 0, 1000, 1000)], m2: 1e6 }), { cellMeters: 2 }), [at(pts)], w);
    assert.ok(near(fine.gainSquareMeters, want, 0.005), `2 m cells: ${fine.gainSquareMeters} vs ${want}`);
  }
});

test('holes are not gaps; a street half outside the gap gains only the inside; cells larger when the box is huge', () => {
  const g = gapGrid(gaps({ rings: [ring(0, 0, 1000, 1000), ring(400, 400, 600, 600)], m2: 960_000 }));
  assert.equal(g.gapCells, 10_000 - 400);
  // Through the hole: the 200 m in the hole and its buffer there gain nothing.
  const through = coverLines(g, [at([[500, 200], [500, 800]])], 30);
  const exact = 2 * 30 * 600 + OCT * 900 - 2 * 30 * 200;
  assert.ok(near(through.gainSquareMeters, exact, 0.02), `${through.gainSquareMeters} vs ${exact}`);
  // Along the edge of the square: half the buffer is outside.
  const edge = coverLines(g, [at([[100, 0], [300, 0]])], 40);
  assert.ok(near(edge.gainSquareMeters, 40 * 200 + (OCT * 1600) / 2, 0.03), `${edge.gainSquareMeters}`);
  const big = gapGrid(gaps({ rings: [ring(0, 0, 40_000, 40_000)], m2: 1.6e9 }), { maxCells: 1_000_000 });
  assert.ok(big.cellMeters >= 40 && big.cols * big.rows <= 1_000_000 * 1.05, `${big.cellMeters} m, ${big.cols * big.rows} cells`);
});

test('addGridGain: the covered area, share, each zone and each gap, and the gain listed', () => {
  const g = gapGrid(gaps({ rings: [ring(0, 0, 500, 1000)], zoneId: 'z1', m2: 500_000 }, { rings: [ring(500, 0, 1000, 1000)], zoneId: 'z2', m2: 500_000 }));
  const base: CoverageResult = {
    areaSquareMeters: 2_000_000,
    coveredSquareMeters: 1_000_000,
    coverageShare: 0.5,
    gaps: gaps(),
    byZone: [
      { id: 'z1', name: 'a', nameEn: null, areaSquareMeters: 1_000_000, coveredSquareMeters: 500_000, coverageShare: 0.5 },
      { id: 'z2', name: 'b', nameEn: null, areaSquareMeters: 1_000_000, coveredSquareMeters: 500_000, coverageShare: 0.5 },
    ],
    facilityCount: { matched: 1, withoutGeometry: 0, notExisting: 0, belowTiers: 0, counted: 1 },
    gainsSquareMeters: [],
  };
  // A street along x = 200 in the first gap only.
  const gain = coverLines(g, [at([[200, 100], [200, 900]])], 50);
  const r = addGridGain(base, g, gain);
  assert.equal(r.gainsSquareMeters.length, 1);
  assert.ok(near(r.gainsSquareMeters[0], 2 * 50 * 800 + OCT * 2500, 0.01), `${r.gainsSquareMeters[0]}`);
  assert.ok(Math.abs(r.coveredSquareMeters - (1_000_000 + gain.gainSquareMeters)) < 0.1);
  assert.equal(r.coverageShare, Math.round(((1_000_000 + gain.gainSquareMeters) / 2_000_000) * 1e4) / 1e4);
  assert.ok(Math.abs(r.byZone[0].coveredSquareMeters - (500_000 + gain.gainSquareMeters)) < 0.1);
  assert.equal(r.byZone[1].coveredSquareMeters, 500_000);
  // The gaps: the untouched one first now, the other smaller by the gain.
  assert.deepEqual(r.gaps.features.map((f) => [f.id, f.properties.zoneId]), [['gap-1', 'z2'], ['gap-2', 'z1']]);
  assert.ok(Math.abs(r.gaps.features[1].properties.areaSquareMeters - (500_000 - gain.gainSquareMeters)) < 0.1);
  // A second street gains only what is left.
  const again = addGridGain(r, g, coverLines(g, [at([[200, 100], [200, 900]]), at([[700, 500], [800, 500]])], 50));
  assert.ok(near(again.gainsSquareMeters[1], 2 * 50 * 100 + OCT * 2500, 0.02), `${again.gainsSquareMeters[1]}`);
});
