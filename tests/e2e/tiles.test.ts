/**
 * A large collection on the map: an office parcel layer of 2 100 polygons is drawn from the API's
 * vector tiles (not downloaded whole), a click fetches the whole feature for its popup, and after an
 * edit in the Edit tool the map shows the new value from fresh tiles.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { systemContext } from '../../api/audit/audited.ts';
import { createUser } from '../../api/auth/accounts.ts';
import { createApp } from '../../api/app.ts';
import { TILED_ABOVE_FEATURES, tiledLabelMinzoom } from '../../core/tiling.ts';
import { commitLayer } from '../helpers/coverage-layers.ts';
import { testUser } from '../helpers/users.ts';
import { launchBrowser, openMap, startApp, waitForIdle, type MapPage, type RunningApp } from './harness.ts';

const LAYER = 'parcels_e2e';
const PASSWORD = 'planner password 1';
const COLS = 50;
const ROWS = 42;
/** 20 m parcels 30 m apart in a block of the city, west to east then south to north. */
function parcels() {
  const [lon0, lat0] = [111.69, 40.835];
  const dLon = 30 / (111_320 * Math.cos((lat0 * Math.PI) / 180));
  const dLat = 30 / 111_045;
  const out = [];
  for (let r = 0; r < ROWS; r++) {
    for (let c = 0; c < COLS; c++) {
      const [x, y] = [lon0 + c * dLon, lat0 + r * dLat];
      const [w, h] = [(dLon * 2) / 3, (dLat * 2) / 3];
      out.push({
        type: 'Feature',
        properties: { name_zh: `地块-${r}-${c}`, kind: c % 3 === 0 ? '居住' : '商业' },
        geometry: { type: 'Polygon', coordinates: [[[x, y], [x + w, y], [x + w, y + h], [x, y + h], [x, y]].map(([a, b]) => [Math.round(a * 1e7) / 1e7, Math.round(b * 1e7) / 1e7])] },
      });
    }
  }
  return out;
}

describe('a large layer drawn from vector tiles', () => {
  let app: RunningApp;
  let browser: Browser;
  let m: MapPage;
  let page: Page;
  const tileRequests: string[] = [];
  const itemRequests: string[] = [];

  before(async () => {
    app = await startApp();
    assert.ok(ROWS * COLS > TILED_ABOVE_FEATURES);
    const planner = await testUser(app.db, 'planner');
    const api = createApp({ db: app.db, config: { BASEMAPS: [] } });
    const committed = await commitLayer(api, planner.auth, LAYER, 'reference', parcels(), { titleZh: '测试地块' });
    assert.equal(committed.featureCount, ROWS * COLS);
    // A control layer as large, a little to the east: tiled too, so it cannot be in the browser's instant check.
    const controls = parcels().map((f) => ({ ...f, geometry: { ...f.geometry, coordinates: f.geometry.coordinates.map((r) => r.map(([x, y]) => [Math.round((x + 0.03) * 1e7) / 1e7, y])) } }));
    await commitLayer(api, planner.auth, 'controls_e2e', 'control', controls, { titleZh: '测试管控' });
    await createUser(app.db, systemContext('e2e'), { username: 'zhao', password: PASSWORD, role: 'planner' });
    browser = await launchBrowser();
    m = await openMap(browser, app.url, async (p) => {
      p.on('request', (r) => {
        const u = new URL(r.url());
        if (u.pathname.startsWith(`/api/collections/${LAYER}/tiles/`)) tileRequests.push(u.pathname);
        if (u.pathname.startsWith(`/api/collections/${LAYER}/items`)) itemRequests.push(u.pathname + u.search);
      });
    });
    page = m.page;
  });
  after(async () => {
    await browser?.close();
    await app?.close();
  });

  /** The name of parcel `id` as the map draws it now (from its tiles). */
  const drawnName = (id: string) =>
    page.evaluate(([layer, fid]) => window.__map!.queryRenderedFeatures({ layers: [`${layer}-fill`] }).find((f) => f.properties.id === fid)?.properties.name_zh as string | undefined, [LAYER, id]);

  test('the layer is a vector-tile source: tiles are fetched, the collection is never downloaded whole', async () => {
    assert.equal(await page.evaluate((id) => window.__map!.getSource(id)?.type, LAYER), 'vector');
    await page.evaluate(() => window.__map!.jumpTo({ center: [111.6975, 40.8405], zoom: 16 }));
    await waitForIdle(page);
    assert.ok(tileRequests.some((p) => /\/WebMercatorQuad\/16\/\d+\/\d+$/.test(p)), tileRequests.join('\n'));
    assert.deepEqual(itemRequests, [], 'no items request for the tiled layer');
    const drawn = await page.evaluate((layer) => window.__map!.queryRenderedFeatures({ layers: [`${layer}-fill`] }).length, LAYER);
    assert.ok(drawn > 20, `${drawn} parcels drawn at z16`);
  });

  test('drawn cheaply: outlines are the fill\'s own, labels from the zoom where the parcels are 96 px apart', async () => {
    const style = await page.evaluate((layer) => {
      const map = window.__map!;
      return {
        line: map.getLayer(`${layer}-line`)?.id ?? null,
        outline: map.getPaintProperty(`${layer}-fill`, 'fill-outline-color'),
        lineColor: map.getPaintProperty(`${layer}-fill`, 'fill-color'),
        labelMinzoom: map.getLayer(`${layer}-label`)?.minzoom,
      };
    }, LAYER);
    assert.equal(style.line, null, 'no line layer tessellating every parcel edge');
    assert.deepEqual(style.outline, style.lineColor, 'the outline in the layer colour');
    const info = (await (await fetch(`${app.url}api/collections/${LAYER}`)).json()) as { extent: { spatial: { bbox: number[][] } } };
    // 2 100 parcels ~30 m apart over their extent: 96 px apart from z17.54, rounded up to z18 (core/tiling.ts, unit-tested).
    assert.equal(style.labelMinzoom, tiledLabelMinzoom(ROWS * COLS, info.extent.spatial.bbox[0]));
    assert.equal(style.labelMinzoom, 18);
    // The legend counts the server's features, not the (none) in the browser.
    assert.equal(await page.locator(`.xc-layer[data-layer="${LAYER}"] .xc-legend-count`).textContent(), String(ROWS * COLS));
  });

  test('a click on a parcel fetches it whole and shows its popup', async () => {
    const target = await page.evaluate((layer) => {
      const map = window.__map!;
      const f = map.queryRenderedFeatures({ layers: [`${layer}-fill`] })[0];
      const ring = (f.geometry as GeoJSON.Polygon).coordinates[0];
      const lon = ring.reduce((s, p) => s + p[0], 0) / ring.length;
      const lat = ring.reduce((s, p) => s + p[1], 0) / ring.length;
      const p = map.project([lon, lat]);
      return { id: String(f.properties.id), name: String(f.properties.name_zh), x: p.x, y: p.y };
    }, LAYER);
    const box = (await page.locator('#map canvas').boundingBox())!;
    await page.mouse.click(box.x + target.x, box.y + target.y);
    await page.waitForFunction((name) => document.querySelector('.xc-maplibre-popup')?.textContent?.includes(name), target.name);
    assert.ok(itemRequests.some((p) => p.endsWith(`/items/${encodeURIComponent(target.id)}`)), itemRequests.join('\n'));
  });

  test('renamed in the Edit tool, the parcel shows its new name from fresh tiles', async () => {
    await page.click('.xc-account-in');
    await page.fill('.xc-login input[name=username]', 'zhao');
    await page.fill('.xc-login input[name=password]', PASSWORD);
    await page.click('.xc-login button[type=submit]');
    await page.waitForSelector('.xc-account-user');
    if (!(await page.locator('.xc-analysis-drawer').isVisible())) await page.click('.xc-analysis-toggle');
    await page.click('.xc-analysis-tab[data-tool=edit]');
    await page.waitForSelector('.xc-edit');
    const id = await page.evaluate((layer) => String(window.__map!.queryRenderedFeatures({ layers: [`${layer}-fill`] })[0].properties.id), LAYER);
    const before = await drawnName(id);
    assert.ok(before?.startsWith('地块-'), before);
    await page.evaluate(([layer, fid]) => window.__xc!.interaction.focus(layer, fid), [LAYER, id]);
    await page.waitForSelector(`.xc-edit-feature[data-feature="${id}"]`, { timeout: 30_000 });
    await page.fill('.xc-edit-field[data-prop=name_zh] input', '已改名地块');
    await page.dispatchEvent('.xc-edit-field[data-prop=name_zh] input', 'change');
    await page.fill('.xc-edit-reason', '瓦片测试 (e2e)');
    const tilesBefore = tileRequests.length;
    await page.click('.xc-edit-save');
    const outcome = await page.waitForSelector('.xc-edit-ok, .xc-edit-error', { timeout: 60_000 });
    assert.ok(await outcome.evaluate((e) => e.classList.contains('xc-edit-ok')), `the save failed: ${await outcome.textContent()}`);
    await page.waitForFunction(
      ([layer, fid]) => window.__map!.queryRenderedFeatures({ layers: [`${layer}-fill`] }).find((f) => f.properties.id === fid)?.properties.name_zh === '已改名地块',
      [LAYER, id],
      { timeout: 30_000 },
    );
    assert.ok(tileRequests.length > tilesBefore, 'the tiles were asked for again');
  });

  test('a tiled control layer is left out of the instant compliance estimate, which says so', async () => {
    if (!(await page.locator('.xc-analysis-drawer').isVisible())) await page.click('.xc-analysis-toggle');
    await page.click('.xc-analysis-tab[data-tool=compliance]');
    await page.evaluate(() => window.__map!.jumpTo({ center: [111.7275, 40.8405], zoom: 15, bearing: 0, pitch: 0 }));
    await waitForIdle(page);
    const tool = page.locator('.xc-analysis-tool[data-tool=compliance]');
    await tool.locator('.xc-cmp-input-tab[data-pane="draw"]').click();
    await tool.locator('.xc-cmp-draw-polygon').click();
    const c = await page.evaluate(() => {
      const p = window.__map!.project([111.7275, 40.8405]);
      const r = window.__map!.getCanvas().getBoundingClientRect();
      return { x: r.left + p.x, y: r.top + p.y };
    });
    for (const [x, y] of [[c.x - 60, c.y - 60], [c.x + 60, c.y - 60], [c.x + 60, c.y + 60]]) {
      await page.mouse.move(x, y, { steps: 4 });
      await page.mouse.click(x, y);
    }
    const instant = tool.locator('.xc-cmp-result[data-source="instant"]');
    await instant.waitFor();
    assert.match((await instant.locator('.xc-cmp-instant-without').textContent()) ?? '', /测试管控.*服务器结果为准/);
    await page.keyboard.press('Escape');
  });

  test('no console errors and nothing fetched from outside', () => {
    assert.deepEqual(m.errors, []);
    assert.deepEqual(m.externalRequests, []);
  });
});
