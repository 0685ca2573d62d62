import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openPgDb } from '../../api/db/pg-db.ts';
import { describeEachDb, urlWithSchema } from '../helpers/databases.ts';

describeEachDb('Db interface', (t) => {
  test('an empty result is an empty result, not an error', async () => {
    const r = await t.db.query('select 1 as a where false');
    assert.deepEqual(r.rows, []);
  });

  if (t.kind === 'pglite') {
    test('the embedded database runs with 16 MB of shared buffers (memory), the usual single-user settings kept', async () => {
      const setting = async (name: string) => (await t.db.query<{ v: string }>('select current_setting($1) as v', [name])).rows[0].v;
      assert.equal(await setting('shared_buffers'), '16MB');
      assert.equal(await setting('search_path'), 'public');
      assert.equal(await setting('max_parallel_workers'), '0');
    });
  }

  if (t.kind === 'postgresql') {
    test('the server pool runs without JIT (LLVM compiled each PostGIS overlay: ~0.5 s a compliance check)', async () => {
      // Every connection of the pool: more queries than connections, at once.
      const rows = await Promise.all(Array.from({ length: 12 }, () => t.db.query<{ v: string }>("select current_setting('jit') as v")));
      assert.deepEqual([...new Set(rows.map((r) => r.rows[0].v))], ['off']);
    });

    test('a DATABASE_URL with startup options of its own keeps them, and the pool still runs without JIT', async () => {
      const db = await openPgDb(urlWithSchema(process.env.DATABASE_URL!, 'xc_options_test'));
      try {
        const r = await db.query<{ jit: string; path: string }>("select current_setting('jit') as jit, current_setting('search_path') as path");
        assert.deepEqual(r.rows[0], { jit: 'off', path: 'xc_options_test,public' });
      } finally {
        await db.close();
      }
    });
  }

  test('values are bound parameters, never SQL', async () => {
    const r = await t.db.query<{ v: string }>('select $1::text as v', ["x'; drop table zones; --"]);
    assert.equal(r.rows[0].v, "x'; drop table zones; --");
    assert.equal((await t.db.query<{ n: number }>('select count(*)::int as n from zones')).rows[0].n > 0, true);
  });

  test('a GEOS failure is an error on both databases (PGlite would otherwise return no rows)', async () => {
    const bowtie = "ST_GeomFromText('POLYGON((0 0,1 1,1 0,0 1,0 0))')";
    await assert.rejects(t.db.query(`select ST_Area(ST_Intersection(${bowtie}, ST_MakeEnvelope(0, 0, 2, 2))) as a`));
    // The database stays usable afterwards.
    assert.equal((await t.db.query<{ one: number }>('select 1 as one')).rows[0].one, 1);
  });

  test('a transaction commits on success and rolls back on a thrown error', async () => {
    await assert.rejects(
      t.db.transaction(async (tx) => {
        await tx.query('insert into zones (id, properties) values ($1, $2)', ['zone-rollback-test', '{}']);
        throw new Error('stop');
      }),
      /stop/,
    );
    assert.deepEqual((await t.db.query("select id from zones where id = 'zone-rollback-test'")).rows, []);
    const n = await t.db.transaction(async (tx) => (await tx.query<{ n: number }>('select count(*)::int as n from zones')).rows[0].n);
    assert.ok(n >= 5);
  });
});
