/**
 * The address a client reached this server by, for the links the API writes: behind a reverse proxy
 * that is the proxy's (`X-Forwarded-Proto`, `X-Forwarded-Host`, `X-Forwarded-Prefix`), else the
 * request's own. The edge has checked these headers before any route runs (`checkForwarded`): the
 * host against the names this server answers to, the scheme and the path prefix against their syntax.
 */
import type { Context } from 'hono';

/** The first value of a proxy header (a chain of proxies appends theirs after a comma). */
function first(value: string | undefined): string | undefined {
  const v = value?.split(',')[0].trim();
  return v ? v : undefined;
}

/** `X-Forwarded-Prefix`: a path of plain segments (`/gis`, `/apps/xincheng`), no trailing slash. */
const PREFIX = /^(\/[A-Za-z0-9._~-]+)+$/;
const HOST = /^[A-Za-z0-9.-]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$/;

export interface Forwarded {
  proto?: 'http' | 'https';
  /** Host with an optional port, as the client wrote it. */
  host?: string;
  prefix?: string;
}

/** Reads the proxy headers; the reason one is unusable, or the values. */
export function readForwarded(header: (name: string) => string | undefined): { error: string } | Forwarded {
  const proto = first(header('x-forwarded-proto'))?.toLowerCase();
  const host = first(header('x-forwarded-host'));
  const prefix = first(header('x-forwarded-prefix'));
  if (proto !== undefined && proto !== 'http' && proto !== 'https') return { error: `X-Forwarded-Proto must be http or https, not "${proto.slice(0, 20)}".` };
  if (host !== undefined && !HOST.test(host)) return { error: `X-Forwarded-Host "${host.slice(0, 60)}" is not a host name with an optional port.` };
  const p = prefix?.replace(/\/$/, '');
  if (p !== undefined && p !== '' && !PREFIX.test(p)) return { error: `X-Forwarded-Prefix "${prefix!.slice(0, 60)}" must be a path such as /gis (letters, digits, . _ ~ -).` };
  return { proto: proto as Forwarded['proto'], host, prefix: p || undefined };
}

const roots = new WeakMap<Context, string>();

/** The origin and path prefix the client sees this server under, e.g. `https://gis.example.gov.cn/xincheng` (worked out once a request). */
export function publicRoot(c: Context): string {
  let root = roots.get(c);
  if (root === undefined) {
    const url = new URL(c.req.url);
    const f = readForwarded((n) => c.req.header(n));
    // The edge refuses a request with unusable proxy headers before any route runs.
    root = 'error' in f ? url.origin : `${f.proto ?? url.protocol.replace(/:$/, '')}://${f.host ?? url.host}${f.prefix ?? ''}`;
    roots.set(c, root);
  }
  return root;
}

/** The API's base URL as the client reached it (see `publicRoot`). */
export function apiBase(c: Context): string {
  return `${publicRoot(c)}/api`;
}

/** Whether the client reached this server over https (directly or through a proxy that says so). */
export function isHttps(c: Context): boolean {
  return publicRoot(c).startsWith('https:');
}

/** The request's own URL as the client reached it (for `self` and paging links). */
export function publicUrl(c: Context): string {
  const url = new URL(c.req.url);
  return `${publicRoot(c)}${url.pathname}${url.search}`;
}
