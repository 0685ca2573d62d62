import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadConfig } from '../../api/config.ts';
import { basemaps } from '../../api/routes/meta.ts';

test('defaults: embedded database, port 8080, no online basemap', () => {
  const c = loadConfig({});
  assert.equal(c.PORT, 8080);
  assert.equal(c.DATABASE_URL, undefined);
  assert.equal(c.DATA_DIR, 'data/pglite');
  assert.deepEqual(basemaps(c), [], 'nothing leaves localhost unless configured');
});

test('an empty DATABASE_URL means the embedded database', () => {
  assert.equal(loadConfig({ DATABASE_URL: '' }).DATABASE_URL, undefined);
});

test('wrong values are refused with the variable named', () => {
  assert.throws(() => loadConfig({ PORT: '99999' }), /PORT/);
  assert.throws(() => loadConfig({ DATABASE_URL: 'mysql://x' }), /DATABASE_URL: must start with postgres/);
  assert.throws(() => loadConfig({ BASEMAPS: 'osm,amap' }), /BASEMAPS/);
  assert.throws(() => loadConfig({ BASEMAPS: 'tianditu' }), /TIANDITU_TOKEN/);
});

test('online basemaps only when configured: OSM and Tianditu with the token', () => {
  const list = basemaps(loadConfig({ BASEMAPS: 'osm,tianditu', TIANDITU_TOKEN: 'abc' }));
  assert.deepEqual(list.map((b) => b.id), ['osm', 'tianditu']);
  assert.match(list[0].attribution, /OpenStreetMap/);
  assert.ok(list[1].tiles.every((t) => t.includes('tk=abc') && t.includes('TILEMATRIXSET=w')));
  assert.ok(list[1].labelTiles?.length);
});
