import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { test } from 'node:test';
import { createApp } from '../../api/app.ts';
import type { Queryable } from '../../api/db/db.ts';
import { complianceQuery, overlapsQuery } from '../../api/sql/compliance.ts';
import { checkCompliance, type AreaFeature } from '../../core/analysis/compliance.ts';
import type { SiteCrs } from '../../core/crs.ts';
import { readSite, type SiteGeometry } from '../../core/geometry/site-input.ts';
import { describeEachDb } from '../helpers/databases.ts';

const DIR = 'tests/fixtures/compliance';
const world = JSON.parse(readFileSync(`${DIR}/world.geojson`, 'utf8')) as { features: (AreaFeature & { properties: { role: string } })[] };
const controls = world.features.filter((f) => f.properties.role === 'control');
const zones = world.features.filter((f) => f.properties.role === 'zone');
const fixtures = readdirSync(`${DIR}/in`).filter((f) => f.endsWith('.geojson')).sort();

interface ServerResult {
  site: { areaSquareMeters: number };
  zones: { id: string; share: number }[];
  conflicts: { id: string; overlapSquareMeters: number; overlapShare: number }[];
  nearest: { id: string; distanceMeters: number } | null;
}

/** Runs `fn` with the fixture world (controls, zones) in place of the real tables, then rolls back. */
async function withWorld(tx: Queryable, fn: () => Promise<void>) {
  await tx.query('delete from controls');
  await tx.query('delete from zones');
  for (const f of world.features) {
    await tx.query(`insert into ${f.properties.role === 'control' ? 'controls' : 'zones'} (id, properties, geom) values ($1, $2, ST_SetSRID(ST_GeomFromGeoJSON($3), 4326))`, [
      f.id,
      JSON.stringify(f.properties),
      JSON.stringify(f.geometry),
    ]);
  }
  await fn();
}

const near = (a: number, b: number, rel: number, abs = 0) => Math.abs(a - b) <= Math.max(abs, rel * Math.max(Math.abs(a), Math.abs(b)));

describeEachDb('compliance review', (t) => {
  test('golden fixtures: PostGIS matches out/, and Turf agrees within 1 %', async () => {
    const rollback = new Error('rollback');
    await assert.rejects(
      t.db.transaction(async (tx) => {
        await withWorld(tx, async () => {
          for (const file of fixtures) {
            const input = JSON.parse(readFileSync(`${DIR}/in/${file}`, 'utf8'));
            const feature = input.features[0];
            const site = readSite(feature.geometry, feature.properties.crs as SiteCrs);
            assert.ok(site.valid, file);
            const q = complianceQuery(JSON.stringify(site.geometry));
            const row = (await tx.query<{ result: string }>(q.text, q.values)).rows[0];
            const server = JSON.parse(row.result) as ServerResult;
            const oq = overlapsQuery(JSON.stringify(site.geometry));
            const overlaps = JSON.parse((await tx.query<{ overlaps: string }>(oq.text, oq.values)).rows[0].overlaps);
            const outFile = `${DIR}/out/${file}`;
            const golden = {
              type: 'FeatureCollection',
              result: { site: server.site, zones: server.zones, conflicts: server.conflicts, nearest: server.nearest },
              features: [
                ...world.features.map((f) => ({ ...f, properties: { ...f.properties, stroke: f.properties.role === 'control' ? '#d00' : '#888', 'fill-opacity': 0.1 } })),
                { type: 'Feature', id: 'site', properties: { role: 'site', stroke: '#06c', 'fill-opacity': 0.3 }, geometry: site.geometry },
                ...overlaps.features.map((f: object) => ({ ...f, properties: { role: 'overlap', fill: '#f00', 'fill-opacity': 0.6 } })),
              ],
            };
            if (process.env.REGEN) writeFileSync(outFile, `${JSON.stringify(golden, null, 1)}\n`);
            const expected = JSON.parse(readFileSync(outFile, 'utf8'));
            assert.deepEqual(golden.result, expected.result, `${file}: PostGIS result differs from ${outFile} (REGEN=1 rewrites)`);

            const turf = checkCompliance(site.geometry as SiteGeometry, [{ collection: 'controls', features: controls }], zones);
            assert.deepEqual(turf.conflicts.map((c) => c.id), server.conflicts.map((c) => c.id), `${file}: same conflicts`);
            turf.conflicts.forEach((c, i) => {
              assert.ok(near(c.overlapSquareMeters, server.conflicts[i].overlapSquareMeters, 0.01), `${file}: overlap ${c.overlapSquareMeters} vs ${server.conflicts[i].overlapSquareMeters}`);
            });
            assert.ok(near(turf.site.areaSquareMeters, server.site.areaSquareMeters, 0.01), `${file}: site area`);
            assert.deepEqual(turf.zones.map((z) => z.id), server.zones.map((z) => z.id), `${file}: same zones`);
            turf.zones.forEach((z, i) => assert.ok(near(z.share, server.zones[i].share, 0.01), `${file}: zone share`));
            assert.equal(turf.nearest?.id, server.nearest?.id, `${file}: nearest`);
            assert.ok(near(turf.nearest!.distanceMeters, server.nearest!.distanceMeters, 0.01, 0.5), `${file}: distance ${turf.nearest!.distanceMeters} vs ${server.nearest!.distanceMeters}`);
            if (feature.properties.expected_area_square_meters) {
              assert.ok(near(server.site.areaSquareMeters, feature.properties.expected_area_square_meters, 0.005), `${file}: ${server.site.areaSquareMeters} m²`);
            }
          }
          // Spot checks that the goldens say what their names promise.
          const result = (name: string) => JSON.parse(readFileSync(`${DIR}/out/${name}.geojson`, 'utf8')).result as ServerResult;
          assert.equal(result('fully-inside').conflicts[0].overlapShare, 1);
          assert.ok(near(result('partly-overlapping').conflicts[0].overlapShare, 0.5, 0.01));
          assert.deepEqual(result('touching-edge-only').conflicts, []);
          assert.equal(result('touching-edge-only').nearest!.distanceMeters, 0);
          assert.deepEqual(result('multipolygon-two-controls').conflicts.map((c) => c.id).sort(), ['reserve-a', 'water-b']);
          assert.deepEqual(result('crossing-two-zones').zones.map((z) => z.id).sort(), ['zone-east', 'zone-west']);
          assert.equal(result('point-inside').conflicts[0].id, 'reserve-a');
          assert.deepEqual(result('point-outside').conflicts, []);
          // 0.01° of longitude at 40.93° N is about 842 m.
          assert.ok(near(result('point-outside').nearest!.distanceMeters, 842, 0.01));
        });
        throw rollback;
      }),
      (err) => err === rollback,
    );
  });

  const post = async (body: unknown, init: RequestInit = {}) => {
    const app = createApp({ db: t.db, config: { BASEMAPS: [] } });
    const res = await app.request('/api/analysis/compliance', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: typeof body === 'string' ? body : JSON.stringify(body),
      ...init,
    });
    return { status: res.status, body: await res.json() };
  };

  test('POST /api/analysis/compliance: a site in the mountains conflicts with the reserve', async () => {
    // A 500 m square high on the Daqing Shan front range, well inside the protected mountains.
    const r = await post({ geometry: { type: 'Polygon', coordinates: [[[111.8, 41.0], [111.806, 41.0], [111.806, 41.0045], [111.8, 41.0045], [111.8, 41.0]]] } });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.ok(r.body.site.areaSquareMeters > 200_000 && r.body.site.areaSquareMeters < 300_000);
    assert.ok(r.body.conflicts.length >= 1);
    assert.ok(r.body.conflicts.every((c: { overlapSquareMeters: number }) => c.overlapSquareMeters > 0));
    // Nested control layers (the red line holds the reserve): the union is no more than the site, and
    // no less than the largest single overlap.
    const largest = Math.max(...r.body.conflicts.map((c: { overlapSquareMeters: number }) => c.overlapSquareMeters));
    assert.ok(r.body.site.conflictSquareMeters <= r.body.site.areaSquareMeters + 1);
    assert.ok(r.body.site.conflictSquareMeters >= largest - 1);
    assert.equal(r.body.nearest.distanceMeters, 0);
    assert.match(r.body.method, /geodesic/);
    assert.match(r.body.methodZh, /测地/);
    assert.ok(r.body.warnings.some((w: string) => /indicative/.test(w)));
    const indicative = r.body.warningDetails.find((d: { code: string }) => d.code === 'indicative');
    assert.match(indicative.zh, /示意数据/, 'each warning also comes in Chinese for the UI');
    assert.equal(r.body.overlaps.type, 'FeatureCollection');
    assert.ok(r.body.overlaps.features.length >= 1);
  });

  test('a site in the city has no conflict and names its zone and the nearest control line', async () => {
    // Hohhot East station, in the 东客站 zone.
    const r = await post({ geometry: { type: 'Point', coordinates: [111.75822, 40.84972] } });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.deepEqual(r.body.conflicts, []);
    assert.ok(r.body.nearest.distanceMeters > 1000);
    assert.equal(r.body.zones.length, 1);
  });

  test('EPSG:4546, EPSG:4525 and GCJ-02 input is converted before checking', async () => {
    const e = 563900;
    const n = 4524100;
    const square = (de: number) => ({ type: 'Polygon', coordinates: [[[e + de, n], [e + de + 100, n], [e + de + 100, n + 100], [e + de, n + 100], [e + de, n]]] });
    const a = await post({ geometry: square(0), crs: 'EPSG:4546' });
    const b = await post({ geometry: square(37_000_000), crs: 'EPSG:4525' });
    assert.equal(a.status, 200);
    assert.ok(near(a.body.site.areaSquareMeters, 10_000, 0.005), `${a.body.site.areaSquareMeters}`);
    assert.deepEqual(b.body.site.geometry, a.body.site.geometry);
    const gcj = await post({ geometry: { type: 'Point', coordinates: [111.76485, 40.85115] }, crs: 'GCJ02' });
    const [lon, lat] = gcj.body.site.geometry.coordinates;
    // GCJ-02 is shifted ≈570 m east and ≈150 m north of WGS84 here.
    assert.ok(lon < 111.76485 - 0.005 && lat < 40.85115 - 0.001, `${lon}, ${lat}`);
  });

  test('a self-intersecting polygon is repaired with a warning that says where', async () => {
    const r = await post({ geometry: { type: 'Polygon', coordinates: [[[111.7, 40.85], [111.72, 40.87], [111.72, 40.85], [111.7, 40.87], [111.7, 40.85]]] } });
    assert.equal(r.status, 200);
    assert.ok(r.body.warnings.some((w: string) => /Self-intersection\[111\.71 40\.86\].*ST_MakeValid/.test(w)), r.body.warnings.join(' | '));
    assert.equal(r.body.site.geometryType, 'MULTIPOLYGON');
  });

  test('bad input is a 4xx that says what is wrong', async () => {
    const cases: [unknown, number, RegExp][] = [
      ['{"geometry": ', 400, /not valid JSON/],
      [{}, 400, /geometry: a GeoJSON geometry is required: send \{"geometry"/],
      [{ geometry: { type: 'Point', coordinates: '111,40' } }, 400, /"coordinates" must be an array, not a string/],
      [{ geometry: { type: 'LineString', coordinates: [[1, 2], [3, 4]] } }, 400, /Point, Polygon or MultiPolygon/],
      [{ geometry: { type: 'Polygon', coordinates: [] } }, 400, /empty/],
      [{ geometry: { type: 'Polygon', coordinates: [[[111.7, 40.8], [111.8, 40.8], [111.8, 40.9], [111.7, 40.9]]] } }, 400, /not closed/],
      [{ geometry: { type: 'Polygon', coordinates: [[[111.7, 40.8], [111.8, 40.8], [111.7, 40.8]]] } }, 400, /at least 4/],
      [{ geometry: { type: 'Point', coordinates: [111.7, null] } }, 400, /not a finite number/],
      [{ geometry: { type: 'Point', coordinates: [40.85, 111.75] } }, 400, /swapped/],
      [{ geometry: { type: 'Point', coordinates: [2.35, 48.85] } }, 400, /outside China/],
      [{ geometry: { type: 'Point', coordinates: [563900, 4524100] } }, 400, /send crs "EPSG:4546"/],
      [{ geometry: { type: 'Point', coordinates: [37563900, 4524100] } }, 400, /send crs "EPSG:4525"/],
      [{ geometry: { type: 'Point', coordinates: [4524100, 563900] }, crs: 'EPSG:4546' }, 400, /swap X and Y/],
      [{ geometry: { type: 'Point', coordinates: [111.75, 40.85] }, crs: 'EPSG:3857' }, 400, /^crs: must be one of EPSG:4326/],
      [{ geometry: { type: 'Point', coordinates: ["111.75'; drop table controls;--", 40.85] } }, 400, /not a finite number/],
    ];
    for (const [body, status, pattern] of cases) {
      const r = await post(body);
      assert.equal(r.status, status, `${JSON.stringify(body).slice(0, 80)} → ${JSON.stringify(r.body)}`);
      assert.match(r.body.description, pattern);
    }
    const wrongType = await post('x', { headers: { 'content-type': 'text/plain' } });
    assert.equal(wrongType.status, 400);
    assert.equal((await t.db.query<{ n: number }>('select count(*)::int as n from controls')).rows[0].n > 0, true);
  });

  test('more than 100 000 vertices or an oversized body is 413', async () => {
    const ring: number[][] = [];
    for (let i = 0; i < 100_001; i++) {
      const a = (2 * Math.PI * i) / 100_001;
      ring.push([111.75 + 0.01 * Math.cos(a), 40.85 + 0.01 * Math.sin(a)]);
    }
    ring.push(ring[0]);
    const many = await post({ geometry: { type: 'Polygon', coordinates: [ring] } });
    assert.equal(many.status, 413);
    assert.match(many.body.description, /more than 100,000 vertices/);
    const huge = await post(`{"geometry":{"type":"Point","coordinates":[111.7,40.8]},"pad":"${'x'.repeat(9 * 1024 * 1024)}"}`);
    assert.equal(huge.status, 413);
    assert.match(huge.body.description, /larger than/);
  });

  test('GET /api/analysis/compliance/projects checks every project site in one batch', async () => {
    const app = createApp({ db: t.db, config: { BASEMAPS: [] } });
    const res = await app.request('/api/analysis/compliance/projects');
    assert.equal(res.status, 200);
    const body = await res.json();
    const drawn = (await t.db.query<{ n: number }>('select count(*)::int as n from projects where geom is not null')).rows[0].n;
    assert.equal(body.projects.length, drawn);
    for (const p of body.projects) {
      assert.ok(Array.isArray(p.result.conflicts));
      assert.ok(p.result.nearest === null || p.result.nearest.distanceMeters >= 0);
    }
    assert.match(body.method, /geodesic/);
  });
});
