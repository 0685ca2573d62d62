/**
 * The edge: one rule for everything a request carries, applied before any route runs, so no route
 * (today's or a future one) can forget it.
 *
 * - Host: only the names this server answers to (DNS rebinding); links are built from a checked host,
 *   and so is a reverse proxy's X-Forwarded-Host (X-Forwarded-Proto and -Prefix checked for syntax).
 * - Origin: a browser write from another origin is refused (CORS only as configured).
 * - Text: path segments, query parameters and JSON bodies may not hold NUL or other control
 *   characters, lone surrogates or prototype keys, and their lengths are bounded. The JSON body is
 *   parsed and checked here once; routes read it with `readJson`.
 */
import type { Context, MiddlewareHandler } from 'hono';
import { isIP } from 'node:net';
import { hostname as machineName } from 'node:os';
import { apiError } from './errors.ts';
import { readForwarded } from './public-url.ts';

export interface EdgeOptions {
  /** Host names (without port) the server answers to, besides the loopback names; `*` allows any. */
  allowedHosts?: string[];
  /** The listen address: on 0.0.0.0 / :: any IP literal is allowed (a rebinding attack needs a name). */
  listenHost?: string;
  /** Origins (scheme://host[:port]) allowed to call the API cross-origin. */
  corsOrigins?: string[];
}

/** Longest query parameter value (a CQL2 filter with a polygon fits). */
export const MAX_PARAM_CHARS = 16_384;
/** Longest path segment (ids are short). */
export const MAX_SEGMENT_CHARS = 1024;
/** Longest string inside a JSON body (names, descriptions). */
export const MAX_JSON_STRING_CHARS = 100_000;
/** Deepest nesting of a JSON body (a MultiPolygon in a request is depth ~6). */
export const MAX_JSON_DEPTH = 32;

/** The media types a JSON body may be sent as (compared on their essence, parameters ignored). */
const JSON_TYPES = new Set(['application/json', 'application/geo+json', 'application/merge-patch+json']);

const LOOPBACK = ['localhost', '127.0.0.1', '[::1]', '::1'];
const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** C0 controls but TAB/LF/CR, DEL and C1 controls; in URLs TAB/LF/CR count too. */
const CONTROL_IN_TEXT = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;
const CONTROL_IN_URL = /[\u0000-\u001f\u007f-\u009f]/;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const PROTO_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** The media type of a Content-Type header without its parameters, lower-cased ('' when absent). */
export function mimeEssence(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0].trim().toLowerCase();
}

export function isJsonType(contentType: string | undefined): boolean {
  return JSON_TYPES.has(mimeEssence(contentType));
}

/** `U+0000 (NUL)`-style name of the first bad character in `s`, or null. */
function badChar(s: string, re: RegExp): string | null {
  const m = re.exec(s);
  if (!m) return null;
  const cp = m[0].codePointAt(0)!;
  const names: Record<number, string> = { 0: 'NUL', 9: 'TAB', 10: 'line feed', 13: 'carriage return', 127: 'DEL' };
  const hex = cp.toString(16).toUpperCase().padStart(4, '0');
  if (cp >= 0xd800 && cp <= 0xdfff) return `an unpaired surrogate U+${hex} at position ${m.index + 1}`;
  return `the control character U+${hex}${names[cp] ? ` (${names[cp]})` : ''} at position ${m.index + 1}`;
}

/** The reason a piece of URL text is refused, or null. */
export function checkUrlText(s: string, max: number): string | null {
  if (s.length > max) return `is ${s.length.toLocaleString('en')} characters long; at most ${max.toLocaleString('en')} are accepted`;
  const bad = badChar(s, CONTROL_IN_URL) ?? badChar(s, LONE_SURROGATE);
  return bad ? `contains ${bad}` : null;
}

/** Walks a parsed JSON value; returns where and why it is refused, or null. */
export function checkJsonValue(value: unknown, path = 'body', depth = 0): string | null {
  if (depth > MAX_JSON_DEPTH) return `${path}: nested deeper than ${MAX_JSON_DEPTH} levels`;
  if (typeof value === 'string') {
    if (value.length > MAX_JSON_STRING_CHARS) return `${path}: a string of ${value.length.toLocaleString('en')} characters; at most ${MAX_JSON_STRING_CHARS.toLocaleString('en')}`;
    const bad = badChar(value, CONTROL_IN_TEXT) ?? badChar(value, LONE_SURROGATE);
    return bad ? `${path} contains ${bad}` : null;
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const v = value[i];
      if (typeof v === 'number') continue; // coordinates: the common case, kept fast
      const e = checkJsonValue(v, `${path}.${i}`, depth + 1);
      if (e) return e;
    }
    return null;
  }
  if (value !== null && typeof value === 'object') {
    for (const key of Object.keys(value)) {
      const where = `${path}.${key.length > 40 ? `${key.slice(0, 40)}…` : key}`;
      if (PROTO_KEYS.has(key)) return `${path}: the property name "${key}" is not allowed`;
      const kb = key.length > 200 ? 'is longer than 200 characters' : badChar(key, CONTROL_IN_URL) ?? badChar(key, LONE_SURROGATE);
      if (kb) return `${path}: a property name ${kb.startsWith('is') ? kb : `contains ${kb}`}`;
      const e = checkJsonValue((value as Record<string, unknown>)[key], where, depth + 1);
      if (e) return e;
    }
  }
  return null;
}

const bodies = new WeakMap<Context, unknown>();

/** The request's JSON body as the edge parsed and checked it; undefined when it sent none. */
export function checkedJsonBody(c: Context): unknown {
  return bodies.get(c);
}

/** The names a request's Host may carry. */
export function hostAllowed(host: string, opts: EdgeOptions): boolean {
  const allowed = opts.allowedHosts ?? [];
  if (allowed.includes('*')) return true;
  const h = host.toLowerCase().replace(/\.$/, '');
  if (LOOPBACK.includes(h) || h.endsWith('.localhost')) return true;
  if (allowed.some((a) => a.toLowerCase() === h)) return true;
  const bare = h.replace(/^\[|\]$/g, '');
  const listen = opts.listenHost ?? '127.0.0.1';
  if (listen === bare) return true;
  if ((listen === '0.0.0.0' || listen === '::') && isIP(bare)) return true;
  if (listen !== '127.0.0.1' && listen !== 'localhost' && h === machineName().toLowerCase()) return true;
  return false;
}

export function edge(opts: EdgeOptions = {}): MiddlewareHandler {
  const cors = new Set((opts.corsOrigins ?? []).map((o) => o.replace(/\/$/, '').toLowerCase()));
  return async (c, next) => {
    const url = new URL(c.req.url);
    if (!hostAllowed(url.hostname, opts)) {
      apiError(
        421,
        'MisdirectedRequest',
        `This server does not answer to the host name "${url.hostname.slice(0, 80)}". Set PUBLIC_URL or ALLOWED_HOSTS to the names it is reached by.`,
      );
    }
    // A reverse proxy's headers become the links' host, scheme and prefix: the same rule as Host.
    const fwd = readForwarded((n) => c.req.header(n));
    if ('error' in fwd) apiError(400, 'InvalidParameterValue', fwd.error);
    if (fwd.host !== undefined) {
      const name = new URL(`http://${fwd.host}`).hostname;
      if (!hostAllowed(name, opts)) {
        apiError(421, 'MisdirectedRequest', `This server does not answer to the host name "${name.slice(0, 80)}" (X-Forwarded-Host). Set PUBLIC_URL or ALLOWED_HOSTS to the names it is reached by.`);
      }
    }
    const origin = c.req.header('origin');
    if (UNSAFE.has(c.req.method) && origin !== undefined) {
      const o = origin.toLowerCase();
      // Behind a proxy the page's origin is the proxy's (the forwarded scheme and host, checked above).
      const proxied = `${fwd.proto ?? url.protocol.replace(/:$/, '')}://${fwd.host ?? url.host}`.toLowerCase();
      if (o !== url.origin.toLowerCase() && o !== proxied && !cors.has(o)) {
        apiError(403, 'Forbidden', `Requests from the web origin ${origin.slice(0, 80)} are not allowed; list it in CORS_ORIGINS to allow it.`);
      }
    }
    if (!url.pathname.startsWith('/api')) return next();

    const segments = url.pathname.split('/');
    for (const raw of segments) {
      let seg: string;
      try {
        seg = decodeURIComponent(raw);
      } catch {
        apiError(400, 'InvalidParameterValue', `The path segment "${raw.slice(0, 60)}" is not valid percent-encoded UTF-8.`);
      }
      const e = checkUrlText(seg, MAX_SEGMENT_CHARS);
      if (e) apiError(400, 'InvalidParameterValue', `The path segment "${encodeURIComponent(seg.slice(0, 40))}" ${e}.`);
    }
    if (url.search.length > 4 * MAX_PARAM_CHARS) {
      apiError(414, 'InvalidParameterValue', `The query string is ${url.search.length.toLocaleString('en')} characters long; at most ${(4 * MAX_PARAM_CHARS).toLocaleString('en')}.`);
    }
    for (const [name, value] of url.searchParams) {
      const shown = encodeURIComponent(name.slice(0, 40));
      const ne = checkUrlText(name, 200);
      if (ne) apiError(400, 'InvalidParameterValue', `The parameter name "${shown}" ${ne}.`);
      const ve = checkUrlText(value, MAX_PARAM_CHARS);
      if (ve) apiError(400, 'InvalidParameterValue', `Parameter ${shown} ${ve}.`);
    }

    if (c.req.method === 'POST' || c.req.method === 'PUT' || c.req.method === 'PATCH') {
      const type = c.req.header('content-type');
      if (isJsonType(type)) {
        // JSON is read as it arrives, as UTF-8 (RFC 8259): a compressed or otherwise encoded body is refused by name.
        const encoding = (c.req.header('content-encoding') ?? '').trim().toLowerCase();
        if (encoding && encoding !== 'identity') {
          apiError(415, 'InvalidRequestBody', `Content-Encoding "${encoding.slice(0, 40)}" is not accepted: send the JSON body uncompressed.`);
        }
        const charset = /;\s*charset\s*=\s*"?([^";\s]*)/i.exec(type ?? '')?.[1].toLowerCase();
        if (charset !== undefined && !['utf-8', 'utf8', 'us-ascii'].includes(charset)) {
          apiError(415, 'InvalidRequestBody', `JSON is read as UTF-8, not charset "${charset.slice(0, 40)}": send the body as UTF-8.`);
        }
        let text = '';
        try {
          text = await c.req.text();
        } catch (err) {
          // The client closed the connection mid-body (or it timed out): nothing to answer, nothing to log.
          apiError(400, 'InvalidRequestBody', `The request body could not be read: ${(err as Error).message.slice(0, 80)}.`);
        }
        if (text.trim() !== '') {
          let body: unknown;
          try {
            body = JSON.parse(text);
          } catch (err) {
            apiError(400, 'InvalidRequestBody', `The request body is not valid JSON: ${(err as Error).message.slice(0, 120)}`);
          }
          const e = checkJsonValue(body);
          if (e) apiError(400, 'InvalidRequestBody', `${e}.`);
          bodies.set(c, body);
        }
      }
    }
    return next();
  };
}
