/**
 * Benchmark: embedded-mode start-up. (1) first start as on a fresh clone: `npm start` with no built
 * web app and an empty data folder, to "Listening" (target ≤ 60 s); (2) warm start of the server on
 * that data folder, against (3) PGlite + PostGIS alone opening the same folder (target ≤ 1.5×).
 * Spawned as separate processes, as a user would start them; prints medians.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const RUNS = Number(process.env.RUNS ?? 3);
const dataDir = mkdtempSync(join(tmpdir(), 'xc-bench-db-'));
const webDir = mkdtempSync(join(tmpdir(), 'xc-bench-web-'));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Seconds from spawning `cmd` until a line of its output matches `ready`; then stops it. */
function timeUntil(cmd: string, args: string[], ready: RegExp, env: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const t = performance.now();
    const child = spawn(cmd, args, { env: { ...process.env, ...env }, detached: true });
    let out = '';
    const onData = (d: Buffer) => {
      out += d;
      if (ready.test(out)) {
        const s = (performance.now() - t) / 1000;
        process.kill(-child.pid!, 'SIGTERM');
        child.once('exit', () => resolve(s));
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => {
      if (!ready.test(out)) reject(new Error(`${cmd} ${args.join(' ')} exited ${code} before ready:\n${out}`));
    });
  });
}

const env = { DATA_DIR: dataDir, PORT: '18787', DATABASE_URL: '', WEB_DIR: webDir };
// vite's outDir is fixed in its config; a fresh clone has no dist/web, so build into the temp dir.
const first = await timeUntil(
  'sh',
  ['-c', `npx vite build --config web/vite.config.ts --logLevel warn --outDir ${webDir} --emptyOutDir && exec npx tsx api/server.ts`],
  /Listening on/,
  env,
);
console.log(`first start (fresh data folder, web build + database creation + import) to "Listening": ${first.toFixed(1)} s (target ≤ 60 s)`);

const warm: number[] = [];
const bare: number[] = [];
const pgliteOnly = `import { PGlite } from '@electric-sql/pglite'; import { postgis } from '@electric-sql/pglite-postgis';
  const pg = await PGlite.create(process.env.DATA_DIR, { extensions: { postgis } }); await pg.query('select postgis_lib_version()'); console.log('ready');`;
for (let i = 0; i < RUNS; i++) {
  bare.push(await timeUntil(process.execPath, ['--input-type=module', '-e', pgliteOnly], /ready/, env));
  warm.push(await timeUntil(process.execPath, ['--import', 'tsx', 'api/server.ts'], /Listening on/, env));
}
const w = median(warm);
const b = median(bare);
console.log(`warm start of the server to "Listening": ${w.toFixed(2)} s; PGlite + PostGIS alone opening the same folder: ${b.toFixed(2)} s; ratio ${(w / b).toFixed(2)}× (target ≤ 1.5×; medians of ${RUNS})`);
rmSync(dataDir, { recursive: true, force: true });
rmSync(webDir, { recursive: true, force: true });
