/**
 * The catalogue of one database: the built-in collections (core/catalog.ts, seeded from geodata/)
 * and the ones the office imported at run time (table `catalogue`). Each database keeps its own,
 * so two databases in one process (the tests) never see each other's layers. Identifiers used in
 * SQL come only from here: an imported collection's id passed the id rule and names its table.
 */
import { collections as builtIn, findCollection, type CollectionDef, type LayerRole } from '../core/catalog.ts';
import type { Db, Queryable } from './db/db.ts';
import { apiError } from './errors.ts';

const imported = new WeakMap<Db, CollectionDef[]>();

/** Every collection of `db`: the built-in ones, then the imported ones in the order they were made. */
export function catalogue(db: Db): readonly CollectionDef[] {
  const own = imported.get(db);
  return own?.length ? [...builtIn, ...own] : builtIn;
}

/** The collection `id` of `db`, or undefined. */
export function findIn(db: Db, id: string): CollectionDef | undefined {
  return findCollection(id) ?? imported.get(db)?.find((c) => c.id === id);
}

/** Reads the imported collections of `db` (at start, and after a commit made one). */
export async function loadCatalogue(db: Db, via: Queryable = db): Promise<void> {
  const rows = (await via.query<{ def: CollectionDef }>('select def from catalogue order by created_at, id')).rows;
  imported.set(db, rows.map((r) => r.def));
}

/** The id rule of an imported collection (also its table's name). */
export const COLLECTION_ID_RULE = /^[a-z][a-z0-9_]{2,39}$/;

/** Names that are not free for a new collection: the database's own tables and views, and words the API uses. */
export async function idProblem(tx: Queryable, id: string): Promise<string | null> {
  if (!COLLECTION_ID_RULE.test(id)) return `"${id.slice(0, 60)}" is not a valid collection id: 3–40 characters, lower-case letters, digits and "_", starting with a letter (it names the table).`;
  if (findCollection(id)) return `"${id}" is a built-in collection; import into it as a new version instead (target.collection).`;
  const taken = await tx.query<{ n: number }>(
    `select count(*)::int as n from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where c.relname = $1 and n.nspname = any(current_schemas(false))`,
    [id],
  );
  if (taken.rows[0].n > 0 || (await tx.query('select 1 from catalogue where id = $1', [id])).rows.length) return `The name "${id}" is taken; choose another collection id.`;
  if (/^(pg_|sql_)/.test(id) || ['spatial_ref_sys', 'geometry_columns', 'geography_columns', 'imports', 'analysis', 'auth'].includes(id)) return `"${id}" is a reserved name; choose another collection id.`;
  return null;
}

/** The DDL that makes the table of a new collection, shaped and guarded like the built-in ones (migrations 001–003). */
export function createCollectionSql(id: string): string {
  return `create table ${id} (id text primary key, properties jsonb not null, geom geometry(Geometry, 4326), version integer not null default 1);
    create index ${id}_geom_idx on ${id} using gist (geom);
    create trigger ${id}_version after insert or update or delete or truncate on ${id} for each statement execute function bump_collection_version();
    create constraint trigger ${id}_audited after insert or update or delete on ${id} deferrable initially deferred for each row execute function require_audit();
    insert into collection_versions (id) values ('${id}') on conflict do nothing;`;
}

/** Re-creates the view compliance review reads: every control layer of the catalogue plus `extra`. */
export function controlViewSql(db: Db, extra: CollectionDef[] = []): string {
  const ids = [...catalogue(db), ...extra].filter((c) => c.control).map((c) => c.id);
  const parts = [...new Set(ids)].map((id) => `select '${id}'::text as collection, id, properties, geom from ${id}`);
  return `create or replace view control_features as ${parts.join(' union all ')}`;
}

/** The role an imported collection plays; built-in ones are described by their flags. */
export function roleOf(def: CollectionDef): LayerRole {
  if (def.role) return def.role;
  return def.control ? 'control' : 'reference';
}

/** The collection `id` of `db`, or a 404 that lists the collections. */
export function collectionOr404(db: Db, id: string): CollectionDef {
  const def = findIn(db, id);
  if (!def) apiError(404, 'NotFound', `No collection "${id.slice(0, 80)}". Collections: ${catalogue(db).map((c) => c.id).join(', ')}.`);
  return def;
}
