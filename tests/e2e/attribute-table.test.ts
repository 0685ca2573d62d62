/**
 * The attribute table in a real browser (issue 13): the projects table opens from the layer panel
 * with the catalogue's Chinese column titles, sorts by area, filters by a name; a row click zooms
 * the map to its feature and highlights it; a feature clicked on the map selects its row; the
 * selection exports as CSV (BOM, Chinese headers) with exactly the selected rows.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { launchBrowser, openMap, showLayerList, waitForIdle, type MapPage, type RunningApp, startApp } from './harness.ts';

interface Feature {
  id: string;
  geometry: { type: string; coordinates: unknown } | null;
  properties: Record<string, unknown>;
}

describe('attribute table (browser)', () => {
  let app: RunningApp;
  let browser: Browser;
  let map: MapPage;
  let projects: Feature[];

  before(async () => {
    [app, browser] = await Promise.all([startApp(), launchBrowser()]);
    projects = ((await (await fetch(`${app.url}api/collections/projects/items?limit=5000`)).json()) as { features: Feature[] }).features;
    map = await openMap(browser, app.url);
  });

  after(async () => {
    await browser?.close();
    await app?.close();
  });

  test('opens from the layer panel, sorts by area, filters, zooms to a row, follows the map, exports the selection', async () => {
    const { page } = map;
    await showLayerList(page);
    await page.locator('.xc-layer[data-layer="projects"] .xc-layer-table').click();
    const table = page.locator('.xc-attr-table[data-layer="projects"]');
    await table.waitFor();
    const headers = await table.locator('thead th').allTextContents();
    for (const title of ['名称', '产业类别', '面积', '所在支撑区', '来源']) assert.ok(headers.some((h) => h.startsWith(title)), `column ${title} in ${headers.join(' | ')}`);
    assert.equal(await table.locator('tbody tr').count(), projects.length, 'one row per project');

    // Sort by area, largest first: the first row is the largest project.
    const areaHeader = table.locator('th[data-column="area_square_meters"] button');
    await areaHeader.click();
    await areaHeader.click();
    assert.equal(await table.locator('th[data-column="area_square_meters"]').getAttribute('aria-sort'), 'descending');
    const byArea = projects.filter((p) => typeof p.properties.area_square_meters === 'number').sort((a, b) => Number(b.properties.area_square_meters) - Number(a.properties.area_square_meters));
    assert.equal(await table.locator('tbody tr').first().getAttribute('data-feature'), byArea[0].id);

    // Filter by a name: the point project of the identify test, found by part of its name.
    const target = projects.find((p) => p.geometry?.type === 'Point' && String(p.properties.name_zh).length >= 6)!;
    const query = String(target.properties.name_zh).slice(0, 6);
    await table.locator('.xc-attr-filter').fill(query);
    const shown = await table.locator('tbody tr').evaluateAll((rows) => rows.map((r) => (r as HTMLElement).dataset.feature));
    assert.ok(shown.includes(target.id) && shown.length < projects.length, `filtered to ${shown.length} rows`);

    // A row click zooms the map to its feature and highlights it.
    await page.evaluate(() => window.__map!.jumpTo({ center: [111.2, 40.5], zoom: 12 }));
    await table.locator(`tbody tr[data-feature="${target.id}"]`).click();
    await waitForIdle(page);
    const [lon, lat] = target.geometry!.coordinates as [number, number];
    assert.ok(await page.evaluate(([x, y]) => window.__map!.getBounds().contains([x, y]), [lon, lat]), 'the map bounds contain the project');
    assert.equal(await table.locator(`tbody tr[data-feature="${target.id}"]`).getAttribute('aria-selected'), 'true');
    assert.deepEqual(await page.evaluate(() => window.__xc!.interaction.current), { layerId: 'projects', featureId: target.id });
    const highlighted = await page.evaluate(async () => {
      const src = window.__map!.getSource('xc-highlight') as unknown as { getData(): Promise<{ features: { properties: { role: string }; geometry: { coordinates: unknown } }[] }> };
      return (await src.getData()).features.filter((f) => f.properties.role === 'selected').map((f) => f.geometry.coordinates);
    });
    assert.deepEqual(highlighted, [[lon, lat]], 'the project is highlighted');
    // The project is drawn on screen, above the table.
    const px = await page.evaluate(([x, y]) => window.__map!.project([x, y]), [lon, lat] as [number, number]);
    const tableTop = (await table.boundingBox())!.y;
    assert.ok(px.y < tableTop, `the project (y ${px.y}) is not under the table (top ${tableTop})`);

    // A feature chosen on the map selects its row: clear the filter, click another located project on the map.
    await table.locator('.xc-attr-filter').fill('');
    await page.locator('.maplibregl-popup-close-button').click();
    const other = await page.evaluate((skip) => {
      const m = window.__map!;
      for (const f of m.queryRenderedFeatures({ layers: ['projects-circle'] })) {
        if (f.properties._fid === skip || f.geometry.type !== 'Point') continue;
        const p = m.project(f.geometry.coordinates as [number, number]);
        const top = m.queryRenderedFeatures([p.x, p.y], { layers: window.__xc!.interactiveLayers() })[0];
        const el = document.elementFromPoint(p.x, p.y);
        if (top?.properties._fid === f.properties._fid && el === m.getCanvas()) return { x: p.x, y: p.y, id: String(f.properties._fid) };
      }
      return null;
    }, target.id);
    assert.ok(other, 'another project on screen to click');
    await page.mouse.click(other.x, other.y);
    const row = table.locator(`tbody tr[data-feature="${other.id}"]`);
    await page.waitForFunction((id) => document.querySelector(`.xc-attr-table tr[data-feature="${id}"]`)?.getAttribute('aria-selected') === 'true', other.id);
    assert.equal(await table.locator('tbody tr[aria-selected="true"]').count(), 1, 'only its row is selected');
    assert.ok(await row.isVisible(), 'its row is scrolled into view');

    // Ctrl-click adds the first project's row; the export has both rows, Chinese headers, a BOM.
    await table.locator(`tbody tr[data-feature="${target.id}"]`).click({ modifiers: ['Control'] });
    assert.equal(await table.locator('tbody tr[aria-selected="true"]').count(), 2);
    const [download] = await Promise.all([page.waitForEvent('download'), table.locator('.xc-attr-export-csv').click()]);
    assert.match(download.suggestedFilename(), /^projects-\d{4}-\d{2}-\d{2}\.csv$/);
    const text = readFileSync((await download.path())!, 'utf8');
    assert.equal(text.charCodeAt(0), 0xfeff, 'UTF-8 BOM');
    const [header, ...lines] = text.slice(1).trim().split('\r\n');
    assert.ok(header.startsWith('编号,名称,'), header);
    assert.ok(header.includes('面积（平方米）') && header.includes('产业类别'), header);
    assert.deepEqual(lines.map((l) => l.split(',')[0]).sort(), [target.id, other.id].sort(), 'the selected rows, and only them');
    assert.ok(lines.some((l) => l.includes(String(target.properties.name_zh))), 'with the Chinese name');
    assert.deepEqual(map.errors, []);
  });
});
