/**
 * Editing in the browser: sign in from the header, edit a feature's attributes in the Edit tool,
 * locate an unlocated project by placing its point (with the compliance pre-check), see a 412 when
 * someone else saved first, read the history — and a feature named with markup never runs it.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { systemContext } from '../../api/audit/audited.ts';
import { createUser } from '../../api/auth/accounts.ts';
import { launchBrowser, openMap, startApp, type MapPage, type RunningApp } from './harness.ts';

const XSS = '<img src=x onerror=alert(1)>';
const PASSWORD = 'planner password 1';

describe('editing in the map', () => {
  let app: RunningApp;
  let browser: Browser;
  let m: MapPage;
  let page: Page;
  const dialogs: string[] = [];

  before(async () => {
    app = await startApp();
    await createUser(app.db, systemContext('e2e'), { username: 'wang', password: PASSWORD, role: 'planner' });
    await createUser(app.db, systemContext('e2e'), { username: 'li', password: PASSWORD, role: 'admin' });
    browser = await launchBrowser();
    m = await openMap(browser, app.url);
    page = m.page;
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.accept();
    });
  });
  after(async () => {
    await browser?.close();
    await app?.close();
  });

  /** Waits for the save's outcome and fails with the form's own message when it is an error. */
  const saveSucceeded = async () => {
    const outcome = await page.waitForSelector('.xc-edit-ok, .xc-edit-error', { timeout: 60_000 });
    const text = (await outcome.textContent()) ?? '';
    assert.ok(await outcome.evaluate((e) => e.classList.contains('xc-edit-ok')), `the save failed: ${text}`);
  };
  /** The pre-check of a new shape has answered (it re-renders its box when done). */
  const checked = () => page.waitForFunction(() => !document.querySelector('.xc-edit-save')?.hasAttribute('disabled'), undefined, { timeout: 60_000 });

  const openEditTool = async () => {
    if (!(await page.locator('.xc-analysis-drawer').isVisible())) await page.click('.xc-analysis-toggle');
    await page.click('.xc-analysis-tab[data-tool=edit]');
    await page.waitForSelector('.xc-edit');
  };

  test('sign in from the header: the user name and role appear; the Admin tab stays hidden for a planner', async () => {
    await page.click('.xc-analysis-toggle');
    assert.equal(await page.locator('.xc-analysis-tab[data-tool=edit]').count(), 0, 'no edit tools before signing in');
    await page.click('.xc-analysis-close');
    await page.click('.xc-account-in');
    await page.fill('.xc-login input[name=username]', 'wang');
    await page.fill('.xc-login input[name=password]', PASSWORD);
    await page.click('.xc-login button[type=submit]');
    await page.waitForSelector('.xc-account-user');
    assert.match(await page.textContent('.xc-account-user') ?? '', /wang · 规划师/);
    await page.click('.xc-analysis-toggle');
    assert.equal(await page.locator('.xc-analysis-tab[data-tool=edit]').count(), 1);
    assert.equal(await page.locator('.xc-analysis-tab[data-tool=admin]').count(), 0);
    await page.click('.xc-analysis-close');
  });

  test('a personal access token for QGIS: created in the header, shown once, works as Bearer, revoked', async () => {
    await page.click('.xc-account-tokens');
    await page.fill('.xc-token-form input', 'QGIS 笔记本');
    await page.click('.xc-token-form button');
    const token = (await page.locator('.xc-token-secret').textContent())!;
    assert.match(token, /^xct_/);
    const me = await fetch(`${app.url}api/auth/me`, { headers: { authorization: `Bearer ${token}` } });
    assert.equal((await me.json()).user.username, 'wang');
    await page.locator('.xc-token-list li', { hasText: 'QGIS 笔记本' }).locator('button').click();
    await page.waitForFunction(() => !document.querySelector('.xc-token-list')?.textContent?.includes('QGIS 笔记本'));
    assert.equal((await fetch(`${app.url}api/auth/me`, { headers: { authorization: `Bearer ${token}` } })).status, 401);
    await page.click('.xc-account-tokens');
  });

  test('a feature renamed to markup: saved through the form, shown as text in popup, search and history', async () => {
    await openEditTool();
    await page.evaluate(() => window.__xc!.interaction.focus('villages', 'village-shuimo'));
    await page.waitForSelector('.xc-edit-feature[data-feature=village-shuimo]');
    await page.fill('.xc-edit-field[data-prop=name_zh] input', XSS);
    await page.dispatchEvent('.xc-edit-field[data-prop=name_zh] input', 'change');
    await page.fill('.xc-edit-reason', '核实村名 (e2e)');
    await page.click('.xc-edit-save');
    await saveSucceeded();
    assert.match(await page.textContent('.xc-edit-ok') ?? '', /版本 2/);
    // The popup shows the name as text.
    await page.waitForFunction((x) => document.querySelector('.xc-popup-title')?.textContent === x, XSS);
    assert.equal(await page.locator('.xc-popup img').count(), 0);
    // Search finds it, as text.
    await page.fill('.xc-search-input', 'onerror');
    await page.waitForFunction(() => document.querySelectorAll('.xc-search-result').length > 0);
    assert.ok((await page.textContent('.xc-search-results'))?.includes(XSS));
    assert.equal(await page.locator('.xc-search-results img').count(), 0);
    // History: the version with its reason.
    await page.click('.xc-edit-history-load');
    await page.waitForSelector('.xc-edit-version[data-version="2"]');
    assert.match(await page.textContent('.xc-edit-versions') ?? '', /核实村名 \(e2e\)/);
    await page.click('.xc-edit-version[data-version="1"] .xc-edit-version-show');
    await page.waitForSelector('.xc-edit-version-details');
    assert.match(await page.textContent('.xc-edit-version-details') ?? '', /名称/);
    assert.equal(await page.locator('.xc-edit img').count(), 0);
    // Restore the imported name: a new version 3, the old name back on the map.
    await page.click('.xc-edit-restore');
    await page.waitForFunction(() => /已恢复为新版本 3/.test(document.querySelector('.xc-edit-ok')?.textContent ?? ''));
    const restored = await page.evaluate(() => window.__xc!.store.feature('villages', 'village-shuimo')?.properties.name_zh);
    assert.equal(restored, '水磨村');
    assert.deepEqual(dialogs, [], 'no script ran');
  });

  test('locating an unlocated project: place its point, see the pre-check, save; it leaves the list', async () => {
    await openEditTool();
    await page.click('.xc-edit-unlocated summary');
    const first = page.locator('.xc-edit-locate').first();
    const id = await first.getAttribute('data-feature');
    const before = await page.locator('.xc-edit-locate').count();
    await first.click();
    await page.waitForSelector(`.xc-edit-feature[data-feature="${id}"]`);
    await page.click('.xc-edit-draw-point');
    // Place the point in the city: the popup closed, clear of the side panel and the drawer.
    await page.evaluate(() => {
      document.querySelector<HTMLButtonElement>('.maplibregl-popup-close-button')?.click();
      window.__map!.jumpTo({ center: [111.70, 40.84], zoom: 13 });
    });
    const box = (await page.locator('#map canvas').boundingBox())!;
    await page.mouse.click(box.x + 600, box.y + 560);
    await page.waitForSelector('.xc-edit-check');
    await page.waitForFunction(() => !/正在检查/.test(document.querySelector('.xc-edit-check')?.textContent ?? '正在检查'));
    assert.match(await page.textContent('.xc-edit-check') ?? '', /合规预检/);
    await page.fill('.xc-edit-reason', '按批复定位 (e2e)');
    await page.click('.xc-edit-save');
    await saveSucceeded();
    const saved = await page.evaluate((pid) => window.__xc!.store.feature('projects', pid!), id);
    assert.equal(saved?.geometry?.type, 'Point');
    assert.equal(saved?.properties.location_quality, 'approximate');
    await page.click('.xc-edit-unlocated summary').catch(() => {});
    assert.equal(await page.locator('.xc-edit-locate').count(), before - 1);
  });

  test('a new park from pasted 界址点: created with its computed area, audited, on the map', async () => {
    await openEditTool();
    await page.selectOption('.xc-edit-newfeature select', 'parks');
    await page.click('.xc-edit-new');
    await page.waitForSelector('.xc-edit-feature[data-collection=parks]');
    await page.click('.xc-edit-paste summary');
    await page.locator('.xc-edit-paste .xc-cmp-input-tab[data-pane="paste"]').click();
    await page.selectOption('.xc-edit-paste .xc-cmp-crs', 'EPSG:4326');
    await page.locator('.xc-edit-paste .xc-cmp-paste').fill('111.700, 40.830\n111.704, 40.830\n111.704, 40.833\n111.700, 40.833');
    await page.locator('.xc-edit-paste .xc-cmp-check').click();
    await page.waitForFunction(() => /Polygon/.test(document.querySelector('.xc-edit-geometry-state')?.textContent ?? ''));
    // Typed while the pre-check runs (it answers 400 ms after the shape rests): nothing typed is lost when it does.
    await page.fill('.xc-edit-field[data-prop=name_zh] input', '测试口袋公园');
    await page.fill('.xc-edit-reason', '新建公园 (e2e)');
    await checked();
    assert.match(await page.textContent('.xc-edit-check') ?? '', /合规预检/);
    assert.equal(await page.inputValue('.xc-edit-field[data-prop=name_zh] input'), '测试口袋公园');
    assert.equal(await page.inputValue('.xc-edit-reason'), '新建公园 (e2e)');
    await page.click('.xc-edit-save');
    await saveSucceeded();
    const park = await page.evaluate(() => window.__xc!.store.features.get('parks')!.find((f) => f.properties.name_zh === '测试口袋公园'));
    assert.equal(park?.geometry?.type, 'Polygon');
    const area = Number(park?.properties.area_square_meters);
    assert.ok(area > 100_000 && area < 120_000, `computed area ${area} m²`);
    assert.equal(park?.properties.quality, 'approximate');
  });

  test('drawing snaps a vertex onto a nearby vertex of another layer', async () => {
    await openEditTool();
    // A corner of an existing park, seen closely, with nothing else over it.
    const corner = await page.evaluate(() => {
      const park = window.__xc!.store.features.get('parks')!.find((f) => f.geometry?.type === 'Polygon' && f.properties.name_zh === '测试口袋公园');
      const p = (park!.geometry as GeoJSON.Polygon).coordinates[0][1];
      document.querySelector<HTMLButtonElement>('.maplibregl-popup-close-button')?.click();
      window.__map!.jumpTo({ center: [p[0] - 0.0004, p[1] - 0.0004], zoom: 17 });
      return p;
    });
    await page.selectOption('.xc-edit-newfeature select', 'parks');
    await page.click('.xc-edit-new');
    await page.waitForSelector('.xc-edit-feature[data-collection=parks]');
    // Bring the corner to a known spot clear of the side panel and the drawer.
    const at = await page.evaluate(([lon, lat]) => {
      const map = window.__map!;
      const p = map.project([lon, lat]);
      map.panBy([p.x - 560, p.y - 420], { duration: 0 });
      return map.project([lon, lat]);
    }, corner);
    // The first click lands 4 px off the corner; the others make a square to the south-west.
    const pts: [number, number][] = [[at.x + 3, at.y - 3], [at.x - 120, at.y], [at.x - 120, at.y + 120], [at.x, at.y + 120], [at.x + 3, at.y - 3]];
    for (const [x, y] of pts) {
      await page.mouse.move(x, y, { steps: 4 });
      await page.mouse.click(x, y);
      await page.waitForTimeout(100);
    }
    await page.waitForFunction(() => /Polygon/.test(document.querySelector('.xc-edit-geometry-state')?.textContent ?? ''));
    await checked();
    await page.fill('.xc-edit-field[data-prop=name_zh] input', '吸附测试公园');
    await page.dispatchEvent('.xc-edit-field[data-prop=name_zh] input', 'change');
    await page.fill('.xc-edit-reason', '吸附 (e2e)');
    await page.click('.xc-edit-save');
    await saveSucceeded();
    const ring = await page.evaluate(() => (window.__xc!.store.features.get('parks')!.find((f) => f.properties.name_zh === '吸附测试公园')!.geometry as GeoJSON.Polygon).coordinates[0]);
    const hit = ring.some((p) => Math.abs(p[0] - corner[0]) < 1e-7 && Math.abs(p[1] - corner[1]) < 1e-7);
    assert.ok(hit, `a vertex snapped onto ${corner}: ${JSON.stringify(ring)}`);
  });

  test('someone else saved first: the save is refused with the new version and a reload button', async () => {
    await openEditTool();
    await page.evaluate(() => window.__xc!.interaction.focus('villages', 'village-shuimo'));
    await page.waitForSelector('.xc-edit-feature[data-feature=village-shuimo]');
    // Another planner changes the village behind this page's back (through the API).
    const other = await page.evaluate(async () => {
      const r = await fetch('/api/collections/villages/items/village-shuimo', {
        method: 'PATCH',
        headers: { 'content-type': 'application/json', 'x-change-reason': 'other%20planner' },
        body: JSON.stringify({ properties: { name_en: 'Changed by someone else' } }),
      });
      return r.status;
    });
    assert.equal(other, 200);
    await page.fill('.xc-edit-field[data-prop=name_en] input', 'My change');
    await page.dispatchEvent('.xc-edit-field[data-prop=name_en] input', 'change');
    await page.click('.xc-edit-save');
    await page.waitForSelector('.xc-edit-error');
    assert.match(await page.textContent('.xc-edit-error') ?? '', /已被他人修改（当前版本 4）/);
    await page.click('.xc-edit-error button');
    await page.waitForFunction(() => (document.querySelector('.xc-edit-field[data-prop=name_en] input') as HTMLInputElement | null)?.value === 'Changed by someone else');
  });

  test('a compliance result saved as review XC-<year>-0001, found by search and reprinted', async () => {
    if (!(await page.locator('.xc-analysis-drawer').isVisible())) await page.click('.xc-analysis-toggle');
    await page.click('.xc-analysis-tab[data-tool=compliance]');
    const tool = page.locator('.xc-analysis-tool[data-tool=compliance]');
    await tool.locator('.xc-cmp-input-tab[data-pane="paste"]').click();
    await tool.locator('.xc-cmp-crs').selectOption('EPSG:4326');
    await tool.locator('.xc-cmp-paste').fill('111.78, 40.95\n111.80, 40.95\n111.80, 40.965\n111.78, 40.965');
    await tool.locator('.xc-cmp-check').click();
    const result = tool.locator('.xc-cmp-result[data-source="server"]');
    await result.waitFor();
    await result.locator('.xc-review-form input[name=projectName]').fill('前坡民宿项目 <script>alert(2)</script>');
    await result.locator('.xc-review-form input[name=applicant]').fill('某文旅公司');
    await result.locator('.xc-review-save').click();
    const year = new Date().getFullYear();
    await page.waitForFunction((y) => document.querySelector('.xc-review-status')?.textContent?.includes(`XC-${y}-0001`), year);
    await page.waitForSelector(`.xc-reviews-list li[data-review="XC-${year}-0001"]`);
    await page.fill('.xc-reviews-search', '文旅');
    await page.waitForFunction(() => document.querySelectorAll('.xc-reviews-list li[data-review]').length === 1);
    assert.ok((await page.textContent('.xc-reviews-list'))!.includes('<script>alert(2)</script>'), 'shown as text');
    await page.click(`.xc-reviews-list li[data-review="XC-${year}-0001"] .xc-review-print`);
    const report = page.locator('.xc-report');
    await report.locator('.xc-report-image').waitFor();
    assert.match((await report.textContent())!, new RegExp(`XC-${year}-0001`));
    await report.locator('.xc-report-close').click();
    assert.deepEqual(dialogs, [], 'no script ran');
  });

  test('an admin: the Admin tab lists users and changes, adds a user, exports CSV and verifies the chain', async () => {
    await page.click('.xc-account-out');
    await page.waitForSelector('.xc-account-in');
    await page.click('.xc-account-in');
    await page.fill('.xc-login input[name=username]', 'li');
    await page.fill('.xc-login input[name=password]', PASSWORD);
    await page.click('.xc-login button[type=submit]');
    await page.waitForSelector('.xc-account-user[data-role=admin]');
    if (!(await page.locator('.xc-analysis-drawer').isVisible())) await page.click('.xc-analysis-toggle');
    await page.click('.xc-analysis-tab[data-tool=admin]');
    await page.waitForSelector('.xc-admin-users tr[data-user=wang]');
    await page.fill('.xc-admin-add input[name=username]', 'zhao');
    await page.fill('.xc-admin-add input[name=password]', 'zhao password 1');
    await page.selectOption('.xc-admin-add select', 'viewer');
    await page.click('.xc-admin-add button');
    await page.waitForSelector('.xc-admin-users tr[data-user=zhao]');
    // The change log: wang's edits, filtered, with their reasons.
    await page.fill('.xc-admin-filter input[name=actor]', 'wang');
    await page.click('.xc-admin-filter button');
    await page.waitForFunction(() => [...document.querySelectorAll('.xc-admin-audit tbody tr')].length > 0 && [...document.querySelectorAll('.xc-admin-audit tbody tr td:nth-child(2)')].every((td) => td.textContent === 'wang'));
    assert.match((await page.textContent('.xc-admin-audit'))!, /核实村名 \(e2e\)/);
    assert.match((await page.getAttribute('.xc-admin-csv', 'href'))!, /\/api\/audit\?actor=wang.*f=csv/);
    const csv = await page.evaluate(async (href) => (await fetch(href)).text(), (await page.getAttribute('.xc-admin-csv', 'href'))!);
    assert.match(csv, /核实村名/);
    await page.click('.xc-admin-verify');
    await page.waitForSelector('.xc-admin-verify-result');
    assert.match((await page.textContent('.xc-admin-verify-result'))!, /记录完整/);
  });

  test('no console errors (CSP included) and nothing fetched from outside', async () => {
    await page.screenshot({ path: '/tmp/xc-editing.png' });
    assert.deepEqual(m.errors.filter((e) => !/409|412/.test(e) && !/status of 4\d\d/.test(e)), []);
    assert.deepEqual(m.externalRequests, []);
    const csp = (await (await fetch(app.url)).headers.get('content-security-policy')) ?? '';
    assert.match(csp, /default-src 'self'/);
    assert.match(csp, /frame-ancestors 'self'/);
  });
});
