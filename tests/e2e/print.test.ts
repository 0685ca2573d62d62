/**
 * Printing in a real browser (issue 13 items 12, 13 and print at a scale): a self-intersecting
 * 界址点 list is marked on the map and nothing is sent until the user chooses; the compliance report's
 * fields, 亩 and the coordinates as entered reach the printed PDF; a map printed at 1:10 000 on A3
 * is one page whose frame covers exactly frame millimetres × 10 000 on the ground.
 */
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { inflateSync } from 'node:zlib';
import type { Browser } from 'playwright-core';
import { launchBrowser, openMap, type MapPage, type RunningApp, startApp } from './harness.ts';

const SHOTS = process.env.SCREENSHOT_DIR ?? 'test-results';
const PT_PER_MM = 72 / 25.4;

/** The PDF's objects: number → raw text, with each stream inflated when it is Flate-compressed. */
function pdfObjects(bytes: Buffer): Map<number, { dict: string; stream: Buffer | null }> {
  const text = bytes.toString('latin1');
  const out = new Map<number, { dict: string; stream: Buffer | null }>();
  const re = /(\d+) 0 obj\b/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const start = m.index + m[0].length;
    const end = text.indexOf('endobj', start);
    const body = text.slice(start, end);
    const s = body.indexOf('stream');
    if (s < 0) {
      out.set(Number(m[1]), { dict: body, stream: null });
      continue;
    }
    const dict = body.slice(0, s);
    let from = start + s + 'stream'.length;
    if (text[from] === '\r') from++;
    if (text[from] === '\n') from++;
    const to = text.lastIndexOf('endstream', end);
    let raw = bytes.subarray(from, to);
    if (/\/FlateDecode/.test(dict)) {
      try {
        raw = inflateSync(raw);
      } catch {
        raw = Buffer.alloc(0);
      }
    }
    out.set(Number(m[1]), { dict, stream: raw });
  }
  return out;
}

/** A ToUnicode CMap as glyph code (hex) → text. */
function readCMap(cmap: string): Map<string, string> {
  const map = new Map<string, string>();
  const hexText = (h: string) => String.fromCodePoint(...(h.match(/.{4}/g) ?? []).map((x) => parseInt(x, 16)));
  for (const block of cmap.matchAll(/beginbfchar([\s\S]*?)endbfchar/g)) {
    for (const [, code, uni] of block[1].matchAll(/<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>/g)) map.set(code.toLowerCase(), hexText(uni));
  }
  for (const block of cmap.matchAll(/beginbfrange([\s\S]*?)endbfrange/g)) {
    for (const [, lo, hi, uni] of block[1].matchAll(/<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>/g)) {
      const width = lo.length;
      for (let c = parseInt(lo, 16), u = parseInt(uni, 16); c <= parseInt(hi, 16); c++, u++) map.set(c.toString(16).padStart(width, '0'), String.fromCodePoint(u));
    }
  }
  return map;
}

/**
 * The text of a PDF as Chromium prints it (Type0 fonts with ToUnicode CMaps, hex strings in Tj/TJ),
 * in content-stream order, runs joined without separators. Enough to find a phrase or a number.
 */
function pdfText(bytes: Buffer): string {
  const objects = pdfObjects(bytes);
  const fonts = new Map<string, Map<string, string>>();
  for (const { dict } of objects.values()) {
    // Font resource dictionaries: /F4 12 0 R … → the font's /ToUnicode stream.
    for (const [, name, num] of dict.matchAll(/\/(\w+)\s+(\d+) 0 R/g)) {
      const font = objects.get(Number(num));
      const tu = font && /\/Type\s*\/Font/.test(font.dict) ? /\/ToUnicode\s+(\d+) 0 R/.exec(font.dict) : null;
      const cmap = tu && objects.get(Number(tu[1]))?.stream;
      if (cmap && !fonts.has(name)) fonts.set(name, readCMap(cmap.toString('latin1')));
    }
  }
  let out = '';
  for (const { stream } of objects.values()) {
    if (!stream) continue;
    const content = stream.toString('latin1');
    if (!/\bTf\b/.test(content) || !/T[jJ]\b/.test(content)) continue;
    let cmap: Map<string, string> | undefined;
    for (const op of content.matchAll(/\/(\w+)\s+[\d.]+\s+Tf|\[((?:[^\]])*)\]\s*TJ|<([0-9a-fA-F]*)>\s*Tj|\(((?:\\.|[^)])*)\)\s*Tj/g)) {
      if (op[1]) cmap = fonts.get(op[1]);
      const hexes = op[2] !== undefined ? [...op[2].matchAll(/<([0-9a-fA-F]*)>/g)].map((h) => h[1]) : op[3] !== undefined ? [op[3]] : [];
      for (const hex of hexes) {
        const size = cmap && [...cmap.keys()][0]?.length === 2 ? 2 : 4;
        for (let i = 0; i + size <= hex.length; i += size) out += cmap?.get(hex.slice(i, i + size).toLowerCase()) ?? '';
      }
      if (op[4] !== undefined) out += op[4];
    }
  }
  // Fonts map some ideographs to their Kangxi radical look-alikes (工 → ⼯): NFKC folds them back.
  return out.normalize('NFKC');
}

/** A square of ±`half` metres around (northing, easting) as pasted 界址点 lines with three decimals. */
function squareText([n, e]: [number, number], half: number): string {
  const f = (v: number) => v.toFixed(3);
  return [
    `J1, ${f(n + half)}, ${f(e - half)}`,
    `J2, ${f(n + half)}, ${f(e + half)}`,
    `J3, ${f(n - half)}, ${f(e + half)}`,
    `J4, ${f(n - half)}, ${f(e - half)}`,
  ].join('\n');
}

describe('printing (browser)', () => {
  let app: RunningApp;
  let browser: Browser;
  let map: MapPage;
  /** Compliance requests the page sent. */
  const sent: string[] = [];
  // A site just south of the district (EPSG:4546 northing, easting), clear of every control line.
  const centre: [number, number] = [4_521_480.217, 563_284.803];

  before(async () => {
    mkdirSync(SHOTS, { recursive: true });
    [app, browser] = await Promise.all([startApp(), launchBrowser()]);
    map = await openMap(browser, app.url);
    map.page.on('request', (r) => {
      if (r.method() === 'POST' && new URL(r.url()).pathname === '/api/analysis/compliance') sent.push(r.url());
    });
    await map.page.locator('.xc-analysis-toggle').click();
    await map.page.locator('.xc-analysis-drawer .xc-analysis-tab[data-tool="compliance"][aria-selected="true"]').waitFor();
    await map.page.locator('.xc-cmp-input-tab[data-pane="paste"]').click();
  });

  after(async () => {
    await browser?.close();
    await app?.close();
  });

  test('a self-intersecting 界址点 list is marked on the map and nothing is sent until the user chooses', async () => {
    const { page } = map;
    // J3 and J4 swapped: the ring J1 J2 J4 J3 crosses itself in the middle.
    const lines = squareText(centre, 100).split('\n');
    await page.locator('.xc-cmp-paste').fill([lines[0], lines[1], lines[3], lines[2]].join('\n'));
    await page.locator('.xc-cmp-check').click();
    const problem = page.locator('.xc-cmp-selfcross');
    await problem.waitFor({ timeout: 5_000 });
    assert.match((await problem.textContent())!, /交叉/, 'said in the UI language');
    assert.match((await problem.textContent())!, /J2.*J4|J4.*J2/, 'names the crossing segments by their points');
    const marked = await page.evaluate(async () => {
      const source = window.__map!.getSource('xc-compliance-selfcross') as unknown as { getData(): Promise<{ features: { geometry: { type: string }; properties: { kind: string } }[] }> } | undefined;
      const features = source ? (await source.getData()).features : [];
      return { points: features.filter((f) => f.geometry.type === 'Point').length, lines: features.filter((f) => f.properties.kind === 'segment').length };
    });
    assert.deepEqual(marked, { points: 1, lines: 2 }, 'the crossing point and the two crossing segments on the map');
    await page.screenshot({ path: `${SHOTS}/print-selfcross.png` });
    await page.waitForTimeout(300);
    assert.equal(sent.length, 0, 'nothing sent before the user chooses');

    // 返回修改: back to the list, still nothing sent.
    await problem.locator('.xc-cmp-selfcross-back').click();
    await problem.waitFor({ state: 'detached' });
    assert.equal(sent.length, 0);
    assert.ok((await page.locator('.xc-cmp-paste').inputValue()).includes('J4'), 'the list is kept for editing');

    // 修复后核查: repaired and checked.
    await page.locator('.xc-cmp-check').click();
    await problem.waitFor();
    await problem.locator('.xc-cmp-selfcross-repair').click();
    await page.locator('.xc-cmp-result[data-source="server"]').waitFor({ timeout: 20_000 });
    assert.equal(sent.length, 1, 'sent once the user chose to repair');
    await page.locator('.xc-cmp-clear').click();
  });

  test('the compliance report prints the project fields, 亩 beside 公顷, and the coordinates as entered', async () => {
    const { page } = map;
    const typed = squareText(centre, 50);
    await page.locator('.xc-cmp-paste').fill(typed);
    await page.locator('.xc-cmp-check').click();
    const result = page.locator('.xc-cmp-result[data-source="server"]');
    await result.waitFor({ timeout: 20_000 });
    await result.locator('.xc-cmp-print').click();
    const report = page.locator('.xc-report');
    await report.locator('.xc-report-image').waitFor();
    await report.locator('input[name="projectName"]').fill('新城区测试地块甲');
    await report.locator('input[name="applicant"]').fill('呼和浩特某公司');
    await report.locator('input[name="reviewer"]').fill('王工');
    await report.locator('input[name="reviewNumber"]').fill('XC-2025-0042');
    await page.emulateMedia({ media: 'print' });
    const pdf = await page.pdf({ format: 'A4' });
    await page.emulateMedia({ media: 'screen' });
    writeFileSync(`${SHOTS}/print-compliance-report.pdf`, pdf);
    const text = pdfText(pdf);
    for (const expected of ['新城区测试地块甲', '呼和浩特某公司', '王工', 'XC-2025-0042', '亩', '公顷']) assert.ok(text.includes(expected), `the PDF says ${expected}`);
    // The coordinates exactly as typed (three decimals, not recomputed from lon/lat).
    for (const line of typed.split('\n')) {
      const [, x, y] = line.split(', ');
      assert.ok(text.includes(x) && text.includes(y), `the PDF lists ${x} and ${y} as entered`);
    }
    // A 100 m square: 10 000 m² on the plane, 15 亩.
    assert.ok(text.includes('15.00'), 'the plane area is 15.00 亩');
    await report.locator('.xc-report-close').click();
    await page.locator('.xc-cmp-clear').click();
  });

  test('a map printed at 1:10 000 on A3 is one page whose frame covers frame mm × 10 000 on the ground', async () => {
    const { page } = map;
    await page.locator('.xc-mode-switch').click();
    await page.locator('#app.xc-presenting').waitFor();
    await page.locator('.xc-export-open').click();
    await page.locator('input[name="xc-export-format"][value="pdf"]').check();
    await page.locator('input[name="xc-export-paper"][value="a3"]').check();
    await page.locator('input[name="xc-export-orientation"][value="landscape"]').check();
    await page.locator('select[name="xc-export-map-scale"]').selectOption('10000');
    await page.locator('.xc-export-block summary').click();
    await page.locator('input[name="xc-export-block-project"]').fill('Print test');
    const download = page.waitForEvent('download', { timeout: 60_000 });
    await page.locator('.xc-export-go').click();
    const bytes = readFileSync((await (await download).path())!);
    writeFileSync(`${SHOTS}/print-a3-10000.pdf`, bytes);
    const text = bytes.toString('latin1');
    assert.equal(text.match(/\/Type\s*\/Page\b(?!s)/g)?.length, 1, 'one page');
    const box = /\/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]/.exec(text)!;
    assert.ok(Math.abs(Number(box[1]) - 1190.55) < 1 && Math.abs(Number(box[2]) - 841.89) < 1, `A3 landscape, got ${box[1]} × ${box[2]}`);

    // The frame on paper and its bottom edge on the ground, as the exporter read them off the map it drew.
    const keywords = /\/Keywords\s*\(([^)]*)\)/.exec(text)?.[1] ?? '';
    const frame = /frame-mm=([\d.]+),([\d.]+),([\d.]+),([\d.]+)/.exec(keywords);
    const edge = /bottom-edge-4546=([\d.]+),([\d.]+),([\d.]+)/.exec(keywords);
    assert.ok(frame && edge, `frame and ground extent in the keywords: ${keywords}`);
    const frameWmm = Number(frame[3]);
    const groundW = Number(edge[3]) - Number(edge[1]);
    assert.ok(Math.abs(groundW / (frameWmm * 10) - 1) < 0.01, `frame ${frameWmm} mm covers ${groundW.toFixed(1)} m; at 1:10 000 ${(frameWmm * 10).toFixed(1)} m`);

    // The grid labels (vector text): eastings along the bottom edge, northings along the left edge,
    // each 0.8 mm right of / above its line. Their spacing on paper gives the scale too.
    const content = [...pdfObjects(bytes).values()].map((o) => o.stream?.toString('latin1') ?? '').join('\n');
    const labels = [...content.matchAll(/([\d.]+)\s+([\d.]+)\s+Td\s*\((\d{6,7})\)\s*Tj/g)].map((m) => ({ x: Number(m[1]), y: Number(m[2]), value: Number(m[3]) }));
    const eastings = labels.filter((l) => l.value < 1_000_000);
    const bottomY = Math.min(...eastings.map((l) => l.y));
    const bottom = eastings.filter((l) => Math.abs(l.y - bottomY) < 0.5).sort((a, b) => a.x - b.x);
    assert.ok(bottom.length >= 2, `easting labels along the bottom: ${JSON.stringify(bottom)}`);
    const eScale = ((bottom.at(-1)!.value - bottom[0].value) / ((bottom.at(-1)!.x - bottom[0].x) / PT_PER_MM)) * 1000;
    assert.ok(Math.abs(eScale / 10_000 - 1) < 0.01, `the easting grid gives 1:${eScale.toFixed(0)}`);
    const northings = labels.filter((l) => l.value > 1_000_000);
    const leftX = Math.min(...northings.map((l) => l.x));
    const left = northings.filter((l) => Math.abs(l.x - leftX) < 0.5).sort((a, b) => a.y - b.y);
    assert.ok(left.length >= 2, `northing labels along the left: ${JSON.stringify(left)}`);
    const nScale = ((left.at(-1)!.value - left[0].value) / ((left.at(-1)!.y - left[0].y) / PT_PER_MM)) * 1000;
    assert.ok(Math.abs(nScale / 10_000 - 1) < 0.01, `the northing grid gives 1:${nScale.toFixed(0)}`);
    assert.deepEqual(map.errors.filter((e) => !/GL Driver|GPU stall/.test(e)), [], 'no console errors');
  });
});
