/** Named SQL of the feature writes (Part 4); table names come only from the catalogue. */
import type { CollectionDef } from '../../core/catalog.ts';
import type { SqlQuery } from '../db/db.ts';

/** A feature's state as the audit trail keeps it: version, properties and geometry (GeoJSON, EPSG:4326). */
const STATE = `version, properties, ST_AsGeoJSON(geom, 7)::json as geometry`;

/** The current state of one feature, locked for the rest of the transaction (no row when absent). */
export function lockFeatureQuery(c: CollectionDef, id: string): SqlQuery {
  return { text: `select ${STATE} from ${c.id} where id = $1 for update`, values: [id] };
}

/** The version of one feature (for the item ETag), or no row. */
export function featureVersionQuery(c: CollectionDef, id: string): SqlQuery {
  return { text: `select version from ${c.id} where id = $1`, values: [id] };
}

/** Why a GeoJSON geometry (EPSG:4326) is not valid, or null when it is. */
export function geometryProblemQuery(geojson: string): SqlQuery {
  return {
    text: `select case when ST_IsValid(g) then null else ST_IsValidReason(g) end as problem
      from (select ST_SetSRID(ST_GeomFromGeoJSON($1), 4326) as g) s`,
    values: [geojson],
  };
}

export function insertFeatureQuery(c: CollectionDef, id: string, properties: unknown, geojson: string | null, version: number): SqlQuery {
  return {
    text: `insert into ${c.id} (id, properties, geom, version)
      values ($1, $2::jsonb, case when $3::text is null then null else ST_SetSRID(ST_GeomFromGeoJSON($3), 4326) end, $4)
      on conflict (id) do nothing returning ${STATE}`,
    values: [id, JSON.stringify(properties), geojson, version],
  };
}

export function updateFeatureQuery(c: CollectionDef, id: string, properties: unknown, geojson: string | null): SqlQuery {
  return {
    text: `update ${c.id} set properties = $2::jsonb,
        geom = case when $3::text is null then null else ST_SetSRID(ST_GeomFromGeoJSON($3), 4326) end,
        version = version + 1
      where id = $1 returning ${STATE}`,
    values: [id, JSON.stringify(properties), geojson],
  };
}

export function deleteFeatureQuery(c: CollectionDef, id: string): SqlQuery {
  return { text: `delete from ${c.id} where id = $1 returning version`, values: [id] };
}

/** The state after a write (derived properties included), for the audit row and the response. */
export function featureStateQuery(c: CollectionDef, id: string): SqlQuery {
  return { text: `select ${STATE} from ${c.id} where id = $1`, values: [id] };
}

/** Whether an id was ever used in a collection (a deleted feature's id is not given out again). */
export function idUsedQuery(collection: string, id: string): SqlQuery {
  return { text: `select exists (select 1 from audit where collection = $1 and feature_id = $2) as used`, values: [collection, id] };
}

/** The newest audit row of a feature (its last version, also when deleted). */
export function lastFeatureAuditQuery(collection: string, id: string): SqlQuery {
  return {
    text: `select action, version_after as version from audit where collection = $1 and feature_id = $2
      and action = any('{create,update,delete,restore}') order by id desc limit 1`,
    values: [collection, id],
  };
}

/** The state of a feature at `version` (from its audit trail: the after of that version, or the before of the next). */
export function featureAtVersionQuery(collection: string, id: string, version: number): SqlQuery {
  return {
    text: `select state from (
        select after as state, 0 as pref, id from audit where collection = $1 and feature_id = $2 and version_after = $3 and action <> 'delete'
        union all
        select before as state, 1 as pref, id from audit where collection = $1 and feature_id = $2 and version_before = $3 and before is not null
      ) s order by pref, id limit 1`,
    values: [collection, id, version],
  };
}
