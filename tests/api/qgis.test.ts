/**
 * QGIS reads the API (issue 11): scripts/qgis-check.py, run against the app served in this process,
 * opens every collection with QGIS's OAPIF provider, compares counts and fields with the API, draws
 * each layer to a PNG and checks a point's coordinates and axis order. Needs QGIS's Python bindings
 * (apt-get install python3-qgis, ~1 GB, not installed by .ci/run: `npm run check:qgis` runs this file).
 */
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, test } from 'node:test';
import { collections } from '../../core/catalog.ts';
import { describeEachDb } from '../helpers/databases.ts';
import { serveApi, type ServedApi } from '../helpers/serve.ts';

// Debian's Python, which has the qgis module (a python3 earlier on PATH, e.g. pyenv's, does not).
const python = process.env.QGIS_PYTHON ?? '/usr/bin/python3';
const probe = spawnSync(python, ['-c', 'import qgis.core'], { env: { ...process.env, QT_QPA_PLATFORM: 'offscreen' }, encoding: 'utf8' });
const noQgis =
  probe.status === 0
    ? false
    : `no QGIS Python bindings for ${python} (${(probe.error?.message ?? probe.stderr).trim().split('\n').pop()}): apt-get install -y python3-qgis to run the QGIS client check`;
if (noQgis) console.warn(`SKIPPED: ${noQgis}`);
const run = promisify(execFile);

describeEachDb('QGIS reads every collection (OAPIF provider, scripts/qgis-check.py)', (t) => {
  let api: ServedApi | undefined;
  let pngDir = '';
  before(async () => {
    if (noQgis) return;
    api = await serveApi(t.db);
    pngDir = mkdtempSync(join(tmpdir(), 'qgis-check-'));
  });
  after(async () => {
    await api?.close();
    if (pngDir) rmSync(pngDir, { recursive: true, force: true });
  });

  test('every collection is a valid layer with the API count and fields, drawn, with the API coordinates', { skip: noQgis, timeout: 300_000 }, async (ctx) => {
    // Asynchronously: the server answering QGIS runs in this process.
    const out = await run(python, ['scripts/qgis-check.py', api!.base, pngDir], {
      encoding: 'utf8',
      env: { ...process.env, QT_QPA_PLATFORM: 'offscreen' },
      maxBuffer: 16 * 1024 * 1024,
    }).catch((err: { code?: number; stdout?: string; stderr?: string }) => {
      assert.fail(`qgis-check.py exited ${err.code}:\n${err.stdout}\n${err.stderr}`);
    });
    const stdout = out.stdout;
    for (const line of stdout.trimEnd().split('\n')) ctx.diagnostic(line); // the table, in the test log
    for (const c of collections) {
      const row = new RegExp(`^${c.id}\\s+yes\\s+(\\d+)/(\\d+) ok\\s+\\S+\\s+none\\s+(\\d+|-)\\s`, 'm').exec(stdout);
      assert.ok(row, `${c.id}: valid in QGIS, the API's count, no field missing:\n${stdout}`);
      assert.equal(row[1], row[2]);
      if (c.id !== 'indicators') assert.ok(Number(row[3]) > 0, `${c.id} drawn by QGIS:\n${stdout}`);
    }
    assert.match(stdout, /^indicators .* not drawn: no feature has a geometry$/m);
    assert.match(stdout, /EPSG:4546: QGIS says axis inverted \(north first\): True/);
    assert.match(stdout, /^OK: /m);
  });
});
