/**
 * Reviewing a whole layer in the browser (issue 12): the compliance tool's "审查整个图层" starts a
 * job for an imported parcel layer, shows its progress with a cancel button (cancel stops the job on
 * the server), and when done a paged table — conflicts first, an only-conflicts toggle — whose rows
 * zoom the map to their site, and a CSV link the server streams. A reloaded page (and a second tab)
 * finds the running review again (GET /api/jobs): its progress comes back, then its table.
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { createApp } from '../../api/app.ts';
import { commitLayer, feature } from '../helpers/coverage-layers.ts';
import { BLOCK, parcels } from '../helpers/synthetic-parcels.ts';
import { testUser } from '../helpers/users.ts';
import { launchBrowser, openMap, startApp, waitForReady, type RunningApp } from './harness.ts';

const LAYER = 'parcels_review_e2e';
const SITES = 3000;
const SHOTS = 'test-results';

describe('review of a whole layer (browser)', () => {
  let app: RunningApp;
  let browser: Browser;
  let page: Page;
  const jobIds: string[] = [];
  /** A review waits between chunks once it has reviewed this many sites (the test raises it; Infinity: runs freely). */
  let holdAt = Infinity;

  before(async () => {
    mkdirSync(SHOTS, { recursive: true });
    // Chunks of 50 sites: the 3 000-site review takes 60 statements. A review the test holds (holdAt)
    // waits between chunks, so it is certain to be still running when the test cancels it or reloads
    // the page, however fast or loaded the machine; let go, it runs at full speed.
    [app, browser] = await Promise.all([startApp({ BASEMAPS: [] }, [], { chunkSites: 50, holdWhile: (done) => done >= holdAt }), launchBrowser()]);
    const api = createApp({ db: app.db, config: { BASEMAPS: [] } });
    const planner = await testUser(app.db, 'planner');
    const w = BLOCK.west + (BLOCK.east - BLOCK.west) * 0.25;
    const ctl = { type: 'Polygon', coordinates: [[[BLOCK.west - 0.01, BLOCK.south - 0.01], [w, BLOCK.south - 0.01], [w, BLOCK.north + 0.01], [BLOCK.west - 0.01, BLOCK.north + 0.01], [BLOCK.west - 0.01, BLOCK.south - 0.01]]] };
    await commitLayer(api, planner.auth, 'review_controls_e2e', 'control', [feature(ctl, { name_zh: '合成管控区' })], { titleZh: '合成管控区' });
    await commitLayer(api, planner.auth, LAYER, 'reference', parcels(SITES), { titleZh: '合成宗地' });
    const map = await openMap(browser, app.url, async (p) => {
      p.on('response', (r) => {
        const m = /\/api\/jobs$/.test(new URL(r.url()).pathname) && r.request().method() === 'POST' ? /\/api\/jobs\/(.+)$/.exec(r.headers().location ?? '') : null;
        if (m) jobIds.push(m[1]);
      });
    });
    page = map.page;
    await page.locator('.xc-analysis-toggle').click();
    await page.locator('.xc-analysis-drawer .xc-analysis-tab[data-tool="compliance"][aria-selected="true"]').waitFor();
    await page.locator('.xc-cmp-section-layer > summary').click();
  });

  after(async () => {
    await browser?.close();
    await app?.close();
  });

  /** The compliance tool open (a reloaded page opens it from its link) with the layer review section unfolded. */
  const openLayerReview = async (p: Page) => {
    const tab = p.locator('.xc-analysis-drawer .xc-analysis-tab[data-tool="compliance"][aria-selected="true"]');
    if (!(await tab.isVisible())) await p.locator('.xc-analysis-toggle').click();
    await tab.waitFor();
    if ((await p.locator('.xc-cmp-section-layer').getAttribute('open')) === null) await p.locator('.xc-cmp-section-layer > summary').click();
  };

  const jobState = async (id: string) => ((await (await fetch(`${app.url}api/jobs/${id}`)).json()) as { state: string; progress: { done: number; total: number } });

  test('the imported layer is offered (no control layer); start shows progress; cancel stops the job', async () => {
    const options = await page.$$eval('.xc-lrv-layer option', (os) => os.map((o) => (o as HTMLOptionElement).value));
    assert.equal(options[0], LAYER, `imported layers first: ${options.join(', ')}`);
    assert.ok(!options.includes('review_controls_e2e') && !options.includes('controls'), 'control layers are not offered');
    assert.ok(options.includes('zones'), 'built-in polygon layers too');
    await page.locator('.xc-lrv-layer').selectOption(LAYER);
    holdAt = 100;
    await page.locator('.xc-lrv-start').click();
    await page.locator('.xc-lrv[data-state="running"] .xc-lrv-cancel').waitFor({ timeout: 20_000 });
    await page.waitForFunction(() => Number(document.querySelector<HTMLProgressElement>('.xc-lrv-bar')?.value) > 0, null, { timeout: 20_000 });
    const text = await page.locator('.xc-lrv-count').textContent();
    assert.match(text ?? '', new RegExp(`已审查 [\\d,]+ / ${SITES.toLocaleString('zh-CN')} 宗`), text ?? '');
    assert.equal(await page.locator('.xc-lrv-bar').getAttribute('max'), String(SITES));
    assert.equal(await page.locator('.xc-lrv-start').isDisabled(), true, 'one review at a time from the panel');
    await page.locator('.xc-cmp-section-layer').screenshot({ path: `${SHOTS}/layer-review-progress.png` });

    await page.locator('.xc-lrv-cancel').click();
    await page.locator('.xc-lrv[data-state="cancelled"]').waitFor();
    assert.match((await page.locator('.xc-lrv-status').textContent()) ?? '', /已取消审查/);
    assert.equal(jobIds.length, 1);
    const cancelled = await jobState(jobIds[0]);
    assert.equal(cancelled.state, 'cancelled');
    assert.ok(cancelled.progress.done < SITES, `stopped at ${cancelled.progress.done}`);
    // Let go: a review that had not stopped would go on now.
    holdAt = Infinity;
    await new Promise((r) => setTimeout(r, 500));
    assert.equal((await jobState(jobIds[0])).progress.done, cancelled.progress.done, 'the server stopped reviewing');
  });

  test('done: a paged table with conflicts first, the only-conflicts toggle, a row zooms to its site, the CSV link', async () => {
    await page.locator('.xc-lrv-start').click();
    await page.locator('.xc-lrv[data-state="done"] .xc-lrv-table').waitFor({ timeout: 120_000 });
    const id = jobIds[1];
    const job = (await (await fetch(`${app.url}api/jobs/${id}`)).json()) as { numberOfSites: number; numberWithConflicts: number };
    assert.equal(job.numberOfSites, SITES);
    assert.ok(job.numberWithConflicts > 50 && job.numberWithConflicts < SITES, `${job.numberWithConflicts} conflicts`);
    const status = (await page.locator('.xc-lrv-status').textContent()) ?? '';
    assert.match(status, new RegExp(`共审查 ${SITES.toLocaleString('zh-CN')} 宗，${job.numberWithConflicts.toLocaleString('zh-CN')} 宗与管控图层重叠`), status);
    const rows = page.locator('.xc-lrv-table tbody tr');
    assert.equal(await rows.count(), 50);
    assert.equal(await rows.first().getAttribute('class'), 'xc-cmp-conflict', 'conflicts first');
    assert.match((await page.locator('.xc-lrv-range').textContent()) ?? '', new RegExp(`第 1–50 宗，共 ${SITES.toLocaleString('zh-CN')} 宗`));
    const firstConflict = Number(await rows.first().locator('[data-conflict-m2]').getAttribute('data-conflict-m2'));
    const secondConflict = Number(await rows.nth(1).locator('[data-conflict-m2]').getAttribute('data-conflict-m2'));
    assert.ok(firstConflict >= secondConflict && firstConflict > 0, 'largest conflict first');
    assert.match((await rows.first().textContent()) ?? '', /合成管控区/);

    // The last page holds sites without a conflict.
    await page.locator('.xc-lrv-next').click();
    await page.waitForFunction(() => document.querySelector('.xc-lrv-range')?.textContent?.startsWith('第 51–100'));
    assert.equal(await page.locator('.xc-lrv-prev').isDisabled(), false);

    // Only the conflicting sites: every row is one, and the count is the job's.
    await page.locator('.xc-lrv-only').check();
    await page.waitForFunction(() => document.querySelector('.xc-lrv-range')?.textContent?.startsWith('第 1–50'));
    assert.match((await page.locator('.xc-lrv-range').textContent()) ?? '', new RegExp(`共 ${job.numberWithConflicts.toLocaleString('zh-CN')} 宗`));
    assert.equal(await page.locator('.xc-lrv-table tbody tr:not(.xc-cmp-conflict)').count(), 0);

    // A row: the map goes to its site.
    const row = page.locator('.xc-lrv-table tbody tr').nth(3);
    const siteId = (await row.getAttribute('data-site'))!;
    const item = (await (await fetch(`${app.url}api/collections/${LAYER}/items/${siteId}`)).json()) as { geometry: { coordinates: number[][][] } };
    const ring = item.geometry.coordinates[0];
    const [lon, lat] = [ring.reduce((s, p) => s + p[0], 0) / ring.length, ring.reduce((s, p) => s + p[1], 0) / ring.length];
    await row.click();
    await page.waitForFunction(
      ([x, y]) => {
        const map = window.__map!;
        return !map.isMoving() && map.getZoom() > 15 && map.getBounds().contains([x, y]);
      },
      [lon, lat],
      { timeout: 10_000 },
    );
    assert.match((await row.getAttribute('class')) ?? '', /xc-cmp-selected/);
    await page.screenshot({ path: `${SHOTS}/layer-review-done.png` });

    // The CSV link: the conflicting sites, streamed by the server.
    const href = (await page.locator('.xc-lrv-csv').getAttribute('href'))!;
    assert.match(href, new RegExp(`/api/jobs/${id}/results\\?f=csv&only=conflicts$`));
    const csv = await (await fetch(href)).text();
    assert.equal(csv.replace(/^\uFEFF/, '').trim().split('\r\n').length, job.numberWithConflicts + 1);
  });

  test('in English: the section, the counts and the paging', async () => {
    await page.locator('.xc-lang-switch').click();
    await page.waitForFunction(() => document.querySelector('.xc-cmp-section-layer > summary')?.textContent === 'Review a whole layer');
    assert.match((await page.locator('.xc-lrv-status').textContent()) ?? '', new RegExp(`${SITES.toLocaleString('en')} sites reviewed`));
    assert.match((await page.locator('.xc-lrv-range').textContent()) ?? '', /^1–50 of /);
    assert.equal(await page.locator('.xc-lrv-start').textContent(), 'Review the whole layer');
    await page.locator('.xc-lang-switch').click();
  });

  test('a reloaded page and a second tab find the running review again: its progress, then its table', async () => {
    holdAt = 100;
    await page.locator('.xc-lrv-start').click();
    await page.locator('.xc-lrv[data-state="running"]').waitFor({ timeout: 20_000 });
    await page.waitForFunction(() => Number(document.querySelector<HTMLProgressElement>('.xc-lrv-bar')?.value) > 0, null, { timeout: 20_000 });
    const id = jobIds[2];
    assert.ok(id, 'a third job was started');
    const before = await jobState(id);
    assert.equal(before.state, 'running');

    await page.reload();
    await waitForReady(page);
    await openLayerReview(page);
    // The panel asked the server for the user's jobs and follows the running one again.
    await page.locator('.xc-lrv[data-state="running"] .xc-lrv-cancel').waitFor({ timeout: 20_000 });
    assert.equal(await page.locator('.xc-lrv-layer').inputValue(), LAYER);
    assert.equal(await page.locator('.xc-lrv-start').isDisabled(), true, 'no second review while this one runs');
    assert.equal(await page.locator('.xc-lrv-bar').getAttribute('max'), String(SITES));
    // The review goes on (two chunks more), and the reloaded page follows its progress.
    holdAt = 200;
    await page.waitForFunction((n) => Number(document.querySelector<HTMLProgressElement>('.xc-lrv-bar')?.value) > n, before.progress.done, { timeout: 20_000 });
    assert.match((await page.locator('.xc-lrv-count').textContent()) ?? '', new RegExp(`已审查 [\\d,]+ / ${SITES.toLocaleString('zh-CN')} 宗`));

    // A second tab: the same job, still held, its progress too.
    const second = await openMap(browser, app.url);
    await openLayerReview(second.page);
    await second.page.locator('.xc-lrv[data-state="running"] .xc-lrv-cancel').waitFor({ timeout: 20_000 });
    await second.page.close();

    // Let go, it finishes on the reloaded page: the table of that job.
    holdAt = Infinity;
    await page.locator('.xc-lrv[data-state="done"] .xc-lrv-table').waitFor({ timeout: 120_000 });
    assert.equal(await page.locator('.xc-lrv-job').getAttribute('data-job'), id);
    assert.equal(await page.locator('.xc-lrv-table tbody tr').count(), 50);
    assert.equal(jobIds.length, 3, 'the reloaded page started no job of its own');

    // Reloaded once done: the table comes back.
    await page.reload();
    await waitForReady(page);
    await openLayerReview(page);
    await page.locator(`.xc-lrv[data-state="done"] .xc-lrv-job[data-job="${id}"] .xc-lrv-table`).waitFor({ timeout: 20_000 });
    assert.match((await page.locator('.xc-lrv-status').textContent()) ?? '', new RegExp(`共审查 ${SITES.toLocaleString('zh-CN')} 宗`));
  });
});
