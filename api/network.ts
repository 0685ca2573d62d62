/**
 * The network method of coverage (issue 14): the walking graph of a network collection, built once
 * per version of the collection and kept (the graph is read and noded in PostGIS, then built with
 * core/analysis/network.ts); per analysis only the facilities are read, where they enter the network
 * and what they reach are found on the kept graph, and the reached edges go to the coverage query,
 * which buffers them in place of circles.
 */
import { NETWORK_BUFFER_METERS, NETWORK_MAX_ACCESS_METERS, NETWORK_POLYGON_ACCESS_METERS, NETWORK_SNAP_METERS, round, type NetworkFigures, type ResolvedCoverage } from '../core/analysis/coverage-rules.ts';
import { accessPoints, buildWalkingGraph, planarShape, reachedLines, type NetworkSource, type WalkingGraph, type XY } from '../core/analysis/network.ts';
import type { Queryable, QueryOptions } from './db/db.ts';
import { networkEdgesQuery, networkSourcesQuery, type NetworkEdgesRow, type NetworkSourcesRow } from './sql/network.ts';

const multiLine = (lines: XY[][]) => JSON.stringify({ type: 'MultiLineString', coordinates: lines });

/** A network's graph as kept: the version it was built from, its noded lines (for the browser) and the graph. */
export interface KeptNetwork {
  version: string;
  lines: XY[][];
  graph: WalkingGraph;
  /** How long reading + noding (SQL) and building the graph took (ms). */
  buildMs: { read: number; graph: number };
}

/** Networks kept per database (a process may hold two: the tests' embedded and server databases). */
const KEEP = 4;
const kept = new WeakMap<object, Map<string, Promise<KeptNetwork>>>();

/** The graph kept for `network` (whatever its version), if any. */
export function keptNetwork(db: object, network: string): Promise<KeptNetwork> | undefined {
  return kept.get(db)?.get(network);
}

/**
 * The walking graph of `network` at `version` (the collection's version as collection_versions
 * holds it): the kept one, or read, noded and built now and kept. A collection without a version
 * (not made by the catalogue) is built afresh every time.
 */
export async function walkingNetwork(db: Queryable, network: string, version: string | null, limits: QueryOptions = {}): Promise<KeptNetwork> {
  let byId = kept.get(db);
  if (!byId) kept.set(db, (byId = new Map()));
  const key = network;
  const have = byId.get(key);
  if (have && version !== null) {
    const k = await have.catch(() => null);
    if (k && k.version === version) {
      // Most recently used last.
      byId.delete(key);
      byId.set(key, have);
      return k;
    }
  }
  const build = (async (): Promise<KeptNetwork> => {
    const t0 = performance.now();
    const q = networkEdgesQuery(network);
    const row = (await db.query<NetworkEdgesRow>(q.text, q.values, limits)).rows[0];
    const t1 = performance.now();
    const lines = (JSON.parse(row?.edges ?? 'null') as XY[][] | null) ?? [];
    const graph = buildWalkingGraph(lines, NETWORK_SNAP_METERS);
    return { version: row?.version ?? '', lines, graph, buildMs: { read: t1 - t0, graph: performance.now() - t1 } };
  })();
  if (version === null) return build;
  byId.delete(key);
  byId.set(key, build);
  while (byId.size > KEEP) byId.delete(byId.keys().next().value!);
  build.catch(() => byId.get(key) === build && byId.delete(key));
  return build;
}

/** `r` with its network service areas filled in (spec.networkCover and each what-if's serviceLines), and what the network measured. */
export async function networkCover(
  db: Queryable,
  r: ResolvedCoverage,
  limits: QueryOptions,
): Promise<{ resolved: ResolvedCoverage; figures: NetworkFigures; timingsMs: { sources: number; network: number; search: number; cached: boolean } }> {
  const t0 = performance.now();
  const q = networkSourcesQuery(r.spec, r.network!.id);
  const row = (await db.query<NetworkSourcesRow>(q.text, q.values, limits)).rows[0];
  const t1 = performance.now();
  const before = keptNetwork(db, r.network!.id);
  const net = await walkingNetwork(db, r.network!.id, row?.version ?? null, limits);
  const cached = before !== undefined && (await before.catch(() => null)) === net;
  const t2 = performance.now();
  const g = net.graph;
  const srcRows = (JSON.parse(row?.sources ?? 'null') as ['f' | 'x', number, number, { type: string; coordinates: unknown }][] | null) ?? [];
  const sources = srcRows.map(([kind, ord, distanceMeters, geometry]) => ({
    kind,
    ord,
    distanceMeters,
    access: accessPoints(g, planarShape(geometry), NETWORK_MAX_ACCESS_METERS, NETWORK_POLYGON_ACCESS_METERS),
  }));
  const facilities = sources.filter((s) => s.kind === 'f');
  const onNetwork: NetworkSource[] = facilities.filter((s) => s.access.length > 0);
  const base = reachedLines(g, onNetwork);
  const extrasByOrd = new Map(sources.filter((s) => s.kind === 'x').map((s) => [s.ord, s]));
  const extra = r.spec.extra.map((e, k) => {
    if (e.serviceLines) return e;
    const s = extrasByOrd.get(k + 1);
    return { ...e, serviceLines: multiLine(s && s.access.length ? reachedLines(g, [s]).lines : []) };
  });
  const resolved: ResolvedCoverage = {
    ...r,
    spec: { ...r.spec, extra, networkCover: { lines: multiLine(base.lines), bufferMeters: NETWORK_BUFFER_METERS } },
  };
  return {
    timingsMs: { sources: t1 - t0, network: t2 - t1, search: performance.now() - t2, cached },
    resolved,
    figures: {
      nodes: g.nodes.length,
      edges: g.edges.length,
      reached: onNetwork.length,
      unreached: facilities.length - onNetwork.length,
      reachedLengthMeters: round(base.lengthMeters, 1),
      snapMeters: NETWORK_SNAP_METERS,
      bufferMeters: NETWORK_BUFFER_METERS,
      version: net.version,
    },
  };
}
