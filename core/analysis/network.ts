/**
 * Walking distance on a line network (issue 14): a graph with a node at every line end (the lines
 * are noded first, so every crossing is an end), ends within a snapping tolerance joined, edges
 * weighted by their length; shortest distances from every facility at once with graphology's
 * Dijkstra; and the parts of the edges reachable within each facility's distance, as lines (the
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
  /** graphology graph: nodes `n<i>`, undirected edges keyed `e<j>` with `weight` = length (m). */
  graph: Graph;
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

/**
 * The walking graph of noded lines (each a polyline whose ends are its only junctions): ends within
 * `snapMeters` of a node already made join it; zero-length lines are dropped.
 */
export function buildWalkingGraph(lines: XY[][], snapMeters: number): WalkingGraph {
  const nodes: XY[] = [];
  const cell = Math.max(snapMeters, 1e-6);
  const grid = new Map<string, number[]>();
  const nodeAt = (p: XY): number => {
    const cx = Math.floor(p[0] / cell);
    const cy = Math.floor(p[1] / cell);
    let best = -1;
    let bestD = snapMeters;
    for (let dx = -1; dx <= 1; dx++) {
      for (let dy = -1; dy <= 1; dy++) {
        for (const i of grid.get(`${cx + dx},${cy + dy}`) ?? []) {
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
    const key = `${cx},${cy}`;
    const list = grid.get(key);
    if (list) list.push(nodes.length - 1);
    else grid.set(key, [nodes.length - 1]);
    return nodes.length - 1;
  };
  const graph = new Graph({ type: 'mixed', multi: true, allowSelfLoops: true });
  const edges: WalkEdge[] = [];
  lines.forEach((coords, input) => {
    if (coords.length < 2) return;
    const length = polylineLength(coords);
    if (!(length > 0)) return;
    const u = nodeAt(coords[0]);
    const v = nodeAt(coords[coords.length - 1]);
    edges.push({ u, v, coords, length, input });
  });
  nodes.forEach((_, i) => graph.addNode(`n${i}`));
  edges.forEach((e, j) => graph.addUndirectedEdgeWithKey(`e${j}`, `n${e.u}`, `n${e.v}`, { weight: e.length }));
  return { nodes, edges, graph, snapMeters };
}

const SOURCE = 'source';

/**
 * Walking distance (m) from the nearest of `sources` to every node it reaches, each source's distance
 * budget taken into account: returns `budget` (the largest distance) and, per node, the least
 * `walked + (budget − distanceMeters)` over the sources — a node is within reach of some source when
 * that is ≤ budget (one Dijkstra for sources of different distances). Nodes not reached are absent.
 */
export function networkDistances(g: WalkingGraph, sources: NetworkSource[]): { budget: number; dist: Map<number, number> } {
  const budget = Math.max(0, ...sources.map((s) => s.distanceMeters));
  const graph = g.graph;
  const added: string[] = [];
  // A virtual source joined to both ends of every access edge, weighted by the walk to the edge,
  // along it, and the source's slack (budget − its distance): graphology's Dijkstra from it.
  graph.addNode(SOURCE);
  try {
    sources.forEach((s) => {
      const slack = budget - s.distanceMeters;
      for (const a of s.access) {
        const e = g.edges[a.edge];
        const toU = slack + a.walk + a.along;
        const toV = slack + a.walk + (e.length - a.along);
        added.push(graph.addDirectedEdge(SOURCE, `n${e.u}`, { weight: toU }));
        added.push(graph.addDirectedEdge(SOURCE, `n${e.v}`, { weight: toV }));
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
    return { budget, dist };
  } finally {
    graph.dropNode(SOURCE);
  }
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
  const { budget, dist } = networkDistances(g, sources);
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
  g.edges.forEach((e, j) => {
    const du = dist.get(e.u);
    const dv = dist.get(e.v);
    if (du !== undefined && du <= budget) add(j, 0, budget - du);
    if (dv !== undefined && dv <= budget) add(j, e.length - (budget - dv), e.length);
  });
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
