/**
 * CQL2 golden tests: cql2-text examples in the style of OGC 21-065r2 (Annex B) parse to their
 * CQL2-JSON form; the checker refuses what is malformed; the SQL translation binds every value.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkCql2, Cql2Error, parseCql2Json, parseCql2Text } from '../../api/cql2/cql2.ts';
import { cql2Sql } from '../../api/sql/cql2.ts';
import { collections } from '../../core/catalog.ts';
import { SERVED_CRS } from '../../api/routes/items-params.ts';

const p = (property: string) => ({ property });
const golden: [string, unknown][] = [
  ["city='Toronto'", { op: '=', args: [p('city'), 'Toronto'] }],
  ['avg_speed < 4', { op: '<', args: [p('avg_speed'), 4] }],
  ["balance-150.0 > 0 OR city <> 'x'", null],
  ['depth >= -1.5e2', { op: '>=', args: [p('depth'), -150] }],
  ["name LIKE 'Smith%'", { op: 'like', args: [p('name'), 'Smith%'] }],
  ["name NOT LIKE 'Sm_th'", { op: 'not', args: [{ op: 'like', args: [p('name'), 'Sm_th'] }] }],
  ['depth BETWEEN 100.0 and 150.0', { op: 'between', args: [p('depth'), 100, 150] }],
  ["city IN ('Toronto','Frankfurt','Tokyo','New York')", { op: 'in', args: [p('city'), ['Toronto', 'Frankfurt', 'Tokyo', 'New York']] }],
  ['category NOT IN (1,2,3)', { op: 'not', args: [{ op: 'in', args: [p('category'), [1, 2, 3]] }] }],
  ['geometry IS NULL', { op: 'isNull', args: [p('geometry')] }],
  ['value IS NOT NULL', { op: 'not', args: [{ op: 'isNull', args: [p('value')] }] }],
  ["updated = DATE('2017-06-10')", { op: '=', args: [p('updated'), { date: '2017-06-10' }] }],
  ["built > TIMESTAMP('2012-06-05T00:00:00Z')", { op: '>', args: [p('built'), { timestamp: '2012-06-05T00:00:00Z' }] }],
  ['S_INTERSECTS(geometry, POINT(36.31999 32.48163))', { op: 's_intersects', args: [p('geometry'), { type: 'Point', coordinates: [36.31999, 32.48163] }] }],
  ['S_WITHIN(geometry,POLYGON((-49.88 24.18, -49.88 26.03, -47.42 26.03, -49.88 24.18)))', { op: 's_within', args: [p('geometry'), { type: 'Polygon', coordinates: [[[-49.88, 24.18], [-49.88, 26.03], [-47.42, 26.03], [-49.88, 24.18]]] }] }],
  ['s_intersects(geometry, BBOX(-128.098, 50.219, -127.965, 50.281))', { op: 's_intersects', args: [p('geometry'), { bbox: [-128.098, 50.219, -127.965, 50.281] }] }],
  ['S_CROSSES(geometry, LINESTRING(43.72992 -79.2998, 43.73005 -79.2991))', { op: 's_crosses', args: [p('geometry'), { type: 'LineString', coordinates: [[43.72992, -79.2998], [43.73005, -79.2991]] }] }],
  ['S_INTERSECTS(geometry, MULTIPOINT((7 50), 10 51))', { op: 's_intersects', args: [p('geometry'), { type: 'MultiPoint', coordinates: [[7, 50], [10, 51]] }] }],
  [
    "(a = 1 OR b = 'x') AND NOT c = TRUE",
    { op: 'and', args: [{ op: 'or', args: [{ op: '=', args: [p('a'), 1] }, { op: '=', args: [p('b'), 'x'] }] }, { op: 'not', args: [{ op: '=', args: [p('c'), true] }] }] },
  ],
  ["a = 1 or b = 2 and c = 3", { op: 'or', args: [{ op: '=', args: [p('a'), 1] }, { op: 'and', args: [{ op: '=', args: [p('b'), 2] }, { op: '=', args: [p('c'), 3] }] }] }],
  ["\"名称 zh\" = 'it''s'", { op: '=', args: [p('名称 zh'), "it's"] }],
  ['名称 = 公园', { op: '=', args: [p('名称'), p('公园')] }],
];

test('cql2-text parses to its CQL2-JSON form', () => {
  for (const [text, want] of golden) {
    if (want === null) {
      assert.throws(() => parseCql2Text(text), Cql2Error, `${text} (arithmetic is not in Basic CQL2)`);
      continue;
    }
    assert.deepEqual(parseCql2Text(text), want, text);
  }
});

test('malformed text names the position', () => {
  const cases: [string, RegExp][] = [
    ["name = 'unterminated", /end of input found/],
    ['a == 1', /at character 4/],
    ['a = 1 AND', /end of input/],
    ['S_INTERSECTS(geometry, POINT(1))', /at character 31/],
  ];
  for (const [text, re] of cases) assert.throws(() => parseCql2Text(text), (e: Error) => e instanceof Cql2Error && re.test(e.message), text);
  assert.throws(() => parseCql2Text('('.repeat(500) + 'a = 1' + ')'.repeat(500)), /nests 500 levels/);
});

test('the checker takes properties from the queryables and well-formed geometries only', () => {
  const q = ['name_zh', 'quality', 'column'];
  assert.deepEqual(checkCql2(parseCql2Text("name_zh = 'x' and id = 'p-1'"), q), { op: 'and', args: [{ op: '=', args: [p('name_zh'), 'x'] }, { op: '=', args: [p('id'), 'p-1'] }] });
  assert.throws(() => checkCql2(parseCql2Text("secret = 'x'"), q), /"secret" is not a queryable.*name_zh, quality, column/);
  assert.throws(() => checkCql2(parseCql2Text('S_INTERSECTS(name_zh, POINT(1 2))'), q), /not a geometry/);
  assert.throws(() => checkCql2(parseCql2Text('S_INTERSECTS(geometry, POLYGON((0 0, 1 0, 1 1, 0 1)))'), q), /ring must end where it starts/);
  assert.throws(() => checkCql2(parseCql2Json('{"op":"drop table","args":[]}'), q), /Unknown operator/);
  assert.throws(() => checkCql2(parseCql2Json('{"op":"=","args":[{"property":"name_zh"}]}'), q), /takes 2 arguments/);
  assert.throws(() => parseCql2Json('{"op":'), /not valid JSON/);
  const json = checkCql2(parseCql2Json('{"op":"s_intersects","args":[{"property":"geometry"},{"bbox":[111,40,112,41]}]}'), q);
  assert.deepEqual(json, { op: 's_intersects', args: [p('geometry'), { type: 'Polygon', coordinates: [[[111, 40], [112, 40], [112, 41], [111, 41], [111, 40]]] }] });
});

test('the SQL binds every value, types numbers from the catalogue, and refuses mismatched types', () => {
  const def = collections.find((c) => c.id === 'projects')!;
  const wgs = SERVED_CRS[0];
  const values: unknown[] = [];
  const sql = cql2Sql(checkCql2(parseCql2Text("column >= 3 and name_zh like '%公园%''; drop table projects --' and status in ('a','b')"), ['column', 'name_zh', 'status']), { def, values, filterCrs: wgs });
  assert.equal(
    sql,
    "(((case when jsonb_typeof(properties->$1::text) = 'number' then (properties->>$1::text)::numeric end) >= $2::numeric) and ((properties->>$3::text) like $4::text) and ((properties->>$5::text) = any($6::text[])))",
  );
  assert.deepEqual(values, ['column', 3, 'name_zh', "%公园%'; drop table projects --", 'status', ['a', 'b']]);
  assert.throws(() => cql2Sql(checkCql2(parseCql2Text("column = 'three'"), ['column']), { def, values: [], filterCrs: wgs }), /compares property column \(number\) with "three" \(string\)/);
  const gk: unknown[] = [];
  const spatial = cql2Sql(checkCql2(parseCql2Text('S_INTERSECTS(geometry, POINT(4524000 559000))'), []), { def, values: gk, filterCrs: SERVED_CRS.find((c) => c.srid === 4546)! });
  assert.equal(spatial, '(ST_Intersects(geom, ST_MakeValid(ST_Transform(ST_SetSRID(ST_GeomFromGeoJSON($1::text), 4546), 4326))))');
  assert.deepEqual(JSON.parse(gk[0] as string), { type: 'Point', coordinates: [559000, 4524000] }, 'northing-first literal turned to x, y');
  assert.throws(() => cql2Sql(checkCql2(parseCql2Text('S_INTERSECTS(geometry, POINT(559000 4524000))'), []), { def, values: [], filterCrs: wgs }), /not a longitude and latitude; give filter-crs/);
  assert.throws(() => cql2Sql(checkCql2(parseCql2Text('S_INTERSECTS(geometry, POINT(4524000 1e300))'), []), { def, values: [], filterCrs: SERVED_CRS.find((c) => c.srid === 4546)! }), /outside what EPSG:4546 can describe/);
  assert.throws(() => cql2Sql(checkCql2(parseCql2Text("name_zh LIKE '%\\'"), ['name_zh']), { def, values: [], filterCrs: wgs }), /ends with the escape character/);
  assert.doesNotThrow(() => cql2Sql(checkCql2(parseCql2Text("name_zh LIKE '%\\\\'"), ['name_zh']), { def, values: [], filterCrs: wgs }), 'an escaped backslash is fine');
  assert.throws(() => cql2Sql(checkCql2(parseCql2Text('name_zh LIKE name_en'), ['name_zh', 'name_en']), { def, values: [], filterCrs: wgs }), /literal pattern/);
});
