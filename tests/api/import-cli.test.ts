/**
 * `npm run import -- FILE …` from the command line: a GBK Shapefile committed as a new control
 * layer by the only admin, a KMZ appended to parks, the same file again refused, and usage errors
 * told in one line — on an embedded database of its own (in a test run, unpacked from the run's seeded
 * database).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { seedDataDir } from '../helpers/db-snapshot.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'xc-import-cli-'));
// The run's seeded database (a folder's first start is durability.test.ts's); alone, the CLI creates it.
seedDataDir(dataDir);
after(() => rmSync(dataDir, { recursive: true, force: true }));

function cli(script: string, ...args: string[]) {
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir };
  delete env.DATABASE_URL; // the embedded database of this test, whatever the suite runs on
  const r = spawnSync(process.execPath, ['--import', 'tsx', `scripts/${script}.ts`, ...args], { env, encoding: 'utf8', timeout: 240_000 });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

test('npm run import -- FILE: describe, commit as a new layer or a new version, refuse with a reason', () => {
  const noAdmin = cli('import', 'tests/fixtures/import/parcels-gbk-4546.zip', '--as', 'farmland_cli');
  assert.equal(noAdmin.status, 1, noAdmin.out);
  assert.match(noAdmin.out, /active admins: none; create one with npm run users -- add NAME --role admin/);

  assert.equal(cli('users', 'add', 'boss', '--role', 'admin', '--password', 'boss password 1').status, 0);
  const created = cli('import', 'tests/fixtures/import/parcels-gbk-4546.zip', '--as', 'farmland_cli', '--title-zh', '永久基本农田', '--role', 'control', '--quality', 'surveyed');
  assert.equal(created.status, 0, created.out);
  assert.match(created.out, /CRS EPSG:4546 \(from \.prj\); encoding GBK \(from \.cpg\)/);
  assert.match(created.out, /新城区测试地块一/);
  assert.match(created.out, /Committed farmland_cli version 1: 2 features; 0 repaired, 0 left out \(audit #\d+\)/);
  assert.match(created.out, /项目名称 → name_zh/);

  const appended = cli('import', 'tests/fixtures/import/parcels.kmz', '--into', 'parks', '--mode', 'append', '--user', 'boss');
  assert.equal(appended.status, 0, appended.out);
  assert.match(appended.out, /Committed parks version 2: \d+ features/);
  const again = cli('import', 'tests/fixtures/import/parcels.kmz', '--into', 'parks', '--mode', 'append');
  assert.equal(again.status, 1);
  assert.match(again.out, /already appended to parks/);

  const usage = cli('import', 'tests/fixtures/import/parcels.kmz');
  assert.equal(usage.status, 2);
  assert.match(usage.out, /Give --as NEW_ID \(a new layer\) or --into COLLECTION/);
  const wrongUser = cli('import', 'tests/fixtures/import/parcels.kmz', '--as', 'kmz_layer', '--user', 'nobody');
  assert.equal(wrongUser.status, 1);
  assert.match(wrongUser.out, /"nobody" is not an active admin of this database \(admins: boss\)/);
});
