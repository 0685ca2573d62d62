import assert from 'node:assert/strict';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { createApp } from '../../api/app.ts';
import { collections } from '../../core/catalog.ts';
import { describeEachDb } from '../helpers/databases.ts';

/** Every API route of the app, with its method, as Hono lists them. */
function apiRoutes(app: ReturnType<typeof createApp>): { method: string; path: string }[] {
  const seen = new Set<string>();
  return app.routes
    .filter((r) => (r.method === 'GET' || r.method === 'POST') && r.path.startsWith('/api/') && !r.path.includes('*'))
    .filter((r) => !seen.has(`${r.method} ${r.path}`) && seen.add(`${r.method} ${r.path}`));
}

const json = (body: unknown, headers: Record<string, string> = {}) => ({
  method: 'POST',
  headers: { 'content-type': 'application/json', ...headers },
  body: typeof body === 'string' ? body : JSON.stringify(body),
});

describeEachDb('the edge: one rule for request text, host and origin', (t) => {
  const app = () => createApp({ db: t.db, config: { BASEMAPS: [] } });
  const call = async (path: string, init?: RequestInit) => {
    const res = await app().request(path, init);
    const text = await res.text();
    let body: { code?: string; description?: string } | null = null;
    try {
      body = text ? JSON.parse(text) : null;
    } catch {
      /* not JSON */
    }
    return { status: res.status, body, text, headers: res.headers };
  };
  const expect400 = async (what: string, path: string, init: RequestInit | undefined, pattern: RegExp) => {
    const r = await call(path, init);
    assert.equal(r.status, 400, `${what}: ${r.status} ${r.text.slice(0, 200)}`);
    assert.match(r.body?.description ?? '', pattern, what);
  };

  test('a NUL byte anywhere in the URL of every route is a 400 naming where it is', async () => {
    const routes = apiRoutes(app());
    assert.ok(routes.length >= 10, `found ${routes.length} routes`);
    let tried = 0;
    for (const r of routes) {
      const params = r.path.match(/:[A-Za-z]+/g) ?? [];
      const init = r.method === 'POST' ? json({}) : undefined;
      // Each path parameter in turn holds the NUL; the others hold a valid value.
      for (const p of params) {
        const path = r.path.replace(/:[A-Za-z]+/g, (m) => (m === p ? 'a%00b' : m === ':id' ? 'projects' : 'x'));
        await expect400(`${r.method} ${path}`, path, init, /path segment .*U\+0000 \(NUL\)/);
        tried++;
      }
      const base = r.path.replace(/:id/g, 'projects').replace(/:[A-Za-z]+/g, 'x');
      await expect400(`${r.method} ${base}?name_en=a%00b`, `${base}?name_en=a%00b`, init, /Parameter name_en contains .*U\+0000/);
      await expect400(`${r.method} ${base}?a%01=1`, `${base}?a%01=1`, init, /parameter name .*U\+0001/);
      tried += 2;
      if (r.method === 'POST') {
        await expect400(`${r.method} ${base} NUL in body`, base, json('{"area":"zone:\\u0000","x":1}'), /body\.area contains .*U\+0000/);
        await expect400(`${r.method} ${base} NUL in key`, base, json('{"a\\u0000":1}'), /property name contains .*U\+0000/);
        tried += 2;
      }
    }
    assert.ok(tried >= 30, `tried ${tried}`);
  });

  test('equality filters and feature ids on every collection refuse NUL (the 25 500s of the attack)', async () => {
    for (const def of collections) {
      const prop = Object.keys(def.properties).find((k) => def.properties[k].filter) ?? 'name_en';
      await expect400(`${def.id} filter`, `/api/collections/${def.id}/items?${prop}=%00`, undefined, /U\+0000/);
      await expect400(`${def.id} item`, `/api/collections/${def.id}/items/%00x`, undefined, /U\+0000/);
    }
    await expect400('coverage filter', '/api/analysis/coverage', json({ facilities: 'facilities', radiusMeters: 500, filter: { category: 'a\u0000' } }), /body\.filter\.category contains .*U\+0000/);
    await expect400('suggest area', '/api/analysis/coverage/suggest', json({ preset: 'parks', count: 1, area: 'zone:\u0000' }), /body\.area/);
  });

  test('prototype keys, lone surrogates, deep nesting and control characters in bodies are refused', async () => {
    await expect400('__proto__', '/api/analysis/coverage', json('{"preset":"parks","filter":{"__proto__":"x"}}'), /"__proto__" is not allowed/);
    await expect400('constructor', '/api/analysis/coverage', json('{"preset":"parks","constructor":"x"}'), /"constructor" is not allowed/);
    await expect400('lone surrogate', '/api/analysis/coverage', json('{"preset":"parks","area":"\\ud800"}'), /unpaired surrogate U\+D800/);
    await expect400('deep', '/api/analysis/compliance', json(`${'['.repeat(40)}${']'.repeat(40)}`), /nested deeper than 32/);
    await expect400('BEL', '/api/analysis/coverage', json('{"preset":"parks","area":"a\\u0007"}'), /U\+0007/);
    await expect400('empty body', '/api/analysis/coverage', json(''), /empty/);
    await expect400('not JSON', '/api/analysis/coverage', json('{"preset":'), /not valid JSON/);
    // Tabs and newlines are ordinary text in a body.
    const ok = await call('/api/analysis/coverage', json({ preset: 'parks', area: 'central_area\n' }));
    assert.equal(ok.status, 404, ok.text);
    assert.match(ok.body!.description!, /Unknown area/);
  });

  test('JSON is recognised by its MIME essence only: a CORS-simple text/plain request is refused; a compressed or non-UTF-8 body is refused by name', async () => {
    const body = JSON.stringify({ preset: 'parks' });
    await expect400('text/plain', '/api/analysis/coverage', { method: 'POST', headers: { 'content-type': 'text/plain; charset=application/json' }, body }, /Content-Type: application\/json.*"text\/plain"/);
    const ok = await call('/api/analysis/coverage', { method: 'POST', headers: { 'content-type': 'Application/JSON; charset=utf-8' }, body });
    assert.equal(ok.status, 200, ok.text);
    // A compressed body, or one in another charset, is refused by name (it was "not valid JSON: Unexpected token …").
    const gzipped = await call('/api/jobs', { method: 'POST', headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' }, body: gzipSync(body) });
    assert.equal(gzipped.status, 415, gzipped.text);
    assert.match(gzipped.body!.description!, /Content-Encoding "gzip" is not accepted: send the JSON body uncompressed/);
    const utf16 = await call('/api/analysis/coverage', { method: 'POST', headers: { 'content-type': 'application/json; charset=UTF-16' }, body: Buffer.from(`\ufeff${body}`, 'utf16le') });
    assert.equal(utf16.status, 415, utf16.text);
    assert.match(utf16.body!.description!, /read as UTF-8, not charset "utf-16"/);
    const identity = await call('/api/analysis/coverage', { method: 'POST', headers: { 'content-type': 'application/json; charset="UTF-8"', 'content-encoding': 'identity' }, body });
    assert.equal(identity.status, 200, identity.text);
  });

  test('a Host the server does not answer to is refused and never reflected into links', async () => {
    const evil = await call('http://evil.example/api');
    assert.equal(evil.status, 421);
    assert.equal(evil.body?.code, 'MisdirectedRequest');
    assert.match(evil.body!.description!, /host name "evil\.example".*PUBLIC_URL or ALLOWED_HOSTS/);
    for (const host of ['localhost', '127.0.0.1', '[::1]']) {
      const r = await call(`http://${host}:8080/api`);
      assert.equal(r.status, 200, host);
    }
    const configured = createApp({ db: t.db, config: { BASEMAPS: [], PUBLIC_URL: 'https://map.example.gov.cn/', ALLOWED_HOSTS: ['gis.office'] } });
    const viaPublic = await configured.request('https://map.example.gov.cn/api');
    assert.equal(viaPublic.status, 200);
    assert.match(await viaPublic.text(), /"href":"https:\/\/map\.example\.gov\.cn\/api\/conformance"/);
    assert.equal((await configured.request('http://gis.office/api/conformance')).status, 200);
    assert.equal((await configured.request('http://evil.example/api')).status, 421);
    // Listening on every interface, the server is reached by its IP addresses.
    const lan = createApp({ db: t.db, config: { BASEMAPS: [], HOST: '0.0.0.0' } });
    assert.equal((await lan.request('http://192.168.1.20:8080/api/conformance')).status, 200);
    assert.equal((await lan.request('http://rebind.evil.example:8080/api/conformance')).status, 421);
  });

  test('a browser write from another origin is refused unless CORS_ORIGINS lists it; no Origin (scripts, QGIS) is fine', async () => {
    const body = { preset: 'parks' };
    const cross = await call('/api/analysis/coverage', json(body, { origin: 'https://evil.example' }));
    assert.equal(cross.status, 403);
    assert.match(cross.body!.description!, /origin https:\/\/evil\.example .*CORS_ORIGINS/);
    assert.equal((await call('/api/analysis/coverage', json(body, { origin: 'null' }))).status, 403);
    assert.equal((await call('/api/analysis/coverage', json(body, { origin: 'http://localhost' }))).status, 200);
    assert.equal((await call('/api/analysis/coverage', json(body))).status, 200);
    const allowed = createApp({ db: t.db, config: { BASEMAPS: [], CORS_ORIGINS: ['https://portal.example.gov.cn'] } });
    assert.equal((await allowed.request('/api/analysis/coverage', json(body, { origin: 'https://portal.example.gov.cn' }))).status, 200);
    // Reading is not a write: a cross-origin GET still answers (the browser's CORS rules keep its body from the page).
    assert.equal((await call('/api/conformance', { headers: { origin: 'https://evil.example' } })).status, 200);
  });
});
