/**
 * Who a request is: a session cookie (browser) or a bearer token (scripts, GIS clients), resolved
 * once per request into `c.var.actor`; and what an anonymous request may read.
 */
import type { Context, MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';
import { getConnInfo } from '@hono/node-server/conninfo';
import { randomUUID } from 'node:crypto';
import type { Db } from '../db/db.ts';
import { apiError } from '../errors.ts';
import type { Actor, WriteContext } from '../audit/audited.ts';
import { actorFor } from './accounts.ts';

export const SESSION_COOKIE = 'xc_session';

/** What anonymous requests may read: everything, the public (investor) audience, or nothing. */
export type AnonymousRead = 'all' | 'public' | 'none';
/** What a request may read: signed-in users read everything. */
export type ReadAudience = 'all' | 'public';

declare module 'hono' {
  interface ContextVariableMap {
    actor: Actor | null;
    requestId: string;
    anonymousRead: AnonymousRead;
  }
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** The anonymous read rule for a listen address: loopback reads all, a network address the public audience. */
export function defaultAnonymousRead(host: string | undefined): AnonymousRead {
  const h = (host ?? '127.0.0.1').replace(/^\[|\]$/g, '');
  return h === 'localhost' || h === '::1' || /^127\./.test(h) ? 'all' : 'public';
}

export function authenticate(db: Db, anonymousRead: AnonymousRead): MiddlewareHandler {
  return async (c, next) => {
    c.set('requestId', c.req.header('x-request-id')?.slice(0, 64).replace(/[^\w.-]/g, '') || randomUUID());
    c.set('anonymousRead', anonymousRead);
    c.header('X-Request-Id', c.get('requestId'));
    let actor: Actor | null = null;
    const authz = c.req.header('authorization');
    if (authz !== undefined) {
      const m = /^Bearer\s+(\S+)$/i.exec(authz);
      if (!m) apiError(401, 'Unauthorized', 'The Authorization header must be "Bearer <token>" with a personal access token.');
      actor = await actorFor(db, m[1], 'token');
      if (!actor) apiError(401, 'Unauthorized', 'The bearer token is unknown, revoked, or its user is disabled.');
    } else {
      const cookie = getCookie(c, SESSION_COOKIE);
      if (cookie) {
        actor = await actorFor(db, cookie, 'session');
        // A cookie-authenticated write must come from this app's own pages (CSRF): browsers send
        // Origin (or Sec-Fetch-Site) on every unsafe request; the edge has already refused foreign origins.
        if (actor && UNSAFE.has(c.req.method) && !c.req.header('origin') && c.req.header('sec-fetch-site') !== 'same-origin') {
          apiError(403, 'Forbidden', 'A signed-in browser write must carry an Origin header (CSRF protection); scripts should use a bearer token.');
        }
      }
    }
    c.set('actor', actor);
    await next();
  };
}

/** What this request may read; 401 when anonymous reading is off. */
export function readAudience(c: Context): ReadAudience {
  if (c.get('actor')) return 'all';
  const rule = c.get('anonymousRead') ?? 'all';
  if (rule === 'none') apiError(401, 'Unauthorized', 'This server does not allow anonymous reading; sign in (POST /api/auth/login) or send a bearer token.');
  return rule;
}

/** The client's address as the socket saw it. */
export function clientAddress(c: Context): string | null {
  try {
    return getConnInfo(c).remote.address ?? null;
  } catch {
    return null; // app.request() in tests has no socket
  }
}

/** Who writes, from where and why, for the audited write path. */
export function writeContext(c: Context, reason: string | null = null): WriteContext {
  return { actor: c.get('actor') ?? null, requestId: c.get('requestId') ?? null, clientAddress: clientAddress(c), reason };
}

/** Analyses read planner-only layers (control lines, the central area): 401 unless this request may read everything. */
export function requireFullRead(c: Context, what: string) {
  if (readAudience(c) !== 'all') apiError(401, 'Unauthorized', `Sign in to ${what}: it reads layers that are not public on this server.`);
}
