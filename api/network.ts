/**
 * The network method of coverage (issue 14): reads the walking network near the facilities from the
 * database, builds the graph and finds what each facility reaches (core/analysis/network.ts), and
 * hands the reached edges to the coverage query, which buffers them in place of circles.
 */
import { NETWORK_BUFFER_METERS, NETWORK_SNAP_METERS, round, type NetworkFigures, type ResolvedCoverage } from '../core/analysis/coverage-rules.ts';
import { buildWalkingGraph, reachedLines, type NetworkSource, type XY } from '../core/analysis/network.ts';
import type { Queryable, QueryOptions } from './db/db.ts';
import { networkQuery, type NetworkRow } from './sql/network.ts';

const multiLine = (lines: XY[][]) => JSON.stringify({ type: 'MultiLineString', coordinates: lines });

/** `r` with its network service areas filled in (spec.networkCover and each what-if's serviceLines), and what the network measured. */
export async function networkCover(db: Queryable, r: ResolvedCoverage, limits: QueryOptions): Promise<{ resolved: ResolvedCoverage; figures: NetworkFigures; timingsMs: { query: number; graph: number } }> {
  const t0 = performance.now();
  const q = networkQuery(r.spec, r.network!.id);
  const row = (await db.query<NetworkRow>(q.text, q.values, limits)).rows[0];
  const t1 = performance.now();
  const edgeRows = JSON.parse(row?.edges ?? 'null') as [number, XY[]][] | null;
  const g = buildWalkingGraph((edgeRows ?? []).map((e) => e[1]), NETWORK_SNAP_METERS);
  const index = new Map((edgeRows ?? []).map((e, j) => [e[0], j]));
  const srcRows = (JSON.parse(row?.sources ?? 'null') as [number, 'f' | 'x', number, number][] | null) ?? [];
  const accRows = (JSON.parse(row?.access ?? 'null') as [number, number, number, number][] | null) ?? [];
  // The graph drops zero-length lines: map each row's edge id to its edge.
  const kept = new Map(g.edges.map((e, j) => [e.input, j]));
  const sources = new Map<number, NetworkSource & { kind: 'f' | 'x'; ord: number }>();
  for (const [i, kind, ord, distanceMeters] of srcRows) sources.set(i, { kind, ord, distanceMeters, access: [] });
  for (const [i, id, frac, walk] of accRows) {
    const j = kept.get(index.get(id) ?? -1);
    if (j === undefined) continue;
    sources.get(i)?.access.push({ edge: j, along: frac * g.edges[j].length, walk });
  }
  const facilities = [...sources.values()].filter((s) => s.kind === 'f');
  const onNetwork = facilities.filter((s) => s.access.length > 0);
  const base = reachedLines(g, onNetwork);
  const extrasByOrd = new Map([...sources.values()].filter((s) => s.kind === 'x').map((s) => [s.ord, s]));
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
    timingsMs: { query: performance.now() - t0 - (performance.now() - t1), graph: performance.now() - t1 },
    resolved,
    figures: {
      nodes: g.nodes.length,
      edges: g.edges.length,
      reached: onNetwork.length,
      unreached: facilities.length - onNetwork.length,
      reachedLengthMeters: round(base.lengthMeters, 1),
      snapMeters: NETWORK_SNAP_METERS,
      bufferMeters: NETWORK_BUFFER_METERS,
    },
  };
}
