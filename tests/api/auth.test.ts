/**
 * Accounts: sign-in with sessions in the database, tokens, users (admin only), throttling, CSRF,
 * and the read rule for anonymous users (ANONYMOUS_READ / the listen address).
 */
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { AUTH_CACHE_MS, ensureAdmin, MAX_FAILURES_PER_USER } from '../../api/auth/accounts.ts';
import { defaultAnonymousRead } from '../../api/auth/middleware.ts';
import { describeEachDb } from '../helpers/databases.ts';
import { client, type Answer } from '../helpers/http.ts';
import { TEST_PASSWORD, testUser } from '../helpers/users.ts';

const cookieOf = (r: Answer) => (r.headers.get('set-cookie') ?? '').split(';')[0];

describeEachDb(
  'accounts, sessions, tokens and the read rule for anonymous users',
  (t) => {
    let api: ReturnType<typeof client>['call'];
    let admin: Awaited<ReturnType<typeof testUser>>;
    before(async () => {
      api = client(t.db).call;
      admin = await testUser(t.db, 'admin');
    });

    test('login sets an HttpOnly SameSite session cookie; /me answers; logout ends the session', async () => {
      const u = await testUser(t.db, 'planner');
      const r = await api('POST', '/api/auth/login', { body: { username: u.username, password: TEST_PASSWORD } });
      assert.equal(r.status, 200, r.text);
      assert.deepEqual(r.body, { user: { username: u.username, role: 'planner' } });
      const setCookie = r.headers.get('set-cookie')!;
      assert.match(setCookie, /^xc_session=xcs_/);
      assert.match(setCookie, /HttpOnly/);
      assert.match(setCookie, /SameSite=Lax/);
      const cookie = cookieOf(r);
      const stored = await t.db.query<{ n: number }>('select count(*)::int as n from sessions where username = $1', [u.username]);
      assert.equal(stored.rows[0].n, 1, 'the session lives in the database (several API processes can serve it)');
      const me = await api('GET', '/api/auth/me', { headers: { cookie } });
      assert.equal(me.status, 200);
      assert.equal(me.body.user.role, 'planner');
      assert.equal((await api('GET', '/api/auth/me')).status, 401);
      const out = await api('POST', '/api/auth/logout', { headers: { cookie, origin: 'http://localhost' } });
      assert.equal(out.status, 200, out.text);
      assert.equal((await api('GET', '/api/auth/me', { headers: { cookie } })).status, 401);
    });

    test('one message for unknown user and wrong password; throttled after repeated failures; all audited', async () => {
      const u = await testUser(t.db, 'viewer');
      const wrong = await api('POST', '/api/auth/login', { body: { username: u.username, password: 'not the password' } });
      const unknown = await api('POST', '/api/auth/login', { body: { username: 'nobody-here', password: 'whatever1234' } });
      assert.equal(wrong.status, 401);
      assert.equal(unknown.status, 401);
      assert.equal(wrong.body.description, unknown.body.description);
      for (let i = 1; i < MAX_FAILURES_PER_USER; i++) await api('POST', '/api/auth/login', { body: { username: u.username, password: 'still wrong' } });
      const locked = await api('POST', '/api/auth/login', { body: { username: u.username, password: TEST_PASSWORD } });
      assert.equal(locked.status, 429, 'even the right password waits once the user is throttled');
      assert.ok(Number(locked.headers.get('retry-after')) > 0);
      const audited = await t.db.query<{ n: number }>(`select count(*)::int as n from audit where action = 'login_failed' and after->>'username' = $1`, [u.username]);
      assert.equal(audited.rows[0].n, MAX_FAILURES_PER_USER + 1);
      const bad = await api('POST', '/api/auth/login', { body: { username: 'x', password: 'y', extra: 1 } });
      assert.equal(bad.status, 400);
    });

    test('a session ends at its time, also when it was cached and the embedded database is busy behind a long statement', async () => {
      const u = await testUser(t.db, 'planner');
      const cookie = cookieOf(await api('POST', '/api/auth/login', { body: { username: u.username, password: TEST_PASSWORD } }));
      // The session has a second left (as one signed in its whole lifetime less a second ago); it is read and cached.
      await t.db.query(`update sessions set expires_at = now() + interval '1 second' where username = $1`, [u.username]);
      assert.equal((await api('GET', '/api/auth/me', { headers: { cookie } })).status, 200);
      // Past its end and the cache's time, while a statement holds the database (on the embedded one the cached
      // user stands in for a lookup that waits: never for a session that has ended).
      await new Promise((r) => setTimeout(r, AUTH_CACHE_MS + 100));
      const busy = t.db.query('select pg_sleep(1.5)');
      const me = await api('GET', '/api/auth/me', { headers: { cookie } });
      await busy;
      assert.equal(me.status, 401, me.text);
      assert.equal((await api('GET', '/api/auth/me', { headers: { cookie } })).status, 401);
    });

    test('tokens: created once, used as Bearer, revoked by the owner; a revoked token is refused', async () => {
      const u = await testUser(t.db, 'planner');
      const created = await api('POST', '/api/auth/tokens', { body: { name: 'QGIS on my laptop' }, headers: u.auth });
      assert.equal(created.status, 201, created.text);
      assert.match(created.body.token, /^xct_/);
      const stored = await t.db.query<{ secret_hash: string }>('select secret_hash from tokens where id = $1', [created.body.id]);
      assert.notEqual(stored.rows[0].secret_hash, created.body.token, 'only a hash is stored');
      const bearer = { authorization: `Bearer ${created.body.token}` };
      assert.equal((await api('GET', '/api/auth/me', { headers: bearer })).body.via, 'token');
      const list = await api('GET', '/api/auth/tokens', { headers: bearer });
      assert.ok(list.body.tokens.some((x: { name: string }) => x.name === 'QGIS on my laptop'));
      const other = await testUser(t.db, 'planner');
      assert.equal((await api('DELETE', `/api/auth/tokens/${created.body.id}`, { headers: other.auth })).status, 404, "not another user's token");
      assert.equal((await api('DELETE', `/api/auth/tokens/${created.body.id}`, { headers: u.auth })).status, 200);
      const refused = await api('GET', '/api/auth/me', { headers: bearer });
      assert.equal(refused.status, 401);
      assert.match(refused.body.description, /unknown, revoked/);
      assert.equal((await api('GET', '/api/auth/me', { headers: { authorization: 'Basic abc' } })).status, 401);
    });

    test('users: admin only; create, change role, disable (sessions and tokens end); the last admin stays', async () => {
      const planner = await testUser(t.db, 'planner');
      assert.equal((await api('GET', '/api/users', { headers: planner.auth })).status, 403);
      assert.equal((await api('POST', '/api/users', { body: { username: 'new-one', password: 'long enough pw', role: 'planner' }, headers: planner.auth })).status, 403);
      const name = `surveyor-${process.pid}`;
      const created = await api('POST', '/api/users', { body: { username: name, password: 'long enough pw', role: 'viewer' }, headers: admin.auth });
      assert.equal(created.status, 201, created.text);
      assert.equal((await api('POST', '/api/users', { body: { username: name, password: 'long enough pw', role: 'viewer' }, headers: admin.auth })).status, 409);
      assert.equal((await api('POST', '/api/users', { body: { username: 'Bad Name', password: 'long enough pw', role: 'viewer' }, headers: admin.auth })).status, 400);
      assert.equal((await api('POST', '/api/users', { body: { username: 'shortpw', password: 'short', role: 'viewer' }, headers: admin.auth })).status, 400);
      assert.equal((await api('POST', '/api/users', { body: { username: 'badrole', password: 'long enough pw', role: 'god' }, headers: admin.auth })).status, 400);
      const promoted = await api('PATCH', `/api/users/${name}`, { body: { role: 'planner' }, headers: admin.auth });
      assert.equal(promoted.body.user.role, 'planner');
      const login = await api('POST', '/api/auth/login', { body: { username: name, password: 'long enough pw' } });
      const cookie = cookieOf(login);
      assert.equal((await api('GET', '/api/auth/me', { headers: { cookie } })).status, 200);
      const disabled = await api('PATCH', `/api/users/${name}`, { body: { disabled: true }, headers: admin.auth });
      assert.equal(disabled.status, 200);
      assert.equal((await api('GET', '/api/auth/me', { headers: { cookie } })).status, 401, 'the session ended');
      assert.equal((await api('POST', '/api/auth/login', { body: { username: name, password: 'long enough pw' } })).status, 401);
      const users = await api('GET', '/api/users', { headers: admin.auth });
      assert.ok(users.body.users.some((x: { username: string; disabled: boolean }) => x.username === name && x.disabled));
      assert.ok(!users.text.includes('argon2'), 'password hashes are never sent');
      // Demote every admin but one, then the last: refused.
      const admins = (await t.db.query<{ username: string }>(`select username from users where role = 'admin' and not disabled and username <> $1`, [admin.username])).rows;
      for (const a of admins) await api('PATCH', `/api/users/${a.username}`, { body: { role: 'planner' }, headers: admin.auth });
      const last = await api('PATCH', `/api/users/${admin.username}`, { body: { role: 'viewer' }, headers: admin.auth });
      assert.equal(last.status, 409);
      assert.match(last.body.description, /no active admin/);
      const rows = await t.db.query<{ action: string }>(`select action from audit where action like 'user_%' and (after->>'username' = $1 or before->>'username' = $1)`, [name]);
      assert.deepEqual(rows.rows.map((r) => r.action), ['user_create', 'user_update', 'user_update']);
    });

    test('CSRF: a cookie-authenticated write needs this origin; another origin is refused', async () => {
      const u = await testUser(t.db, 'planner');
      const cookie = cookieOf(await api('POST', '/api/auth/login', { body: { username: u.username, password: TEST_PASSWORD } }));
      const noOrigin = await api('POST', '/api/auth/tokens', { body: { name: 'x' }, headers: { cookie } });
      assert.equal(noOrigin.status, 403);
      assert.match(noOrigin.body.description, /Origin/);
      const foreign = await api('POST', '/api/auth/tokens', { body: { name: 'x' }, headers: { cookie, origin: 'https://evil.example' } });
      assert.equal(foreign.status, 403);
      const same = await api('POST', '/api/auth/tokens', { body: { name: 'x' }, headers: { cookie, origin: 'http://localhost' } });
      assert.equal(same.status, 201, same.text);
    });

    test('first start: one admin with a one-time link that signs in once', async () => {
      // This suite already has admins: nothing is created.
      assert.equal(await ensureAdmin(t.db, undefined), null);
      if (t.kind !== 'pglite') return; // the server schema is shared by this suite's other tests
      await t.db.transaction(async (tx) => {
        await tx.query(`update users set disabled = true where role = 'admin'`);
      });
      const first = await ensureAdmin(t.db, undefined);
      assert.ok(first?.password && first.password.length >= 16);
      const link = await api('GET', `/api/auth/link/${first!.linkSecret}`);
      assert.equal(link.status, 303);
      const cookie = cookieOf(link);
      const me = await api('GET', '/api/auth/me', { headers: { cookie } });
      assert.equal(me.body.user.username, first!.username);
      assert.equal(me.body.user.role, 'admin');
      assert.equal((await api('GET', `/api/auth/link/${first!.linkSecret}`)).status, 401, 'used once');
      const pw = await api('POST', '/api/auth/login', { body: { username: first!.username, password: first!.password } });
      assert.equal(pw.status, 200);
    });


  test('loopback reads all, a network address the public audience', () => {
    assert.equal(defaultAnonymousRead('127.0.0.1'), 'all');
    assert.equal(defaultAnonymousRead('localhost'), 'all');
    assert.equal(defaultAnonymousRead('::1'), 'all');
    assert.equal(defaultAnonymousRead('0.0.0.0'), 'public');
    assert.equal(defaultAnonymousRead('192.168.1.20'), 'public');
  });

  test('ANONYMOUS_READ=public: only public collections and properties, no analyses; a token reads all', async () => {
    const { call } = client(t.db, { ANONYMOUS_READ: 'public' });
    const list = await call('GET', '/api/collections');
    assert.equal(list.status, 200);
    const ids = list.body.collections.map((c: { id: string }) => c.id);
    assert.ok(ids.includes('zones') && ids.includes('projects'));
    assert.ok(!ids.includes('controls') && !ids.includes('central_area'), ids.join(','));
    const controls = await call('GET', '/api/collections/controls/items');
    assert.equal(controls.status, 401);
    const parks = await call('GET', '/api/collections/parks/items?limit=5');
    assert.equal(parks.status, 200);
    for (const f of parks.body.features) assert.ok(!('osm_type' in f.properties) && !('centroid_in_xincheng' in f.properties), Object.keys(f.properties).join(','));
    const one = await call('GET', `/api/collections/parks/items/${parks.body.features[0].id}`);
    assert.ok(!('osm_type' in one.body.properties));
    assert.equal((await call('POST', '/api/analysis/compliance', { body: { geometry: { type: 'Point', coordinates: [111.7, 40.85] } } })).status, 401);
    assert.equal((await call('POST', '/api/analysis/coverage', { body: { preset: 'park', area: 'central_area' } })).status, 401);
    const viewer = await testUser(t.db, 'viewer');
    const all = await call('GET', '/api/collections', { headers: viewer.auth });
    assert.ok(all.body.collections.some((c: { id: string }) => c.id === 'controls'));
    const full = await call('GET', `/api/collections/parks/items?limit=5`, { headers: viewer.auth });
    assert.ok(full.body.features.some((f: { properties: object }) => 'osm_type' in f.properties));
    // The two audiences never share a cached body or an ETag.
    assert.notEqual(parks.headers.get('etag'), full.headers.get('etag'));
  });

  test('ANONYMOUS_READ=none: anonymous reading is refused with a way to sign in', async () => {
    const { call } = client(t.db, { ANONYMOUS_READ: 'none' });
    const r = await call('GET', '/api/collections/zones/items');
    assert.equal(r.status, 401);
    assert.match(r.body.description, /sign in/i);
    assert.equal((await call('GET', '/api/health')).status, 200, 'health stays open');
  });
  },
  { isolated: true },
);
