/**
 * Identify in a real browser (issue 13 #8): a click where a support zone, a control line and a
 * whole-area project overlap lists every feature under it, grouped by layer (layer title, then the
 * feature's name); choosing one shows its attributes and highlights it.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { booleanPointInPolygon } from '@turf/turf';
import type { Feature, FeatureCollection, Polygon } from 'geojson';
import type { Browser } from 'playwright-core';
import { launchBrowser, openMap, waitForIdle, type MapPage, type RunningApp, startApp } from './harness.ts';

const read = (id: string) => JSON.parse(readFileSync(`geodata/${id}/${id}.geojson`, 'utf8')) as FeatureCollection;
type Named = Feature<Polygon, { name_zh: string }>;

/** A point inside one zone, one control polygon and one polygon project, away from every point feature's symbol. */
function overlapPoint(): { at: [number, number]; zone: Named; control: Named; project: Named } {
  const polys = (fc: FeatureCollection) => fc.features.filter((f) => f.geometry?.type === 'Polygon') as Named[];
  const zones = polys(read('zones'));
  const controls = polys(read('controls'));
  const projects = polys(read('projects'));
  for (let lat = 40.9; lat < 41.0; lat += 0.002) {
    for (let lon = 111.75; lon < 111.95; lon += 0.002) {
      const p: [number, number] = [lon, lat];
      const zone = zones.find((z) => booleanPointInPolygon(p, z));
      const control = controls.find((c) => booleanPointInPolygon(p, c));
      const project = projects.find((c) => booleanPointInPolygon(p, c));
      if (zone && control && project) return { at: p, zone, control, project };
    }
  }
  throw new Error('no point where a zone, a control line and a project polygon overlap');
}

describe('identify (browser)', () => {
  let app: RunningApp;
  let browser: Browser;
  let map: MapPage;
  const target = overlapPoint();

  before(async () => {
    [app, browser] = await Promise.all([startApp(), launchBrowser()]);
    map = await openMap(browser, app.url);
  });

  after(async () => {
    await browser?.close();
    await app?.close();
  });

  test('a click on a zone, a control line and a project lists each, by layer; choosing one shows and highlights it', async () => {
    const { page } = map;
    await page.evaluate((at) => window.__map!.jumpTo({ center: at, zoom: 13 }), target.at);
    await waitForIdle(page);
    const px = await page.evaluate((at) => window.__map!.project(at), target.at);
    await page.mouse.click(px.x, px.y);
    const list = page.locator('.xc-identify');
    await list.waitFor();
    const groups = await page.$$eval('.xc-identify-group', (els) =>
      els.map((g) => ({
        layer: (g as HTMLElement).dataset.layer!,
        title: g.querySelector('.xc-identify-layer')!.textContent!,
        items: [...g.querySelectorAll<HTMLElement>('.xc-identify-item')].map((b) => ({ id: b.dataset.feature!, name: b.textContent! })),
      })),
    );
    const group = (layer: string) => groups.find((g) => g.layer === layer);
    for (const [layer, title, f] of [
      ['zones', '五大产业支撑区', target.zone],
      ['controls', '管控边界', target.control],
      ['projects', '规划项目', target.project],
    ] as const) {
      const g = group(layer);
      assert.ok(g, `a ${layer} group in ${JSON.stringify(groups)}`);
      assert.equal(g.title, title);
      const item = g.items.find((i) => i.id === f.id);
      assert.ok(item, `${f.id} listed under ${layer}`);
      assert.equal(item.name, f.properties.name_zh, 'listed by its name, not its id');
    }
    assert.equal(new Set(groups.map((g) => g.layer)).size, groups.length, 'one group per layer');

    // Choosing the control line shows its attributes and highlights it; the list stays.
    await page.locator(`.xc-identify-item[data-layer="controls"][data-feature="${target.control.id}"]`).click();
    await page.locator(`.xc-identify .xc-popup[data-layer="controls"][data-feature="${target.control.id}"]`).waitFor();
    assert.equal(await page.locator(`.xc-identify-item[data-feature="${target.control.id}"]`).getAttribute('aria-pressed'), 'true');
    assert.equal(await page.locator('.xc-identify .xc-popup-title').textContent(), target.control.properties.name_zh);
    assert.deepEqual(await page.evaluate(() => window.__xc!.interaction.current), { layerId: 'controls', featureId: target.control.id });
    const highlighted = await page.evaluate(async () => {
      const src = window.__map!.getSource('xc-highlight') as unknown as { getData(): Promise<{ features: { properties: { role: string }; geometry: { type: string } }[] }> };
      return (await src.getData()).features.filter((f) => f.properties.role === 'selected').map((f) => f.geometry.type);
    });
    assert.deepEqual(highlighted, ['Polygon'], 'the chosen control line is highlighted');
    assert.ok((await page.locator('.xc-identify-item').count()) >= 3, 'the list stays to choose another');
    await page.locator('.maplibregl-popup-close-button').click();
    await list.waitFor({ state: 'detached' });
    assert.deepEqual(map.errors, []);
  });
});
