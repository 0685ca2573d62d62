/**
 * The browser's instant what-if on a walking network (issue 14), run in Node: the network as the API
 * sends it (noded lines in EPSG:4546), the graph built with the core's code, a new facility's reached
 * streets (a known length on a 100 m grid) and its gain counted on the gap cells (against the reached
 * streets buffered and measured with Turf), and a given area taking the place of the circle in the
 * core's updateCoverage.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { area, buffer } from '@turf/turf';
import type { Feature, MultiLineString, Polygon } from 'geojson';
import { computeCoverage, updateCoverage, type AreaFeature } from '../../core/analysis/coverage.ts';
import { toGaussKruger, toLonLat } from '../../core/crs.ts';
import { browserNetwork, networkReach, networkWhatIf, whatIfGrid } from '../../web/src/coverage/network-what-if.ts';
import type { CoverageNetworkResponse } from '../../web/src/coverage/types.ts';

// A 100 m grid of 2 km in EPSG:4546 metres, in Xincheng, split at every crossing (as the server nodes it).
const X0 = 560_000;
const Y0 = 4_520_000;
const lines: [number, number][][] = [];
for (let i = 0; i <= 20; i++) {
  for (let j = 0; j < 20; j++) {
    lines.push([[X0 + i * 100, Y0 + j * 100], [X0 + i * 100, Y0 + (j + 1) * 100]]);
    lines.push([[X0 + j * 100, Y0 + i * 100], [X0 + (j + 1) * 100, Y0 + i * 100]]);
  }
}
const answer = (over: Partial<CoverageNetworkResponse> = {}): CoverageNetworkResponse => ({
  collection: 'roads',
  version: '7',
  crs: 'EPSG:4546',
  nodes: 441,
  edges: lines.length,
  browserMaxEdges: 50_000,
  tooLarge: false,
  snapMeters: 2,
  bufferMeters: 50,
  maxAccessMeters: 500,
  polygonAccessMeters: 30,
  lines,
  ...over,
});

test('the network is fetched once per version and built with the core code; a new facility reaches the known length of streets', async () => {
  let calls = 0;
  const api = { coverageNetwork: async () => (calls++, answer()) };
  const net = await browserNetwork(api as never, 'roads', '7');
  assert.equal(await browserNetwork(api as never, 'roads', '7'), net);
  assert.equal(calls, 1, 'kept by version');
  await browserNetwork(api as never, 'roads', '8');
  assert.equal(calls, 2, 'a new version is fetched');
  assert.ok(net.graph);
  assert.equal(net.graph.edges.length, lines.length);
  // At the crossing (1000 m, 1000 m): the streets within 300 m are 2 × 2 × (300 + 200 + 200 + 100 + 100) = 3 600 m.
  const at = toLonLat([X0 + 1000, Y0 + 1000], 'EPSG:4546');
  const sa = networkReach(net, { type: 'Point', coordinates: at }, 300);
  assert.ok(Math.abs(sa.lengthMeters - 3600) < 0.5, `${sa.lengthMeters} m`);
  assert.equal(sa.geometry?.type, 'MultiLineString');
  // Drawn as lines in lon/lat: every vertex (back in EPSG:4546) within 300 m of the crossing along the grid.
  const far = sa.geometry!.coordinates.flat().map((p) => toGaussKruger(p)).map(([x, y]) => Math.abs(x - X0 - 1000) + Math.abs(y - Y0 - 1000));
  assert.ok(Math.max(...far) <= 300.5 && Math.max(...far) > 299, `${Math.max(...far)} m`);
  // Its gain on the gaps of a result where the whole 2 km square is uncovered: the cells within 50 m of
  // the reached streets — within 3 % of the streets buffered 50 m and unioned by Turf (a diamond of
  // about 2 × 350², less the cells' corners it misses).
  const square = sq(0, 0, 2000, 2000);
  const base = computeCoverage({ facilities: [], rule: { radiusMeters: 300 }, area: square as unknown as AreaFeature });
  const { grid } = whatIfGrid(base);
  assert.equal(grid.cellMeters, 10);
  const est = networkWhatIf(net, grid, base, { type: 'Point', coordinates: at }, 300);
  const gain = est.figures.gainsSquareMeters[0];
  const exact = area(buffer({ type: 'Feature', properties: {}, geometry: sa.geometry! } as Feature<MultiLineString>, 50, { units: 'meters', steps: 16 })!);
  assert.ok(exact > 150_000 && exact < 250_000, `${exact} m²`);
  assert.ok(Math.abs(gain - exact) <= 0.03 * exact, `grid ${gain} vs Turf ${exact} m²`);
  assert.ok(Math.abs(est.figures.coveredSquareMeters - gain) < 0.1);
  // The cells stay covered: the same facility again gains nothing.
  assert.equal(networkWhatIf(net, grid, est.figures, { type: 'Point', coordinates: at }, 300).figures.gainsSquareMeters[1], 0);
  // Far from every street: off the network, no reach and no gain.
  const off = networkWhatIf(net, grid, base, { type: 'Point', coordinates: toLonLat([X0 + 5000, Y0 + 5000], 'EPSG:4546') }, 300);
  assert.equal(off.reach.geometry, null);
  assert.equal(off.reach.lengthMeters, 0);
  assert.equal(off.figures.gainsSquareMeters[0], 0);
});

const sq = (x0: number, y0: number, x1: number, y1: number): Feature<Polygon> => ({
  type: 'Feature',
  properties: {},
  geometry: { type: 'Polygon', coordinates: [[[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]].map(([x, y]) => toLonLat([X0 + x, Y0 + y], 'EPSG:4546'))] },
});

test('a network too large for the browser is not built', async () => {
  const net = await browserNetwork({ coverageNetwork: async () => answer({ edges: 60_000, tooLarge: true, lines: null }) } as never, 'big', '1');
  assert.equal(net.graph, null);
  assert.equal(net.info.edges, 60_000);
  assert.equal(networkReach(net, { type: 'Point', coordinates: [111.7, 40.8] }, 500).geometry, null);
});

test('updateCoverage: a given service area takes the place of the circle; none gains nothing', () => {
  const whole = sq(0, 0, 2000, 2000) as unknown as AreaFeature;
  const base = computeCoverage({ facilities: [], rule: { radiusMeters: 500 }, area: whole });
  const given = sq(500, 500, 700, 800);
  const centre = { type: 'Point' as const, coordinates: toLonLat([X0 + 600, Y0 + 650], 'EPSG:4546') };
  const r = updateCoverage(base, [{ geometry: centre, radiusMeters: 500, serviceArea: given }, { geometry: centre, radiusMeters: 500, serviceArea: null }]);
  assert.ok(Math.abs(r.gainsSquareMeters[0] - area(given)) < 1, `${r.gainsSquareMeters[0]} vs ${area(given)}`);
  assert.equal(r.gainsSquareMeters[1], 0);
  const circle = updateCoverage(base, [{ geometry: centre, radiusMeters: 500 }]);
  assert.ok(circle.gainsSquareMeters[0] > 10 * r.gainsSquareMeters[0], 'without a given area the circle counts');
});
