import { collections } from '../../core/catalog.ts';
import type { SqlQuery } from '../db/db.ts';

/** Inserts GeoJSON features (already checked for ids) into a catalogue table in one statement. */
export function insertFeaturesQuery(table: string, features: unknown[]): SqlQuery {
  return {
    // One jsonb parameter for the whole collection: one round trip, and no value ever in the text.
    text: `insert into ${table} (id, properties, geom)
      select f->>'id', coalesce(f->'properties', '{}'::jsonb),
        case when jsonb_typeof(f->'geometry') = 'object'
          then ST_SetSRID(ST_GeomFromGeoJSON(f->'geometry'), 4326) end
      from jsonb_array_elements($1::jsonb) as f`,
    values: [JSON.stringify(features)],
  };
}

/**
 * Recomputes the derived properties, changing only rows whose value differs (so a re-import
 * changes nothing): geodesic area of polygonal features, and each project's support zone.
 * `only` limits it to what one feature's change affects (a zone's change: every project's zone).
 */
export function deriveQueries(only?: { collection: string; id: string }): SqlQuery[] {
  const one = (table: string, alias: string) => (only && only.collection === table ? { sql: ` and ${alias}.id = $1`, values: [only.id] } : { sql: '', values: [] });
  const areas = collections
    .filter((c) => c.properties.area_square_meters && (!only || only.collection === c.id))
    .map((c) => ({
      // Geodesic area on the WGS84 ellipsoid (geography), rounded to whole square metres.
      text: `update ${c.id} set properties = properties || jsonb_build_object('area_square_meters', a.m2)
        from (select id, round(ST_Area(geom::geography))::bigint as m2 from ${c.id}
              where geom is not null and ST_Dimension(geom) = 2${one(c.id, c.id).sql}) a
        where ${c.id}.id = a.id and (${c.id}.properties->'area_square_meters') is distinct from to_jsonb(a.m2)`,
      values: one(c.id, c.id).values,
    }));
  const projectZone: SqlQuery = {
    // The zone holding the largest share of the site (by area, or by length for a line); a point
    // takes the zone that contains it.
    text: `update projects p set properties = p.properties || jsonb_build_object('zone_id', z.zone_id)
      from (select pr.id, (select zn.id from zones zn
              where pr.geom is not null and ST_Intersects(zn.geom, pr.geom)
              order by case when ST_Dimension(pr.geom) = 1 then ST_Length(ST_Intersection(zn.geom, pr.geom))
                else ST_Area(ST_Intersection(zn.geom, pr.geom)) end desc, zn.id limit 1) as zone_id
            from projects pr where true${one('projects', 'pr').sql}) z
      where p.id = z.id and (p.properties->'zone_id') is distinct from coalesce(to_jsonb(z.zone_id), 'null'::jsonb)`,
    values: one('projects', 'pr').values,
  };
  const zoneOfProjects = !only || only.collection === 'projects' || only.collection === 'zones';
  return zoneOfProjects ? [...areas, projectZone] : areas;
}

/** Audited feature changes to a collection since its last import (an edited table is not re-imported). */
export function editsSinceImportQuery(collection: string): SqlQuery {
  return {
    text: `select count(*)::int as n from audit where collection = $1 and action = any('{create,update,delete,restore}')
      and id > coalesce((select max(id) from audit where collection = $1 and action = 'import'), 0)`,
    values: [collection],
  };
}
