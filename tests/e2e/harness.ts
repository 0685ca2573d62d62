/**
 * Browser-test harness: the app in-process on a free port (embedded database, geodata/ imported,
 * offline: no basemap) and headless Chromium pages that record console errors and every request
 * that would leave this machine.
 */
import type { ServerType } from '@hono/node-server';
import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser, type Page } from 'playwright-core';
import { createApp, type AppDeps } from '../../api/app.ts';
import type { Config } from '../../api/config.ts';
import type { BasemapPackage } from '../../api/basemap-packages.ts';
import type { Db } from '../../api/db/db.ts';
import { listen } from '../../api/listen.ts';
import { openDatabase } from '../../api/open-db.ts';
import { testDbConfig } from '../helpers/db-snapshot.ts';

/** The built web app; TEST_WEB_DIR lets parallel work build into its own folder (`vite build --outDir`). */
export const WEB_DIR = process.env.TEST_WEB_DIR ?? 'dist/web';

export interface RunningApp {
  url: string;
  db: Db;
  close(): Promise<void>;
}

/**
 * Starts the app on 127.0.0.1 and a free port; needs a built web app in dist/web (npm run build).
 * Offline by default; `config` can enable online basemaps (tests then intercept their requests),
 * `basemapPackages` the office's packages (served by the app itself).
 */
export async function startApp(
  config: Pick<Config, 'BASEMAPS' | 'TIANDITU_TOKEN'> & Partial<Pick<Config, 'BASEMAP_URLS'>> = { BASEMAPS: [] },
  /** The office's basemap packages (BASEMAP_FILE), opened by the test; closed with the app. */
  basemapPackages: BasemapPackage[] = [],
  /** Limits of analysis jobs (e.g. small chunks, so a test sees a job's progress). */
  jobs?: AppDeps['jobs'],
): Promise<RunningApp> {
  if (!existsSync(`${WEB_DIR}/index.html`)) {
    throw new Error(`No built web app in ${WEB_DIR}/: run "npm run build" first (npm test does).`);
  }
  const db = await openDatabase(testDbConfig());
  const app = createApp({ db, config, basemapPackages, webDir: WEB_DIR, jobs });
  const server = await new Promise<ServerType>((resolve) => {
    const s = listen(app, { port: 0, hostname: '127.0.0.1' }, () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    db,
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await db.close();
      await Promise.all(basemapPackages.map((p) => p.close()));
    },
  };
}

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}

export interface MapPage {
  page: Page;
  /** Console errors and uncaught exceptions, as text. */
  errors: string[];
  /** URLs of requests to any host but this machine. */
  externalRequests: string[];
}

const LOCAL_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * Opens the map at `url` (1280×800 unless `viewport` says otherwise; `setup` runs first, e.g. to
 * route requests) and waits until every layer is loaded and drawn.
 */
export async function openMap(
  browser: Browser,
  url: string,
  setup?: (page: Page) => Promise<unknown>,
  viewport: { width: number; height: number } = { width: 1280, height: 800 },
): Promise<MapPage> {
  const page = await browser.newPage({ viewport });
  await setup?.(page);
  const errors: string[] = [];
  const externalRequests: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('request', (r) => {
    const u = new URL(r.url());
    if ((u.protocol === 'http:' || u.protocol === 'https:' || u.protocol === 'ws:' || u.protocol === 'wss:') && !LOCAL_HOSTS.has(u.hostname)) {
      externalRequests.push(r.url());
    }
  });
  await page.goto(url);
  await waitForReady(page);
  return { page, errors, externalRequests };
}

/** Waits until the app has loaded every layer and the map has been idle once since. */
export async function waitForReady(page: Page): Promise<void> {
  await page.waitForFunction(() => document.getElementById('app')?.dataset.idle === 'true', null, { timeout: 30_000 });
}

/** Waits for the map's next `idle` (nothing moving, every tile and label placed). */
export async function waitForIdle(page: Page): Promise<void> {
  await page.evaluate(
    () =>
      new Promise<void>((resolve) => {
        const map = window.__map!;
        if (!map.isMoving() && map.loaded() && map.areTilesLoaded()) {
          // Something may still be queued for the next frame: a repaint ends in `idle` too.
          map.once('idle', () => resolve());
          map.triggerRepaint();
        } else {
          map.once('idle', () => resolve());
        }
      }),
  );
}

/** Ids (`_fid`) of the features drawn in the given style layers, within the viewport. */
export function renderedIds(page: Page, layers: string[]): Promise<string[]> {
  return page.evaluate(
    (ls) => [...new Set(window.__map!.queryRenderedFeatures({ layers: ls }).map((f) => String(f.properties._fid)))],
    layers,
  );
}

/** The app's opaque overlays over the map: side panels, the analysis dock, the investor drawer (and their sheets on phones). */
export const MAP_OVERLAYS = ['.maplibregl-ctrl-top-left .xc-panel', '.xc-analysis-drawer', '.xc-presentation'];

export interface MapVisibility {
  /** Share of the map's area (0..1) that no overlay covers. */
  fraction: number;
  /** The largest rectangle of the map that no overlay covers, in CSS pixels. */
  largest: { x: number; y: number; width: number; height: number };
  /** The viewport's size. */
  viewport: { width: number; height: number };
  /** The overlays found, with their rectangles and whether their background is fully opaque. */
  overlays: { selector: string; rect: { x: number; y: number; width: number; height: number }; opaque: boolean }[];
}

/**
 * How much of the map the user can see: the map canvas minus the rectangles of the visible overlays
 * (`selectors`, by default MAP_OVERLAYS), sampled on a 4-pixel grid. Also says which overlays are
 * translucent (a background or opacity below 1 lets the map show through).
 */
export function mapVisibility(page: Page, selectors: readonly string[] = MAP_OVERLAYS): Promise<MapVisibility> {
  return page.evaluate((sels) => {
    const canvas = window.__map!.getCanvas().getBoundingClientRect();
    const overlays: MapVisibility['overlays'] = [];
    for (const selector of sels) {
      for (const el of document.querySelectorAll<HTMLElement>(selector)) {
        const style = getComputedStyle(el);
        const r = el.getBoundingClientRect();
        if (style.display === 'none' || style.visibility === 'hidden' || r.width < 1 || r.height < 1) continue;
        const alpha = /rgba?\(([^)]+)\)/.exec(style.backgroundColor)?.[1].split(',').map(Number)[3] ?? 1;
        let opacity = 1;
        for (let e: HTMLElement | null = el; e; e = e.parentElement) opacity *= Number(getComputedStyle(e).opacity);
        overlays.push({ selector, rect: { x: r.x, y: r.y, width: r.width, height: r.height }, opaque: alpha === 1 && opacity === 1 });
      }
    }
    const step = 4;
    const cols = Math.floor(canvas.width / step);
    const rows = Math.floor(canvas.height / step);
    // Heights of free cells above each column, for the largest free rectangle (histogram method).
    const heights = new Array<number>(cols).fill(0);
    let free = 0;
    let best = { x: 0, y: 0, width: 0, height: 0 };
    for (let row = 0; row < rows; row++) {
      const y = canvas.y + row * step + step / 2;
      for (let col = 0; col < cols; col++) {
        const x = canvas.x + col * step + step / 2;
        const covered = overlays.some(({ rect: r }) => x >= r.x && x < r.x + r.width && y >= r.y && y < r.y + r.height);
        heights[col] = covered ? 0 : heights[col] + 1;
        if (!covered) free++;
      }
      const stack: number[] = [];
      for (let col = 0; col <= cols; col++) {
        const hgt = col < cols ? heights[col] : 0;
        while (stack.length && heights[stack[stack.length - 1]] >= hgt) {
          const top = stack.pop()!;
          const left = stack.length ? stack[stack.length - 1] + 1 : 0;
          const area = heights[top] * (col - left);
          if (area * step * step > best.width * best.height) {
            best = { x: canvas.x + left * step, y: canvas.y + (row - heights[top] + 1) * step, width: (col - left) * step, height: heights[top] * step };
          }
        }
        stack.push(col);
      }
    }
    return { fraction: free / (cols * rows), largest: best, viewport: { width: innerWidth, height: innerHeight }, overlays };
  }, selectors);
}

/** Opens the layer panel's list if it is folded (on a phone, or beside the open analysis dock). */
export async function showLayerList(page: Page): Promise<void> {
  const toggle = page.locator('.xc-layer-panel-toggle');
  if ((await toggle.getAttribute('aria-expanded')) === 'false') await toggle.click();
}
