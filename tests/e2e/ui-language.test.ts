/**
 * The Chinese UI speaks Chinese (issue 13 #9): walks the popups of every feature of every layer,
 * the about-the-data of every layer, a compliance result of pasted sites (one across the red line,
 * one touching it along an edge), and a coverage result, and fails on the developer and English
 * text it finds: snake_case codes, request fields, file names, "Appendix", raw feature ids, English
 * sentences. Proper nouns (OpenStreetMap, ODbL, EPSG codes, CGCS2000, GB standards) and units pass.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Locator } from 'playwright-core';
import { launchBrowser, openMap, showLayerList, type MapPage, type RunningApp, startApp } from './harness.ts';

/** Names and codes a Chinese text may carry as they are. */
const ALLOWED = [
  /©?\s*OpenStreetMap( contributors| 贡献者)?/g,
  /\bODbL(-1\.0)?\b/g,
  /\bOSM\b/g,
  /\bEPSG:\d{4,5}\b/g,
  /\bCGCS2000\b/g,
  /\bWGS ?84\b/g,
  /\bGCJ-02\b/g,
  /\bGB(\/T)? \d{5}(-\d{4})?\b/g,
  /\bPostGIS\b/g,
  /\bCC0\b/g,
  /\bCC BY(-SA)? \d\.\d\b/g,
];

/** What a Chinese UI must not show. */
const FORBIDDEN: [string, RegExp][] = [
  ['snake_case code', /\b[a-z]+_[a-z]+(_[a-z]+)*\b/i],
  ['request field', /includePlanned|coverageShare|presetId/],
  ['file name', /\.(csv|json|geojson|bin|ts)\b/i],
  ['Appendix', /\bAppendix\b/i],
  ['feature id', /\b(control|project|zone|park|facility|village|district|central-area|indicator)-[a-z0-9]+(-[a-z0-9]+)*\b/],
  ['English sentence', /\b[A-Za-z][a-z]+(?:[\s,;:()'’"-]+[A-Za-z][a-z]+){3,}/],
];

/** The developer or English strings in a text, each with its rule and some context. */
function findLeaks(text: string): string[] {
  let clean = text;
  for (const re of ALLOWED) clean = clean.replace(re, ' ');
  const leaks: string[] = [];
  for (const [rule, re] of FORBIDDEN) {
    const m = re.exec(clean);
    if (m) leaks.push(`${rule}: “${clean.slice(Math.max(0, m.index - 30), m.index + m[0].length + 30).replace(/\s+/g, ' ')}”`);
  }
  return leaks;
}

/**
 * The text a user sees in an element: visible text nodes, leaving out those marked as another
 * language (a name given in both languages carries lang="en" on its English form).
 */
const VISIBLE_TEXT = (root: Element): string => {
  const out: string[] = [];
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const parent = n.parentElement;
    if (!parent || !parent.checkVisibility()) continue;
    const lang = parent.closest('[lang]')?.getAttribute('lang') ?? 'zh';
    if (!lang.startsWith('zh')) continue;
    out.push(n.textContent ?? '');
  }
  return out.join(' ');
};

describe('Chinese UI language (browser)', () => {
  let app: RunningApp;
  let browser: Browser;
  let map: MapPage;
  const leaks: string[] = [];
  const scan = (where: string, text: string) => {
    for (const l of findLeaks(text)) leaks.push(`${where} — ${l}`);
  };
  const scanLocator = async (where: string, loc: Locator) => scan(where, await loc.evaluate(VISIBLE_TEXT));

  before(async () => {
    [app, browser] = await Promise.all([startApp(), launchBrowser()]);
    map = await openMap(browser, app.url);
  });

  after(async () => {
    await browser?.close();
    await app?.close();
  });

  test('popups of every feature of every layer', async () => {
    const texts = await map.page.evaluate((visibleText) => {
      const text = new Function(`return (${visibleText})`)() as (root: Element) => string;
      const { store, interaction } = window.__xc!;
      const out: { where: string; text: string }[] = [];
      for (const [layerId, features] of store.features) {
        for (const f of features) {
          interaction.open(layerId, f.id);
          const el = document.querySelector<HTMLElement>('.xc-popup');
          out.push({ where: `popup ${layerId}/${f.id}`, text: el ? text(el) : '' });
        }
      }
      document.querySelector<HTMLElement>('.maplibregl-popup-close-button')?.click();
      return out;
    }, VISIBLE_TEXT.toString());
    assert.ok(texts.length > 200, `${texts.length} popups`);
    for (const t of texts) scan(t.where, t.text);
  });

  test('the layer panel and the about-the-data of every layer', async () => {
    const { page } = map;
    await showLayerList(page);
    for (const d of await page.locator('.xc-layer-about, .xc-unplaced').all()) await d.evaluate((el) => ((el as HTMLDetailsElement).open = true));
    await scanLocator('layer panel', page.locator('.xc-layer-panel'));
  });

  test('compliance results of a pasted site across the red line and of one touching it', async () => {
    const { page } = map;
    await page.locator('.xc-analysis-toggle').click();
    await page.locator('.xc-cmp-projects[data-state="ready"]').waitFor({ timeout: 20_000 });
    await page.locator('.xc-cmp-input-tab[data-pane="paste"]').click();
    await page.locator('.xc-cmp-crs').selectOption('EPSG:4326');
    // Across the red line's southern edge at 111.64° E.
    await page.locator('.xc-cmp-paste').fill(['J1, 111.638, 40.934', 'J2, 111.642, 40.934', 'J3, 111.642, 40.926', 'J4, 111.638, 40.926'].join('\n'));
    await page.locator('.xc-cmp-check').click();
    await page.locator('.xc-cmp-result[data-source="server"] .xc-cmp-conflicts').waitFor({ timeout: 20_000 });
    for (const d of await page.locator('.xc-analysis-drawer details').all()) await d.evaluate((el) => ((el as HTMLDetailsElement).open = true));
    await scanLocator('compliance result (crossing)', page.locator('.xc-analysis-drawer'));
    // Sharing the red line's first edge (its south-west corner), outside it.
    await page.locator('.xc-cmp-clear').click();
    await page.locator('.xc-cmp-input-tab[data-pane="paste"]').click();
    await page.locator('.xc-cmp-crs').selectOption('EPSG:4326');
    await page.locator('.xc-cmp-paste').fill(['J1, 111.593182, 40.929862', 'J2, 111.585, 40.92', 'J3, 111.594724, 40.922162'].join('\n'));
    await page.locator('.xc-cmp-check').click();
    const result = page.locator('.xc-cmp-result[data-source="server"]');
    await result.waitFor({ timeout: 20_000 });
    await page.waitForFunction(() => /相接/.test(document.querySelector('.xc-analysis-drawer')?.textContent ?? ''), null, { timeout: 10_000 });
    for (const d of await page.locator('.xc-analysis-drawer details').all()) await d.evaluate((el) => ((el as HTMLDetailsElement).open = true));
    await scanLocator('compliance result (touching)', page.locator('.xc-analysis-drawer'));
    await page.locator('.xc-cmp-clear').click();
  });

  test('the coverage result', async () => {
    const { page } = map;
    await page.locator('.xc-analysis-tab[data-tool="coverage"]').click();
    await page.waitForFunction(() => document.querySelectorAll('.xc-cov-preset option').length >= 8, null, { timeout: 15_000 });
    await scanLocator('coverage preset', page.locator('.xc-analysis-drawer'));
    await page.locator('.xc-cov-run').click();
    await page.locator('.xc-cov[data-state="ready"] .xc-cov-result[data-source="server"]').waitFor({ timeout: 30_000 });
    for (const d of await page.locator('.xc-analysis-drawer details').all()) await d.evaluate((el) => ((el as HTMLDetailsElement).open = true));
    await scanLocator('coverage result', page.locator('.xc-analysis-drawer'));
  });

  test('no developer or English text was found', () => {
    assert.deepEqual(leaks, [], `${leaks.length} leaks:\n${leaks.join('\n')}`);
    assert.deepEqual(map.errors, []);
  });
});
