import { collections, type CollectionDef } from '../../core/catalog.ts';
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

/** Geodesic area on the WGS84 ellipsoid (geography) of the geometry expression `g`, whole m²; null unless polygonal. */
export const areaSql = (g: string) => `case when ${g} is not null and ST_Dimension(${g}) = 2 then round(ST_Area(${g}::geography))::bigint end`;

/**
 * The zone holding the largest share of the geometry expression `g` (by area, or by length for a
 * line); a point takes the zone that contains it (or whose edge it lies on); null outside every zone.
 * A polygon or line that only touches a zone along its edge has no share of it and is not in it (the
 * forest-management polygon, the nature reserve, shares an edge with the front-slope zone: issue 13).
 */
export const zoneSql = (g: string) =>
  `(select zn.id from (select z.id, case when ST_Dimension(${g}) = 1 then ST_Length(ST_Intersection(z.geom, ${g}))
        when ST_Dimension(${g}) = 2 then ST_Area(ST_Intersection(z.geom, ${g})) else 1 end as share
      from zones z where ${g} is not null and ST_Intersects(z.geom, ${g})) zn
    where zn.share > 0 order by zn.share desc, zn.id limit 1)`;

/** The derived properties of one feature of `c` whose geometry is `g`, as a jsonb expression (a write sets them with the row). */
export function derivedSql(c: CollectionDef, g: string): string {
  const parts: string[] = [];
  if (c.properties.area_square_meters) parts.push(`jsonb_strip_nulls(jsonb_build_object('area_square_meters', ${areaSql(g)}))`);
  if (c.id === 'projects') parts.push(`jsonb_build_object('zone_id', ${zoneSql(g)})`);
  return parts.length ? parts.join(' || ') : `'{}'::jsonb`;
}

/** Every project's support zone, changing only rows whose zone differs. */
const projectZoneQuery: SqlQuery = {
  text: `update projects p set properties = p.properties || jsonb_build_object('zone_id', z.zone_id)
    from (select pr.id, ${zoneSql('pr.geom')} as zone_id from projects pr) z
    where p.id = z.id and (p.properties->'zone_id') is distinct from coalesce(to_jsonb(z.zone_id), 'null'::jsonb)`,
  values: [],
};

/**
 * Recomputes the derived properties of every feature, changing only rows whose value differs (so a
 * re-import changes nothing): geodesic area of polygonal features, and each project's support zone.
 */
export function deriveQueries(): SqlQuery[] {
  const areas = collections
    .filter((c) => c.properties.area_square_meters)
    .map((c) => ({
      text: `update ${c.id} set properties = properties || jsonb_build_object('area_square_meters', a.m2)
        from (select id, ${areaSql('geom')} as m2 from ${c.id} where geom is not null and ST_Dimension(geom) = 2) a
        where ${c.id}.id = a.id and (${c.id}.properties->'area_square_meters') is distinct from to_jsonb(a.m2)`,
      values: [],
    }));
  return [...areas, projectZoneQuery];
}

/** What a change to one feature of `collection` changes in other features: a zone moves every project's zone. */
export function dependentDeriveQueries(collection: string): SqlQuery[] {
  return collection === 'zones' ? [projectZoneQuery] : [];
}

/** Audited feature changes to a collection since its last import (an edited table is not re-imported). */
export function editsSinceImportQuery(collection: string): SqlQuery {
  return {
    text: `select count(*)::int as n from audit where collection = $1 and action = any('{create,update,delete,restore,import-commit,version-restore}')
      and id > coalesce((select max(id) from audit where collection = $1 and action = 'import'), 0)`,
    values: [collection],
  };
}
