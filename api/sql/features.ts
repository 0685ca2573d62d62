/** Named SQL of the feature writes (Part 4); table names come only from the catalogue. */
import type { CollectionDef } from '../../core/catalog.ts';
import type { SqlQuery } from '../db/db.ts';
import { auditOfWriteSql, type AuditEntry } from './audit.ts';
import { derivedSql } from './import.ts';

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

/** The next state of a feature: inserted (with its first version) or replacing the current one. */
export type FeatureWrite =
  | { kind: 'insert'; id: string; properties: unknown; geojson: string | null; version: number }
  | { kind: 'update'; id: string; properties: unknown; geojson: string | null }
  | { kind: 'delete'; id: string };

/**
 * One statement that writes a feature, sets its derived properties from its new geometry, and
 * appends its audit row (hashed by the chain trigger) with the state as written. Returns the
 * version, properties and geometry written (delete: the tombstone version) and the audit row id;
 * no row when the feature is absent (update, delete) or its id taken (insert).
 */
export function writeFeatureQuery(c: CollectionDef, w: FeatureWrite, audit: AuditEntry): SqlQuery {
  const derived = derivedSql(c, 'n.g');
  const geom = `with n as (select case when $3::text is null then null else ST_SetSRID(ST_GeomFromGeoJSON($3), 4326) end as g), `;
  let write: string;
  let values: unknown[];
  if (w.kind === 'update') {
    write = `${geom}w as (update ${c.id} t set properties = $2::jsonb || ${derived}, geom = n.g, version = t.version + 1
      from n where t.id = $1 returning t.version, t.properties, ST_AsGeoJSON(t.geom, 7)::json as geometry)`;
    values = [w.id, JSON.stringify(w.properties), w.geojson];
  } else if (w.kind === 'insert') {
    write = `${geom}w as (insert into ${c.id} (id, properties, geom, version) select $1, $2::jsonb || ${derived}, n.g, $4::int from n
      on conflict (id) do nothing returning version, properties, ST_AsGeoJSON(geom, 7)::json as geometry)`;
    values = [w.id, JSON.stringify(w.properties), w.geojson, w.version];
  } else {
    write = `with w as (delete from ${c.id} where id = $1 returning version, null::jsonb as properties, null::json as geometry)`;
    values = [w.id];
  }
  const a = auditOfWriteSql(audit, values.length + 1, { deleted: w.kind === 'delete' });
  return {
    text: `${write}, a as (${a.text})
      select ${w.kind === 'delete' ? 'w.version + 1' : 'w.version'} as version, w.properties, w.geometry, (select id from a)::int as audit_id from w`,
    values: [...values, ...a.values],
  };
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
