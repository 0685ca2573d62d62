/**
 * Coordinates on the map in a real browser (issue 13): the readout gives the pointer's lon/lat and
 * EPSG:4546 X (北坐标) / Y (东坐标) as core/crs.ts projects them (on a device without hover, the map
 * centre under a cross); 定位到坐标 in the search box reads lon/lat either way round and
 * Gauss-Krüger X/Y with or without zone 37, flies there and marks the place in both systems, and
 * says why a coordinate is none in the district; "where am I" goes to the browser's position, and a
 * refused permission is said in the UI language. Screenshots at 1280×800 and 390×844.
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { parseCoordinateQuery, type CoordinateHit } from '../../core/coordinate-query.ts';
import { toGaussKruger } from '../../core/crs.ts';
import { formatDegrees, formatGridMeters } from '../../core/units.ts';
import { launchBrowser, openMap, startApp, waitForIdle, waitForReady, type RunningApp } from './harness.ts';

const SHOTS = process.env.SCREENSHOT_DIR ?? 'test-results';

const readout = async (page: Page) =>
  Object.fromEntries(await page.$$eval('.xc-coords [data-coord]', (els) => els.map((e) => [(e as HTMLElement).dataset.coord!, e.textContent!]))) as Record<'lon' | 'lat' | 'x' | 'y', string>;

function expected([lon, lat]: [number, number]) {
  const [e, n] = toGaussKruger([lon, lat]);
  return { lon: formatDegrees(lon), lat: formatDegrees(lat), x: formatGridMeters(n), y: formatGridMeters(e) };
}

/** Metres between two lon/lat positions (equirectangular: fine at these distances). */
function metres(a: readonly number[], b: readonly number[]): number {
  const k = Math.PI / 180;
  const dx = (a[0] - b[0]) * k * Math.cos(((a[1] + b[1]) / 2) * k) * 6_371_000;
  const dy = (a[1] - b[1]) * k * 6_371_000;
  return Math.hypot(dx, dy);
}

describe('coordinates: readout, go to coordinate, where am I (browser)', () => {
  let app: RunningApp;
  let browser: Browser;

  before(async () => {
    mkdirSync(SHOTS, { recursive: true });
    [app, browser] = await Promise.all([startApp(), launchBrowser()]);
  });

  after(async () => {
    await browser?.close();
    await app?.close();
  });

  test('the readout follows the pointer: lon/lat with six decimals, X = northing and Y = easting in EPSG:4546', async () => {
    const { page, errors } = await openMap(browser, app.url);
    await page.locator('.xc-coords').waitFor({ state: 'attached' });
    assert.equal(await page.locator('.xc-coords').getAttribute('data-source'), 'pointer');
    const box = (await page.locator('#map canvas.maplibregl-canvas').boundingBox())!;
    for (const [x, y] of [
      [640, 400],
      [900, 250],
    ]) {
      await page.mouse.move(box.x + x, box.y + y);
      await page.waitForFunction(
        ([px, py]) => {
          const ll = window.__map!.unproject([px, py]);
          return document.querySelector('.xc-coords [data-coord="lon"]')?.textContent === ll.lng.toFixed(6);
        },
        [x, y],
      );
      const at = await page.evaluate(([px, py]) => window.__map!.unproject([px, py]).toArray() as [number, number], [x, y]);
      assert.deepEqual(await readout(page), expected(at));
    }
    const text = await page.locator('.xc-coords').innerText();
    assert.match(text, /经度[\s\S]*纬度[\s\S]*X（北坐标）[\s\S]*Y（东坐标）/);
    await page.screenshot({ path: `${SHOTS}/coordinates-readout-1280.png` });
    // Off the map (over the header panel), the readout goes.
    const header = (await page.locator('.xc-header').boundingBox())!;
    await page.mouse.move(header.x + header.width / 2, header.y + header.height / 2);
    await page.locator('.xc-coords').waitFor({ state: 'hidden' });
    assert.deepEqual(errors, []);
    await page.close();
  });

  test('on a touch phone (no hover) the readout gives the map centre, marked by a cross, and follows panning', async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 1 });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(app.url);
    await waitForReady(page);
    await page.locator('.xc-coords[data-source="centre"]').waitFor();
    assert.equal(await page.locator('.xc-coords-cross').count(), 1);
    const centre = async () => page.evaluate(() => window.__map!.getCenter().toArray() as [number, number]);
    await page.waitForFunction(() => document.querySelector('.xc-coords [data-coord="lon"]')?.textContent === window.__map!.getCenter().lng.toFixed(6));
    assert.deepEqual(await readout(page), expected(await centre()));
    assert.match(await page.locator('.xc-coords').innerText(), /中心/);
    await page.evaluate(() => window.__map!.jumpTo({ center: [111.75, 40.86], zoom: 14 }));
    await page.waitForFunction(() => document.querySelector('.xc-coords [data-coord="lon"]')?.textContent === '111.750000');
    assert.deepEqual(await readout(page), expected([111.75, 40.86]));
    await waitForIdle(page);
    await page.screenshot({ path: `${SHOTS}/coordinates-centre-390.png` });
    // The readout covers none of the map's buttons.
    const r = (await page.locator('.xc-coords').boundingBox())!;
    const buttons = await page.$$eval('.maplibregl-ctrl-top-right .maplibregl-ctrl, .maplibregl-ctrl-top-left .maplibregl-ctrl', (els) => els.map((e) => e.getBoundingClientRect().toJSON() as { x: number; y: number; width: number; height: number }));
    for (const b of buttons) assert.ok(!(r.x < b.x + b.width && b.x < r.x + r.width && r.y < b.y + b.height && b.y < r.y + r.height), 'readout over a button');
    assert.deepEqual(errors, []);
    await context.close();
  });

  const goTo = async (page: Page, text: string) => {
    await page.locator('.xc-search-input').fill(text);
    await page.locator('.xc-search-coordinate, .xc-search-coordinate-problem').first().waitFor();
  };

  test('定位到坐标: lon/lat, lat/lon (said), GK X/Y with and without zone 37 fly there and mark the place in both systems', async () => {
    const { page, errors } = await openMap(browser, app.url);
    const cases: [string, CoordinateHit['input'], RegExp][] = [
      ['111.70, 40.85', 'lonlat', /按 经度, 纬度 读取/],
      ['40.85 111.70', 'latlon', /纬度在前/],
      ['4524000 563000', 'gk', /EPSG:4546/],
      ['4524000 37563000', 'gk-zone', /带带号 37.*EPSG:4525/],
      ['563000, 4524000', 'gk', /Y 写在前/],
    ];
    for (const [text, input, reading] of cases) {
      const hit = parseCoordinateQuery(text) as CoordinateHit;
      await goTo(page, text);
      const option = page.locator('.xc-search-coordinate');
      assert.equal(await option.getAttribute('data-input'), input, text);
      assert.equal(await option.getAttribute('aria-selected'), 'true', 'the coordinate is the first option');
      const shown = await option.innerText();
      assert.match(shown, /定位到坐标/);
      assert.match(shown, reading, text);
      for (const v of [formatDegrees(hit.lonLat[0]), formatDegrees(hit.lonLat[1]), formatGridMeters(hit.gk.x), formatGridMeters(hit.gk.y)]) assert.ok(shown.includes(v), `${text}: ${v} in ${shown}`);
      await page.keyboard.press('Enter');
      await page.locator('.xc-goto-marker').waitFor();
      await page.waitForFunction(() => !window.__map!.isMoving());
      await waitForIdle(page);
      const marker = await page.evaluate(() => {
        const el = document.querySelector('.xc-goto-marker') as HTMLElement;
        const r = el.getBoundingClientRect();
        // The marker's tip is its bottom centre.
        return window.__map!.unproject([r.x + r.width / 2, r.y + r.height]).toArray();
      });
      assert.ok(metres(marker, hit.lonLat) < 15, `${text}: marker ${marker} at ${hit.lonLat}`);
      assert.ok((await page.evaluate(() => window.__map!.getZoom())) >= 16);
      const popup = await page.locator('.xc-goto').innerText();
      assert.ok(popup.includes(formatDegrees(hit.lonLat[0])) && popup.includes(formatGridMeters(hit.gk.x)) && popup.includes(formatGridMeters(hit.gk.y)), popup);
      assert.match(popup, /X（北坐标）[\s\S]*Y（东坐标）/);
      // One marker at a time.
      assert.equal(await page.locator('.xc-goto-marker').count(), 1);
      if (input === 'gk-zone') await page.screenshot({ path: `${SHOTS}/goto-coordinate-1280.png` });
    }
    await page.locator('.xc-goto-remove').click();
    assert.equal(await page.locator('.xc-goto-marker').count(), 0);
    assert.deepEqual(errors, []);
    await page.close();
  });

  test('定位到坐标: a place outside the district, a wrong zone or mixed numbers are answered with the reason; names still search', async () => {
    const { page, errors } = await openMap(browser, app.url, undefined, { width: 390, height: 844 });
    const problems: [string, string, RegExp][] = [
      ['116.39, 39.91', 'outside', /在新城区范围之外/],
      ['4524000 38563000', 'wrong-zone', /带号 38 不是新城区所在的 37 带/],
      ['111.7 4524000', 'mixed', /一个数像度、一个像米/],
      ['4524000 4525000', 'not-grid', /北坐标 X 为 7 位数/],
    ];
    for (const [text, reason, message] of problems) {
      await goTo(page, text);
      const p = page.locator('.xc-search-coordinate-problem');
      assert.equal(await p.getAttribute('data-reason'), reason, text);
      assert.match(await p.innerText(), message);
      assert.equal(await page.locator('.xc-search-coordinate').count(), 0);
      // Enter does not fly anywhere.
      await page.keyboard.press('Enter');
      assert.equal(await page.locator('.xc-goto-marker').count(), 0);
    }
    await page.screenshot({ path: `${SHOTS}/goto-coordinate-problem-390.png` });
    await page.locator('.xc-search-input').fill('新城');
    await page.locator('.xc-search-result').first().waitFor();
    assert.equal(await page.locator('.xc-search-coordinate, .xc-search-coordinate-problem').count(), 0);
    // English: the same answer in English.
    await page.locator('.xc-lang-switch').first().click();
    await goTo(page, '116.39, 39.91');
    assert.match(await page.locator('.xc-search-coordinate-problem').innerText(), /outside Xincheng District/);
    assert.equal(await page.locator('.maplibregl-ctrl-geolocate').getAttribute('title'), 'Find my location');
    assert.equal(await page.locator('.xc-map-tools [data-tool="measure-area"]').innerText(), 'Area');
    assert.deepEqual(errors, []);
    await page.close();
  });

  test('where am I: with the permission granted the map goes to the position and shows it', async () => {
    const position = { longitude: 111.7512, latitude: 40.8623, accuracy: 20 };
    const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
    await context.grantPermissions(['geolocation'], { origin: app.url.replace(/\/$/, '') });
    await context.setGeolocation(position);
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(app.url);
    await waitForReady(page);
    const button = page.locator('.maplibregl-ctrl-geolocate');
    await button.waitFor();
    assert.match((await button.getAttribute('title')) ?? '', /定位我的位置/);
    await button.click();
    await page.locator('.maplibregl-user-location-dot').waitFor();
    await page.waitForFunction(() => !window.__map!.isMoving() && window.__map!.getZoom() > 14, null, { timeout: 10_000 });
    const centre = await page.evaluate(() => window.__map!.getCenter().toArray());
    assert.ok(metres(centre, [position.longitude, position.latitude]) < 30, `centre ${centre}`);
    assert.equal(await page.locator('.xc-tool-message').isVisible(), false, 'no message inside the district');
    await waitForIdle(page);
    await page.screenshot({ path: `${SHOTS}/where-am-i-390.png` });
    // Elsewhere: it goes there and says the position is outside the district.
    await context.setGeolocation({ longitude: 116.39, latitude: 39.91 });
    await page.locator('.xc-tool-message[data-kind="info"]').waitFor({ timeout: 10_000 });
    assert.match(await page.locator('.xc-tool-message').innerText(), /不在新城区范围内/);
    assert.deepEqual(errors, []);
    await context.close();
  });

  test('where am I: a refused permission is said in the UI language', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    await context.clearPermissions();
    const page = await context.newPage();
    await page.goto(app.url);
    await waitForReady(page);
    // Not granted: headless Chromium answers the prompt with a refusal (PERMISSION_DENIED), as a user who denies it.
    assert.equal(await page.evaluate(async () => (await navigator.permissions.query({ name: 'geolocation' })).state), 'prompt');
    await page.locator('.maplibregl-ctrl-geolocate').click();
    const message = page.locator('.xc-tool-message[data-kind="error"]');
    await message.waitFor({ timeout: 10_000 });
    assert.match(await message.innerText(), /浏览器未允许本网站使用位置信息/);
    await page.screenshot({ path: `${SHOTS}/where-am-i-denied-1280.png` });
    await message.locator('.xc-tool-message-close').click();
    await message.waitFor({ state: 'hidden' });
    await context.close();
  });
});
