/**
 * City-scale benchmark (issue 12): synthetic parcel layers of 1 000 / 10 000 / 100 000 small irregular
 * polygons in Xincheng's built-up area, committed through the import path, then
 *  1. tile times (p50/p95, cold = first request after the commit, cached = again) and bytes at z10–z16,
 *     and the compliance review of the whole layer (counts + a page; every site as CSV), on the embedded
 *     database and, with DATABASE_URL, on the server;
 *  2. in headless Chromium (embedded): the map's ready time against a floor measured in the same run —
 *     a bare MapLibre page drawing the app's final map (its style, the plan's layers included, its images
 *     and the tiles it fetched) from files written beforehand — and the longest main-thread task while
 *     zooming and panning, the app's and the floor's.
 *
 *   npx tsx scripts/bench-tiles.ts            (SIZES=1000,10000,100000 BROWSER=1 by default)
 *   SIZES=1000,10000 BROWSER=0 DATABASE_URL=postgres://… npx tsx scripts/bench-tiles.ts
 *   TILES=0 SIZES=100000 npx tsx scripts/bench-tiles.ts   (browser figures only)
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
const TILES = process.env.TILES !== '0';
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

/** The camera moves of the pan/zoom figure, each waited for until the map is idle again (page script as text). */
const PAN_ZOOM = `(async () => {
  const map = window.__map ?? window.__floor;
  const steps = [
    (m) => m.zoomTo(15, { duration: 300 }),
    (m) => m.panBy([300, 0], { duration: 300 }),
    (m) => m.panBy([0, 300], { duration: 300 }),
    (m) => m.zoomTo(12, { duration: 300 }),
    (m) => m.panBy([-400, -200], { duration: 300 }),
    (m) => m.zoomTo(16, { duration: 300 }),
  ];
  window.__long = [];
  for (const step of steps) {
    const done = new Promise((r) => map.once('idle', r));
    step(map);
    await done;
  }
  return Math.max(0, ...window.__long);
})()`;

/** Records every long task of the page (page script as text: tsx would wrap named functions in a helper the page lacks). */
const LONG_TASKS = `window.__long = [];
  new PerformanceObserver((l) => l.getEntries().forEach((e) => window.__long.push(e.duration))).observe({ type: 'longtask', buffered: true });`;

/**
 * What the app's map finally shows, for the floor: its style with every GeoJSON source's data inline,
 * the images its layers use (patterns, icons), and its map options.
 */
const CAPTURE = `(() => {
  const map = window.__map;
  const images = map.listImages().map((id) => {
    const img = map.getImage(id);
    return { id, width: img.data.width, height: img.data.height, data: Array.from(img.data.data), pixelRatio: img.pixelRatio, sdf: img.sdf };
  });
  return { style: map.getStyle(), images, localIdeographFontFamily: map._localIdeographFontFamily };
})()`;

interface Capture {
  style: { sources: Record<string, Record<string, unknown>>; [k: string]: unknown };
  images: { id: string; width: number; height: number; data: number[]; pixelRatio: number; sdf: boolean }[];
  localIdeographFontFamily: string | false;
}

type Browser = Awaited<ReturnType<typeof launchBrowser>>;

/**
 * Map ready time (app) against the floor, and the longest task while zooming and panning: per size, a
 * fresh embedded database holding that layer. The floor is the app's own final map without the app: a
 * bare MapLibre page given, as files written beforehand, the style the app ended with (every layer the
 * app draws, the plan's included, with its GeoJSON inline), the images its layers use and the vector
 * tiles the app fetched — so the ratio is what the app adds (its code, API requests, database
 * queries, panels, the order it builds the map in) over MapLibre drawing the same thing.
 */
async function browserFigures() {
  const browser = await launchBrowser();
  const center: [number, number] = [(BLOCK.west + BLOCK.east) / 2, (BLOCK.south + BLOCK.north) / 2];
  const zoom = 13;
  const RUNS = 3;
  try {
    for (const n of SIZES) {
      const db = await openDatabase({ GEODATA_DIR: 'geodata' });
      const app = createApp({ db, config: { BASEMAPS: [] }, webDir: WEB_DIR });
      const id = `parcels_${n}`;
      await commitLayer(app, (await testUser(db, 'planner')).auth, id, 'area', parcels(n), { titleZh: `合成宗地 ${n}` });
      const server = await new Promise<ServerType>((resolve) => {
        const s = listen(app, { port: 0, hostname: '127.0.0.1' }, () => resolve(s));
      });
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
      const ready: number[] = [];
      const tileUrls = new Set<string>();
      let capture: Capture | undefined;
      let tiled = false;
      let loadLong = 0;
      let panLong = 0;
      let panWarm = 0;
      for (let run = 0; run < RUNS; run++) {
        const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 } });
        const page = await ctx.newPage();
        page.on('request', (r) => {
          if (r.url().includes('/tiles/WebMercatorQuad/')) tileUrls.add(r.url());
        });
        await page.addInitScript(LONG_TASKS);
        await page.goto(`${url}#${zoom}/${center[1]}/${center[0]}`);
        await page.waitForFunction(() => document.getElementById('app')?.dataset.idle === 'true', null, { timeout: 300_000 });
        ready.push(await page.evaluate(() => performance.getEntriesByName('xc-ready')[0]?.startTime ?? NaN));
        if (run === 0) {
          tiled = await page.evaluate((l) => window.__map!.getSource(l)?.type === 'vector', id);
          loadLong = Math.max(0, ...(await page.evaluate(() => (window as unknown as { __long: number[] }).__long)));
          capture = (await page.evaluate(CAPTURE)) as Capture;
          panLong = (await page.evaluate(PAN_ZOOM)) as number;
        }
        // The same moves once the server holds their tiles: the browser's own cost, as the floor's (on this one
        // machine, the first time the server's tile cutting takes CPU from Chromium).
        if (run === RUNS - 1) panWarm = (await page.evaluate(PAN_ZOOM)) as number;
        await ctx.close();
      }
      // The floor's files: the style (vector sources pointed at the tiles written here), images, tiles.
      const dir = mkdtempSync(join(tmpdir(), 'floor-'));
      const style = structuredClone(capture!.style);
      for (const [sid, src] of Object.entries(style.sources)) {
        if (src.type !== 'vector' || typeof src.url !== 'string' || !src.url.startsWith(url)) continue;
        const tilejson = (await (await app.request(new URL(src.url).pathname)).json()) as { minzoom?: number; maxzoom?: number };
        style.sources[sid] = { type: 'vector', tiles: [`FLOOR_ORIGIN/tiles/${sid}/{z}/{x}/{y}.pbf`], minzoom: tilejson.minzoom ?? 0, maxzoom: tilejson.maxzoom ?? 22 };
      }
      for (const u of tileUrls) {
        const m = /collections\/([^/]+)\/tiles\/WebMercatorQuad\/(\d+)\/(\d+)\/(\d+)/.exec(u);
        if (!m) continue;
        const res = await app.request(new URL(u).pathname);
        const file = join(dir, 'tiles', m[1], m[2], m[4], `${m[3]}.pbf`);
        mkdirSync(dirname(file), { recursive: true });
        writeFileSync(file, res.status === 200 ? Buffer.from(await res.arrayBuffer()) : Buffer.alloc(0));
      }
      writeFileSync(join(dir, 'style.json'), JSON.stringify(style));
      writeFileSync(join(dir, 'images.json'), JSON.stringify(capture!.images));
      const fl = await floor(browser, dir, center, zoom, capture!.localIdeographFontFamily, RUNS);
      rmSync(dir, { recursive: true, force: true });
      await new Promise<void>((r) => server.close(() => r()));
      await db.close();
      const appMs = pct(ready, 50);
      console.log(
        `  ${n.toLocaleString('en').padStart(7)} parcels (${tiled ? 'tiles' : 'GeoJSON'}): map ready ${appMs.toFixed(0)} ms (${ready.map((r) => r.toFixed(0)).join(' / ')}) vs floor ${fl.readyMs.toFixed(0)} ms (${fl.all.map((r) => r.toFixed(0)).join(' / ')}) = ${(appMs / fl.readyMs).toFixed(2)}× (target ≤ 1.5×); ` +
          `longest task loading ${loadLong.toFixed(0)} ms; zooming/panning: app ${panLong.toFixed(0)} ms (tiles cut as asked), ${panWarm.toFixed(0)} ms (tiles held by the server), floor ${fl.panLong.toFixed(0)} ms (target ≤ 200 ms); ${tileUrls.size} tiles`,
      );
    }
  } finally {
    await browser.close();
  }
}

/**
 * The floor: navigation → first idle of a bare MapLibre page (the same MapLibre build and map options as
 * the app) given the app's final style, images and tiles as files; median of `runs`, and the longest
 * task of the same camera moves as the app's.
 */
async function floor(browser: Browser, dir: string, center: [number, number], zoom: number, localIdeographFontFamily: string | false, runs: number) {
  const html = `<!doctype html><html><head><meta charset="utf-8"><link rel="stylesheet" href="/ml/maplibre-gl.css"><style>html,body,#m{margin:0;height:100%}</style></head><body><div id="m"></div><script type="module">
import { Map } from '/ml/maplibre-gl.mjs';
const images = fetch('/images.json').then((r) => r.json());
const style = await (await fetch('/style.json')).text();
const map = new Map({ container: 'm', center: [${center}], zoom: ${zoom}, style: JSON.parse(style.replaceAll('FLOOR_ORIGIN', location.origin)),
  fadeDuration: 0, maxZoom: 18, attributionControl: false, localIdeographFontFamily: ${JSON.stringify(localIdeographFontFamily)} });
window.__floor = map;
for (const img of await images) map.addImage(img.id, { width: img.width, height: img.height, data: new Uint8Array(img.data) }, { pixelRatio: img.pixelRatio, sdf: img.sdf });
map.once('idle', () => performance.mark('floor-ready'));
</script></body></html>`;
  const server = createServer((req, res) => {
    const p = (req.url ?? '/').split('?')[0];
    if (p === '/') return res.writeHead(200, { 'content-type': 'text/html' }).end(html);
    const lib = join('node_modules/maplibre-gl/dist', p.slice(4));
    if (p.startsWith('/ml/') && !p.includes('..') && existsSync(lib)) return res.writeHead(200, { 'content-type': p.endsWith('.css') ? 'text/css' : 'text/javascript' }).end(readFileSync(lib));
    const file = join(dir, p);
    if (!p.includes('..') && existsSync(file)) {
      const body = readFileSync(file);
      const type = p.endsWith('.pbf') ? 'application/vnd.mapbox-vector-tile' : 'application/json';
      return body.length ? res.writeHead(200, { 'content-type': type }).end(body) : res.writeHead(204).end();
    }
    return res.writeHead(p.startsWith('/tiles/') ? 204 : 404).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const all: number[] = [];
  let panLong = 0;
  for (let run = 0; run < runs; run++) {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await ctx.newPage();
    await page.addInitScript(LONG_TASKS);
    await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
    await page.waitForFunction(() => performance.getEntriesByName('floor-ready').length > 0, null, { timeout: 300_000 });
    all.push(await page.evaluate(() => performance.getEntriesByName('floor-ready')[0].startTime));
    if (run === 0) panLong = (await page.evaluate(PAN_ZOOM)) as number;
    await ctx.close();
  }
  await new Promise<void>((r) => server.close(() => r()));
  return { readyMs: pct(all, 50), all, panLong };
}

const embedded = await openDatabase({ GEODATA_DIR: 'geodata' });
try {
  if (TILES) await tileFigures(embedded, 'embedded (PGlite; tiles cut by geojson-vt + vt-pbf)');
  if (TILES && process.env.DATABASE_URL) {
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
