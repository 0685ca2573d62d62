import type { Db } from './db/db.ts';
import { migrate } from './db/migrate.ts';
import { openPgDb } from './db/pg-db.ts';
import { openPgliteDb } from './db/pglite-db.ts';
import { importGeodata } from './import/geodata.ts';

/** A startup failure with a message meant for the person who started the program. */
export class StartupError extends Error {}

/**
 * Opens the configured database (PostgreSQL server when DATABASE_URL is set, else embedded PGlite),
 * applies migrations and imports geodata/ where it changed, reporting progress through `log`.
 */
export async function openDatabase(
  config: { DATABASE_URL?: string; /** Embedded data folder; undefined keeps it in memory. */ DATA_DIR?: string; GEODATA_DIR: string },
  log: (line: string) => void = () => {},
  opts: { importGeodata?: boolean } = {},
): Promise<Db> {
  let db: Db;
  if (config.DATABASE_URL) {
    const where = describeUrl(config.DATABASE_URL);
    log(`Connecting to PostgreSQL at ${where}…`);
    try {
      db = await openPgDb(config.DATABASE_URL);
    } catch (err) {
      throw new StartupError(`Cannot connect to PostgreSQL at ${where} (DATABASE_URL): ${(err as Error).message}`);
    }
  } else {
    log(
      config.DATA_DIR
        ? `Opening the embedded database (PGlite + PostGIS) in ${config.DATA_DIR}/ (the first start creates it)…`
        : 'Opening an in-memory embedded database (PGlite + PostGIS)…',
    );
    db = await openPgliteDb(config.DATA_DIR);
  }
  try {
    const applied = await migrate(db);
    if (applied.length) log(`Schema: applied ${applied.join(', ')}`);
  } catch (err) {
    await db.close().catch(() => {});
    const msg = (err as Error).message;
    const hint = /postgis/i.test(msg) ? ' Is PostGIS installed on the server (e.g. apt-get install postgresql-15-postgis-3)?' : '';
    throw new StartupError(`Database migration failed: ${msg}.${hint}`);
  }
  // Load PostGIS now (PGlite loads its library on first use), so the first map request is not slow.
  await db.query('select postgis_lib_version()');
  if (opts.importGeodata === false) return db;
  const report = await importGeodata(db, { geodataDir: config.GEODATA_DIR, log });
  const loaded = report.filter((r) => r.action === 'loaded');
  if (loaded.length) log(`Geodata: loaded ${loaded.map((r) => `${r.id} (${r.features})`).join(', ')}`);
  return db;
}

/** host:port/database of a connection URL, without the password. */
function describeUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname}:${u.port || 5432}${u.pathname}`;
  } catch {
    return '(unparseable URL)';
  }
}
