/**
 * Issue 12, the office's basemap: with BASEMAP_FILE set to the fixtures (an MBTiles and a PMTiles
 * raster package, a vector MBTiles), the switcher offers each package under its metadata name with
 * its attribution; choosing one draws its tiles from this server only (no request leaves the machine):
 * MBTiles tiles from /api/basemaps/{id}/{z}/{x}/{y}, the PMTiles archive by range requests, the vector
 * package with its default style. Screenshots go to SCREENSHOT_DIR (default: the system's temp folder).
 */
import assert from 'node:assert/strict';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { openBasemapPackages } from '../../api/basemap-packages.ts';
import { launchBrowser, openMap, startApp, type MapPage, type RunningApp } from './harness.ts';

const DIR = 'tests/fixtures/basemap';
const SHOTS = process.env.SCREENSHOT_DIR ?? tmpdir();

/** Share of the map's screenshot pixels within ±12 of each colour (the fixture imagery's). */
async function colourShares(page: Page, colours: Record<string, [number, number, number]>): Promise<Record<string, number>> {
  const png = await page.locator('#map canvas').screenshot();
  return page.evaluate(
    async ({ b64, colours }) => {
      const img = new Image();
      img.src = `data:image/png;base64,${b64}`;
      await img.decode();
      const canvas = document.createElement('canvas');
      canvas.width = img.width;
      canvas.height = img.height;
      const ctx = canvas.getContext('2d')!;
      ctx.drawImage(img, 0, 0);
      const d = ctx.getImageData(0, 0, img.width, img.height).data;
      const out: Record<string, number> = {};
      for (const [name, [r, g, b]] of Object.entries(colours)) {
        let n = 0;
        for (let i = 0; i < d.length; i += 4) if (Math.abs(d[i] - r) <= 12 && Math.abs(d[i + 1] - g) <= 12 && Math.abs(d[i + 2] - b) <= 12) n++;
        out[name] = n / (d.length / 4);
      }
      return out;
    },
    { b64: png.toString('base64'), colours },
  );
}

/** Hides the app's own layers, so a screenshot and the colour count see the basemap alone. */
async function hideAppLayers(page: Page, hide: boolean) {
  await page.evaluate((hide) => {
    const map = window.__map!;
    for (const l of map.getStyle().layers) {
      if (l.id === 'background' || l.id.startsWith('basemap-')) continue;
      map.setLayoutProperty(l.id, 'visibility', hide ? 'none' : 'visible');
    }
  }, hide);
}

async function choose(map: MapPage, id: string, layer: string) {
  await map.page.locator(`.xc-basemap-option input[value="${id}"]`).check();
  await map.page.waitForFunction((layer) => window.__map!.getLayoutProperty(layer, 'visibility') === 'visible', layer);
  await map.page.waitForFunction(() => window.__map!.areTilesLoaded() && window.__map!.loaded(), undefined, { timeout: 20_000 });
}

describe('the office basemap package (BASEMAP_FILE)', () => {
  let app: RunningApp;
  let browser: Browser;
  let map: MapPage;
  const requests: { url: string; range?: string; status?: number }[] = [];

  before(async () => {
    const packages = await openBasemapPackages([`${DIR}/xincheng-raster.mbtiles`, `${DIR}/xincheng-raster.pmtiles`, `${DIR}/xincheng-vector.mbtiles`]);
    [app, browser] = await Promise.all([startApp({ BASEMAPS: [] }, packages), launchBrowser()]);
    map = await openMap(browser, `${app.url}#map=11/40.88/111.76`, async (page) => {
      page.on('response', (r) => {
        if (r.url().includes('/api/basemaps/')) requests.push({ url: r.url(), range: r.request().headers().range, status: r.status() });
      });
    });
  });

  after(async () => {
    await browser?.close();
    await app?.close();
  });

  test('the switcher offers each package under its name, with its attribution', async () => {
    const values = await map.page.locator('.xc-basemap-option input').evaluateAll((els) => els.map((e) => (e as HTMLInputElement).value));
    assert.deepEqual(values, ['none', 'xincheng-raster', 'xincheng-raster-2', 'xincheng-vector']);
    const labels = await map.page.locator('.xc-basemap-option').allInnerTexts();
    assert.match(labels[1], /新城区测试影像/);
    assert.match(labels[1], /测试影像 © 新城区自然资源局 \(fixture\)/);
    assert.match(labels[2], /新城区测试影像 \(PMTiles\)/);
    assert.match(labels[3], /新城区测试矢量底图/);
    assert.match(labels[3], /测试矢量底图 © 新城区自然资源局/);
  });

  test('the MBTiles package, offered first, is shown from this server\'s tiles and credited', async () => {
    assert.equal(await map.page.locator('.xc-basemap-option input[value="xincheng-raster"]').isChecked(), true);
    await map.page.waitForFunction(() => window.__map!.getLayoutProperty('basemap-xincheng-raster', 'visibility') === 'visible');
    await map.page.waitForFunction(() => window.__map!.areTilesLoaded());
    const tiles = requests.filter((r) => /\/api\/basemaps\/xincheng-raster\/\d+\/\d+\/\d+$/.test(r.url));
    assert.ok(tiles.some((r) => r.status === 200), `tile requests: ${tiles.map((r) => `${r.url} ${r.status}`).slice(0, 5)}`);
    assert.match(await map.page.locator('.maplibregl-ctrl-attrib').innerText(), /测试影像 © 新城区自然资源局/);
    await map.page.screenshot({ path: join(SHOTS, 'basemap-package-mbtiles.png') });
    await hideAppLayers(map.page, true);
    await map.page.waitForFunction(() => window.__map!.loaded());
    const shares = await colourShares(map.page, { ground: [226, 214, 178], river: [52, 110, 196], park: [96, 168, 72], none: [238, 240, 235] });
    await map.page.screenshot({ path: join(SHOTS, 'basemap-package-mbtiles-alone.png') });
    assert.ok(shares.ground > 0.3, `the imagery's ground colour covers the map: ${JSON.stringify(shares)}`);
    assert.ok(shares.river > 0.002 && shares.park > 0.002, `river and parks drawn: ${JSON.stringify(shares)}`);
    await hideAppLayers(map.page, false);
  });

  test('the PMTiles package is read by range requests to this server', async () => {
    await choose(map, 'xincheng-raster-2', 'basemap-xincheng-raster-2');
    const archive = requests.filter((r) => r.url.endsWith('/api/basemaps/xincheng-raster-2/archive.pmtiles'));
    assert.ok(archive.length >= 2, `header, then directories and tiles: ${archive.length}`);
    assert.ok(archive.every((r) => r.status === 206 && /^bytes=\d+-\d+$/.test(r.range ?? '')), JSON.stringify(archive.slice(0, 4)));
    await hideAppLayers(map.page, true);
    await map.page.waitForFunction(() => window.__map!.loaded());
    const shares = await colourShares(map.page, { ground: [226, 214, 178], river: [52, 110, 196] });
    await map.page.screenshot({ path: join(SHOTS, 'basemap-package-pmtiles-alone.png') });
    assert.ok(shares.ground > 0.3 && shares.river > 0.002, JSON.stringify(shares));
    await hideAppLayers(map.page, false);
  });

  test('the vector package is drawn with its default style: roads, buildings, water, labels', async () => {
    await choose(map, 'xincheng-vector', 'basemap-xincheng-vector-roads-line');
    assert.ok(requests.some((r) => /\/api\/basemaps\/xincheng-vector\/\d+\/\d+\/\d+$/.test(r.url) && r.status === 200));
    const drawn = await map.page.evaluate(() =>
      Object.fromEntries(
        ['roads-line', 'water-fill', 'park-fill', 'roads-line-label'].map((s) => [s, window.__map!.queryRenderedFeatures({ layers: [`basemap-xincheng-vector-${s}`] }).length]),
      ),
    );
    assert.ok(Object.values(drawn).every((n) => n > 0), JSON.stringify(drawn));
    await map.page.evaluate(() => window.__map!.jumpTo({ center: [111.715, 40.842], zoom: 14 }));
    await map.page.waitForFunction(() => window.__map!.areTilesLoaded() && window.__map!.loaded());
    const buildings = await map.page.evaluate(() => window.__map!.queryRenderedFeatures({ layers: ['basemap-xincheng-vector-buildings-fill'] }).length);
    assert.ok(buildings > 0, 'buildings drawn');
    await map.page.screenshot({ path: join(SHOTS, 'basemap-package-vector.png') });
    assert.match(await map.page.locator('.maplibregl-ctrl-attrib').innerText(), /测试矢量底图 © 新城区自然资源局/);
    await hideAppLayers(map.page, true);
    await map.page.evaluate(() => window.__map!.jumpTo({ center: [111.74, 40.86], zoom: 12.5 }));
    await map.page.waitForFunction(() => window.__map!.areTilesLoaded() && window.__map!.loaded());
    await map.page.screenshot({ path: join(SHOTS, 'basemap-package-vector-alone.png') });
    await hideAppLayers(map.page, false);
  });

  test('nothing left this machine, and no errors', async () => {
    assert.deepEqual(map.externalRequests, []);
    assert.deepEqual(map.errors, []);
  });
});

// A 1×1 grey PNG: what the intercepted province platform answers.
const TILE = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mPs6+urBwAE/wH+gJ5Y3wAAAABJRU5ErkJggg==', 'base64');

describe('a custom tile URL template (BASEMAP_URLS)', () => {
  let app: RunningApp;
  let browser: Browser;
  let map: MapPage;
  const tileRequests: string[] = [];

  before(async () => {
    const custom = { title: '省平台影像', url: 'https://gis.nmg.example.cn/wmts?layer=img&TileMatrix={z}&TileRow={y}&TileCol={x}', scheme: 'xyz' as const, attribution: '© 内蒙古自治区自然资源厅', crs: 'EPSG:3857', maxzoom: 18 };
    [app, browser] = await Promise.all([startApp({ BASEMAPS: [], BASEMAP_URLS: [custom] }), launchBrowser()]);
    map = await openMap(browser, app.url, (page) =>
      page.route(/gis\.nmg\.example\.cn/, (route) => {
        tileRequests.push(route.request().url());
        return route.fulfill({ status: 200, contentType: 'image/png', body: TILE });
      }),
    );
  });

  after(async () => {
    await browser?.close();
    await app?.close();
  });

  test('offered with its attribution; its tiles are fetched (the CSP lets its host through) and credited', async () => {
    const labels = await map.page.locator('.xc-basemap-option').allInnerTexts();
    assert.match(labels[1], /省平台影像/);
    assert.match(labels[1], /© 内蒙古自治区自然资源厅/);
    assert.equal(await map.page.locator('.xc-basemap-option input[value="custom-1"]').isChecked(), true);
    await map.page.waitForFunction(() => window.__map!.getLayoutProperty('basemap-custom-1', 'visibility') === 'visible');
    await map.page.waitForFunction(() => window.__map!.areTilesLoaded());
    assert.ok(tileRequests.some((u) => /TileMatrix=\d+&TileRow=\d+&TileCol=\d+$/.test(u)), tileRequests.slice(0, 3).join(' '));
    assert.match(await map.page.locator('.maplibregl-ctrl-attrib').innerText(), /© 内蒙古自治区自然资源厅/);
    assert.ok(map.externalRequests.every((u) => u.startsWith('https://gis.nmg.example.cn/')), map.externalRequests.slice(0, 3).join(' '));
    assert.deepEqual(map.errors, []);
  });
});
