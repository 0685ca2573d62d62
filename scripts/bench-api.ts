/**
 * Benchmark: `GET /api/collections/projects/items` end to end (HTTP on localhost, through Hono and
 * the pool) against the bare SQL query it runs, in the same process and run, interleaved.
 * Uses DATABASE_URL (the figure the issue asks for is on the PostGIS server); without it, PGlite.
 * Prints medians and the ratio (target ≤ 1.5×).
 */
import { serve } from '@hono/node-server';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp } from '../api/app.ts';
import { openDatabase } from '../api/open-db.ts';
import { parseItemsParams } from '../api/routes/items-params.ts';
import { itemsQuery } from '../api/sql/collections.ts';
import { findCollection } from '../core/catalog.ts';
import { commitLayer } from '../tests/helpers/coverage-layers.ts';
import { BLOCK, parcels } from '../tests/helpers/synthetic-parcels.ts';
import { testUser } from '../tests/helpers/users.ts';

const ROUNDS = Number(process.env.ROUNDS ?? 300);
const db = await openDatabase({ DATABASE_URL: process.env.DATABASE_URL, GEODATA_DIR: 'geodata' });
const app = createApp({ db, config: { BASEMAPS: [] } });
const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
await new Promise((r) => server.once('listening', r));
const port = (server.address() as AddressInfo).port;
const projects = findCollection('projects')!;

// A keep-alive HTTP/1.1 client, as a GIS client or browser would hold its connection open. It times
// the answer to its last byte; decoding the bytes into a string is the client's own work (3–4 ms for
// 300 KiB), so `get` returns them as they came and the caller decodes after the clock stops.
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
function getBytes(url: string): Promise<Buffer[]> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => (res.statusCode === 200 ? resolve(chunks) : reject(new Error(`${url}: ${res.statusCode}`))));
      })
      .on('error', reject);
  });
}
const text = (chunks: Buffer[]) => Buffer.concat(chunks).toString('utf8');
const get = async (url: string) => text(await getBytes(url));

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

for (const search of ['', 'limit=5000']) {
  const q = itemsQuery(projects, parseItemsParams(projects, Object.fromEntries(new URLSearchParams(search))));
  const url = `http://127.0.0.1:${port}/api/collections/projects/items${search ? `?${search}` : ''}`;
  const http: number[] = [];
  const sql: number[] = [];
  let bytes = 0;
  for (let i = 0; i < ROUNDS + 20; i++) {
    let t = performance.now();
    const chunks = await getBytes(url);
    const h = performance.now() - t;
    const body = text(chunks);
    t = performance.now();
    const rows = (await db.query<{ features: string }>(q.text, q.values)).rows;
    const s = performance.now() - t;
    if (i >= 20) {
      // The first rounds warm the JIT, the pool and PostgreSQL's plan cache.
      http.push(h);
      sql.push(s);
    }
    bytes = body.length;
    if (!rows[0].features) throw new Error('bare query returned nothing');
  }
  const mh = median(http);
  const ms = median(sql);
  console.log(
    `projects/items${search ? `?${search}` : ''} on ${db.kind}: API ${mh.toFixed(2)} ms, bare SQL ${ms.toFixed(2)} ms, ratio ${(mh / ms).toFixed(2)}× (target ≤ 1.5×), ${(bytes / 1024).toFixed(0)} KiB, ${ROUNDS} rounds (medians)`,
  );
}
// A CQL2 filter, new text every round so the response cache never answers: the API parses,
// checks and translates it; the bare SQL is the very statement the API ran (captured from the pool
// during the request: same text, same values), run again on the same pool. Twice: on the plan's
// projects (28 matched: the SQL takes ~1–2 ms, so the fixed cost of an HTTP answer weighs most) and
// on a city-scale layer of 10 000 imported parcels (a page of 1 000 matched).
async function cql2Figure(label: string, path: (round: number) => string) {
  const http: number[] = [];
  const sql: number[] = [];
  const floor: number[] = [];
  let matched = 0;
  let bytes = 0;
  const query = db.query.bind(db);
  let ran: { text: string; values?: unknown[] }[] = [];
  db.query = ((text: string, values?: unknown[], opts?: unknown) => {
    ran.push({ text, values });
    return (query as (t: string, v?: unknown[], o?: unknown) => ReturnType<typeof db.query>)(text, values, opts);
  }) as typeof db.query;
  try {
    for (let i = 0; i < ROUNDS + 20; i++) {
      ran = [];
      let t = performance.now();
      const chunks = await getBytes(`http://127.0.0.1:${port}${path(i)}`);
      const h = performance.now() - t;
      const body = text(chunks);
      if (ran.length !== 1) throw new Error(`the filtered items request ran ${ran.length} statements; the benchmark expects one`);
      const [stmt] = ran;
      t = performance.now();
      await query(stmt.text, stmt.values);
      const s = performance.now() - t;
      // The HTTP floor: an answer from the response cache (no statement), same connection.
      t = performance.now();
      await getBytes(`http://127.0.0.1:${port}/api/conformance`);
      const f = performance.now() - t;
      if (i >= 20) {
        http.push(h);
        sql.push(s);
        floor.push(f);
      }
      matched = JSON.parse(body).numberMatched;
      bytes = body.length;
    }
  } finally {
    db.query = query;
  }
  const mh = median(http);
  const ms = median(sql);
  console.log(
    `${label} on ${db.kind}: API ${mh.toFixed(2)} ms, bare SQL ${ms.toFixed(2)} ms (the statement the API ran), ratio ${(mh / ms).toFixed(2)}× (target ≤ 1.5×), ${matched} matched, ${(bytes / 1024).toFixed(0)} KiB, ${ROUNDS} rounds (medians); HTTP floor (a cached answer) ${median(floor).toFixed(2)} ms`,
  );
}
await cql2Figure('projects/items?filter=<CQL2: 2 comparisons + S_INTERSECTS>', (i) => {
  const filter = `quality = 'indicative' AND column > 0 AND S_INTERSECTS(geometry, BBOX(111.55, 40.75, 111.95, 41.05)) AND id <> 'round-${i}'`;
  return `/api/collections/projects/items?${new URLSearchParams({ filter, limit: '100' })}`;
});
// The same filter text every round and a new page size (all 28 fit in each): the response cache still
// cannot answer (another URL), but the filter's translation is kept (api/routes/items-params.ts), as
// when a client pages through one filter.
await cql2Figure('projects/items?filter=<the same CQL2 filter, a new limit each round>', (i) => {
  const filter = `quality = 'indicative' AND column > 0 AND S_INTERSECTS(geometry, BBOX(111.55, 40.75, 111.95, 41.05))`;
  return `/api/collections/projects/items?${new URLSearchParams({ filter, limit: String(100 + i) })}`;
});
{
  const planner = await testUser(db, 'planner', `bench-api-${Date.now()}`);
  const id = `bench_parcels_api_${Date.now() % 100000}`;
  await commitLayer(app, planner.auth, id, 'area', parcels(10_000), { titleZh: '合成宗地 10 000' });
  const w = BLOCK.west + 0.01;
  const s = BLOCK.south + 0.01;
  const area = `POLYGON((${w} ${s}, ${w + 0.04} ${s}, ${w + 0.04} ${s + 0.03}, ${w} ${s + 0.03}, ${w} ${s}))`;
  await cql2Figure(`${id}/items?filter=<CQL2: use = '居住' AND S_INTERSECTS(polygon)> (10 000 imported parcels)`, (i) => {
    const filter = `use = '居住' AND S_INTERSECTS(geometry, ${area}) AND id <> 'round-${i}'`;
    return `/api/collections/${id}/items?${new URLSearchParams({ filter, limit: '1000' })}`;
  });
}
// The HTML page of the same 100 features (table + SVG map), built anew each round, against its JSON twin.
{
  const page: number[] = [];
  const json: number[] = [];
  let bytes = 0;
  for (let i = 0; i < ROUNDS + 20; i++) {
    const search = new URLSearchParams({ filter: `id <> 'page-${i}'`, limit: '100' }).toString();
    let t = performance.now();
    const html = await get(`http://127.0.0.1:${port}/api/collections/projects/items?${search}&f=html`);
    const h = performance.now() - t;
    t = performance.now();
    await get(`http://127.0.0.1:${port}/api/collections/projects/items?${search}`);
    const j = performance.now() - t;
    if (i >= 20) {
      page.push(h);
      json.push(j);
    }
    bytes = html.length;
  }
  console.log(`projects/items HTML page (100 features, table + SVG map) on ${db.kind}: ${median(page).toFixed(2)} ms vs its JSON ${median(json).toFixed(2)} ms, ${(bytes / 1024).toFixed(0)} KiB, ${ROUNDS} rounds (medians)`);
}
const doc = await get(`http://127.0.0.1:${port}/api/openapi`);
console.log(`OpenAPI document: ${(doc.length / 1024).toFixed(0)} KiB`);
agent.destroy();
server.close();
await db.close();
