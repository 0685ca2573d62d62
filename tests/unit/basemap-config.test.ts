/**
 * Issue 12, the office's basemap: BASEMAP_FILE and BASEMAP_URLS as the configuration reads them (clear
 * errors naming the variable, the entry and the problem; Web Mercator only), and the default style a
 * vector package gets from its vector_layers.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadConfig } from '../../api/config.ts';
import { crsProblem, parseBasemapUrls } from '../../api/basemap-urls.ts';
import { basemaps } from '../../api/routes/meta.ts';
import { layerKind, nameField, vectorBasemapLayers, type VectorLayerInfo } from '../../core/basemap-style.ts';

const PROVINCE = '省平台影像|https://gis.nmg.example.cn/img/{z}/{x}/{y}.png|© 内蒙古自治区自然资源厅|EPSG:3857';

test('BASEMAP_FILE: a comma list of .pmtiles/.mbtiles paths; another extension is refused naming the variable', () => {
  assert.deepEqual(loadConfig({}).BASEMAP_FILE, []);
  assert.deepEqual(loadConfig({ BASEMAP_FILE: ' data/a.mbtiles , data/影像.PMTiles ' }).BASEMAP_FILE, ['data/a.mbtiles', 'data/影像.PMTiles']);
  assert.throws(() => loadConfig({ BASEMAP_FILE: 'data/a.tif' }), /BASEMAP_FILE\.0: must name \.pmtiles or \.mbtiles files/);
});

test('BASEMAP_URLS: title|template|attribution|tile matrix set[|max zoom], entries by ; or new line', () => {
  const c = loadConfig({ BASEMAP_URLS: `${PROVINCE}|17;\n 区测绘院|https://t.example.cn/wmts?layer=img&TileMatrix={TileMatrix}&TileRow={TileRow}&TileCol={TileCol}|© 测绘院|GoogleMapsCompatible` });
  assert.equal(c.BASEMAP_URLS.length, 2);
  assert.deepEqual(c.BASEMAP_URLS[0], {
    title: '省平台影像',
    url: 'https://gis.nmg.example.cn/img/{z}/{x}/{y}.png',
    scheme: 'xyz',
    attribution: '© 内蒙古自治区自然资源厅',
    crs: 'EPSG:3857',
    maxzoom: 17,
  });
  // WMTS's KVP placeholders become MapLibre's.
  assert.equal(c.BASEMAP_URLS[1].url, 'https://t.example.cn/wmts?layer=img&TileMatrix={z}&TileRow={y}&TileCol={x}');
  assert.equal(c.BASEMAP_URLS[1].maxzoom, 18);
  // {-y}: TMS rows.
  const tms = parseBasemapUrls('TMS|https://h.example.cn/{z}/{x}/{-y}.jpg|© h|EPSG:900913');
  assert.deepEqual(tms.errors, []);
  assert.equal(tms.basemaps[0].scheme, 'tms');
  assert.equal(tms.basemaps[0].url, 'https://h.example.cn/{z}/{x}/{y}.jpg');
});

test('BASEMAP_URLS: custom entries are offered after the online ones, their hosts go into the CSP list', () => {
  const list = basemaps(loadConfig({ BASEMAPS: 'osm', BASEMAP_URLS: PROVINCE }));
  assert.deepEqual(list.map((b) => [b.id, b.kind]), [['osm', 'online'], ['custom-1', 'custom']]);
  assert.equal(list[1].attribution, '© 内蒙古自治区自然资源厅');
  assert.deepEqual(list[1].title, { zh: '省平台影像', en: '省平台影像' });
});

test('BASEMAP_URLS: only Web Mercator tile matrix sets; another is refused naming the CRS', () => {
  for (const ok of ['EPSG:3857', 'epsg:900913', 'WebMercatorQuad', 'GoogleMapsCompatible', 'urn:ogc:def:crs:EPSG::3857', 'http://www.opengis.net/def/crs/EPSG/0/3857']) {
    assert.equal(crsProblem(ok), null, ok);
  }
  assert.throws(
    () => loadConfig({ BASEMAP_URLS: PROVINCE.replace('EPSG:3857', 'EPSG:4490') }),
    /BASEMAP_URLS: entry 1 \("省平台影像"\): EPSG:4490 \(CGCS2000 geographic.*\) tiles cannot be shown: the map draws only Web Mercator tiles/,
  );
  assert.match(crsProblem('EPSG:4326')!, /^EPSG:4326 \(WGS84 geographic\)/);
  assert.match(crsProblem('EPSG:4546')!, /^EPSG:4546 \(CGCS2000 Gauss-Krüger\)/);
  assert.match(crsProblem('LocalGrid')!, /^LocalGrid tiles cannot be shown/);
});

test('BASEMAP_URLS: each mistake is named with its entry', () => {
  const bad = (text: string) => parseBasemapUrls(text).errors.join('\n');
  assert.match(bad('影像|https://h.example.cn/{z}/{x}/{y}.png'), /entry 1 \("影像"\): has 2 fields; write title\|URL template\|attribution\|tile matrix set/);
  assert.match(bad('影像|https://h.example.cn/{z}/{x}/{y}.png||EPSG:3857'), /has no attribution/);
  assert.match(bad('影像|ftp://h.example.cn/{z}/{x}/{y}.png|© h|EPSG:3857'), /must start with https:\/\/ or http:\/\//);
  assert.match(bad('影像|https://h.example.cn/tile.png|© h|EPSG:3857'), /needs \{z\}, \{x\} and \{y\}/);
  assert.match(bad('影像|https://{s}.h.example.cn/{z}/{x}/{y}.png|© h|EPSG:3857'), /\{s\} \(sub-domains\)/);
  assert.match(bad('影像|https://h.example.cn/{z}/{x}/{y}.png?k={key}|© h|EPSG:3857'), /placeholders the map does not fill: \{key\}/);
  assert.match(bad('影像|https://h.example.cn/{z}/{x}/{y}.png|© h|EPSG:3857|30'), /max zoom "30" must be a whole number from 0 to 24/);
  assert.match(bad(`${PROVINCE};二|https://h.example.cn/{z}/{x}/{y}.png|© h|EPSG:4326`), /^entry 2 \("二"\): EPSG:4326/);
  // Every problem of a wrong value at once, each on its line under the variable.
  assert.throws(() => loadConfig({ BASEMAP_URLS: 'a|b;c' }), (err: Error) => err.message.split('\n').filter((l) => l.startsWith('  BASEMAP_URLS: entry')).length === 2);
});

test('vector packages: a default style from vector_layers (roads as lines, buildings and water as fills, labels from a name field)', () => {
  const vl: VectorLayerInfo[] = [
    { id: 'roads', fields: { name: 'String', class: 'String' }, geometry: 'LineString' },
    { id: 'buildings', fields: { height: 'Number' }, geometry: 'Polygon' },
    { id: 'water', fields: { name: 'String' } },
    { id: 'park', fields: { 名称: 'String' }, geometry: 'Polygon' },
    { id: 'pois', fields: { NAME: 'String' }, geometry: 'Point' },
  ];
  assert.deepEqual(vl.map((l) => layerKind(l.id)), ['road', 'building', 'water', 'green', 'label']);
  assert.deepEqual(vl.map((l) => nameField(l) ?? null), ['name', null, 'name', '名称', 'NAME']);
  const layers = vectorBasemapLayers(vl, { source: 'pkg', prefix: 'basemap-pkg', visibility: 'none' });
  const ids = layers.map((l) => l.id);
  assert.equal(new Set(ids).size, ids.length, 'unique ids');
  const byId = Object.fromEntries(layers.map((l) => [l.id, l]));
  assert.equal(byId['basemap-pkg-roads-line'].type, 'line');
  assert.equal(byId['basemap-pkg-roads-line-label'].type, 'symbol');
  assert.equal((byId['basemap-pkg-roads-line-label'].layout as Record<string, unknown>)['symbol-placement'], 'line');
  assert.equal(byId['basemap-pkg-buildings-fill'].type, 'fill');
  assert.ok(!ids.some((id) => id.startsWith('basemap-pkg-buildings-') && id.endsWith('label')), 'buildings have no name field: no label');
  assert.equal(byId['basemap-pkg-water-fill'].type, 'fill');
  assert.equal(byId['basemap-pkg-park-fill'].type, 'fill');
  assert.deepEqual((byId['basemap-pkg-park-label'].layout as Record<string, unknown>)['text-field'], ['coalesce', ['get', '名称'], '']);
  assert.equal(byId['basemap-pkg-pois-label'].type, 'symbol');
  // Fills under lines under labels; every layer hidden until chosen, on the package's source.
  assert.ok(ids.indexOf('basemap-pkg-park-fill') < ids.indexOf('basemap-pkg-buildings-fill'));
  assert.ok(ids.indexOf('basemap-pkg-buildings-fill') < ids.indexOf('basemap-pkg-roads-line'));
  assert.ok(ids.indexOf('basemap-pkg-roads-line') < ids.indexOf('basemap-pkg-roads-line-label'));
  assert.ok(layers.every((l) => l.source === 'pkg' && (l.layout as { visibility: string }).visibility === 'none'));
});
