/**
 * Analysis in the share link (issue 13 #17) in a real browser: a link with a compliance site (its
 * compact code) or a project, and with coverage settings, opens the planner view's analysis tab and
 * computes them again — the requests the tools send are the link's; the address bar keeps them and
 * 分享 offers them; a site checked in the UI travels through 分享 to a new page and is checked
 * there; a site too large for a link is named in the share dialog, not dropped silently; a broken
 * site code is said by the link notice.
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page, Request } from 'playwright-core';
import { toGaussKruger } from '../../core/crs.ts';
import { decodeSite, encodeSite, type CodedSite } from '../../core/geometry/site-code.ts';
import { MAX_LINK_SITE_CHARS, parsePermalink } from '../../core/permalink.ts';
import { launchBrowser, openMap, startApp, type RunningApp } from './harness.ts';

const SHOTS = process.env.SCREENSHOT_DIR ?? 'test-results';

/** A square of ±d degrees around a point (lon/lat). */
function square([lon, lat]: [number, number], d: number): CodedSite {
  return {
    type: 'Polygon',
    coordinates: [
      [
        [lon - d, lat - d],
        [lon + d, lat - d],
        [lon + d, lat + d],
        [lon - d, lat + d],
        [lon - d, lat - d],
      ],
    ],
  };
}

/** The body of the next POST to `path` the page sends. */
function nextPost(page: Page, path: string): Promise<Record<string, unknown>> {
  return page
    .waitForRequest((r: Request) => r.method() === 'POST' && new URL(r.url()).pathname === path, { timeout: 30_000 })
    .then((r) => JSON.parse(r.postData() ?? '{}') as Record<string, unknown>);
}

const near = (a: unknown, b: unknown) => {
  const flat = (x: unknown): number[] => (Array.isArray(x) ? x.flatMap(flat) : [x as number]);
  const [p, q] = [flat(a), flat(b)];
  return p.length === q.length && p.every((v, i) => Math.abs(v - q[i]) < 1.5e-7);
};

describe('analysis in the share link (browser)', () => {
  let app: RunningApp;
  let browser: Browser;

  before(async () => {
    mkdirSync(SHOTS, { recursive: true });
    [app, browser] = await Promise.all([startApp(), launchBrowser()]);
  });

  after(async () => {
    await browser?.close();
    await app?.close();
  });

  test('a link with a site code and coverage settings opens the analysis and computes both again', async () => {
    const presets = ((await (await fetch(`${app.url}api/analysis/presets`)).json()) as { presets: { id: string }[] }).presets.map((p) => p.id);
    const preset = presets.find((id) => id !== 'parks')!;
    assert.ok(preset, 'a second preset');
    const site = square([111.745, 40.852], 0.002);
    const code = encodeSite(site);
    const hash = `#14/40.852/111.745/0/0&tool=compliance&site=${code}&cov=${preset}&cov.r=800`;
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    const compliance = nextPost(page, '/api/analysis/compliance');
    await page.goto(`${app.url}${hash}`);
    const body = await compliance;
    assert.equal(body.crs, 'EPSG:4326');
    assert.ok(near((body.geometry as CodedSite).coordinates, site.coordinates), 'the link site is checked');
    await page.locator('.xc-analysis-drawer .xc-analysis-tab[data-tool="compliance"][aria-selected="true"]').waitFor();
    await page.locator('.xc-cmp-result[data-source="server"]').waitFor({ timeout: 30_000 });
    await page.screenshot({ path: `${SHOTS}/analysis-link-compliance-1280.png` });
    // The address bar keeps the analysis.
    await page.waitForFunction((c) => location.hash.includes(`site=${c}`) && location.hash.includes('tool=compliance'), code);
    // The coverage part runs when its tab opens, with the link's settings.
    const coverage = nextPost(page, '/api/analysis/coverage');
    await page.locator('.xc-analysis-tab[data-tool="coverage"]').click();
    const cov = await coverage;
    assert.equal(cov.preset, preset);
    assert.equal(cov.radiusMeters, 800);
    assert.equal(cov.area, 'central_area');
    await page.locator('.xc-cov[data-state="ready"]').waitFor({ timeout: 60_000 });
    assert.equal(await page.locator('.xc-cov-preset').inputValue(), preset);
    assert.equal(await page.locator('.xc-cov-radius').inputValue(), '800');
    await page.waitForFunction(() => location.hash.includes('tool=coverage'));
    const state = parsePermalink(await page.evaluate(() => location.hash));
    assert.deepEqual(state.coverage, { preset, radius: 800 });
    assert.ok(near(state.site?.coordinates, site.coordinates));
    // 分享 offers the same, and says the analysis is in it.
    await page.locator('.xc-map-tools [data-tool="share"]').click();
    const url = await page.locator('.xc-share-url').inputValue();
    assert.ok(url.includes(`site=${code}`) && url.includes(`cov=${preset}`) && url.includes('cov.r=800'), url);
    assert.match(await page.locator('.xc-share-analysis').innerText(), /合规审查的地块与服务覆盖的设置/);
    await page.screenshot({ path: `${SHOTS}/analysis-link-share-1280.png` });
    assert.deepEqual(errors, []);
    await page.close();
  });

  test('a link with a project checks that project; an unknown project is named by the link notice', async () => {
    const items = (await (await fetch(`${app.url}api/collections/projects/items?limit=5000`)).json()) as { features: { id: string; geometry: { type: string; coordinates: unknown } | null }[] };
    const project = items.features.find((f) => f.geometry?.type === 'Polygon')!;
    const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
    const compliance = nextPost(page, '/api/analysis/compliance');
    await page.goto(`${app.url}#check=${project.id}`);
    const body = await compliance;
    assert.deepEqual(body.geometry, project.geometry);
    await page.locator('.xc-cmp-result[data-source="server"]').waitFor({ timeout: 30_000 });
    await page.waitForFunction((id) => location.hash.includes(`check=${id}`) && location.hash.includes('tool=compliance'), project.id);
    await page.screenshot({ path: `${SHOTS}/analysis-link-project-390.png` });
    await page.goto(`${app.url}#12/40.85/111.75&check=project-does-not-exist&site=A%21%21`);
    await page.locator('.xc-link-notice').waitFor();
    const notice = await page.locator('.xc-link-notice').innerText();
    assert.match(notice, /合规审查的项目“project-does-not-exist”/);
    assert.match(notice, /合规审查的地块（编码无法读取/);
    await page.close();
  });

  test('a site checked in the UI travels through 分享 to a new page; one too large for a link is said in the share dialog', async () => {
    const { page, errors } = await openMap(browser, app.url);
    await page.locator('.xc-analysis-toggle').click();
    await page.locator('.xc-cmp-input-tab[data-pane="paste"]').click();
    const lines = (ring: number[][]) =>
      ring
        .map((c, i) => {
          const [e, n] = toGaussKruger(c);
          return `J${i + 1}, ${n.toFixed(3)}, ${e.toFixed(3)}`;
        })
        .join('\n');
    const small = (square([111.76, 40.86], 0.0015).coordinates as [number, number][][])[0].slice(0, 4);
    await page.locator('.xc-cmp-paste').fill(lines(small));
    const checked = page.waitForResponse((r) => new URL(r.url()).pathname === '/api/analysis/compliance' && r.request().method() === 'POST');
    await page.locator('.xc-cmp-check').click();
    const response = (await (await checked).json()) as { site: { geometry: CodedSite } };
    await page.locator('.xc-cmp-result[data-source="server"]').waitFor();
    await page.locator('.xc-map-tools [data-tool="share"]').click();
    const url = await page.locator('.xc-share-url').inputValue();
    assert.equal(await page.locator('.xc-share-site-too-large').count(), 0);
    const code = /[#&]site=([^&]+)/.exec(url)?.[1];
    assert.ok(code, url);
    assert.ok(near(decodeSite(code)!.coordinates, response.site.geometry.coordinates), 'the link carries the checked site');
    // Esc closes the share dialog.
    await page.keyboard.press('Escape');
    await page.locator('.xc-share-popover').waitFor({ state: 'detached' });

    // Opened by someone else: the same site is checked there.
    const other = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const again = nextPost(other, '/api/analysis/compliance');
    await other.goto(url.replace(/^https?:\/\/[^/]+\//, app.url));
    assert.ok(near(((await again).geometry as CodedSite).coordinates, response.site.geometry.coordinates));
    await other.locator('.xc-cmp-result[data-source="server"]').waitFor();
    await other.close();

    // A 400-point site: too large for a link, and the share dialog says so.
    const ring = Array.from({ length: 400 }, (_, i) => [111.76 + 0.006 * Math.cos((-i / 400) * 2 * Math.PI) + (i % 5) * 2e-6, 40.86 + 0.0045 * Math.sin((-i / 400) * 2 * Math.PI)]);
    assert.ok(encodeSite({ type: 'Polygon', coordinates: [[...ring, ring[0]] as [number, number][]] }).length > MAX_LINK_SITE_CHARS);
    await page.locator('.xc-cmp-paste').fill(lines(ring));
    const big = page.waitForResponse((r) => new URL(r.url()).pathname === '/api/analysis/compliance' && r.request().method() === 'POST');
    await page.locator('.xc-cmp-check').click();
    await big;
    await page.locator('.xc-cmp-result[data-source="server"]').waitFor();
    await page.locator('.xc-map-tools [data-tool="share"]').click();
    const warning = await page.locator('.xc-share-site-too-large').innerText();
    assert.match(warning, /审查的地块有 \d+ 个点，编码后 \d+ 个字符，放不进链接/);
    const bigUrl = await page.locator('.xc-share-url').inputValue();
    assert.ok(!bigUrl.includes('site='), 'no site in the link');
    assert.ok(bigUrl.includes('tool=compliance'));
    await page.screenshot({ path: `${SHOTS}/analysis-link-too-large-1280.png` });
    assert.deepEqual(errors, []);
    await page.close();
  });
});
