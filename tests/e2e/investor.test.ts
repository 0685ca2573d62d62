/**
 * The investor view in a real browser: a permalink restores zone, layers, sectors, language and
 * mode; the language switch changes cards and map labels; the sector filter changes the projects
 * drawn; PNG and PDF exports have the asked-for size; a malformed link still opens the map.
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { after, before, describe, test } from 'node:test';
import { inflateSync } from 'node:zlib';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, openMap, renderedIds, startApp, waitForIdle, type MapPage, type RunningApp } from './harness.ts';

interface Feature {
  id: string;
  geometry: { type: string; coordinates: unknown } | null;
  properties: Record<string, unknown>;
}

const PROJECT_LAYERS = ['projects-circle', 'projects-fill', 'projects-line'];
/** A4 and A3 in PDF points (1/72 inch), portrait. */
const PAPER_PT = { a4: [595.28, 841.89], a3: [841.89, 1190.55] } as const;

function shot(name: string): string {
  mkdirSync('test-results', { recursive: true });
  return `test-results/${name}`;
}

/** Width and height from a PNG's IHDR, and whether its pixels vary (not one flat colour). */
function pngInfo(bytes: Buffer): { width: number; height: number; varied: boolean } {
  assert.equal(bytes.subarray(0, 8).toString('hex'), '89504e470d0a1a0a', 'PNG signature');
  const width = bytes.readUInt32BE(16);
  const height = bytes.readUInt32BE(20);
  const idat: Buffer[] = [];
  for (let at = 8; at < bytes.length; ) {
    const length = bytes.readUInt32BE(at);
    const type = bytes.subarray(at + 4, at + 8).toString('latin1');
    if (type === 'IDAT') idat.push(bytes.subarray(at + 8, at + 8 + length));
    at += 12 + length;
  }
  const channels = ({ 2: 3, 6: 4 } as Record<number, number>)[bytes[25]];
  assert.ok(channels && bytes[24] === 8, 'an 8-bit RGB or RGBA PNG');
  const pixels = unfilter(inflateSync(Buffer.concat(idat)), width, height, channels);
  // Sample pixels over the image: a blank render is one colour throughout.
  const colours = new Set<string>();
  for (let y = 0; y < height; y += Math.floor(height / 16)) {
    for (let x = 0; x < width; x += 23) colours.add(pixels.subarray((y * width + x) * channels, (y * width + x + 1) * channels).toString('hex'));
  }
  return { width, height, varied: colours.size > 20 };
}

/** PNG scanlines without their filters (PNG spec §9: None, Sub, Up, Average, Paeth). */
function unfilter(raw: Buffer, width: number, height: number, bpp: number): Buffer {
  const stride = width * bpp;
  const out = Buffer.alloc(stride * height);
  for (let y = 0; y < height; y++) {
    const type = raw[y * (stride + 1)];
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    for (let i = 0; i < stride; i++) {
      const a = i >= bpp ? out[y * stride + i - bpp] : 0;
      const b = y > 0 ? out[(y - 1) * stride + i] : 0;
      const c = i >= bpp && y > 0 ? out[(y - 1) * stride + i - bpp] : 0;
      const p = a + b - c;
      const [pa, pb, pc] = [Math.abs(p - a), Math.abs(p - b), Math.abs(p - c)];
      const predictor = [0, a, b, (a + b) >> 1, pa <= pb && pa <= pc ? a : pb <= pc ? b : c][type] ?? 0;
      out[y * stride + i] = (line[i] + predictor) & 255;
    }
  }
  return out;
}

async function exportFile(page: Page, choose: () => Promise<void>): Promise<Buffer> {
  await page.locator('.xc-export-open').click();
  await choose();
  const download = page.waitForEvent('download', { timeout: 60_000 });
  const progress = page.locator('.xc-export-progress').waitFor({ timeout: 10_000 });
  await page.locator('.xc-export-go').click();
  await progress;
  const file = await download;
  const path = await file.path();
  await page.locator('.xc-export-progress').waitFor({ state: 'detached' });
  return readFile(path);
}

describe('investor view (browser)', () => {
  let app: RunningApp;
  let browser: Browser;
  let zones: Feature[];
  let projects: Feature[];
  let map: MapPage;

  before(async () => {
    [app, browser] = await Promise.all([startApp(), launchBrowser()]);
    const get = async (id: string) => ((await (await fetch(`${app.url}api/collections/${id}/items?limit=5000`)).json()) as { features: Feature[] }).features;
    [zones, projects] = await Promise.all([get('zones'), get('projects')]);
  });

  after(async () => {
    await browser?.close();
    await app?.close();
  });

  test('a permalink opens the same zone, layers, sectors, language and view mode', async () => {
    const zone = zones.find((z) => projects.some((p) => p.properties.zone_id === z.id && p.geometry))!;
    const link = `#12/40.88/111.77/10/20&mode=presentation&lang=en&layers=zones,projects,parks&zone=${zone.id}&sectors=hitech,digital,education`;
    map = await openMap(browser, app.url + link);
    const { page } = map;
    assert.deepEqual(map.errors, []);
    assert.deepEqual(map.externalRequests, []);
    assert.ok(await page.locator('#app.xc-presenting').count(), 'presentation mode');
    assert.equal(await page.getAttribute('html', 'lang'), 'en');
    await page.locator(`.xc-zone-card.xc-zone-card-selected[data-zone="${zone.id}"]`).waitFor();
    assert.equal(await page.locator('.xc-zone-card-selected').count(), 1);
    const visibility = await page.evaluate(() =>
      Object.fromEntries(['zones-fill', 'projects-circle', 'parks-fill', 'facilities-icon', 'district-line', 'controls-fill'].map((id) => [id, window.__map!.getLayer(id) ? window.__map!.getLayoutProperty(id, 'visibility') : 'absent'])),
    );
    assert.deepEqual(visibility, { 'zones-fill': 'visible', 'projects-circle': 'visible', 'parks-fill': 'visible', 'facilities-icon': 'none', 'district-line': 'none', 'controls-fill': 'none' });
    const view = await page.evaluate(() => ({ zoom: window.__map!.getZoom(), bearing: window.__map!.getBearing(), pitch: window.__map!.getPitch(), center: window.__map!.getCenter().toArray() }));
    assert.ok(Math.abs(view.zoom - 12) < 0.01 && Math.abs(view.bearing - 10) < 0.1 && Math.abs(view.pitch - 20) < 0.1, JSON.stringify(view));
    assert.deepEqual(
      await page.locator('.xc-chip[aria-pressed="true"]').evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.sector).sort()),
      ['digital', 'education', 'hitech'],
    );
    // The hash written back is the same state, so the link in the address bar can be shared as is.
    await page.waitForFunction((id) => location.hash.includes(`zone=${id}`) && location.hash.includes('mode=presentation'), zone.id);
    const hash = await page.evaluate(() => location.hash);
    assert.match(hash, /^#12\/40\.88\/111\.77\/10\/20&/);
    assert.match(hash, /layers=zones,parks,projects|layers=zones,projects,parks/);
    await page.screenshot({ path: shot('investor-permalink.png') });

    // Opened in a fresh browser context: the same map.
    const other = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    try {
      const page2 = await other.newPage();
      await page2.goto(await page.evaluate(() => location.href));
      await page2.waitForFunction(() => document.getElementById('app')?.dataset.idle === 'true', null, { timeout: 30_000 });
      await page2.locator(`.xc-zone-card-selected[data-zone="${zone.id}"]`).waitFor();
      assert.equal(await page2.evaluate(() => window.__map!.getLayoutProperty('facilities-icon', 'visibility')), 'none');
      assert.equal(await page2.evaluate(() => location.hash), hash);
    } finally {
      await other.close();
    }
  });

  test('switching the language changes the cards and the map labels', async () => {
    const { page } = map;
    const zone = zones[0];
    await page.evaluate(() => window.__map!.jumpTo({ center: [111.76, 40.86], zoom: 11.5, bearing: 0, pitch: 0 }));
    await waitForIdle(page);
    const card = page.locator(`.xc-zone-card[data-zone="${zone.id}"] .xc-zone-name`);
    assert.equal(await card.textContent(), zone.properties.name_en);
    const labelTexts = () =>
      page.evaluate(() =>
        window.__map!.queryRenderedFeatures({ layers: ['zones-label'] }).map((f) => ({
          text: (f.layer.layout as { 'text-field'?: { sections: { text: string }[] } })['text-field']?.sections[0].text,
          zh: f.properties.name_zh,
          en: f.properties.name_en,
        })),
      );
    const before = await labelTexts();
    assert.ok(before.length > 0 && before.every((l) => l.text === l.en), 'English zone labels');
    await page.locator('.xc-lang-switch').click();
    await waitForIdle(page);
    assert.equal(await card.textContent(), zone.properties.name_zh);
    assert.equal(await page.locator('.xc-pres-title').textContent(), '投资推介');
    const after = await labelTexts();
    assert.ok(after.length > 0 && after.every((l) => l.text === l.zh), 'Chinese zone labels');
    await page.waitForFunction(() => location.hash.includes('lang=zh'));
    await page.screenshot({ path: shot('investor-zh.png') });
  });

  test('the sector filter changes the projects drawn and the cards', async () => {
    const { page } = map;
    await page.locator('.xc-chip-all').click();
    await page.evaluate(() => window.__map!.jumpTo({ center: [111.8, 40.9], zoom: 10.5 }));
    await waitForIdle(page);
    const all = await renderedIds(page, PROJECT_LAYERS);
    const sector = 'culture_tourism';
    const expected = all.filter((id) => projects.find((p) => p.id === id)?.properties.sector === sector);
    assert.ok(expected.length > 0 && expected.length < all.length, `${expected.length} of ${all.length} drawn projects are ${sector}`);
    await page.locator(`.xc-chip[data-sector="${sector}"]`).click();
    await waitForIdle(page);
    const filtered = await renderedIds(page, PROJECT_LAYERS);
    assert.deepEqual(filtered.sort(), expected.sort());
    // Cards list only projects of the sector.
    const listed = await page.locator('.xc-zone-project').evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.project!));
    assert.ok(listed.every((id) => projects.find((p) => p.id === id)?.properties.sector === sector), 'cards list only the chosen sector');
    await page.waitForFunction((s) => location.hash.includes(`sectors=${s}`), sector);
    await page.locator('.xc-chip-all').click();
    await waitForIdle(page);
    assert.equal((await renderedIds(page, PROJECT_LAYERS)).length, all.length);
  });

  test('a card flies to its zone, and a project shows its short profile', async () => {
    const { page } = map;
    const zone = zones.find((z) => projects.some((p) => p.properties.zone_id === z.id && p.geometry))!;
    await page.locator(`.xc-zone-card[data-zone="${zone.id}"] .xc-zone-card-head`).click();
    await waitForIdle(page);
    assert.ok((await renderedIds(page, ['zones-fill'])).includes(zone.id));
    assert.ok((await page.evaluate(() => window.__map!.queryRenderedFeatures({ layers: ['xc-focus-zone'] }).length)) > 0, 'the zone is outlined');
    const button = page.locator(`.xc-zone-card[data-zone="${zone.id}"] .xc-zone-project`).first();
    const projectId = (await button.getAttribute('data-project'))!;
    await button.click();
    const profile = page.locator(`.xc-profile[data-feature="${projectId}"]`);
    await profile.waitFor();
    assert.equal(await profile.locator('.xc-profile-title').textContent(), projects.find((p) => p.id === projectId)!.properties.name_zh);
    await waitForIdle(page);
    await page.screenshot({ path: shot('investor-card-selected.png') });
    await page.waitForFunction((id) => location.hash.includes(`project=${id}`), projectId);
    await page.locator('.xc-profile-popup .maplibregl-popup-close-button').click();
  });

  test('PNG export at 2× has twice the map size in pixels, the legend in a panel beside it, and is not blank', async () => {
    const { page } = map;
    const bytes = await exportFile(page, () => page.locator('input[name="xc-export-scale"][value="2"]').check());
    const info = pngInfo(bytes);
    const size = await page.evaluate(() => ({ w: window.__map!.getContainer().clientWidth, h: window.__map!.getContainer().clientHeight }));
    // The map at 2×, and at its right the 260-pixel panel (title, legend, small print) at 2×: nothing covers the map.
    assert.deepEqual({ width: info.width, height: info.height }, { width: (size.w + 260) * 2, height: size.h * 2 });
    assert.ok(info.varied, 'the image has content');
  });

  test('PDF export on A3 portrait is one page of that size', async () => {
    const { page } = map;
    const bytes = await exportFile(page, async () => {
      await page.locator('input[name="xc-export-format"][value="pdf"]').check();
      await page.locator('input[name="xc-export-paper"][value="a3"]').check();
      await page.locator('input[name="xc-export-orientation"][value="portrait"]').check();
    });
    const text = bytes.toString('latin1');
    assert.ok(text.startsWith('%PDF-'), 'a PDF');
    assert.equal(text.match(/\/Type\s*\/Page\b(?!s)/g)?.length, 1, 'one page');
    const box = /\/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]/.exec(text);
    assert.ok(box, 'a MediaBox');
    const [w, h] = PAPER_PT.a3;
    assert.ok(Math.abs(Number(box[1]) - w) < 1 && Math.abs(Number(box[2]) - h) < 1, `A3 portrait, got ${box[1]} × ${box[2]}`);
    assert.deepEqual(map.errors, [], 'no console errors through the whole session');
  });

  test('the share link on this machine warns that others cannot open it (no PUBLIC_URL)', async () => {
    const m = await openMap(browser, app.url);
    try {
      await m.page.locator('.xc-mode-switch').click();
      await m.page.locator('#app.xc-presenting').waitFor();
      await m.page.locator('.xc-share-open').click();
      const url = await m.page.locator('.xc-share-url').inputValue();
      assert.ok(url.startsWith(app.url), url);
      assert.match((await m.page.locator('.xc-share-warning').textContent()) ?? '', /他人无法打开.*PUBLIC_URL/);
    } finally {
      await m.page.close();
    }
  });

  test('entering the investor view folds the layer panel and fits the district beside the drawer', async () => {
    const m = await openMap(browser, app.url);
    try {
      await m.page.locator('.xc-mode-switch').click();
      await m.page.locator('#app.xc-presenting').waitFor();
      assert.equal(await m.page.locator('.xc-layer-panel.xc-layer-panel-folded').count(), 1, 'layer panel folded');
      assert.equal(await m.page.locator('.xc-layer-panel .xc-layer').first().isVisible(), false, 'no layer rows shown');
      await waitForIdle(m.page);
      const fit = await m.page.evaluate(() => {
        const map = window.__map!;
        const drawer = document.querySelector('.xc-presentation')!.getBoundingClientRect();
        const district = window.__xc!.store.features.get('district')!.find((f) => f.properties.role === 'district')!;
        const ring = (district.geometry as { coordinates: number[][][] | number[][][][] }).coordinates.flat(Infinity) as unknown as number[];
        let maxX = -Infinity;
        for (let i = 0; i < ring.length; i += 2) maxX = Math.max(maxX, map.project([ring[i], ring[i + 1]]).x);
        return { maxX, drawerLeft: drawer.left };
      });
      assert.ok(fit.maxX < fit.drawerLeft, `district left of the drawer: ${JSON.stringify(fit)}`);
      // The folded panel opens to a compact legend.
      await m.page.locator('.xc-layer-panel-toggle').click();
      assert.ok(await m.page.locator('.xc-layer-panel .xc-layer[data-layer="zones"]').isVisible());
      assert.equal(await m.page.locator('.xc-layer-panel .xc-opacity').first().isVisible(), false, 'no opacity sliders');
      assert.deepEqual(m.errors, []);
    } finally {
      await m.page.close();
    }
  });

  test('a malformed or hand-edited link opens the map with its valid parts', async () => {
    const bad = '#99/abc/%E4%B8&zone=zone-atlantis&layers=roads,zones,%zz&lang=en&mode=kiosk&sectors=%&project=<x>&&=';
    const m = await openMap(browser, app.url + bad);
    try {
      assert.deepEqual(m.errors, []);
      assert.equal(await m.page.getAttribute('#app', 'data-state'), 'ready');
      assert.equal(await m.page.getAttribute('html', 'lang'), 'en');
      assert.equal(await m.page.locator('#app.xc-presenting').count(), 0, 'unknown mode → planner view');
      assert.equal(await m.page.evaluate(() => window.__map!.getLayoutProperty('zones-fill', 'visibility')), 'visible');
      assert.equal(await m.page.evaluate(() => window.__map!.getLayoutProperty('projects-circle', 'visibility')), 'none');
      assert.ok((await renderedIds(m.page, ['zones-fill'])).length > 0, 'zones drawn: the district view was fitted');
      // Editing the hash in the running app is read the same forgiving way.
      await m.page.evaluate(() => (location.hash = '#11/40.9/111.8&mode=presentation&zone=zone-nowhere&layers=projects'));
      await m.page.locator('#app.xc-presenting').waitFor();
      assert.deepEqual(m.errors, []);
    } finally {
      await m.page.close();
    }
  });
});
