import { loadCatalogue } from './catalogue.ts';
import type { Db } from './db/db.ts';
import { DataDirError } from './db/folder-lock.ts';
import { migrate } from './db/migrate.ts';
import { openPgDb } from './db/pg-db.ts';
import { openPgliteDb, type PgliteDb } from './db/pglite-db.ts';
import { importGeodata } from './import/geodata.ts';

/** A startup failure with a message meant for the person who started the program. */
export class StartupError extends Error {}

/**
 * Opens the configured database (PostgreSQL server when DATABASE_URL is set, else embedded PGlite),
 * applies migrations and imports geodata/ where it changed, reporting progress through `log`.
 */
export async function openDatabase(
  config: {
    DATABASE_URL?: string;
    /** Embedded data folder; undefined keeps it in memory. */
    DATA_DIR?: string;
    GEODATA_DIR: string;
    /** An in-memory database starts from this tarball (PgliteDb.dump), then migrates and imports what changed. */
    EMBEDDED_SNAPSHOT?: string;
  },
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
    try {
      const embedded = await openPgliteDb(config.DATA_DIR, { snapshot: config.EMBEDDED_SNAPSHOT });
      // A folder keeps its data across a watchdog restart; an in-memory database is rebuilt.
      if (!config.DATA_DIR) {
        embedded.onRestart = async (fresh) => {
          await migrate(fresh);
          if (opts.importGeodata !== false) await importGeodata(fresh, { geodataDir: config.GEODATA_DIR });
          await loadCatalogue(embedded, fresh);
        };
      }
      db = embedded;
    } catch (err) {
      if (err instanceof DataDirError) throw new StartupError(err.message);
      throw err;
    }
  }
  try {
    const applied = await migrate(db);
    if (applied.length) log(`Schema: applied ${applied.join(', ')}`);
  } catch (err) {
    await db.close().catch(() => {});
    const msg = (err as Error).message;
    const hint = postgisHint(msg);
    throw new StartupError(`Database migration failed: ${msg}.${hint}`);
  }
  // Load PostGIS now (PGlite loads its library on first use), so the first map request is not slow.
  await db.health(); // also the first reading /api/health reports while the embedded database is busy
  await loadCatalogue(db);
  if (opts.importGeodata === false) return db;
  const report = await importGeodata(db, { geodataDir: config.GEODATA_DIR, log });
  const loaded = report.filter((r) => r.action === 'loaded');
  if (loaded.length) log(`Geodata: loaded ${loaded.map((r) => `${r.id} (${r.features})`).join(', ')}`);
  if (loaded.length && config.DATA_DIR && 'recycle' in db) {
    // The import grew the thread's WebAssembly memory, which never shrinks: a fresh thread on the
    // same folder gives it back (measured in the issue-15 note: RSS after a first start).
    await (db as PgliteDb).recycle();
    await db.health();
  }
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

/** What to do about a migration failure that concerns PostGIS: install it, or get the privilege to create it. */
export function postgisHint(message: string): string {
  if (/permission denied to create extension|must be (owner|superuser)|permission denied for database/i.test(message)) {
    return ' The database user may not create the PostGIS extension: ask the database administrator to run "CREATE EXTENSION postgis;" once in this database (or make this user its owner), then start again.';
  }
  if (/could not open extension control file|extension "postgis" (is not available|does not exist)|postgis.*No such file/i.test(message)) {
    return ' PostGIS is not installed on the server: install it (e.g. apt-get install postgresql-15-postgis-3), then start again.';
  }
  return '';
}
