import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { lockDataDir } from '../../api/db/folder-lock.ts';
import { openPgliteDb } from '../../api/db/pglite-db.ts';
import { openDatabase, postgisHint, StartupError } from '../../api/open-db.ts';

const root = mkdtempSync(join(tmpdir(), 'xc-lock-'));
after(() => rmSync(root, { recursive: true, force: true }));

/** A second program holding the lock on `dir`: resolves once it holds it. */
async function holder(dir: string): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', '-e', `import('./api/db/folder-lock.ts').then(m => { m.lockDataDir(${JSON.stringify(dir)}); console.log('locked'); setInterval(() => {}, 1000); })`],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (d) => String(d).includes('locked') && resolve());
    child.on('exit', (code) => reject(new Error(`holder exited ${code}`)));
  });
  return child;
}

const exited = (child: ChildProcess) => new Promise<void>((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('exit', () => resolve())));

describe('one opener per embedded database folder', () => {
  test('a second opener in another process is refused at once, naming the folder and the running process', async () => {
    const dir = join(root, 'busy');
    const child = await holder(dir);
    try {
      await assert.rejects(
        openDatabase({ DATA_DIR: dir, GEODATA_DIR: 'geodata' }),
        (err: Error) => err instanceof StartupError && err.message.includes(`${dir}/ is in use by process ${child.pid}`),
      );
      // npm run import while the server runs: the same refusal, one line, exit code 1, nothing opened.
      const r = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/import.ts'], { env: { ...process.env, DATA_DIR: dir, DATABASE_URL: '' }, encoding: 'utf8' });
      assert.equal(r.status, 1, r.stderr);
      assert.match(r.stderr, new RegExp(`in use by process ${child.pid}`));
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
      assert.ok(!existsSync(join(dir, 'PG_VERSION')), 'the refused opener must not have created a database');
    } finally {
      child.kill('SIGKILL');
      await exited(child);
    }
  });

  test('a lock left by a killed process (kill -9) is recovered; closing releases it', async () => {
    const dir = join(root, 'stale');
    const child = await holder(dir);
    child.kill('SIGKILL');
    await exited(child);
    assert.equal(JSON.parse(readFileSync(`${dir}.lock`, 'utf8')).pid, child.pid, 'the killed holder left its lock');
    const db = await openDatabase({ DATA_DIR: dir, GEODATA_DIR: 'geodata' }, () => {}, { importGeodata: false });
    try {
      assert.equal(JSON.parse(readFileSync(`${dir}.lock`, 'utf8')).pid, process.pid);
      const r = await db.query<{ n: number }>('select count(*)::int as n from schema_migrations');
      assert.ok(r.rows[0].n >= 1);
      // The same process may not open it twice either.
      assert.throws(() => lockDataDir(dir), /already open in this process/);
    } finally {
      await db.close();
    }
    assert.ok(!existsSync(`${dir}.lock`), 'close removes the lock');
  });

  test('recycling the thread (after a first-start import) keeps the data, the lock and the schema', async () => {
    const dir = join(root, 'recycle');
    const db = await openPgliteDb(dir);
    try {
      await db.exec('create table kept (n int); insert into kept values (1), (2)');
      await db.recycle();
      assert.equal(db.restarts, 0, 'a recycle is not a watchdog restart');
      assert.equal((await db.query<{ n: number }>('select sum(n)::int as n from kept')).rows[0].n, 3);
      assert.equal(JSON.parse(readFileSync(`${dir}.lock`, 'utf8')).pid, process.pid, 'the lock stays held');
    } finally {
      await db.close();
    }
  });

  test('the PostGIS hint says what is wrong: privilege or installation', () => {
    assert.match(postgisHint('permission denied to create extension "postgis"'), /may not create the PostGIS extension.*CREATE EXTENSION postgis/);
    assert.match(postgisHint('could not open extension control file "/usr/share/postgresql/15/extension/postgis.control"'), /not installed.*apt-get install/);
    assert.equal(postgisHint('syntax error'), '');
  });
});

/** Small file systems need mount (root with CAP_SYS_ADMIN); where that is missing the test says so and skips. */
function tryMount(dir: string, options: string): boolean {
  mkdirSync(dir, { recursive: true });
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', dir], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
const unmount = (dir: string) => spawnSync('umount', [dir]);

describe('disk and permission problems at start: one line naming the folder and the cause', () => {
  test('a full disk', async (t) => {
    const mnt = join(root, 'small');
    if (!tryMount(mnt, 'size=4m')) return t.skip('cannot mount a tmpfs here (needs root with CAP_SYS_ADMIN)');
    try {
      const dir = join(mnt, 'pglite');
      await assert.rejects(
        openDatabase({ DATA_DIR: dir, GEODATA_DIR: 'geodata' }),
        (err: Error) => err instanceof StartupError && err.message.startsWith(`Cannot open the embedded database in ${dir}/: no space left on the device (`) && !err.message.includes('\n'),
      );
      assert.ok(!existsSync(`${dir}.lock`), 'a failed start releases its lock');
    } finally {
      unmount(mnt);
    }
  });

  test('a read-only file system', async (t) => {
    const mnt = join(root, 'ro');
    if (!tryMount(mnt, 'size=64m,ro')) return t.skip('cannot mount a tmpfs here (needs root with CAP_SYS_ADMIN)');
    try {
      const dir = join(mnt, 'pglite');
      await assert.rejects(
        openDatabase({ DATA_DIR: dir, GEODATA_DIR: 'geodata' }),
        (err: Error) => err instanceof StartupError && err.message === `Cannot create the embedded database folder ${dir}/: the file system is read-only.`,
      );
    } finally {
      unmount(mnt);
    }
  });
});
