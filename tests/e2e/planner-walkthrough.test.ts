/**
 * Issue 13 (a planner's walkthrough) in a real browser: the compliance zone summary shows compatible
 * uses apart and a plausible overlap (5); point sites and one rounding in the table and the CSV (14);
 * a GeoJSON with a crs member (EPSG:4546) is read in that CRS, an unsupported one is refused in the
 * map's language (7); coverage targets for an area that is not loaded say what they need (11);
 * suggestions show their tie-break (10); exports after a what-if are labelled a scenario and list
 * the what-if facilities (6).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import type { FeatureCollection } from 'geojson';
import type { Browser } from 'playwright-core';
import { toGaussKruger } from '../../core/crs.ts';
import { launchBrowser, openMap, type MapPage, type RunningApp, startApp } from './harness.ts';

/** One CSV line's cells (quotes as RFC 4180 writes them). */
function cells(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') (cur += '"'), i++;
      else if (ch === '"') quoted = false;
      else cur += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') out.push(cur), (cur = '');
    else cur += ch;
  }
  out.push(cur);
  return out;
}

interface Batch {
  projects: { projectId: string; zoneId: string | null; result: { site: { geometryType: string }; conflicts: { id: string; overlapShare: number }[] } }[];
}

describe('issue 13: the planner walkthrough (browser)', () => {
  let app: RunningApp;
  let browser: Browser;
  let map: MapPage;

  before(async () => {
    [app, browser] = await Promise.all([startApp(), launchBrowser()]);
    map = await openMap(browser, app.url);
    await map.page.locator('.xc-analysis-toggle').click();
    await map.page.locator('.xc-analysis-drawer .xc-analysis-tab[data-tool="compliance"][aria-selected="true"]').waitFor();
    await map.page.locator('.xc-cmp-projects[data-state="ready"]').waitFor({ timeout: 20_000 });
  });

  after(async () => {
    await browser?.close();
    await app?.close();
  });

  test('5: the 大青山前坡 summary is one union within the zone, with protective projects as compatible uses', async () => {
    const { page } = map;
    const row = page.locator('.xc-cmp-summary tbody tr[data-zone="zone-qianpo"]');
    const overlap = Number(await row.getAttribute('data-overlap-m2'));
    assert.ok(overlap > 0 && overlap < 158.5e6, `overlap ${overlap} m² within the 158 km² zone (was 537 km²)`);
    assert.ok(Number(await row.getAttribute('data-compatible-m2')) > 100e6, 'the ecological upgrade is a compatible use');
    assert.match((await row.locator('.xc-cmp-sum-compatible').textContent())!, /平方公里/);
    assert.match((await page.textContent('.xc-cmp-summary thead'))!, /相容用途/);
    assert.match((await page.textContent('.xc-cmp-summary-note'))!, /生态保护/);
    // 森林管护 lies in no zone: it is not counted in 大青山前坡.
    assert.equal(await page.locator('.xc-cmp-table tr[data-project="project-02-07"] .xc-cmp-sub').filter({ hasText: '大青山前坡' }).count(), 0);
    assert.ok((await page.locator('.xc-cmp-table tr[data-project="project-02-03"][data-use="compatible"]').count()) > 0);
    assert.match((await page.locator('.xc-cmp-table tr[data-project="project-02-03"]').first().textContent())!, /相容用途/);
  });

  test('14: a point site says inside, not 100 %; the table and the CSV round a share alike', async () => {
    const { page } = map;
    const batch = (await (await fetch(`${app.url}api/analysis/compliance/projects`)).json()) as Batch;
    const point = batch.projects.find((p) => p.result.site.geometryType === 'POINT' && p.result.conflicts.length)!;
    const pointRow = page.locator(`.xc-cmp-table tr[data-project="${point.projectId}"]`).first();
    assert.equal((await pointRow.locator('td').nth(3).textContent())?.trim(), '位于其内');
    // 0.1945 of 大青山前坡生态提升 under the water-source zone: 19.5 % in both (was 19.4 in the panel).
    const upgrade = batch.projects.find((p) => p.projectId === 'project-02-03')!;
    const c = upgrade.result.conflicts.find((x) => x.overlapShare === 0.1945)!;
    assert.ok(c, JSON.stringify(upgrade.result.conflicts));
    const cell = (await page.locator(`.xc-cmp-table tr[data-project="project-02-03"][data-control="${c.id}"] td`).nth(3).textContent())!.trim();
    assert.equal(cell, '19.5\u00a0%');
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('.xc-cmp-export').click()]);
    const lines = readFileSync((await download.path())!, 'utf8').slice(1).split('\r\n');
    const header = cells(lines[0]);
    const col = (name: RegExp) => header.findIndex((h) => name.test(h));
    const upgradeLine = lines.map(cells).find((l) => l[0] === 'project-02-03' && l[col(/^占用地比例/)] === '19.5');
    assert.ok(upgradeLine, 'the CSV has the same 19.5');
    const pointLine = lines.map(cells).find((l) => l[0] === point.projectId)!;
    assert.equal(pointLine[col(/^用地面积/)], '—');
    assert.equal(pointLine[col(/^重叠面积\(平方米\)/)], '—');
    assert.equal(pointLine[col(/^占用地比例/)], '位于其内 inside');
  });

  test('7: a GeoJSON with a crs member (EPSG:4546, as GDAL writes it) is read in that CRS; an unsupported one is refused in Chinese', async () => {
    const { page } = map;
    await page.locator('.xc-cmp-input-tab[data-pane="file"]').click();
    const [lon, lat] = [111.7, 40.84];
    const d = 0.002;
    const ring = [[lon - d, lat - d], [lon + d, lat - d], [lon + d, lat + d], [lon - d, lat + d], [lon - d, lat - d]].map((c) => toGaussKruger(c).map((v) => Math.round(v * 100) / 100));
    const gdal = {
      type: 'FeatureCollection',
      name: 'site',
      crs: { type: 'name', properties: { name: 'urn:ogc:def:crs:EPSG::4546' } },
      features: [{ type: 'Feature', properties: { name: '地块' }, geometry: { type: 'Polygon', coordinates: [ring] } }],
    };
    await page.locator('.xc-cmp-file').setInputFiles({ name: 'site-4546.geojson', mimeType: 'application/geo+json', buffer: Buffer.from(JSON.stringify(gdal)) });
    await page.locator('.xc-cmp-result[data-source="server"]').waitFor({ timeout: 20_000 });
    assert.equal(await page.locator('.xc-cmp-input-error').count(), 0);
    assert.equal(await page.inputValue('.xc-cmp-file-crs'), 'EPSG:4546');
    assert.match((await page.textContent('.xc-cmp-file-crs-declared'))!, /EPSG:4546/);

    const mercator = { ...gdal, crs: { type: 'name', properties: { name: 'urn:ogc:def:crs:EPSG::3857' } } };
    await page.locator('.xc-cmp-file').setInputFiles({ name: 'site-3857.geojson', mimeType: 'application/geo+json', buffer: Buffer.from(JSON.stringify(mercator)) });
    const error = (await page.locator('.xc-cmp-input-error').textContent())!;
    assert.match(error, /坐标系 urn:ogc:def:crs:EPSG::3857 不在可选范围内/);
    assert.doesNotMatch(error, /The file declares/);
  });

  test('11, 10, 6: targets need their area; suggestions say how ties are broken; a what-if export is a scenario', async () => {
    const { page } = map;
    await page.locator('.xc-analysis-tab[data-tool="coverage"]').click();
    await page.waitForFunction(() => document.querySelectorAll('.xc-cov-preset option').length >= 8, null, { timeout: 15_000 });
    await page.locator('.xc-cov-run').click();
    await page.locator('.xc-cov[data-state="ready"] .xc-cov-result[data-source="server"]').waitFor({ timeout: 30_000 });
    // 11: 旧城 80 % and 新区 100 % on the central area: no ✗, they need their boundary.
    const oldCity = page.locator('.xc-cov-targets li').filter({ hasText: '旧城' });
    assert.equal(await oldCity.getAttribute('data-verdict'), 'needs_area');
    assert.match((await oldCity.textContent())!, /需要旧城范围/);
    assert.doesNotMatch((await oldCity.textContent())!, /✗/);
    assert.match((await page.locator('.xc-cov-targets li').filter({ hasText: '新区' }).textContent())!, /需要新区范围/);

    // 10: the suggestions show the uncovered area nearby and how ties are broken.
    await page.locator('.xc-cov-count').fill('2');
    await page.locator('.xc-cov-suggest-run').click();
    await page.locator('.xc-cov-suggestions tbody tr').first().waitFor({ timeout: 30_000 });
    assert.match((await page.textContent('.xc-cov-suggestions thead'))!, /周边盲区/);
    assert.match((await page.locator('.xc-cov-suggestions tbody tr[data-rank="1"] .xc-cov-nearby').textContent())!, /公顷/);
    assert.match((await page.textContent('.xc-cov-tie-break'))!, /两倍半径/);

    // 6: accept one; the exports say scenario and list it.
    await page.locator('.xc-cov-suggestions tbody tr[data-rank="1"] .xc-cov-accept').click();
    await page.locator('.xc-cov[data-state="ready"] .xc-cov-result[data-source="server"]').waitFor({ timeout: 30_000 });
    const [csv] = await Promise.all([page.waitForEvent('download'), page.locator('.xc-cov-export-csv').click()]);
    const text = readFileSync((await csv.path())!, 'utf8');
    const lines = text.slice(1).split('\r\n');
    assert.match(lines[1], /^情景: /, 'the overall row is labelled a scenario');
    assert.match(lines[1], /仅现状 \+ 试算新增 1 处（情景）/);
    assert.match(lines[1], /情景（含试算设施）/);
    assert.ok(lines.some((l) => /^试算前/.test(l)), 'the share before the what-if');
    assert.ok(lines.some((l) => /^试算新增设施: 新增设施 1,111\.\d+ 40\.\d+,/.test(l)), `the what-if facility is listed:\n${text}`);
    assert.doesNotMatch(lines[1], /,仅现状,/);
    const [geo] = await Promise.all([page.waitForEvent('download'), page.locator('.xc-cov-export-gaps').click()]);
    const fc = JSON.parse(readFileSync((await geo.path())!, 'utf8')) as FeatureCollection & { metadata: { scenario: boolean; whatIfFacilities: { coordinates: number[] }[]; baseCoverageShare: number } };
    assert.equal(fc.metadata.scenario, true);
    assert.equal(fc.metadata.whatIfFacilities.length, 1);
    assert.ok(fc.metadata.baseCoverageShare > 0);
    assert.ok(fc.features.every((f) => f.properties!.scenario === true && /情景/.test(String(f.properties!.result))));
  });

  test('no console errors', () => {
    assert.deepEqual(map.errors, []);
  });
});
