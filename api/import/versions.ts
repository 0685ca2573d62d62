/**
 * Versions of a whole collection: the seed, each import commit, each restore. An admin restores a
 * kept version: the live features are kept as a version of their own first, so a restore can be
 * undone by restoring again. Audited like every write.
 */
import { audited, type WriteContext } from '../audit/audited.ts';
import type { CollectionDef } from '../../core/catalog.ts';
import { run, type Db } from '../db/db.ts';
import { apiError } from '../errors.ts';
import * as sql from '../sql/versions.ts';

export interface VersionInfo {
  version: number;
  action: 'seed' | 'commit' | 'restore';
  mode: string | null;
  actor: string;
  at: string;
  fileName: string | null;
  sha256: string | null;
  featureCount: number;
  restoredFrom: number | null;
  live: boolean;
  restorable: boolean;
}

/** The versions of `def`, newest first; a collection never versioned has its seed as version 1. */
export async function listVersions(db: Db, def: CollectionDef): Promise<VersionInfo[]> {
  const q = sql.versionsQuery(def.id);
  const rows = (await db.query<Omit<VersionInfo, 'live' | 'restorable'> & { kept: boolean }>(q.text, q.values)).rows;
  if (rows.length === 0) {
    const seed = (await db.query<{ at: string | null; n: number }>(
      `select (select to_char(imported_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') from datasets where id = $1) as at, (select count(*)::int from ${def.id}) as n`,
      [def.id],
    )).rows[0];
    return [{ version: 1, action: 'seed', mode: null, actor: 'system', at: seed.at ?? '', fileName: `geodata/${def.id}/${def.id}.geojson`, sha256: null, featureCount: seed.n, restoredFrom: null, live: true, restorable: false }];
  }
  return rows.map(({ kept, ...r }, k) => ({ ...r, live: k === 0, restorable: k > 0 && kept }));
}

/** Makes version `version` of `def` live again (admins); returns the new version it becomes. */
export async function restoreVersion(db: Db, ctx: WriteContext, def: CollectionDef, version: number) {
  return audited(db, ctx, 'admin', `restore a version of ${def.id}`, async (tx, audit) => {
    await tx.exec(`lock table ${def.id} in share row exclusive mode`);
    const rows = (await tx.query<{ version: number; kept: boolean; provenance: unknown; feature_count: number }>(
      `select h.version, h.provenance, h.feature_count,
          exists (select 1 from history_features f where f.collection = h.collection and f.version = h.version) as kept
        from collection_history h where h.collection = $1 order by h.version desc`,
      [def.id],
    )).rows;
    const live = rows[0]?.version ?? 1;
    const wanted = rows.find((r) => r.version === version);
    if (!wanted) apiError(404, 'NotFound', `Collection "${def.id}" has no version ${version}; GET /api/collections/${def.id}/versions lists them.`);
    if (wanted.version === live) apiError(409, 'Conflict', `Version ${version} of "${def.id}" is the live one already.`);
    if (!wanted.kept) apiError(409, 'Conflict', `The features of version ${version} of "${def.id}" were not kept; it cannot be restored.`);
    await run(tx, sql.snapshotQuery(def, live));
    for (const q of sql.restoreQueries(def, version)) await tx.query(q.text, q.values);
    const featureCount = (await tx.query<{ n: number }>(`select count(*)::int as n from ${def.id}`)).rows[0].n;
    const next = live + 1;
    const entry = await audit({
      action: 'version-restore',
      collection: def.id,
      versionBefore: live,
      versionAfter: next,
      after: { restoredFrom: version, featureCount },
      reason: ctx.reason ?? `恢复版本 ${version}`,
    });
    await run(tx, sql.insertHistoryQuery({ collection: def.id, version: next, action: 'restore', mode: null, actor: ctx.actor!.username, fileName: null, sha256: null, featureCount, restoredFrom: version, auditId: entry.id, provenance: wanted.provenance }));
    if (wanted.provenance) await run(tx, sql.provenanceQuery(def.id, wanted.provenance, '', featureCount));
    return { collection: def.id, version: next, restoredFrom: version, featureCount, auditId: entry.id };
  });
}

