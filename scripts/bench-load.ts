/**
 * Load benchmark (`npx tsx scripts/bench-load.ts`): the app over HTTP on the embedded database (and
 * the DATABASE_URL server when set), same run:
 *  1. /api/health latency (p50/p99) while three heavy analyses run (goal: p99 ≤ 200 ms);
 *  2. req/s and p50/p99 of items, compliance and coverage at 10 and 50 connections;
 *  3. RSS at rest and at peak.
 * Options: --seconds N per load step (default 5).
 */
import type { AddressInfo } from 'node:net';
import { createApp } from '../api/app.ts';
import { listen } from '../api/listen.ts';
import { openDatabase } from '../api/open-db.ts';

const args = process.argv.slice(2);
const secArg = args.indexOf('--seconds');
const SECONDS = secArg >= 0 ? Number(args[secArg + 1]) : 5;

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] : NaN;
};
const mb = (n: number) => `${(n / 1024 / 1024).toFixed(0)} MB`;
let peak = process.memoryUsage().rss;
const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 100);

const heavy = JSON.stringify({
  facilities: 'parks',
  radiusMeters: 500,
  area: 'district',
  extraFacilities: Array.from({ length: 300 }, (_, i) => ({ type: 'Point', coordinates: [111.6 + ((i * 0.618034) % 1) * 0.3, 40.8 + ((i * 0.414214) % 1) * 0.2] })),
});
const site = JSON.stringify({ geometry: { type: 'Polygon', coordinates: [[[111.7, 40.85], [111.72, 40.85], [111.72, 40.87], [111.7, 40.87], [111.7, 40.85]]] } });
const json = (body: string) => ({ method: 'POST', headers: { 'content-type': 'application/json' }, body });

async function timed(url: string, init?: RequestInit): Promise<{ ms: number; status: number }> {
  const t0 = performance.now();
  try {
    const r = await fetch(url, init);
    await r.arrayBuffer();
    return { ms: performance.now() - t0, status: r.status };
  } catch {
    return { ms: performance.now() - t0, status: 0 };
  }
}

/** `conns` loops sending the request for SECONDS; req/s, p50/p99 and the statuses seen. */
async function load(url: string, init: RequestInit | undefined, conns: number) {
  const end = performance.now() + SECONDS * 1000;
  const times: number[] = [];
  const statuses = new Map<number, number>();
  await Promise.all(
    Array.from({ length: conns }, async () => {
      while (performance.now() < end) {
        const r = await timed(url, init);
        times.push(r.ms);
        statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
      }
    }),
  );
  const st = [...statuses].map(([s, n]) => `${s}×${n}`).join(' ');
  return `${(times.length / SECONDS).toFixed(1).padStart(7)} req/s  p50 ${pct(times, 50).toFixed(0).padStart(5)} ms  p99 ${pct(times, 99).toFixed(0).padStart(6)} ms  [${st}]`;
}

const kinds = process.env.DATABASE_URL ? [undefined, process.env.DATABASE_URL] : [undefined];
for (const dbUrl of kinds) {
  const db = await openDatabase({ DATABASE_URL: dbUrl, GEODATA_DIR: 'geodata' });
  const server = listen(createApp({ db, config: { BASEMAPS: [] } }), { port: 0, hostname: '127.0.0.1' });
  await new Promise((r) => server.once('listening', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api`;
  const rest = process.memoryUsage().rss;
  console.log(`\n${db.kind}: RSS at rest ${mb(rest)}`);

  // 1. Health while three heavy analyses run.
  let running = true;
  const analyses = Array.from({ length: 3 }, async () => {
    let n = 0;
    while (running) {
      await timed(`${base}/analysis/coverage`, json(heavy));
      n++;
    }
    return n;
  });
  await new Promise((r) => setTimeout(r, 300));
  const health: number[] = [];
  const hEnd = performance.now() + SECONDS * 2000;
  while (performance.now() < hEnd) {
    health.push((await timed(`${base}/health`)).ms);
    await new Promise((r) => setTimeout(r, 50));
  }
  running = false;
  const done = await Promise.all(analyses);
  console.log(`  /api/health during 3 heavy analyses (300 what-if parks each): ${health.length} probes, p50 ${pct(health, 50).toFixed(1)} ms, p99 ${pct(health, 99).toFixed(1)} ms (goal ≤ 200 ms); analyses finished: ${done.reduce((a, b) => a + b, 0)}`);

  // 2. Throughput.
  for (const conns of [10, 50]) {
    console.log(`  ${conns} connections, ${SECONDS} s each:`);
    console.log(`    items (parks, 100)  ${await load(`${base}/collections/parks/items`, undefined, conns)}`);
    console.log(`    zones               ${await load(`${base}/collections/zones/items`, undefined, conns)}`);
    console.log(`    compliance          ${await load(`${base}/analysis/compliance`, json(site), conns)}`);
    console.log(`    coverage (parks)    ${await load(`${base}/analysis/coverage`, json('{"preset":"parks"}'), conns)}`);
  }
  console.log(`  RSS peak ${mb(peak)}`);
  await new Promise((r) => server.close(r));
  await db.close();
}
clearInterval(sampler);
