import { createHash } from 'node:crypto';
import type { Context } from 'hono';
import type { Db } from './db/db.ts';
import { versionsColumnSql } from './sql/collections.ts';
import { apiBase } from './public-url.ts';

/** A response body kept for reuse while the versions of the tables it was built from are unchanged. */
interface Entry {
  etag: string;
  /** Text (JSON, HTML) or bytes (vector tiles); an empty body is answered 204 No Content. */
  body: string | Uint8Array;
  type: string;
  bytes: number;
}

/**
 * Responses of unchanged collections, answered from memory and revalidated by `ETag`.
 *
 * A response is keyed by its URL (the body holds links built from it) and tagged with the
 * versions of the tables it reads; every write bumps those versions by a trigger
 * (migration 002), so a cached body is never served after its data changed, whichever
 * process or path wrote. Bounded by bytes, least recently used out first.
 */
export class ResponseCache {
  private entries = new Map<string, Entry>();
  private bytes = 0;
  hits = 0;
  misses = 0;

  constructor(
    private readonly db: Db,
    private readonly maxBytes = 64 * 1024 * 1024,
  ) {}

  /**
   * Answers `c` with the body `build` makes, or from memory when the tables in `tables` are
   * unchanged; 304 when the client already holds this version (`If-None-Match`).
   *
   * A build may read the versions itself, in the statement that reads the data (`versionsColumnSql`),
   * and return them: a request with nothing in memory and no `If-None-Match` then costs one query,
   * not two, and its ETag belongs to the very snapshot the body was read from.
   */
  async respond(
    c: Context,
    tables: readonly string[],
    build: () => Promise<{ body: string | Uint8Array; type: string; versions?: string }>,
    /**
     * `variant`: who the body was built for (what anonymous users see differs) and its format; `etagPrefix`: e.g. a feature's
     * version; `versionsInBody`: `build` returns the versions it read (else they are read before it, so a body is never tagged newer than it is).
     */
    opts: { variant?: string; etagPrefix?: string; headers?: Record<string, string>; versionsInBody?: boolean } = {},
  ): Promise<Response> {
    // Links in a body are written for the address the client used (a proxy's too), so that is part of the key.
    const key = `${opts.variant ?? ''} ${apiBase(c)} ${c.req.url}`;
    const tag = (versions: string) => `"${opts.etagPrefix ?? ''}${createHash('sha256').update(key).update('\0').update(versions).digest('base64url').slice(0, 27)}"`;
    const ifNoneMatch = c.req.header('if-none-match');
    let entry = this.entries.get(key);
    let etag: string | undefined;
    if (entry || ifNoneMatch || !opts.versionsInBody) {
      etag = tag(await this.versions(tables));
      if (matches(ifNoneMatch, etag)) return c.body(null, 304, { ETag: etag, 'Cache-Control': 'no-cache', ...opts.headers });
    }
    if (entry && entry.etag === etag) {
      this.hits++;
      // Most recently used last, so the oldest is first when space is needed.
      this.entries.delete(key);
      this.entries.set(key, entry);
    } else {
      this.misses++;
      const built = await build();
      // A build that read the versions with its data is tagged by them (the same snapshot).
      if (built.versions !== undefined) etag = tag(built.versions);
      if (etag === undefined) throw new Error('ResponseCache: versionsInBody is set but the build returned no versions.');
      entry = { etag, body: built.body, type: built.type, bytes: typeof built.body === 'string' ? built.body.length * 2 : built.body.byteLength };
      this.put(key, entry);
    }
    if (entry.body.length === 0) return c.body(null, 204, { ETag: entry.etag, 'Cache-Control': 'no-cache', ...opts.headers });
    return c.body(entry.body as string, 200, { 'content-type': entry.type, ETag: entry.etag, 'Cache-Control': 'no-cache', ...opts.headers });
  }

  /** Bytes held (UTF-16 estimate), for the benchmark and the tests. */
  get size(): number {
    return this.bytes;
  }

  private async versions(tables: readonly string[]): Promise<string> {
    const r = await this.db.query<{ versions: string | null }>(`select ${versionsColumnSql('$1')}`, [tables]);
    return r.rows[0]?.versions ?? '';
  }

  private put(key: string, entry: Entry) {
    const old = this.entries.get(key);
    if (old) {
      this.bytes -= old.bytes;
      this.entries.delete(key);
    }
    // A body larger than an eighth of the cache would push out everything else; it is rebuilt each time.
    if (entry.bytes > this.maxBytes / 8) return;
    this.entries.set(key, entry);
    this.bytes += entry.bytes;
    for (const [k, e] of this.entries) {
      if (this.bytes <= this.maxBytes) break;
      this.entries.delete(k);
      this.bytes -= e.bytes;
    }
  }
}

/** Whether an `If-None-Match` header names `etag` (weak comparison, as RFC 9110 asks for GET). */
function matches(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  if (header.trim() === '*') return true;
  return header.split(',').some((t) => t.trim().replace(/^W\//, '') === etag);
}
