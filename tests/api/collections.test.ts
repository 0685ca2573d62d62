import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createApp } from '../../api/app.ts';
import { MAX_LIMIT } from '../../api/routes/items-params.ts';
import { collections } from '../../core/catalog.ts';
import { describeEachDb } from '../helpers/databases.ts';

interface FeatureCollection {
  type: string;
  numberMatched: number;
  numberReturned: number;
  links: { rel: string; href: string }[];
  features: { type: string; id: string; geometry: { type: string; coordinates: unknown } | null; properties: Record<string, unknown> }[];
}

describeEachDb('OGC API – Features', (t) => {
  const app = () => createApp({ db: t.db, config: { BASEMAPS: [] } });
  const get = async (path: string) => {
    const res = await app().request(path);
    const text = await res.text();
    return { status: res.status, type: res.headers.get('content-type') ?? '', body: text ? JSON.parse(text) : null };
  };
  const expectError = async (path: string, status: number, pattern: RegExp) => {
    const r = await get(path);
    assert.equal(r.status, status, `${path} → ${JSON.stringify(r.body)}`);
    assert.equal(typeof r.body.code, 'string');
    assert.match(r.body.description, pattern);
  };

  test('landing page links to conformance and collections', async () => {
    const r = await get('/api');
    assert.equal(r.status, 200);
    const rels = r.body.links.map((l: { rel: string }) => l.rel);
    for (const rel of ['self', 'conformance', 'data']) assert.ok(rels.includes(rel), rel);
  });

  test('conformance declares OGC API – Features core and GeoJSON', async () => {
    const r = await get('/api/conformance');
    assert.ok(r.body.conformsTo.includes('http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core'));
    assert.ok(r.body.conformsTo.includes('http://www.opengis.net/spec/ogcapi-features-4/1.0/conf/create-replace-delete'), 'Part 4 (writes) declared');
    assert.ok(r.body.conformsTo.includes('http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson'));
  });

  test('collections lists every catalogue id with its provenance and extent', async () => {
    const r = await get('/api/collections');
    assert.deepEqual(
      r.body.collections.map((c: { id: string }) => c.id),
      collections.map((c) => c.id),
    );
    const district = r.body.collections.find((c: { id: string }) => c.id === 'district');
    assert.ok(district.numberOfFeatures >= 5);
    assert.equal(district.provenance.crs, 'EPSG:4326');
    const [x1, y1, x2, y2] = district.extent.spatial.bbox[0];
    // The neighbours reach beyond Xincheng (lon 111.59–112.04, lat 40.81–41.13).
    assert.ok(x1 < 111.6 && x2 > 112.0 && y1 < 40.82 && y2 > 41.12, `extent ${district.extent.spatial.bbox[0]}`);
  });

  test('one collection by id', async () => {
    const r = await get('/api/collections/zones');
    assert.equal(r.status, 200);
    assert.equal(r.body.id, 'zones');
    assert.equal(r.body.titles.zh, '五大产业支撑区');
    assert.ok(r.body.links.some((l: { rel: string }) => l.rel === 'items'));
  });

  test('items is a GeoJSON FeatureCollection with counts and lon/lat geometry', async () => {
    const r = await get('/api/collections/district/items');
    assert.equal(r.status, 200);
    assert.match(r.type, /application\/geo\+json/);
    const fc = r.body as FeatureCollection;
    assert.equal(fc.type, 'FeatureCollection');
    assert.equal(fc.numberReturned, fc.features.length);
    assert.ok(fc.numberMatched >= fc.numberReturned);
    const xincheng = fc.features.find((f) => f.properties.adcode === '150102');
    assert.ok(xincheng, 'Xincheng (150102) is in the district collection');
    assert.equal(xincheng.properties.name_zh, '新城区');
    // Geodesic area from the import: the Tianditu polygon is about 658 km².
    const km2 = Number(xincheng.properties.area_square_meters) / 1e6;
    assert.ok(km2 > 640 && km2 < 680, `area ${km2} km²`);
    const [lon, lat] = (xincheng.geometry!.coordinates as number[][][])[0][0];
    assert.ok(lon > 111 && lon < 113 && lat > 40 && lat < 42, 'lon/lat order');
  });

  test('paging: limit, offset and next/prev links walk the whole collection once', async () => {
    const all = (await get('/api/collections/district/items?limit=1000')).body as FeatureCollection;
    const seen: string[] = [];
    let path: string | undefined = '/api/collections/district/items?limit=3';
    let pages = 0;
    while (path && pages < 50) {
      const page = (await get(path)).body as FeatureCollection;
      assert.equal(page.numberMatched, all.numberMatched);
      seen.push(...page.features.map((f) => f.id));
      const next = page.links.find((l) => l.rel === 'next');
      path = next ? new URL(next.href).pathname + new URL(next.href).search : undefined;
      if (pages > 0) assert.ok(page.links.some((l) => l.rel === 'prev'), 'later pages link back');
      pages++;
    }
    assert.deepEqual(seen, all.features.map((f) => f.id));
    assert.equal(pages, Math.ceil(all.numberMatched / 3));
  });

  test('a limit above the maximum is clamped, not refused', async () => {
    const r = await get(`/api/collections/district/items?limit=${MAX_LIMIT * 10}`);
    assert.equal(r.status, 200);
    const next = (r.body as FeatureCollection).links.find((l) => l.rel === 'next');
    assert.equal(next, undefined);
    assert.equal(r.body.numberReturned, r.body.numberMatched);
  });

  test('bbox keeps only the features that intersect it', async () => {
    // A small box in Xincheng's mountains, far from every neighbour but Xincheng itself.
    const r = await get('/api/collections/district/items?bbox=111.85,40.98,111.86,40.99');
    const ids = (r.body as FeatureCollection).features.map((f) => f.properties.adcode);
    assert.deepEqual(ids, ['150102']);
    const none = await get('/api/collections/district/items?bbox=100,30,100.1,30.1');
    assert.equal(none.body.numberMatched, 0);
    assert.deepEqual(none.body.features, []);
  });

  test('equality filter on a declared property', async () => {
    const r = await get('/api/collections/district/items?role=district');
    assert.equal(r.body.numberMatched, 1);
    assert.equal(r.body.features[0].properties.adcode, '150102');
    const neighbours = await get('/api/collections/district/items?role=neighbour&limit=1000');
    assert.ok(neighbours.body.features.every((f: { properties: { role: string } }) => f.properties.role === 'neighbour'));
  });

  test('projects can be filtered by sector and column', async () => {
    const all = (await get('/api/collections/projects/items?limit=5000')).body as FeatureCollection;
    const digital = (await get('/api/collections/projects/items?sector=digital&limit=5000')).body as FeatureCollection;
    assert.ok(digital.numberMatched > 0);
    assert.equal(digital.numberMatched, all.features.filter((f) => f.properties.sector === 'digital').length);
    const col8 = (await get('/api/collections/projects/items?column=8&limit=5000')).body as FeatureCollection;
    assert.equal(col8.numberMatched, 14, 'column 8 (digital industry) lists 14 projects');
  });

  test('one feature by id; unknown feature and collection are 404', async () => {
    const r = await get('/api/collections/district/items/district-150102');
    assert.equal(r.status, 200);
    assert.equal(r.body.type, 'Feature');
    assert.equal(r.body.id, 'district-150102');
    await expectError('/api/collections/district/items/nope', 404, /no feature "nope"/);
    await expectError('/api/collections/nope/items', 404, /No collection "nope"/);
    await expectError('/api/collections/nope', 404, /No collection/);
    await expectError('/api/nothing-here', 404, /No API endpoint/);
  });

  test('malformed bbox is a 400 that says which part is wrong', async () => {
    await expectError('/api/collections/district/items?bbox=1,2,3', 400, /4 numbers/);
    await expectError('/api/collections/district/items?bbox=1,2,3,x', 400, /value 4 \("x"\) is not a number/);
    await expectError('/api/collections/district/items?bbox=112,40,111,41', 400, /minLon 112 is greater than maxLon 111/);
    await expectError('/api/collections/district/items?bbox=111,41,112,40', 400, /minLat/);
    await expectError('/api/collections/district/items?bbox=111,40,190,41', 400, /-180\.\.180/);
    await expectError('/api/collections/district/items?bbox=111,-95,112,41', 400, /-90\.\.90/);
  });

  test('bad paging and unknown parameters are 400s', async () => {
    await expectError('/api/collections/district/items?limit=0', 400, /limit must be a whole number ≥ 1/);
    await expectError('/api/collections/district/items?limit=ten', 400, /limit/);
    await expectError('/api/collections/district/items?offset=-1', 400, /offset/);
    await expectError('/api/collections/district/items?offset=1.5', 400, /offset/);
    await expectError('/api/collections/district/items?colour=red', 400, /Unknown parameter "colour".*filters on: .*adcode/);
    await expectError('/api/collections/projects/items?column=eight', 400, /integer/);
    await expectError('/api/collections/district/items?f=xml', 400, /json/);
  });

  test('SQL-looking strings are treated as values: empty result or 400, database unchanged', async () => {
    const before = (await get('/api/collections/district/items?limit=1000')).body.numberMatched;
    const attacks = [
      "/api/collections/district/items?name_zh=x'%3B%20drop%20table%20district%3B--",
      "/api/collections/district/items?role=district'%20or%20'1'%3D'1",
      '/api/collections/district/items?bbox=1,2,3,4)%3Bdelete%20from%20district%3B--',
      "/api/collections/district%3Bdrop%20table%20zones/items",
      "/api/collections/district/items/x'%20or%201%3D1--",
      '/api/collections/district/items?properties-%3E%3E1=1',
    ];
    for (const path of attacks) {
      const r = await get(path);
      assert.ok(r.status === 400 || r.status === 404 || (r.status === 200 && r.body.numberMatched === 0), `${path} → ${r.status}`);
    }
    assert.equal((await get('/api/collections/district/items?limit=1000')).body.numberMatched, before);
    assert.equal((await get('/api/collections/zones')).status, 200);
  });

  test('a page past the end links back to the last page with features; a repeated parameter is a 400', async () => {
    const all = (await get('/api/collections/district/items?limit=1000')).body.numberMatched as number;
    const past = (await get('/api/collections/district/items?limit=2&offset=500')).body as FeatureCollection;
    assert.deepEqual(past.features, []);
    const prev = new URL(past.links.find((l) => l.rel === 'prev')!.href);
    assert.equal(Number(prev.searchParams.get('offset')), all - 2);
    await expectError('/api/collections/district/items?limit=1&limit=2', 400, /limit is given 2 times/);
  });

  test('a known path with the wrong method is a 405 naming the allowed method', async () => {
    const res = await app().request('/api/collections/district/items', { method: 'DELETE' });
    assert.equal(res.status, 405);
    assert.equal(res.headers.get('allow'), 'GET, POST');
    assert.match((await res.json()).description, /DELETE is not allowed on \/api\/collections\/district\/items; use GET or POST/);
    const compliance = await app().request('/api/analysis/compliance');
    assert.equal(compliance.status, 405);
    assert.equal(compliance.headers.get('allow'), 'POST');
  });

  test('health reports the database kind and PostGIS', async () => {
    const r = await get('/api/health');
    assert.equal(r.body.status, 'ok');
    assert.equal(r.body.database, t.kind);
    assert.match(r.body.postgis, /^3\./);
  });
});
