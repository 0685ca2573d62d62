/**
 * The instant what-if on a walking network (issue 14): the browser gets the network's noded lines
 * once per version (GET /api/analysis/coverage/network/{id}), builds the walking graph with the same
 * core code as the server (core/analysis/network.ts), and finds a new facility's reached streets at
 * once. The instant estimate does not buffer them into polygons (Turf's buffer and union of hundreds
 * of segment buffers took 0.6–2.5 s on 10 000 edges): the result's gaps are rasterised once into
 * cells (core/analysis/coverage-grid.ts), the cells within the buffer width of the reached streets
 * count as the gain, and the reached streets are drawn as lines as wide as the buffer. A network
 * larger than the browser takes (NETWORK_BROWSER_MAX_EDGES) is left to the server.
 */
import type { MultiLineString, MultiPolygon, Point, Polygon } from 'geojson';
import type { CoverageResult } from '../../../core/analysis/coverage.ts';
import { addGridGain, coverLines, gapGrid, lonLatOf, planeOf, type GapGrid } from '../../../core/analysis/coverage-grid.ts';
import { accessPoints, buildWalkingGraph, planarShape, reachedLines, type WalkingGraph, type XY } from '../../../core/analysis/network.ts';
import type { ApiClient } from '../api.ts';
import type { CoverageNetworkResponse } from './types.ts';

/** A network as the browser keeps it: the server's answer and, unless too large, the graph built from it. */
export interface BrowserNetwork {
  info: Omit<CoverageNetworkResponse, 'lines'>;
  graph: WalkingGraph | null;
  /** Building the graph took this long here (ms). */
  buildMs: number;
}

const kept = new Map<string, Promise<BrowserNetwork>>();

/** The network `collection` at `version`: fetched and built once, then kept (the last few). */
export function browserNetwork(api: Pick<ApiClient, 'coverageNetwork'>, collection: string, version: number | string | null): Promise<BrowserNetwork> {
  const key = `${collection}@${version ?? ''}`;
  let p = kept.get(key);
  if (!p) {
    p = api.coverageNetwork(collection).then(({ lines, ...info }) => {
      const t0 = performance.now();
      const graph = lines && !info.tooLarge ? buildWalkingGraph(lines, info.snapMeters) : null;
      return { info, graph, buildMs: performance.now() - t0 };
    });
    kept.set(key, p);
    p.catch(() => kept.delete(key));
    while (kept.size > 3) kept.delete(kept.keys().next().value!);
  }
  return p;
}

const planar = (g: Point | Polygon | MultiPolygon) =>
  g.type === 'Point'
    ? { type: 'Point', coordinates: planeOf(g.coordinates) }
    : g.type === 'Polygon'
      ? { type: 'Polygon', coordinates: g.coordinates.map((r) => r.map(planeOf)) }
      : { type: 'MultiPolygon', coordinates: g.coordinates.map((p) => p.map((r) => r.map(planeOf))) };

/** A new facility's reach on the network: the reached streets (EPSG:4546 metres, and lon/lat to draw) and their length. */
export interface NetworkReach {
  /** The reached parts of the edges, EPSG:4546 metres (for the grid). */
  lines: XY[][];
  /** The same in lon/lat, drawn as lines as wide as the buffer; null when off the network. */
  geometry: MultiLineString | null;
  lengthMeters: number;
  /** Access + Dijkstra + cutting the reached edges (ms). */
  searchMs: number;
  /** The reached lines turned into lon/lat for the map (ms). */
  drawMs: number;
}

/**
 * A new facility's reach on `net` (a point, or a planned park entered from its edge as on the server):
 * the parts of the edges within `distanceMeters`; none when it is off the network.
 */
export function networkReach(net: BrowserNetwork, geometry: Point | Polygon | MultiPolygon, distanceMeters: number): NetworkReach {
  if (!net.graph) return { lines: [], geometry: null, lengthMeters: 0, searchMs: 0, drawMs: 0 };
  const t0 = performance.now();
  const g = net.graph;
  const access = accessPoints(g, planarShape(planar(geometry)), net.info.maxAccessMeters, net.info.polygonAccessMeters);
  const reach = access.length ? reachedLines(g, [{ access, distanceMeters }]) : { lines: [], lengthMeters: 0 };
  const t1 = performance.now();
  const drawn: MultiLineString | null = reach.lines.length ? { type: 'MultiLineString', coordinates: reach.lines.map((l) => l.map(lonLatOf)) } : null;
  return { lines: reach.lines, geometry: drawn, lengthMeters: reach.lengthMeters, searchMs: t1 - t0, drawMs: performance.now() - t1 };
}

/** The gaps of a coverage result on the grid the network what-if counts on (once per result; the what-ifs then change it). */
export function whatIfGrid(result: Pick<CoverageResult, 'gaps'>): { grid: GapGrid; ms: number } {
  const t0 = performance.now();
  const grid = gapGrid(result.gaps);
  return { grid, ms: performance.now() - t0 };
}

/**
 * The instant estimate of a new facility on the network: its reach, then the gap cells within the
 * buffer width of the reached streets covered on `grid` (which keeps them covered for the next one),
 * added to `previous` — no buffering, no polygon union. `gridMs` is the cells' part.
 */
export function networkWhatIf(
  net: BrowserNetwork,
  grid: GapGrid,
  previous: CoverageResult,
  geometry: Point | Polygon | MultiPolygon,
  distanceMeters: number,
): { figures: CoverageResult; reach: NetworkReach; gridMs: number } {
  const reach = networkReach(net, geometry, distanceMeters);
  const t0 = performance.now();
  const figures = addGridGain(previous, grid, coverLines(grid, reach.lines, net.info.bufferMeters));
  return { figures, reach, gridMs: performance.now() - t0 };
}
