import pg from 'pg';
import type { Db, DbHealth, QueryOptions } from './db.ts';
import { StatementCancelledError } from './db.ts';

/** Connections of the main pool (requests); one more is kept apart for /api/health. */
export const POOL_SIZE = 8;

/**
 * `connectionString` with `options` added to the startup options it may name itself (`?options=-c
 * search_path=…`): pg lets the string's own `options` replace the pool's `options` setting.
 */
function withStartupOptions(connectionString: string, options: string): string {
  const url = new URL(connectionString);
  url.searchParams.set('options', [url.searchParams.get('options'), options].filter(Boolean).join(' '));
  return url.toString();
}

/** Connects a pool to a PostgreSQL/PostGIS server and checks that it answers. */
export async function openPgDb(connectionString: string): Promise<Db> {
  // A request that cannot get a connection within 3 s answers 503 with Retry-After (errors.ts).
  // No JIT: PostGIS overlays have high cost estimates, so PostgreSQL compiled them with LLVM on every
  // call — ~0.5 s a compliance check instead of ~6 ms (the query runs in milliseconds). Set in the
  // connection's startup options, so no statement runs before it and none is sent for it.
  const pool = new pg.Pool({ connectionString: withStartupOptions(connectionString, '-c jit=off'), max: POOL_SIZE, connectionTimeoutMillis: 3000 });
  // Health never waits behind the requests: its own connection, a short statement limit.
  const side = new pg.Pool({ connectionString, max: 1, connectionTimeoutMillis: 2000, statement_timeout: 2000, idleTimeoutMillis: 0 });
  // An idle client's network error must not crash the process; the next query reports it.
  pool.on('error', (err) => console.error('PostgreSQL pool error:', err.message));
  side.on('error', (err) => console.error('PostgreSQL pool error:', err.message));
  try {
    await pool.query('select 1');
  } catch (err) {
    await pool.end().catch(() => {});
    await side.end().catch(() => {});
    throw err;
  }

  /** One statement with a time limit (statement_timeout) and cancellation when the client goes away. */
  const limited = async (text: string, values: unknown[] | undefined, opts: QueryOptions) => {
    if (opts.signal?.aborted) throw new StatementCancelledError('The client closed the request before the statement started.');
    const client = await pool.connect();
    let cancelled = false;
    const onAbort = () => {
      cancelled = true;
      side.query('select pg_cancel_backend($1)', [(client as unknown as { processID: number }).processID]).catch(() => {});
    };
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      await client.query('begin');
      if (opts.timeoutMs) await client.query(`set local statement_timeout = ${Math.round(opts.timeoutMs)}`);
      const r = await client.query(text, values);
      await client.query('commit');
      return { rows: r.rows };
    } catch (err) {
      await client.query('rollback').catch(() => {});
      if (cancelled) throw new StatementCancelledError('The client closed the request; its statement was stopped.');
      if ((err as { code?: string }).code === '57014') {
        throw Object.assign(new StatementCancelledError(`A statement ran longer than ${(opts.timeoutMs ?? 0) / 1000} s and was stopped.`), { code: '57014' });
      }
      throw err;
    } finally {
      opts.signal?.removeEventListener('abort', onAbort);
      client.release();
    }
  };

  return {
    kind: 'postgresql',
    async query(text, values, opts) {
      if (opts && (opts.timeoutMs || opts.signal)) return limited(text, values, opts);
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
    async health(): Promise<DbHealth> {
      const r = await side.query<{ postgis: string; datasets: number }>('select postgis_lib_version() as postgis, (select count(*)::int from datasets) as datasets');
      return { ...r.rows[0], busyForMs: 0, waiting: pool.waitingCount, restarts: 0 };
    },
    async close() {
      await Promise.all([pool.end(), side.end()]);
    },
  };
}
