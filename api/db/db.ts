/** Limits on one statement: the watchdog stops it at `timeoutMs`, or when `signal` aborts (the client went away). */
export interface QueryOptions {
  timeoutMs?: number;
  signal?: AbortSignal;
}

/** The one database interface the app uses; PGlite (embedded) and pg (server) implement it. */
export interface Queryable {
  /** Runs one statement with `$n` parameters and returns its rows. */
  query<T = Record<string, unknown>>(text: string, values?: unknown[], opts?: QueryOptions): Promise<{ rows: T[] }>;
  /** Runs a script of several statements without parameters (migrations). */
  exec(text: string): Promise<void>;
}

/** What /api/health reports of the database, read without waiting behind running statements. */
export interface DbHealth {
  postgis: string;
  datasets: number;
  /** How long the embedded connection has been busy with one statement (0 when idle; server: 0). */
  busyForMs: number;
  /** Statements waiting for the embedded connection (server: clients waiting for the pool). */
  waiting: number;
  /** Times the watchdog restarted the embedded database (server: 0). */
  restarts: number;
}

export interface Db extends Queryable {
  readonly kind: 'pglite' | 'postgresql';
  /** Runs `fn` in one transaction on one connection; rolls back when it throws. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  /** The database's state for /api/health, answered promptly even when it is busy. */
  health(): Promise<DbHealth>;
  close(): Promise<void>;
}

/** A named query: SQL text with `$n` placeholders and the values bound to them. */
export interface SqlQuery {
  text: string;
  values: unknown[];
}

/** The geometry engine (GEOS) could not compute a statement's result (e.g. a TopologyException). */
export class GeometryEngineError extends Error {}

/** A statement stopped by its time limit (`code` 57014, as PostgreSQL's) or because its client went away. */
export class StatementCancelledError extends Error {
  code?: string;
}

/** Runs a named query on `q` (a database or a transaction). */
export function run<T = Record<string, unknown>>(q: Queryable, query: SqlQuery, opts?: QueryOptions): Promise<{ rows: T[] }> {
  return q.query<T>(query.text, query.values, opts);
}
