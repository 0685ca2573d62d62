/**
 * Walking distance on a line network (issue 14): a graph with a node at every line end (the lines
 * are noded first, so every crossing is an end), ends within a snapping tolerance joined, edges
 * weighted by their length, built once per network and searched near each facility with graphology's
 * Dijkstra; where facilities enter it; and the parts of the edges reachable within each facility's distance, as lines (the
 * service area is these buffered, in PostGIS). Planar metres (EPSG:4546). Pure: shared by the API,
 * the benchmarks and the browser.
 */
import Graph from 'graphology';
import { dijkstra } from 'graphology-shortest-path';

export type XY = [number, number];

/** One edge of the walking graph: a polyline between two nodes (indices into `nodes`). */
export interface WalkEdge {
  u: number;
  v: number;
  coords: XY[];
  length: number;
  /** Index of the line it came from in buildWalkingGraph's input. */
  input: number;
}

export interface WalkingGraph {
  /** Node positions (metres). */
  nodes: XY[];
  edges: WalkEdge[];
  /** The edges' boxes in a bucket grid. */
  index: EdgeIndex;
  /** graphology graph of the whole network (nodes `n<i>`, edges `e<j>` weighted by length), made by the first search that needs it. */
  whole?: Graph;
  snapMeters: number;
}

/** Where a facility enters the network: edge index, distance along it (m), and the straight walk to it (m). */
export interface Access {
  edge: number;
  along: number;
  walk: number;
}

/** A facility on the network: its access points and its walking distance (m). */
export interface NetworkSource {
  access: Access[];
  distanceMeters: number;
}

const polylineLength = (c: XY[]) => {
  let s = 0;
  for (let i = 1; i < c.length; i++) s += Math.hypot(c[i][0] - c[i - 1][0], c[i][1] - c[i - 1][1]);
  return s;
};

/** Side (m) of the cells of the edge index: a box query looks at a few cells. */
const CELL_METERS = 250;
const CELL_OFFSET = 2 ** 21;
const cellKey = (cx: number, cy: number) => (cx + CELL_OFFSET) * 2 ** 22 + (cy + CELL_OFFSET);

/** A bucket grid of the edges' boxes, to find the edges near a place without looking at all of them. */
export class EdgeIndex {
  private readonly cells = new Map<number, number[]>();
  /** minX, minY, maxX, maxY of every edge. */
  readonly boxes: Float64Array;
  private readonly stamps: Uint32Array;
  private stamp = 0;

  constructor(edges: WalkEdge[]) {
    this.boxes = new Float64Array(edges.length * 4);
    this.stamps = new Uint32Array(edges.length);
    edges.forEach((e, j) => {
      let [x0, y0, x1, y1] = [Infinity, Infinity, -Infinity, -Infinity];
      for (const [x, y] of e.coords) {
        if (x < x0) x0 = x;
        if (y < y0) y0 = y;
        if (x > x1) x1 = x;
        if (y > y1) y1 = y;
      }
      this.boxes.set([x0, y0, x1, y1], j * 4);
      for (let cx = Math.floor(x0 / CELL_METERS); cx <= Math.floor(x1 / CELL_METERS); cx++) {
        for (let cy = Math.floor(y0 / CELL_METERS); cy <= Math.floor(y1 / CELL_METERS); cy++) {
          const k = cellKey(cx, cy);
          const list = this.cells.get(k);
          if (list) list.push(j);
          else this.cells.set(k, [j]);
        }
      }
    });
  }

  /** The edges whose box meets [minX, minY, maxX, maxY], each once, in index order. */
  query(minX: number, minY: number, maxX: number, maxY: number): number[] {
    const out: number[] = [];
    if (++this.stamp === 0xffffffff) {
      this.stamps.fill(0);
      this.stamp = 1;
    }
    const b = this.boxes;
    for (let cx = Math.floor(minX / CELL_METERS); cx <= Math.floor(maxX / CELL_METERS); cx++) {
      for (let cy = Math.floor(minY / CELL_METERS); cy <= Math.floor(maxY / CELL_METERS); cy++) {
        for (const j of this.cells.get(cellKey(cx, cy)) ?? []) {
          if (this.stamps[j] === this.stamp) continue;
          this.stamps[j] = this.stamp;
          if (b[j * 4] <= maxX && b[j * 4 + 2] >= minX && b[j * 4 + 1] <= maxY && b[j * 4 + 3] >= minY) out.push(j);
        }
      }
    }
    return out.sort((a, c) => a - c);
  }
}

/**
 * The walking graph of noded lines (each a polyline whose ends are its only junctions): ends within
 * `snapMeters` of a node already made join it; zero-length lines are dropped. Built once per network
 * version (the API keeps it; the browser too): each search then looks only at the edges in reach.
 */
export function buildWalkingGraph(lines: XY[][], snapMeters: number): WalkingGraph {
  const nodes: XY[] = [];
  const cell = Math.max(snapMeters, 1e-6);
  const grid = new Map<number, number[]>();
  const nodeAt = (p: XY): number => {
    const cx = Math.floor(p[0] / cell);
    const cy = Math.floor(p[1] / cell);
    let best = -1;
    let bestD = snapMeters;
    for (let dx = -1; dx <= 1; dx++) {
      for (let dy = -1; dy <= 1; dy++) {
        for (const i of grid.get(cellKey(cx + dx, cy + dy)) ?? []) {
          const d = Math.hypot(nodes[i][0] - p[0], nodes[i][1] - p[1]);
          if (d <= bestD) {
            best = i;
            bestD = d;
          }
        }
      }
    }
    if (best >= 0) return best;
    nodes.push([p[0], p[1]]);
    const key = cellKey(cx, cy);
    const list = grid.get(key);
    if (list) list.push(nodes.length - 1);
    else grid.set(key, [nodes.length - 1]);
    return nodes.length - 1;
  };
  const edges: WalkEdge[] = [];
  lines.forEach((coords, input) => {
    if (coords.length < 2) return;
    const length = polylineLength(coords);
    if (!(length > 0)) return;
    const u = nodeAt(coords[0]);
    const v = nodeAt(coords[coords.length - 1]);
    edges.push({ u, v, coords, length, input });
  });
  return { nodes, edges, index: new EdgeIndex(edges), snapMeters };
}

const SOURCE = 'source';

/** The point `along` metres along a polyline. */
export function pointAlong(coords: XY[], along: number): XY {
  let walked = 0;
  for (let i = 1; i < coords.length; i++) {
    const [a, b] = [coords[i - 1], coords[i]];
    const len = Math.hypot(b[0] - a[0], b[1] - a[1]);
    if (walked + len >= along && len > 0) {
      const t = Math.max(0, (along - walked) / len);
      return [a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1])];
    }
    walked += len;
  }
  return coords[coords.length - 1];
}

/**
 * The edges a search from `sources` can use: those with an end within straight reach of where a
 * source enters the network (a walk of d along the network never ends further than d in a straight
 * line), and the access edges. Every shortest path within the budget runs on these edges only.
 */
function edgesInReach(g: WalkingGraph, sources: NetworkSource[]): number[] {
  const keep = new Set<number>();
  for (const s of sources) {
    for (const a of s.access) {
      keep.add(a.edge);
      const reach = s.distanceMeters - a.walk;
      if (reach < 0) continue;
      const [px, py] = pointAlong(g.edges[a.edge].coords, a.along);
      for (const j of g.index.query(px - reach, py - reach, px + reach, py + reach)) {
        if (keep.has(j)) continue;
        const e = g.edges[j];
        const [u, v] = [g.nodes[e.u], g.nodes[e.v]];
        if (Math.hypot(u[0] - px, u[1] - py) <= reach || Math.hypot(v[0] - px, v[1] - py) <= reach) keep.add(j);
      }
    }
  }
  return [...keep].sort((a, b) => a - b);
}

/**
 * Walking distance (m) from the nearest of `sources` to every node it reaches, each source's distance
 * budget taken into account: returns `budget` (the largest distance) and, per node, the least
 * `walked + (budget − distanceMeters)` over the sources — a node is within reach of some source when
 * that is ≤ budget. Exact for every node within the
 * budget: each source's search runs on the edges in its straight reach (`edges`: their union; all
 * edges when the searches would cover much of the network), so a node beyond the budget may be absent
 * or given a longer distance. Nodes not reached are absent.
 */
export function networkDistances(g: WalkingGraph, sources: NetworkSource[]): { budget: number; dist: Map<number, number>; edges: number[] } {
  const budget = Math.max(0, ...sources.map((s) => s.distanceMeters));
  const reach = sources.map((s) => edgesInReach(g, [s]));
  const searched = reach.reduce((n, r) => n + r.length, 0);
  // graphology's Dijkstra (it has no distance cut-off) on a graph of each source's edges in reach,
  // made for the search — or, when those add up to much of the network (many facilities), once from
  // all sources on the whole network's graph, made once and kept.
  if (searched > g.edges.length / 2) {
    const graph = (g.whole ??= wholeGraph(g));
    try {
      return { budget, dist: search(graph, g, sources, budget), edges: g.edges.map((_, j) => j) };
    } finally {
      graph.dropNode(SOURCE);
    }
  }
  const dist = new Map<number, number>();
  sources.forEach((s, k) => {
    const graph = new Graph({ type: 'mixed', multi: true, allowSelfLoops: true });
    for (const j of reach[k]) {
      const e = g.edges[j];
      graph.mergeNode(`n${e.u}`);
      graph.mergeNode(`n${e.v}`);
      graph.addUndirectedEdgeWithKey(`e${j}`, `n${e.u}`, `n${e.v}`, { weight: e.length });
    }
    for (const [i, d] of search(graph, g, [s], s.distanceMeters)) {
      const withSlack = d + budget - s.distanceMeters;
      if (!(dist.get(i)! <= withSlack)) dist.set(i, withSlack);
    }
  });
  return { budget, dist, edges: [...new Set(reach.flat())].sort((a, b) => a - b) };
}

function wholeGraph(g: WalkingGraph): Graph {
  const graph = new Graph({ type: 'mixed', multi: true, allowSelfLoops: true });
  g.nodes.forEach((_, i) => graph.addNode(`n${i}`));
  g.edges.forEach((e, j) => graph.addUndirectedEdgeWithKey(`e${j}`, `n${e.u}`, `n${e.v}`, { weight: e.length }));
  return graph;
}

/** Dijkstra (graphology's) from a virtual source joined to the sources' access edges; the caller drops the source node. */
function search(graph: Graph, g: WalkingGraph, sources: NetworkSource[], budget: number): Map<number, number> {
  // A virtual source joined to both ends of every access edge, weighted by the walk to the edge,
  // along it, and the source's slack (budget − its distance): graphology's Dijkstra from it.
  graph.addNode(SOURCE);
  sources.forEach((s) => {
    const slack = budget - s.distanceMeters;
    for (const a of s.access) {
      const e = g.edges[a.edge];
      graph.addDirectedEdge(SOURCE, `n${e.u}`, { weight: slack + a.walk + a.along });
      graph.addDirectedEdge(SOURCE, `n${e.v}`, { weight: slack + a.walk + (e.length - a.along) });
    }
  });
  const [order, pred] = dijkstra.brandes(graph, SOURCE, 'weight');
  // brandes gives the nodes in order of distance and their predecessors on shortest paths: the
  // distance of a node is its first predecessor's plus the lightest edge between them.
  const byKey = new Map<string, number>([[SOURCE, 0]]);
  const dist = new Map<number, number>();
  for (const key of order) {
    if (key === SOURCE) continue;
    const p = pred[key][0];
    let w = Infinity;
    graph.forEachEdge(p, key, (_e, attr) => {
      if (attr.weight < w) w = attr.weight;
    });
    const d = (byKey.get(p) ?? 0) + w;
    byKey.set(key, d);
    dist.set(Number(key.slice(1)), d);
  }
  return dist;
}

/** The part of a polyline between two distances along it (m). */
export function substring(coords: XY[], from: number, to: number): XY[] {
  const out: XY[] = [];
  let walked = 0;
  for (let i = 1; i < coords.length; i++) {
    const [a, b] = [coords[i - 1], coords[i]];
    const len = Math.hypot(b[0] - a[0], b[1] - a[1]);
    const s0 = walked;
    const s1 = walked + len;
    walked = s1;
    if (s1 < from || s0 > to || len === 0) continue;
    const at = (s: number): XY => {
      const t = Math.min(1, Math.max(0, (s - s0) / len));
      return [a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1])];
    };
    if (out.length === 0) out.push(at(Math.max(from, s0)));
    out.push(at(Math.min(to, s1)));
    if (s1 >= to) break;
  }
  return out.length >= 2 ? out : [];
}

/**
 * The parts of the network's edges within walking distance of the sources (see networkDistances),
 * as polylines, with their total length (m).
 */
export function reachedLines(g: WalkingGraph, sources: NetworkSource[]): { lines: XY[][]; lengthMeters: number; nodesReached: number } {
  const { budget, dist, edges } = networkDistances(g, sources);
  const intervals = new Map<number, [number, number][]>();
  const add = (edge: number, a: number, b: number) => {
    const L = g.edges[edge].length;
    const lo = Math.max(0, a);
    const hi = Math.min(L, b);
    if (hi <= lo) return;
    const list = intervals.get(edge);
    if (list) list.push([lo, hi]);
    else intervals.set(edge, [[lo, hi]]);
  };
  for (const j of edges) {
    const e = g.edges[j];
    const du = dist.get(e.u);
    const dv = dist.get(e.v);
    if (du !== undefined && du <= budget) add(j, 0, budget - du);
    if (dv !== undefined && dv <= budget) add(j, e.length - (budget - dv), e.length);
  }
  // A source also reaches along its own access edge directly, both ways from where it enters.
  for (const s of sources) {
    for (const a of s.access) {
      const left = s.distanceMeters - a.walk;
      if (left >= 0) add(a.edge, a.along - left, a.along + left);
    }
  }
  const lines: XY[][] = [];
  let lengthMeters = 0;
  for (const [edge, list] of [...intervals].sort((x, y) => x[0] - y[0])) {
    list.sort((x, y) => x[0] - y[0]);
    const merged: [number, number][] = [];
    for (const iv of list) {
      const last = merged[merged.length - 1];
      if (last && iv[0] <= last[1]) last[1] = Math.max(last[1], iv[1]);
      else merged.push([...iv]);
    }
    for (const [a, b] of merged) {
      const part = substring(g.edges[edge].coords, a, b);
      if (part.length >= 2) {
        lines.push(part);
        lengthMeters += b - a;
      }
    }
  }
  return { lines, lengthMeters, nodesReached: [...dist.values()].filter((d) => d <= budget).length };
}

/** Walking distance (m) from one source to each node, for checks: the distances networkDistances finds, less the slack. */
export function distancesFrom(g: WalkingGraph, source: NetworkSource): Map<number, number> {
  const { dist } = networkDistances(g, [source]);
  return dist;
}

/** A facility's geometry in the network's plane (m): its points, lines and polygons (rings, the first the shell). */
export interface PlanarShape {
  points: XY[];
  lines: XY[][];
  polygons: XY[][][];
}

/** A GeoJSON geometry's coordinates (already planar) as a PlanarShape; other types give an empty shape. */
export function planarShape(geometry: { type: string; coordinates?: unknown; geometries?: unknown[] }): PlanarShape {
  const shape: PlanarShape = { points: [], lines: [], polygons: [] };
  const add = (g: { type: string; coordinates?: unknown; geometries?: unknown[] }) => {
    const c = g.coordinates as never;
    if (g.type === 'Point') shape.points.push(c);
    else if (g.type === 'MultiPoint') shape.points.push(...(c as XY[]));
    else if (g.type === 'LineString') shape.lines.push(c);
    else if (g.type === 'MultiLineString') shape.lines.push(...(c as XY[][]));
    else if (g.type === 'Polygon') shape.polygons.push(c);
    else if (g.type === 'MultiPolygon') shape.polygons.push(...(c as XY[][][]));
    else if (g.type === 'GeometryCollection') for (const x of (g.geometries ?? []) as (typeof g)[]) add(x);
  };
  add(geometry);
  return shape;
}

const inRing = (p: XY, ring: XY[]) => {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i];
    const [xj, yj] = ring[j];
    if (yi > p[1] !== yj > p[1] && p[0] < ((xj - xi) * (p[1] - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
};
const inPolygon = (p: XY, rings: XY[][]) => rings.length > 0 && inRing(p, rings[0]) && !rings.slice(1).some((h) => inRing(p, h));

/** Closest point of segment ab to p: [distance, t along ab (0..1)]. */
function pointSegment(p: XY, a: XY, b: XY): [number, number] {
  const dx = b[0] - a[0];
  const dy = b[1] - a[1];
  const l2 = dx * dx + dy * dy;
  const t = l2 > 0 ? Math.min(1, Math.max(0, ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / l2)) : 0;
  return [Math.hypot(a[0] + t * dx - p[0], a[1] + t * dy - p[1]), t];
}

/** Closest points of segments ab (the edge's) and cd: [distance, t along ab]. */
function segmentSegment(a: XY, b: XY, c: XY, d: XY): [number, number] {
  const r = [b[0] - a[0], b[1] - a[1]];
  const s = [d[0] - c[0], d[1] - c[1]];
  const den = r[0] * s[1] - r[1] * s[0];
  if (den !== 0) {
    const t = ((c[0] - a[0]) * s[1] - (c[1] - a[1]) * s[0]) / den;
    const u = ((c[0] - a[0]) * r[1] - (c[1] - a[1]) * r[0]) / den;
    if (t >= 0 && t <= 1 && u >= 0 && u <= 1) return [0, t];
  }
  let best = pointSegment(c, a, b);
  const d2 = pointSegment(d, a, b);
  if (d2[0] < best[0]) best = d2;
  const [da] = pointSegment(a, c, d);
  if (da < best[0]) best = [da, 0];
  const [db] = pointSegment(b, c, d);
  if (db < best[0]) best = [db, 1];
  return best;
}

/**
 * The point of an edge nearest to a shape, as PostGIS's ST_ClosestPoint/ST_LineLocatePoint give it:
 * the straight distance (m) and the distance along the edge (m). An edge starting inside a polygon
 * enters it at its start; one crossing its boundary at a crossing (the first in the boundary's order, as GEOS).
 */
export function closestOnEdge(edge: WalkEdge, shape: PlanarShape): { walk: number; along: number } {
  const c = edge.coords;
  if (shape.polygons.some((rings) => inPolygon(c[0], rings))) return { walk: 0, along: 0 };
  let best = Infinity;
  let bestAlong = 0;
  let walked = 0;
  for (let i = 1; i < c.length && best > 0; i++) {
    const [a, b] = [c[i - 1], c[i]];
    const len = Math.hypot(b[0] - a[0], b[1] - a[1]);
    const consider = ([d, t]: [number, number]) => {
      if (d < best) {
        best = d;
        bestAlong = walked + t * len;
      }
    };
    for (const p of shape.points) consider(pointSegment(p, a, b));
    for (const line of shape.lines) for (let k = 1; k < line.length && best > 0; k++) consider(segmentSegment(a, b, line[k - 1], line[k]));
    for (const rings of shape.polygons) for (const ring of rings) for (let k = 1; k < ring.length && best > 0; k++) consider(segmentSegment(a, b, ring[k - 1], ring[k]));
    walked += len;
  }
  return { walk: best, along: Math.min(bestAlong, edge.length) };
}

function shapeBox(shape: PlanarShape): [number, number, number, number] {
  let [x0, y0, x1, y1] = [Infinity, Infinity, -Infinity, -Infinity];
  const see = ([x, y]: XY) => {
    if (x < x0) x0 = x;
    if (y < y0) y0 = y;
    if (x > x1) x1 = x;
    if (y > y1) y1 = y;
  };
  shape.points.forEach(see);
  for (const l of shape.lines) l.forEach(see);
  for (const p of shape.polygons) for (const r of p) r.forEach(see);
  return [x0, y0, x1, y1];
}

/**
 * Where a facility enters the network: the nearest point of the nearest edge within `maxMeters`
 * (ties to the lower edge index) and, for a polygon, the nearest point of every edge within
 * `polygonMeters` of it too. None when no edge is within `maxMeters`.
 */
export function accessPoints(g: WalkingGraph, shape: PlanarShape, maxMeters: number, polygonMeters: number): Access[] {
  const [x0, y0, x1, y1] = shapeBox(shape);
  if (!(x0 <= x1)) return [];
  const out = new Map<number, Access>();
  if (shape.polygons.length) {
    for (const j of g.index.query(x0 - polygonMeters, y0 - polygonMeters, x1 + polygonMeters, y1 + polygonMeters)) {
      const c = closestOnEdge(g.edges[j], shape);
      if (c.walk <= polygonMeters) out.set(j, { edge: j, along: c.along, walk: c.walk });
    }
  }
  let nearest: Access | null = null;
  for (const j of g.index.query(x0 - maxMeters, y0 - maxMeters, x1 + maxMeters, y1 + maxMeters)) {
    const c = closestOnEdge(g.edges[j], shape);
    if (c.walk <= maxMeters && (!nearest || c.walk < nearest.walk)) nearest = { edge: j, along: c.along, walk: c.walk };
  }
  if (nearest && !out.has(nearest.edge)) out.set(nearest.edge, nearest);
  return [...out.values()].sort((a, b) => a.edge - b.edge);
}
