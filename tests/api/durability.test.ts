/**
 * Writes under failure and across processes: `kill -9` in the middle of a stream of writes leaves
 * every write either fully there with its audit row or absent; two API processes on one server
 * share sessions and detect each other's conflicting writes (412).
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import pg from 'pg';
import { verifyAudit } from '../../api/audit/verify.ts';
import { openDatabase } from '../../api/open-db.ts';
import { urlWithSchema } from '../helpers/databases.ts';

const kinds = process.env.DATABASE_URL ? ['pglite', 'postgresql'] : ['pglite'];

async function admin(text: string) {
  const c = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await c.connect();
  try {
    await c.query(text);
  } finally {
    await c.end();
  }
}

/** Lines a child prints, as they come. */
function lines(child: ChildProcess, onLine: (line: string) => void) {
  let buf = '';
  child.stdout!.on('data', (d: Buffer) => {
    buf += d.toString();
    let i;
    while ((i = buf.indexOf('\n')) >= 0) {
      onLine(buf.slice(0, i));
      buf = buf.slice(i + 1);
    }
  });
}

for (const kind of kinds) {
  describe(`durability of writes [${kind}]`, () => {
    const schema = `test_crash_${process.pid}`;
    const dir = mkdtempSync(join(tmpdir(), 'xc-crash-'));
    const env: NodeJS.ProcessEnv = kind === 'postgresql' ? { ...process.env, DATABASE_URL: urlWithSchema(process.env.DATABASE_URL!, schema) } : { ...process.env, DATABASE_URL: '', DATA_DIR: join(dir, 'db') };
    after(async () => {
      rmSync(dir, { recursive: true, force: true });
      if (kind === 'postgresql') await admin(`drop schema if exists ${schema} cascade`);
    });

    test('kill -9 during a stream of writes: each write is whole (feature + audit row) or absent', { timeout: 240_000 }, async () => {
      if (kind === 'postgresql') await admin(`create schema ${schema}`);
      const child = spawn(process.execPath, ['--import', 'tsx', 'tests/helpers/write-stream.ts'], { env, stdio: ['ignore', 'pipe', 'inherit'] });
      let acked = 0;
      const killed = new Promise<void>((resolve, reject) => {
        lines(child, (line) => {
          if (line.startsWith('ERROR')) reject(new Error(line));
          if (line.startsWith('ACK')) acked++;
          if (acked === 25) child.kill('SIGKILL');
        });
        child.on('exit', () => resolve());
      });
      await killed;
      assert.ok(acked >= 25, `acknowledged ${acked} writes before the kill`);
      const db = await openDatabase({ DATABASE_URL: env.DATABASE_URL || undefined, DATA_DIR: env.DATA_DIR, GEODATA_DIR: 'geodata' });
      try {
        const f = (await db.query<{ version: number; name: string }>(`select version, properties->>'name_en' as name from villages where id = 'village-shuimo'`)).rows[0];
        const rows = (await db.query<{ version_after: number; name: string }>(
          `select version_after, after->'properties'->>'name_en' as name from audit where feature_id = 'village-shuimo' and action = 'update' order by id`,
        )).rows;
        // Every acknowledged write is there (committed before its answer), and nothing half-done:
        // the feature's version is exactly its number of audited updates + 1, its state the last row's.
        assert.ok(rows.length >= acked, `${rows.length} audited updates, ${acked} acknowledged`);
        assert.equal(f.version, rows.length + 1);
        assert.equal(f.name, rows[rows.length - 1].name);
        assert.deepEqual(rows.map((r) => r.version_after), rows.map((_, i) => i + 2));
        const v = await verifyAudit(db);
        assert.equal(v.ok, true, `chain broken at ${v.firstBrokenRow}`);
      } finally {
        await db.close();
      }
    });
  });
}

if (process.env.DATABASE_URL) {
  describe('two API processes on one PostgreSQL server', () => {
    const schema = `test_two_${process.pid}`;
    const children: ChildProcess[] = [];
    after(async () => {
      for (const c of children) c.kill('SIGKILL');
      await admin(`drop schema if exists ${schema} cascade`);
    });

    /** Starts api/server.ts on a free port; resolves with its base URL once it listens. */
    const start = (env: NodeJS.ProcessEnv) =>
      new Promise<string>((resolve, reject) => {
        const child = spawn(process.execPath, ['--import', 'tsx', 'api/server.ts'], { env, stdio: ['ignore', 'pipe', 'inherit'] });
        children.push(child);
        lines(child, (line) => {
          const m = /Listening on (http:\/\/\S+?)\/? \(/.exec(line);
          if (m) resolve(m[1]);
        });
        child.on('exit', (code) => reject(new Error(`server exited with ${code}`)));
      });

    test('a session from one process works on the other, and a stale write there is a 412', { timeout: 180_000 }, async () => {
      await admin(`create schema ${schema}`);
      const env = { ...process.env, DATABASE_URL: urlWithSchema(process.env.DATABASE_URL!, schema), PORT: '0', WEB_DIR: 'no-web', ADMIN_PASSWORD: 'admin password for the test' };
      const a = await start(env);
      const b = await start(env);
      const login = await fetch(`${a}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: env.ADMIN_PASSWORD }) });
      assert.equal(login.status, 200);
      const cookie = login.headers.get('set-cookie')!.split(';')[0];
      const me = await fetch(`${b}/api/auth/me`, { headers: { cookie } });
      assert.equal(me.status, 200, 'the session lives in the database, not in one process');
      const item = '/api/collections/villages/items/village-shuimo';
      const etag = (await fetch(`${a}${item}`)).headers.get('etag')!;
      const patch = (base: string, name: string) =>
        fetch(`${base}${item}`, {
          method: 'PATCH',
          headers: { cookie, origin: base, 'content-type': 'application/json', 'if-match': etag, 'x-change-reason': 'two%20processes' },
          body: JSON.stringify({ properties: { name_en: name } }),
        });
      const first = await patch(b, 'written through B');
      assert.equal(first.status, 200, await first.text());
      const second = await patch(a, 'written through A with the old ETag');
      assert.equal(second.status, 412);
      assert.equal((await second.json()).current.properties.name_en, 'written through B');
      assert.equal((await (await fetch(`${a}${item}`)).json()).properties.name_en, 'written through B', "A's cache does not serve the old body");
    });
  });
}
