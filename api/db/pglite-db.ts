/**
 * The embedded database: PGlite + PostGIS in a worker thread (pglite-worker.ts), so HTTP keeps
 * answering while a statement runs. PGlite has one connection and ignores statement_timeout, so
 * the main thread serialises statements (a transaction holds the connection for all of its own)
 * and is the watchdog: a statement that runs past its time limit, or whose client went away, is
 * stopped by terminating the thread, which then restarts on the same folder.
 */
import { unlinkSync, writeFileSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { GeometryEngineError, StatementCancelledError, type Db, type DbHealth, type QueryOptions, type Queryable } from './db.ts';
import { DataDirError, describeFsError, formatBytes, freeBytes, lockDataDir } from './folder-lock.ts';

type Result = { rows: unknown[]; command?: string };

/** A message to the thread (pglite-worker.mjs) and its replies; `id` -1 reports the start. */
type WorkerCall = { op: 'query'; text: string; values?: unknown[] } | { op: 'exec'; text: string } | { op: 'dump'; path: string } | { op: 'close' };
type WorkerError = { name: string; message: string; code?: string; detail?: string };
type WorkerReply = { id: number; ok: true; rows?: unknown[]; command?: string } | { id: number; ok: false; error: WorkerError };

/** Below this much free space an embedded database cannot start or write safely. */
const MIN_FREE_BYTES = 32 * 1024 * 1024;
/**
 * How long a statement whose client went away may still run before it is stopped (see `watched`).
 * Stopping restarts the thread, which costs ~20 s (35–40 s under load) during which every request
 * waits, so only a statement still running this long after its client left is worth it: with a 1 s
 * grace, closing a tab during a 2 s analysis froze the map for the next user for half a minute.
 */
export const ABORT_GRACE_MS = 15_000;

/**
 * PGlite's PostGIS reports a GEOS exception (e.g. a TopologyException) not as an error but as an
 * empty result without a command tag; a real empty SELECT has one. Raise it, as the server does.
 */
function checked<T>(r: Result, text: string): { rows: T[] } {
  if (r.command === undefined && r.rows.length === 0) {
    throw new GeometryEngineError(`The embedded PostGIS failed on this statement (a GEOS error, reported without a message): ${text.replace(/\s+/g, ' ').slice(0, 80)}…`);
  }
  return { rows: r.rows as T[] };
}

/** Why `dataDir` cannot hold a database (not writable, no space), or null when it looks fine. */
function folderProblem(dataDir: string): string | null {
  const probe = `${dataDir}/.write-test-${process.pid}`;
  try {
    writeFileSync(probe, 'x');
    unlinkSync(probe);
  } catch (err) {
    return describeFsError(err as NodeJS.ErrnoException, dataDir);
  }
  const free = freeBytes(dataDir);
  if (free !== null && free < MIN_FREE_BYTES) return `no space left on the device (${formatBytes(free)} free; at least ${formatBytes(MIN_FREE_BYTES)} needed)`;
  return null;
}

/** An error raised in the worker, rebuilt with its SQLSTATE code. */
function rebuild(e: WorkerError): Error {
  const err = new Error(e.message) as Error & { code?: string; detail?: string };
  err.name = e.name;
  if (e.code) err.code = e.code;
  if (e.detail) err.detail = e.detail;
  return err;
}

/** One worker thread with PGlite open in it. */
class Connection {
  private readonly worker: Worker;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (r: Result) => void; reject: (e: Error) => void }>();
  readonly ready: Promise<void>;
  private dead: Error | null = null;

  constructor(dataDir: string | undefined, snapshot: string | undefined) {
    this.worker = new Worker(new URL('./pglite-worker.mjs', import.meta.url), { workerData: { dataDir, snapshot } });
    this.ready = new Promise((resolve, reject) => {
      this.worker.on('message', (m: WorkerReply) => {
        if (m.id === -1) {
          if (m.ok) resolve();
          else reject(rebuild(m.error));
          return;
        }
        const p = this.pending.get(m.id);
        if (!p) return;
        this.pending.delete(m.id);
        if (m.ok) p.resolve({ rows: m.rows ?? [], command: m.command });
        else p.reject(rebuild(m.error));
      });
      this.worker.on('error', (err) => {
        this.dead = err;
        reject(err);
        this.failAll(err);
      });
      this.worker.on('exit', (code) => {
        const err = this.dead ?? new Error(`The embedded database thread stopped (exit code ${code}).`);
        this.dead = err;
        reject(err);
        this.failAll(err);
      });
    });
    this.ready.catch(() => {});
  }

  private failAll(err: Error) {
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
  }

  send(req: WorkerCall): Promise<Result> {
    if (this.dead) return Promise.reject(this.dead);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ ...req, id });
    });
  }

  /** Stops the thread at once (the statement in it is abandoned, as by kill -9); pending calls fail with `reason`. */
  async terminate(reason: Error): Promise<void> {
    this.dead = reason;
    this.failAll(reason);
    await this.worker.terminate();
  }
}

/** A simple FIFO mutex: the connection is used by one statement or one transaction at a time. */
class Mutex {
  private tail: Promise<void> = Promise.resolve();
  /** When the holder took the lock (ms since epoch), or null when free. */
  heldSince: number | null = null;
  waiting = 0;
  async run<T>(fn: () => Promise<T>): Promise<T> {
    const prev = this.tail;
    let release!: () => void;
    this.tail = new Promise<void>((r) => (release = r));
    this.waiting++;
    await prev;
    this.waiting--;
    this.heldSince = Date.now();
    try {
      return await fn();
    } finally {
      this.heldSince = null;
      release();
    }
  }
}

export interface PgliteDb extends Db {
  /** Runs after the thread restarts (the watchdog stopped a statement): re-applies migrations, and for an in-memory database reloads its data. */
  onRestart?: (db: Db) => Promise<void>;
  /** How many times the watchdog restarted the thread. */
  readonly restarts: number;
  /** How long a statement whose client went away may still run before it is stopped (ABORT_GRACE_MS). */
  abortGraceMs: number;
  /**
   * Closes the thread cleanly and opens the folder in a fresh one. WebAssembly memory only grows, so
   * after a large import this returns what the import grew (an in-memory database is left alone).
   */
  recycle(): Promise<void>;
  /** Writes the whole database to `path` as a gzipped tarball that `openPgliteDb(undefined, { snapshot })` starts from. */
  dump(path: string): Promise<void>;
}

/**
 * Opens (creating if needed) an embedded PostgreSQL + PostGIS in `dataDir`, or in memory when
 * undefined. A folder is opened by one process at a time (see folder-lock.ts). An in-memory
 * database may start from `snapshot`, a tarball written by `dump` (2 s instead of 15 s for creating
 * an empty database and installing PostGIS; the test run makes one and every test database starts
 * from it); a watchdog restart starts from it again.
 */
export async function openPgliteDb(dataDir: string | undefined, opts: { snapshot?: string } = {}): Promise<PgliteDb> {
  const snapshot = dataDir ? undefined : opts.snapshot;
  const release = dataDir ? lockDataDir(dataDir) : () => {};
  const start = async (): Promise<Connection> => {
    const conn = new Connection(dataDir, snapshot);
    try {
      await conn.ready;
    } catch (err) {
      await conn.terminate(err as Error).catch(() => {});
      if (!dataDir) throw err;
      const cause = folderProblem(dataDir) ?? `${(err as Error).message.split('\n')[0].slice(0, 160)} (check free space and permissions of the folder)`;
      throw new DataDirError(`Cannot open the embedded database in ${dataDir}/: ${cause}.`);
    }
    return conn;
  };
  let conn: Connection;
  try {
    const problem = dataDir ? folderProblem(dataDir) : null;
    if (problem) throw new DataDirError(`Cannot open the embedded database in ${dataDir}/: ${problem}.`);
    conn = await start();
  } catch (err) {
    release();
    throw err;
  }

  const mutex = new Mutex();
  let restarts = 0;
  let lastHealth: { postgis: string; datasets: number } | null = null;
  let closed = false;

  /** Statements straight to the current connection; callers hold the mutex. */
  const direct: Db = {
    kind: 'pglite',
    async query(text, values) {
      return checked(await conn.send({ op: 'query', text, values }), text);
    },
    async exec(text) {
      await conn.send({ op: 'exec', text });
    },
    async transaction(fn) {
      await conn.send({ op: 'exec', text: 'begin' });
      try {
        const result = await fn(direct);
        await conn.send({ op: 'exec', text: 'commit' });
        return result;
      } catch (err) {
        await conn.send({ op: 'exec', text: 'rollback' }).catch(() => {});
        throw err;
      }
    },
    health: async () => {
      throw new Error('not used');
    },
    close: async () => {},
  };

  /** Stops the running statement by restarting the thread; runs while holding the mutex. */
  const restart = async (reason: Error) => {
    restarts++;
    console.warn(`Embedded database: ${reason.message} Restarting its thread…`);
    const t = Date.now();
    await conn.terminate(reason);
    conn = await start();
    await db.onRestart?.(direct);
    console.warn(`Embedded database: restarted in ${((Date.now() - t) / 1000).toFixed(1)} s.`);
  };

  /** One statement under the watchdog: stopped at `timeoutMs`, or when `signal` aborts and it still runs `db.abortGraceMs` later. */
  const watched = async <T>(text: string, values: unknown[] | undefined, opts: QueryOptions): Promise<{ rows: T[] }> => {
    if (opts.signal?.aborted) throw new StatementCancelledError('The client closed the request before the statement started.');
    let stop: Error | null = null;
    let onAbort = () => {};
    const running = conn.send({ op: 'query', text, values });
    const stopped = new Promise<never>((_, reject) => {
      const halt = (err: Error) => {
        if (stop) return;
        stop = err;
        reject(err);
      };
      const timer = opts.timeoutMs ? setTimeout(() => halt(Object.assign(new StatementCancelledError(`A statement ran longer than ${opts.timeoutMs! / 1000} s and was stopped.`), { code: '57014' })), opts.timeoutMs) : null;
      // A client gone away stops its statement only if it is still running a moment later: stopping means
      // restarting the thread (seconds, longer under load, while every request waits), which most
      // statements — a few milliseconds — do not deserve; their answers are simply dropped.
      let grace: ReturnType<typeof setTimeout> | null = null;
      onAbort = () => {
        grace = setTimeout(() => halt(new StatementCancelledError('The client closed the request; its statement was stopped.')), db.abortGraceMs);
      };
      opts.signal?.addEventListener('abort', onAbort, { once: true });
      running
        .finally(() => {
          if (timer) clearTimeout(timer);
          if (grace) clearTimeout(grace);
        })
        .catch(() => {});
    });
    try {
      return checked(await Promise.race([running, stopped]), text);
    } finally {
      opts.signal?.removeEventListener('abort', onAbort);
      if (stop) stopping = stop;
    }
  };
  /** Set when the watchdog stopped the statement: the thread must restart before the next one. */
  let stopping: Error | null = null;

  const db: PgliteDb = {
    kind: 'pglite',
    get restarts() {
      return restarts;
    },
    abortGraceMs: ABORT_GRACE_MS,
    query(text, values, opts) {
      if (opts && (opts.timeoutMs || opts.signal)) {
        // The caller hears of a stop at once; the restart goes on holding the connection.
        return new Promise((resolve, reject) => {
          mutex
            .run(async () => {
              try {
                resolve(await watched(text, values, opts));
              } catch (err) {
                reject(err);
                if (stopping) {
                  const reason = stopping;
                  stopping = null;
                  await restart(reason);
                }
              }
            })
            .catch((err) => console.error('Embedded database: the restart failed:', (err as Error).message));
        });
      }
      return mutex.run(() => direct.query(text, values));
    },
    exec(text) {
      return mutex.run(() => direct.exec(text));
    },
    transaction(fn) {
      return mutex.run(() => direct.transaction(fn));
    },
    async health(): Promise<DbHealth> {
      // A running statement holds the one connection: answer from the last reading instead of waiting.
      if (mutex.heldSince !== null && lastHealth) {
        return { ...lastHealth, busyForMs: Date.now() - mutex.heldSince, waiting: mutex.waiting, restarts };
      }
      const r = await db.query<{ postgis: string; datasets: number }>('select postgis_lib_version() as postgis, (select count(*)::int from datasets) as datasets');
      lastHealth = r.rows[0];
      return { ...lastHealth, busyForMs: 0, waiting: 0, restarts };
    },
    async recycle() {
      if (!dataDir || closed) return;
      await mutex.run(async () => {
        await conn.send({ op: 'close' }).catch(() => {});
        await conn.terminate(new Error('The embedded database thread is being recycled.'));
        conn = await start();
      });
    },
    async dump(path) {
      await mutex.run(() => conn.send({ op: 'dump', path }));
    },
    async close() {
      if (closed) return;
      closed = true;
      try {
        await mutex.run(async () => {
          await conn.send({ op: 'close' }).catch(() => {});
          await conn.terminate(new Error('The embedded database is closed.'));
        });
      } finally {
        release();
      }
    },
  };
  return db;
}
