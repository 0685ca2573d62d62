import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assembleVertexList, northingFirst } from '../../core/import/vertex-list.ts';

test('northing-first X/Y is told from east-north by the coordinate ranges alone', () => {
  assert.equal(northingFirst([4_524_000, 559_000, 4_525_100, 560_700]), true);
  assert.equal(northingFirst([4_524_000, 37_559_000, 4_525_100, 37_560_700]), true, 'with the zone-37 prefix');
  assert.equal(northingFirst([559_000, 4_524_000, 560_700, 4_525_100]), false);
  assert.equal(northingFirst([111.7, 40.8, 111.8, 40.9]), false, 'degrees');
});

test('vertex rows become one closed ring per parcel, ordered by 点号; too few vertices leave no ring', () => {
  const row = (id: string, no: string, x: number, y: number, name = '地块') => ({ properties: { 宗地号: id, 名称: name, 点号: no }, x, y });
  const list = assembleVertexList(
    [row('A', 'J2', 0, 10), row('A', 'J1', 0, 0), row('A', 'J10', 10, 0), row('A', 'J3', 10, 10), row('B', '1', 5, 5, '乙'), row('B', '2', 6, 6, '乙')],
    true,
  );
  assert.ok(list);
  assert.equal(list.parcelField, '宗地号');
  assert.equal(list.vertexField, '点号');
  assert.equal(list.vertices, 6);
  assert.deepEqual(list.parcels[0], { properties: { 宗地号: 'A', 名称: '地块' }, ring: [[0, 0], [10, 0], [10, 10], [0, 10], [0, 0]] });
  assert.deepEqual(list.parcels[1], { properties: { 宗地号: 'B', 名称: '乙' }, ring: null });
});

test('rows without a parcel id column, or with no parcel of three vertices, are not a vertex list', () => {
  assert.equal(assembleVertexList([{ properties: { 名称: 'x' }, x: 1, y: 2 }], false), null);
  assert.equal(assembleVertexList([{ properties: { parcel_id: 1 }, x: 1, y: 2 }, { properties: { parcel_id: 2 }, x: 1, y: 3 }], false), null);
});
