/** The one database interface the app uses; PGlite (embedded) and pg (server) implement it. */
export interface Queryable {
  /** Runs one statement with `$n` parameters and returns its rows. */
  query<T = Record<string, unknown>>(text: string, values?: unknown[]): Promise<{ rows: T[] }>;
  /** Runs a script of several statements without parameters (migrations). */
  exec(text: string): Promise<void>;
}

export interface Db extends Queryable {
  readonly kind: 'pglite' | 'postgresql';
  /** Runs `fn` in one transaction on one connection; rolls back when it throws. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** A named query: SQL text with `$n` placeholders and the values bound to them. */
export interface SqlQuery {
  text: string;
  values: unknown[];
}

/** The geometry engine (GEOS) could not compute a statement's result (e.g. a TopologyException). */
export class GeometryEngineError extends Error {}
