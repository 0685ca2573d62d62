/**
 * Walking network (issue 14): the graph and service areas of core/analysis/network.ts on networks
 * with known answers — a 100 m grid (distances are Manhattan distances; the length reachable within
 * r from a node is Σ 2·2(r − |k|·100) over the lines within r) and a river crossed by one bridge.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { accessPoints, buildWalkingGraph, closestOnEdge, networkDistances, planarShape, reachedLines, substring, type XY } from '../../core/analysis/network.ts';

/** A grid of 100 m segments over [x0, x1] × [y0, y1] (multiples of 100). */
function grid(x0: number, x1: number, y0: number, y1: number): XY[][] {
  const lines: XY[][] = [];
  for (let x = x0; x <= x1; x += 100) for (let y = y0; y < y1; y += 100) lines.push([[x, y], [x, y + 100]]);
  for (let y = y0; y <= y1; y += 100) for (let x = x0; x < x1; x += 100) lines.push([[x, y], [x + 100, y]]);
  return lines;
}

/** Length of grid lines within Manhattan distance r of a node (both directions, every line within r). */
function diamondLength(r: number): number {
  let s = 0;
  for (let k = -Math.floor(r / 100); k <= Math.floor(r / 100); k++) s += 2 * (r - Math.abs(k) * 100);
  return 2 * s;
}

/** The access of a source at node position p: the edge starting or ending there, at that end. */
function atNode(g: ReturnType<typeof buildWalkingGraph>, p: XY) {
  const j = g.edges.findIndex((e) => e.coords[0][0] === p[0] && e.coords[0][1] === p[1]);
  assert.ok(j >= 0, `an edge starts at ${p}`);
  return { edge: j, along: 0, walk: 0 };
}

test('grid: distances from a node are Manhattan distances; the reached length is the known one', () => {
  const g = buildWalkingGraph(grid(-1000, 1000, -1000, 1000), 2);
  assert.equal(g.nodes.length, 21 * 21);
  assert.equal(g.edges.length, 2 * 21 * 20);
  const src = { access: [atNode(g, [0, 0])], distanceMeters: 300 };
  const { budget, dist } = networkDistances(g, [src]);
  assert.equal(budget, 300);
  for (const [i, d] of dist) {
    const [x, y] = g.nodes[i];
    assert.ok(Math.abs(d - (Math.abs(x) + Math.abs(y))) < 1e-6, `node ${x},${y}: ${d}`);
  }
  for (const r of [300, 250, 100, 730]) {
    const reach = reachedLines(g, [{ ...src, distanceMeters: r }]);
    assert.ok(Math.abs(reach.lengthMeters - diamondLength(r)) < 1e-6, `r = ${r}: ${reach.lengthMeters} vs ${diamondLength(r)}`);
    // Every reached point is within r in Manhattan distance (on a grid, the walking distance).
    for (const line of reach.lines) for (const [x, y] of line) assert.ok(Math.abs(x) + Math.abs(y) <= r + 1e-6, `${x},${y} beyond ${r}`);
  }
});

test('grid: facilities of different distances in one run; a source in mid-edge reaches both ways along it', () => {
  const g = buildWalkingGraph(grid(-1000, 1000, -1000, 1000), 2);
  const two = reachedLines(g, [
    { access: [atNode(g, [-500, 0])], distanceMeters: 200 },
    { access: [atNode(g, [500, 0])], distanceMeters: 100 },
  ]);
  assert.ok(Math.abs(two.lengthMeters - (diamondLength(200) + diamondLength(100))) < 1e-6, `${two.lengthMeters}`);
  // Entering the edge (0,0)–(100,0) at 50 m with 30 m walked: 20 m left, along that edge only.
  const j = g.edges.findIndex((e) => e.coords[0][0] === 0 && e.coords[0][1] === 0 && e.coords[1][0] === 100 && e.coords[1][1] === 0);
  const mid = reachedLines(g, [{ access: [{ edge: j, along: 50, walk: 30 }], distanceMeters: 50 }]);
  assert.ok(Math.abs(mid.lengthMeters - 40) < 1e-6, `${mid.lengthMeters}`);
  assert.deepEqual(mid.lines, [[[30, 0], [70, 0]]]);
  // Too far from the network to reach anything.
  assert.equal(reachedLines(g, [{ access: [{ edge: j, along: 50, walk: 60 }], distanceMeters: 50 }]).lengthMeters, 0);
});

test('river with one bridge: the far bank is reached only over the bridge', () => {
  // West bank x ≤ 900, east bank x ≥ 1100, a 200 m river between; the only bridge at y = 1900.
  const lines = [...grid(0, 900, 0, 2000), ...grid(1100, 2000, 0, 2000), [[900, 1900], [1100, 1900]] as XY[]];
  const g = buildWalkingGraph(lines, 2);
  const facility = { access: [atNode(g, [900, 200])], distanceMeters: 500 };
  const reach = reachedLines(g, [facility]);
  for (const line of reach.lines) for (const [x] of line) assert.ok(x <= 900 + 1e-6, `reached the east bank at x = ${x}`);
  // A straight 500 m circle from (900, 200) reaches 400 m into the east bank; the walk there is 1 700 m to the bridge plus 200 m over it.
  // (The search looks only at what is in straight reach of the budget: ask with 4 km to see the far bank's distance.)
  const { dist } = networkDistances(g, [{ ...facility, distanceMeters: 4000 }]);
  const east = g.nodes.findIndex(([x, y]) => x === 1100 && y === 200);
  assert.equal(dist.get(east), 1700 + 200 + 1700);
  assert.equal(networkDistances(g, [facility]).dist.get(east), undefined, 'beyond the budget and out of straight reach: not searched');
  const far = reachedLines(g, [{ ...facility, distanceMeters: 2000 }]);
  assert.ok(far.lines.some((l) => l.some(([x]) => x > 1100)), 'with 2 km the east bank is reached');
});

test('snapping: ends within the tolerance join, farther ones do not; zero-length lines are dropped', () => {
  const lines: XY[][] = [[[0, 0], [100, 0]], [[101, 0], [200, 0]], [[203.5, 0], [300, 0]], [[50, 50], [50, 50]]];
  const g = buildWalkingGraph(lines, 2);
  assert.equal(g.edges.length, 3);
  assert.equal(g.nodes.length, 5, 'the 1 m gap is joined, the 3.5 m gap is not');
  const reach = reachedLines(g, [{ access: [{ edge: 0, along: 0, walk: 0 }], distanceMeters: 1000 }]);
  assert.ok(Math.abs(reach.lengthMeters - 199) < 1e-6, `${reach.lengthMeters}: the third line is not reached`);
  assert.deepEqual(substring([[0, 0], [10, 0], [10, 10]], 5, 15), [[5, 0], [10, 0], [10, 5]]);
});

test('the search on the edges in reach gives the same distances within the budget as one over the whole network', () => {
  const g = buildWalkingGraph(grid(-2000, 2000, -2000, 2000), 2);
  const src = { access: [atNode(g, [300, -200])], distanceMeters: 700 };
  const { dist, edges } = networkDistances(g, [src]);
  assert.ok(edges.length < g.edges.length / 4, `${edges.length} of ${g.edges.length} edges searched`);
  const whole = networkDistances(g, [{ ...src, distanceMeters: 20_000 }]).dist;
  let within = 0;
  for (const [i, d] of whole) {
    if (d > 700) continue;
    within++;
    assert.ok(Math.abs(dist.get(i)! - d) < 1e-6, `node ${g.nodes[i]}: ${dist.get(i)} vs ${d}`);
  }
  assert.equal(within, [...dist.values()].filter((d) => d <= 700).length);
  // The index finds exactly the edges whose box meets a box.
  const found = g.index.query(-150, -150, 150, 150);
  const brute = g.edges.flatMap((e, j) => (e.coords.some(([x, y]) => x >= -150 && x <= 150 && y >= -150 && y <= 150) || (Math.min(e.coords[0][0], e.coords[1][0]) <= 150 && Math.max(e.coords[0][0], e.coords[1][0]) >= -150 && Math.min(e.coords[0][1], e.coords[1][1]) <= 150 && Math.max(e.coords[0][1], e.coords[1][1]) >= -150) ? [j] : []));
  assert.deepEqual(found, brute);
});

test('access: a point enters at the nearest point of the nearest edge; a polygon at every edge within reach of its edge', () => {
  const g = buildWalkingGraph(grid(0, 1000, 0, 1000), 2);
  // (150, 40): the nearest edge is y = 0 between x 100 and 200, 40 m away, 50 m along (x = 100 and 200 are 50 m away).
  const [a] = accessPoints(g, planarShape({ type: 'Point', coordinates: [150, 40] }), 500, 30);
  const e = g.edges[a.edge];
  assert.deepEqual([e.coords[0], e.coords[1]], [[100, 0], [200, 0]]);
  assert.ok(Math.abs(a.walk - 40) < 1e-9 && Math.abs(a.along - 50) < 1e-9, JSON.stringify(a));
  // Farther than the limit from every edge: no access.
  assert.deepEqual(accessPoints(g, planarShape({ type: 'Point', coordinates: [5000, 5000] }), 500, 30), []);
  // A 40 × 40 m park in the middle of a cell (30 m from each side): the four sides of the cell, at their middle.
  const park = planarShape({ type: 'Polygon', coordinates: [[[530, 530], [570, 530], [570, 570], [530, 570], [530, 530]]] });
  const acc = accessPoints(g, park, 500, 30);
  assert.equal(acc.length, 4, JSON.stringify(acc));
  for (const x of acc) assert.ok(Math.abs(x.walk - 30) < 1e-9 && x.along >= 30 - 1e-9 && x.along <= 70 + 1e-9, JSON.stringify(x));
  // An edge crossing a polygon enters it where it crosses its boundary (distance 0); one starting inside, at its start.
  const crossing = closestOnEdge({ u: 0, v: 1, coords: [[0, 50], [100, 50]], length: 100, input: 0 }, planarShape({ type: 'Polygon', coordinates: [[[40, 0], [60, 0], [60, 100], [40, 100], [40, 0]]] }));
  assert.ok(crossing.walk === 0 && (crossing.along === 40 || crossing.along === 60), JSON.stringify(crossing));
  const inside = closestOnEdge({ u: 0, v: 1, coords: [[50, 50], [150, 50]], length: 100, input: 0 }, planarShape({ type: 'Polygon', coordinates: [[[40, 0], [60, 0], [60, 100], [40, 100], [40, 0]]] }));
  assert.deepEqual(inside, { walk: 0, along: 0 });
});
