/**
 * The measure tool and the planner's 打印 in a real browser (issue 13): a line and a polygon drawn
 * on the map show their figures while drawn, equal to the core's measurement of the clicked
 * positions (Turf geodesic and the EPSG:4546 plane, m/km and m²/公顷/亩); Esc ends it and clicks
 * identify features again; one drawing tool at a time (a compliance site drawing ends a measurement,
 * measuring is refused while a site is drawn); 打印 in the planner's tools opens the print-at-scale
 * dialog and its PDF downloads. Screenshots at 1280×800 and 390×844; on a phone the measure box
 * leaves the map's buttons free.
 */
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { measure } from '../../core/geometry/measure.ts';
import { formatMeasuredArea, formatMeasuredDistance } from '../../core/units.ts';
import { launchBrowser, openMap, startApp, waitForIdle, type RunningApp } from './harness.ts';

const SHOTS = process.env.SCREENSHOT_DIR ?? 'test-results';

/** Clicks at map pixels and returns the lon/lat MapLibre puts under each. */
async function clickAt(page: Page, points: [number, number][]): Promise<[number, number][]> {
  const box = (await page.locator('#map canvas.maplibregl-canvas').boundingBox())!;
  const out: [number, number][] = [];
  for (const [x, y] of points) {
    await page.mouse.click(box.x + x, box.y + y);
    await page.waitForTimeout(120);
    out.push(await page.evaluate(([px, py]) => window.__map!.unproject([px, py]).toArray() as [number, number], [x, y]));
  }
  return out;
}

const figure = (page: Page, key: string) => page.locator(`.xc-measure [data-figure="${key}"] .xc-measure-value`).innerText();
const planeFigure = (page: Page, key: string) => page.locator(`.xc-measure [data-figure="${key}"] .xc-measure-plane`).innerText();
const rect = (page: Page, selector: string) => page.locator(selector).first().boundingBox();
const overlaps = (a: { x: number; y: number; width: number; height: number }, b: { x: number; y: number; width: number; height: number }) =>
  a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

describe('measure tool and planner print (browser)', () => {
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

  test('a measured line and polygon show the core figures of the clicked positions; Esc ends measuring', async () => {
    const { page, errors } = await openMap(browser, app.url);
    await page.locator('.xc-map-tools [data-tool="measure-distance"]').click();
    assert.equal(await page.locator('.xc-map-tools [data-tool="measure-distance"]').getAttribute('aria-pressed'), 'true');
    assert.match(await page.locator('.xc-measure .xc-measure-hint').innerText(), /Enter/);
    const line = await clickAt(page, [
      [500, 300],
      [700, 320],
      [760, 460],
    ]);
    // Clicking the last point again finishes the line.
    await clickAt(page, [[760, 460]]);
    await page.locator('.xc-measure[data-state="finished"]').waitFor();
    const m = measure({ type: 'LineString', coordinates: line });
    assert.equal(await figure(page, 'length'), formatMeasuredDistance(m.lengthMeters));
    assert.equal(await planeFigure(page, 'length'), `EPSG:4546 ${formatMeasuredDistance(m.planeLengthMeters)}`);
    assert.match(await figure(page, 'segment'), new RegExp(`^${formatMeasuredDistance(m.segmentsMeters[1]).replace('.', '\\.')} · 2 段$`));
    await page.screenshot({ path: `${SHOTS}/measure-distance-1280.png` });

    // The area tool replaces the line.
    await page.locator('.xc-map-tools [data-tool="measure-area"]').click();
    assert.equal(await page.locator('.xc-map-tools [data-tool="measure-distance"]').getAttribute('aria-pressed'), 'false');
    const ring = await clickAt(page, [
      [520, 260],
      [680, 260],
      [700, 400],
      [540, 420],
    ]);
    await clickAt(page, [[520, 260]]);
    await page.locator('.xc-measure[data-state="finished"][data-mode="area"]').waitFor();
    const a = measure({ type: 'Polygon', coordinates: [[...ring, ring[0]]] });
    const texts = formatMeasuredArea(a.areaSquareMeters!)!;
    for (const [unit, text] of [
      ['m2', texts.squareMeters],
      ['ha', texts.hectares],
      ['mu', texts.mu],
    ]) {
      assert.equal(await page.locator(`.xc-measure [data-figure="area"] [data-unit="${unit}"]`).innerText(), text, unit);
    }
    const plane = formatMeasuredArea(a.planeAreaSquareMeters!)!;
    assert.equal(await planeFigure(page, 'area'), `EPSG:4546 ${plane.squareMeters} · ${plane.hectares} · ${plane.mu}`);
    assert.equal(await figure(page, 'length'), formatMeasuredDistance(a.lengthMeters));
    // Geodesic and plane agree to well under 1 % here.
    assert.ok(Math.abs(a.areaSquareMeters! - a.planeAreaSquareMeters!) / a.planeAreaSquareMeters! < 0.005);
    await page.screenshot({ path: `${SHOTS}/measure-area-1280.png` });

    // Esc: the box and the shape go, and a click identifies features again.
    await page.keyboard.press('Escape');
    await page.locator('.xc-measure').waitFor({ state: 'hidden' });
    assert.equal(await page.locator('.xc-map-tools [data-tool="measure-area"]').getAttribute('aria-pressed'), 'false');
    assert.equal(await page.evaluate(() => window.__xc!.interaction.paused), false);
    await waitForIdle(page);
    const drawn = await page.evaluate(() => window.__map!.getStyle().layers.filter((l) => l.id.startsWith('xc-measure') || (l as { source?: string }).source?.startsWith('xc-measure')).length);
    const features = await page.evaluate(() => {
      const map = window.__map!;
      const ids = map.getStyle().layers.filter((l) => (l as { source?: string }).source?.startsWith?.('xc-measure')).map((l) => l.id);
      return ids.length ? map.queryRenderedFeatures({ layers: ids }).length : 0;
    });
    assert.equal(features, 0, `no measured shape left (${drawn} terra-draw layers)`);
    const zone = await page.evaluate(() => {
      const map = window.__map!;
      const f = map.queryRenderedFeatures({ layers: window.__xc!.interactiveLayers() }).find((x) => x.source === 'zones');
      if (!f) return null;
      const g = f.geometry as GeoJSON.Polygon;
      const c = g.coordinates[0];
      // A point well inside: the mean of the ring's vertices is good enough for these convex-ish zones.
      const mean = c.reduce((s, p) => [s[0] + p[0] / c.length, s[1] + p[1] / c.length], [0, 0]);
      return map.project(mean as [number, number]);
    });
    assert.ok(zone, 'a zone is drawn');
    const box = (await page.locator('#map canvas.maplibregl-canvas').boundingBox())!;
    await page.mouse.click(box.x + zone.x, box.y + zone.y);
    await page.locator('.maplibregl-popup').first().waitFor({ timeout: 5000 });
    assert.deepEqual(errors, []);
    await page.close();
  });

  test('one drawing tool at a time: a compliance site drawing ends a measurement; measuring waits for the drawing', async () => {
    const { page, errors } = await openMap(browser, app.url);
    await page.locator('.xc-map-tools [data-tool="measure-distance"]').click();
    await clickAt(page, [[600, 300]]);
    await page.locator('.xc-analysis-toggle').click();
    await page.locator('.xc-analysis-drawer .xc-analysis-tab[data-tool="compliance"][aria-selected="true"]').waitFor();
    await page.locator('.xc-cmp-draw-polygon').click();
    // The measurement ended when the site drawing took the map.
    await page.locator('.xc-measure').waitFor({ state: 'hidden' });
    assert.equal(await page.locator('.xc-map-tools [data-tool="measure-distance"]').getAttribute('aria-pressed'), 'false');
    assert.equal(await page.locator('.xc-cmp-draw-polygon').getAttribute('aria-pressed'), 'true');
    // Measuring now is refused, and says why; the site drawing goes on.
    await page.locator('.xc-map-tools [data-tool="measure-area"]').click();
    await page.locator('.xc-measure[data-state="busy"]').waitFor();
    assert.match(await page.locator('.xc-measure').innerText(), /请先结束正在进行的绘制或编辑/);
    assert.equal(await page.locator('.xc-map-tools [data-tool="measure-area"]').getAttribute('aria-pressed'), 'false');
    assert.equal(await page.locator('.xc-cmp-draw-polygon').getAttribute('aria-pressed'), 'true');
    // Once the drawing is cancelled, measuring starts.
    await page.locator('.xc-cmp-draw-cancel').click();
    await page.locator('.xc-map-tools [data-tool="measure-area"]').click();
    await page.locator('.xc-measure[data-state="drawing"][data-mode="area"]').waitFor();
    assert.deepEqual(errors, []);
    await page.close();
  });

  test('on a phone the tools sit in the right-hand column and the measure box leaves every map button free', async () => {
    const { page, errors } = await openMap(browser, app.url, undefined, { width: 390, height: 844 });
    await page.locator('.xc-map-tools [data-tool="measure-area"]').click();
    await clickAt(page, [
      [120, 420],
      [260, 430],
      [250, 560],
    ]);
    await clickAt(page, [[120, 420]]);
    await page.locator('.xc-measure[data-state="finished"]').waitFor();
    await page.screenshot({ path: `${SHOTS}/measure-area-390.png` });
    const measureBox = (await rect(page, '.xc-measure'))!;
    const controls = await page.$$eval('.maplibregl-ctrl-top-right .maplibregl-ctrl, .maplibregl-ctrl-top-left .maplibregl-ctrl', (els) =>
      els.map((e) => {
        const r = e.getBoundingClientRect();
        return { x: r.x, y: r.y, width: r.width, height: r.height, name: e.className };
      }),
    );
    assert.ok(controls.length >= 5);
    for (const c of controls) assert.ok(!overlaps(measureBox, c), `the measure box covers ${c.name}`);
    const vp = page.viewportSize()!;
    assert.ok(measureBox.x >= 0 && measureBox.x + measureBox.width <= vp.width, 'the box fits the phone');
    // Every tool button is on screen.
    for (const tool of ['measure-distance', 'measure-area', 'print', 'share']) {
      const r = (await rect(page, `.xc-map-tools [data-tool="${tool}"]`))!;
      assert.ok(r.y + r.height <= vp.height && r.x + r.width <= vp.width, tool);
    }
    assert.deepEqual(errors, []);
    await page.close();
  });

  test('打印 in the planner view opens the print-at-scale dialog of the investor view; its PDF downloads', async () => {
    const { page, errors } = await openMap(browser, app.url);
    await page.locator('.xc-map-tools [data-tool="print"]').click();
    const dialog = page.locator('.xc-export-popover');
    await dialog.waitFor();
    assert.equal(await page.evaluate(() => document.querySelector('.xc-app')?.classList.contains('xc-presenting') ?? false), false, 'still the planner view');
    // Beside the tool column: none of the map's buttons under it.
    const dialogBox = (await dialog.boundingBox())!;
    const buttons = await page.$$eval('.maplibregl-ctrl-top-right .maplibregl-ctrl', (els) => els.map((e) => e.getBoundingClientRect().toJSON() as { x: number; y: number; width: number; height: number }));
    for (const b of buttons) assert.ok(!overlaps(dialogBox, b), 'the print dialog covers a map button');
    await page.screenshot({ path: `${SHOTS}/planner-print-1280.png` });
    // 打印 opens on PDF (the investor view's 导出 on PNG).
    assert.equal(await dialog.locator('input[name="xc-export-format"][value="pdf"]').isChecked(), true);
    await dialog.locator('select[name="xc-export-map-scale"]').selectOption('10000');
    await dialog.locator('.xc-export-block summary').click();
    await dialog.locator('input[name="xc-export-block-project"]').fill('规划视图打印测试');
    const [download] = await Promise.all([page.waitForEvent('download', { timeout: 60_000 }), dialog.locator('.xc-export-go').click()]);
    const path = await download.path();
    const bytes = readFileSync(path!);
    assert.equal(bytes.subarray(0, 5).toString('latin1'), '%PDF-');
    assert.match(download.suggestedFilename(), /\.pdf$/);
    // 打印 again closes the dialog (a toggle), as the investor view's export does.
    await page.locator('.xc-map-tools [data-tool="print"]').click();
    await page.locator('.xc-map-tools [data-tool="print"]').click();
    await dialog.waitFor({ state: 'detached' });
    assert.deepEqual(errors, []);
    await page.close();
  });
});
