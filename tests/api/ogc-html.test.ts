/**
 * The OGC API's deployment surface: HTML pages for every resource (f=html, or a browser's Accept),
 * `alternate` links between the JSON and HTML twins, brotli/gzip compression, links behind a reverse
 * proxy (X-Forwarded-*), and CORS as configured.
 */
import assert from 'node:assert/strict';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { before, test } from 'node:test';
import { createApp } from '../../api/app.ts';
import { chooseEncoding } from '../../api/compress.ts';
import { describeEachDb } from '../helpers/databases.ts';
import { client, reason } from '../helpers/http.ts';
import { testUser } from '../helpers/users.ts';

const BROWSER_ACCEPT = 'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8';

test('Accept-Encoding: brotli preferred on a tie, q-values respected, identity when neither', () => {
  assert.equal(chooseEncoding('gzip, deflate, br'), 'br');
  assert.equal(chooseEncoding('gzip;q=1, br;q=0.5'), 'gzip');
  assert.equal(chooseEncoding('gzip'), 'gzip');
  assert.equal(chooseEncoding('*'), 'br');
  assert.equal(chooseEncoding('identity'), null);
  assert.equal(chooseEncoding('br;q=0, gzip;q=0'), null);
  assert.equal(chooseEncoding(undefined), null);
});

describeEachDb(
  'HTML pages, alternate links, compression, proxies and CORS',
  (t) => {
    let api: ReturnType<typeof client>['call'];
    before(() => {
      api = client(t.db).call;
    });

    const pages = [
      { path: '/api', text: ['新城区国土空间规划地图接口', 'Collections'] },
      { path: '/api/conformance', text: ['符合的标准', 'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core'] },
      { path: '/api/collections', text: ['数据集合', '五大产业支撑区', '规划项目'] },
      { path: '/api/collections/zones', text: ['五大产业支撑区', '数据说明', 'EPSG/0/4546', '示意'] },
      { path: '/api/collections/zones/items', text: ['第 1–5 个，共 5 个要素', '<svg', '北二环片区'] },
      { path: '/api/collections/zones/items/zone-beierhuan', text: ['北二环片区', '<svg', '功能定位'] },
    ];

    test('every resource has an HTML page (f=html and a browser Accept header), linking its JSON twin', async () => {
      for (const p of pages) {
        for (const ask of [{ path: `${p.path}?f=html`, headers: {} }, { path: p.path, headers: { accept: BROWSER_ACCEPT } }] as { path: string; headers: Record<string, string> }[]) {
          const r = await api('GET', ask.path, { headers: ask.headers });
          assert.equal(r.status, 200, `${ask.path}: ${r.text.slice(0, 200)}`);
          assert.match(r.headers.get('content-type') ?? '', /^text\/html/, ask.path);
          for (const s of p.text) assert.ok(r.text.includes(s), `${ask.path} shows "${s}"`);
          assert.match(r.text, /<link rel="alternate" type="application\/json" href="[^"]*f=json"/, `${ask.path} links its JSON`);
          assert.doesNotMatch(r.text, /<script/i, 'no script on the pages');
        }
      }
    });

    test('JSON clients keep getting JSON: no Accept, */*, application/json, f=json; Vary: Accept on shared URLs', async () => {
      for (const p of pages) {
        for (const headers of [{}, { accept: '*/*' }, { accept: 'application/json' }, { accept: 'application/geo+json, application/json;q=0.9, text/html;q=0.1' }] as Record<string, string>[]) {
          const r = await api('GET', p.path, { headers });
          assert.equal(r.status, 200, p.path);
          assert.ok(r.body, `${p.path} with ${JSON.stringify(headers)} is JSON`);
        }
        assert.ok((await api('GET', `${p.path}?f=json`, { headers: { accept: BROWSER_ACCEPT } })).body, `${p.path}?f=json wins over Accept`);
      }
      assert.match((await api('GET', '/api/collections/zones/items')).headers.get('vary') ?? '', /Accept/);
      const bad = await api('GET', '/api/collections/zones?f=xml');
      assert.equal(bad.status, 400);
      assert.match(bad.body.description, /f must be "json", "geojson" or "html"/);
    });

    test('every JSON resource links its HTML twin (rel=alternate), and that link answers HTML', async () => {
      const items = await api('GET', '/api/collections/zones/items?limit=2');
      const one = await api('GET', '/api/collections/zones/items/zone-beierhuan');
      const docs = [
        (await api('GET', '/api')).body.links,
        (await api('GET', '/api/conformance')).body.links,
        (await api('GET', '/api/collections')).body.links,
        (await api('GET', '/api/collections/zones')).body.links,
        items.body.links,
        one.body.links,
      ];
      for (const links of docs) {
        const alt = links.find((l: { rel: string; type: string }) => l.rel === 'alternate' && l.type === 'text/html');
        assert.ok(alt, JSON.stringify(links));
        const u = new URL(alt.href);
        const page = await api('GET', u.pathname + u.search);
        assert.match(page.headers.get('content-type') ?? '', /^text\/html/, alt.href);
      }
      assert.deepEqual(one.body.links.map((l: { rel: string }) => l.rel), ['self', 'alternate', 'collection']);
    });

    test('the items page pages through the collection, links each drawn feature, and says what has no geometry', async () => {
      const first = await api('GET', '/api/collections/projects/items?f=html&limit=20');
      assert.match(first.text, /第 1–20 个，共 123 个要素/);
      const next = /<a href="([^"]+)" rel="next"/.exec(first.text);
      assert.ok(next, 'a next link');
      const u = new URL(next[1].replaceAll('&amp;', '&'));
      assert.equal(u.searchParams.get('f'), 'html');
      assert.equal(u.searchParams.get('offset'), '20');
      const second = await api('GET', u.pathname + u.search);
      assert.match(second.text, /第 21–40 个/);
      assert.match(second.text, /rel="prev"/);
      // Every feature with a geometry is a link on the map; the others are counted in a note.
      const withGeometry = (await api('GET', '/api/collections/projects/items?limit=20')).body.features.filter((f: { geometry: unknown }) => f.geometry);
      const svg = /<svg[\s\S]*<\/svg>/.exec(first.text)![0];
      assert.equal((svg.match(/<a href=/g) ?? []).length, withGeometry.length);
      if (withGeometry.length < 20) assert.match(first.text, new RegExp(`${20 - withGeometry.length} 个要素没有几何`));
      // A scale bar in metres or kilometres.
      assert.match(svg, /\d+ k?m</);
    });

    test('a crs asked of an HTML page still draws lon/lat (the map is CRS84), the JSON twin keeps the crs', async () => {
      const r = await api('GET', '/api/collections/zones/items?f=html&crs=EPSG:4546');
      assert.equal(r.status, 200);
      const json = /<link rel="alternate" type="application\/json" href="([^"]+)"/.exec(r.text)![1].replaceAll('&amp;', '&');
      assert.equal(new URL(json).searchParams.get('crs'), 'EPSG:4546');
    });

    test('text from the data is escaped on the pages (a feature named as markup)', async () => {
      const planner = await testUser(t.db, 'planner');
      const created = await api('POST', '/api/collections/villages/items', {
        headers: { ...planner.auth, ...reason('html escaping test') },
        body: { type: 'Feature', geometry: { type: 'Point', coordinates: [111.71, 40.86] }, properties: { name_zh: '<img src=x onerror=alert(1)>', name_en: '"><script>alert(2)</script>' } },
      });
      assert.equal(created.status, 201, created.text);
      const path = new URL(created.headers.get('location')!).pathname;
      for (const p of [`${path}?f=html`, '/api/collections/villages/items?f=html&limit=1000']) {
        const page = await api('GET', p);
        assert.equal(page.status, 200);
        assert.ok(!page.text.includes('<img src=x'), p);
        assert.ok(!page.text.includes('<script>alert'), p);
        assert.ok(page.text.includes('&lt;img src=x onerror=alert(1)&gt;'), `${p} shows the name as text`);
      }
    });

    test('JSON and HTML are compressed with brotli or gzip when asked; the ETag turns weak and still revalidates', async () => {
      const app = createApp({ db: t.db, config: { BASEMAPS: [] } });
      const path = '/api/collections/projects/items?limit=200';
      const plain = await app.request(path);
      const plainText = await plain.text();
      assert.equal(plain.headers.get('content-encoding'), null);
      for (const [enc, unpack] of [['br', brotliDecompressSync], ['gzip', gunzipSync]] as const) {
        const r = await app.request(path, { headers: { 'accept-encoding': enc } });
        assert.equal(r.headers.get('content-encoding'), enc);
        assert.match(r.headers.get('vary') ?? '', /Accept-Encoding/);
        const bytes = Buffer.from(await r.arrayBuffer());
        const text = unpack(bytes).toString('utf8');
        // The body is the same but for its timeStamp.
        assert.deepEqual(JSON.parse(text).features, JSON.parse(plainText).features);
        assert.ok(bytes.length < plainText.length / 3, `${enc}: ${bytes.length} bytes vs ${Buffer.byteLength(plainText)}`);
        const etag = r.headers.get('etag')!;
        assert.match(etag, /^W\/"/);
        const again = await app.request(path, { headers: { 'accept-encoding': enc, 'if-none-match': etag } });
        assert.equal(again.status, 304);
      }
      const page = await app.request('/api/collections/projects/items?f=html', { headers: { 'accept-encoding': 'gzip' } });
      assert.equal(page.headers.get('content-encoding'), 'gzip');
      assert.match(gunzipSync(Buffer.from(await page.arrayBuffer())).toString('utf8'), /规划项目/);
    });

    test('behind a reverse proxy the links use its scheme, host and prefix; unknown hosts and malformed headers are refused', async () => {
      const proxy = { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'localhost:8443', 'x-forwarded-prefix': '/gis' };
      const landing = await api('GET', '/api', { headers: proxy });
      assert.equal(landing.status, 200);
      for (const l of landing.body.links) assert.ok(l.href.startsWith('https://localhost:8443/gis/api'), l.href);
      const items = await api('GET', '/api/collections/zones/items?limit=2', { headers: proxy });
      const next = items.body.links.find((l: { rel: string }) => l.rel === 'next');
      assert.equal(next.href, 'https://localhost:8443/gis/api/collections/zones/items?limit=2&offset=2');
      const page = await api('GET', '/api/collections/zones/items?f=html', { headers: proxy });
      assert.ok(page.text.includes('href="https://localhost:8443/gis/api/collections/zones/items/'), 'HTML links too');
      // The same URL without the proxy is cached apart: its links are the server's own.
      const direct = await api('GET', '/api/collections/zones/items?limit=2');
      assert.ok(direct.body.links[0].href.startsWith('http://localhost/api/'), direct.body.links[0].href);

      const evil = await api('GET', '/api', { headers: { 'x-forwarded-host': 'evil.example' } });
      assert.equal(evil.status, 421);
      assert.match(evil.body.description, /evil\.example.*X-Forwarded-Host/);
      assert.equal((await api('GET', '/api', { headers: { 'x-forwarded-proto': 'gopher' } })).status, 400);
      const prefix = await api('GET', '/api', { headers: { 'x-forwarded-prefix': '/a"><script>' } });
      assert.equal(prefix.status, 400);
      assert.match(prefix.body.description, /X-Forwarded-Prefix/);
      // A write from the page the proxy serves is same-origin.
      const planner = await testUser(t.db, 'planner');
      const w = await api('POST', '/api/collections/villages/items', {
        headers: { ...planner.auth, ...reason('proxy origin test'), ...proxy, origin: 'https://localhost:8443' },
        body: { type: 'Feature', geometry: { type: 'Point', coordinates: [111.72, 40.87] }, properties: { name_zh: '代理测试村' } },
      });
      assert.equal(w.status, 201, w.text);
      assert.ok(w.headers.get('location')!.startsWith('https://localhost:8443/gis/api/collections/villages/items/'));
    });

    test('CORS only as configured: listed origins (and * for reading) get the headers, preflight answered; none by default', async () => {
      const none = await api('GET', '/api/collections', { headers: { origin: 'https://gis.example.org' } });
      assert.equal(none.headers.get('access-control-allow-origin'), null);
      const { call } = client(t.db, { CORS_ORIGINS: ['https://gis.example.org'] });
      const ok = await call('GET', '/api/collections', { headers: { origin: 'https://gis.example.org' } });
      assert.equal(ok.headers.get('access-control-allow-origin'), 'https://gis.example.org');
      assert.match(ok.headers.get('access-control-expose-headers') ?? '', /ETag/);
      const other = await call('GET', '/api/collections', { headers: { origin: 'https://other.example' } });
      assert.equal(other.headers.get('access-control-allow-origin'), null);
      const pre = await call('OPTIONS', '/api/collections/villages/items', {
        headers: { origin: 'https://gis.example.org', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, x-change-reason' },
      });
      assert.equal(pre.status, 204);
      assert.match(pre.headers.get('access-control-allow-headers') ?? '', /X-Change-Reason/i);
      const star = client(t.db, { CORS_ORIGINS: ['*'] }).call;
      assert.equal((await star('GET', '/api/collections', { headers: { origin: 'https://any.example' } })).headers.get('access-control-allow-origin'), '*');
      // `*` opens reading only: a write from an unlisted origin is still refused.
      const w = await star('POST', '/api/collections/villages/items', { headers: { origin: 'https://any.example', ...reason('x') }, body: {} });
      assert.equal(w.status, 403);
    });
  },
  { isolated: true },
);
