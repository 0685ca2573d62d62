/**
 * One seeded embedded database per test run: `npm test` (scripts/test.ts) opens an in-memory
 * database once — migrated, geodata/ imported — and writes it to a tarball named by
 * TEST_DB_SNAPSHOT; every embedded test database then starts from it (~2 s) instead of creating a
 * database and installing PostGIS again (~15 s, ×50 in a run). Without the variable (one test file
 * run by hand) a test database is built from nothing, as before. The tarball lives for one run, so
 * it can never be older than the migrations or the geodata it was made from; and a database
 * started from it still migrates and imports whatever changed.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PgliteDb } from '../../api/db/pglite-db.ts';
import { openDatabase } from '../../api/open-db.ts';

/** What openDatabase is given for a test's embedded (and server) database. */
export function testDbConfig(url?: string) {
  return { DATABASE_URL: url, GEODATA_DIR: process.env.GEODATA_DIR ?? 'geodata', EMBEDDED_SNAPSHOT: url ? undefined : process.env.TEST_DB_SNAPSHOT || undefined };
}

/**
 * Unpacks the run's snapshot (TEST_DB_SNAPSHOT) into the new embedded data folder `dir`, so a program
 * the test starts with DATA_DIR=dir opens a seeded database instead of creating one (~15 s). Without
 * the variable `dir` is left as it is and the program creates the database.
 */
export function seedDataDir(dir: string): void {
  const snapshot = process.env.TEST_DB_SNAPSHOT;
  if (!snapshot) return;
  mkdirSync(dir, { recursive: true });
  execFileSync('tar', ['-xf', snapshot, '-C', dir], { stdio: 'ignore' });
}

/** Writes the seeded in-memory database to `path`. */
export async function makeTestDbSnapshot(path: string): Promise<void> {
  const db = (await openDatabase({ GEODATA_DIR: process.env.GEODATA_DIR ?? 'geodata' })) as PgliteDb;
  try {
    await db.dump(path);
  } finally {
    await db.close();
  }
}

// `node --import tsx tests/helpers/db-snapshot.ts PATH` (scripts/test.ts)
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  if (!process.argv[2]) throw new Error('usage: db-snapshot.ts PATH');
  await makeTestDbSnapshot(process.argv[2]);
}
