import { after, before, describe } from 'node:test';
import pg from 'pg';
import type { Db } from '../../api/db/db.ts';
import { openDatabase } from '../../api/open-db.ts';
import { testDbConfig } from './db-snapshot.ts';

export interface TestDatabase {
  kind: 'pglite' | 'postgresql';
  /** The open database, migrated and with geodata/ imported (valid inside the suite's tests). */
  db: Db;
  /** The connection string of the suite's server database (with its own schema when isolated). */
  url?: string;
}

/** The databases every API suite runs on: embedded PGlite always, the DATABASE_URL server when set. */
export function testDatabaseKinds(): ('pglite' | 'postgresql')[] {
  return process.env.DATABASE_URL ? ['pglite', 'postgresql'] : ['pglite'];
}

/** DATABASE_URL with a search_path that puts `schema` first (its own tables; PostGIS stays in public). */
export function urlWithSchema(url: string, schema: string): string {
  const u = new URL(url);
  u.searchParams.set('options', `-c search_path=${schema},public`);
  return u.toString();
}

/**
 * Declares `suite` once per test database; each copy opens its database before its tests (in-memory
 * PGlite, or the DATABASE_URL server) with the project's geodata/ imported, and closes it after.
 * `isolated`: on the server, the suite gets a schema of its own (dropped after), so suites that
 * write do not change what the other suites, running in parallel, read.
 */
export function describeEachDb(name: string, suite: (t: TestDatabase) => void, opts: { isolated?: boolean } = {}) {
  for (const kind of testDatabaseKinds()) {
    describe(`${name} [${kind}]`, () => {
      const t = { kind } as TestDatabase;
      const schema = `test_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
      before(async () => {
        let url = kind === 'postgresql' ? process.env.DATABASE_URL : undefined;
        if (url && opts.isolated) {
          await adminQuery(url, `create schema ${schema}`);
          url = urlWithSchema(url, schema);
        }
        t.url = url;
        t.db = await openDatabase(testDbConfig(url));
      });
      after(async () => {
        await t.db?.close();
        if (kind === 'postgresql' && opts.isolated) await adminQuery(process.env.DATABASE_URL!, `drop schema if exists ${schema} cascade`);
      });
      suite(t);
    });
  }
}

async function adminQuery(url: string, text: string) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}
