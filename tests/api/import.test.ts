import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { migrate } from '../../api/db/migrate.ts';
import { openPgliteDb } from '../../api/db/pglite-db.ts';
import { GeodataError, importGeodata } from '../../api/import/geodata.ts';
import { collections } from '../../core/catalog.ts';
import { describeEachDb } from '../helpers/databases.ts';

/** A fingerprint of every catalogue table's content, to prove that a re-import changes nothing. */
async function fingerprint(db: { query: (t: string) => Promise<{ rows: { h: string }[] }> }) {
  const parts: string[] = [];
  for (const c of collections) {
    const r = await db.query(
      `select coalesce(md5(string_agg(id || properties::text || coalesce(ST_AsEWKB(geom)::text, ''), '|' order by id)), '') as h from ${c.id}`,
    );
    parts.push(`${c.id}:${r.rows[0].h}`);
  }
  return parts.join(' ');
}

describeEachDb('geodata import', (t) => {
  test('re-running the import changes nothing', async () => {
    const before = await fingerprint(t.db);
    const report = await importGeodata(t.db, { geodataDir: 'geodata' });
    assert.ok(report.every((r) => r.action !== 'loaded'), JSON.stringify(report));
    assert.equal(await fingerprint(t.db), before);
  });

  test('every dataset of the catalogue is loaded with its provenance', async () => {
    const r = await t.db.query<{ id: string; n: number; crs: string }>(
      "select id, feature_count as n, provenance->>'crs' as crs from datasets order by id",
    );
    assert.deepEqual(r.rows.map((x) => x.id), collections.map((c) => c.id).sort());
    for (const row of r.rows) {
      assert.ok(row.n > 0, `${row.id} has features`);
      assert.equal(row.crs, 'EPSG:4326', `${row.id} provenance names its CRS`);
    }
  });

  test('projects get their zone from a spatial join, never from the file', async () => {
    const r = await t.db.query<{ n: number; zoned: number }>(
      `select count(*)::int as n, count(*) filter (where properties->>'zone_id' is not null)::int as zoned from projects`,
    );
    assert.ok(r.rows[0].zoned > 0);
    const mismatch = await t.db.query(
      `select p.id from projects p join zones z on z.id = p.properties->>'zone_id' where not ST_Intersects(z.geom, p.geom)`,
    );
    assert.deepEqual(mismatch.rows, []);
  });
});

test('a changed file is re-imported and the derived area follows it (embedded database)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'xc-geodata-'));
  cpSync('geodata', dir, { recursive: true });
  const db = await openPgliteDb(undefined);
  try {
    await migrate(db);
    const first = await importGeodata(db, { geodataDir: dir });
    assert.ok(first.filter((r) => r.action === 'loaded').length === collections.length);
    // Replace the district file with a single 0.01° × 0.01° square near Xincheng.
    const square = {
      type: 'FeatureCollection',
      features: [
        {
          type: 'Feature',
          id: 'district-test',
          properties: { name_zh: '测试', name_en: 'Test', quality: 'indicative', source: 'test', adcode: '0', role: 'district' },
          geometry: { type: 'Polygon', coordinates: [[[111.7, 40.8], [111.71, 40.8], [111.71, 40.81], [111.7, 40.81], [111.7, 40.8]]] },
        },
      ],
    };
    writeFileSync(join(dir, 'district/district.geojson'), JSON.stringify(square));
    const second = await importGeodata(db, { geodataDir: dir });
    assert.deepEqual(second.filter((r) => r.action === 'loaded').map((r) => r.id), ['district']);
    const r = await db.query<{ id: string; a: number }>("select id, (properties->>'area_square_meters')::float8 as a from district");
    assert.equal(r.rows.length, 1);
    // 0.01° × 0.01° at 40.8° N: 1113.2 m × 842.6 m ≈ 937 070 m² (geodesic).
    assert.ok(Math.abs(r.rows[0].a - 937071) < 5, `area ${r.rows[0].a}`);
  } finally {
    await db.close();
  }
});

test('an invalid geometry stops the import with a message naming the feature, and loses nothing', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'xc-geodata-bad-'));
  cpSync('geodata/district', join(dir, 'district'), { recursive: true });
  const db = await openPgliteDb(undefined);
  try {
    await migrate(db);
    await importGeodata(db, { geodataDir: dir });
    const count = async () => (await db.query<{ n: number }>('select count(*)::int as n from district')).rows[0].n;
    const before = await count();
    const bowtie = JSON.parse(readFileSync(join(dir, 'district/district.geojson'), 'utf8'));
    bowtie.features[0].id = 'bowtie';
    bowtie.features[0].geometry = { type: 'Polygon', coordinates: [[[111.7, 40.8], [111.8, 40.9], [111.8, 40.8], [111.7, 40.9], [111.7, 40.8]]] };
    writeFileSync(join(dir, 'district/district.geojson'), JSON.stringify(bowtie));
    await assert.rejects(importGeodata(db, { geodataDir: dir }), (err: Error) => {
      assert.ok(err instanceof GeodataError);
      assert.match(err.message, /geodata\/district: invalid geometries: bowtie \(Self-intersection/);
      return true;
    });
    assert.equal(await count(), before, 'the failed import rolled back');
  } finally {
    await db.close();
  }
});

/** The server as a user starts it; node:test's own variables are left out, so the child is no test process. */
function startServer(env: Record<string, string>) {
  const { NODE_TEST_CONTEXT: _, ...parent } = process.env;
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'api/server.ts'], { env: { ...parent, ...env }, encoding: 'utf8', timeout: 120_000 });
  assert.ok(r.signal === null, `the server was stopped by ${r.signal} (${r.error?.message ?? 'no error'}); stderr: ${r.stderr}`);
  return r;
}

test('startup with an unreachable DATABASE_URL prints one clear message and exits 1', () => {
  const r = startServer({ DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none', PORT: '0' });
  assert.equal(r.status, 1, r.stderr);
  assert.match(r.stderr, /^Cannot connect to PostgreSQL at 127\.0\.0\.1:1\/none \(DATABASE_URL\): .*ECONNREFUSED/m);
  assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
});

test('startup with a malformed configuration says which variable is wrong', () => {
  const r = startServer({ DATABASE_URL: '', PORT: 'eighty' });
  assert.equal(r.status, 1);
  assert.match(r.stderr, /Invalid configuration:\n\s+PORT:/);
});
