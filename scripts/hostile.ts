/**
 * Hostile-input sweep (`npx tsx scripts/hostile.ts`): sends malformed and malicious requests to every
 * API route on the embedded database (and the DATABASE_URL server when set) and prints the status
 * histogram per database. Goal: no 5xx but the 503s of stopped analyses, and no hang (each request
 * is given 120 s). Then, in order (ids from answers): a coverage job's life with garbage `Prefer`
 * headers, other users, cancels twice and reads of discarded jobs; a burst of coverage jobs (503 with
 * Retry-After once the queue is full, /api/health answering meanwhile); CQL2 filters that differ in
 * whitespace, case and filter-crs read by a planner and then by the public on one app (no private
 * collection or property through a kept translation or page). Exit code 1 on a 500, a hang, a 503
 * without Retry-After or a leak.
 */
import { createApp } from '../api/app.ts';
import { openDatabase } from '../api/open-db.ts';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import pg from 'pg';
import { verifyAudit } from '../api/audit/verify.ts';
import { isPublicCollection, isPublicProperty } from '../core/audience.ts';
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
  // Coverage jobs (POST /api/jobs kind coverage, the body of POST /api/analysis/coverage): garbage, wrong types, extra fields,
  // SQL-looking and NUL strings, unknown kinds, a body past the limit; none may start a job.
  for (const body of [
    '{"kind":"coverage"}',
    '{"kind":"coverage","preset":"parks","extra":1}',
    '{"kind":"Coverage","preset":"parks"}',
    '{"kind":["coverage"],"preset":"parks"}',
    '{"kind":null,"preset":"parks"}',
    '{"kind":"coverage\\u0000","preset":"parks"}',
    '{"kind":"coverage","preset":"parks\'; drop table parks; --"}',
    '{"kind":"coverage","facilities":"parks where 1=1"}',
    '{"kind":"coverage","preset":"parks","area":"zone:\\u0000"}',
    '{"kind":"coverage","preset":"parks","radiusMeters":-1}',
    '{"kind":"coverage","preset":"parks","radiusMeters":"NaN"}',
    '{"kind":"coverage","preset":"parks","radiusMeters":1e999}',
    '{"kind":"coverage","preset":"parks","filter":{"name_zh\'":"x"}}',
    '{"kind":"coverage","preset":"parks","filter":[]}',
    '{"kind":"coverage","preset":"parks","extraFacilities":[null]}',
    '{"kind":"coverage","preset":"parks","extraFacilities":[{"type":"Point","coordinates":["a","b"]}]}',
    '{"kind":"coverage","preset":"parks","extraFacilities":{"length":1}}',
    '{"kind":"coverage","preset":"parks","population":{"collection":"projects","field":"__proto__"}}',
    '{"kind":"coverage","preset":"parks","method":"network","network":"parks"}',
    '{"kind":"coverage","preset":"parks","includePlanned":"yes"}',
    '{"kind":"coverage","preset":"parks","count":3}',
    '{"kind":"layer-review","collection":"projects","preset":"parks"}',
    `{"kind":"coverage","preset":"parks","area":"${'x'.repeat(5000)}"}`,
    `{"kind":"coverage","preset":"parks","pad":"${'x'.repeat(10 * 1024 * 1024)}"}`,
  ]) {
    out.push({ name: `/api/jobs ${body.slice(8, 56)}`, ...post('/api/jobs', body) });
    // The same body as the route's, asking to respond asynchronously: checked before any job is made.
    if (body.startsWith('{"kind":"coverage",')) out.push({ name: `respond-async ${body.slice(19, 56)}`, path: '/api/analysis/coverage', init: { method: 'POST', headers: { 'content-type': 'application/json', prefer: 'respond-async, wait=1' }, body: `{${body.slice(19)}` } });
  }
  // The body compressed, or in another charset: refused by name.
  out.push({ name: '/api/jobs gzip', path: '/api/jobs', init: { method: 'POST', headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' }, body: gzipSync('{"kind":"coverage","preset":"parks"}') } });
  out.push({ name: '/api/jobs utf-16', path: '/api/jobs', init: { method: 'POST', headers: { 'content-type': 'application/json; charset=utf-16' }, body: Buffer.from('{"kind":"coverage","preset":"parks"}', 'utf16le') } });
  // Prefer on routes that do not take it (ignored), with garbage values.
  for (const prefer of ['respond-async', 'respond-async, wait=abc', 'wait=-1', `wait=${'9'.repeat(400)}`, 'respond-async;wait=1e9', '%00', 'wait=1.5, respond-async, respond-async']) {
    out.push({ name: `prefer ${prefer.slice(0, 24)} on compliance`, path: '/api/analysis/compliance', init: { method: 'POST', headers: { 'content-type': 'application/json', prefer }, body: '{"geometry":{"type":"Point","coordinates":[111.7,40.8]}}' } });
    out.push({ name: `prefer ${prefer.slice(0, 24)} on collections`, path: '/api/collections', init: { headers: { prefer } } });
    out.push({ name: `prefer ${prefer.slice(0, 24)} on an unknown job`, path: '/api/jobs/00000000-0000-4000-8000-000000000000', init: { headers: { prefer } } });
  }
  // Vector tiles at every zoom, over the city (its tiny parcels merged into pixel strips) and at the matrix's corners and just past them.
  for (let z = 0; z <= 23; z++) {
    const n = 2 ** z;
    const x = Math.floor(((111.75 + 180) / 360) * n);
    const y = Math.floor(((1 - Math.log(Math.tan((40.84 * Math.PI) / 180) + 1 / Math.cos((40.84 * Math.PI) / 180)) / Math.PI) / 2) * n);
    for (const [yy, xx] of [[y, x], [0, 0], [n - 1, n - 1], [n, 0], [0, n]]) {
      out.push({ name: `tile z${z} ${yy}/${xx}`, path: `/api/collections/parks/tiles/WebMercatorQuad/${z}/${yy}/${xx}` });
      out.push({ name: `map tile z${z} ${yy}/${xx}`, path: `/api/tiles/WebMercatorQuad/${z}/${yy}/${xx}` });
    }
  }
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

interface Answer {
  status: number;
  headers: Headers;
  text: string;
  body: any;
}
/** Sends one request to `app` (counted, with its 120 s limit); status 0 is a hang. */
type Send = (name: string, path: string, init?: RequestInit, app?: ReturnType<typeof createApp>) => Promise<Answer>;

/**
 * A coverage job's life as a careless or hostile client lives it: garbage `Prefer: wait`, results before
 * the end, other users reading and cancelling, cancels twice and after the end, reads of a discarded job,
 * respond-async; then a burst of jobs past the queue from ten users (503 with Retry-After, /api/health answering)
 * and six at once from one user (429 beyond their four). Returns
 * what went wrong.
 */
async function jobScenario(send: Send, who: Record<'planner' | 'other' | 'admin', Record<string, string>>, crowd: Record<string, string>[]): Promise<string[]> {
  const wrong: string[] = [];
  const expect = (what: string, r: Answer, ...statuses: number[]) => {
    if (!statuses.includes(r.status)) wrong.push(`${what}: ${r.status} (expected ${statuses.join(' or ')}) ${r.text.slice(0, 160)}`);
    return r;
  };
  const json = (auth: Record<string, string>, body: unknown, headers: Record<string, string> = {}): RequestInit => ({ method: 'POST', headers: { 'content-type': 'application/json', ...auth, ...headers }, body: JSON.stringify(body) });
  const finished = (r: Answer) => ['done', 'failed', 'cancelled'].includes(r.body?.state);
  /** Follows a job to its end as `auth` (the planner's own; an admin reads anyone's). */
  const follow = async (id: string, auth = who.planner) => {
    for (let i = 0; i < 20; i++) {
      const r = expect('follow a job with Prefer: wait=30', await send('job wait=30', `/api/jobs/${id}`, { headers: { ...auth, prefer: 'wait=30' } }), 200);
      if (r.status !== 200 || finished(r)) return r;
    }
    wrong.push(`job ${id} still running after 20 waits`);
  };
  const PARKS = { preset: 'parks', area: 'central_area' };

  const started = expect('start a coverage job', await send('coverage job', '/api/jobs', json(who.planner, { kind: 'coverage', ...PARKS })), 202);
  const id = started.body?.id as string;
  if (started.headers.get('location') !== `/api/jobs/${id}`) wrong.push(`the job's Location is ${started.headers.get('location')}`);
  for (const prefer of ['wait=abc', 'wait=-1', 'wait=1e9', 'wait=1.5', 'wait=', 'wait=0', 'wait="0"', 'respond-async', 'wait=0, wait=30', 'return=minimal; wait=0x10']) {
    expect(`GET a job with Prefer: ${prefer}`, await send(`job prefer ${prefer}`, `/api/jobs/${id}`, { headers: { ...who.planner, prefer } }), 200);
  }
  expect('results before the end', await send('job results early', `/api/jobs/${id}/results`, { headers: who.planner }), 409, 200);
  for (const [name, auth] of [['another planner', who.other], ['anonymous', {}]] as const) {
    expect(`${name} reads the job`, await send(`job read by ${name}`, `/api/jobs/${id}`, { headers: auth }), 403);
    expect(`${name} reads its results`, await send(`job results by ${name}`, `/api/jobs/${id}/results`, { headers: auth }), 403);
    expect(`${name} cancels it`, await send(`job cancel by ${name}`, `/api/jobs/${id}`, { method: 'DELETE', headers: auth }), 403);
    const listed = expect(`${name} lists jobs`, await send(`jobs listed by ${name}`, '/api/jobs', { headers: auth }), 200);
    if (listed.body?.jobs?.some((j: { id: string }) => j.id === id)) wrong.push(`${name} sees the planner's coverage job in GET /api/jobs`);
  }
  expect('results with parameters', await send('job results ?f=csv', `/api/jobs/${id}/results?f=csv`, { headers: who.planner }), 400);
  // Cancel (or, done already, discard), then again, then a third time; reads of the discarded job.
  const first = expect('cancel', await send('job cancel', `/api/jobs/${id}`, { method: 'DELETE', headers: who.planner }), 200, 204);
  expect('cancel again', await send('job cancel again', `/api/jobs/${id}`, { method: 'DELETE', headers: who.planner }), ...(first.status === 200 ? [204] : [404]));
  expect('cancel a discarded job', await send('job cancel discarded', `/api/jobs/${id}`, { method: 'DELETE', headers: who.planner }), 404);
  expect('read a discarded job', await send('job read discarded', `/api/jobs/${id}`, { headers: { ...who.planner, prefer: 'wait=30' } }), 404);
  expect('results of a discarded job', await send('job results discarded', `/api/jobs/${id}/results`, { headers: who.planner }), 404);

  // A job to its end: its result, read by an admin too; then discarded, twice.
  const second = expect('start a coverage job', await send('coverage job', '/api/jobs', json(who.planner, { kind: 'coverage', ...PARKS })), 202);
  const end = await follow(second.body?.id);
  if (end && end.body.state !== 'done') wrong.push(`a coverage job ended ${end.body.state}: ${end.body.error}`);
  const result = expect('results when done', await send('job results', `/api/jobs/${second.body?.id}/results`, { headers: who.planner }), 200);
  if (typeof result.body?.coverageShare !== 'number') wrong.push('the results of a coverage job carry no coverageShare');
  expect('an admin reads the results', await send('job results by admin', `/api/jobs/${second.body?.id}/results`, { headers: who.admin }), 200);
  expect('wait on a finished job', await send('job wait=30 done', `/api/jobs/${second.body?.id}`, { headers: { ...who.planner, prefer: `wait=${'9'.repeat(40)}` } }), 200);
  expect('discard a done job', await send('job discard', `/api/jobs/${second.body?.id}`, { method: 'DELETE', headers: who.planner }), 204);
  expect('discard it again', await send('job discard again', `/api/jobs/${second.body?.id}`, { method: 'DELETE', headers: who.planner }), 404);

  // The route with respond-async: the answer in the request, or a job (then cancelled).
  const async = expect('respond-async', await send('coverage respond-async', '/api/analysis/coverage', json(who.planner, PARKS, { prefer: 'respond-async, wait=30' })), 200, 202);
  if (async.status === 202) await send('cancel the async job', `/api/jobs/${async.body.id}`, { method: 'DELETE', headers: who.planner });

  // A burst of jobs past the queue while /api/health is asked every 50 ms, until the jobs have run.
  let bursting = true;
  const health: number[] = [];
  const poll = (async () => {
    while (bursting) {
      const t = performance.now();
      expect('/api/health during a burst of jobs', await send('health during burst', '/api/health'), 200);
      health.push(performance.now() - t);
      await new Promise((r) => setTimeout(r, 50));
    }
  })();
  // Ten planners, four each: within one user's limit (4 coverage jobs), so only the queue's bound refuses (503).
  const burst = await Promise.all(
    Array.from({ length: 40 }, (_, i) =>
      i % 2
        ? send('burst job', '/api/jobs', json(crowd[i % crowd.length], { kind: 'coverage', ...PARKS, radiusMeters: 300 + i }))
        : send('burst respond-async', '/api/analysis/coverage', json(crowd[i % crowd.length], { ...PARKS, radiusMeters: 300 + i }, { prefer: 'respond-async, wait=0' })),
    ),
  );
  // The queued jobs run one slot at a time (the embedded database: one): followed to their end while /api/health is asked.
  for (const r of burst) if (r.status === 202) await follow(r.body.id, who.admin);
  bursting = false;
  await poll;
  for (const r of burst) {
    expect('a job of the burst', r, 202, 503);
    if (r.status === 503 && !/^\d+$/.test(r.headers.get('retry-after') ?? '')) wrong.push(`a 503 of the burst without Retry-After: ${r.text.slice(0, 120)}`);
  }
  if (!burst.some((r) => r.status === 503)) wrong.push('40 jobs at once were all queued: the queue has no bound');
  health.sort((a, b) => a - b);
  console.log(`  burst of 40 coverage jobs: ${burst.filter((r) => r.status === 202).length}×202, ${burst.filter((r) => r.status === 503).length}×503; /api/health while they ran: ${health.length}× median ${health[health.length >> 1]?.toFixed(1)} ms, max ${health.at(-1)?.toFixed(1)} ms`);
  // One user asking for six at once: beyond their four unfinished coverage jobs, 429 with Retry-After (not the queue's 503).
  const greedy = await Promise.all(Array.from({ length: 6 }, (_, i) => send('one user, six jobs', '/api/jobs', json(who.other, { kind: 'coverage', ...PARKS, radiusMeters: 400 + i }))));
  for (const r of greedy) {
    expect('one user\'s six jobs', r, 202, 429);
    if (r.status === 429 && !/^\d+$/.test(r.headers.get('retry-after') ?? '')) wrong.push(`a 429 without Retry-After: ${r.text.slice(0, 120)}`);
  }
  if (!greedy.some((r) => r.status === 429)) wrong.push('one user started six coverage jobs at once: no per-user limit');
  console.log(`  one user, six coverage jobs at once: ${greedy.filter((r) => r.status === 202).length}×202, ${greedy.filter((r) => r.status === 429).length}×429`);
  // Every job still queued or running is cancelled (by an admin), and every finished one discarded.
  const left = expect('an admin lists the jobs', await send('jobs listed by admin', '/api/jobs', { headers: who.admin }), 200);
  for (const j of left.body?.jobs ?? []) expect('an admin cancels a job', await send('job cancel by admin', `/api/jobs/${j.id}`, { method: 'DELETE', headers: who.admin }), 200, 204);
  for (const j of (await send('jobs listed by admin', '/api/jobs', { headers: who.admin })).body?.jobs ?? []) await send('job discard by admin', `/api/jobs/${j.id}`, { method: 'DELETE', headers: who.admin });
  return wrong;
}

/**
 * CQL2 filters that differ only in whitespace, case and filter-crs, asked on one app whose anonymous
 * readers are the public: first by a planner (the translation and the page are kept), then anonymously,
 * twice. The public must get 401 for a planner collection and never a property marked internal; where
 * both read, both get the same count. Returns the leaks.
 */
async function filterScenario(send: Send, app: ReturnType<typeof createApp>, planner: Record<string, string>): Promise<string[]> {
  const leaks: string[] = [];
  const filters = [
    "name_zh LIKE '%'",
    "name_zh  like  '%' ",
    "(NAME_ZH LIKE '%')",
    "quality <> 'x' AND name_zh LIKE '%'",
    'S_INTERSECTS(geom,BBOX(111,40,112,41))',
    's_intersects(geom, bbox(111, 40, 112, 41))',
    'S_INTERSECTS(geom,BBOX(12356000,4865000,12468000,5012000))',
  ];
  const crs = ['', 'http://www.opengis.net/def/crs/OGC/1.3/CRS84', 'http://www.opengis.net/def/crs/EPSG/0/4326', 'http://www.opengis.net/def/crs/EPSG/0/3857'];
  for (const c of collections.filter((d) => d.geometry !== 'none')) {
    const internal = Object.keys(c.properties).filter((k) => !isPublicProperty(k, c.properties));
    for (const f of filters) {
      for (const fc of crs) {
        const path = `/api/collections/${c.id}/items?limit=50&filter=${encodeURIComponent(f)}${fc ? `&filter-crs=${encodeURIComponent(fc)}` : ''}`;
        const asPlanner = await send(`filter ${c.id} ${f} as planner`, path, { headers: planner }, app);
        for (const round of [1, 2]) {
          const asPublic = await send(`filter ${c.id} ${f} as the public (${round})`, path, undefined, app);
          if (!isPublicCollection(c) && asPublic.status !== 401) leaks.push(`${path}: the public got ${asPublic.status} for planner collection ${c.id}`);
          const shown = (asPublic.body?.features ?? []).flatMap((x: { properties: object }) => Object.keys(x.properties ?? {})).filter((k: string) => internal.includes(k));
          if (shown.length) leaks.push(`${path}: the public got internal properties ${[...new Set(shown)].join(', ')}`);
          if (asPublic.status === 200 && asPlanner.status === 200 && asPublic.body.numberMatched !== asPlanner.body.numberMatched) {
            leaks.push(`${path}: ${asPublic.body.numberMatched} features for the public, ${asPlanner.body.numberMatched} for a planner`);
          }
          if (isPublicCollection(c) && asPublic.status !== asPlanner.status) leaks.push(`${path}: ${asPublic.status} for the public, ${asPlanner.status} for a planner`);
        }
      }
    }
  }
  return leaks;
}

let bad = 0;
const kinds = process.env.DATABASE_URL ? [undefined, process.env.DATABASE_URL] : [undefined];
const schema = `hostile_${process.pid}`;
for (const url of kinds) {
  // On the server, a schema of its own: the sweep signs in and tries to write.
  if (url) await admin(url, `create schema ${schema}`);
  // The embedded database in a folder of its own, as a server runs it: a statement stopped at its time limit
  // restarts the thread, and the folder keeps the sweep's users (an in-memory database would be rebuilt).
  const dir = url ? undefined : await mkdtemp(join(tmpdir(), 'hostile-'));
  const db = await openDatabase({ DATABASE_URL: url ? urlWithSchema(url, schema) : undefined, DATA_DIR: dir, GEODATA_DIR: process.env.GEODATA_DIR ?? 'geodata' });
  const app = createApp({ db, config: { BASEMAPS: [] } });
  // Anonymous readers of a network server: the public audience.
  const publicApp = createApp({ db, config: { BASEMAPS: [], ANONYMOUS_READ: 'public' } });
  token = (await testUser(db, 'planner', 'hostile-planner')).token;
  const who = { planner: { authorization: `Bearer ${token}` }, other: (await testUser(db, 'planner', 'hostile-other')).auth, admin: (await testUser(db, 'admin', 'hostile-admin')).auth };
  // Ten more planners for the burst of jobs (their accounts are made before the audit count).
  const crowd = await Promise.all(Array.from({ length: 10 }, async (_, i) => (await testUser(db, 'planner', `hostile-crowd-${i}`)).auth));
  const auditBefore = (await db.query<{ n: number }>(`select count(*)::int as n from audit where action <> 'login_failed'`)).rows[0].n;
  const histogram = new Map<number, number>();
  const fivexx: string[] = [];
  let hangs = 0;
  let sent = 0;
  const send: Send = async (name, path, init, on = app) => {
    sent++;
    const answer = await Promise.race([
      Promise.resolve(on.request(path, init)).then(async (r): Promise<Answer> => {
        const text = await r.text();
        let body: unknown = null;
        try {
          body = text && r.headers.get('content-type')?.includes('json') ? JSON.parse(text) : null;
        } catch {
          body = null;
        }
        return { status: r.status, headers: r.headers, text, body };
      }),
      new Promise<Answer>((r) => setTimeout(() => r({ status: 0, headers: new Headers(), text: '', body: null }), 120_000)),
    ]);
    if (answer.status === 0) hangs++;
    histogram.set(answer.status, (histogram.get(answer.status) ?? 0) + 1);
    if (answer.status >= 500 && answer.status !== 503) fivexx.push(`${answer.status} ${name}`);
    return answer;
  };
  for (const c of cases()) {
    const { path, ...rest } = c as Case & RequestInit;
    await send(c.name, path, c.init ?? (rest.method ? rest : undefined));
  }
  const wrong = await jobScenario(send, who, crowd);
  const leaks = await filterScenario(send, publicApp, who.planner);
  console.log(`${db.kind}: ${sent} hostile requests; status histogram: ${[...histogram].sort((a, b) => a[0] - b[0]).map(([s, n]) => `${s}×${n}`).join(', ')}; hangs: ${hangs}`);
  for (const f of fivexx) console.log(`  ${f}`);
  console.log(`  coverage jobs: ${wrong.length} unexpected answers; CQL2 filters across audiences: ${leaks.length} leaks`);
  for (const w of [...wrong, ...leaks]) console.log(`  ${w}`);
  bad += fivexx.length + hangs + wrong.length + leaks.length;
  const n = (await db.query<{ n: number }>('select count(*)::int as n from projects')).rows[0].n;
  console.log(`  projects after the sweep: ${n} (unchanged: ${n === 123})`);
  const auditAfter = (await db.query<{ n: number }>(`select count(*)::int as n from audit where action <> 'login_failed'`)).rows[0].n;
  const chain = await verifyAudit(db);
  console.log(`  audit rows written by the sweep (besides failed logins): ${auditAfter - auditBefore}; chain intact: ${chain.ok}`);
  if (auditAfter !== auditBefore || !chain.ok || n !== 123) bad++;
  await db.close();
  if (url) await admin(url, `drop schema ${schema} cascade`);
  if (dir) await rm(dir, { recursive: true, force: true });
}
process.exit(bad ? 1 : 0);
