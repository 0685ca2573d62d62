/**
 * Layout and keyboard on a laptop (1280×800), a tablet (1024×768) and a phone (390×844), issue 13
 * items 2, 3, 4, 15 and 16: how much of the map the panels leave visible (the map canvas minus the
 * opaque overlays over it), panels that fold, bottom sheets on phones, the investor view left with a
 * real click, a notice for what a broken link lost, skip links, Esc, and popups that fit the map.
 * Screenshots go to $SCREENSHOT_DIR or a temporary folder.
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, mapVisibility, openMap, startApp, waitForIdle, type MapVisibility, type RunningApp } from './harness.ts';

const LAPTOP = { width: 1280, height: 800 };
const TABLET = { width: 1024, height: 768 };
const PHONE = { width: 390, height: 844 };
/** A real click fails when another element covers its target: waiting longer would not help. */
const CLICK = { timeout: 3_000 };

const SHOTS = process.env.SCREENSHOT_DIR ?? join(tmpdir(), 'xc-layout-shots');
mkdirSync(SHOTS, { recursive: true });

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(SHOTS, `${name}.png`) });
}

function describeVisibility(v: MapVisibility): string {
  const r = (x: { x: number; y: number; width: number; height: number }) => `${Math.round(x.x)},${Math.round(x.y)} ${Math.round(x.width)}×${Math.round(x.height)}`;
  return `visible ${(v.fraction * 100).toFixed(1)} %, largest free ${r(v.largest)}; overlays: ${v.overlays.map((o) => `${o.selector} ${r(o.rect)}${o.opaque ? '' : ' translucent'}`).join('; ')}`;
}

function assertOpaque(v: MapVisibility): void {
  const translucent = v.overlays.filter((o) => !o.opaque);
  assert.deepEqual(translucent, [], `panels are opaque: ${describeVisibility(v)}`);
}

/** Opens the analysis dock with a real click and waits until it is shown and the map has settled. */
async function openDock(page: Page): Promise<void> {
  await page.locator('.xc-analysis-toggle').click(CLICK);
  await page.locator('.xc-analysis-drawer').waitFor({ state: 'visible' });
  await page.waitForTimeout(300);
}

describe('layout and keyboard (browser, issue 13)', () => {
  let app: RunningApp;
  let browser: Browser;

  before(async () => {
    [app, browser] = await Promise.all([startApp(), launchBrowser()]);
  });

  after(async () => {
    await browser?.close();
    await app?.close();
  });

  test('laptop: opaque panels, the layer panel folds in the planner view, the map keeps 60 % of the width with the dock open (#3, #4)', async () => {
    const { page, errors } = await openMap(browser, app.url, undefined, LAPTOP);
    try {
      await shot(page, 'laptop-planner');
      assertOpaque(await mapVisibility(page));

      await openDock(page);
      const open = await mapVisibility(page);
      await shot(page, 'laptop-dock-open');
      assert.ok(open.largest.width >= 0.6 * LAPTOP.width, `free width ≥ 60 % with the dock open: ${describeVisibility(open)}`);
      assert.ok(open.largest.height >= 0.5 * LAPTOP.height, `and a useful height: ${describeVisibility(open)}`);
      assertOpaque(open);
      await page.locator('.xc-analysis-close').click(CLICK);
      await page.locator('.xc-analysis-drawer').waitFor({ state: 'hidden' });
      assert.ok(await page.locator('.xc-layer-panel .xc-layer').first().isVisible(), 'the layer panel is back as it was once the dock closes');

      // The planner's layer panel folds to its title and opens again.
      await page.locator('.xc-layer-panel-toggle').click(CLICK);
      assert.equal(await page.locator('.xc-layer-panel .xc-layer').first().isVisible(), false, 'folded: no layer rows');
      const folded = await mapVisibility(page);
      assert.ok(folded.fraction > 0.85, `folded, the panels leave most of the map: ${describeVisibility(folded)}`);
      await page.locator('.xc-layer-panel-toggle').click(CLICK);
      assert.ok(await page.locator('.xc-layer-panel .xc-layer').first().isVisible(), 'opened again');
      assert.deepEqual(errors, []);
    } finally {
      await page.close();
    }
  });

  test('tablet: the map keeps 60 % of the width with the dock open, and in the investor view (#4)', async () => {
    const { page, errors } = await openMap(browser, app.url, undefined, TABLET);
    try {
      await openDock(page);
      const open = await mapVisibility(page);
      await shot(page, 'tablet-dock-open');
      assert.ok(open.largest.width >= 0.6 * TABLET.width, `free width ≥ 60 % with the dock open: ${describeVisibility(open)}`);
      assertOpaque(open);
      await page.keyboard.press('Escape');
      await page.locator('.xc-analysis-drawer').waitFor({ state: 'hidden' });

      await page.locator('.xc-mode-switch').click(CLICK);
      await page.locator('#app.xc-presenting').waitFor();
      await waitForIdle(page);
      const investor = await mapVisibility(page);
      await shot(page, 'tablet-investor');
      assert.ok(investor.largest.width >= 0.6 * TABLET.width, `investor view: ${describeVisibility(investor)}`);
      assertOpaque(investor);
      assert.deepEqual(errors, []);
    } finally {
      await page.close();
    }
  });

  test('phone, planner view: the layer panel folds, the analysis sheet leaves the map visible and collapses (#3)', async () => {
    const { page, errors } = await openMap(browser, app.url, undefined, PHONE);
    try {
      const first = await mapVisibility(page);
      await shot(page, 'phone-planner');
      assert.ok(first.fraction >= 0.75, `the map first: ${describeVisibility(first)}`);
      assertOpaque(first);

      // The layer panel opens over part of the map and folds again.
      await page.locator('.xc-layer-panel-toggle').click(CLICK);
      assert.ok(await page.locator('.xc-layer-panel .xc-layer').first().isVisible(), 'layer rows shown');
      const layers = await mapVisibility(page);
      await shot(page, 'phone-layers-open');
      assert.ok(layers.fraction >= 0.4, `layer panel open: ${describeVisibility(layers)}`);
      assertOpaque(layers);
      await page.locator('.xc-layer-panel-toggle').click(CLICK);
      assert.equal(await page.locator('.xc-layer-panel .xc-layer').first().isVisible(), false, 'folded');

      // The analysis tools: a sheet at the bottom, the map above it.
      await openDock(page);
      const sheet = await mapVisibility(page);
      await shot(page, 'phone-dock-open');
      assert.ok(sheet.fraction >= 0.4, `analysis sheet open: ${describeVisibility(sheet)}`);
      const drawer = await page.locator('.xc-analysis-drawer').boundingBox();
      assert.ok(drawer && drawer.y >= 0.4 * PHONE.height, `a bottom sheet: ${JSON.stringify(drawer)}`);
      assertOpaque(sheet);
      // Collapsed to its title bar, the map is uncovered; expanded again, the tools are back.
      await page.locator('.xc-analysis-drawer .xc-sheet-toggle').click(CLICK);
      const collapsed = await mapVisibility(page);
      await shot(page, 'phone-dock-collapsed');
      assert.ok(collapsed.fraction >= 0.8, `sheet collapsed: ${describeVisibility(collapsed)}`);
      const bar = (await page.locator('.xc-analysis-drawer').boundingBox())!;
      assert.ok(bar.y + bar.height >= PHONE.height - 1 && bar.height < 80, `folded to a bar at the bottom: ${JSON.stringify(bar)}`);
      await page.locator('.xc-analysis-drawer .xc-sheet-toggle').click(CLICK);
      assert.ok(await page.locator('.xc-analysis-tabs').isVisible(), 'expanded again');
      await page.locator('.xc-analysis-close').click(CLICK);
      await page.locator('.xc-analysis-drawer').waitFor({ state: 'hidden' });
      assert.deepEqual(errors, []);
    } finally {
      await page.close();
    }
  });

  test('phone, investor view: the map shows and the view is left with real clicks on its buttons (#2)', async () => {
    const { page, errors } = await openMap(browser, `${app.url}#mode=presentation`, undefined, PHONE);
    try {
      await page.locator('#app.xc-presenting').waitFor();
      await waitForIdle(page);
      const v = await mapVisibility(page);
      await shot(page, 'phone-investor');
      assert.ok(v.fraction >= 0.4, `investor view: ${describeVisibility(v)}`);
      assertOpaque(v);
      // The district is fitted into the visible part of the map, not under the sheet.
      const fit = await page.evaluate(() => {
        const map = window.__map!;
        const district = window.__xc!.store.features.get('district')!.find((f) => f.properties.role === 'district')!;
        const coords = (district.geometry as { coordinates: unknown }).coordinates as unknown[];
        const flat = (coords.flat(Infinity) as unknown as number[]) ?? [];
        let maxY = -Infinity;
        for (let i = 0; i < flat.length; i += 2) maxY = Math.max(maxY, map.project([flat[i], flat[i + 1]]).y);
        return { maxY, sheetTop: document.querySelector('.xc-presentation')!.getBoundingClientRect().top };
      });
      assert.ok(fit.maxY <= fit.sheetTop + 1, `district above the sheet: ${JSON.stringify(fit)}`);

      await page.locator('.xc-presentation .xc-sheet-toggle').click(CLICK);
      const collapsed = await mapVisibility(page);
      await shot(page, 'phone-investor-collapsed');
      assert.ok(collapsed.fraction >= 0.75, `sheet collapsed: ${describeVisibility(collapsed)}`);
      const bar = (await page.locator('.xc-presentation').boundingBox())!;
      assert.ok(bar.y + bar.height >= PHONE.height - 1 && bar.height < 100, `folded to a bar at the bottom: ${JSON.stringify(bar)}`);
      await page.locator('.xc-presentation .xc-sheet-toggle').click(CLICK);

      await page.locator('.xc-lang-switch').click(CLICK);
      assert.equal(await page.getAttribute('html', 'lang'), 'en');
      await page.locator('.xc-mode-switch').click(CLICK);
      await page.locator('#app:not(.xc-presenting)').waitFor();
      assert.deepEqual(errors, []);
    } finally {
      await page.close();
    }
  });

  test('a broken link says what it dropped, in the UI language, and the notice can be dismissed (#15)', async () => {
    const bad = '#99/abc/1&layers=roads,zones&zone=zone-atlantis&sectors=nope&mode=kiosk';
    const { page, errors } = await openMap(browser, app.url + bad, undefined, LAPTOP);
    try {
      const notice = page.locator('.xc-link-notice');
      await notice.waitFor({ state: 'visible', timeout: 5_000 });
      const text = (await notice.textContent()) ?? '';
      await shot(page, 'link-notice');
      for (const dropped of ['99/abc/1', 'roads', 'zone-atlantis', 'nope', 'kiosk']) assert.ok(text.includes(dropped), `"${dropped}" named: ${text}`);
      assert.match(text, /已忽略/);
      await notice.locator('.xc-link-notice-close').click(CLICK);
      await notice.waitFor({ state: 'hidden' });

      // A link edited in the address bar: told in English when it asks for English.
      await page.evaluate(() => (location.hash = '#11/40.9/111.8&lang=en&project=project-nowhere&layers=zones'));
      await notice.waitFor({ state: 'visible', timeout: 5_000 });
      const en = (await notice.textContent()) ?? '';
      assert.match(en, /left out/i);
      assert.ok(en.includes('project-nowhere') && !/已忽略/.test(en), en);
      await notice.locator('.xc-link-notice-close').click(CLICK);
      await notice.waitFor({ state: 'hidden' });

      // "layers=" hides every layer: said so, with a way back to the layers.
      await page.evaluate(() => (location.hash = '#11/40.9/111.8&lang=zh&layers='));
      await notice.waitFor({ state: 'visible', timeout: 5_000 });
      assert.match((await notice.textContent()) ?? '', /全部图层/);
      assert.equal(await page.evaluate(() => window.__map!.getLayoutProperty('zones-fill', 'visibility')), 'none');
      await notice.locator('.xc-link-notice-layers').click(CLICK);
      await notice.waitFor({ state: 'hidden' });
      assert.equal(await page.evaluate(() => window.__map!.getLayoutProperty('zones-fill', 'visibility')), 'visible');

      // A good link says nothing.
      await page.evaluate(() => (location.hash = '#11/40.9/111.8&layers=zones,projects'));
      await page.waitForTimeout(500);
      assert.equal(await notice.isVisible(), false);
      assert.deepEqual(errors, []);
    } finally {
      await page.close();
    }
  });

  test('keyboard: a skip link reaches the analysis tools, Esc closes the dock and popups (#16)', async () => {
    const { page, errors } = await openMap(browser, app.url, undefined, LAPTOP);
    try {
      let stops = 0;
      let name = '';
      while (stops < 3) {
        await page.keyboard.press('Tab');
        stops++;
        name = await page.evaluate(() => (document.activeElement as HTMLElement | null)?.textContent ?? '');
        if (/分析/.test(name)) break;
      }
      assert.match(name, /分析/, `the analysis tools within ${stops} Tab stops`);
      await page.keyboard.press('Enter');
      await page.locator('.xc-analysis-drawer').waitFor({ state: 'visible' });
      assert.ok(await page.evaluate(() => !!document.activeElement?.closest('.xc-analysis-drawer')), 'focus is in the dock');
      await shot(page, 'keyboard-dock');
      await page.keyboard.press('Escape');
      await page.locator('.xc-analysis-drawer').waitFor({ state: 'hidden' });
      assert.ok(await page.evaluate(() => document.activeElement?.classList.contains('xc-analysis-toggle')), 'focus back on the dock button');

      const zone = await page.evaluate(() => window.__xc!.store.features.get('zones')![0].id);
      await page.evaluate((id) => window.__xc!.interaction.open('zones', id), zone);
      await page.locator('.xc-maplibre-popup').waitFor();
      await page.keyboard.press('Escape');
      await page.locator('.xc-maplibre-popup').waitFor({ state: 'detached' });
      assert.equal(await page.evaluate(() => window.__xc!.interaction.current), null);
      assert.deepEqual(errors, []);
    } finally {
      await page.close();
    }
  });

  test('a tall popup stays inside a short map and scrolls (#16)', async () => {
    const SHORT = { width: 844, height: 390 };
    const { page, errors } = await openMap(browser, app.url, undefined, SHORT);
    try {
      // The located project with the most attributes, in the middle of the map.
      const id = await page.evaluate(() => {
        const projects = window.__xc!.store.features.get('projects')!.filter((f) => f.geometry?.type === 'Point');
        projects.sort((a, b) => Object.keys(b.properties).length - Object.keys(a.properties).length);
        window.__xc!.interaction.focus('projects', projects[0].id);
        return projects[0].id;
      });
      const popup = page.locator('.xc-maplibre-popup');
      await popup.waitFor();
      await page.waitForFunction(() => !window.__map!.isMoving());
      await waitForIdle(page);
      await shot(page, 'popup-short-map');
      const box = (await popup.boundingBox())!;
      assert.ok(box.y >= 0 && box.y + box.height <= SHORT.height + 1, `popup of ${id} inside the map: ${JSON.stringify(box)}`);
      const column = (await page.locator('.maplibregl-ctrl-top-left .xc-header').boundingBox())!;
      assert.ok(box.x >= column.x + column.width, `and beside the panels, not under them: ${JSON.stringify({ box, column })}`);
      const content = page.locator('.xc-maplibre-popup .xc-popup');
      const sizes = await content.evaluate((el) => ({ scroll: el.scrollHeight, client: el.clientHeight }));
      assert.ok(sizes.scroll > sizes.client, `taller than the room: it scrolls (${JSON.stringify(sizes)})`);
      const at = (await content.boundingBox())!;
      await page.mouse.move(at.x + at.width / 2, at.y + at.height / 2);
      await page.mouse.wheel(0, 200);
      await page.waitForFunction(() => (document.querySelector('.xc-maplibre-popup .xc-popup')?.scrollTop ?? 0) > 0, null, { timeout: 3_000 });
      assert.ok(await page.locator('.xc-maplibre-popup .maplibregl-popup-close-button').isVisible(), 'the close button stays in view');
      assert.deepEqual(errors, []);
    } finally {
      await page.close();
    }
  });
});
