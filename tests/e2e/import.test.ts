/**
 * Import preview in the browser: a planner chooses a GBK Shapefile, sees its layer described and
 * drawn on the map, switches the encoding to UTF-8 (mojibake) and back to GBK (Chinese); drops a DXF
 * on the map, and choosing a wrong coordinate system shows the problem; commits a layer as a new
 * control layer and sees it in the layer panel and on the map.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { systemContext } from '../../api/audit/audited.ts';
import { createUser } from '../../api/auth/accounts.ts';
import { launchBrowser, openMap, showLayerList, startApp, waitForIdle, type MapPage, type RunningApp } from './harness.ts';

const PASSWORD = 'planner password 1';
const FIXTURES = 'tests/fixtures/import';

describe('import preview in the map', () => {
  let app: RunningApp;
  let browser: Browser;
  let m: MapPage;
  let page: Page;

  before(async () => {
    app = await startApp();
    await createUser(app.db, systemContext('e2e'), { username: 'zhao', password: PASSWORD, role: 'planner' });
    browser = await launchBrowser();
    m = await openMap(browser, app.url);
    page = m.page;
    await page.click('.xc-account-in');
    await page.fill('.xc-login input[name=username]', 'zhao');
    await page.fill('.xc-login input[name=password]', PASSWORD);
    await page.click('.xc-login button[type=submit]');
    await page.waitForSelector('.xc-account-user');
    await page.click('.xc-analysis-toggle');
    await page.click('.xc-analysis-tab[data-tool=import]');
    await page.waitForSelector('.xc-import input[type=file]');
  });
  after(async () => {
    await browser?.close();
    await app?.close();
  });

  const samples = async () => (await page.locator('.xc-import-fields tr', { hasText: '项目名称' }).first().textContent()) ?? '';
  const drawn = () => page.evaluate(() => window.__map!.queryRenderedFeatures({ layers: ['xc-import-preview-fill'] }).length);

  test('a GBK Shapefile: described, drawn, and the encoding switch turns the names to mojibake and back', async () => {
    await page.setInputFiles('.xc-import input[type=file]', `${FIXTURES}/parcels-gbk-nocpg.zip`);
    await page.waitForSelector('.xc-import[data-busy=false] .xc-import-layer');
    const card = page.locator('.xc-import-layer');
    assert.match((await card.textContent()) ?? '', /EPSG:4546.*\.prj 文件/s);
    assert.match((await card.textContent()) ?? '', /非 UTF-8，按 GBK/);
    assert.match(await samples(), /新城区测试地块一/);
    await waitForIdle(page);
    assert.ok((await drawn()) >= 1, 'the parcels are drawn on the map');
    await card.locator('select[name=encoding]').selectOption('UTF-8');
    await page.waitForFunction(() => document.querySelector('.xc-import-how')?.parentElement?.parentElement?.parentElement?.textContent?.includes('用户选择'));
    await page.waitForFunction(() => ![...document.querySelectorAll('.xc-import-fields td')].some((td) => td.textContent?.includes('新城区测试地块一')));
    await page.locator('.xc-import-layer select[name=encoding]').selectOption('GBK');
    await page.waitForFunction(() => [...document.querySelectorAll('.xc-import-fields td')].some((td) => td.textContent?.includes('新城区测试地块一')));
    await page.screenshot({ path: process.env.SCREENSHOT_DIR ? `${process.env.SCREENSHOT_DIR}/import.png` : '/tmp/import-e2e.png' });
  });

  test('a DXF dropped on the map is read in Gauss-Krüger; a wrong coordinate system shows as a problem', async () => {
    const bytes = readFileSync(`${FIXTURES}/parcels-4546.dxf`).toString('base64');
    await page.evaluate((b64) => {
      const data = Uint8Array.from(atob(b64), (ch) => ch.charCodeAt(0));
      const dt = new DataTransfer();
      dt.items.add(new File([data], '红线图.dxf'));
      const el = window.__map!.getContainer();
      el.dispatchEvent(new DragEvent('dragover', { dataTransfer: dt, bubbles: true, cancelable: true }));
      el.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
    }, bytes);
    await page.waitForSelector('.xc-import[data-busy=false] h3:has-text("红线图.dxf")');
    const card = page.locator('.xc-import-layer');
    assert.match((await card.textContent()) ?? '', /按坐标范围推测/);
    assert.match((await card.textContent()) ?? '', /公园绿地/);
    await card.locator('select[name=crs]').selectOption('EPSG:3857');
    await page.waitForSelector('.xc-import-problems li[data-code=outside_china]');
    assert.deepEqual(m.errors.filter((e) => !/Failed to load resource/.test(e)), []);
  });

  test('commit as a new control layer: fix the encoding, commit, and the layer is in the panel, on the map and in the API', async () => {
    await page.setInputFiles('.xc-import input[type=file]', `${FIXTURES}/parcels-gbk-nocpg.zip`);
    await page.waitForSelector('.xc-import[data-busy=false] .xc-import-commit');
    // Read as UTF-8 first (the wrong guess), then fixed to GBK before committing.
    await page.locator('.xc-import-layer select[name=encoding]').selectOption('UTF-8');
    await page.waitForFunction(() => ![...document.querySelectorAll('.xc-import-fields td')].some((td) => td.textContent?.includes('新城区测试地块一')));
    await page.locator('.xc-import-layer select[name=encoding]').selectOption('GBK');
    await page.waitForFunction(() => [...document.querySelectorAll('.xc-import-fields td')].some((td) => td.textContent?.includes('新城区测试地块一')));
    const form = page.locator('.xc-import-commit');
    assert.equal(await form.locator('select[name="field:项目名称"]').inputValue(), 'name_zh', '项目名称 matched to name_zh automatically');
    await form.locator('input[name=id]').fill('office_farmland');
    await form.locator('input[name=titleZh]').fill('永久基本农田（规划局）');
    await form.locator('input[name=titleEn]').fill('Permanent basic farmland (office)');
    await form.locator('select[name=role]').selectOption('control');
    // The role re-renders the form: what was typed stays.
    assert.equal(await page.locator('.xc-import-commit input[name=titleZh]').inputValue(), '永久基本农田（规划局）');
    await page.locator('.xc-import-commit input[name=reason]').fill('e2e 导入');
    await page.screenshot({ path: process.env.SCREENSHOT_DIR ? `${process.env.SCREENSHOT_DIR}/import-commit-form.png` : '/tmp/import-commit-form.png' });
    await page.click('.xc-import-commit-button');
    await page.waitForSelector('.xc-import-done, .xc-import-error');
    const done = (await page.locator('.xc-import-done').textContent().catch(() => null)) ?? (await page.locator('.xc-import-error').textContent());
    assert.match(done ?? '', /已提交：永久基本农田（规划局）（office_farmland）第 1 版/, `the commit's outcome: ${done}`);

    // The layer panel lists it (folded beside the open dock: opened), and its features are drawn in their own style.
    await showLayerList(page);
    await page.waitForSelector('.xc-layer-panel :text("永久基本农田（规划局）")');
    await waitForIdle(page);
    const rendered = await page.evaluate(() => window.__map!.queryRenderedFeatures({ layers: ['office_farmland-fill'] }).map((f) => f.properties.name_zh));
    assert.ok(rendered.some((n) => /新城区测试地块/.test(String(n))), `the committed parcels are drawn with their Chinese names: ${rendered.join(', ')}`);
    assert.equal(await page.evaluate(() => window.__map!.getSource('xc-import-preview') && (window.__map!.querySourceFeatures('xc-import-preview').length)), 0, 'the preview is cleared');
    const api = await (await fetch(new URL("api/collections/office_farmland", app.url))).json();
    assert.equal(api.role, 'control');
    assert.equal(api.imported, true);

    // The new layer exports from the layer panel, in Gauss-Krüger for CAD and desktop GIS.
    const section = page.locator('.xc-layer[data-layer=office_farmland]');
    await section.locator('.xc-layer-export summary').click();
    await section.locator('.xc-export-picker select[name=format]').selectOption('gpkg');
    await section.locator('.xc-export-picker select[name=crs]').selectOption('EPSG:4546');
    const [dl] = await Promise.all([page.waitForEvent('download'), section.locator('.xc-export-button').click()]);
    assert.equal(dl.suggestedFilename(), 'office_farmland-EPSG4546.gpkg');
    const info = execFileSync('ogrinfo', ['-al', '-q', (await dl.path())!], { encoding: 'utf8' });
    assert.match(info, /新城区测试地块一/);
    assert.equal((info.match(/OGRFeature\(office_farmland\)/g) ?? []).length, 2, 'both parcels in the export');
    await page.screenshot({ path: process.env.SCREENSHOT_DIR ? `${process.env.SCREENSHOT_DIR}/import-committed.png` : '/tmp/import-committed.png' });
    assert.deepEqual(m.errors.filter((e) => !/Failed to load resource/.test(e)), []);
  });
});
