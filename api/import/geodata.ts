import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { collections } from '../../core/catalog.ts';
import type { Db, Queryable } from '../db/db.ts';
import { SCHEMA_LOCK } from '../db/migrate.ts';
import { insertAuditQuery } from '../sql/audit.ts';
import { deriveQueries, editsSinceImportQuery, insertFeaturesQuery } from '../sql/import.ts';

export interface ImportedDataset {
  id: string;
  features: number;
  /** `loaded` when the file changed since the last import, `unchanged` when it was skipped. */
  action: 'loaded' | 'unchanged' | 'missing' | 'edited';
}

export interface ImportOptions {
  geodataDir: string;
  /** Progress lines for the console. */
  log?: (line: string) => void;
}

/** A problem in geodata/ that stops the import (bad JSON, invalid geometry): a readable message. */
export class GeodataError extends Error {}

/**
 * Loads every dataset folder of geodata/ into its table, replacing a table only when its file
 * changed (checksum), then recomputes derived properties (areas, the projects' zone). Idempotent.
 */
export async function importGeodata(db: Db, opts: ImportOptions): Promise<ImportedDataset[]> {
  const log = opts.log ?? (() => {});
  // The derived values belong to the data: a change in how they are computed re-imports everything.
  const deriveVersion = createHash('sha256').update(deriveQueries().map((q) => q.text).join('\n')).digest('hex');
  const report: ImportedDataset[] = [];
  await db.transaction(async (tx) => {
    await tx.query('select pg_advisory_xact_lock($1)', [SCHEMA_LOCK]);
    for (const c of collections) {
      const dir = join(opts.geodataDir, c.id);
      const file = join(dir, `${c.id}.geojson`);
      const provFile = join(dir, 'provenance.json');
      if (!existsSync(file) || !existsSync(provFile)) {
        log(`  ${c.id}: no ${existsSync(file) ? 'provenance.json' : `${c.id}.geojson`} in geodata/${c.id}/, skipped`);
        report.push({ id: c.id, features: 0, action: 'missing' });
        continue;
      }
      const text = readFileSync(file, 'utf8');
      const provText = readFileSync(provFile, 'utf8');
      const checksum = createHash('sha256').update(text).update('\0').update(provText).update('\0').update(deriveVersion).digest('hex');
      const prev = await tx.query<{ checksum: string; feature_count: number }>(
        'select checksum, feature_count from datasets where id = $1',
        [c.id],
      );
      if (prev.rows[0]?.checksum === checksum) {
        report.push({ id: c.id, features: prev.rows[0].feature_count, action: 'unchanged' });
        continue;
      }
      // Planners' edits since the last import are never overwritten by a change to the seed file.
      const edits = (await tx.query<{ n: number }>(editsSinceImportQuery(c.id).text, [c.id])).rows[0].n;
      if (edits > 0) {
        log(`  ${c.id}: geodata/${c.id}/ changed, but the table has ${edits} audited edit(s) since its import; kept the edited data (not replaced)`);
        report.push({ id: c.id, features: prev.rows[0]?.feature_count ?? 0, action: 'edited' });
        continue;
      }
      const { fc, provenance } = parseDataset(c.id, text, provText);
      log(`  ${c.id}: loading ${fc.features.length} features…`);
      await loadDataset(tx, c.id, fc, provenance, checksum);
      // The import is a write like any other: one audit row per dataset, in this transaction.
      const q = insertAuditQuery({
        actor: 'system',
        action: 'import',
        collection: c.id,
        after: { source: `geodata/${c.id}/${c.id}.geojson`, checksum, features: fc.features.length, replacedFeatures: prev.rows[0]?.feature_count ?? 0 },
        reason: prev.rows[0] ? 'geodata/ file changed' : 'first import',
      });
      await tx.query(q.text, q.values);
      report.push({ id: c.id, features: fc.features.length, action: 'loaded' });
    }
    // Derived values only change when some dataset did; skipping keeps a warm start fast.
    if (report.some((r) => r.action === 'loaded')) {
      for (const q of deriveQueries()) await tx.query(q.text, q.values);
    }
  });
  return report;
}

interface FeatureCollectionIn {
  type: 'FeatureCollection';
  features: { id?: unknown; properties?: unknown; geometry?: unknown }[];
}

function parseDataset(id: string, text: string, provText: string) {
  let fc: FeatureCollectionIn;
  let provenance: unknown;
  try {
    fc = JSON.parse(text);
  } catch (err) {
    throw new GeodataError(`geodata/${id}/${id}.geojson is not valid JSON: ${(err as Error).message}`);
  }
  try {
    provenance = JSON.parse(provText);
  } catch (err) {
    throw new GeodataError(`geodata/${id}/provenance.json is not valid JSON: ${(err as Error).message}`);
  }
  if (fc?.type !== 'FeatureCollection' || !Array.isArray(fc.features)) {
    throw new GeodataError(`geodata/${id}/${id}.geojson is not a GeoJSON FeatureCollection`);
  }
  const seen = new Set<string>();
  fc.features.forEach((f, i) => {
    if (typeof f.id !== 'string' || f.id === '') {
      throw new GeodataError(`geodata/${id}: feature #${i} has no string "id"`);
    }
    if (seen.has(f.id)) throw new GeodataError(`geodata/${id}: duplicate feature id "${f.id}"`);
    seen.add(f.id);
  });
  return { fc, provenance };
}

async function loadDataset(
  tx: Queryable,
  id: string,
  fc: FeatureCollectionIn,
  provenance: unknown,
  checksum: string,
) {
  await tx.query(`delete from ${id}`);
  try {
    const q = insertFeaturesQuery(id, fc.features);
    await tx.query(q.text, q.values);
  } catch (err) {
    throw new GeodataError(`geodata/${id}: a geometry could not be read: ${(err as Error).message}`);
  }
  const invalid = await tx.query<{ id: string; reason: string }>(
    `select id, ST_IsValidReason(geom) as reason from ${id} where geom is not null and not ST_IsValid(geom) limit 5`,
  );
  if (invalid.rows.length) {
    const list = invalid.rows.map((r) => `${r.id} (${r.reason})`).join(', ');
    throw new GeodataError(`geodata/${id}: invalid geometries: ${list}`);
  }
  await tx.query(
    `insert into datasets (id, provenance, checksum, feature_count, imported_at)
     values ($1, $2::jsonb, $3, $4, now())
     on conflict (id) do update set provenance = excluded.provenance, checksum = excluded.checksum,
       feature_count = excluded.feature_count, imported_at = excluded.imported_at`,
    [id, JSON.stringify(provenance), checksum, fc.features.length],
  );
}
