/**
 * Export benchmark: starts the app like the browser tests (embedded database, geodata/, offline),
 * opens the investor view in headless Chromium at 1280×800 and times each export the dialog offers
 * — PNG 2×, PDF A3 landscape, and the PDF printed at a chosen scale when the dialog has it — from
 * the click on 导出 to the download, with the time of each phase (prepare, render, compose, encode)
 * read from the `xc-export:<step>:<share>` marks that web/src/export/export-map.ts sets.
 * Needs a built web app: run `npm run build` first.
 *
 *   npx tsx scripts/bench-export.ts [runs=2]
 */
import { existsSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { WEB_DIR, launchBrowser, startApp, waitForIdle, waitForReady } from '../tests/e2e/harness.ts';

const runs = Number(process.argv[2] ?? 2);
if (!Number.isInteger(runs) || runs < 1) {
  console.error(`Usage: tsx scripts/bench-export.ts [runs]  (runs must be a whole number ≥ 1, got "${process.argv[2]}")`);
  process.exit(2);
}
if (!existsSync(`${WEB_DIR}/index.html`)) {
  console.error(`No built web app in ${WEB_DIR}/: run "npm run build" first.`);
  process.exit(1);
}
const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
if (!existsSync(chromiumPath)) {
  console.error(`No Chromium at ${chromiumPath}: install it (apt-get install chromium) or set CHROMIUM_PATH.`);
  process.exit(1);
}

interface Case {
  name: string;
  choose(page: Page): Promise<void>;
  /** Whether the running build offers it (the scale print is newer than the dialog). */
  available?(page: Page): Promise<boolean>;
}

const CASES: Case[] = [
  { name: 'PNG 2x', choose: (page) => page.locator('input[name="xc-export-scale"][value="2"]').check() },
  {
    name: 'PDF A3 landscape',
    async choose(page) {
      await page.locator('input[name="xc-export-format"][value="pdf"]').check();
      await page.locator('input[name="xc-export-paper"][value="a3"]').check();
      await page.locator('input[name="xc-export-orientation"][value="landscape"]').check();
      const scale = page.locator('select[name="xc-export-map-scale"]');
      if (await scale.count()) await scale.selectOption('view');
    },
  },
  {
    name: 'PDF A3 landscape 1:10 000',
    available: async (page) => (await page.locator('select[name="xc-export-map-scale"]').count()) > 0,
    async choose(page) {
      await page.locator('input[name="xc-export-format"][value="pdf"]').check();
      await page.locator('input[name="xc-export-paper"][value="a3"]').check();
      await page.locator('input[name="xc-export-orientation"][value="landscape"]').check();
      await page.locator('select[name="xc-export-map-scale"]').selectOption('10000');
    },
  },
];

/** One export: total ms from the click to the download, and ms per phase from the marks. */
async function timeExport(page: Page, c: Case): Promise<{ total: number; phases: [string, number][]; bytes: number } | null> {
  await page.locator('.xc-export-open').click();
  if (c.available && !(await c.available(page))) {
    await page.locator('.xc-export-cancel').click();
    return null;
  }
  await c.choose(page);
  const download = page.waitForEvent('download', { timeout: 120_000 });
  const t0 = Date.now();
  await page.locator('.xc-export-go').click();
  const file = await download;
  const total = Date.now() - t0;
  const path = await file.path();
  const { statSync } = await import('node:fs');
  const marks = await page.evaluate(() =>
    performance
      .getEntriesByType('mark')
      .filter((e) => e.name.startsWith('xc-export:'))
      .map((e) => [e.name.split(':')[1], e.startTime] as [string, number]),
  );
  // A phase lasts from its first mark to the next phase's first mark.
  const phases: [string, number][] = [];
  for (let i = 0; i < marks.length - 1; i++) {
    if (phases.length && phases.at(-1)![0] === marks[i][0]) phases.at(-1)![1] += marks[i + 1][1] - marks[i][1];
    else phases.push([marks[i][0], marks[i + 1][1] - marks[i][1]]);
  }
  await page.locator('.xc-export-progress').waitFor({ state: 'detached', timeout: 10_000 }).catch(() => {});
  return { total, phases, bytes: path ? statSync(path).size : 0 };
}

const app = await startApp();
const browser = await launchBrowser();
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, acceptDownloads: true });
  const page = await context.newPage();
  await page.goto(`${app.url}#mode=presentation`);
  await waitForReady(page);
  await waitForIdle(page);
  for (const c of CASES) {
    const totals: number[] = [];
    for (let i = 0; i < runs; i++) {
      const r = await timeExport(page, c);
      if (!r) {
        console.log(`${c.name}: not offered by this build`);
        break;
      }
      totals.push(r.total);
      const phases = r.phases.map(([p, ms]) => `${p} ${ms.toFixed(0)} ms`).join(', ');
      console.log(`${c.name} run ${i + 1}: ${r.total} ms click → download (${phases}; ${(r.bytes / 1024).toFixed(0)} KiB)`);
    }
    if (totals.length) console.log(`${c.name}: best ${Math.min(...totals)} ms of ${totals.length}\n`);
  }
  await context.close();
} finally {
  await browser.close();
  await app.close();
}
