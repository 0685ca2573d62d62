/**
 * The planning map in a real browser: it loads offline without errors, draws the layers, and the
 * popup, search, language switch, layer switch and URL-kept view work as a user would use them.
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { launchBrowser, openMap, renderedIds, startApp, waitForIdle, type MapPage, type RunningApp } from './harness.ts';

interface Feature {
  id: string;
  geometry: { type: string; coordinates: unknown } | null;
  properties: Record<string, unknown>;
}

describe('planning map (browser)', () => {
  let app: RunningApp;
  let browser: Browser;
  let map: MapPage;
  let projects: Feature[];
  let zones: Feature[];

  before(async () => {
    [app, browser] = await Promise.all([startApp(), launchBrowser()]);
    const get = async (id: string) => ((await (await fetch(`${app.url}api/collections/${id}/items?limit=5000`)).json()) as { features: Feature[] }).features;
    [projects, zones] = await Promise.all([get('projects'), get('zones')]);
    map = await openMap(browser, app.url);
  });

  after(async () => {
    await browser?.close();
    await app?.close();
  });

  test('loads with no console error and no request leaving this machine', async () => {
    assert.equal(await map.page.getAttribute('#app', 'data-state'), 'ready');
    assert.deepEqual(map.errors, []);
    assert.deepEqual(map.externalRequests, []);
    // First open fits the district: the hash now holds a view near Xincheng (≈111.8 E, 40.9 N).
    const [zoom, lat, lon] = (await map.page.evaluate(() => location.hash)).slice(1).split('/').map(Number);
    assert.ok(zoom > 8 && zoom < 13, `zoom ${zoom}`);
    assert.ok(Math.abs(lat - 40.95) < 0.3 && Math.abs(lon - 111.8) < 0.4, `centre ${lat}, ${lon}`);
  });

  test('draws the zones, the projects and the district label', async () => {
    assert.ok(zones.length > 0 && projects.length > 0, 'geodata has zones and projects');
    const zoneIds = await renderedIds(map.page, ['zones-fill']);
    assert.deepEqual(zoneIds.sort(), zones.map((z) => z.id).sort(), 'every zone is drawn in the first view');
    const drawable = projects.filter((p) => p.geometry !== null).map((p) => p.id);
    const projectIds = await renderedIds(map.page, ['projects-circle', 'projects-fill', 'projects-line']);
    assert.ok(projectIds.length > 0, 'some projects are drawn');
    for (const id of projectIds) assert.ok(drawable.includes(id), `${id} is a project with a site`);
    // A symbol is only returned once its glyphs were drawn and placed: labels render offline.
    const label = await map.page.evaluate(() => {
      const f = window.__map!.queryRenderedFeatures({ layers: ['district-label'] })[0];
      return (f?.layer.layout as { 'text-field'?: { sections: { text: string }[] } } | undefined)?.['text-field']?.sections[0].text;
    });
    assert.equal(label, '新城区');
    await map.page.screenshot({ path: screenshotPath('map-overview.png') });
  });

  test('clicking a project opens its popup with its name', async () => {
    const target = await map.page.evaluate(() => {
      const m = window.__map!;
      const panelRight = document.querySelector('.maplibregl-ctrl-top-left .xc-panel')!.getBoundingClientRect().right;
      const { clientWidth: w, clientHeight: h } = m.getContainer();
      for (const f of m.queryRenderedFeatures({ layers: ['projects-circle'] })) {
        if (f.geometry.type !== 'Point') continue;
        const p = m.project(f.geometry.coordinates as [number, number]);
        // Only a site drawn on top of everything else at that pixel: a click there means this project.
        const top = m.queryRenderedFeatures([p.x, p.y], { layers: window.__xc!.interactiveLayers() })[0];
        if (top?.properties._fid !== f.properties._fid) continue;
        if (p.x > panelRight + 20 && p.x < w - 80 && p.y > 80 && p.y < h - 80) return { x: p.x, y: p.y, id: String(f.properties._fid) };
      }
      return null;
    });
    assert.ok(target, 'a project circle is visible beside the panel');
    await map.page.mouse.click(target.x, target.y);
    const popup = map.page.locator('.xc-popup[data-layer="projects"]');
    await popup.waitFor();
    assert.equal(await popup.getAttribute('data-feature'), target.id);
    const clicked = projects.find((p) => p.id === target.id)!;
    assert.equal(await popup.locator('.xc-popup-title').textContent(), clicked.properties.name_zh);
    await map.page.screenshot({ path: screenshotPath('map-popup.png') });
    await map.page.locator('.maplibregl-popup-close-button').click();
    await popup.waitFor({ state: 'detached' });
  });

  test('search finds a project by partial Chinese and English name and flies to it', async () => {
    const project = projects.find((p) => p.geometry?.type === 'Point' && String(p.properties.name_en ?? '').length > 8)!;
    assert.ok(project, 'a located project with an English name');
    const nameZh = String(project.properties.name_zh);
    const nameEn = String(project.properties.name_en);
    const [lon, lat] = project.geometry!.coordinates as [number, number];
    const input = map.page.locator('.xc-search-input');

    for (const query of [nameZh.slice(0, Math.min(4, nameZh.length)), nameEn.slice(1, 9).toUpperCase()]) {
      await input.fill(query);
      const result = map.page.locator(`.xc-search-result[data-layer="projects"][data-feature="${project.id}"]`);
      await result.waitFor();
      await result.click();
      await map.page.locator(`.xc-popup[data-feature="${project.id}"]`).waitFor();
      await waitForIdle(map.page);
      const center = await map.page.evaluate(() => window.__map!.getCenter().toArray());
      const projected = await map.page.evaluate(([x, y]) => window.__map!.project([x, y]), [lon, lat] as [number, number]);
      const { width, height } = map.page.viewportSize()!;
      assert.ok(projected.x > 0 && projected.x < width && projected.y > 0 && projected.y < height, `project on screen for "${query}" (centre ${center})`);
      assert.ok((await renderedIds(map.page, ['projects-circle'])).includes(project.id), 'the project is drawn where the map flew');
      await map.page.locator('.maplibregl-popup-close-button').click();
    }
  });

  test('search leaves out unnamed features and tells apart features with the same name', async () => {
    await map.page.locator('.xc-search-input').fill('公园');
    await map.page.locator('.xc-search-result').first().waitFor();
    const rows = await map.page.locator('.xc-search-result').evaluateAll((els) => els.map((e) => `${(e as HTMLElement).dataset.layer}|${e.querySelector('.xc-search-name')?.textContent}`));
    assert.ok(rows.length > 0);
    assert.ok(rows.every((r) => !r.includes('未命名')), rows.join(', '));
    assert.equal(new Set(rows).size, rows.length, `no two rows alike: ${rows.join(', ')}`);
    await map.page.locator('.xc-search-input').fill('');
  });

  test('MapLibre controls and unnamed stations follow the language', async () => {
    assert.equal(await map.page.getAttribute('.maplibregl-ctrl-zoom-in', 'title'), '放大');
    assert.equal(await map.page.getAttribute('.maplibregl-ctrl-fullscreen', 'title'), '全屏显示');
    await map.page.locator('.xc-lang-switch').click();
    await map.page.locator('.xc-title', { hasText: 'Xincheng planning map' }).waitFor();
    assert.equal(await map.page.getAttribute('.maplibregl-ctrl-zoom-in', 'title'), 'Zoom in');
    assert.equal(await map.page.getAttribute('.xc-mode-switch', 'aria-label'), 'Investor view');
    // Station labels at a zoom they are drawn: none for unnamed stations, none mixing scripts.
    await map.page.evaluate(() => window.__map!.jumpTo({ center: [111.72, 40.84], zoom: 13.5 }));
    await waitForIdle(map.page);
    const labels = await map.page.evaluate(() =>
      window.__map!.queryRenderedFeatures({ layers: ['facilities-icon'] }).map((f) => (f.layer.layout as { 'text-field'?: { sections: { text: string }[] } })['text-field']?.sections.map((x) => x.text).join('') ?? ''),
    );
    assert.ok(labels.length > 0, 'stations drawn');
    for (const l of labels) assert.ok(!/Unnamed|未命名/.test(l) && !/[\u4e00-\u9fff]/.test(l), `English label "${l}"`);
    await map.page.locator('.xc-lang-switch').click();
    await map.page.locator('.xc-title', { hasText: '新城区规划地图' }).waitFor();
  });

  test('switching the language changes the UI strings and the map labels', async () => {
    const zoneLabel = () =>
      map.page.evaluate(() => {
        const f = window.__map!.queryRenderedFeatures({ layers: ['zones-label'] })[0];
        const text = (f?.layer.layout as { 'text-field'?: { sections: { text: string }[] } } | undefined)?.['text-field']?.sections[0].text;
        return { text, zh: f?.properties.name_zh, en: f?.properties.name_en };
      });
    await map.page.evaluate(() => window.__map!.jumpTo({ center: [111.76, 40.86], zoom: 11.5 }));
    await waitForIdle(map.page);
    const before = await zoneLabel();
    assert.equal(before.text, before.zh);
    assert.equal(await map.page.locator('.xc-title').textContent(), '新城区规划地图');

    await map.page.locator('.xc-lang-switch').click();
    await waitForIdle(map.page);
    assert.equal(await map.page.locator('.xc-title').textContent(), 'Xincheng planning map');
    assert.equal(await map.page.getAttribute('html', 'lang'), 'en');
    assert.match((await map.page.getAttribute('.xc-search-input', 'placeholder')) ?? '', /Search/);
    assert.equal(await map.page.locator('.xc-layer[data-layer="zones"] .xc-layer-title').textContent(), 'Industrial support zones');
    const after = await zoneLabel();
    assert.ok(after.en, 'zones have English names');
    assert.equal(after.text, after.en);
    await map.page.screenshot({ path: screenshotPath('map-english.png') });

    await map.page.locator('.xc-lang-switch').click();
    await map.page.locator('.xc-title', { hasText: '新城区规划地图' }).waitFor();
  });

  test('the layer switch hides a layer', async () => {
    assert.ok((await renderedIds(map.page, ['zones-fill'])).length > 0);
    const toggle = map.page.locator('.xc-layer[data-layer="zones"] .xc-layer-toggle');
    await toggle.uncheck();
    await waitForIdle(map.page);
    assert.deepEqual(await renderedIds(map.page, ['zones-fill', 'zones-line']), []);
    assert.equal(await map.page.evaluate(() => window.__map!.getLayoutProperty('zones-fill', 'visibility')), 'none');
    await toggle.check();
    await waitForIdle(map.page);
    assert.ok((await renderedIds(map.page, ['zones-fill'])).length > 0);
  });

  test('the map follows every selection: a fly to a point, then a fit to a zone, with the dock open (issue 13 #1)', async () => {
    const { page } = map;
    const warnings: string[] = [];
    const listen = (m: { type(): string; text(): string }) => {
      if (/cannot fit/i.test(m.text())) warnings.push(m.text());
    };
    page.on('console', listen);
    await page.click('.xc-analysis-toggle');
    const point = projects.find((f) => f.geometry?.type === 'Point')!;
    await page.evaluate((id) => window.__xc!.interaction.focus('projects', id), point.id);
    await page.waitForFunction(() => !window.__map!.isMoving());
    await page.waitForTimeout(900);
    const zone = zones[0];
    await page.evaluate((id) => window.__xc!.interaction.focus('zones', id), zone.id);
    await page.waitForTimeout(1000);
    await page.waitForFunction(() => !window.__map!.isMoving());
    const r = await page.evaluate((id) => {
      const m = window.__map!;
      const f = window.__xc!.store.feature('zones', id)!;
      const ring = (f.geometry as GeoJSON.Polygon).coordinates[0];
      const xs = ring.map((p) => m.project(p as [number, number]));
      const drawer = document.querySelector('.xc-analysis-drawer')!.getBoundingClientRect();
      return { padding: m.getPadding(), minX: Math.min(...xs.map((p) => p.x)), maxX: Math.max(...xs.map((p) => p.x)), minY: Math.min(...xs.map((p) => p.y)), maxY: Math.max(...xs.map((p) => p.y)), drawerLeft: drawer.left, height: m.getContainer().clientHeight };
    }, zone.id);
    page.off('console', listen);
    await page.click('.xc-analysis-close');
    assert.deepEqual(warnings, []);
    assert.deepEqual(r.padding, { top: 0, bottom: 0, left: 0, right: 0 }, 'no padding left on the map');
    assert.ok(r.maxX <= r.drawerLeft && r.minY >= 0 && r.maxY <= r.height, `the zone is in view, clear of the drawer: ${JSON.stringify(r)}`);
  });

  test('a reload keeps the view from the URL hash', async () => {
    await map.page.evaluate(() => window.__map!.jumpTo({ center: [111.7123, 40.8456], zoom: 13.25 }));
    await waitForIdle(map.page);
    await map.page.waitForFunction(() => location.hash.startsWith('#13.25/'));
    await map.page.reload();
    await map.page.waitForFunction(() => document.getElementById('app')?.dataset.idle === 'true');
    const view = await map.page.evaluate(() => ({ zoom: window.__map!.getZoom(), center: window.__map!.getCenter().toArray() }));
    assert.ok(Math.abs(view.zoom - 13.25) < 0.01, `zoom ${view.zoom}`);
    assert.ok(Math.abs(view.center[0] - 111.7123) < 0.001 && Math.abs(view.center[1] - 40.8456) < 0.001, `centre ${view.center}`);
  });

  test('an API error shows a readable message, not a blank map', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    try {
      await page.route('**/api/collections/projects/items*', (route) =>
        route.fulfill({
          status: 500,
          contentType: 'application/json',
          body: JSON.stringify({ code: 'ServerError', description: 'Internal server error; the server log has details.' }),
        }),
      );
      await page.goto(app.url);
      const alert = page.locator('.xc-status-error');
      await alert.waitFor();
      assert.match((await alert.textContent()) ?? '', /规划项目.*Internal server error/);
      // The other layers still load and draw.
      await page.waitForFunction(() => document.getElementById('app')?.dataset.idle === 'true');
      assert.equal(await page.getAttribute('#app', 'data-state'), 'error');
      assert.ok((await renderedIds(page, ['zones-fill'])).length > 0);
      await page.screenshot({ path: screenshotPath('map-api-error.png') });
    } finally {
      await page.close();
    }
  });
});


function screenshotPath(name: string): string {
  mkdirSync('test-results', { recursive: true });
  return `test-results/${name}`;
}
