/**
 * `npm run import`: loads every dataset of geodata/ into the configured database (embedded, or
 * DATABASE_URL), replacing only what changed. Prints what it did; exits 1 with a reason on failure.
 */
import { loadConfig } from '../api/config.ts';
import { GeodataError, importGeodata } from '../api/import/geodata.ts';
import { openDatabase, StartupError } from '../api/open-db.ts';

try {
  const config = loadConfig();
  const db = await openDatabase(config, (line) => console.log(line), { importGeodata: false });
  const report = await importGeodata(db, { geodataDir: config.GEODATA_DIR, log: (line) => console.log(line) });
  console.table(report.map((r) => ({ dataset: r.id, features: r.features, state: r.action === 'unchanged' ? 'up to date' : r.action })));
  await db.close();
} catch (err) {
  const known = err instanceof StartupError || err instanceof GeodataError || /^Invalid configuration/.test((err as Error).message);
  console.error(known ? (err as Error).message : err);
  process.exit(1);
}
