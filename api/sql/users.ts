import type { SqlQuery } from '../db/db.ts';

const q = (text: string, ...values: unknown[]): SqlQuery => ({ text, values });

export const userQuery = (username: string) =>
  q('select username, role, disabled, password_hash from users where username = $1', username);

export const listUsersQuery = () =>
  q(`select username, role, disabled, to_char(created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') as "createdAt",
    (select count(*)::int from tokens t where t.username = u.username and t.revoked_at is null) as tokens
    from users u order by username`);

export const insertUserQuery = (username: string, passwordHash: string, role: string) =>
  q('insert into users (username, password_hash, role) values ($1, $2, $3) on conflict do nothing returning username', username, passwordHash, role);

export const updateUserQuery = (username: string, role: string | null, disabled: boolean | null, passwordHash: string | null) =>
  q(
    `update users set role = coalesce($2, role), disabled = coalesce($3, disabled),
      password_hash = coalesce($4, password_hash),
      password_changed_at = case when $4::text is null then password_changed_at else now() end
     where username = $1 returning username, role, disabled`,
    username,
    role,
    disabled,
    passwordHash,
  );

/** Sessions and tokens end when the password changes or the user is disabled. */
export const endSessionsQuery = (username: string) => q('delete from sessions where username = $1', username);
export const revokeTokensQuery = (username: string) => q('update tokens set revoked_at = now() where username = $1 and revoked_at is null', username);

export const adminCountQuery = () => q(`select count(*)::int as n from users where role = 'admin' and not disabled`);

export const insertSessionQuery = (secretHash: string, username: string, days: number) =>
  q(`insert into sessions (secret_hash, username, expires_at) values ($1, $2, now() + make_interval(days => $3))`, secretHash, username, days);

/** The user behind a live session or token (one statement for either). */
export const actorBySecretQuery = (secretHash: string, kind: 'session' | 'token') =>
  kind === 'session'
    ? q(
        // expires_ms: when the session ends (a cached entry never stands in past it).
        `select u.username, u.role, (extract(epoch from s.expires_at) * 1000)::float8 as expires_ms from sessions s join users u using (username)
         where s.secret_hash = $1 and s.expires_at > now() and not u.disabled`,
        secretHash,
      )
    : q(
        // last_used_at is refreshed at most once a minute, so reading with a token is not a write each time.
        `with t as (select t.id, t.last_used_at, u.username, u.role from tokens t join users u using (username)
            where t.secret_hash = $1 and t.revoked_at is null and not u.disabled),
          touched as (update tokens set last_used_at = now() from t
            where tokens.id = t.id and (t.last_used_at is null or t.last_used_at < now() - interval '1 minute'))
         select username, role from t`,
        secretHash,
      );

export const deleteSessionQuery = (secretHash: string) => q('delete from sessions where secret_hash = $1 returning username', secretHash);

export const insertTokenQuery = (username: string, name: string, secretHash: string) =>
  q(`insert into tokens (username, name, secret_hash) values ($1, $2, $3) returning id::int as id`, username, name, secretHash);

export const listTokensQuery = (username: string) =>
  q(
    `select id::int as id, name, to_char(created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') as "createdAt",
      to_char(last_used_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') as "lastUsedAt"
     from tokens where username = $1 and revoked_at is null order by id`,
    username,
  );

export const tokenQuery = (id: number) => q('select id::int as id, username, name, revoked_at is not null as revoked from tokens where id = $1', id);
export const revokeTokenQuery = (id: number) => q('update tokens set revoked_at = now() where id = $1 and revoked_at is null', id);

export const insertLoginLinkQuery = (secretHash: string, username: string, hours: number) =>
  q(`insert into login_links (secret_hash, username, expires_at) values ($1, $2, now() + make_interval(hours => $3))`, secretHash, username, hours);

/** Marks a one-time link used and returns its live user, or no row. */
export const useLoginLinkQuery = (secretHash: string) =>
  q(
    `update login_links l set used_at = now() from users u
     where l.secret_hash = $1 and l.used_at is null and l.expires_at > now() and u.username = l.username and not u.disabled
     returning u.username, u.role`,
    secretHash,
  );

/** Failed logins in the last `minutes` for each key. */
export const recentFailuresQuery = (keys: string[], minutes: number) =>
  q(
    `select key, count(*)::int as n from login_failures where key = any($1::text[]) and at > now() - make_interval(mins => $2) group by key`,
    keys,
    minutes,
  );
export const insertFailuresQuery = (keys: string[]) => q('insert into login_failures (key) select unnest($1::text[])', keys);
export const clearFailuresQuery = (key: string) =>
  q(`delete from login_failures where key = $1 or at < now() - interval '1 day'`, key);
