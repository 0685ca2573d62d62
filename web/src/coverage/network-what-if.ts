/**
 * The instant what-if on a walking network (issue 14): the browser gets the network's noded lines
 * once per version (GET /api/analysis/coverage/network/{id}), builds the walking graph with the same
 * core code as the server (core/analysis/network.ts), and finds a new facility's reached streets at
 * once; buffered by the server's width, they are its service area in the instant estimate. A network
 * larger than the browser takes (NETWORK_BROWSER_MAX_EDGES) is left to the server.
 */
import { buffer } from '@turf/turf';
import type { Feature, MultiLineString, MultiPolygon, Point, Polygon } from 'geojson';
import { accessPoints, buildWalkingGraph, planarShape, reachedLines, type WalkingGraph } from '../../../core/analysis/network.ts';
import { toGaussKruger, toLonLat } from '../../../core/crs.ts';
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
    ? { type: 'Point', coordinates: toGaussKruger(g.coordinates) }
    : g.type === 'Polygon'
      ? { type: 'Polygon', coordinates: g.coordinates.map((r) => r.map(toGaussKruger)) }
      : { type: 'MultiPolygon', coordinates: g.coordinates.map((p) => p.map((r) => r.map(toGaussKruger))) };

/**
 * A new facility's walking service area on `net` (a point, or a planned park entered from its edge as
 * on the server): the reached streets, buffered by the server's width; null when it is off the network.
 */
export function networkServiceArea(
  net: BrowserNetwork,
  geometry: Point | Polygon | MultiPolygon,
  distanceMeters: number,
): { area: Feature<Polygon | MultiPolygon> | null; lengthMeters: number; searchMs: number } {
  if (!net.graph) return { area: null, lengthMeters: 0, searchMs: 0 };
  const t0 = performance.now();
  const g = net.graph;
  const access = accessPoints(g, planarShape(planar(geometry)), net.info.maxAccessMeters, net.info.polygonAccessMeters);
  const reach = access.length ? reachedLines(g, [{ access, distanceMeters }]) : { lines: [], lengthMeters: 0 };
  const searchMs = performance.now() - t0;
  if (!reach.lines.length) return { area: null, lengthMeters: 0, searchMs };
  const lines: Feature<MultiLineString> = {
    type: 'Feature',
    properties: {},
    geometry: { type: 'MultiLineString', coordinates: reach.lines.map((l) => l.map((p) => toLonLat(p, 'EPSG:4546'))) },
  };
  const area = (buffer(lines, net.info.bufferMeters, { units: 'meters', steps: 2 }) as Feature<Polygon | MultiPolygon> | undefined) ?? null;
  return { area, lengthMeters: reach.lengthMeters, searchMs };
}
