import type { SqlQuery } from '../db/db.ts';

/**
 * For the geometries of an upload (a JSON array of GeoJSON geometries in EPSG:4326): which are
 * invalid (1-based index and PostGIS's reason), which lie outside China, which outside Xincheng.
 */
export function importProblemsQuery(geometriesJson: string): SqlQuery {
  return {
    text: `with g as materialized (select i::int, ST_SetSRID(ST_GeomFromGeoJSON(value::text), 4326) as geom
        from json_array_elements($1::json) with ordinality as e(value, i)),
      d as materialized (select geom from district where properties->>'adcode' = '150102')
      select
        (select json_agg(json_build_object('i', i, 'reason', ST_IsValidReason(geom)) order by i) from g where not ST_IsValid(geom)) as invalid,
        (select json_agg(i order by i) from g where not ST_Intersects(geom, ST_MakeEnvelope(73.4, 18, 135.1, 53.6, 4326))) as outside_china,
        (select json_agg(i order by i) from g, d where not ST_Intersects(g.geom, d.geom)) as outside_district`,
    values: [geometriesJson],
  };
}
