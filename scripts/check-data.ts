/**
 * `npm run check:data`: imports geodata/ into the configured database and prints the data checks
 * as a table (validity, zones, the plan's projects, quality, provenance, control-line area).
 * Exits 1 when a check fails.
 */
import { loadConfig } from '../api/config.ts';
import { checkGeodata } from '../api/import/check-geodata.ts';
import { openDatabase } from '../api/open-db.ts';

try {
  const config = loadConfig();
  const db = await openDatabase(config, (line) => console.log(line));
  const checks = await checkGeodata(db, config.GEODATA_DIR);
  await db.close();
  console.table(checks.map((c) => ({ check: c.check, result: c.ok ? 'ok' : 'FAIL', detail: c.detail })));
  const failed = checks.filter((c) => !c.ok);
  console.log(failed.length ? `${failed.length} of ${checks.length} checks failed.` : `All ${checks.length} checks passed.`);
  process.exit(failed.length ? 1 : 0);
} catch (err) {
  console.error((err as Error).message);
  process.exit(1);
}
