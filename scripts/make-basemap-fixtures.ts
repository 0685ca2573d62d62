/**
 * Makes the basemap-package fixtures in tests/fixtures/basemap/ (issue 12, the office's basemap), with
 * Debian's gdal-bin and sql.js; run it again to remake them (`npx tsx scripts/make-basemap-fixtures.ts`).
 *
 * - xincheng-raster.mbtiles: a small "imagery" package over Xincheng District — a GeoTIFF made by
 *   gdal_create/gdal_rasterize (tan ground, a blue river, green parks, grey roads) → gdal_translate
 *   -of MBTILES (PNG tiles, zoom 11) → gdaladdo (zooms 8–10); name and attribution set in `metadata`.
 * - xincheng-raster.pmtiles: the same tiles as a PMTiles v3 archive. GDAL 3.6 cannot write PMTiles and
 *   the `pmtiles` npm package only reads, so `writePmtiles` below writes the format from its spec
 *   (header, one root directory, JSON metadata, tile data); the tests read it back with `pmtiles`.
 * - xincheng-vector.mbtiles: a vector basemap (MVT) from a few GeoJSON roads (with names), buildings
 *   and a river over the district's centre, by ogr2ogr -f MBTILES (zooms 10–13).
 * - not-a-package.mbtiles: a text file with the extension, for the refusal test.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, mkdirSync, writeFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import initSqlJs from 'sql.js';
import { zxyToTileId } from 'pmtiles';

const OUT = 'tests/fixtures/basemap';
const ATTRIBUTION = '测试影像 © 新城区自然资源局 (fixture)';
const tmp = mkdtempSync(join(tmpdir(), 'basemap-fixtures-'));
const run = (cmd: string, args: string[]) => execFileSync(cmd, args, { stdio: ['ignore', 'ignore', 'inherit'] });

/** A GeoJSON FeatureCollection file in EPSG:4326. */
function geojson(name: string, features: { props: Record<string, unknown>; geometry: GeoJSON.Geometry }[]): string {
  const path = join(tmp, `${name}.geojson`);
  writeFileSync(path, JSON.stringify({ type: 'FeatureCollection', name, features: features.map((f) => ({ type: 'Feature', properties: f.props, geometry: f.geometry })) }));
  return path;
}
const box = (w: number, s: number, e: number, n: number): GeoJSON.Polygon => ({ type: 'Polygon', coordinates: [[[w, s], [e, s], [e, n], [w, n], [w, s]]] });
const line = (...coords: [number, number][]): GeoJSON.LineString => ({ type: 'LineString', coordinates: coords });

// Xincheng District's extent (geodata/district) is 111.59–112.04 E, 40.81–41.13 N.
const roads = [
  { props: { name: '新华东街', class: 'primary' }, geometry: line([111.60, 40.835], [112.03, 40.835]) },
  { props: { name: '成吉思汗大街', class: 'primary' }, geometry: line([111.60, 40.875], [112.03, 40.875]) },
  { props: { name: '兴安北路', class: 'primary' }, geometry: line([111.70, 40.815], [111.70, 41.12]) },
  { props: { name: '东二环', class: 'secondary' }, geometry: line([111.78, 40.815], [111.78, 41.12]) },
  { props: { name: '北二环快速路', class: 'secondary' }, geometry: line([111.62, 40.90], [111.78, 40.90], [111.95, 40.97]) },
];
const water = [{ props: { name: '大黑河' }, geometry: box(111.60, 40.855, 112.03, 40.862) }];
const parks = [
  { props: { name: '满都海公园' }, geometry: box(111.665, 40.842, 111.69, 40.868) },
  { props: { name: '东河公园' }, geometry: box(111.80, 40.88, 111.86, 40.93) },
];
const buildings = [
  [111.705, 40.838], [111.715, 40.838], [111.725, 40.84], [111.705, 40.845], [111.716, 40.846], [111.735, 40.878], [111.745, 40.879],
].map(([x, y], i) => ({ props: { height: 12 + 6 * i }, geometry: box(x, y, x + 0.004, y + 0.003) }));

/** The raster package: a 3857 GeoTIFF at ~76 m a pixel (zoom 11) with the features burnt in. */
function makeRaster() {
  const tif = join(tmp, 'imagery.tif');
  // 111.59–112.04 E, 40.81–41.13 N in Web Mercator metres.
  const [minx, miny, maxx, maxy] = [12422000, 4985000, 12472000, 5032000];
  run('gdal_create', ['-of', 'GTiff', '-outsize', '656', '616', '-bands', '3', '-ot', 'Byte', '-a_srs', 'EPSG:3857', '-a_ullr', `${minx}`, `${maxy}`, `${maxx}`, `${miny}`, '-burn', '226', '-burn', '214', '-burn', '178', tif]);
  const burn = (path: string, rgb: [number, number, number], extra: string[] = []) =>
    run('gdal_rasterize', ['-q', ...extra, '-b', '1', '-b', '2', '-b', '3', '-burn', `${rgb[0]}`, '-burn', `${rgb[1]}`, '-burn', `${rgb[2]}`, ...projected(path), tif]);
  /** gdal_rasterize wants the vectors in the raster's CRS. */
  const projected = (path: string) => {
    const out = path.replace('.geojson', '-3857.geojson');
    run('ogr2ogr', ['-f', 'GeoJSON', '-t_srs', 'EPSG:3857', out, path]);
    return [out];
  };
  burn(geojson('parks', parks), [96, 168, 72]);
  burn(geojson('water', water), [52, 110, 196]);
  burn(geojson('roads', roads), [250, 250, 250], ['-at']);
  const mbtiles = join(tmp, 'raster.mbtiles');
  run('gdal_translate', ['-q', '-of', 'MBTILES', '-co', 'TILE_FORMAT=PNG8', '-co', 'NAME=新城区测试影像', '-co', 'DESCRIPTION=Fixture imagery over Xincheng District', '-co', 'RESAMPLING=NEAREST', tif, mbtiles]);
  run('gdaladdo', ['-q', '-r', 'nearest', mbtiles, '2', '4', '8']);
  return mbtiles;
}

/** The vector package: roads (named), buildings, water and parks as MVT layers. */
function makeVector() {
  const gpkg = join(tmp, 'vector.gpkg');
  const layers: [string, string][] = [
    ['roads', geojson('v-roads', roads)],
    ['buildings', geojson('v-buildings', buildings)],
    ['water', geojson('v-water', water)],
    ['park', geojson('v-parks', parks)],
  ];
  for (const [name, path] of layers) run('ogr2ogr', ['-f', 'GPKG', '-append', '-nln', name, gpkg, path]);
  const mbtiles = join(tmp, 'vector.mbtiles');
  run('ogr2ogr', ['-f', 'MBTILES', mbtiles, gpkg, '-dsco', 'MINZOOM=10', '-dsco', 'MAXZOOM=13', '-dsco', 'NAME=新城区测试矢量底图', '-dsco', 'DESCRIPTION=Fixture vector basemap over Xincheng District']);
  return mbtiles;
}

/** Sets metadata rows of an MBTiles file (sql.js: read, change, write back). */
async function setMetadata(path: string, values: Record<string, string>) {
  const SQL = await initSqlJs();
  const db = new SQL.Database(readFileSync(path));
  for (const [k, v] of Object.entries(values)) {
    db.run('DELETE FROM metadata WHERE name = ?', [k]);
    db.run('INSERT INTO metadata (name, value) VALUES (?, ?)', [k, v]);
  }
  // VACUUM: the copy carries no free pages (a smaller fixture).
  db.run('VACUUM');
  writeFileSync(path, db.export());
  db.close();
}

/** Every tile of an MBTiles file, in XYZ (its rows are TMS: y counted from the south). */
async function readTiles(path: string) {
  const SQL = await initSqlJs();
  const db = new SQL.Database(readFileSync(path));
  const rows = db.exec('SELECT zoom_level, tile_column, tile_row, tile_data FROM tiles')[0].values;
  const meta = Object.fromEntries(db.exec('SELECT name, value FROM metadata')[0].values.map(([k, v]) => [k as string, v as string]));
  db.close();
  const tiles = rows.map(([z, x, row, data]) => ({ z: z as number, x: x as number, y: 2 ** (z as number) - 1 - (row as number), data: data as Uint8Array }));
  return { tiles, meta };
}

/** A little-endian unsigned varint, as the PMTiles directories use. */
function varint(n: number, out: number[]) {
  while (n >= 0x80) {
    out.push((n % 0x80) | 0x80);
    n = Math.floor(n / 0x80);
  }
  out.push(n);
}

/**
 * Writes a PMTiles v3 archive (https://github.com/protomaps/PMTiles/blob/main/spec/v3/spec.md): the
 * 127-byte header, the root directory (gzip), the JSON metadata (gzip), then the tile data in tile-id
 * order (clustered). One root directory is enough for a few thousand tiles; no leaf directories.
 */
export function writePmtiles(
  tiles: { z: number; x: number; y: number; data: Uint8Array }[],
  opts: { tileType: number; metadata: Record<string, unknown>; bounds: [number, number, number, number]; center: [number, number, number] },
): Buffer {
  const sorted = tiles.map((t) => ({ ...t, id: zxyToTileId(t.z, t.x, t.y) })).sort((a, b) => a.id - b.id);
  const entries: { tileId: number; offset: number; length: number; runLength: number }[] = [];
  let offset = 0;
  for (const t of sorted) {
    entries.push({ tileId: t.id, offset, length: t.data.length, runLength: 1 });
    offset += t.data.length;
  }
  const dir: number[] = [];
  varint(entries.length, dir);
  let last = 0;
  for (const e of entries) {
    varint(e.tileId - last, dir);
    last = e.tileId;
  }
  for (const e of entries) varint(e.runLength, dir);
  for (const e of entries) varint(e.length, dir);
  entries.forEach((e, i) => varint(i > 0 && e.offset === entries[i - 1].offset + entries[i - 1].length ? 0 : e.offset + 1, dir));
  const root = gzipSync(Buffer.from(dir));
  const metadata = gzipSync(Buffer.from(JSON.stringify(opts.metadata)));
  const data = Buffer.concat(sorted.map((t) => Buffer.from(t.data)));
  const header = Buffer.alloc(127);
  header.write('PMTiles', 0, 'ascii');
  header.writeUInt8(3, 7);
  const u64 = (pos: number, v: number) => header.writeBigUInt64LE(BigInt(v), pos);
  u64(8, 127); // root directory offset
  u64(16, root.length);
  u64(24, 127 + root.length); // metadata offset
  u64(32, metadata.length);
  u64(40, 127 + root.length + metadata.length); // leaf directories (none)
  u64(48, 0);
  u64(56, 127 + root.length + metadata.length); // tile data
  u64(64, data.length);
  u64(72, entries.length); // addressed tiles
  u64(80, entries.length); // tile entries
  u64(88, entries.length); // tile contents
  header.writeUInt8(1, 96); // clustered
  header.writeUInt8(2, 97); // internal compression: gzip
  header.writeUInt8(1, 98); // tile compression: none (PNG)
  header.writeUInt8(opts.tileType, 99);
  header.writeUInt8(Math.min(...tiles.map((t) => t.z)), 100);
  header.writeUInt8(Math.max(...tiles.map((t) => t.z)), 101);
  const e7 = (pos: number, v: number) => header.writeInt32LE(Math.round(v * 1e7), pos);
  e7(102, opts.bounds[0]);
  e7(106, opts.bounds[1]);
  e7(110, opts.bounds[2]);
  e7(114, opts.bounds[3]);
  header.writeUInt8(opts.center[2], 118);
  e7(119, opts.center[0]);
  e7(123, opts.center[1]);
  return Buffer.concat([header, root, metadata, data]);
}

async function main() {
  rmSync(OUT, { recursive: true, force: true });
  mkdirSync(OUT, { recursive: true });

  const raster = makeRaster();
  await setMetadata(raster, { attribution: ATTRIBUTION });
  writeFileSync(join(OUT, 'xincheng-raster.mbtiles'), readFileSync(raster));

  const { tiles, meta } = await readTiles(raster);
  const bounds = meta.bounds.split(',').map(Number) as [number, number, number, number];
  const pmtiles = writePmtiles(tiles, {
    tileType: 2, // PNG
    bounds,
    center: [(bounds[0] + bounds[2]) / 2, (bounds[1] + bounds[3]) / 2, 10],
    metadata: { name: '新城区测试影像 (PMTiles)', description: meta.description, attribution: ATTRIBUTION, format: 'png' },
  });
  writeFileSync(join(OUT, 'xincheng-raster.pmtiles'), pmtiles);

  const vector = makeVector();
  await setMetadata(vector, { attribution: '测试矢量底图 © 新城区自然资源局 (fixture)' });
  writeFileSync(join(OUT, 'xincheng-vector.mbtiles'), readFileSync(vector));

  writeFileSync(join(OUT, 'not-a-package.mbtiles'), 'This is not an SQLite database.\n');
  for (const f of ['xincheng-raster.mbtiles', 'xincheng-raster.pmtiles', 'xincheng-vector.mbtiles']) {
    console.log(`${OUT}/${f}: ${(statSync(join(OUT, f)).size / 1024).toFixed(1)} KB`);
  }
  rmSync(tmp, { recursive: true, force: true });
}

await main();
