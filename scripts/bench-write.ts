/**
 * `npm run bench:write`: the cost of the audited write path.
 *
 * 1. A feature update end to end (token auth + validation + If-Match + write + audit row + hash
 *    chain), through the app, against the bare SQL it runs (UPDATE + INSERT into audit in one
 *    transaction), same run, same database. Target on the server: median ≤ 2× the bare SQL.
 * 2. `audit:verify` over 100 000 audit rows: time printed.
 *
 * Runs on the embedded database, and on DATABASE_URL's server when it is set (in a schema of its
 * own, dropped after, so the server's data is not touched).
 */
import pg from 'pg';
import { createApp } from '../api/app.ts';
import { verifyAudit } from '../api/audit/verify.ts';
import type { Db } from '../api/db/db.ts';
import { openDatabase } from '../api/open-db.ts';
import { insertAuditQuery } from '../api/sql/audit.ts';
import { urlWithSchema } from '../tests/helpers/databases.ts';
import { testUser } from '../tests/helpers/users.ts';

const RUNS = Number(process.env.BENCH_RUNS ?? 300);
const AUDIT_ROWS = Number(process.env.BENCH_AUDIT_ROWS ?? 100_000);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const p90 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * 0.9)];

async function bench(label: string, db: Db) {
  console.log(`\n== ${label} ==`);
  const app = createApp({ db, config: { BASEMAPS: [] } });
  const planner = await testUser(db, 'planner', 'bench-planner');
  const id = 'village-shuimo';
  const path = `/api/collections/villages/items/${id}`;
  let version = (await db.query<{ version: number }>('select version from villages where id = $1', [id])).rows[0].version;

  const apiTimes: number[] = [];
  const bareTimes: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const lon = 111.815 + (i % 50) * 1e-5;
    // The app: PATCH with If-Match, as the web UI sends it.
    let t = performance.now();
    const res = await app.request(path, {
      method: 'PATCH',
      headers: { ...planner.auth, 'content-type': 'application/merge-patch+json', 'if-match': `"v${version}-w"`, 'x-change-reason': encodeURIComponent('基准测试 benchmark') },
      body: JSON.stringify({ properties: { name_en: `Shuimo Village ${i}` }, geometry: { type: 'Point', coordinates: [lon, 40.918] } }),
    });
    await res.text();
    apiTimes.push(performance.now() - t);
    if (res.status !== 200) throw new Error(`PATCH answered ${res.status}`);
    version++;
    // The bare SQL: the same UPDATE and audit INSERT, in one transaction.
    t = performance.now();
    await db.transaction(async (tx) => {
      const u = await tx.query<{ version: number }>(
        `update villages set properties = properties || jsonb_build_object('name_en', $2::text),
          geom = ST_SetSRID(ST_GeomFromGeoJSON($3), 4326), version = version + 1 where id = $1 returning version`,
        [id, `Shuimo Village bare ${i}`, JSON.stringify({ type: 'Point', coordinates: [lon, 40.918] })],
      );
      const q = insertAuditQuery({ actor: 'bench', action: 'update', collection: 'villages', featureId: id, versionBefore: version, versionAfter: u.rows[0].version, reason: 'bare SQL baseline' });
      await tx.query(q.text, q.values);
    });
    bareTimes.push(performance.now() - t);
    version++;
  }
  const a = median(apiTimes.slice(10));
  const b = median(bareTimes.slice(10));
  console.log(`1. feature update, ${RUNS} runs (first 10 dropped as warm-up)`);
  console.log(`   end to end (auth + validation + If-Match + write + audit + hash)  median ${a.toFixed(2)} ms  p90 ${p90(apiTimes.slice(10)).toFixed(2)} ms`);
  console.log(`   bare SQL (UPDATE + INSERT audit, one transaction)                 median ${b.toFixed(2)} ms  p90 ${p90(bareTimes.slice(10)).toFixed(2)} ms`);
  console.log(`   ratio ${(a / b).toFixed(2)}×  (target on the server: ≤ 2×)`);

  // 2. The chain check over AUDIT_ROWS rows: fill up with maintenance rows (the trigger hashes each).
  const have = (await db.query<{ n: number }>('select count(*)::int as n from audit')).rows[0].n;
  const need = Math.max(0, AUDIT_ROWS - have);
  let t = performance.now();
  const batch = 5000;
  for (let done = 0; done < need; done += batch) {
    const n = Math.min(batch, need - done);
    await db.transaction(async (tx) => {
      await tx.query(
        `insert into audit (actor, action, reason, id, at, prev_hash, hash)
         select 'bench', 'maintenance', 'filler row ' || g, 0, now(), '', '' from generate_series(1, $1::int) g`,
        [n],
      );
    });
    process.stdout.write(`\r2. writing ${AUDIT_ROWS.toLocaleString('en')} audit rows… ${(have + done + n).toLocaleString('en')}`);
  }
  const fill = (performance.now() - t) / 1000;
  t = performance.now();
  const v = await verifyAudit(db);
  const verify = (performance.now() - t) / 1000;
  console.log(`\r2. audit:verify over ${v.rows.toLocaleString('en')} rows: ${verify.toFixed(2)} s (ok: ${v.ok}); writing them took ${fill.toFixed(1)} s (${((fill * 1e6) / Math.max(1, need)).toFixed(0)} µs a row)`);
  if (!v.ok) throw new Error(`the chain is broken at row ${v.firstBrokenRow}`);
  return a / b;
}

const embedded = await openDatabase({ GEODATA_DIR: 'geodata' });
await bench('embedded (PGlite in memory)', embedded);
await embedded.close();

const url = process.env.DATABASE_URL;
if (url) {
  const schema = `bench_write_${process.pid}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`create schema ${schema}`);
  try {
    const server = await openDatabase({ DATABASE_URL: urlWithSchema(url, schema), GEODATA_DIR: 'geodata' });
    const ratio = await bench('PostgreSQL server (DATABASE_URL, own schema)', server);
    await server.close();
    console.log(`\nServer ratio ${ratio.toFixed(2)}× ${ratio <= 2 ? '≤' : '>'} 2× target`);
  } finally {
    await admin.query(`drop schema if exists ${schema} cascade`);
    await admin.end();
  }
} else {
  console.log('\nSet DATABASE_URL to measure the server too (the ≤ 2× target is on the server).');
}
process.exit(0);
