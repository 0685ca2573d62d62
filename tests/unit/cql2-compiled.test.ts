/**
 * A filter is parsed, checked and translated once per collection, reader and filter-crs, then taken
 * from memory (api/routes/items-params.ts): what it was translated for is part of what it is kept under.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CollectionDef } from '../../core/catalog.ts';
import { findCollection } from '../../core/catalog.ts';
import { COMPILED_FILTERS_MAX, parseItemsParams } from '../../api/routes/items-params.ts';
import { itemsQuery } from '../../api/sql/collections.ts';

const projects = findCollection('projects')!;
const all = Object.keys(projects.properties);
const parse = (def: CollectionDef, query: Record<string, string>, visible = Object.keys(def.properties)) => parseItemsParams(def, query, visible);
/** 200, or the status and description of the error response a route would answer. */
async function answer(fn: () => unknown): Promise<{ status: number; description?: string }> {
  try {
    fn();
    return { status: 200 };
  } catch (err) {
    const res = (err as { getResponse: () => Response }).getResponse();
    return { status: res.status, description: ((await res.json()) as { description: string }).description };
  }
}

test('the same filter for the same collection and reader is translated once', () => {
  const filter = "quality = 'indicative' AND column > 2 AND S_INTERSECTS(geometry, BBOX(111.5, 40.7, 112, 41.1))";
  const first = parse(projects, { filter, limit: '10' }).cql!;
  const again = parse(projects, { filter, limit: '20', offset: '10' }).cql!;
  assert.equal(again, first, 'another page of the same filter takes the translation from memory');
  assert.deepEqual(first.values, ['quality', 'indicative', 'column', 2, JSON.stringify({ type: 'Polygon', coordinates: [[[111.5, 40.7], [112, 40.7], [112, 41.1], [111.5, 41.1], [111.5, 40.7]]] })]);
  // Statements built from it number the filter's values first and leave the kept ones as they were.
  const q = itemsQuery(projects, parse(projects, { filter, bbox: '111,40,112,41', quality: 'indicative' }), null, ['projects']);
  assert.deepEqual(q.values.slice(0, 5), first.values);
  assert.deepEqual(q.values.slice(5, 9), [111, 40, 112, 41], 'the bbox follows the filter');
  assert.match(q.text, /ST_MakeEnvelope\(\$6, \$7, \$8, \$9, 4326\)/);
  assert.match(q.text, /properties->>\$10 = \$11/);
  assert.equal(first.values.length, 5, 'building a statement does not grow the kept values');
});

test('a filter kept for one collection, reader or filter-crs is not used for another', async () => {
  // The same text on a collection where `column` is a string: a type error there, still fine on projects.
  const other: CollectionDef = { ...projects, id: 'projects_copy', properties: { ...projects.properties, column: { ...projects.properties.column, type: 'string' } } };
  assert.equal((await answer(() => parse(projects, { filter: 'column > 2' }))).status, 200);
  assert.match((await answer(() => parse(other, { filter: 'column > 2' }))).description ?? '', /compares property column \(string\) with 2 \(number\)/);
  assert.equal((await answer(() => parse(projects, { filter: 'column > 2' }))).status, 200);
  // A reader who may not see `quality` cannot filter on it, though another reader's translation is kept.
  assert.equal((await answer(() => parse(projects, { filter: "quality = 'x'" }, all))).status, 200);
  assert.match((await answer(() => parse(projects, { filter: "quality = 'x'" }, all.filter((k) => k !== 'quality')))).description ?? '', /"quality" is not a queryable/);
  // Lat/lon (EPSG:4326) and lon/lat (CRS84) read the same numbers the other way round.
  const point = 'S_INTERSECTS(geometry, POINT(40.8 111.7))';
  const latLon = parse(projects, { filter: point, 'filter-crs': 'http://www.opengis.net/def/crs/EPSG/0/4326' }).cql!;
  assert.deepEqual(JSON.parse(latLon.values[0] as string).coordinates, [111.7, 40.8]);
  assert.match((await answer(() => parse(projects, { filter: point }))).description ?? '', /not a longitude and latitude/, 'CRS84: 111.7 is no latitude');
  // The language is part of it too: the same text is no CQL2-JSON.
  assert.match((await answer(() => parse(projects, { filter: "quality = 'x'", 'filter-lang': 'cql2-json' }))).description ?? '', /not valid JSON/);
});

test('memory for filters is bounded: the least recently used go first', () => {
  const def: CollectionDef = { ...projects, id: 'projects_bounded' };
  const first = parse(def, { filter: 'column = 0' }).cql!;
  const kept = parse(def, { filter: 'column = 1' }).cql!;
  for (let i = 2; i <= COMPILED_FILTERS_MAX; i++) {
    parse(def, { filter: `column = ${i}` });
    if (i === COMPILED_FILTERS_MAX / 2) assert.equal(parse(def, { filter: 'column = 1' }).cql, kept, 'used again: now the most recent');
  }
  assert.notEqual(parse(def, { filter: 'column = 0' }).cql, first, 'the oldest was let go and is translated anew');
  assert.equal(parse(def, { filter: 'column = 1' }).cql, kept);
});
