/**
 * Hostile-input sweep (`npx tsx scripts/hostile.ts`): sends malformed and malicious requests to every
 * API route on the embedded database (and the DATABASE_URL server when set) and prints the status
 * histogram per database. Goal: no 5xx but the 503s of stopped analyses, and no hang (each request
 * is given 120 s). Exit code 1 when a 500 is seen.
 */
import { createApp } from '../api/app.ts';
import { openDatabase } from '../api/open-db.ts';
import pg from 'pg';
import { verifyAudit } from '../api/audit/verify.ts';
import { collections } from '../core/catalog.ts';
import { urlWithSchema } from '../tests/helpers/databases.ts';
import { testUser } from '../tests/helpers/users.ts';
import { pathologicalSites } from '../tests/fixtures/pathological/inputs.ts';

async function admin(url: string, text: string) {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  await c.query(text);
  await c.end();
}

type Case = { name: string; path: string; init?: RequestInit };
const post = (path: string, body: string, type = 'application/json'): RequestInit & { path: string } => ({ path, method: 'POST', headers: { 'content-type': type }, body });

function cases(): Case[] {
  const out: Case[] = [];
  const nasty = ['%00', 'a%00b', '%01', '%7F', '%C0%AF', '%ED%A0%80', "'; drop table projects; --", '1 or 1=1', '../../etc/passwd', '%25', 'x'.repeat(5000), '<script>alert(1)</script>', '\u202e'];
  for (const c of collections) {
    const prop = Object.keys(c.properties)[0];
    for (const v of nasty) {
      out.push({ name: `${c.id} filter ${v.slice(0, 12)}`, path: `/api/collections/${c.id}/items?${prop}=${v.startsWith('%') || v.length > 100 ? v : encodeURIComponent(v)}` });
      out.push({ name: `${c.id} item ${v.slice(0, 12)}`, path: `/api/collections/${c.id}/items/${v.startsWith('%') || v.length > 100 ? v : encodeURIComponent(v)}` });
    }
    for (const q of ['bbox=1,2,3', 'bbox=a,b,c,d', 'bbox=200,0,0,0', 'limit=-1', 'limit=1e999', 'offset=99999999999', 'f=xml', 'constructor=1', '__proto__=1', 'limit=1&limit=2']) {
      out.push({ name: `${c.id} ${q}`, path: `/api/collections/${c.id}/items?${q}` });
    }
  }
  const site = (coords: unknown, extra = '') => `{"geometry":{"type":"Polygon","coordinates":${JSON.stringify(coords)}}${extra}}`;
  const sq = [[[111.7, 40.8], [111.71, 40.8], [111.71, 40.81], [111.7, 40.81], [111.7, 40.8]]];
  const bodies: [string, string][] = [
    ['not json', '{"geometry":'],
    ['empty', ''],
    ['array', '[]'],
    ['nul string', '{"geometry":"\\u0000"}'],
    ['proto', '{"__proto__":{"x":1}}'],
    ['lone surrogate', '{"crs":"\\udfff"}'],
    ['deep', `${'['.repeat(5000)}${']'.repeat(5000)}`],
    ['swapped', site([[[40.8, 111.7], [40.8, 111.71], [40.81, 111.71], [40.8, 111.7]]])],
    ['unclosed', site([[[111.7, 40.8], [111.71, 40.8], [111.71, 40.81], [111.7, 40.81]]])],
    ['bowtie', site([[[111.7, 40.8], [111.71, 40.81], [111.71, 40.8], [111.7, 40.81], [111.7, 40.8]]])],
    ['hole = shell', site([sq[0], [...sq[0]].reverse()])],
    ['wrong crs', site(sq, ',"crs":"EPSG:3857"')],
    ['metres as degrees', site([[[500000, 4500000], [500100, 4500000], [500100, 4500100], [500000, 4500000]]])],
    ['NaN', '{"geometry":{"type":"Point","coordinates":[NaN,1]}}'],
    ['huge number', '{"geometry":{"type":"Point","coordinates":[1e400,1]}}'],
    ['sql', `{"geometry":{"type":"Point','coordinates":[1,2]}}`],
  ];
  for (const [name, body] of bodies) {
    for (const path of ['/api/analysis/compliance', '/api/analysis/coverage', '/api/analysis/coverage/suggest']) out.push({ name: `${path} ${name}`, ...post(path, body) });
  }
  for (const p of pathologicalSites()) out.push({ name: `pathological ${p.name}`, ...post('/api/analysis/compliance', JSON.stringify({ geometry: p.geometry })) });
  for (const body of [
    '{"preset":"parks","area":"zone:\\u0000"}',
    '{"facilities":"facilities","radiusMeters":500,"filter":{"type":"a\\u0000"}}',
    '{"preset":"parks","filter":{"__proto__":"x"}}',
    '{"preset":"parks","constructor":"x"}',
    '{"preset":"parks","radiusMeters":1e308}',
    '{"preset":"parks","area":"projects"}',
    '{"preset":"../../../etc"}',
    '{"facilities":"district","radiusMeters":5}',
    '{"preset":"parks","count":11}',
  ]) {
    for (const path of ['/api/analysis/coverage', '/api/analysis/coverage/suggest']) out.push({ name: `${path} ${body.slice(0, 40)}`, ...post(path, body) });
  }
  // Vector tiles, HTML pages, proxy headers and basemap packages (issues 11 and 12).
  for (const t of ['%00/0/0', '-1/0/0', '1e3/0/0', '99999999999/0/0', '22/99999999/0', '0/0/0.5', "0/0/0'", '10/384/829/extra', 'a/b/c', '23/0/0']) {
    out.push({ name: `tile ${t}`, path: `/api/collections/parks/tiles/WebMercatorQuad/${t}` });
    out.push({ name: `map tile ${t}`, path: `/api/tiles/WebMercatorQuad/${t}` });
  }
  for (const tms of ['%00', '..%2F..', 'WorldCRS84Quad', 'x'.repeat(2000)]) out.push({ name: `tms ${tms.slice(0, 12)}`, path: `/api/collections/parks/tiles/${tms}` });
  out.push({ name: 'tiles of a collection without geometry', path: '/api/collections/indicators/tiles/WebMercatorQuad/10/384/829' });
  for (const q of ['f=html&limit=-1', 'f=html&filter=%27', 'f=html&crs=EPSG:9999', 'f=%00', 'f=HTML', 'f=html&bbox=1,2', 'f=html&sortby=__proto__']) {
    out.push({ name: `html ${q}`, path: `/api/collections/projects/items?${q}` });
  }
  out.push({ name: 'html item %00', path: '/api/collections/projects/items/%00?f=html' });
  for (const [h, v] of [
    ['x-forwarded-host', 'evil.example'],
    ['x-forwarded-host', 'localhost:99999999'],
    ['x-forwarded-host', 'a b'],
    ['x-forwarded-proto', 'javascript'],
    ['x-forwarded-prefix', '/a"><script>alert(1)</script>'],
    ['x-forwarded-prefix', '//evil.example'],
    ['x-forwarded-prefix', '/../..'],
  ]) out.push({ name: `proxy ${h}=${v.slice(0, 16)}`, path: '/api/collections?f=html', init: { headers: { [h]: v } } });
  for (const p of ['/api/basemaps/%00', '/api/basemaps/nope/0/0/0', '/api/basemaps/../../etc/passwd', '/api/basemaps/x/1e9/0/0']) out.push({ name: `basemap ${p.slice(14, 30)}`, path: p });
  // Analysis jobs (issue 12): garbage bodies, ids and result parameters; none may start a job.
  for (const [name, body] of bodies) out.push({ name: `/api/jobs ${name}`, ...post('/api/jobs', body) });
  for (const body of ['{"kind":"layer-review","collection":"\\u0000"}', '{"kind":"layer-review","collection":"../../etc"}', '{"kind":"__proto__","collection":"zones"}', '{"kind":"layer-review","collection":"indicators"}', '{"kind":"layer-review","collection":["zones"]}', `{"kind":"layer-review","collection":"${'x'.repeat(5000)}"}`]) {
    out.push({ name: `/api/jobs ${body.slice(8, 48)}`, ...post('/api/jobs', body) });
  }
  for (const v of nasty) {
    const id = v.startsWith('%') || v.length > 100 ? v : encodeURIComponent(v);
    out.push({ name: `job ${v.slice(0, 12)}`, path: `/api/jobs/${id}` });
    out.push({ name: `job results ${v.slice(0, 12)}`, path: `/api/jobs/${id}/results?f=csv` });
    out.push({ name: `cancel job ${v.slice(0, 12)}`, path: `/api/jobs/${id}`, init: { method: 'DELETE' } });
  }
  for (const q of ['limit=-1', 'offset=1e999', 'only=%00', 'f=xml', '__proto__=1']) out.push({ name: `unknown job results ${q}`, path: `/api/jobs/00000000-0000-4000-8000-000000000000/results?${q}` });
  out.push({ name: 'text/plain json', ...post('/api/analysis/coverage', '{"preset":"parks"}', 'text/plain; charset=application/json') });
  out.push({ name: 'evil host', path: 'http://evil.example/api' });
  out.push({ name: 'cross-origin write', path: '/api/analysis/coverage', init: { method: 'POST', headers: { 'content-type': 'application/json', origin: 'https://evil.example' }, body: '{"preset":"parks"}' } });
  for (const m of ['PUT', 'DELETE', 'PATCH']) out.push({ name: `${m} items`, path: '/api/collections/parks/items', init: { method: m } });

  // The write path, signed in as a planner: every body above and more, on the Part 4 routes, and
  // hostile headers (reason, If-Match, Content-Crs), ids and account bodies. None may succeed.
  const auth = { authorization: `Bearer ${token}`, 'x-change-reason': 'hostile%20sweep' };
  const write = (name: string, method: string, path: string, body: string | undefined, headers: Record<string, string> = {}) =>
    out.push({ name, path, init: { method, headers: { 'content-type': 'application/geo+json', ...auth, ...headers }, body } });
  const feature = (geometry: string, props = '{"name_zh":"x"}') => `{"type":"Feature","geometry":${geometry},"properties":${props}}`;
  const writeBodies: [string, string][] = [
    ...bodies,
    ['feature bowtie', feature('{"type":"Polygon","coordinates":[[[111.7,40.8],[111.71,40.81],[111.71,40.8],[111.7,40.81],[111.7,40.8]]]}')],
    ['feature unknown prop', feature('{"type":"Point","coordinates":[111.7,40.8]}', '{"name_zh":"x","evil":"1"}')],
    ['feature proto prop', feature('{"type":"Point","coordinates":[111.7,40.8]}', '{"__proto__":{"admin":true}}')],
    ['feature wrong type', feature('{"type":"Point","coordinates":[111.7,40.8]}', '{"name_zh":["x"]}')],
    ['feature GeometryCollection', feature('{"type":"GeometryCollection","geometries":[]}')],
    ['feature null island', feature('{"type":"Point","coordinates":[0,0]}')],
    ['feature sql id', `{"type":"Feature","id":"x'); delete from projects; --","geometry":null,"properties":{"name_zh":"x"}}`],
    ['feature huge id', `{"type":"Feature","id":"${'x'.repeat(300)}","geometry":null,"properties":{"name_zh":"x"}}`],
    ['feature status enum', feature('null', '{"name_zh":"x","status":"demolished\u0000"}')],
    ['feature column float', feature('null', '{"name_zh":"x","column":1.5}')],
  ];
  for (const [name, body] of writeBodies) {
    write(`POST items ${name}`, 'POST', '/api/collections/projects/items', body);
    write(`PATCH item ${name}`, 'PATCH', '/api/collections/projects/items/project-02-01', body);
    write(`PUT item ${name}`, 'PUT', '/api/collections/projects/items/project-02-01', body);
  }
  const patch = '{"properties":{"name_en":"hostile"}}';
  for (const [h, v] of [
    ['if-match', '"v0-w"'],
    ['if-match', 'W/"garbage'],
    ['if-match', '"v99999999999999999999-w"'],
    ['content-crs', '<http://www.opengis.net/def/crs/EPSG/0/3857>'],
    ['content-crs', "EPSG:4326'; drop table projects"],
    ['x-change-reason', '%E0%A4%A'],
    ['x-change-reason', '%00'],
    ['x-change-reason', 'x'.repeat(600)],
    ['x-change-reason', ''],
  ]) write(`PATCH header ${h}=${v.slice(0, 20)}`, 'PATCH', '/api/collections/projects/items/project-02-01', patch, { [h]: v });
  for (const id of ['%00', "'; drop table projects; --", '..%2F..%2Fetc', 'no-such-project']) {
    write(`DELETE ${id}`, 'DELETE', `/api/collections/projects/items/${id}`, undefined, { 'if-match': '"v0-w"' });
    write(`restore ${id}`, 'POST', `/api/collections/projects/items/${id}/restore`, '{"version":1}', { 'content-type': 'application/json' });
  }
  for (const body of ['{"version":0}', '{"version":"1"}', '{"version":1e99}', '{}']) write(`restore ${body}`, 'POST', '/api/collections/projects/items/project-02-01/restore', body, { 'content-type': 'application/json' });
  write('DELETE district as planner', 'DELETE', '/api/collections/district/items/district-150102', undefined);
  for (const body of ['{"username":"a\u0000","password":"x"}', '{"username":["admin"],"password":"x"}', '{"username":"admin","password":{"$ne":null}}', `{"username":"admin' or '1'='1","password":"x"}`]) {
    out.push({ name: `login ${body.slice(0, 30)}`, ...post('/api/auth/login', body) });
  }
  for (const body of ['{"username":"evil","password":"long enough pw","role":"admin"}', '{"name":"\u0000"}']) {
    write(`users as planner ${body.slice(0, 20)}`, 'POST', '/api/users', body, { 'content-type': 'application/json' });
  }
  for (const body of bodies) write(`reviews ${body[0]}`, 'POST', '/api/reviews', body[1], { 'content-type': 'application/json' });
  for (const q of ['since=yesterday', 'limit=-1', 'f=xml', "actor=' or 1=1"]) out.push({ name: `audit ${q}`, path: `/api/audit?${q}`, init: { headers: { authorization: `Bearer ${token}` } } });
  out.push({ name: 'bearer garbage', path: '/api/auth/me', init: { headers: { authorization: 'Bearer x%00y' } } });
  out.push({ name: 'basic auth', path: '/api/auth/me', init: { headers: { authorization: 'Basic YWRtaW46YWRtaW4=' } } });
  return out;
}

let token = '';

let bad = 0;
const kinds = process.env.DATABASE_URL ? [undefined, process.env.DATABASE_URL] : [undefined];
const schema = `hostile_${process.pid}`;
for (const url of kinds) {
  // On the server, a schema of its own: the sweep signs in and tries to write.
  if (url) await admin(url, `create schema ${schema}`);
  const db = await openDatabase({ DATABASE_URL: url ? urlWithSchema(url, schema) : undefined, GEODATA_DIR: process.env.GEODATA_DIR ?? 'geodata' });
  const app = createApp({ db, config: { BASEMAPS: [] } });
  token = (await testUser(db, 'planner', 'hostile-planner')).token;
  const auditBefore = (await db.query<{ n: number }>(`select count(*)::int as n from audit where action <> 'login_failed'`)).rows[0].n;
  const histogram = new Map<number, number>();
  const fivexx: string[] = [];
  let hangs = 0;
  const list = cases();
  for (const c of list) {
    const { path, ...rest } = c as Case & RequestInit;
    const init = c.init ?? (rest.method ? rest : undefined);
    const status = await Promise.race([
      Promise.resolve(app.request(path, init)).then(async (r) => (await r.text(), r.status)),
      new Promise<number>((r) => setTimeout(() => r(0), 120_000)),
    ]);
    if (status === 0) hangs++;
    histogram.set(status, (histogram.get(status) ?? 0) + 1);
    if (status >= 500 && status !== 503) fivexx.push(`${status} ${c.name}`);
  }
  console.log(`${db.kind}: ${list.length} hostile requests; status histogram: ${[...histogram].sort((a, b) => a[0] - b[0]).map(([s, n]) => `${s}×${n}`).join(', ')}; hangs: ${hangs}`);
  for (const f of fivexx) console.log(`  ${f}`);
  bad += fivexx.length + hangs;
  const n = (await db.query<{ n: number }>('select count(*)::int as n from projects')).rows[0].n;
  console.log(`  projects after the sweep: ${n} (unchanged: ${n === 123})`);
  const auditAfter = (await db.query<{ n: number }>(`select count(*)::int as n from audit where action <> 'login_failed'`)).rows[0].n;
  const chain = await verifyAudit(db);
  console.log(`  audit rows written by the sweep (besides failed logins): ${auditAfter - auditBefore}; chain intact: ${chain.ok}`);
  if (auditAfter !== auditBefore || !chain.ok || n !== 123) bad++;
  await db.close();
  if (url) await admin(url, `drop schema ${schema} cascade`);
}
process.exit(bad ? 1 : 0);
