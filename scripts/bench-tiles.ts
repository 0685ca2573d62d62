/**
 * City-scale benchmark (issue 12): synthetic parcel layers of 1 000 / 10 000 / 100 000 small irregular
 * polygons in Xincheng's built-up area, committed through the import path, then
 *  1. tile times (p50/p95, cold = first request after the commit, cached = again) and bytes at z10–z16,
 *     and the compliance review of the whole layer (counts + a page; every site as CSV), on the embedded
 *     database and, with DATABASE_URL, on the server;
 *  2. in headless Chromium (embedded): the map's ready time against a floor measured in the same run —
 *     a bare MapLibre page drawing the same parcel tiles from files written beforehand — and the longest
 *     main-thread task while zooming and panning.
 *
 *   npx tsx scripts/bench-tiles.ts            (SIZES=1000,10000,100000 BROWSER=1 by default)
 *   SIZES=1000,10000 BROWSER=0 DATABASE_URL=postgres://… npx tsx scripts/bench-tiles.ts
 */
import { createServer } from 'node:http';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { ServerType } from '@hono/node-server';
import { createApp } from '../api/app.ts';
import type { Db } from '../api/db/db.ts';
import { listen } from '../api/listen.ts';
import { openDatabase } from '../api/open-db.ts';
import { commitLayer } from '../tests/helpers/coverage-layers.ts';
import { testUser } from '../tests/helpers/users.ts';
import { BLOCK, blockTiles, parcels } from '../tests/helpers/synthetic-parcels.ts';
import { WEB_DIR, launchBrowser } from '../tests/e2e/harness.ts';

const SIZES = (process.env.SIZES ?? '1000,10000,100000').split(',').map(Number);
const BROWSER = process.env.BROWSER !== '0' && existsSync(process.env.CHROMIUM_PATH ?? '/usr/bin/chromium') && existsSync(`${WEB_DIR}/index.html`);
const ZOOMS = [10, 12, 14, 16];

const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((xs.length * p) / 100))];
const f1 = (v: number) => v.toFixed(1);

async function tileFigures(db: Db, label: string) {
  const app = createApp({ db, config: { BASEMAPS: [] } });
  const planner = await testUser(db, 'planner', `bench-${Date.now()}`);
  for (const n of SIZES) {
    const id = `bench_parcels_${n}_${Date.now() % 100000}`;
    const t0 = performance.now();
    const r = await commitLayer(app, planner.auth, id, 'area', parcels(n), { titleZh: `合成宗地 ${n}` });
    const commitS = (performance.now() - t0) / 1000;
    console.log(`\n${label}: ${n.toLocaleString('en')} parcels committed through the import path in ${commitS.toFixed(1)} s (${r.featureCount} features)`);
    console.log('  zoom  tiles  cold p50/p95 ms  cached p50/p95 ms  bytes mean (max)');
    for (const z of ZOOMS) {
      const cold: number[] = [];
      const warm: number[] = [];
      const bytes: number[] = [];
      for (const t of blockTiles(z)) {
        const path = `/api/collections/${id}/tiles/WebMercatorQuad/${t.z}/${t.y}/${t.x}`;
        let s = performance.now();
        const res = await app.request(path);
        const body = new Uint8Array(await res.arrayBuffer());
        cold.push(performance.now() - s);
        s = performance.now();
        await (await app.request(path)).arrayBuffer();
        warm.push(performance.now() - s);
        bytes.push(body.length);
      }
      const mean = bytes.reduce((a, b) => a + b, 0) / bytes.length;
      console.log(`  z${String(z).padEnd(4)} ${String(cold.length).padStart(5)}  ${f1(pct(cold, 50)).padStart(7)} / ${f1(pct(cold, 95)).padEnd(7)}  ${f1(pct(warm, 50)).padStart(7)} / ${f1(pct(warm, 95)).padEnd(8)} ${(mean / 1024).toFixed(1).padStart(7)} KiB (${(Math.max(...bytes) / 1024).toFixed(1)})`);
    }
    // The compliance review of the whole layer against the control layers (set-based; CSV streamed).
    let t = performance.now();
    const page = await (await app.request(`/api/analysis/compliance/collections/${id}?limit=100`)).json();
    const pageMs = performance.now() - t;
    t = performance.now();
    const csv = await (await app.request(`/api/analysis/compliance/collections/${id}?f=csv`)).text();
    const csvMs = performance.now() - t;
    console.log(`  compliance review of the layer: counts + first page ${pageMs.toFixed(0)} ms (${page.numberWithConflicts} of ${page.numberOfSites} sites conflict); every site as CSV ${(csvMs / 1000).toFixed(1)} s, ${(csv.length / 1024).toFixed(0)} KiB`);
  }
  return app;
}

/**
 * Map ready time (app) against the floor (bare MapLibre, same parcel tiles from files), and the
 * longest task while zooming and panning: per size, a fresh embedded database holding that layer only.
 */
async function browserFigures() {
  const browser = await launchBrowser();
  const center: [number, number] = [(BLOCK.west + BLOCK.east) / 2, (BLOCK.south + BLOCK.north) / 2];
  const zoom = 13;
  try {
    for (const n of SIZES) {
      const db = await openDatabase({ GEODATA_DIR: 'geodata' });
      const app = createApp({ db, config: { BASEMAPS: [] }, webDir: WEB_DIR });
      const id = `parcels_${n}`;
      if (n === SIZES[0]) console.log(`  the app with the plan's layers only: map ready ${(await appReady(browser, app, center, zoom)).toFixed(0)} ms (median of 3)`);
      await commitLayer(app, (await testUser(db, 'planner')).auth, id, 'area', parcels(n), { titleZh: `合成宗地 ${n}` });
      const server = await new Promise<ServerType>((resolve) => {
        const s = listen(app, { port: 0, hostname: '127.0.0.1' }, () => resolve(s));
      });
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
      const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 } });
      const page = await ctx.newPage();
      const tileUrls: string[] = [];
      page.on('request', (r) => {
        if (r.url().includes(`/api/collections/${id}/tiles/WebMercatorQuad/`)) tileUrls.push(r.url());
      });
      // Page scripts as text: tsx would wrap named functions in a helper the page does not have.
      await page.addInitScript(`window.__long = [];
        new PerformanceObserver((l) => l.getEntries().forEach((e) => window.__long.push(e.duration))).observe({ type: 'longtask', buffered: true });`);
      await page.goto(`${url}#${zoom}/${center[1]}/${center[0]}`);
      await page.waitForFunction(() => document.getElementById('app')?.dataset.idle === 'true', null, { timeout: 300_000 });
      const readyMs = await page.evaluate(() => performance.getEntriesByName('xc-ready')[0]?.startTime ?? NaN);
      const tiled = await page.evaluate((l) => window.__map!.getSource(l)?.type === 'vector', id);
      const loadLong = Math.max(0, ...(await page.evaluate(() => (window as unknown as { __long: number[] }).__long)));
      // Zoom in and out and pan, waiting for each move to finish drawing.
      await page.evaluate('window.__long = []');
      await page.evaluate(`(async () => {
        const map = window.__map;
        const steps = [
          (m) => m.zoomTo(15, { duration: 300 }),
          (m) => m.panBy([300, 0], { duration: 300 }),
          (m) => m.panBy([0, 300], { duration: 300 }),
          (m) => m.zoomTo(12, { duration: 300 }),
          (m) => m.panBy([-400, -200], { duration: 300 }),
          (m) => m.zoomTo(16, { duration: 300 }),
        ];
        for (const step of steps) {
          const done = new Promise((r) => map.once('idle', r));
          step(map);
          await done;
        }
      })()`);
      const panLong = Math.max(0, ...(await page.evaluate(() => (window as unknown as { __long: number[] }).__long)));
      await ctx.close();

      // The floor: the same tiles as files, drawn by a bare MapLibre page (no app, no other layers).
      const dir = mkdtempSync(join(tmpdir(), 'floor-'));
      for (const u of new Set(tileUrls)) {
        const m = /WebMercatorQuad\/(\d+)\/(\d+)\/(\d+)/.exec(u)!;
        const res = await app.request(new URL(u).pathname);
        const file = join(dir, 'tiles', m[1], m[3], `${m[2]}.pbf`);
        mkdirSync(dirname(file), { recursive: true });
        writeFileSync(file, res.status === 200 ? Buffer.from(await res.arrayBuffer()) : Buffer.alloc(0));
      }
      const floorMs = await floor(browser, dir, id, center, zoom, tiled, tiled ? undefined : await (await app.request(`/api/collections/${id}/items?limit=5000`)).text());
      rmSync(dir, { recursive: true, force: true });
      await new Promise<void>((r) => server.close(() => r()));
      await db.close();
      console.log(
        `  ${n.toLocaleString('en').padStart(7)} parcels (${tiled ? 'tiles' : 'GeoJSON'}): map ready ${readyMs.toFixed(0)} ms vs floor ${floorMs.toFixed(0)} ms = ${(readyMs / floorMs).toFixed(2)}× (target ≤ 1.5×); longest task loading ${loadLong.toFixed(0)} ms, zooming/panning ${panLong.toFixed(0)} ms (target ≤ 200 ms); ${new Set(tileUrls).size} tiles`,
      );
    }
  } finally {
    await browser.close();
  }
}

/** The app's ready time (navigation → first idle with every layer) at the view, median of 3. */
async function appReady(browser: Awaited<ReturnType<typeof launchBrowser>>, app: ReturnType<typeof createApp>, center: [number, number], zoom: number): Promise<number> {
  const server = await new Promise<ServerType>((resolve) => {
    const s = listen(app, { port: 0, hostname: '127.0.0.1' }, () => resolve(s));
  });
  const times: number[] = [];
  for (let i = 0; i < 3; i++) {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await ctx.newPage();
    await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/#${zoom}/${center[1]}/${center[0]}`);
    await page.waitForFunction(() => document.getElementById('app')?.dataset.idle === 'true', null, { timeout: 120_000 });
    times.push(await page.evaluate(() => performance.getEntriesByName('xc-ready')[0]?.startTime ?? NaN));
    await ctx.close();
  }
  await new Promise<void>((r) => server.close(() => r()));
  return pct(times, 50);
}

/** Navigation → first idle of a bare MapLibre page drawing the parcel tiles from files (or the parcels as GeoJSON when the app did). */
async function floor(browser: Awaited<ReturnType<typeof launchBrowser>>, dir: string, id: string, center: [number, number], zoom: number, tiled: boolean, items?: string): Promise<number> {
  const source = tiled ? `{ type: 'vector', tiles: [location.origin + '/tiles/{z}/{x}/{y}.pbf'], maxzoom: 16 }` : `{ type: 'geojson', data: '/items.json' }`;
  const layerSrc = tiled ? `source: 'p', 'source-layer': '${id}'` : `source: 'p'`;
  const html = `<!doctype html><html><head><meta charset="utf-8"><style>html,body,#m{margin:0;height:100%}</style></head><body><div id="m"></div><script type="module">
import { Map } from '/ml/maplibre-gl.mjs';
const map = new Map({ container: 'm', center: [${center}], zoom: ${zoom}, style: { version: 8, sources: { p: ${source} }, layers: [
 { id: 'bg', type: 'background', paint: { 'background-color': '#f4f1ea' } },
 { id: 'f', type: 'fill', ${layerSrc}, paint: { 'fill-color': '#6a1b9a', 'fill-opacity': 0.3 } },
 { id: 'l', type: 'line', ${layerSrc}, paint: { 'line-color': '#6a1b9a', 'line-width': 1.2 } }] } });
map.once('idle', () => performance.mark('floor-ready'));
</script></body></html>`;
  const server = createServer((req, res) => {
    const p = req.url ?? '/';
    if (p === '/') return res.writeHead(200, { 'content-type': 'text/html' }).end(html);
    const lib = join('node_modules/maplibre-gl/dist', p.slice(4).split('?')[0]);
    if (p.startsWith('/ml/') && !p.includes('..') && existsSync(lib)) return res.writeHead(200, { 'content-type': 'text/javascript' }).end(readFileSync(lib));
    if (p === '/items.json' && items) return res.writeHead(200, { 'content-type': 'application/json' }).end(items);
    const file = join(dir, p);
    if (p.startsWith('/tiles/') && existsSync(file)) {
      const body = readFileSync(file);
      return body.length ? res.writeHead(200, { 'content-type': 'application/vnd.mapbox-vector-tile' }).end(body) : res.writeHead(204).end();
    }
    return res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await ctx.newPage();
  await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
  await page.waitForFunction(() => performance.getEntriesByName('floor-ready').length > 0, null, { timeout: 120_000 });
  const ms = await page.evaluate(() => performance.getEntriesByName('floor-ready')[0].startTime);
  await ctx.close();
  await new Promise<void>((r) => server.close(() => r()));
  return ms;
}

const embedded = await openDatabase({ GEODATA_DIR: 'geodata' });
try {
  await tileFigures(embedded, 'embedded (PGlite; tiles cut by geojson-vt + vt-pbf)');
  if (process.env.DATABASE_URL) {
    const server = await openDatabase({ DATABASE_URL: process.env.DATABASE_URL, GEODATA_DIR: 'geodata' });
    try {
      await tileFigures(server, 'server (PostgreSQL; ST_AsMVT)');
    } finally {
      await server.close();
    }
  }
  if (BROWSER) {
    console.log('\nIn headless Chromium (embedded database, 1280×800, view z13 over the parcels):');
    await browserFigures();
  } else {
    console.log('\n(browser figures skipped: BROWSER=0, no Chromium, or no built web app — run npm run build)');
  }
} finally {
  await embedded.close();
}
