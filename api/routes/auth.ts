import { Hono, type Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { z } from 'zod';
import type { Db } from '../db/db.ts';
import { apiError } from '../errors.ts';
import { requireRole } from '../audit/audited.ts';
import * as accounts from '../auth/accounts.ts';
import { SESSION_COOKIE, writeContext } from '../auth/middleware.ts';
import { readJson } from './read-json.ts';
import { isHttps } from '../public-url.ts';

const Login = z.object({ username: z.string().max(64), password: z.string().max(200) }).strict();
const TokenRequest = z.object({ name: z.string().max(200), username: z.string().max(64).optional() }).strict();
const NewUser = z.object({ username: z.string().max(64), password: z.string().max(200), role: z.string().max(20) }).strict();
const UserChange = z
  .object({ role: z.string().max(20).optional(), disabled: z.boolean().optional(), password: z.string().max(200).optional() })
  .strict()
  .refine((u) => Object.keys(u).length > 0, 'give at least one of role, disabled, password');

/** Accounts: sign in and out, the current user, personal access tokens and (admin) users. */
export function authRoutes(db: Db) {
  const app = new Hono();

  const startSession = (c: Context, secret: string) =>
    setCookie(c, SESSION_COOKIE, secret, {
      httpOnly: true,
      sameSite: 'Lax',
      path: '/',
      // Secure when the client's connection is https, also through a proxy that terminates TLS.
      secure: isHttps(c),
      maxAge: accounts.SESSION_DAYS * 86400,
    });

  app.post('/auth/login', async (c) => {
    const body = await readJson(c, Login);
    const { secret, actor } = await accounts.login(db, writeContext(c), body.username, body.password);
    startSession(c, secret);
    return c.json({ user: { username: actor.username, role: actor.role } });
  });

  app.post('/auth/logout', async (c) => {
    const cookie = getCookie(c, SESSION_COOKIE);
    if (cookie && c.get('actor')) await accounts.logout(db, writeContext(c), cookie);
    deleteCookie(c, SESSION_COOKIE, { path: '/' });
    return c.json({ user: null });
  });

  app.get('/auth/me', (c) => {
    const actor = c.get('actor');
    if (!actor) apiError(401, 'Unauthorized', 'Not signed in.');
    return c.json({ user: { username: actor.username, role: actor.role }, via: actor.via });
  });

  // The one-time link the first start prints: signs in and opens the map.
  app.get('/auth/link/:secret', async (c) => {
    const r = await accounts.useLoginLink(db, writeContext(c), c.req.param('secret'));
    if (!r) apiError(401, 'Unauthorized', 'This sign-in link is unknown, used or expired; ask an admin for a password or run "npm run users -- passwd admin".');
    startSession(c, r.secret);
    return c.redirect('/', 303);
  });

  app.get('/auth/tokens', async (c) => {
    const actor = requireRole(c.get('actor'), 'viewer', 'list tokens');
    return c.json({ tokens: await accounts.listTokens(db, actor.username) });
  });

  app.post('/auth/tokens', async (c) => {
    const body = await readJson(c, TokenRequest);
    const t = await accounts.createToken(db, writeContext(c), body.name, body.username);
    return c.json(t, 201);
  });

  app.delete('/auth/tokens/:id', async (c) => {
    const id = Number(c.req.param('id'));
    if (!Number.isSafeInteger(id) || id <= 0) apiError(400, 'InvalidParameterValue', 'The token id must be a positive integer.');
    return c.json(await accounts.revokeToken(db, writeContext(c), id));
  });

  app.get('/users', async (c) => {
    requireRole(c.get('actor'), 'admin', 'list users');
    return c.json({ users: await accounts.listUsers(db) });
  });

  app.post('/users', async (c) => {
    const body = await readJson(c, NewUser);
    return c.json({ user: await accounts.createUser(db, writeContext(c), body) }, 201);
  });

  app.patch('/users/:username', async (c) => {
    const body = await readJson(c, UserChange);
    return c.json({ user: await accounts.updateUser(db, writeContext(c), c.req.param('username'), body) });
  });

  return app;
}
