/** `npm run audit:verify`: recomputes the audit trail's hash chain; exit 1 and the first broken row when it is not whole. */
import { verifyAudit } from '../api/audit/verify.ts';
import { loadConfig } from '../api/config.ts';
import { openDatabase, StartupError } from '../api/open-db.ts';

let db;
try {
  db = await openDatabase(loadConfig(), () => {}, { importGeodata: false });
} catch (err) {
  console.error(err instanceof StartupError ? err.message : err);
  process.exit(1);
}
const t = performance.now();
const r = await verifyAudit(db);
const s = ((performance.now() - t) / 1000).toFixed(2);
await db.close();
if (r.ok) console.log(`Audit trail intact: ${r.rows} rows, every hash and link checked in ${s} s.`);
else console.error(`Audit trail BROKEN at row ${r.firstBrokenRow} (of ${r.rows}): that row or the one before it was changed after it was written. Checked in ${s} s.`);
process.exit(r.ok ? 0 : 1);
