/**
 * Render benchmark: starts the app like the browser tests (embedded database, geodata/, offline),
 * opens the map N times in headless Chromium and prints the time from navigation to the map's
 * first `idle` with every layer loaded (median, min, max), then the production bundle size.
 * Needs a built web app: run `npm run build` first.
 *
 *   npx tsx scripts/bench-render.ts [runs=5]
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { WEB_DIR, launchBrowser, startApp, waitForReady } from '../tests/e2e/harness.ts';

const runs = Number(process.argv[2] ?? 5);
if (!Number.isInteger(runs) || runs < 1) {
  console.error(`Usage: tsx scripts/bench-render.ts [runs]  (runs must be a whole number ≥ 1, got "${process.argv[2]}")`);
  process.exit(2);
}
if (!existsSync(`${WEB_DIR}/index.html`)) {
  console.error(`No built web app in ${WEB_DIR}/: run "npm run build" first.`);
  process.exit(1);
}
const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
if (!existsSync(chromiumPath)) {
  console.error(`No Chromium at ${chromiumPath}: install it (apt-get install chromium) or set CHROMIUM_PATH.`);
  process.exit(1);
}

const app = await startApp();
const browser = await launchBrowser();
const timesMs: number[] = [];
try {
  for (let i = 0; i < runs; i++) {
    // A fresh context per run: nothing cached from the previous one.
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    await page.goto(app.url);
    await waitForReady(page);
    // `xc-ready` is marked at the first idle after every layer's data was set (web/src/main.ts).
    const ms = await page.evaluate(() => performance.getEntriesByName('xc-ready')[0]?.startTime ?? NaN);
    timesMs.push(ms);
    console.log(`run ${i + 1}: ${ms.toFixed(0)} ms`);
    await context.close();
  }
} finally {
  await browser.close();
  await app.close();
}

const sorted = [...timesMs].sort((a, b) => a - b);
const median = sorted.length % 2 ? sorted[(sorted.length - 1) / 2] : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
console.log(`\nnavigation → first idle with all layers (${runs} runs): median ${median.toFixed(0)} ms, min ${sorted[0].toFixed(0)} ms, max ${sorted.at(-1)!.toFixed(0)} ms`);

const assets = join(WEB_DIR, 'assets');
let rawBytes = 0;
let gzipBytes = 0;
for (const file of readdirSync(assets).filter((f) => /\.m?js$/.test(f))) {
  const content = readFileSync(join(assets, file));
  rawBytes += content.length;
  gzipBytes += gzipSync(content, { level: 9 }).length;
}
const kib = (n: number) => `${(n / 1024).toFixed(1)} KiB`;
console.log(`bundle (dist/web/assets/*.js, *.mjs incl. the map worker): ${kib(rawBytes)} raw, ${kib(gzipBytes)} gzip`);
// What the first visit loads: the entry script and its module preloads (the map worker comes on top);
// the analysis tools and the export libraries are chunks loaded on first use.
const html = readFileSync(join(WEB_DIR, 'index.html'), 'utf8');
const initial = [...html.matchAll(/(?:src|href)="\/assets\/([^"]+\.js)"/g)].map((m) => m[1]);
let initialRaw = 0;
let initialGzip = 0;
for (const file of initial) {
  const content = readFileSync(join(assets, file));
  initialRaw += content.length;
  initialGzip += gzipSync(content, { level: 9 }).length;
}
console.log(`first load (${initial.length} scripts from index.html, without the worker): ${kib(initialRaw)} raw, ${kib(initialGzip)} gzip`);
