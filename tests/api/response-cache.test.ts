import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Hono } from 'hono';
import { createApp } from '../../api/app.ts';
import { ResponseCache } from '../../api/response-cache.ts';
import { collectionRoutes } from '../../api/routes/collections.ts';
import { describeEachDb } from '../helpers/databases.ts';
import { reason } from '../helpers/http.ts';
import { testUser } from '../helpers/users.ts';

describeEachDb('Responses of unchanged collections are cached by version (ETag)', (t) => {
  const withCache = () => {
    const cache = new ResponseCache(t.db);
    const app = new Hono().route('/api', collectionRoutes(t.db, cache));
    return { cache, app };
  };

  test('every collection response carries an ETag; If-None-Match with it answers 304 without a body', async () => {
    const app = createApp({ db: t.db, config: { BASEMAPS: [] } });
    for (const path of ['/api/collections', '/api/collections/projects', '/api/collections/projects/items?limit=5', '/api/collections/district/items/district-150102']) {
      const first = await app.request(path);
      const etag = first.headers.get('etag');
      assert.match(etag ?? '', /^"[\w-]{20,}"$/, `${path}: ETag`);
      assert.equal(first.headers.get('cache-control'), 'no-cache', 'clients revalidate each time');
      const again = await app.request(path, { headers: { 'If-None-Match': etag! } });
      assert.equal(again.status, 304, path);
      assert.equal(await again.text(), '');
      assert.equal(again.headers.get('etag'), etag);
      const other = await app.request(path, { headers: { 'If-None-Match': '"something-else"' } });
      assert.equal(other.status, 200);
    }
  });

  test('a different query is a different resource with its own ETag', async () => {
    const { app } = withCache();
    const a = (await app.request('/api/collections/projects/items?limit=5')).headers.get('etag');
    const b = (await app.request('/api/collections/projects/items?limit=6')).headers.get('etag');
    assert.notEqual(a, b);
  });

  test('a repeated request is answered from memory, a write to the table (by any path) invalidates it', async () => {
    const { app, cache } = withCache();
    const path = '/api/collections/projects/items?limit=3';
    const first = await app.request(path);
    const body1 = await first.text();
    const hitsBefore = cache.hits;
    const second = await app.request(path);
    assert.equal(await second.text(), body1, 'the same bytes, timeStamp included');
    assert.equal(cache.hits, hitsBefore + 1);
    assert.equal(second.headers.get('etag'), first.headers.get('etag'));

    // A statement that changes nothing still bumps the version (statement trigger): safe on a shared server.
    await t.db.query('update projects set properties = properties where false');
    const third = await app.request(path, { headers: { 'If-None-Match': first.headers.get('etag')! } });
    assert.equal(third.status, 200, 'the old ETag no longer matches');
    assert.notEqual(third.headers.get('etag'), first.headers.get('etag'));
    assert.equal(cache.hits, hitsBefore + 1, 'rebuilt, not served from memory');

    // Another collection's version is untouched.
    const zones1 = (await app.request('/api/collections/zones/items')).headers.get('etag');
    await t.db.query('update projects set properties = properties where false');
    const zones2 = (await app.request('/api/collections/zones/items')).headers.get('etag');
    assert.equal(zones1, zones2);
  });

  if (t.kind === 'pglite') {
    // The in-memory database belongs to this suite alone, so its data may change here.
    test('after a real change the cached body is not served: the new value appears', async () => {
      const { app } = withCache();
      const id = (await t.db.query<{ id: string }>('select id from projects order by id limit 1')).rows[0].id;
      const path = `/api/collections/projects/items/${encodeURIComponent(id)}`;
      const before = JSON.parse(await (await app.request(path)).text());
      assert.notEqual(before.properties.name_en, 'Renamed for the cache test');
      const planner = await testUser(t.db, 'planner');
      // Through the full app: the write path (the cache under test only serves reads).
      const patched = await createApp({ db: t.db, config: { BASEMAPS: [] } }).request(path, {
        method: 'PATCH',
        headers: { ...planner.auth, ...reason('cache test'), 'content-type': 'application/merge-patch+json' },
        body: JSON.stringify({ properties: { name_en: 'Renamed for the cache test' } }),
      });
      assert.equal(patched.status, 200, await patched.text());
      const after = JSON.parse(await (await app.request(path)).text());
      assert.equal(after.properties.name_en, 'Renamed for the cache test');
      const list = JSON.parse(await (await app.request('/api/collections/projects/items?limit=1')).text());
      assert.equal(list.features[0].properties.name_en, 'Renamed for the cache test');
    });
  }

  test('a new items request costs one statement (versions read with the data); its ETag equals the one a revalidation computes', async () => {
    const statements: string[] = [];
    const counting = { ...t.db, kind: t.db.kind, query: (text: string, values?: unknown[]) => (statements.push(text), t.db.query(text, values)) } as typeof t.db;
    const app = new Hono().route('/api', collectionRoutes(counting, new ResponseCache(counting)));
    const path = `/api/collections/projects/items?limit=7&filter=${encodeURIComponent("quality = 'indicative'")}`;
    const first = await app.request(path);
    assert.equal(first.status, 200);
    assert.equal(statements.length, 1, `statements: ${statements.map((s) => s.slice(0, 60)).join(' | ')}`);
    const etag = first.headers.get('etag')!;
    // In memory now: the next request reads the versions alone, and finds the same tag.
    const again = await app.request(path, { headers: { 'If-None-Match': etag } });
    assert.equal(again.status, 304);
    assert.equal(statements.length, 2);
  });

  test('the cache stays within its byte bound', async () => {
    const cache = new ResponseCache(t.db, 200_000);
    const app = new Hono().route('/api', collectionRoutes(t.db, cache));
    for (let i = 1; i <= 40; i++) await app.request(`/api/collections/projects/items?limit=${i}`);
    assert.ok(cache.size <= 200_000, `${cache.size} bytes held`);
    assert.ok(cache.size > 0);
  });

  test('empty answers count by their keys: many of them stay within the bound too', async () => {
    const cache = new ResponseCache(t.db, 20_000);
    // An empty vector tile is answered 204 from memory like any other, but its entry is all key and tag.
    const app = new Hono().get('/empty/:n', (c) => cache.respond(c, ['projects'], async () => ({ body: new Uint8Array(0), type: 'application/vnd.mapbox-vector-tile' })));
    const first = await app.request('/empty/0');
    assert.equal(first.status, 204);
    for (let n = 1; n < 300; n++) await app.request(`/empty/${n}-${'x'.repeat(100)}`);
    assert.ok(cache.size > 0 && cache.size <= 20_000, `${cache.size} bytes held by 300 empty answers`);
    assert.equal(cache.hits, 0);
    await app.request(`/empty/299-${'x'.repeat(100)}`);
    assert.equal(cache.hits, 1, 'the most recent one is still held');
  });
});
