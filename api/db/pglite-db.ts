import { PGlite } from '@electric-sql/pglite';
import { postgis } from '@electric-sql/pglite-postgis';
import { mkdirSync } from 'node:fs';
import { GeometryEngineError, type Db } from './db.ts';

type Result = { rows: unknown[]; command?: string };

/**
 * PGlite's PostGIS reports a GEOS exception (e.g. a TopologyException) not as an error but as an
 * empty result without a command tag; a real empty SELECT has one. Raise it, as the server does.
 */
function checked<T>(r: Result, text: string): { rows: T[] } {
  if (r.command === undefined && r.rows.length === 0) {
    throw new GeometryEngineError(`The embedded PostGIS failed on this statement (a GEOS error, reported without a message): ${text.replace(/\s+/g, ' ').slice(0, 80)}…`);
  }
  return { rows: r.rows as T[] };
}

/** Opens (creating if needed) an embedded PostgreSQL + PostGIS in `dataDir`, or in memory when undefined. */
export async function openPgliteDb(dataDir: string | undefined): Promise<Db> {
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const pg = await PGlite.create(dataDir ?? 'memory://', { extensions: { postgis } });
  return {
    kind: 'pglite',
    async query(text, values) {
      return checked(await pg.query(text, values), text);
    },
    async exec(text) {
      await pg.exec(text);
    },
    async transaction(fn) {
      return pg.transaction((tx) =>
        fn({
          async query(text, values) {
            return checked(await tx.query(text, values), text);
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
