/**
 * Issue 14 in a real browser: with a residential-land layer, a population layer and a line network
 * imported, the coverage panel offers them (residential land as the default denominator), runs with
 * the chosen population and then with walking distance on the network, and shows the inputs used
 * and the people covered as the API answers them.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { createApp } from '../../api/app.ts';
import { commitLayer, feature } from '../helpers/coverage-layers.ts';
import { testUser } from '../helpers/users.ts';
import { launchBrowser, openMap, type MapPage, type RunningApp, startApp } from './harness.ts';

describe('coverage inputs: denominator, population, network (browser, issue 14)', () => {
  let app: RunningApp;
  let browser: Browser;
  let map: MapPage;

  before(async () => {
    [app, browser] = await Promise.all([startApp(), launchBrowser()]);
    // Layers around a point of the central urban area, committed through the import path.
    const [lon, lat] = (await app.db.query<{ x: number; y: number }>('select ST_X(p) as x, ST_Y(p) as y from (select ST_PointOnSurface(geom) as p from central_area where geom is not null limit 1) s')).rows.map((r) => [r.x, r.y])[0];
    const dx = 0.0012; // ≈ 100 m east-west
    const dy = 0.0009; // ≈ 100 m north-south
    const at = (i: number, j: number): [number, number] => [lon + i * dx, lat + j * dy];
    const box = (i0: number, j0: number, i1: number, j1: number) => ({ type: 'Polygon', coordinates: [[at(i0, j0), at(i1, j0), at(i1, j1), at(i0, j1), at(i0, j0)]] });
    const api = createApp({ db: app.db, config: { BASEMAPS: [] } });
    const { auth } = await testUser(app.db, 'planner');
    await commitLayer(api, auth, 'e2e_residential', 'area', [feature(box(-4, -4, -1, -1)), feature(box(1, 1, 4, 4))], { titleZh: '居住用地', titleEn: 'Residential land' });
    await commitLayer(api, auth, 'e2e_communities', 'reference', [feature(box(-5, -5, 0, 0), { population: 1200 }), feature(box(0, 0, 5, 5), { population: 800 })], { titleZh: '社区人口' });
    const lines = [];
    for (let k = -6; k <= 6; k++) {
      lines.push(feature({ type: 'LineString', coordinates: [at(-6, k), at(6, k)] }));
      lines.push(feature({ type: 'LineString', coordinates: [at(k, -6), at(k, 6)] }));
    }
    await commitLayer(api, auth, 'e2e_roads', 'reference', lines, { titleZh: '道路中心线' });
    await commitLayer(api, auth, 'e2e_elderly', 'facility', [feature({ type: 'Point', coordinates: at(-2.5, -2.5) }, { type: '养老服务站' })], { titleZh: '养老设施', date: '2026-03-01' });
    map = await openMap(browser, app.url);
    await map.page.locator('.xc-analysis-toggle').click();
    await map.page.locator('.xc-analysis-tab[data-tool="coverage"]').click();
    await map.page.waitForFunction(() => document.querySelectorAll('.xc-cov-preset option').length >= 8, null, { timeout: 15_000 });
    await map.page.waitForFunction(() => document.querySelectorAll('.xc-cov-population option').length >= 2, null, { timeout: 15_000 });
  });

  after(async () => {
    await browser?.close();
    await app?.close();
  });

  const answer = async (body: unknown) => {
    const res = await fetch(`${app.url}api/analysis/coverage`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    assert.equal(res.status, 200);
    return (await res.json()) as { coveredPeople: number; coverageShare: number; inputs: { denominator: { collection: string } } };
  };

  test('the panel offers the imported layers, residential land by default, and shows the inputs used and the people covered', async () => {
    const { page } = map;
    assert.match((await page.textContent('.xc-cov-denominator-select option[value=""]'))!, /居住用地/);
    assert.equal(await page.locator('.xc-cov-denominator-select option[value="e2e_residential"]').count(), 1);
    await page.selectOption('.xc-cov-preset', 'elderly_care');
    await page.selectOption('.xc-cov-population', 'e2e_communities|population');
    await page.locator('.xc-cov-run').click();
    await page.locator('.xc-cov[data-state="ready"] .xc-cov-inputs').waitFor({ timeout: 60_000 });
    const api = await answer({ preset: 'elderly_care', area: 'central_area', includePlanned: false, population: { collection: 'e2e_communities', field: 'population' } });
    assert.equal(api.inputs.denominator.collection, 'e2e_residential');
    assert.equal(await page.getAttribute('.xc-cov-inputs', 'data-denominator'), 'e2e_residential');
    assert.equal(Number(await page.getAttribute('.xc-cov-people', 'data-covered')), api.coveredPeople);
    assert.ok(api.coveredPeople > 0, 'the station covers people');
    assert.match((await page.textContent('.xc-cov-inputs-land'))!, /居住用地/);
    assert.match((await page.textContent('.xc-cov-inputs-facilities'))!, /e2e_elderly v1 · 2026-03-01：1/);
    assert.match((await page.textContent('.xc-cov-people-plan'))!, /699,672/);
    assert.equal(Number(await page.getAttribute('.xc-cov-share', 'data-share')), api.coverageShare);
  });

  test('walking distance on the imported network: the panel says which network and method it used', async () => {
    const { page } = map;
    await page.selectOption('.xc-cov-method', 'network');
    assert.equal(await page.inputValue('.xc-cov-network'), 'e2e_roads');
    await page.locator('.xc-cov-run').click();
    await page.locator('.xc-cov[data-state="ready"] .xc-cov-inputs[data-method="network"]').waitFor({ timeout: 60_000 });
    assert.match((await page.textContent('.xc-cov-inputs-method'))!, /路网步行距离 · e2e_roads v1/);
    assert.equal(await page.locator('.xc-cov-network-note').count(), 1);
    assert.equal(await page.locator('.xc-cov-straight').count(), 0);
    const api = await answer({
      preset: 'elderly_care',
      area: 'central_area',
      includePlanned: false,
      population: { collection: 'e2e_communities', field: 'population' },
      method: 'network',
      network: 'e2e_roads',
    });
    assert.equal(Number(await page.getAttribute('.xc-cov-share', 'data-share')), api.coverageShare);
    assert.equal(Number(await page.getAttribute('.xc-cov-people', 'data-covered')), api.coveredPeople);
  });
});
