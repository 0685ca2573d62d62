import type { SqlQuery } from '../db/db.ts';

/** What one audit row records; `id`, `at` and the hashes are assigned by the database (migration 003). */
export interface AuditEntry {
  actor: string | null;
  action: AuditAction;
  collection?: string | null;
  featureId?: string | null;
  versionBefore?: number | null;
  versionAfter?: number | null;
  before?: unknown;
  after?: unknown;
  reason?: string | null;
  requestId?: string | null;
  clientAddress?: string | null;
}

export type AuditAction =
  | 'create'
  | 'update'
  | 'delete'
  | 'restore'
  | 'import'
  | 'maintenance'
  | 'login'
  | 'login_failed'
  | 'logout'
  | 'token_create'
  | 'token_revoke'
  | 'user_create'
  | 'user_update'
  | 'review_create'
  | 'import-commit'
  | 'version-restore';

/** The actions that change a feature (the history of a feature lists these). */
export const FEATURE_ACTIONS: AuditAction[] = ['create', 'update', 'delete', 'restore'];

/** A jsonb parameter: JSON text, or null for no value. */
const jsonOrNull = (v: unknown) => (v === undefined || v === null ? null : JSON.stringify(v));

const AUDIT_COLUMNS = `actor, action, collection, feature_id, version_before, version_after, before, after,
  reason, request_id, client_address, id, at, prev_hash, hash`;

/** Appends one audit row; the chain trigger numbers, times and hashes it. */
export function insertAuditQuery(e: AuditEntry): SqlQuery {
  return {
    text: `insert into audit (${AUDIT_COLUMNS})
      values ($1, $2, $3, $4, $5, $6, $7::jsonb, $8::jsonb, $9, $10, $11, 0, now(), '', '')
      returning id, to_char(at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as at`,
    values: [
      e.actor,
      e.action,
      e.collection ?? null,
      e.featureId ?? null,
      e.versionBefore ?? null,
      e.versionAfter ?? null,
      jsonOrNull(e.before),
      jsonOrNull(e.after),
      e.reason ?? null,
      e.requestId ?? null,
      e.clientAddress ?? null,
    ],
  };
}

/**
 * The audit insert of a write made in the same statement, by the CTE `w` (returning version,
 * properties, geometry): the row's version and after-state come from what was written. Its
 * parameters are numbered from `$first`.
 */
export function auditOfWriteSql(e: AuditEntry, first: number, opts: { deleted: boolean }): { text: string; values: unknown[] } {
  const p = (i: number) => `$${first + i}`;
  return {
    text: `insert into audit (${AUDIT_COLUMNS})
      select ${p(0)}, ${p(1)}, ${p(2)}, ${p(3)}, ${p(4)}::int, ${opts.deleted ? 'w.version + 1' : 'w.version'}, ${p(5)}::jsonb,
        ${opts.deleted ? 'null' : `jsonb_build_object('properties', w.properties, 'geometry', w.geometry)`},
        ${p(6)}, ${p(7)}, ${p(8)}, 0, now(), '', '' from w returning id`,
    values: [
      e.actor,
      e.action,
      e.collection ?? null,
      e.featureId ?? null,
      e.versionBefore ?? null,
      jsonOrNull(e.before),
      e.reason ?? null,
      e.requestId ?? null,
      e.clientAddress ?? null,
    ],
  };
}

/**
 * Checks the whole chain in one pass: each row's `prev_hash` must be the previous row's `hash`,
 * and its `hash` must be the SHA-256 of `prev_hash` and its content. Returns the row count and
 * the id of the first broken row (null when the chain is whole).
 */
export function verifyAuditQuery(): SqlQuery {
  return {
    text: `with chain as (
        select id, hash, prev_hash,
          lag(hash) over (order by id) as previous,
          row_number() over (order by id) as n,
          encode(sha256(convert_to(prev_hash || audit_content(a), 'UTF8')), 'hex') as recomputed
        from audit a)
      select (select count(*)::int from audit) as rows,
        (select min(id) from chain
          where prev_hash <> coalesce(previous, repeat('0', 64)) or hash <> recomputed) as first_broken`,
    values: [],
  };
}

export interface AuditFilter {
  actor?: string;
  collection?: string;
  featureId?: string;
  action?: string;
  since?: string;
  until?: string;
  limit: number;
  offset: number;
}

/** A page of audit rows, newest first, with the number matched. */
export function listAuditQuery(f: AuditFilter): SqlQuery {
  const values: unknown[] = [];
  const where: string[] = [];
  const add = (sql: string, v: unknown) => {
    values.push(v);
    where.push(sql.replace('?', `$${values.length}`));
  };
  if (f.actor) add('actor = ?', f.actor);
  if (f.collection) add('collection = ?', f.collection);
  if (f.featureId) add('feature_id = ?', f.featureId);
  if (f.action) add('action = ?', f.action);
  if (f.since) add('at >= ?::timestamptz', f.since);
  if (f.until) add('at < ?::timestamptz', f.until);
  values.push(f.limit, f.offset);
  const n = values.length;
  return {
    text: `with matched as (select * from audit ${where.length ? `where ${where.join(' and ')}` : ''})
      select (select count(*)::int from matched) as number_matched,
        coalesce((select json_agg(r order by r.id desc) from (
          select id, to_char(at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as at, actor, action, collection,
            feature_id as "featureId", version_before as "versionBefore", version_after as "versionAfter",
            reason, request_id as "requestId", client_address as "clientAddress", hash
          from matched order by id desc limit $${n - 1} offset $${n}) r), '[]')::text as rows`,
    values,
  };
}

/** The versions of one feature, newest first: each with its full state after the change. */
export function featureHistoryQuery(collection: string, featureId: string): SqlQuery {
  return {
    text: `select coalesce(json_agg(json_build_object(
        'version', version_after, 'at', to_char(at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
        'actor', actor, 'action', action, 'reason', reason,
        'properties', after->'properties', 'geometry', after->'geometry', 'auditId', id,
        'versionBefore', version_before, 'before', before) order by id desc), '[]')::text as versions
      from audit where collection = $1 and feature_id = $2 and action = any($3::text[])`,
    values: [collection, featureId, FEATURE_ACTIONS],
  };
}
