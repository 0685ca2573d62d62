/**
 * Service-radius coverage in a real browser: the park preset shows the API's coverage share and
 * draws the gaps; a what-if park clicked inside the largest gap raises the share (instant estimate,
 * then the server's figure); three suggested sites appear on the map and in the table; the CSV export
 * starts with a BOM; no console errors. The server pauses before each stage of a coverage job (2 s),
 * so every result takes over a second: the panel shows the job's stage with a cancel button, and the
 * result comes through the job (issue 12); a cancel keeps the last result and cancels the job. (With
 * 0.4 s a loaded machine's job had finished before the cancel reached it, and the cancel then only
 * discarded it: ≥ 6 s a job leaves the cancel seconds to arrive while it runs.)
 */
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { booleanPointInPolygon } from '@turf/turf';
import type { FeatureCollection, Polygon } from 'geojson';
import type { Browser } from 'playwright-core';
import { launchBrowser, openMap, waitForIdle, type MapPage, type RunningApp, startApp } from './harness.ts';

const SHOTS = process.env.SCREENSHOT_DIR ?? 'test-results';

interface CoverageAnswer {
  coverageShare: number;
  gaps: FeatureCollection<Polygon, { areaSquareMeters: number; zoneId: string | null; zoneName: string | null }>;
}

describe('service-radius coverage (browser)', () => {
  let app: RunningApp;
  let browser: Browser;
  let map: MapPage;
  let baseline: CoverageAnswer;
  /** The page's coverage and job requests, in order (method, path with {id}, Prefer). */
  const requests: string[] = [];

  const shareShown = async () => Number(await map.page.getAttribute('.xc-cov-share', 'data-share'));
  const sourceFeatures = (source: string) =>
    map.page.evaluate(async (id) => {
      const src = window.__map!.getSource(id) as unknown as { getData(): Promise<{ features: { geometry: { type: string }; properties: Record<string, unknown> }[] }> };
      return (await src.getData()).features.map((f) => ({ type: f.geometry.type, properties: f.properties }));
    }, source);

  before(async () => {
    mkdirSync(SHOTS, { recursive: true });
    [app, browser] = await Promise.all([startApp({ BASEMAPS: [] }, [], { pauseMs: 2000 }), launchBrowser()]);
    map = await openMap(browser, app.url);
    map.page.on('request', (r) => {
      const path = new URL(r.url()).pathname;
      if (path.startsWith('/api/jobs') || path === '/api/analysis/coverage') requests.push(`${r.method()} ${path.replace(/[0-9a-f-]{36}/, '{id}')}${r.headers().prefer ? ` (${r.headers().prefer})` : ''}`);
    });
    await map.page.locator('.xc-analysis-toggle').click();
    await map.page.locator('.xc-analysis-tab[data-tool="coverage"]').click();
    await map.page.waitForFunction(() => document.querySelectorAll('.xc-cov-preset option').length >= 8, null, { timeout: 15_000 });
  });

  after(async () => {
    await browser?.close();
    await app?.close();
  });

  test('the park preset shows the API coverage share, its source and unconfirmed mark, and draws the gaps', async () => {
    const { page } = map;
    assert.equal(await page.inputValue('.xc-cov-preset'), 'parks', 'parks is the default preset');
    assert.equal(await page.inputValue('.xc-cov-area'), 'central_area', 'the central urban area is the default');
    assert.match((await page.textContent('.xc-cov-preset-info'))!, /GB\/T 51346/);
    assert.equal(await page.getAttribute('.xc-cov-preset-info .xc-cov-status', 'data-status'), 'unconfirmed');

    requests.length = 0;
    await page.locator('.xc-cov-run').click();
    // Over a second: the job's stage (Chinese first) and a cancel button, then the result. (Waiting for
    // an analysis slot, it says so: the compliance tab's project table may still hold the slot.)
    const progress = page.locator('.xc-cov-progress[data-job][data-stage="coverage"]');
    await progress.waitFor({ timeout: 30_000 });
    assert.match((await progress.locator('.xc-cov-stage').textContent())!, /^第 2\/3 步：测算覆盖/);
    assert.equal(await progress.locator('.xc-cov-cancel').textContent(), '取消计算');
    await page.locator('.xc-cov[data-state="ready"] .xc-cov-result[data-source="server"]').waitFor({ timeout: 30_000 });
    assert.equal(await page.locator('.xc-cov-progress').count(), 0, 'the progress goes with the result');
    // The result came through the job: asked to respond asynchronously, followed, read, then discarded.
    assert.deepEqual(
      [...new Set(requests)],
      ['POST /api/analysis/coverage (respond-async, wait=1)', 'GET /api/jobs/{id} (wait=5)', 'GET /api/jobs/{id}/results', 'DELETE /api/jobs/{id}'],
    );
    const res = await fetch(`${app.url}api/analysis/coverage`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ preset: 'parks', area: 'central_area', includePlanned: false }),
    });
    baseline = (await res.json()) as CoverageAnswer;
    assert.equal(await shareShown(), baseline.coverageShare);
    assert.equal((await page.textContent('.xc-cov-share'))?.trim(), `${(baseline.coverageShare * 100).toFixed(1)} %`);
    assert.match((await page.textContent('.xc-cov-denominator'))!, /居住用地/, 'says the denominator is an area-based stand-in');
    assert.match((await page.textContent('.xc-cov-straight'))!, /直线距离/);
    assert.ok((await page.locator('.xc-cov-targets li').count()) >= 3, 'targets with met / not met');
    assert.ok((await page.locator('.xc-cov-zones tbody tr').count()) >= 1, 'per-zone table');
    assert.equal(await page.locator('.xc-cov-gap').count(), Math.min(12, baseline.gaps.features.length));
    // Gaps are split by support zone: each row names its zone; park data is OSM, so no incompleteness notice.
    assert.ok(baseline.gaps.features.length > 2, `${baseline.gaps.features.length} gaps`);
    const firstZone = baseline.gaps.features[0].properties.zoneName;
    assert.ok(firstZone, 'the largest gap lies in a zone');
    assert.match((await page.textContent('.xc-cov-gap[data-gap="gap-1"] .xc-cov-gap-zone'))!, new RegExp(firstZone!));
    assert.equal(await page.locator('.xc-cov-incomplete').count(), 0);
    assert.equal(await page.locator('.xc-cov-targets li[data-verdict="not_assessable"]').count(), 0);
    // Server notes and method in Chinese.
    assert.match((await page.textContent('.xc-cov-warnings'))!, /未计入/);
    assert.doesNotMatch((await page.textContent('.xc-cov-warnings'))!, /are not counted/);
    assert.match((await page.locator('.xc-cov-method p').first().textContent())!, /直线距离/);

    const gaps = await sourceFeatures('xc-coverage-gaps');
    assert.equal(gaps.length, baseline.gaps.features.length, 'every gap polygon is in the map source');
    await waitForIdle(page);
    const drawn = await page.evaluate(() => window.__map!.queryRenderedFeatures({ layers: ['xc-coverage-gap-fill'] }).length);
    assert.ok(drawn > 0, 'gap polygons are drawn');
    await page.screenshot({ path: `${SHOTS}/coverage-result.png` });
  });

  test('cancelling a running job keeps the last result and cancels the job on the server', async () => {
    const { page } = map;
    await page.locator('.xc-cov-run').click();
    await page.locator('.xc-cov-progress[data-job] .xc-cov-cancel').click();
    await page.locator('.xc-cov-cancelled').waitFor();
    assert.equal(await page.getAttribute('.xc-cov', 'data-state'), 'ready');
    assert.equal(await shareShown(), baseline.coverageShare, 'the last result stays');
    assert.equal(await page.locator('.xc-cov-progress[data-job]').count(), 0);
    // The page runs without signing in: its jobs are those started without signing in.
    for (;;) {
      const { jobs } = (await (await fetch(`${app.url}api/jobs?state=queued,running,cancelled`)).json()) as { jobs: { kind: string; state: string }[] };
      if (jobs.some((j) => j.kind === 'coverage' && j.state === 'cancelled')) break;
      assert.ok(jobs.some((j) => j.kind === 'coverage'), 'the job is cancelling');
      await new Promise((r) => setTimeout(r, 100));
    }
  });

  test('a what-if park clicked inside the largest gap raises the coverage, at once and on the server', async () => {
    const { page } = map;
    const largest = baseline.gaps.features[0];
    // Grid of pixels over the map between the layer panel and the drawer, with their lon/lat.
    const grid = await page.evaluate(() => {
      const m = window.__map!;
      const left = Math.round(document.querySelector('.maplibregl-ctrl-top-left .xc-panel')!.getBoundingClientRect().right + 20);
      const right = Math.round(document.querySelector('.xc-analysis-drawer')!.getBoundingClientRect().left - 20);
      const out: { x: number; y: number; lonLat: [number, number]; free: boolean }[] = [];
      for (let x = left; x < right; x += 25) {
        for (let y = 120; y < m.getContainer().clientHeight - 80; y += 25) {
          const ll = m.unproject([x, y]);
          out.push({ x, y, lonLat: [ll.lng, ll.lat], free: document.elementFromPoint(x, y)?.tagName === 'CANVAS' });
        }
      }
      return out;
    });
    const inside = (p: { lonLat: [number, number] }) => booleanPointInPolygon(p.lonLat, largest);
    const key = (x: number, y: number) => `${x},${y}`;
    const byPixel = new Map(grid.map((p) => [key(p.x, p.y), p]));
    // A pixel inside the gap whose neighbours are too: well inside, so the new circle takes gap area.
    const target = grid.find(
      (p) => p.free && inside(p) && [-25, 25].every((d) => [byPixel.get(key(p.x + d, p.y)), byPixel.get(key(p.x, p.y + d))].every((q) => q && inside(q))),
    );
    assert.ok(target, `a point well inside the largest gap is on screen (${grid.length} pixels, ${grid.filter((p) => p.free).length} free, ${grid.filter(inside).length} inside)`);

    const before = await shareShown();
    await page.locator('.xc-cov-add').click();
    assert.equal(await page.getAttribute('.xc-cov-add', 'aria-pressed'), 'true');
    await page.mouse.click(target.x, target.y);
    await page.locator('.xc-cov-result[data-source="instant"]').waitFor({ timeout: 5_000 });
    const instant = await shareShown();
    assert.ok(instant > before, `instant estimate ${instant} > ${before}`);
    await page.locator('.xc-cov[data-state="ready"] .xc-cov-result[data-source="server"]').waitFor({ timeout: 30_000 });
    const server = await shareShown();
    assert.ok(server > before, `server share ${server} > ${before}`);
    assert.ok(Math.abs(server - instant) < 0.01, `instant ${instant} and server ${server} agree within 1 point`);
    assert.equal(await page.locator('.xc-cov-items li').count(), 1);
    const whatIf = await sourceFeatures('xc-coverage-whatif');
    assert.equal(whatIf.filter((f) => f.type === 'Point').length, 1, 'the what-if point is on the map');
    await waitForIdle(page);
    await page.screenshot({ path: `${SHOTS}/coverage-what-if.png` });
    await page.evaluate((c) => window.__map!.jumpTo({ center: c, zoom: 13.5 }), target.lonLat);
    await waitForIdle(page);
    await page.screenshot({ path: `${SHOTS}/coverage-what-if-zoomed.png` });
    await page.locator('.xc-cov-add').click();
    assert.equal(await page.getAttribute('.xc-cov-add', 'aria-pressed'), 'false');
  });

  test('three suggested sites appear on the map and in the table; accepting one adds it to the what-if', async () => {
    const { page } = map;
    await page.locator('.xc-cov-count').fill('3');
    await page.locator('.xc-cov-suggest-run').click();
    await page.locator('.xc-cov-suggestions tbody tr').first().waitFor({ timeout: 30_000 });
    assert.equal(await page.locator('.xc-cov-suggestions tbody tr').count(), 3);
    const points = (await sourceFeatures('xc-coverage-suggestions')).filter((f) => f.type === 'Point');
    assert.deepEqual(points.map((f) => f.properties.label).sort(), ['1', '2', '3']);
    await waitForIdle(page);
    await page.screenshot({ path: `${SHOTS}/coverage-suggestions.png` });

    const before = await shareShown();
    await page.locator('.xc-cov-suggestions tbody tr[data-rank="1"] .xc-cov-accept').click();
    await page.locator('.xc-cov[data-state="ready"] .xc-cov-result[data-source="server"]').waitFor({ timeout: 30_000 });
    assert.equal(await page.locator('.xc-cov-items li').count(), 2);
    assert.ok((await shareShown()) > before, 'accepting a suggestion raises the coverage');
    const left = (await sourceFeatures('xc-coverage-suggestions')).filter((f) => f.type === 'Point');
    assert.equal(left.length, 2, 'the accepted site moves from the suggestions to the what-if');
  });

  test('a planned park counted as built is estimated at once and rechecked by the server', async () => {
    const { page } = map;
    const before = await shareShown();
    const items = await page.locator('.xc-cov-items li').count();
    await page.locator('.xc-cov-parks .xc-cov-switch').first().click();
    await page.locator('.xc-cov[data-state="ready"] .xc-cov-result[data-source="server"]').waitFor({ timeout: 30_000 });
    assert.equal(await page.locator('.xc-cov-items li').count(), items + 1);
    assert.ok((await shareShown()) >= before);
    assert.match((await page.textContent('.xc-cov-items li:last-child'))!, /公顷/, 'the park shows what it adds');
  });

  test('the figures export as CSV with a BOM and the gaps as GeoJSON', async () => {
    const { page } = map;
    const [csv] = await Promise.all([page.waitForEvent('download'), page.locator('.xc-cov-export-csv').click()]);
    const text = readFileSync((await csv.path())!, 'utf8');
    assert.ok(text.startsWith('\uFEFF'), 'UTF-8 BOM');
    assert.match(text, /中心城区/);
    const [geo] = await Promise.all([page.waitForEvent('download'), page.locator('.xc-cov-export-gaps').click()]);
    const fc = JSON.parse(readFileSync((await geo.path())!, 'utf8')) as FeatureCollection;
    assert.equal(fc.type, 'FeatureCollection');
    assert.ok(fc.features.length > 0 && fc.features.every((f) => f.geometry.type === 'Polygon'));
  });

  test('a suggestion count outside 1–10 says so next to the input', async () => {
    const { page } = map;
    await page.locator('.xc-cov-count').fill('20');
    assert.equal(await page.isDisabled('.xc-cov-suggest-run'), true);
    assert.equal(await page.isVisible('.xc-cov-count-invalid'), true);
    assert.match((await page.textContent('.xc-cov-count-invalid'))!, /1–10/);
    await page.locator('.xc-cov-count').fill('2');
    assert.equal(await page.isDisabled('.xc-cov-suggest-run'), false);
    assert.equal(await page.isVisible('.xc-cov-count-invalid'), false);
  });

  test('a plan-only preset (kindergartens) shows the amber incompleteness notice; English uses its own punctuation', async () => {
    const { page } = map;
    await page.selectOption('.xc-cov-preset', 'kindergarten');
    assert.equal(await page.locator('.xc-cov-preset-info .xc-cov-incomplete').count(), 1, 'the notice shows with the preset, before running');
    await page.locator('.xc-cov-run').click();
    await page.locator('.xc-cov[data-state="ready"] .xc-cov-result[data-source="server"] .xc-cov-incomplete').waitFor({ timeout: 30_000 });
    const notice = (await page.textContent('.xc-cov-result .xc-cov-incomplete'))!;
    assert.match(notice, /设施数据不完整/);
    assert.match(notice, /完整清单/);
    // Above the figures.
    const [noticeTop, headTop] = await Promise.all(['.xc-cov-result .xc-cov-incomplete', '.xc-cov-headline'].map((sel) => page.locator(sel).evaluate((el) => el.getBoundingClientRect().top)));
    assert.ok(noticeTop < headTop, 'the notice is above the coverage figure');
    assert.equal(await page.getAttribute('.xc-cov-headline', 'data-assessable'), 'false');
    assert.equal(await page.locator('.xc-cov-targets li[data-verdict="not_met"]').count(), 0, 'no ✗ for plan-only data');

    await page.locator('.xc-lang-switch').click();
    await page.locator('.xc-cov-result .xc-cov-incomplete').waitFor();
    assert.match((await page.textContent('.xc-cov-result .xc-cov-incomplete'))!, /Incomplete facility data/);
    const info = (await page.textContent('.xc-cov-preset-info'))!;
    assert.match(info, /Source: /);
    assert.match(info, /Targets: /);
    assert.doesNotMatch(info, /：/, 'no fullwidth colons in English');
    assert.match((await page.textContent('.xc-cov-warnings'))!, /Incomplete facility data/);
    await page.locator('.xc-lang-switch').click();
    await page.locator('.xc-cov-result .xc-cov-incomplete').waitFor();
    await page.screenshot({ path: `${SHOTS}/coverage-plan-only.png` });
  });

  test('closing the tool removes its layers; no console errors', async () => {
    const { page } = map;
    await page.locator('.xc-analysis-close').click();
    assert.equal(await page.evaluate(() => !!window.__map!.getSource('xc-coverage-gaps')), false);
    assert.deepEqual(map.errors, []);
  });
});
