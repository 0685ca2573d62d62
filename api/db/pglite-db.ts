import { PGlite } from '@electric-sql/pglite';
import { postgis } from '@electric-sql/pglite-postgis';
import { mkdirSync } from 'node:fs';
import type { Db } from './db.ts';

/** Opens (creating if needed) an embedded PostgreSQL + PostGIS in `dataDir`, or in memory when undefined. */
export async function openPgliteDb(dataDir: string | undefined): Promise<Db> {
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const pg = await PGlite.create(dataDir ?? 'memory://', { extensions: { postgis } });
  return {
    kind: 'pglite',
    async query(text, values) {
      const r = await pg.query(text, values);
      return { rows: r.rows as never[] };
    },
    async exec(text) {
      await pg.exec(text);
    },
    async transaction(fn) {
      return pg.transaction((tx) =>
        fn({
          async query(text, values) {
            const r = await tx.query(text, values);
            return { rows: r.rows as never[] };
          },
          async exec(text) {
            await tx.exec(text);
          },
        }),
      );
    },
    close: () => pg.close(),
  };
}
