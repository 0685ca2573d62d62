/**
 * The test command (`npm test`): type check, then unit, API and browser tests in one node:test run.
 * API tests run on the embedded database, and also on DATABASE_URL's server when it is set.
 * Browser tests need /usr/bin/chromium (or CHROMIUM_PATH); without it they are skipped, loudly.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run as runTests } from 'node:test';
import { spec, tap } from 'node:test/reporters';

const only = process.argv.slice(2); // e.g. `npm test -- unit api`
// Longest first: the files run two at a time in this order, so the run ends on short files instead
// of one browser file running alone (browser files take ~40–110 s each, API files up to ~60 s, unit
// files a second or two).
const suites = ['e2e', 'api', 'unit'].filter((s) => only.length === 0 || only.includes(s));
const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

function run(cmd: string, args: string[], what: string) {
  console.log(`\n> ${what}`);
  const r = spawnSync(cmd, args, { stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(`${what} failed (exit ${r.status ?? r.signal}).`);
    process.exit(r.status ?? 1);
  }
}

run('npx', ['tsc', '--noEmit'], 'Type check (tsc --noEmit)');

const files: string[] = [];
for (const suite of suites) {
  if (suite === 'e2e' && !existsSync(chromium)) {
    console.warn(
      `\nSKIPPED: browser tests (tests/e2e) — no Chromium at ${chromium}. Install it with "apt-get install -y chromium" (or set CHROMIUM_PATH) to run them.`,
    );
    continue;
  }
  const dir = `tests/${suite}`;
  if (!existsSync(dir)) continue;
  files.push(...readdirSync(dir).filter((f) => f.endsWith('.test.ts')).sort().map((f) => `${dir}/${f}`));
}
if (files.some((f) => f.startsWith('tests/e2e/'))) {
  run('npx', ['vite', 'build', '--config', 'web/vite.config.ts', '--logLevel', 'warn'], 'Build the web app for the browser tests');
}
console.log(process.env.DATABASE_URL ? '\nAPI tests run on: embedded PGlite and DATABASE_URL' : '\nAPI tests run on: embedded PGlite (set DATABASE_URL to add a PostgreSQL server)');
// Every embedded test database starts from one seeded snapshot made now (tests/helpers/db-snapshot.ts).
const snapshot = join(tmpdir(), `xincheng-test-db-${process.pid}.tar.gz`);
process.on('exit', () => rmSync(snapshot, { force: true }));
run(process.execPath, ['--import', 'tsx', 'tests/helpers/db-snapshot.ts', snapshot], 'Seed one embedded test database (every test database starts from it)');
process.env.TEST_DB_SNAPSHOT = snapshot;
// Two files at a time, in the order of `files` (`node --test FILES` would sort them by path).
console.log(`\n> node --test (${files.length} files)`);
runTests({ files, concurrency: 2 })
  .on('test:fail', (data) => {
    if (!data.todo) process.exitCode = 1;
  })
  .compose(process.stdout.isTTY ? new spec() : tap)
  .pipe(process.stdout);
