/**
 * Online basemaps are opt-in: configured with BASEMAPS, the map offers them, fetches their tiles
 * and credits them; choosing "none" hides them again. Tile requests are answered locally here.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { launchBrowser, openMap, startApp, type MapPage, type RunningApp } from './harness.ts';

// A 1×1 grey PNG: what the intercepted tile servers answer.
const TILE = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mPs6+urBwAE/wH+gJ5Y3wAAAABJRU5ErkJggg==', 'base64');

describe('online basemaps (configured)', () => {
  let app: RunningApp;
  let browser: Browser;
  let map: MapPage;
  const tileRequests: string[] = [];

  before(async () => {
    [app, browser] = await Promise.all([startApp({ BASEMAPS: ['osm', 'tianditu'], TIANDITU_TOKEN: 'test-token' }), launchBrowser()]);
    map = await openMap(browser, app.url, (page) =>
      page.route(/tile\.openstreetmap\.org|tianditu\.gov\.cn/, (route) => {
        tileRequests.push(route.request().url());
        return route.fulfill({ status: 200, contentType: 'image/png', body: TILE });
      }),
    );
  });

  after(async () => {
    await browser?.close();
    await app?.close();
  });

  test('the basemap switcher lists none, OpenStreetMap and Tianditu', async () => {
    const values = await map.page.locator('.xc-basemap-option input').evaluateAll((els) => els.map((e) => (e as HTMLInputElement).value));
    assert.deepEqual(values, ['none', 'osm', 'tianditu']);
    const labels = await map.page.locator('.xc-basemap-option').allInnerTexts();
    assert.ok(labels[2].includes('天地图'), labels.join(' | '));
  });

  test('OpenStreetMap, the first configured basemap, is shown: its tiles are fetched and credited', async () => {
    assert.equal(await map.page.locator('.xc-basemap-option input[value="osm"]').isChecked(), true);
    await map.page.waitForFunction(() => window.__map!.getLayoutProperty('basemap-osm', 'visibility') === 'visible');
    await map.page.waitForFunction(() => window.__map!.areTilesLoaded());
    assert.ok(tileRequests.some((u) => u.startsWith('https://tile.openstreetmap.org/')), `tile requests: ${tileRequests.slice(0, 3)}`);
    const attribution = await map.page.locator('.maplibregl-ctrl-attrib').innerText();
    assert.match(attribution, /OpenStreetMap/);
  });

  test('Tianditu tiles carry the configured token; "none" hides every basemap', async () => {
    await map.page.locator('.xc-basemap-option input[value="tianditu"]').check();
    await map.page.waitForFunction(() => window.__map!.getLayoutProperty('basemap-tianditu', 'visibility') === 'visible');
    await map.page.waitForFunction(() => window.__map!.areTilesLoaded());
    assert.ok(tileRequests.some((u) => /tianditu\.gov\.cn\/vec_w\/wmts.*tk=test-token/.test(u)));
    await map.page.locator('.xc-basemap-option input[value="none"]').check();
    const visible = await map.page.evaluate(() =>
      ['basemap-osm', 'basemap-tianditu', 'basemap-tianditu-labels'].filter((id) => window.__map!.getLayoutProperty(id, 'visibility') === 'visible'),
    );
    assert.deepEqual(visible, []);
    assert.deepEqual(map.errors, []);
  });
});
