/**
 * Named SQL of import commits and collection versions. Table names come only from the catalogue
 * (api/catalogue.ts); every value is a parameter.
 */
import type { CollectionDef } from '../../core/catalog.ts';
import type { SqlQuery } from '../db/db.ts';
import { derivedSql } from './import.ts';

/** The geometry expression as stored: 2D, EPSG:4326, repaired with ST_MakeValid when invalid (same dimension kept). */
const repaired = (g: string) => `case when ST_IsValid(${g}) then ${g} else ST_CollectionExtract(ST_MakeValid(${g}), ST_Dimension(${g}) + 1) end`;

/**
 * For the geometries of a commit (a JSON array of `{ i, geometry }`): which are invalid, why, and
 * whether anything is left once repaired.
 */
export function commitGeometryCheckQuery(geometriesJson: string): SqlQuery {
  return {
    text: `with g as materialized (select (e->>'i')::int as i, ST_Force2D(ST_SetSRID(ST_GeomFromGeoJSON(e->'geometry'), 4326)) as g
        from jsonb_array_elements($1::jsonb) as e)
      select i, ST_IsValidReason(g) as reason, ST_IsEmpty(${repaired('g')}) as empty_after_repair
      from g where not ST_IsValid(g) order by i`,
    values: [geometriesJson],
  };
}

/** Inserts the commit's features (`[{ id, properties, geometry }]`) with their derived properties. */
export function insertCommitQuery(def: CollectionDef, featuresJson: string): SqlQuery {
  return {
    text: `insert into ${def.id} (id, properties, geom)
      select s.id, s.properties || ${derivedSql(def, 's.g')}, s.g
      from (select f->>'id' as id, f->'properties' as properties,
          case when jsonb_typeof(f->'geometry') = 'object' then (select ${repaired('g0')}
            from (select ST_Force2D(ST_SetSRID(ST_GeomFromGeoJSON(f->'geometry'), 4326)) as g0) x) end as g
        from jsonb_array_elements($1::jsonb) as f) s`,
    values: [featuresJson],
  };
}

/** Ids of `ids` (a JSON array) the collection already has (an append must not take them). */
export function takenIdsQuery(def: CollectionDef, idsJson: string): SqlQuery {
  return { text: `select id from ${def.id} where id in (select jsonb_array_elements_text($1::jsonb)) order by id limit 5`, values: [idsJson] };
}

/** The live version of a collection (null: never versioned, the seed is live). */
export function liveVersionQuery(collection: string): SqlQuery {
  return { text: 'select max(version)::int as version from collection_history where collection = $1', values: [collection] };
}

/** The first history row of a collection that was never versioned: its seed (geodata/), as imported. */
export function seedVersionQuery(def: CollectionDef): SqlQuery {
  return {
    text: `insert into collection_history (collection, version, action, actor, at, file_name, feature_count, provenance)
      select $1, 1, 'seed', 'system', coalesce((select imported_at from datasets where id = $1), now()),
        'geodata/' || $1 || '/' || $1 || '.geojson', (select count(*)::int from ${def.id}), (select provenance from datasets where id = $1)`,
    values: [def.id],
  };
}

/** Keeps the live features of a collection as version `version` (before a commit or restore replaces them). */
export function snapshotQuery(def: CollectionDef, version: number): SqlQuery {
  return {
    text: `insert into history_features (collection, version, id, properties, geom, feature_version)
      select $1, $2, id, properties, geom, version from ${def.id}
      on conflict do nothing`,
    values: [def.id, version],
  };
}

export interface HistoryRow {
  collection: string;
  version: number;
  action: 'seed' | 'commit' | 'restore';
  mode: string | null;
  actor: string;
  fileName: string | null;
  sha256: string | null;
  featureCount: number;
  restoredFrom: number | null;
  auditId: number | null;
  provenance: unknown;
}

/** Records a new version of a collection. */
export function insertHistoryQuery(h: HistoryRow): SqlQuery {
  return {
    text: `insert into collection_history (collection, version, action, mode, actor, file_name, sha256, feature_count, restored_from, audit_id, provenance)
      values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11::jsonb)`,
    values: [h.collection, h.version, h.action, h.mode, h.actor, h.fileName, h.sha256, h.featureCount, h.restoredFrom, h.auditId, JSON.stringify(h.provenance ?? null)],
  };
}

/** Every version of a collection, newest first, with whether its features are kept (restorable). */
export function versionsQuery(collection: string): SqlQuery {
  return {
    text: `select h.version, h.action, h.mode, h.actor, to_char(h.at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') as at,
        h.file_name as "fileName", h.sha256, h.feature_count as "featureCount", h.restored_from as "restoredFrom",
        exists (select 1 from history_features f where f.collection = h.collection and f.version = h.version) as kept
      from collection_history h where h.collection = $1 order by h.version desc`,
    values: [collection],
  };
}

/**
 * Puts version `version`'s kept features back as the live table. Each feature's version moves
 * past its live one, so an edit form holding the old ETag is refused (412) rather than overwriting.
 */
export function restoreQueries(def: CollectionDef, version: number): SqlQuery[] {
  return [
    {
      text: `create temp table restore_versions on commit drop as select id, version from ${def.id}`,
      values: [],
    },
    { text: `delete from ${def.id}`, values: [] },
    {
      text: `insert into ${def.id} (id, properties, geom, version)
        select f.id, f.properties, f.geom, greatest(f.feature_version, coalesce(r.version, 0) + 1)
        from history_features f left join restore_versions r on r.id = f.id
        where f.collection = $1 and f.version = $2`,
      values: [def.id, version],
    },
  ];
}

/** Upserts a dataset's provenance (an import commit describes where the new data came from). */
export function provenanceQuery(collection: string, provenance: unknown, checksum: string, featureCount: number): SqlQuery {
  return {
    text: `insert into datasets (id, provenance, checksum, feature_count, imported_at) values ($1, $2::jsonb, $3, $4, now())
      on conflict (id) do update set provenance = excluded.provenance, feature_count = excluded.feature_count, imported_at = excluded.imported_at`,
    values: [collection, JSON.stringify(provenance), checksum, featureCount],
  };
}
