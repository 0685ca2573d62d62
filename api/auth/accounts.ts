/**
 * Accounts: users, logins, sessions, personal access tokens and one-time login links. Every change
 * (and every login, failed or not) goes through the audited write path.
 */
import type { Db } from '../db/db.ts';
import { apiError } from '../errors.ts';
import { audited, ROLES, systemContext, type Actor, type Role, type WriteContext } from '../audit/audited.ts';
import { hashPassword, newSecret, passwordProblem, secretHash, verifyPassword } from './secrets.ts';
import * as sql from '../sql/users.ts';

/** Days a browser session lasts. */
export const SESSION_DAYS = 7;
/** Failed logins within THROTTLE_MINUTES after which a user name (or an address) must wait. */
export const MAX_FAILURES_PER_USER = 5;
export const MAX_FAILURES_PER_ADDRESS = 20;
export const THROTTLE_MINUTES = 15;

export const USERNAME_RULE = /^[a-z0-9][a-z0-9._-]{1,31}$/;

export interface UserRow {
  username: string;
  role: Role;
  disabled: boolean;
  password_hash: string;
}

function checkUsername(username: string) {
  if (!USERNAME_RULE.test(username)) {
    apiError(400, 'InvalidRequestBody', 'The user name must be 2–32 characters: lower-case letters, digits, ".", "_" or "-", starting with a letter or digit.');
  }
}

function checkPassword(password: string) {
  const problem = passwordProblem(password);
  if (problem) apiError(400, 'InvalidRequestBody', problem);
}

function checkRole(role: string): asserts role is Role {
  if (!(ROLES as readonly string[]).includes(role)) apiError(400, 'InvalidRequestBody', `role must be one of ${ROLES.join(', ')}.`);
}

export async function createUser(db: Db, ctx: WriteContext, u: { username: string; password: string; role: string }) {
  checkUsername(u.username);
  checkPassword(u.password);
  checkRole(u.role);
  const passwordHash = await hashPassword(u.password);
  return audited(db, ctx, 'admin', 'create users', async (tx, audit) => {
    const q = sql.insertUserQuery(u.username, passwordHash, u.role);
    const r = await tx.query(q.text, q.values);
    if (r.rows.length === 0) apiError(409, 'Conflict', `A user "${u.username}" already exists.`);
    await audit({ action: 'user_create', after: { username: u.username, role: u.role } });
    return { username: u.username, role: u.role, disabled: false };
  });
}

export async function updateUser(db: Db, ctx: WriteContext, username: string, change: { role?: string; disabled?: boolean; password?: string }) {
  if (change.role !== undefined) checkRole(change.role);
  if (change.password !== undefined) checkPassword(change.password);
  const passwordHash = change.password === undefined ? null : await hashPassword(change.password);
  return audited(db, ctx, 'admin', 'change users', async (tx, audit) => {
    const before = (await tx.query<UserRow>(sql.userQuery(username).text, [username])).rows[0];
    if (!before) apiError(404, 'NotFound', `No user "${username.slice(0, 40)}".`);
    const q = sql.updateUserQuery(username, change.role ?? null, change.disabled ?? null, passwordHash);
    const after = (await tx.query<{ username: string; role: Role; disabled: boolean }>(q.text, q.values)).rows[0];
    // The office must keep one working admin, or nobody could manage users again.
    const admins = (await tx.query<{ n: number }>(sql.adminCountQuery().text)).rows[0].n;
    if (admins === 0) apiError(409, 'Conflict', 'This change would leave no active admin; make another user admin first.');
    if (change.disabled || passwordHash) {
      await tx.query(sql.endSessionsQuery(username).text, [username]);
      if (change.disabled) await tx.query(sql.revokeTokensQuery(username).text, [username]);
    }
    forgetCredentials(username);
    await audit({
      action: 'user_update',
      before: { username, role: before.role, disabled: before.disabled },
      after: { ...after, passwordChanged: passwordHash !== null },
    });
    return after;
  });
}

export async function listUsers(db: Db) {
  return (await db.query(sql.listUsersQuery().text)).rows;
}

/** Checks a user name and password; on success opens a session and returns its secret (the cookie). */
export async function login(db: Db, ctx: WriteContext, username: string, password: string): Promise<{ secret: string; actor: Actor }> {
  const userKey = `user:${username.toLowerCase().slice(0, 64)}`;
  const addrKey = `addr:${ctx.clientAddress ?? 'unknown'}`;
  const f = sql.recentFailuresQuery([userKey, addrKey], THROTTLE_MINUTES);
  const failures = new Map((await db.query<{ key: string; n: number }>(f.text, f.values)).rows.map((r) => [r.key, r.n]));
  if ((failures.get(userKey) ?? 0) >= MAX_FAILURES_PER_USER || (failures.get(addrKey) ?? 0) >= MAX_FAILURES_PER_ADDRESS) {
    await audited(db, ctx, null, 'log in', (_tx, audit) => audit({ action: 'login_failed', after: { username: username.slice(0, 64), throttled: true } }));
    apiError(429, 'TooManyRequests', `Too many failed sign-ins; wait ${THROTTLE_MINUTES} minutes and try again.`, { 'Retry-After': String(THROTTLE_MINUTES * 60) });
  }
  const user = USERNAME_RULE.test(username) ? (await db.query<UserRow>(sql.userQuery(username).text, [username])).rows[0] : undefined;
  const ok = await verifyPassword(user && !user.disabled ? user.password_hash : null, password);
  if (!ok || !user) {
    await audited(db, ctx, null, 'log in', async (tx, audit) => {
      await tx.query(sql.insertFailuresQuery([userKey, addrKey]).text, [[userKey, addrKey]]);
      await audit({ action: 'login_failed', after: { username: username.slice(0, 64) } });
    });
    // One message for an unknown user, a wrong password and a disabled account.
    apiError(401, 'Unauthorized', 'Wrong user name or password.');
  }
  const actor: Actor = { username: user.username, role: user.role, via: 'session' };
  const secret = newSecret('xcs_');
  await audited(db, { ...ctx, actor }, null, 'log in', async (tx, audit) => {
    const q = sql.insertSessionQuery(secretHash(secret), user.username, SESSION_DAYS);
    await tx.query(q.text, q.values);
    await tx.query(sql.clearFailuresQuery(userKey).text, [userKey]);
    await audit({ action: 'login' });
  });
  return { secret, actor };
}

export async function logout(db: Db, ctx: WriteContext, sessionSecret: string) {
  await audited(db, ctx, 'viewer', 'log out', async (tx, audit) => {
    await tx.query(sql.deleteSessionQuery(secretHash(sessionSecret)).text, [secretHash(sessionSecret)]);
    authCache.delete(`session:${secretHash(sessionSecret)}`);
    await audit({ action: 'logout' });
  });
}

/**
 * How long a process reuses what the database said of a session or token. A sign-out, revocation,
 * role change or disabling on this process takes effect at once (its entries are dropped); on
 * another process sharing the server, within this time.
 */
export const AUTH_CACHE_MS = 2000;
/** `until`: when the entry is looked up again; `ends`: when the credential itself ends (a session's expiry; tokens have none). */
const authCache = new Map<string, { actor: Actor; until: number; ends: number }>();

/** Forgets cached credentials: of one user, or all. */
export function forgetCredentials(username?: string) {
  for (const [k, v] of authCache) if (username === undefined || v.actor.username === username) authCache.delete(k);
}

/**
 * How long a request waits for the embedded database to look up an expired credential before the
 * entry it had stands in (see actorFor).
 */
export const AUTH_BUSY_WAIT_MS = 250;

/** The user a session cookie or a bearer token belongs to, or null. */
export async function actorFor(db: Db, secret: string, kind: 'session' | 'token'): Promise<Actor | null> {
  const key = `${kind}:${secretHash(secret)}`;
  const now = Date.now();
  // A session past its end is never answered from memory: its expiry is no change this process hears of.
  const cached = authCache.get(key);
  const hit = cached && cached.ends > now ? cached : undefined;
  if (hit && hit.until > now) return hit.actor;
  const lookup = (async () => {
    const q = sql.actorBySecretQuery(secretHash(secret), kind);
    const row = (await db.query<{ username: string; role: Role; expires_ms?: number }>(q.text, q.values)).rows[0];
    if (!row) {
      authCache.delete(key);
      return null;
    }
    const actor: Actor = { username: row.username, role: row.role, via: kind };
    if (authCache.size > 10_000) authCache.clear();
    authCache.set(key, { actor, until: Date.now() + AUTH_CACHE_MS, ends: row.expires_ms ?? Infinity });
    return actor;
  })();
  // The embedded database runs one statement at a time: behind a long analysis the lookup waits for it,
  // and so would a request to follow or cancel that analysis's job. Only this process opens it (the
  // folder lock), and every sign-out, revocation, role change and disabling here drops the entry at
  // once, so while it is busy the expired entry stands in (never past a session's end); the lookup still
  // runs and renews or drops it.
  if (!hit || db.kind !== 'pglite') return lookup;
  lookup.catch(() => {});
  let timer: ReturnType<typeof setTimeout> | undefined;
  const busy = new Promise<Actor>((resolve) => (timer = setTimeout(() => resolve(hit.actor), AUTH_BUSY_WAIT_MS)));
  try {
    return await Promise.race([lookup, busy]);
  } finally {
    clearTimeout(timer);
  }
}

/** A new personal access token for the signed-in user (or, for an admin, for `owner`); shown once. */
export async function createToken(db: Db, ctx: WriteContext, name: string, owner?: string) {
  const username = owner ?? ctx.actor?.username;
  if (owner && owner !== ctx.actor?.username && ctx.actor?.role !== 'admin') apiError(403, 'Forbidden', 'Only an admin may create tokens for another user.');
  const trimmed = name.trim();
  if (!trimmed || trimmed.length > 100) apiError(400, 'InvalidRequestBody', 'name must be 1–100 characters (what the token is for, e.g. "QGIS on my laptop").');
  const secret = newSecret('xct_');
  return audited(db, ctx, 'viewer', 'create tokens', async (tx, audit) => {
    const q = sql.insertTokenQuery(username!, trimmed, secretHash(secret));
    const r = await tx.query<{ id: number }>(q.text, q.values);
    if (!r.rows[0]) apiError(404, 'NotFound', `No user "${username}".`);
    await audit({ action: 'token_create', after: { tokenId: r.rows[0].id, owner: username, name: trimmed } });
    return { id: r.rows[0].id, name: trimmed, token: secret };
  });
}

export async function revokeToken(db: Db, ctx: WriteContext, id: number) {
  return audited(db, ctx, 'viewer', 'revoke tokens', async (tx, audit) => {
    const t = (await tx.query<{ id: number; username: string; name: string; revoked: boolean }>(sql.tokenQuery(id).text, [id])).rows[0];
    if (!t || (t.username !== ctx.actor!.username && ctx.actor!.role !== 'admin')) apiError(404, 'NotFound', `No token ${id} of yours.`);
    if (!t.revoked) await tx.query(sql.revokeTokenQuery(id).text, [id]);
    forgetCredentials(t.username);
    await audit({ action: 'token_revoke', before: { tokenId: id, owner: t.username, name: t.name } });
    return { id, revoked: true };
  });
}

export async function listTokens(db: Db, username: string) {
  return (await db.query(sql.listTokensQuery(username).text, [username])).rows;
}

/** Signs in with a one-time link: marks it used and opens a session. */
export async function useLoginLink(db: Db, ctx: WriteContext, secret: string): Promise<{ secret: string; actor: Actor } | null> {
  const session = newSecret('xcs_');
  return audited(db, ctx, null, 'log in', async (tx, audit) => {
    const link = sql.useLoginLinkQuery(secretHash(secret));
    const row = (await tx.query<{ username: string; role: Role }>(link.text, link.values)).rows[0];
    if (!row) {
      await audit({ action: 'login_failed', after: { oneTimeLink: true } });
      return null;
    }
    const q = sql.insertSessionQuery(secretHash(session), row.username, SESSION_DAYS);
    await tx.query(q.text, q.values);
    await audit({ action: 'login', actor: row.username, after: { oneTimeLink: true, username: row.username } });
    return { secret: session, actor: { username: row.username, role: row.role, via: 'session' as const } };
  });
}

/**
 * First start: when no active admin exists, creates `admin` with ADMIN_PASSWORD, or with a random
 * password, and returns a one-time login link secret to print (null when nothing was created).
 */
export async function ensureAdmin(db: Db, adminPassword: string | undefined): Promise<{ username: string; password?: string; linkSecret: string } | null> {
  if ((await db.query<{ n: number }>(sql.adminCountQuery().text)).rows[0].n > 0) return null;
  const password = adminPassword ?? newSecret('').slice(0, 20);
  const username = (await db.query('select 1 from users where username = $1', ['admin'])).rows.length ? `admin${Date.now() % 100000}` : 'admin';
  const ctx = systemContext('system', 'first start: no admin existed');
  await createUser(db, ctx, { username, password, role: 'admin' });
  const linkSecret = newSecret('xcl_');
  await audited(db, ctx, 'admin', 'create login links', async (tx, audit) => {
    const q = sql.insertLoginLinkQuery(secretHash(linkSecret), username, 24);
    await tx.query(q.text, q.values);
    await audit({ action: 'user_update', after: { username, oneTimeLink: 'created (24 h)' } });
  });
  return { username, password: adminPassword ? undefined : password, linkSecret };
}
