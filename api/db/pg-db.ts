import pg from 'pg';
import type { Db } from './db.ts';

/** Connects a pool to a PostgreSQL/PostGIS server and checks that it answers. */
export async function openPgDb(connectionString: string): Promise<Db> {
  const pool = new pg.Pool({ connectionString, max: 8, connectionTimeoutMillis: 5000 });
  // An idle client's network error must not crash the process; the next query reports it.
  pool.on('error', (err) => console.error('PostgreSQL pool error:', err.message));
  try {
    await pool.query('select 1');
  } catch (err) {
    await pool.end().catch(() => {});
    throw err;
  }
  return {
    kind: 'postgresql',
    async query(text, values) {
      const r = await pool.query(text, values);
      return { rows: r.rows };
    },
    async exec(text) {
      await pool.query(text);
    },
    async transaction(fn) {
      const client = await pool.connect();
      try {
        await client.query('begin');
        const result = await fn({
          async query(text, values) {
            const r = await client.query(text, values);
            return { rows: r.rows };
          },
          async exec(text) {
            await client.query(text);
          },
        });
        await client.query('commit');
        return result;
      } catch (err) {
        await client.query('rollback').catch(() => {});
        throw err;
      } finally {
        client.release();
      }
    },
    close: () => pool.end(),
  };
}
