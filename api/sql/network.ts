import type { SqlQuery } from '../db/db.ts';
import type { CoverageSpec } from '../../core/analysis/coverage-rules.ts';
import { coverageCtes, GRID_METERS } from './coverage.ts';

/** The version of a collection as the caches compare it (a write bumps it; null: not versioned). */
const versionSql = (param: string) => `(select version::text from collection_versions where id = ${param}) as version`;

/** The answer of networkEdgesQuery. */
export interface NetworkEdgesRow {
  /** The collection's version, read in the same statement as the lines. */
  version: string | null;
  /** [[[x, y], …], …]: every line of the network, noded (EPSG:4546 m, mm precision). */
  edges: string | null;
}

/**
 * The whole walking network `network`, noded: a union of its lines at a fixed 1 mm precision puts a
 * node at every crossing (ST_Node without GEOS's exception-driven fallback, which embedded PGlite
 * cannot run). Read once per version of the collection: the API keeps the graph built from it.
 */
export function networkEdgesQuery(network: string): SqlQuery {
  return {
    text: `select ${versionSql('$1')},
        (select json_agg(ST_AsGeoJSON((d).geom, 3)::json->'coordinates')::text from (
          select ST_Dump(ST_UnaryUnion(ST_Collect(g), ${GRID_METERS})) as d from (
            select (ST_Dump(ST_CollectionExtract(ST_Transform(geom, 4546), 2))).geom as g from ${network} where geom is not null) l) x) as edges`,
    values: [network],
  };
}

/** The answer of networkSourcesQuery. */
export interface NetworkSourcesRow {
  version: string | null;
  /** [[kind ('f' facility | 'x' what-if), ord, distance m, geometry (GeoJSON, EPSG:4546)], …] */
  sources: string | null;
}

/**
 * The facilities that reach the measured land (and the what-if points) of a network coverage, as
 * planar geometries with their walking distance, and the network's version (to check the kept graph).
 */
export function networkSourcesQuery(spec: CoverageSpec, network: string): SqlQuery {
  const values: unknown[] = [];
  const ctes = coverageCtes(spec, values);
  const p = (v: unknown) => {
    values.push(v);
    return `$${values.length}`;
  };
  const lon = p(spec.extra.map((e) => e.lonLat[0]));
  const lat = p(spec.extra.map((e) => e.lonLat[1]));
  const r = p(spec.extra.map((e) => e.radiusMeters));
  const id = p(network);
  return {
    text: `with ${ctes},
      srcs as (select 'f' as kind, 0 as ord, g, radius from near
        union all
        select 'x', e.ord::int, ST_Transform(ST_SetSRID(ST_MakePoint(e.lon, e.lat), 4326), 4546), e.r
          from unnest(${lon}::float8[], ${lat}::float8[], ${r}::float8[]) with ordinality as e(lon, lat, r, ord))
      select ${versionSql(id)},
        (select json_agg(json_build_array(kind, ord, radius, ST_AsGeoJSON(g, 3)::json) order by kind, ord, ST_XMin(g), ST_YMin(g), radius)::text from srcs) as sources`,
    values,
  };
}

/** The version of a network collection (collection_versions), to check the kept graph. */
export function networkVersionQuery(network: string): SqlQuery {
  return { text: `select ${versionSql('$1')}`, values: [network] };
}
