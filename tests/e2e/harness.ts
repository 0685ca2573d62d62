/**
 * Browser-test harness: the app in-process on a free port (embedded database, geodata/ imported,
 * offline: no basemap) and headless Chromium pages that record console errors and every request
 * that would leave this machine.
 */
import type { ServerType } from '@hono/node-server';
import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser, type Page } from 'playwright-core';
import { createApp } from '../../api/app.ts';
import type { Config } from '../../api/config.ts';
import type { Db } from '../../api/db/db.ts';
import { listen } from '../../api/listen.ts';
import { openDatabase } from '../../api/open-db.ts';

export const WEB_DIR = 'dist/web';

export interface RunningApp {
  url: string;
  db: Db;
  close(): Promise<void>;
}

/**
 * Starts the app on 127.0.0.1 and a free port; needs a built web app in dist/web (npm run build).
 * Offline by default; `config` can enable online basemaps (tests then intercept their requests).
 */
export async function startApp(config: Pick<Config, 'BASEMAPS' | 'TIANDITU_TOKEN'> = { BASEMAPS: [] }): Promise<RunningApp> {
  if (!existsSync(`${WEB_DIR}/index.html`)) {
    throw new Error(`No built web app in ${WEB_DIR}/: run "npm run build" first (npm test does).`);
  }
  const db = await openDatabase({ GEODATA_DIR: process.env.GEODATA_DIR ?? 'geodata' });
  const app = createApp({ db, config, webDir: WEB_DIR });
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

/** Opens the map at `url` (1280×800; `setup` runs first, e.g. to route requests) and waits until every layer is loaded and drawn. */
export async function openMap(browser: Browser, url: string, setup?: (page: Page) => Promise<unknown>): Promise<MapPage> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
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
