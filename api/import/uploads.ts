/**
 * Uploaded files waiting to be committed: unpacked into a folder of their own (zip entries checked
 * for zip-slip and size), read with GDAL, and summarised per layer — count, geometry types, CRS and
 * encoding with how each was found, fields with samples, extent, problems. Nothing reaches the
 * database tables until the user commits; an upload is forgotten after a day.
 */
import { createHash, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, extname, join, relative, resolve, sep } from 'node:path';
import { unzipSync } from 'fflate';
import gcoord from 'gcoord';
import type { Db } from '../db/db.ts';
import { apiError } from '../errors.ts';
import { dbfTextBytes, guessCrs, guessEncoding, normaliseEncoding, IMPORT_CRS, type Extent, type ImportCrs, type ImportEncoding } from '../../core/import/detect.ts';
import { gdalInfo, GdalError, ogr2ogr } from './gdal.ts';
import { importProblemsQuery } from '../sql/imports.ts';
import { assembleVertexList, northingFirst } from '../../core/import/vertex-list.ts';

type Geometry = { type: string; coordinates?: unknown; geometries?: Geometry[] } | null;
interface Feature {
  type: 'Feature';
  id?: string | number;
  properties: Record<string, unknown> | null;
  geometry: Geometry;
}
interface FeatureCollection {
  type: 'FeatureCollection';
  features: Feature[];
  crs?: { properties?: { name?: string } };
}

/** One layer of an upload, as GDAL reads it. */
interface LayerSource {
  name: string;
  /** The dataset (file or .gdb folder) and the layer's name in it. */
  path: string;
  gdalLayer: string;
  driver: string;
  format: 'shapefile' | 'geopackage' | 'filegdb' | 'dxf' | 'kml' | 'geojson' | 'csv';
}

export interface Upload {
  id: string;
  fileName: string;
  sha256: string;
  bytes: number;
  owner: string;
  createdAt: number;
  dir: string;
  layers: LayerSource[];
  /** The last reading (a layer with its overrides): the commit after a preview does not read the file again. */
  lastRead?: { key: string; result: LayerReading };
}

type LayerReading = { summary: LayerSummary; features: Feature[] };

export interface LayerSummary {
  name: string;
  format: LayerSource['format'];
  featureCount: number;
  geometryTypes: string[];
  crs: { detected: ImportCrs | string | null; how: '.prj' | 'crs member' | 'file' | 'format' | 'coordinate range' | 'user' | 'none' };
  encoding: { detected: ImportEncoding; how: '.cpg' | 'valid UTF-8' | 'GBK fallback' | 'format' | 'user' };
  fields: { name: string; type: 'string' | 'integer' | 'number' | 'boolean' | 'null'; samples: unknown[] }[];
  /** [west, south, east, north] in EPSG:4326, null when nothing could be placed. */
  extent: Extent | null;
  problems: { code: string; en: string; zh: string; features?: (string | number)[] }[];
  /** A CSV that was rewritten on reading: a 界址点 list assembled into parcels, and/or X/Y read as northing, easting. */
  csv?: { vertexList: { parcelField: string; vertexField: string | null; vertices: number; parcels: number } | null; northingFirst: boolean };
}

export interface ImportLimits {
  maxBytes: number;
  maxFeatures: number;
}

const uploads = new Map<string, Upload>();
const DAY_MS = 24 * 3600 * 1000;
const root = () => join(tmpdir(), `xincheng-imports-${process.pid}`);
// Uploads live as long as the process: its folder goes with it.
process.once('exit', () => rmSync(root(), { recursive: true, force: true }));

/** The upload `id` of `owner` (admins see all), or 404. */
export function findUpload(id: string, owner: { username: string; role: string }): Upload {
  const u = uploads.get(id);
  if (!u || (u.owner !== owner.username && owner.role !== 'admin')) apiError(404, 'NotFound', `No upload ${id} (uploads are kept for a day, and only for the user who made them).`);
  return u!;
}

export function forgetUpload(id: string) {
  const u = uploads.get(id);
  uploads.delete(id);
  if (!u) return;
  rmSync(u.dir, { recursive: true, force: true });
  for (const k of csvReadings.keys()) if (k.startsWith(u.dir + sep)) csvReadings.delete(k);
}

function sweep() {
  for (const [id, u] of uploads) if (Date.now() - u.createdAt > DAY_MS) forgetUpload(id);
}

const bad = (en: string): never => apiError(400, 'InvalidRequestBody', en);

const FORMATS: Record<string, LayerSource['format']> = {
  '.shp': 'shapefile',
  '.gpkg': 'geopackage',
  '.gdb': 'filegdb',
  '.dxf': 'dxf',
  '.kml': 'kml',
  '.geojson': 'geojson',
  '.json': 'geojson',
  '.csv': 'csv',
};

/** Writes the zip's entries under `dir`, refusing entries that leave it and totals over the limit. */
function unzipInto(bytes: Uint8Array, dir: string, what: string, limits: ImportLimits) {
  let total = 0;
  let entries: Record<string, Uint8Array>;
  try {
    entries = unzipSync(bytes, {
      filter: (f) => {
        const target = resolve(dir, f.name);
        if (f.name.includes('\0') || (target !== dir && !target.startsWith(dir + sep))) {
          bad(`${what} has an entry "${f.name}" whose path leaves the archive's folder (zip-slip); nothing was unpacked. Re-create the zip from the files themselves.`);
        }
        total += f.originalSize;
        if (total > limits.maxBytes) {
          apiError(413, 'PayloadTooLarge', `${what} unpacks to more than ${(limits.maxBytes / 1024 / 1024).toFixed(0)} MB (IMPORT_MAX_BYTES); split it, or ask an admin to raise the limit.`);
        }
        return !f.name.endsWith('/') && !/(^|\/)(__MACOSX|\.DS_Store)/.test(f.name);
      },
    });
  } catch (err) {
    if ((err as { status?: number }).status) throw err;
    bad(`${what} is not a readable zip archive (${(err as Error).message}). Check that the upload finished, or zip the files again.`);
  }
  let actual = 0;
  for (const [name, data] of Object.entries(entries!)) {
    actual += data.length;
    if (actual > limits.maxBytes) apiError(413, 'PayloadTooLarge', `${what} unpacks to more than ${(limits.maxBytes / 1024 / 1024).toFixed(0)} MB (IMPORT_MAX_BYTES).`);
    const target = resolve(dir, name);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, data);
  }
}

/** The datasets in `dir` (recursively; a .gdb folder is one dataset). */
function findDatasets(dir: string): { path: string; format: LayerSource['format'] }[] {
  const out: { path: string; format: LayerSource['format'] }[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    const ext = extname(name).toLowerCase();
    if (statSync(p).isDirectory()) {
      if (ext === '.gdb') out.push({ path: p, format: 'filegdb' });
      else out.push(...findDatasets(p));
    } else if (FORMATS[ext] && ext !== '.gdb') {
      out.push({ path: p, format: FORMATS[ext] });
    }
  }
  return out;
}

/** Checks the parts of each Shapefile: .shx and .dbf must be there. */
function checkShapefile(path: string, what: string) {
  const stem = path.slice(0, -4);
  const has = (ext: string) => [ext, ext.toUpperCase()].some((e) => existsSync(stem + e));
  const missing = ['.shx', '.dbf'].filter((e) => !has(e));
  if (missing.length) {
    bad(`The Shapefile ${basename(path)} in ${what} has no ${missing.join(' and no ')} file: a Shapefile needs .shp, .shx and .dbf (and .prj for its coordinate system). Add them to the zip.`);
  }
}

/** Receives an upload: unpacks it, finds its layers and summarises each. */
export async function receiveUpload(db: Db, file: { name: string; bytes: Uint8Array }, owner: string, limits: ImportLimits): Promise<{ upload: Upload; layers: LayerSummary[] }> {
  sweep();
  if (file.bytes.length > limits.maxBytes) apiError(413, 'PayloadTooLarge', `The file is larger than ${(limits.maxBytes / 1024 / 1024).toFixed(0)} MB (IMPORT_MAX_BYTES).`);
  if (file.bytes.length === 0) bad('The file is empty (0 bytes).');
  const id = randomUUID();
  const dir = join(root(), id);
  mkdirSync(dir, { recursive: true });
  const upload: Upload = {
    id,
    fileName: file.name,
    sha256: createHash('sha256').update(file.bytes).digest('hex'),
    bytes: file.bytes.length,
    owner,
    createdAt: Date.now(),
    dir,
    layers: [],
  };
  try {
    const ext = extname(file.name).toLowerCase();
    const what = `The file "${file.name}"`;
    if (ext === '.zip' || ext === '.kmz') {
      unzipInto(file.bytes, dir, what, limits);
    } else if (FORMATS[ext]) {
      writeFileSync(join(dir, `upload${ext}`), file.bytes);
    } else {
      bad(`${what} is not a format the import reads. Upload a Shapefile (.zip with .shp, .shx, .dbf, .prj), GeoPackage (.gpkg), FileGDB (a zipped .gdb folder), DXF, KML/KMZ, GeoJSON or CSV.`);
    }
    const datasets = findDatasets(dir);
    if (!datasets.length) bad(`${what} holds no dataset the import reads (.shp, .gpkg, .gdb, .dxf, .kml, .geojson, .csv).`);
    for (const ds of datasets) {
      if (ds.format === 'shapefile') checkShapefile(ds.path, what);
      let info;
      try {
        const readable = ds.format === 'csv' ? (await prepareCsv(ds.path, guessEncoding(readFileSync(ds.path)).detected)).path : ds.path;
        info = await gdalInfo(readable, openOptions(ds.format, null));
      } catch (err) {
        if (err instanceof GdalError) bad(`${what}: ${relative(dir, ds.path) || basename(ds.path)} could not be read (${err.message}). Is it complete and in the format its name says?`);
        throw err;
      }
      for (const l of info.layers) {
        let name = ds.format === 'geojson' || ds.format === 'csv' || ds.format === 'dxf' ? basename(file.name, extname(file.name)) : l.name;
        if (datasets.length > 1 && ds.format !== 'geopackage' && ds.format !== 'filegdb') name = basename(ds.path, extname(ds.path));
        while (upload.layers.some((x) => x.name === name)) name = `${name}_2`;
        upload.layers.push({ name, path: ds.path, gdalLayer: l.name, driver: info.driverName, format: ds.format });
      }
    }
    const layers: LayerSummary[] = [];
    for (const l of upload.layers) layers.push((await readLayer(db, upload, l, {}, limits)).summary);
    if (layers.every((l) => l.featureCount === 0)) bad(`${what} holds no features (0 in ${layers.length} layer${layers.length === 1 ? '' : 's'}): nothing to import.`);
    uploads.set(id, upload);
    return { upload, layers };
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}

type CsvReading = { path: string; info: NonNullable<LayerSummary['csv']> };
const csvReadings = new Map<string, CsvReading>();

/**
 * The CSV as GDAL should read it, in a folder of its own per encoding (the layer keeps its name):
 * decoded from `encoding` to UTF-8 (GDAL reads CSV as UTF-8), a 界址点 list (one row per vertex
 * with a parcel id) assembled into one polygon per parcel, and X/Y written northing first (the
 * surveyors' order) turned to east, north. Other CSVs are only re-encoded.
 */
async function prepareCsv(path: string, encoding: ImportEncoding): Promise<CsvReading> {
  const dir = join(dirname(path), `.csv-${encoding}`);
  const out = join(dir, basename(path));
  const key = out;
  const known = csvReadings.get(key);
  if (known && existsSync(out)) return known;
  mkdirSync(dir, { recursive: true });
  writeFileSync(out, new TextDecoder(encoding === 'GBK' ? 'gbk' : encoding.toLowerCase()).decode(readFileSync(path)));
  const reading: CsvReading = { path: out, info: { vertexList: null, northingFirst: false } };
  let points: Feature[] = [];
  try {
    const files = await ogr2ogr(out, ['-f', 'GeoJSON', '-lco', 'RFC7946=NO'], openOptions('csv', null));
    points = (JSON.parse(new TextDecoder().decode(Object.values(files)[0])) as FeatureCollection).features;
  } catch (err) {
    if (!(err instanceof GdalError)) throw err;
  }
  if (points.length && points.every((f) => f.geometry?.type === 'Point')) {
    const xy = points.map((f) => f.geometry!.coordinates as number[]);
    const swap = northingFirst(sourceExtent(points)!);
    const list = assembleVertexList(points.map((f, i) => ({ properties: f.properties ?? {}, x: xy[i][0], y: xy[i][1] })), swap);
    if (list || swap) {
      const rows = list
        ? list.parcels.map((p) => ({ properties: p.properties, wkt: p.ring ? `POLYGON((${p.ring.map((c) => c.join(' ')).join(',')}))` : '' }))
        : points.map((f, i) => ({ properties: f.properties ?? {}, wkt: `POINT(${xy[i][1]} ${xy[i][0]})` }));
      const keys = [...new Set(rows.flatMap((r) => Object.keys(r.properties)))];
      const cell = (v: unknown) => (v === null || v === undefined ? '' : `"${String(v).replace(/"/g, '""')}"`);
      writeFileSync(out, [['WKT', ...keys].map(cell).join(','), ...rows.map((r) => [r.wkt, ...keys.map((k) => r.properties[k])].map(cell).join(','))].join('\n') + '\n');
      reading.info = {
        vertexList: list && { parcelField: list.parcelField, vertexField: list.vertexField, vertices: list.vertices, parcels: list.parcels.length },
        northingFirst: swap,
      };
    }
  }
  csvReadings.set(key, reading);
  return reading;
}

/** GDAL open options: the attribute encoding of a Shapefile; the geometry columns of a CSV. */
function openOptions(format: LayerSource['format'], encoding: ImportEncoding | null): string[] {
  if (format === 'shapefile' && encoding) return [`ENCODING=${encoding === 'GBK' ? 'CP936' : encoding}`];
  if (format === 'csv') {
    return [
      'GEOM_POSSIBLE_NAMES=WKT,wkt,geometry,geom,the_geom',
      'X_POSSIBLE_NAMES=lon,lng,longitude,x,X,经度,东坐标,X坐标',
      'Y_POSSIBLE_NAMES=lat,latitude,y,Y,纬度,北坐标,Y坐标',
      'KEEP_GEOM_COLUMNS=NO',
      'AUTODETECT_TYPE=YES',
    ];
  }
  return [];
}

/** The encoding of a layer's attributes and how it was found. */
function layerEncoding(l: LayerSource): LayerSummary['encoding'] {
  if (l.format === 'csv') return guessEncoding(readFileSync(l.path));
  if (l.format !== 'shapefile') return { detected: 'UTF-8', how: 'format' };
  const stem = l.path.slice(0, -4);
  const cpg = ['.cpg', '.CPG'].map((e) => stem + e).find(existsSync);
  if (cpg) {
    const n = normaliseEncoding(readFileSync(cpg, 'utf8'));
    if (n) return { detected: n, how: '.cpg' };
  }
  const dbf = ['.dbf', '.DBF'].map((e) => stem + e).find(existsSync)!;
  return guessEncoding(dbfTextBytes(readFileSync(dbf)));
}

const EPSG_URN = /EPSG::?(\d+)$/;

/** Reads a layer with the user's overrides: its summary, and its features in EPSG:4326. */
export async function readLayer(
  db: Db,
  upload: Upload,
  l: LayerSource,
  over: { crs?: string; encoding?: string },
  limits: ImportLimits,
): Promise<LayerReading> {
  const key = JSON.stringify([l.name, over.crs ?? '', over.encoding ?? '']);
  if (upload.lastRead?.key === key) return upload.lastRead.result;
  const result = await readLayerFresh(db, l, over, limits);
  upload.lastRead = { key, result };
  return result;
}

async function readLayerFresh(db: Db, l: LayerSource, over: { crs?: string; encoding?: string }, limits: ImportLimits): Promise<LayerReading> {
  let encoding = layerEncoding(l);
  if (over.encoding) {
    const n = normaliseEncoding(over.encoding);
    if (!n) bad(`encoding must be one of UTF-8, GBK, GB18030, BIG5 (got "${over.encoding}").`);
    encoding = { detected: n!, how: 'user' };
  }
  let overCrs: ImportCrs | null = null;
  if (over.crs) {
    overCrs = (IMPORT_CRS as readonly string[]).includes(over.crs.toUpperCase()) ? (over.crs.toUpperCase() as ImportCrs) : null;
    if (!overCrs) bad(`crs must be one of ${IMPORT_CRS.join(', ')} (got "${over.crs}").`);
  }
  const oo = openOptions(l.format, l.format === 'shapefile' ? encoding.detected : null);
  const csv = l.format === 'csv' ? await prepareCsv(l.path, encoding.detected) : null;
  const read = async (args: string[]) => {
    const files = await ogr2ogr(csv?.path ?? l.path, ['-f', 'GeoJSON', '-lco', 'RFC7946=NO', ...args, l.gdalLayer], oo);
    const text = new TextDecoder().decode(Object.values(files)[0]);
    return JSON.parse(text) as FeatureCollection;
  };
  const source = await read([]);
  const features = source.features;
  if (features.length > limits.maxFeatures) apiError(413, 'PayloadTooLarge', `Layer ${l.name} has ${features.length} features, more than ${limits.maxFeatures} (IMPORT_MAX_FEATURES); split it.`);
  // What the file says of its coordinate system.
  const urn = source.crs?.properties?.name ?? '';
  const own = EPSG_URN.exec(urn)?.[1];
  let crs: LayerSummary['crs'];
  const fileHow: LayerSummary['crs']['how'] = l.format === 'shapefile' ? '.prj' : l.format === 'geojson' ? 'crs member' : l.format === 'kml' ? 'format' : 'file';
  if (overCrs) crs = { detected: overCrs, how: 'user' };
  else if (own) crs = { detected: own === '4326' || urn.includes('CRS84') ? 'EPSG:4326' : `EPSG:${own}`, how: fileHow };
  // GeoJSON without a crs member is RFC 7946, lon/lat by definition (GDAL reports it as CRS84), as is KML.
  else if (urn.includes('CRS84') || l.format === 'kml') crs = { detected: 'EPSG:4326', how: l.format === 'geojson' || l.format === 'kml' ? 'format' : fileHow };
  else {
    const e = sourceExtent(features);
    const guess = e ? guessCrs(e) : null;
    crs = guess ? { detected: guess, how: 'coordinate range' } : { detected: null, how: 'none' };
  }
  // The same features in EPSG:4326.
  let wgs84: Feature[] = [];
  let unplaceable: string | null = null;
  if (crs.detected) try {
    if (crs.detected === 'GCJ02') {
      wgs84 = features.map((f) => ({ ...f, geometry: mapCoords(f.geometry, (p) => gcoord.transform([p[0], p[1]], gcoord.GCJ02, gcoord.WGS84) as number[]) }));
    } else if (crs.how === 'user' || crs.how === 'coordinate range') {
      wgs84 = (await read(['-s_srs', crs.detected, '-t_srs', 'EPSG:4326'])).features;
    } else {
      wgs84 = (await read(['-t_srs', 'EPSG:4326'])).features;
    }
  } catch (err) {
    if (!(err instanceof GdalError)) throw err;
    unplaceable = err.message;
  }
  // A DXF's closed polylines are parcels: polygons.
  if (l.format === 'dxf') wgs84 = wgs84.map(closedLineToPolygon);
  const summary: LayerSummary = {
    name: l.name,
    format: l.format,
    featureCount: features.length,
    geometryTypes: [...new Set(wgs84.length ? wgs84.map((f) => f.geometry?.type ?? 'null') : features.map((f) => f.geometry?.type ?? 'null'))].sort(),
    crs,
    encoding,
    fields: fieldsOf(features),
    extent: sourceExtent(wgs84),
    problems: [],
    ...(csv && { csv: csv.info }),
  };
  summary.problems = unplaceable
    ? [
        {
          code: 'wrong_crs',
          en: `The coordinates cannot be converted from ${crs.detected} (${unplaceable.split(';')[0]}): the coordinate system is wrong — choose another.`,
          zh: `坐标无法从 ${crs.detected} 转换：坐标系有误，请另选。`,
        },
      ]
    : await problemsOf(db, wgs84, crs, summary);
  return { summary, features: wgs84 };
}

function mapCoords(g: Geometry, fn: (p: number[]) => number[]): Geometry {
  if (!g) return g;
  if (g.geometries) return { ...g, geometries: g.geometries.map((x) => mapCoords(x, fn)!) };
  const walk = (c: unknown): unknown => (Array.isArray(c) && typeof c[0] === 'number' ? fn(c as number[]) : (c as unknown[]).map(walk));
  return { ...g, coordinates: walk(g.coordinates) };
}

function closedLineToPolygon(f: Feature): Feature {
  const g = f.geometry;
  if (g?.type !== 'LineString') return f;
  const c = g.coordinates as number[][];
  const closed = c.length >= 4 && c[0][0] === c[c.length - 1][0] && c[0][1] === c[c.length - 1][1];
  return closed ? { ...f, geometry: { type: 'Polygon', coordinates: [c] } } : f;
}

function sourceExtent(features: Feature[]): Extent | null {
  const e: Extent = [Infinity, Infinity, -Infinity, -Infinity];
  for (const f of features) {
    mapCoords(f.geometry, (p) => {
      if (Number.isFinite(p[0]) && Number.isFinite(p[1])) {
        e[0] = Math.min(e[0], p[0]);
        e[1] = Math.min(e[1], p[1]);
        e[2] = Math.max(e[2], p[0]);
        e[3] = Math.max(e[3], p[1]);
      }
      return p;
    });
  }
  return Number.isFinite(e[0]) ? e : null;
}

function fieldsOf(features: Feature[]): LayerSummary['fields'] {
  const fields = new Map<string, { types: Set<string>; samples: unknown[] }>();
  for (const f of features) {
    for (const [k, v] of Object.entries(f.properties ?? {})) {
      const x = fields.get(k) ?? { types: new Set(), samples: [] };
      fields.set(k, x);
      if (v === null || v === undefined || v === '') continue;
      x.types.add(typeof v === 'number' ? (Number.isInteger(v) ? 'integer' : 'number') : typeof v === 'boolean' ? 'boolean' : 'string');
      if (x.samples.length < 3 && !x.samples.includes(v)) x.samples.push(v);
    }
  }
  return [...fields].map(([name, x]) => ({
    name,
    type: (x.types.size === 0 ? 'null' : x.types.size === 1 ? [...x.types][0] : x.types.has('string') ? 'string' : 'number') as LayerSummary['fields'][number]['type'],
    samples: x.samples,
  }));
}

const fid = (f: Feature, i: number) => f.id ?? i + 1;

/** Empty, invalid, duplicate and misplaced features; the coordinate system when none is known. */
async function problemsOf(db: Db, features: Feature[], crs: LayerSummary['crs'], s: LayerSummary): Promise<LayerSummary['problems']> {
  const out: LayerSummary['problems'] = [];
  if (!crs.detected) {
    out.push({
      code: 'unknown_crs',
      en: 'The coordinate system is unknown (no .prj or crs, and the coordinates fit none of the usual Chinese systems): choose it, or the layer cannot be placed.',
      zh: '无法识别坐标系（没有 .prj 或 crs，坐标范围也不符合常用的中国坐标系）：请选择坐标系，否则图层无法定位。',
    });
    return out;
  }
  if (s.featureCount === 0) out.push({ code: 'empty_layer', en: 'The layer has no features.', zh: '该图层没有要素。' });
  const empty = features.flatMap((f, i) => (!f.geometry || JSON.stringify(f.geometry.coordinates ?? f.geometry.geometries ?? []) === '[]' ? [fid(f, i)] : []));
  if (empty.length) out.push({ code: 'empty_geometry', en: `${empty.length} feature(s) have no geometry; they are imported without a location.`, zh: `${empty.length} 个要素没有几何图形，将作为无位置要素导入。`, features: empty.slice(0, 20) });
  if (s.geometryTypes.filter((t) => t !== 'null').map((t) => t.replace('Multi', '')).filter((t, i, a) => a.indexOf(t) === i).length > 1) {
    out.push({ code: 'mixed_geometry', en: `The layer mixes geometry types (${s.geometryTypes.join(', ')}).`, zh: `图层混合了多种几何类型（${s.geometryTypes.join('、')}）。` });
  }
  const seen = new Map<string, string | number>();
  const dups: (string | number)[] = [];
  features.forEach((f, i) => {
    if (!f.geometry) return;
    const k = JSON.stringify(f.geometry);
    if (seen.has(k)) dups.push(fid(f, i));
    else seen.set(k, fid(f, i));
  });
  if (dups.length) out.push({ code: 'duplicate_geometry', en: `${dups.length} feature(s) repeat an earlier feature's geometry exactly.`, zh: `${dups.length} 个要素与之前的要素几何完全相同。`, features: dups.slice(0, 20) });
  const placed = features.filter((f) => f.geometry && f.geometry.type !== 'GeometryCollection');
  if (!placed.length) return out;
  const q = importProblemsQuery(JSON.stringify(placed.map((f) => f.geometry)));
  const r = (await db.query<{ invalid: { i: number; reason: string }[] | null; outside_china: number[] | null; outside_district: number[] | null }>(q.text, q.values)).rows[0];
  const ids = (list: number[] | null) => (list ?? []).map((i) => fid(placed[i - 1], features.indexOf(placed[i - 1])));
  if (r.invalid?.length) {
    out.push({
      code: 'invalid_geometry',
      en: `${r.invalid.length} feature(s) have invalid geometry (first: ${r.invalid[0].reason}); choose to repair them with ST_MakeValid or to leave them out.`,
      zh: `${r.invalid.length} 个要素几何无效（第一个：${r.invalid[0].reason}）；可选择用 ST_MakeValid 修复或不导入。`,
      features: r.invalid.slice(0, 20).map((x) => fid(placed[x.i - 1], features.indexOf(placed[x.i - 1]))),
    });
  }
  if (r.outside_china?.length) {
    out.push({
      code: 'outside_china',
      en: `${r.outside_china.length} feature(s) lie outside China in ${crs.detected}: the coordinate system is probably wrong — choose another.`,
      zh: `按 ${crs.detected} 解读，${r.outside_china.length} 个要素位于中国境外：坐标系可能有误，请另选。`,
      features: ids(r.outside_china).slice(0, 20),
    });
  } else if (r.outside_district?.length) {
    out.push({
      code: 'outside_district',
      en: `${r.outside_district.length} feature(s) lie outside Xincheng District.`,
      zh: `${r.outside_district.length} 个要素位于新城区以外。`,
      features: ids(r.outside_district).slice(0, 20),
    });
  }
  return out;
}
