import type { SqlQuery } from '../db/db.ts';
import { NETWORK_MAX_ACCESS_METERS, NETWORK_POLYGON_ACCESS_METERS, type CoverageSpec } from '../../core/analysis/coverage-rules.ts';
import { coverageCtes, GRID_METERS } from './coverage.ts';

/** The answer of networkQuery: JSON texts. */
export interface NetworkRow {
  /** [[id, [[x, y], …]], …]: the network's lines near the facilities, noded (EPSG:4546 m, mm precision). */
  edges: string | null;
  /** [[i, kind ('f' facility | 'x' what-if), ord, distance m], …] */
  sources: string | null;
  /** [[i, edge id, fraction along the edge, straight walk m], …] */
  access: string | null;
}

/**
 * The walking network a coverage needs: the lines of `network` within reach of the facilities that
 * reach the measured land (and of the what-if ones), noded by ST_Node (a node at every crossing),
 * and where each facility enters it: a point at the nearest point of the nearest edge within
 * NETWORK_MAX_ACCESS_METERS, a polygon at the nearest point of every edge within
 * NETWORK_POLYGON_ACCESS_METERS of it (and of the nearest edge).
 */
export function networkQuery(spec: CoverageSpec, network: string): SqlQuery {
  const values: unknown[] = [];
  const ctes = coverageCtes(spec, values);
  const p = (v: unknown) => {
    values.push(v);
    return `$${values.length}`;
  };
  const lon = p(spec.extra.map((e) => e.lonLat[0]));
  const lat = p(spec.extra.map((e) => e.lonLat[1]));
  const r = p(spec.extra.map((e) => e.radiusMeters));
  return {
    text: `with ${ctes},
      srcs as (select row_number() over (order by kind, ord, ST_XMin(g), ST_YMin(g), radius)::int - 1 as i, kind, ord, g, radius from (
          select 'f' as kind, 0 as ord, g, radius from near
          union all
          select 'x', e.ord::int, ST_Transform(ST_SetSRID(ST_MakePoint(e.lon, e.lat), 4326), 4546), e.r
            from unnest(${lon}::float8[], ${lat}::float8[], ${r}::float8[]) with ordinality as e(lon, lat, r, ord)) s),
      reach as (select ST_Transform(ST_Envelope(ST_Collect(ST_Expand(g, radius + ${NETWORK_MAX_ACCESS_METERS}))), 4326) as box from srcs),
      lines as (select (ST_Dump(ST_CollectionExtract(ST_Transform(n.geom, 4546), 2))).geom as g
        from ${network} n, reach where n.geom is not null and n.geom && reach.box),
      near_lines as (select l.g from lines l where exists (select 1 from srcs s where l.g && ST_Expand(s.g, s.radius + ${NETWORK_MAX_ACCESS_METERS})
          and ST_DWithin(l.g, s.g, s.radius + ${NETWORK_MAX_ACCESS_METERS}))),
      -- A union of the lines at a fixed 1 mm precision nodes them at every crossing (ST_Node without
      -- GEOS's exception-driven fallback, which embedded PGlite cannot run).
      net as (select (d).path[1] as id, (d).geom as g from (select ST_Dump(ST_UnaryUnion(ST_Collect(g), ${GRID_METERS})) as d from near_lines) x),
      acc as (select s.i, e.id, ST_LineLocatePoint(e.g, ST_ClosestPoint(e.g, s.g)) as frac, ST_Distance(e.g, s.g) as walk
        from srcs s cross join lateral (
          (select e.id, e.g from net e where ST_Dimension(s.g) = 2 and e.g && ST_Expand(s.g, ${NETWORK_POLYGON_ACCESS_METERS}) and ST_DWithin(e.g, s.g, ${NETWORK_POLYGON_ACCESS_METERS}))
          union
          (select e.id, e.g from net e where e.g && ST_Expand(s.g, ${NETWORK_MAX_ACCESS_METERS}) and ST_DWithin(e.g, s.g, ${NETWORK_MAX_ACCESS_METERS})
            order by ST_Distance(e.g, s.g), e.id limit 1)) e)
      select (select json_agg(json_build_array(id, ST_AsGeoJSON(g, 3)::json->'coordinates') order by id)::text from net) as edges,
        (select json_agg(json_build_array(i, kind, ord, radius) order by i)::text from srcs) as sources,
        (select json_agg(json_build_array(i, id, frac, walk) order by i, id)::text from acc) as access`,
    values,
  };
}
