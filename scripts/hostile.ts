/**
 * Hostile-input sweep (`npx tsx scripts/hostile.ts`): sends malformed and malicious requests to every
 * API route on the embedded database (and the DATABASE_URL server when set) and prints the status
 * histogram per database. Goal: no 5xx but the 503s of stopped analyses, and no hang (each request
 * is given 120 s). Exit code 1 when a 500 is seen.
 */
import { createApp } from '../api/app.ts';
import { openDatabase } from '../api/open-db.ts';
import { collections } from '../core/catalog.ts';

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
  out.push({ name: 'text/plain json', ...post('/api/analysis/coverage', '{"preset":"parks"}', 'text/plain; charset=application/json') });
  out.push({ name: 'evil host', path: 'http://evil.example/api' });
  out.push({ name: 'cross-origin write', path: '/api/analysis/coverage', init: { method: 'POST', headers: { 'content-type': 'application/json', origin: 'https://evil.example' }, body: '{"preset":"parks"}' } });
  for (const m of ['PUT', 'DELETE', 'PATCH']) out.push({ name: `${m} items`, path: '/api/collections/parks/items', init: { method: m } });
  return out;
}

let bad = 0;
const kinds = process.env.DATABASE_URL ? [undefined, process.env.DATABASE_URL] : [undefined];
for (const url of kinds) {
  const db = await openDatabase({ DATABASE_URL: url, GEODATA_DIR: process.env.GEODATA_DIR ?? 'geodata' });
  const app = createApp({ db, config: { BASEMAPS: [] } });
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
  await db.close();
}
process.exit(bad ? 1 : 0);
