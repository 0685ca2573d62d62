/**
 * The standard surface for GIS clients: OpenAPI (service-desc) and its page (service-doc), the
 * landing page at /api and /api/, Part 3 queryables and a schema per collection, datetime and
 * 6-number bbox accepted, links on single features, every declared property on every feature —
 * and GDAL's OAPIF driver reading every collection with all its columns and the right counts.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { collections } from '../../core/catalog.ts';
import { describeEachDb } from '../helpers/databases.ts';
import { client } from '../helpers/http.ts';
import { serveApi, type ServedApi } from '../helpers/serve.ts';

describeEachDb('the standard surface for GIS clients', (t) => {
  let api: ReturnType<typeof client>['call'];
  before(() => {
    api = client(t.db).call;
  });

  test('landing at /api and /api/ links the OpenAPI document and its page', async () => {
    const a = await api('GET', '/api');
    const b = await api('GET', '/api/');
    assert.equal(b.status, 200, b.text);
    assert.deepEqual(a.body, b.body);
    const desc = a.body.links.find((l: { rel: string }) => l.rel === 'service-desc');
    assert.match(desc.type, /application\/vnd\.oai\.openapi\+json;version=3\.0/);
    const doc = await api('GET', new URL(desc.href).pathname);
    assert.equal(doc.status, 200);
    assert.equal(doc.body.openapi, '3.0.3');
    for (const c of collections) {
      assert.ok(doc.body.paths[`/collections/${c.id}/items`].get, `${c.id} items`);
      assert.ok(doc.body.paths[`/collections/${c.id}/items`].post, `${c.id} create`);
      assert.ok(doc.body.paths[`/collections/${c.id}/items/{featureId}`].patch, `${c.id} update`);
    }
    assert.equal(doc.body.components.parameters.limit.schema.maximum, 5000);
    console.log(`OpenAPI document: ${(doc.text.length / 1024).toFixed(1)} KiB, ${Object.keys(doc.body.paths).length} paths`);
    const page = await api('GET', new URL(a.body.links.find((l: { rel: string }) => l.rel === 'service-doc').href).pathname);
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-type')!, /text\/html/);
    assert.match(page.text, /\/collections\/projects\/items/);
    const conf = (await api('GET', '/api/conformance')).body.conformsTo as string[];
    assert.ok(conf.includes('http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30'));
    assert.ok(conf.includes('http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables'));
  });

  test('each analysis operation states its cost limits, and the server enforces exactly those', async () => {
    const { call } = client(t.db, { ANALYSIS_TIMEOUT_SECONDS: 42, ANALYSIS_CONCURRENCY: 3 });
    const doc = (await call('GET', '/api/openapi')).body;
    const comp = doc.paths['/analysis/compliance'].post;
    const cov = doc.paths['/analysis/coverage'].post;
    const sug = doc.paths['/analysis/coverage/suggest'].post;
    for (const op of [comp, cov, sug, doc.paths['/analysis/compliance/projects'].get]) {
      assert.equal(op['x-cost-limits'].statementTimeoutSeconds, 42);
      assert.equal(op['x-cost-limits'].concurrentAnalyses, 3);
      assert.match(op.description, /Cost limits: .*42 s per statement/);
    }
    const { maxSiteVertices, maxSiteRings } = comp['x-cost-limits'];
    const ring = (n: number) => [...Array.from({ length: n - 1 }, (_, i) => [111.7 + 0.01 * Math.cos((2 * Math.PI * i) / (n - 1)), 40.8 + 0.01 * Math.sin((2 * Math.PI * i) / (n - 1))]), [111.71, 40.8]];
    const over = await call('POST', '/api/analysis/compliance', { body: { geometry: { type: 'Polygon', coordinates: [ring(maxSiteVertices + 1)] } } });
    assert.equal(over.status, 413, over.text);
    const tiny = (k: number) => [[111.75 + k * 1e-4, 40.85], [111.75 + k * 1e-4 + 5e-5, 40.85], [111.75 + k * 1e-4 + 5e-5, 40.85005], [111.75 + k * 1e-4, 40.85]];
    const shell = [[111.7, 40.8], [111.8, 40.8], [111.8, 40.9], [111.7, 40.9], [111.7, 40.8]];
    const rings = await call('POST', '/api/analysis/compliance', { body: { geometry: { type: 'Polygon', coordinates: [shell, ...Array.from({ length: maxSiteRings }, (_, k) => tiny(k))] } } });
    assert.equal(rings.status, 413, rings.text);
    assert.match(rings.body.description, new RegExp(`more than ${maxSiteRings} rings`));
    const extra = Array.from({ length: cov['x-cost-limits'].maxExtraFacilities + 1 }, () => ({ type: 'Point', coordinates: [111.7, 40.8] }));
    const many = await call('POST', '/api/analysis/coverage', { body: { preset: 'parks', extraFacilities: extra } });
    assert.equal(many.status, 400, many.text);
    const count = await call('POST', '/api/analysis/coverage/suggest', { body: { preset: 'parks', count: sug['x-cost-limits'].maxSuggestCount + 1 } });
    assert.equal(count.status, 400, count.text);
    const radius = await call('POST', '/api/analysis/coverage', { body: { facilities: 'parks', radiusMeters: cov['x-cost-limits'].maxRadiusMeters + 1 } });
    assert.equal(radius.status, 400, radius.text);
  });

  test('queryables and schema: JSON Schema of the filterable and of all properties, with the geometry types', async () => {
    const coll = await api('GET', '/api/collections/facilities');
    const rels = coll.body.links.map((l: { rel: string }) => l.rel);
    assert.ok(rels.includes('http://www.opengis.net/def/rel/ogc/1.0/queryables') && rels.includes('describedby'));
    const q = await api('GET', '/api/collections/facilities/queryables');
    assert.equal(q.status, 200);
    assert.match(q.headers.get('content-type')!, /application\/schema\+json/);
    assert.equal(q.body.$schema, 'https://json-schema.org/draft/2020-12/schema');
    assert.ok(q.body.properties.type.enum.includes('kindergarten'));
    assert.ok(!('osm_name' in q.body.properties), 'only filterable properties are queryable');
    const s = await api('GET', '/api/collections/facilities/schema');
    for (const k of Object.keys(collections.find((c) => c.id === 'facilities')!.properties)) assert.ok(k in s.body.properties, k);
    const projects = await api('GET', '/api/collections/projects/schema');
    assert.match(projects.body.properties.geometry.description, /Point, LineString, MultiLineString, Polygon, MultiPolygon, or null/);
    assert.equal((await api('GET', '/api/collections/nope/queryables')).status, 404);
  });

  test('every feature carries every declared property (null when it has none), so clients see all columns', async () => {
    const r = await api('GET', '/api/collections/facilities/items?limit=3');
    const declared = Object.keys(collections.find((c) => c.id === 'facilities')!.properties).sort();
    for (const f of r.body.features) assert.deepEqual(Object.keys(f.properties).sort().filter((k) => declared.includes(k)), declared);
  });

  test('datetime is accepted and checked; a 6-number bbox is read as 2D', async () => {
    assert.equal((await api('GET', '/api/collections/parks/items?datetime=2021-06-01T00:00:00Z')).status, 200);
    assert.equal((await api('GET', '/api/collections/parks/items?datetime=2021-01-01/..')).status, 200);
    assert.equal((await api('GET', '/api/collections/parks/items?datetime=2021-01-01')).status, 200);
    const bad = await api('GET', '/api/collections/parks/items?datetime=yesterday');
    assert.equal(bad.status, 400);
    assert.match(bad.body.description, /RFC 3339/);
    const four = await api('GET', '/api/collections/parks/items?bbox=111.6,40.8,111.8,40.9');
    const six = await api('GET', '/api/collections/parks/items?bbox=111.6,40.8,0,111.8,40.9,100');
    assert.equal(six.status, 200, six.text);
    assert.equal(six.body.numberMatched, four.body.numberMatched);
    const crs = await api('GET', '/api/collections/parks/items?crs=EPSG:9999');
    assert.equal(crs.status, 400);
    assert.match(crs.body.description, /not a coordinate system this API serves.*EPSG\/0\/4546/);
  });

  test('a single feature links to itself and its collection, and refuses parameters it does not take', async () => {
    const r = await api('GET', '/api/collections/district/items/district-150102');
    const rels = Object.fromEntries(r.body.links.map((l: { rel: string; href: string }) => [l.rel, l.href]));
    assert.match(rels.self, /\/api\/collections\/district\/items\/district-150102$/);
    assert.match(rels.collection, /\/api\/collections\/district$/);
    assert.equal((await api('GET', '/api/collections/district/items/district-150102?f=json')).status, 200);
    assert.equal((await api('GET', '/api/collections/district/items/district-150102?crs=EPSG:1234')).status, 400);
    assert.equal((await api('GET', '/api/collections/district/items/district-150102?nonsense=1')).status, 400);
    assert.equal((await api('GET', '/api/collections/district/items/district-150102?f=xml')).status, 400);
  });
});

describeEachDb('Part 2 coordinate systems, sortby, property selection, skipGeometry', (t) => {
  let api: ReturnType<typeof client>['call'];
  let parkId = '';
  before(async () => {
    api = client(t.db).call;
    parkId = (await t.db.query<{ id: string }>("select id from parks where ST_GeometryType(geom) = 'ST_Polygon' order by id limit 1")).rows[0].id;
  });
  const first = (g: any): number[] => (g.type === 'Point' ? g.coordinates : g.type === 'Polygon' ? g.coordinates[0][0] : g.coordinates[0][0][0]);

  test('every collection lists the served CRSs and its storageCrs; conformance declares Part 2', async () => {
    const c = await api('GET', '/api/collections/parks');
    assert.equal(c.body.storageCrs, 'http://www.opengis.net/def/crs/OGC/1.3/CRS84');
    for (const srid of [4326, 4490, 4546, 4525, 3857]) assert.ok(c.body.crs.includes(`http://www.opengis.net/def/crs/EPSG/0/${srid}`), `crs lists ${srid}`);
    const conf = await api('GET', '/api/conformance');
    assert.ok(conf.body.conformsTo.includes('http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs'));
  });

  test('crs: each CRS in its EPSG axis order, equal to PostGIS ST_Transform, with Content-Crs', async () => {
    const cases: [string, number, boolean][] = [
      ['http://www.opengis.net/def/crs/OGC/1.3/CRS84', 4326, false],
      ['http://www.opengis.net/def/crs/EPSG/0/4326', 4326, true],
      ['http://www.opengis.net/def/crs/EPSG/0/4490', 4490, true],
      ['http://www.opengis.net/def/crs/EPSG/0/4546', 4546, true],
      ['EPSG:4525', 4525, true],
      ['[EPSG:3857]', 3857, false],
    ];
    for (const [crs, srid, northFirst] of cases) {
      const r = await api('GET', `/api/collections/parks/items/${parkId}?crs=${encodeURIComponent(crs)}`);
      assert.equal(r.status, 200, r.text);
      assert.match(r.headers.get('content-crs') ?? '', srid === 4326 && !northFirst ? /^<http:\/\/www\.opengis\.net\/def\/crs\/OGC\/1\.3\/CRS84>$/ : new RegExp(`^<http://www\\.opengis\\.net/def/crs/EPSG/0/${srid}>$`));
      const want = (await t.db.query<{ x: number; y: number }>(
        `select ST_X(p) as x, ST_Y(p) as y from (select ST_Transform(ST_PointN(ST_ExteriorRing(geom), 1), ${srid}) as p from parks where id = $1) s`,
        [parkId],
      )).rows[0];
      const got = first(r.body.geometry);
      const [e, n] = northFirst ? [got[1], got[0]] : got;
      const tol = srid === 4326 || srid === 4490 ? 1e-6 : 0.01;
      assert.ok(Math.abs(e - want.x) < tol && Math.abs(n - want.y) < tol, `${crs}: ${got} vs PostGIS ${want.x}, ${want.y}`);
      if (srid === 4546) assert.ok(got[0] > 4_400_000 && got[0] < 4_600_000 && got[1] > 500_000 && got[1] < 600_000, `4546 is northing first: ${got}`);
      if (srid === 4525) assert.ok(got[1] > 37_500_000, `4525 eastings carry the zone 37: ${got}`);
      if (srid === 4326 && northFirst) assert.ok(got[0] > 40 && got[0] < 42 && got[1] > 111 && got[1] < 112, `EPSG:4326 is lat, lon: ${got}`);
    }
    const page = await api('GET', '/api/collections/parks/items?limit=3&crs=http://www.opengis.net/def/crs/EPSG/0/4546');
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-crs') ?? '', /EPSG\/0\/4546/);
    for (const f of page.body.features) assert.ok(first(f.geometry)[0] > 4_400_000, 'items are northing first too');
  });

  test('bbox-crs: a Gauss-Krüger box (northing first) selects what PostGIS selects', async () => {
    // The built-up area, as N,E of its corners in EPSG:4546.
    const bbox = [4_518_000, 556_000, 4_532_000, 572_000];
    const r = await api('GET', `/api/collections/parks/items?limit=5000&bbox=${bbox.join(',')}&bbox-crs=http://www.opengis.net/def/crs/EPSG/0/4546`);
    assert.equal(r.status, 200, r.text);
    const want = (await t.db.query<{ n: number }>(
      'select count(*)::int as n from parks where ST_Intersects(geom, ST_Transform(ST_Segmentize(ST_MakeEnvelope($1, $2, $3, $4, 4546), 500), 4326))',
      [bbox[1], bbox[0], bbox[3], bbox[2]],
    )).rows[0].n;
    assert.ok(want > 0);
    assert.equal(r.body.numberMatched, want);
    const latFirst = await api('GET', '/api/collections/parks/items?bbox=40.8,111.6,40.9,111.8&bbox-crs=EPSG:4326');
    const lonFirst = await api('GET', '/api/collections/parks/items?bbox=111.6,40.8,111.8,40.9');
    assert.equal(latFirst.body.numberMatched, lonFirst.body.numberMatched, 'EPSG:4326 bbox is lat, lon');
    assert.equal((await api('GET', '/api/collections/parks/items?bbox-crs=EPSG:4546')).status, 400, 'bbox-crs without a bbox');
    assert.equal((await api('GET', '/api/collections/parks/items?bbox=1,2,3,4&bbox-crs=EPSG:2000')).status, 400);
    const upside = await api('GET', `/api/collections/parks/items?bbox=${[bbox[2], bbox[1], bbox[0], bbox[3]].join(',')}&bbox-crs=EPSG:4546`);
    assert.equal(upside.status, 400);
    assert.match(upside.body.description, /lower corner/);
    const far = await api('GET', '/api/collections/parks/items?bbox=1e300,1e300,1e301,1e301&bbox-crs=EPSG:4546');
    assert.equal(far.status, 400, far.text);
    assert.match(far.body.description, /outside the area/);
  });

  test('sortby orders by a property (strings, numbers, descending) then id; unknown names are a 400', async () => {
    const r = await api('GET', '/api/collections/parks/items?limit=5000&sortby=-area_square_meters&skipGeometry=true');
    assert.equal(r.status, 200, r.text);
    const areas = r.body.features.map((f: any) => f.properties.area_square_meters).filter((a: number | null) => a !== null);
    assert.ok(areas.length > 3);
    assert.deepEqual(areas, [...areas].sort((a: number, b: number) => b - a), 'largest first, as numbers');
    const want = (await t.db.query<{ id: string }>("select id from parks order by properties->'name_zh' nulls last, id limit 5")).rows.map((x) => x.id);
    const byName = await api('GET', '/api/collections/parks/items?limit=5&sortby=%2Bname_zh');
    assert.deepEqual(byName.body.features.map((f: any) => f.id), want);
    const byId = await api('GET', '/api/collections/parks/items?limit=3&sortby=-id');
    const ids = byId.body.features.map((f: any) => f.id);
    assert.deepEqual(ids, [...ids].sort().reverse());
    const bad = await api('GET', '/api/collections/parks/items?sortby=nope');
    assert.equal(bad.status, 400);
    assert.match(bad.body.description, /sortable are id, .*name_zh/);
  });

  test('properties selects the properties returned; skipGeometry leaves the geometry out', async () => {
    const r = await api('GET', '/api/collections/parks/items?limit=2&properties=name_zh,quality&skipGeometry=true');
    assert.equal(r.status, 200, r.text);
    for (const f of r.body.features) {
      assert.deepEqual(Object.keys(f.properties).sort(), ['name_zh', 'quality']);
      assert.equal(f.geometry, null);
    }
    const one = await api('GET', `/api/collections/parks/items/${parkId}?properties=name_zh`);
    assert.deepEqual(Object.keys(one.body.properties), ['name_zh']);
    assert.ok(one.body.geometry);
    const bad = await api('GET', '/api/collections/parks/items?properties=name_zh,secret');
    assert.equal(bad.status, 400);
    assert.match(bad.body.description, /"secret" is not a property/);
    assert.equal((await api('GET', '/api/collections/parks/items?skipGeometry=maybe')).status, 400);
  });
});

describeEachDb('CQL2 filters (Part 3)', (t) => {
  let api: ReturnType<typeof client>['call'];
  before(() => {
    api = client(t.db).call;
  });
  const items = (collection: string, filter: string, extra = '') => api('GET', `/api/collections/${collection}/items?limit=5000&filter=${encodeURIComponent(filter)}${extra}`);
  const count = async (sql: string, values: unknown[] = []) => (await t.db.query<{ n: number }>(`select count(*)::int as n from ${sql}`, values)).rows[0].n;

  test('comparisons, LIKE, BETWEEN, IN, IS NULL, AND/OR/NOT select what the same SQL selects', async () => {
    const cases: [string, string, unknown[]][] = [
      ["quality = 'indicative'", "projects where properties->>'quality' = 'indicative'", []],
      ["quality <> 'indicative' AND status IS NOT NULL", "projects where properties->>'quality' <> 'indicative' and properties->>'status' is not null", []],
      ['column BETWEEN 3 AND 10', "projects where (properties->>'column')::int between 3 and 10", []],
      ['column IN (1, 2, 5) OR column > 100', "projects where (properties->>'column')::int in (1, 2, 5) or (properties->>'column')::int > 100", []],
      ["name_zh LIKE '%公园%'", "projects where properties->>'name_zh' like '%公园%'", []],
      ["NOT (name_zh LIKE '%公园%')", "projects where not (properties->>'name_zh' like '%公园%')", []],
      ['zone_id IS NULL', "projects where properties->>'zone_id' is null", []],
    ];
    for (const [filter, sql, values] of cases) {
      const r = await items('projects', filter);
      assert.equal(r.status, 200, `${filter}: ${r.text}`);
      const want = await count(sql, values);
      assert.equal(r.body.numberMatched, want, filter);
    }
    assert.ok((await items('projects', "quality = 'indicative'")).body.numberMatched > 0, 'the filters select something');
  });

  test('spatial functions with WKT, BBOX and GeoJSON, in CRS84 and in Gauss-Krüger (filter-crs)', async () => {
    const box = 'POLYGON((111.65 40.80, 111.80 40.80, 111.80 40.90, 111.65 40.90, 111.65 40.80))';
    const want = await count(`parks where ST_Intersects(geom, ST_GeomFromText($1, 4326))`, [box]);
    assert.ok(want > 0);
    assert.equal((await items('parks', `S_INTERSECTS(geometry, ${box})`)).body.numberMatched, want);
    assert.equal((await items('parks', 'S_INTERSECTS(geometry, BBOX(111.65, 40.80, 111.80, 40.90))')).body.numberMatched, want);
    const json = { op: 's_intersects', args: [{ property: 'geometry' }, { bbox: [111.65, 40.8, 111.8, 40.9] }] };
    assert.equal((await items('parks', JSON.stringify(json), '&filter-lang=cql2-json')).body.numberMatched, want);
    const disjoint = (await items('parks', `S_DISJOINT(geometry, ${box})`)).body.numberMatched;
    assert.equal(disjoint, (await count('parks where geom is not null')) - want);
    const within = await count(`parks where ST_Within(geom, ST_GeomFromText($1, 4326))`, [box]);
    assert.equal((await items('parks', `S_WITHIN(geometry, ${box})`)).body.numberMatched, within);
    // The district office's own coordinates: a point in EPSG:4546, northing first.
    const park = (await t.db.query<{ n: number; e: number }>(
      "select ST_Y(p) as n, ST_X(p) as e from (select ST_Transform(ST_PointOnSurface(geom), 4546) as p from parks where ST_GeometryType(geom) = 'ST_Polygon' order by id limit 1) s",
    )).rows[0];
    const gk = await items('parks', `S_INTERSECTS(geometry, POINT(${park.n.toFixed(3)} ${park.e.toFixed(3)}))`, '&filter-crs=http://www.opengis.net/def/crs/EPSG/0/4546');
    assert.equal(gk.status, 200, gk.text);
    assert.ok(gk.body.numberMatched >= 1, 'the park under a Gauss-Krüger point is found');
  });

  test('bad filters: a 400 that says where and what, never a 500; values are never SQL', async () => {
    const bad: [string, RegExp, string?][] = [
      ["quality = 'indicative", /filter: cql2-text: .*end of input/],
      ['quality == 1', /at character 10/],
      ["secret = 'x'", /"secret" is not a queryable/],
      ["column = 'three'", /compares property column \(number\) with "three" \(string\)/],
      ['S_INTERSECTS(geometry, POINT(559000 4524000))', /give filter-crs/],
      ['S_INTERSECTS(geometry, POLYGON((1 1, 2 2, 3 1)))', /at least 4 positions/],
      ['{"op":"=","args":[1]}', /takes 2 arguments/, '&filter-lang=cql2-json'],
      ['x', /filter-lang must be/, '&filter-lang=sql'],
      ["quality = 'x'", /not a coordinate system/, '&filter-crs=EPSG:1'],
      ['('.repeat(100) + "quality = 'x'" + ')'.repeat(100), /nests 100 levels/],
      ['S_INTERSECTS(geometry, POINT(4524000 1e300))', /outside what EPSG:4546 can describe/, '&filter-crs=EPSG:4546'],
      ["name_zh LIKE '%\\'", /ends with the escape character/],
    ];
    for (const [filter, re, extra] of bad) {
      const r = await items('projects', filter, extra);
      assert.equal(r.status, 400, `${filter}: ${r.status} ${r.text}`);
      assert.match(r.body.description, re, filter);
    }
    assert.equal((await api('GET', '/api/collections/projects/items?filter-lang=cql2-text')).status, 400, 'filter-lang without a filter');
    const injection = await items('projects', "name_zh = 'x''; drop table projects; --'");
    assert.equal(injection.status, 200);
    assert.equal(injection.body.numberMatched, 0);
    assert.ok((await count('projects')) > 0, 'projects is still there');
  });

  test('the filter combines with bbox, the equality parameters, sortby and paging', async () => {
    const r = await api('GET', `/api/collections/projects/items?limit=2&offset=1&sortby=-column&quality=indicative&bbox=111.5,40.7,112.0,41.1&filter=${encodeURIComponent('column > 0')}`);
    assert.equal(r.status, 200, r.text);
    const want = await count(
      "projects where properties->>'quality' = 'indicative' and ST_Intersects(geom, ST_MakeEnvelope(111.5, 40.7, 112.0, 41.1, 4326)) and (properties->>'column')::int > 0",
    );
    assert.equal(r.body.numberMatched, want);
    const cols = r.body.features.map((f: any) => f.properties.column);
    assert.deepEqual(cols, [...cols].sort((a: number, b: number) => b - a));
    assert.ok(r.body.links.some((l: any) => l.rel === 'next' && l.href.includes('filter=')), 'paging links keep the filter');
  });
});

const ogrinfo = ['/usr/bin/ogrinfo', '/usr/local/bin/ogrinfo'].find((p) => existsSync(p));
const run = promisify(execFile);
const owslib = existsSync('/usr/lib/python3/dist-packages/owslib');

describeEachDb('GDAL reads every collection (OAPIF driver)', (t) => {
  let api: ServedApi | undefined;
  let base = '';
  before(async () => {
    if (!ogrinfo) return;
    api = await serveApi(t.db);
    base = api.base;
  });
  after(async () => {
    await api?.close();
  });

  test('ogrinfo lists every collection with all its columns and the right feature count', { skip: ogrinfo ? false : 'no ogrinfo (apt-get install gdal-bin)' }, async () => {
    for (const c of collections) {
      // Asynchronously: the server answering GDAL runs in this process.
      const { stdout: full } = await run(ogrinfo!, ['-ro', '-so', `OAPIF:${base}`, c.id], { encoding: 'utf8', env: { ...process.env, GDAL_HTTP_TIMEOUT: '60' } });
      const out = full;
      const count = Number(/Feature Count: (\d+)/.exec(full)?.[1]);
      const matched = (await (await fetch(`${base}/collections/${c.id}/items?limit=1`)).json()).numberMatched;
      assert.equal(count, matched, `${c.id}: GDAL counts ${count}, the API ${matched}`);
      for (const k of Object.keys(c.properties)) assert.match(out, new RegExp(`^${k}: `, 'm'), `${c.id}: GDAL has the column ${k}`);
    }
  });

  test('ogr2ogr copies every collection to a GeoPackage with numberMatched features and every column', { skip: ogrinfo ? false : 'no ogrinfo' }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'oapif-gpkg-'));
    try {
      for (const c of collections) {
        const gpkg = join(dir, `${c.id}.gpkg`);
        // -nlt GEOMETRY: projects mixes points, lines, polygons and no geometry.
        await run(ogrinfo!.replace(/ogrinfo$/, 'ogr2ogr'), ['-f', 'GPKG', gpkg, `OAPIF:${base}`, c.id, '-nlt', 'GEOMETRY'], { env: { ...process.env, GDAL_HTTP_TIMEOUT: '60' } });
        const { stdout } = await run(ogrinfo!, ['-ro', '-so', gpkg, c.id], { encoding: 'utf8' });
        const count = Number(/Feature Count: (\d+)/.exec(stdout)?.[1]);
        const matched = (await (await fetch(`${base}/collections/${c.id}/items?limit=1`)).json()).numberMatched;
        assert.equal(count, matched, `${c.id}: the GeoPackage holds ${count}, the API matched ${matched}`);
        for (const k of Object.keys(c.properties)) assert.match(stdout, new RegExp(`^${k}: `, 'm'), `${c.id}: the GeoPackage has the column ${k}`);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('GDAL pushes -where equality and -spat to the server (seen in its CPL_DEBUG requests)', { skip: ogrinfo ? false : 'no ogrinfo' }, async () => {
    const { stdout, stderr } = await run(ogrinfo!, ['-ro', `OAPIF:${base}`, 'projects', '-where', "quality = 'indicative'", '-spat', '111.6', '40.8', '111.8', '40.9'], {
      encoding: 'utf8',
      env: { ...process.env, CPL_DEBUG: 'ON', GDAL_HTTP_TIMEOUT: '60' },
    });
    const fetches = (stdout + stderr).split('\n').filter((l) => /HTTP: Fetch\(.*\/collections\/projects\/items/.test(l));
    assert.ok(fetches.some((l) => /quality=indicative/.test(l) && /bbox=111\.(6|59)/.test(l)), `GDAL's requests: ${fetches.join('\n')}`);
    const count = Number(/Feature Count: (\d+)/.exec(stdout)?.[1]);
    const api = (await (await fetch(`${base}/collections/projects/items?limit=1&quality=indicative&bbox=111.6,40.8,111.8,40.9`)).json()).numberMatched;
    assert.equal(count, api);
  });

  test('OWSLib: landing, api(), conformance, collections, queryables, items with bbox and a CQL2 filter', { skip: owslib ? false : 'no python3-owslib' }, async () => {
    const script = `
import json, sys
from owslib.ogcapi.features import Features
w = Features(sys.argv[1] + '/')
out = {
  'conformance': len(w.conformance()['conformsTo']),
  'api': sorted(w.api().get('paths', {}).keys())[:1],
  'collections': [c['id'] for c in w.collections()['collections']],
  'queryables': sorted(w.collection_queryables('parks')['properties'].keys()),
  'bbox': w.collection_items('parks', bbox=[111.6, 40.8, 111.8, 40.9], limit=5)['numberMatched'],
  'cql2': w.collection_items('projects', filter="quality = 'indicative' AND S_INTERSECTS(geometry, BBOX(111.6,40.8,111.8,40.9))", limit=5)['numberMatched'],
}
print(json.dumps(out))`;
    const { stdout } = await run('/usr/bin/python3', ['-c', script, base], { encoding: 'utf8' });
    const r = JSON.parse(stdout);
    assert.ok(r.conformance > 5);
    assert.equal(r.api.length, 1, 'api() read the OpenAPI document');
    assert.deepEqual(r.collections.sort(), collections.map((c) => c.id).sort());
    assert.ok(r.queryables.includes('name_zh') && r.queryables.includes('geometry'));
    const get = async (q: string) => (await (await fetch(`${base}/collections/${q}`)).json()).numberMatched;
    assert.equal(r.bbox, await get('parks/items?limit=1&bbox=111.6,40.8,111.8,40.9'));
    assert.equal(r.cql2, await get(`projects/items?limit=1&quality=indicative&bbox=111.6,40.8,111.8,40.9`));
  });
});
