import { createHash } from 'node:crypto';
import type { Context } from 'hono';
import { LRUCache } from 'lru-cache';
import type { Db } from './db/db.ts';
import { versionsColumnSql } from './sql/collections.ts';
import { apiBase } from './public-url.ts';

/** A response body kept for reuse while the versions of the tables it was built from are unchanged. */
interface Entry {
  etag: string;
  /** Text (HTML) or bytes (JSON pages, vector tiles); an empty body is answered 204 No Content. */
  body: string | Uint8Array;
  type: string;
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
  // lru-cache keeps the order in a linked list: a Map used as a queue skips the holes its deletions leave at
  // the front on every eviction (~10–30 µs a miss with a few thousand pages held).
  private readonly entries: LRUCache<string, Entry>;
  hits = 0;
  misses = 0;

  constructor(
    private readonly db: Db,
    maxBytes = 64 * 1024 * 1024,
  ) {
    this.entries = new LRUCache<string, Entry>({
      maxSize: maxBytes,
      // The key counts too (an empty tile's entry is all key), text as UTF-16; a body larger than an eighth
      // of the cache would push out everything else, so it is rebuilt each time instead.
      sizeCalculation: (e, key) => 2 * (key.length + e.etag.length) + (typeof e.body === 'string' ? 2 * e.body.length : e.body.byteLength),
      maxEntrySize: Math.floor(maxBytes / 8),
    });
  }

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
    } else {
      this.misses++;
      const built = await build();
      // A build that read the versions with its data is tagged by them (the same snapshot).
      if (built.versions !== undefined) etag = tag(built.versions);
      if (etag === undefined) throw new Error('ResponseCache: versionsInBody is set but the build returned no versions.');
      entry = { etag, body: built.body, type: built.type };
      this.entries.set(key, entry);
    }
    if (entry.body.length === 0) return c.body(null, 204, { ETag: entry.etag, 'Cache-Control': 'no-cache', ...opts.headers });
    return c.body(entry.body as string, 200, { 'content-type': entry.type, ETag: entry.etag, 'Cache-Control': 'no-cache', ...opts.headers });
  }

  /** Bytes held (text as UTF-16, keys included), for the benchmark and the tests. */
  get size(): number {
    return this.entries.calculatedSize;
  }

  private async versions(tables: readonly string[]): Promise<string> {
    const r = await this.db.query<{ versions: string | null }>(`select ${versionsColumnSql('$1')}`, [tables]);
    return r.rows[0]?.versions ?? '';
  }
}

/** Whether an `If-None-Match` header names `etag` (weak comparison, as RFC 9110 asks for GET). */
function matches(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  if (header.trim() === '*') return true;
  return header.split(',').some((t) => t.trim().replace(/^W\//, '') === etag);
}
