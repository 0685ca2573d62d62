/**
 * Response compression: brotli or gzip, whichever the client prefers (brotli on a tie), for text
 * types (JSON, GeoJSON, HTML, CSV, JavaScript, CSS) and vector tiles of at least `thresholdBytes`. Node's zlib does
 * the work as a stream (Hono's own `compress` has gzip and deflate only). An `ETag` becomes weak,
 * since the bytes differ from the uncompressed ones; `If-Match` and `If-None-Match` compare weakly.
 */
import type { MiddlewareHandler } from 'hono';
import { COMPRESSIBLE_CONTENT_TYPE_REGEX } from 'hono/utils/compress';
import { Duplex } from 'node:stream';
import { constants, createBrotliCompress, createGzip } from 'node:zlib';

export interface CompressionOptions {
  /** Bodies known to be smaller are sent as they are (a header costs more than it saves). */
  thresholdBytes?: number;
}

type Encoding = 'br' | 'gzip';

/** Vector tiles are protobuf, which compresses to about half (browsers decode it transparently). */
const MVT = 'application/vnd.mapbox-vector-tile';

/** The encoding an `Accept-Encoding` header prefers among brotli and gzip, or null. */
export function chooseEncoding(header: string | undefined): Encoding | null {
  if (!header) return null;
  const q = new Map<string, number>();
  for (const part of header.split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    const qp = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const value = qp ? Number(qp.slice(2)) : 1;
    q.set(name.trim(), Number.isFinite(value) ? value : 0);
  }
  const of = (e: string) => q.get(e) ?? q.get('*') ?? 0;
  const br = of('br');
  const gzip = of('gzip');
  if (br <= 0 && gzip <= 0) return null;
  return br >= gzip ? 'br' : 'gzip';
}

export function compression(opts: CompressionOptions = {}): MiddlewareHandler {
  const threshold = opts.thresholdBytes ?? 1024;
  return async (c, next) => {
    await next();
    // A client that takes no compression gets the response untouched: even reading its headers makes
    // @hono/node-server build objects it otherwise skips (~0.1 ms an answer). Leaving out `Vary` then is
    // safe: an uncompressed body suits every client a shared cache might hand it to.
    const encoding = c.req.method === 'HEAD' ? null : chooseEncoding(c.req.header('Accept-Encoding'));
    if (!encoding) return;
    const res = c.res;
    const type = res.headers.get('Content-Type');
    if (!type || !(COMPRESSIBLE_CONTENT_TYPE_REGEX.test(type) || type.startsWith(MVT)) || res.status === 204 || res.status === 206 || res.status === 304) return;
    const vary = res.headers.get('Vary');
    if (!vary) res.headers.set('Vary', 'Accept-Encoding');
    else if (vary !== '*' && !/accept-encoding/i.test(vary)) res.headers.set('Vary', `${vary}, Accept-Encoding`);
    if (res.headers.has('Content-Encoding')) return;
    const length = res.headers.get('Content-Length');
    if (length !== null && Number(length) < threshold) return;
    if (/(?:^|,)\s*no-transform\s*(?:,|$)/i.test(res.headers.get('Cache-Control') ?? '')) return;
    if (!res.body) return;
    // Brotli at quality 4 compresses JSON ~10 % better than gzip at about the same speed; 11 would be far slower.
    const zlib =
      encoding === 'br'
        ? createBrotliCompress({ params: { [constants.BROTLI_PARAM_QUALITY]: 4, [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT } })
        : createGzip({ level: 6 });
    const stream = Duplex.toWeb(zlib) as unknown as ReadableWritablePair<Uint8Array, Uint8Array>;
    c.res = new Response(res.body.pipeThrough(stream), res);
    c.res.headers.delete('Content-Length');
    c.res.headers.set('Content-Encoding', encoding);
    const etag = c.res.headers.get('ETag');
    if (etag && !etag.startsWith('W/')) c.res.headers.set('ETag', `W/${etag}`);
  };
}
