import { after, before, describe } from 'node:test';
import type { Db } from '../../api/db/db.ts';
import { openDatabase } from '../../api/open-db.ts';

export interface TestDatabase {
  kind: 'pglite' | 'postgresql';
  /** The open database, migrated and with geodata/ imported (valid inside the suite's tests). */
  db: Db;
}

/** The databases every API suite runs on: embedded PGlite always, the DATABASE_URL server when set. */
export function testDatabaseKinds(): ('pglite' | 'postgresql')[] {
  return process.env.DATABASE_URL ? ['pglite', 'postgresql'] : ['pglite'];
}

/**
 * Declares `suite` once per test database; each copy opens its database before its tests (in-memory
 * PGlite, or the DATABASE_URL server) with the project's geodata/ imported, and closes it after.
 */
export function describeEachDb(name: string, suite: (t: TestDatabase) => void) {
  for (const kind of testDatabaseKinds()) {
    describe(`${name} [${kind}]`, () => {
      const t = { kind } as TestDatabase;
      before(async () => {
        t.db = await openDatabase({
          DATABASE_URL: kind === 'postgresql' ? process.env.DATABASE_URL : undefined,
          GEODATA_DIR: process.env.GEODATA_DIR ?? 'geodata',
        });
      });
      after(async () => {
        await t.db?.close();
      });
      suite(t);
    });
  }
}
