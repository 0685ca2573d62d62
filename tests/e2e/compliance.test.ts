/**
 * Compliance review in a real browser: the analysis dock opens the tool, the project table loads,
 * filters and draws overlaps; a pasted site crossing the red line shows its conflict; drawing a site
 * updates the instant estimate before the server result; CSV export; line errors; the report.
 */
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { booleanPointInPolygon } from '@turf/turf';
import type { Feature, Polygon } from 'geojson';
import type { Browser } from 'playwright-core';
import { toGaussKruger } from '../../core/crs.ts';
import { launchBrowser, openMap, waitForIdle, type MapPage, type RunningApp, startApp } from './harness.ts';

const SHOTS = process.env.SCREENSHOT_DIR ?? 'test-results';

/** A point on the southern edge of the ecological red line, found by walking north at a fixed longitude. */
function redLineEdge(): [number, number] {
  const controls = JSON.parse(readFileSync('geodata/controls/controls.geojson', 'utf8')) as { features: Feature<Polygon, { kind: string }>[] };
  const eco = controls.features.find((f) => f.properties.kind === 'eco_redline')!;
  const lon = 111.64;
  let lat = 40.8;
  while (!booleanPointInPolygon([lon, lat], eco) && lat < 41.3) lat += 0.0002;
  assert.ok(lat < 41.3, 'the red line is crossed north of 40.8° N at 111.64° E');
  return [lon, lat];
}

/** A square of ±`d` degrees around a point as pasted 界址点 lines: "name, X (northing), Y (easting)" in EPSG:4546. */
function squareLines([lon, lat]: [number, number], d: number): string {
  const corners = [
    [lon - d, lat + d],
    [lon + d, lat + d],
    [lon + d, lat - d],
    [lon - d, lat - d],
  ];
  return corners
    .map((c, i) => {
      const [easting, northing] = toGaussKruger(c);
      return `J${i + 1}, ${northing.toFixed(2)}, ${easting.toFixed(2)}`;
    })
    .join('\n');
}

describe('compliance review (browser)', () => {
  let app: RunningApp;
  let browser: Browser;
  let map: MapPage;
  const edge = redLineEdge();

  before(async () => {
    mkdirSync(SHOTS, { recursive: true });
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

  test('the project table lists every located project; a zone filter narrows it; a row shows its overlap', async () => {
    const { page } = map;
    const items = (await (await fetch(`${app.url}api/collections/projects/items?limit=5000`)).json()) as { features: { id: string; geometry: unknown }[] };
    const located = items.features.filter((f) => f.geometry !== null).map((f) => f.id);
    const listed = await page.$$eval('.xc-cmp-table tbody tr[data-project]', (rows) => [...new Set(rows.map((r) => (r as HTMLElement).dataset.project!))]);
    assert.deepEqual(listed.sort(), located.sort(), 'one or more rows per project with a site');
    const allRows = await page.locator('.xc-cmp-table tbody tr').count();
    assert.ok((await page.locator('.xc-cmp-summary tbody tr').count()) > 1, 'a per-zone summary');

    await page.locator('.xc-cmp-filter-zone').selectOption('zone-qianpo');
    const qianpoRows = await page.locator('.xc-cmp-table tbody tr').count();
    assert.ok(qianpoRows > 0 && qianpoRows < allRows, `zone filter: ${qianpoRows} of ${allRows} rows`);

    // A polygon project in conflict: the overlap polygons come back from the server and are drawn.
    const batch = (await (await fetch(`${app.url}api/analysis/compliance/projects`)).json()) as {
      projects: { projectId: string; zoneId: string; result: { site: { geometryType: string }; conflicts: unknown[] } }[];
    };
    const target = batch.projects.find((p) => p.zoneId === 'zone-qianpo' && p.result.site.geometryType === 'POLYGON' && p.result.conflicts.length > 0)!;
    assert.ok(target, 'a polygon project in the front-slope zone touches a control line');
    const centreBefore = await page.evaluate(() => window.__map!.getCenter().toArray());
    await page.locator(`.xc-cmp-table tbody tr[data-project="${target.projectId}"]`).first().click();
    await page.locator('.xc-cmp-result[data-source="server"]').waitFor();
    await waitForIdle(page);
    const overlaps = await page.evaluate(async () => {
      const source = window.__map!.getSource('xc-compliance-overlaps') as unknown as { getData(): Promise<{ features: unknown[] }> };
      return (await source.getData()).features.length;
    });
    assert.ok(overlaps > 0, 'overlap polygons drawn');
    const centreAfter = await page.evaluate(() => window.__map!.getCenter().toArray());
    assert.notDeepEqual(centreAfter, centreBefore, 'the map moved to the site');
    assert.ok((await page.locator('.xc-cmp-table tr.xc-cmp-selected').count()) > 0, 'the row is marked');

    await page.locator('.xc-cmp-filter-zone').selectOption('');
    assert.equal(await page.locator('.xc-cmp-table tbody tr').count(), allRows);
  });

  test('CSV export downloads the table with its bilingual header after the BOM', async () => {
    const { page } = map;
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('.xc-cmp-export').click()]);
    assert.match(download.suggestedFilename(), /^compliance-\d{4}-\d{2}-\d{2}\.csv$/);
    const text = readFileSync((await download.path())!, 'utf8');
    assert.equal(text.charCodeAt(0), 0xfeff, 'UTF-8 BOM');
    const [header, ...lines] = text.slice(1).split('\r\n');
    assert.ok(header.startsWith('项目编号 Project id,项目名称 Project,Project (English),专栏 Column,支撑区 Zone,'), header);
    assert.ok(header.includes('重叠面积(平方米) Overlap (m²)'), header);
    assert.ok(lines.filter(Boolean).length > 0, 'data lines');
    // Zone and kind as readable names in the current language (zh), not codes.
    const zoneNames = (JSON.parse(readFileSync('geodata/zones/zones.geojson', 'utf8')) as { features: { properties: { name_zh: string } }[] }).features.map((f) => f.properties.name_zh);
    const zones = new Set(lines.filter(Boolean).map((l) => l.split(',')[4]));
    assert.ok(zoneNames.some((n) => zones.has(n)), `a zone name in the 支撑区 column: ${[...zones].join(' | ')}`);
    assert.ok(!text.includes('zone-qianpo') && !/,(eco_redline|nature_reserve|water_source),/.test(text), 'no zone or kind codes');
    assert.ok(text.includes('生态保护红线'), 'the kind as a label');
  });

  test('sorting by overlap puts every conflict above the rows without one', async () => {
    const { page } = map;
    await page.locator('.xc-cmp-table th[data-sort="overlap"] button').click();
    assert.equal(await page.locator('.xc-cmp-table th[data-sort="overlap"]').getAttribute('aria-sort'), 'descending');
    const rows = await page.$$eval('.xc-cmp-table tbody tr', (trs) =>
      trs.map((tr) => ({ conflict: tr.classList.contains('xc-cmp-conflict'), m2: Number(tr.querySelector('[data-overlap-m2]')!.getAttribute('data-overlap-m2')) })),
    );
    const firstOk = rows.findIndex((r) => !r.conflict);
    assert.ok(firstOk > 0, 'conflicts and non-conflicts');
    assert.ok(rows.slice(firstOk).every((r) => !r.conflict), 'no conflict after the first non-conflict row');
    for (let i = 1; i < firstOk; i++) assert.ok(rows[i - 1].m2 >= rows[i].m2, `overlap descending at row ${i}`);
    await page.locator('.xc-cmp-table th[data-sort="overlap"] button').click();
    const ascending = await page.$$eval('.xc-cmp-table tbody tr', (trs) => trs.map((tr) => tr.classList.contains('xc-cmp-conflict')));
    assert.ok(ascending.indexOf(false) > 0 && ascending.slice(ascending.indexOf(false)).every((c) => !c), 'ascending too: no-conflict rows last');
  });

  test('a malformed pasted line is reported by its number', async () => {
    const { page } = map;
    await page.locator('.xc-cmp-input-tab[data-pane="paste"]').click();
    await page.locator('.xc-cmp-paste').fill('点号,X,Y\nJ1, 4533000.00, 563000.00\nJ2, 4533000.00\nJ3, 4532900.00, 563100.00');
    await page.locator('.xc-cmp-check').click();
    const error = page.locator('.xc-cmp-input-error');
    await error.waitFor();
    assert.match((await error.textContent())!, /第 3 行/);
  });

  test('pasted coordinates in the wrong order or system: the message quotes the line as typed and names the control to change', async () => {
    const { page } = map;
    await page.locator('.xc-cmp-input-tab[data-pane="paste"]').click();
    await page.locator('.xc-cmp-crs').selectOption('EPSG:4546');
    const error = page.locator('.xc-cmp-input-error');
    // X = easting, against the X = northing convention: tick the swap box.
    await page.locator('.xc-cmp-paste').fill('J1, 558992.65, 4528593.38\nJ2, 559092.65, 4528593.38\nJ3, 559092.65, 4528493.38');
    await page.locator('.xc-cmp-check').click();
    await error.waitFor();
    assert.equal((await error.locator('.xc-cmp-input-error-lead').textContent())!, '第 1 行 (X=558992.65, Y=4528593.38)：X 像是东坐标。请勾选“交换 X 与 Y”。');
    // Degrees with EPSG:4546 chosen: choose EPSG:4326.
    await page.locator('.xc-cmp-paste').fill('111.70, 40.89');
    await page.locator('.xc-cmp-check').click();
    await error.filter({ hasText: 'EPSG:4326' }).waitFor();
    const text = (await error.textContent())!;
    assert.match(text, /^第 1 行 \(X=111\.70, Y=40\.89\)：看起来是经纬度/);
    assert.ok(!/send crs|\(40\.89, 111\.7\)/.test(text), text);
  });

  test('a failed input check clears the previous result and its map layers', async () => {
    const { page } = map;
    await page.locator('.xc-cmp-input-tab[data-pane="paste"]').click();
    await page.locator('.xc-cmp-crs').selectOption('EPSG:4546');
    await page.locator('.xc-cmp-paste').fill(squareLines(edge, 0.001));
    await page.locator('.xc-cmp-check').click();
    await page.locator('.xc-cmp-result[data-source="server"]').waitFor();
    const siteFeatures = () =>
      page.evaluate(async () => {
        const source = window.__map!.getSource('xc-compliance-site') as unknown as { getData(): Promise<{ features: unknown[] }> } | undefined;
        return source ? (await source.getData()).features.length : 0;
      });
    assert.ok((await siteFeatures()) > 0, 'the site is drawn');
    for (const bad of ['J1, 4533000.00, 563000.00\nJ2, 4533000.00, 563100.00', 'J1, 4533000.00\nJ2, 4533000.00, 563100.00', '']) {
      await page.locator('.xc-cmp-paste').fill(bad);
      await page.locator('.xc-cmp-check').click();
      await page.locator('.xc-cmp-input-error').waitFor();
      assert.equal(await page.locator('.xc-cmp-result').count(), 0, `no result left on screen after ${JSON.stringify(bad)}`);
      assert.equal(await siteFeatures(), 0, 'the map layers cleared');
      await page.locator('.xc-cmp-paste').fill(squareLines(edge, 0.001));
      await page.locator('.xc-cmp-check').click();
      await page.locator('.xc-cmp-result[data-source="server"]').waitFor();
    }
    await page.locator('.xc-cmp-clear').click();
  });

  test('pasted EPSG:4546 coordinates of a site across the red line show the conflict with its overlap area', async () => {
    const { page } = map;
    await page.locator('.xc-cmp-input-tab[data-pane="paste"]').click();
    assert.equal(await page.locator('.xc-cmp-crs').inputValue(), 'EPSG:4546', 'pasted 界址点 default to EPSG:4546');
    await page.locator('.xc-cmp-paste').fill(squareLines(edge, 0.002));
    await page.locator('.xc-cmp-check').click();
    const result = page.locator('.xc-cmp-result[data-source="server"]');
    await result.waitFor();
    const row = result.locator('.xc-cmp-conflicts tr[data-control="control-eco-redline-daqingshan"]');
    await row.waitFor();
    const m2 = Number(await row.getAttribute('data-overlap-m2'));
    assert.ok(m2 > 1000, `overlap ${m2} m²`);
    assert.match((await result.locator('.xc-cmp-verdict').textContent())!, /触及/);
    assert.ok((await result.locator('.xc-cmp-indicative').count()) === 1, 'the indicative-data notice');
    await waitForIdle(page);
    await page.screenshot({ path: `${SHOTS}/compliance-conflict.png` });

    await result.locator('.xc-cmp-print').click();
    const report = page.locator('.xc-report');
    await report.locator('.xc-report-image').waitFor();
    const src = await report.locator('.xc-report-image').getAttribute('src');
    assert.ok(src!.startsWith('data:image/png;base64,') && src!.length > 20_000, 'a map snapshot with content');
    assert.ok((await report.locator('.xc-report-coords tbody tr').count()) === 4, 'the four boundary points');
    await page.screenshot({ path: `${SHOTS}/compliance-report.png`, fullPage: false });
    await page.emulateMedia({ media: 'print' });
    await page.screenshot({ path: `${SHOTS}/compliance-report-print.png`, fullPage: true });
    // The one-page report is one A4 page when printed (page.pdf renders the print media, as set above).
    const pdfPages = async (name: string) => {
      const pdf = (await page.pdf({ format: 'A4' })).toString('latin1');
      writeFileSync(`${SHOTS}/${name}`, pdf, 'latin1');
      return pdf.match(/\/Type\s*\/Page(?!s)/g)?.length ?? 0;
    };
    const zhPages = await pdfPages('compliance-report.pdf');
    assert.equal(zhPages, 1, `the report prints on ${zhPages} A4 pages`);
    await page.emulateMedia({ media: 'screen' });
    await report.locator('.xc-report-close').click();
    await report.waitFor({ state: 'detached' });

    // The English report (longer words) fits one page too.
    await page.locator('.xc-lang-switch').click();
    await result.locator('.xc-cmp-print').click();
    await report.locator('.xc-report-image').waitFor();
    assert.match((await report.locator('.xc-report-page').getAttribute('lang'))!, /^en/);
    await page.emulateMedia({ media: 'print' });
    const enPages = await pdfPages('compliance-report-en.pdf');
    await page.emulateMedia({ media: 'screen' });
    assert.equal(enPages, 1, `the English report prints on ${enPages} A4 pages`);
    await report.locator('.xc-report-close').click();
    await report.waitFor({ state: 'detached' });
    await page.locator('.xc-lang-switch').click();
    await result.locator('.xc-cmp-verdict').filter({ hasText: '触及' }).waitFor();
  });

  test('drawing a site shows the instant estimate while drawing, then the server result', async () => {
    const { page } = map;
    if (await page.locator('.xc-cmp-clear').count()) await page.locator('.xc-cmp-clear').click();
    await page.evaluate(([lon, lat]) => window.__map!.jumpTo({ center: [lon, lat], zoom: 14, bearing: 0, pitch: 0 }), edge);
    await waitForIdle(page);
    await page.locator('.xc-cmp-input-tab[data-pane="draw"]').click();
    await page.locator('.xc-cmp-draw-polygon').click();
    const c = await page.evaluate(([lon, lat]) => {
      const p = window.__map!.project([lon, lat]);
      const r = window.__map!.getCanvas().getBoundingClientRect();
      return { x: r.left + p.x, y: r.top + p.y };
    }, edge);
    const corners = [
      [c.x - 90, c.y - 90],
      [c.x + 90, c.y - 90],
      [c.x + 90, c.y + 90],
      [c.x - 90, c.y + 90],
    ];
    for (const [x, y] of corners.slice(0, 3)) {
      await page.mouse.move(x, y, { steps: 4 });
      await page.mouse.click(x, y);
    }
    // Three corners: the polygon is a triangle already, and the estimate shows while drawing goes on.
    const instant = page.locator('.xc-cmp-result[data-source="instant"]');
    await instant.waitFor();
    const instantText = (await instant.locator('.xc-cmp-verdict').textContent())!;
    await page.mouse.move(corners[3][0], corners[3][1], { steps: 4 });
    await page.mouse.click(corners[3][0], corners[3][1]);
    await page.mouse.move(corners[0][0], corners[0][1], { steps: 4 });
    await page.mouse.click(corners[0][0], corners[0][1]);
    const server = page.locator('.xc-cmp-result[data-source="server"]');
    await server.waitFor();
    assert.match(instantText, /触及/);
    const m2 = Number(await server.locator('.xc-cmp-conflicts tr[data-control="control-eco-redline-daqingshan"]').getAttribute('data-overlap-m2'));
    assert.ok(m2 > 0, `server overlap ${m2} m²`);
    const site = await page.evaluate(async () => {
      const source = window.__map!.getSource('xc-compliance-site') as unknown as { getData(): Promise<{ features: { geometry: { type: string } }[] }> };
      return (await source.getData()).features.map((f) => f.geometry.type);
    });
    assert.deepEqual(site, ['Polygon'], 'the drawn site is on the map in its own layer');
  });

  test('an uploaded GeoJSON with several geometries is checked on its first, and says how many it holds', async () => {
    const { page } = map;
    await page.locator('.xc-cmp-input-tab[data-pane="file"]').click();
    const [lon, lat] = edge;
    const d = 0.001;
    const file = {
      type: 'FeatureCollection',
      features: [
        { type: 'Feature', properties: { name: 'A' }, geometry: { type: 'Polygon', coordinates: [[[lon - d, lat - d], [lon + d, lat - d], [lon + d, lat + d], [lon - d, lat + d], [lon - d, lat - d]]] } },
        { type: 'Feature', properties: { name: 'B' }, geometry: { type: 'Point', coordinates: [111.75, 40.82] } },
      ],
    };
    await page.locator('.xc-cmp-file').setInputFiles({ name: 'sites.geojson', mimeType: 'application/geo+json', buffer: Buffer.from(JSON.stringify(file)) });
    await page.locator('.xc-cmp-result[data-source="server"][data-conflicts="1"]').waitFor();
    assert.equal(await page.locator('.xc-cmp-file-pick option').count(), 2, 'the other geometry can be picked');
    await page.locator('.xc-cmp-file-pick').selectOption('1');
    await page.locator('.xc-cmp-result[data-source="server"] .xc-cmp-facts').filter({ hasText: '点位' }).waitFor();
  });

  test('no console errors and no request leaving this machine', () => {
    assert.deepEqual(map.errors, []);
    assert.deepEqual(map.externalRequests, []);
  });
});
