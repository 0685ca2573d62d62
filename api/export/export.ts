/**
 * Exports: a GeoJSON FeatureCollection (a collection's features, or an analysis result) written
 * by the same GDAL engine as the imports into the formats planners use — Shapefile (zip with .prj
 * and .cpg, UTF-8 or GBK), GeoPackage, GeoJSON, KML, DXF, CSV — in EPSG:4326, EPSG:4490 or
 * EPSG:4546. What is written reads back into QGIS/GDAL with the same counts, attributes and
 * coordinates (tests/api/export.test.ts reads every format back).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { strToU8, zipSync } from 'fflate';
import { apiError } from '../errors.ts';
import { EXPORT_CRS, EXPORT_ENCODINGS, EXPORT_FORMATS, type ExportChoice, type ExportCrs, type ExportFormat } from '../../core/export/formats.ts';
import { GdalError, ogr2ogr } from '../import/gdal.ts';

const FORMAT: Record<ExportFormat, { driver: string; ext: string; type: string }> = {
  shp: { driver: 'ESRI Shapefile', ext: 'zip', type: 'application/zip' },
  gpkg: { driver: 'GPKG', ext: 'gpkg', type: 'application/geopackage+sqlite3' },
  geojson: { driver: 'GeoJSON', ext: 'geojson', type: 'application/geo+json' },
  kml: { driver: 'KML', ext: 'kml', type: 'application/vnd.google-earth.kml+xml' },
  dxf: { driver: 'DXF', ext: 'dxf', type: 'image/vnd.dxf' },
  csv: { driver: 'CSV', ext: 'csv', type: 'text/csv; charset=utf-8' },
};

export type ExportRequest = ExportChoice;

/** The query parameters of an export, checked: `format` (required), `crs` and `encoding` (Shapefile only). */
export function parseExportParams(q: Record<string, string | undefined>): ExportRequest {
  const format = q.format as ExportFormat | undefined;
  if (!format || !EXPORT_FORMATS.includes(format)) apiError(400, 'InvalidParameterValue', `format must be one of ${EXPORT_FORMATS.join(', ')}${format ? `, not "${format.slice(0, 20)}"` : ''}.`);
  const crs = (q.crs ?? 'EPSG:4326').toUpperCase() as ExportCrs;
  if (!EXPORT_CRS.includes(crs)) apiError(400, 'InvalidParameterValue', `crs must be one of ${EXPORT_CRS.join(', ')}, not "${(q.crs ?? '').slice(0, 30)}".`);
  if (format === 'kml' && crs !== 'EPSG:4326') apiError(400, 'InvalidParameterValue', 'KML is always in WGS 84 longitude/latitude (EPSG:4326, by its specification); choose crs=EPSG:4326 or another format.');
  const encoding = (q.encoding ?? 'UTF-8').toUpperCase() as ExportRequest['encoding'];
  if (!EXPORT_ENCODINGS.includes(encoding)) apiError(400, 'InvalidParameterValue', `encoding must be UTF-8 or GBK, not "${(q.encoding ?? '').slice(0, 20)}".`);
  if (encoding === 'GBK' && format !== 'shp') apiError(400, 'InvalidParameterValue', 'encoding=GBK applies to Shapefiles only (format=shp); the other formats are UTF-8.');
  return { format, crs, encoding };
}

interface Feature {
  type: 'Feature';
  id?: string | number;
  properties: Record<string, unknown> | null;
  geometry: { type: string; coordinates?: unknown; geometries?: unknown } | null;
}

const FAMILY: Record<string, string> = { Point: 'point', MultiPoint: 'point', LineString: 'line', MultiLineString: 'line', Polygon: 'polygon', MultiPolygon: 'polygon' };

/**
 * Values every format can hold: lists joined with "、", objects as JSON text; the feature's id
 * kept as `id` (so it survives formats without feature ids).
 */
function flatten(f: Feature, keepLists: boolean): Feature {
  const properties: Record<string, unknown> = {};
  if (f.id !== undefined && !(f.properties && 'id' in f.properties)) properties.id = String(f.id);
  for (const [k, v] of Object.entries(f.properties ?? {})) {
    if (Array.isArray(v)) properties[k] = keepLists ? v : v.map((x) => (typeof x === 'object' ? JSON.stringify(x) : String(x))).join('、');
    else if (v !== null && typeof v === 'object') properties[k] = JSON.stringify(v);
    else properties[k] = v;
  }
  return { type: 'Feature', properties, geometry: f.geometry };
}

export interface ExportFile {
  body: Uint8Array;
  type: string;
  fileName: string;
}

/**
 * Writes `features` as `req` says. `name` names the layer and the file (a collection id or an
 * analysis name: ASCII letters, digits, "_" and "-"); `about` goes into the zip as a text file.
 */
export async function exportFeatures(features: Feature[], name: string, req: ExportRequest, about?: string): Promise<ExportFile> {
  const f = FORMAT[req.format];
  const crsTag = req.crs.replace(':', '');
  const dir = await mkdtemp(join(tmpdir(), 'xc-export-'));
  try {
    // A DXF has no attribute table: each entity is on the CAD layer named after the export.
    const rows = features
      .map((x) => flatten(x, req.format === 'geojson' || req.format === 'gpkg'))
      .filter((x) => req.format !== 'dxf' || x.geometry)
      .map((x) => (req.format === 'dxf' ? { ...x, properties: { Layer: name } } : x));
    // A Shapefile holds one geometry type: a mixed layer becomes one file per type, in one zip.
    const groups = new Map<string, Feature[]>();
    if (req.format === 'shp') {
      const unplaced: Feature[] = [];
      for (const r of rows) {
        if (!r.geometry) {
          unplaced.push(r);
          continue;
        }
        const fam = FAMILY[r.geometry.type];
        if (!fam) apiError(400, 'InvalidRequestBody', `A ${r.geometry.type} cannot be written to a Shapefile; export as GeoPackage or GeoJSON.`);
        groups.set(fam, [...(groups.get(fam) ?? []), r]);
      }
      // Features without a place are null shapes: in the layer's one file, or a file of their own beside several.
      if (unplaced.length) {
        if (groups.size === 1) groups.values().next().value!.push(...unplaced);
        else groups.set('none', unplaced);
      }
    } else groups.set('all', rows);
    if (groups.size === 0) groups.set('all', []);
    const files: Record<string, Uint8Array> = {};
    for (const [fam, list] of groups) {
      const layer = groups.size > 1 && fam !== 'all' ? `${name}_${fam}` : name;
      const src = join(dir, `${layer}.geojson`);
      await writeFile(src, JSON.stringify({ type: 'FeatureCollection', features: list }));
      const args = ['-f', f.driver, '-s_srs', 'EPSG:4326', '-t_srs', req.crs, '-nln', layer];
      if (req.format === 'shp') args.push('-lco', `ENCODING=${req.encoding === 'GBK' ? 'CP936' : 'UTF-8'}`, ...(fam === 'polygon' || fam === 'line' ? ['-nlt', 'PROMOTE_TO_MULTI'] : []));
      if (req.format === 'csv') args.push('-lco', list.some((r) => r.geometry) && list.every((r) => !r.geometry || r.geometry.type === 'Point') ? 'GEOMETRY=AS_XY' : 'GEOMETRY=AS_WKT');
      if (req.format === 'geojson' && req.crs === 'EPSG:4326') args.push('-lco', 'RFC7946=YES');
      if (req.format === 'geojson') args.push('-lco', 'COORDINATE_PRECISION=' + (req.crs === 'EPSG:4546' ? '3' : '8'));
      let out: Record<string, Uint8Array>;
      try {
        out = await ogr2ogr(src, args);
      } catch (err) {
        if (err instanceof GdalError) apiError(400, 'InvalidRequestBody', `These features cannot be written as ${req.format} (GDAL: ${err.message}).`);
        throw err;
      }
      Object.assign(files, out);
    }
    if (req.format === 'shp') {
      if (about) files[`${name}.txt`] = strToU8(about);
      return { body: zipSync(files, { level: 6 }), type: f.type, fileName: `${name}-${crsTag}${req.encoding === 'GBK' ? '-GBK' : ''}.zip` };
    }
    const main = Object.entries(files).find(([n]) => n.toLowerCase().endsWith(`.${f.ext}`));
    if (!main) throw new Error(`GDAL wrote no .${f.ext} file (${Object.keys(files).join(', ')})`);
    return { body: main[1], type: f.type, fileName: `${name}-${crsTag}.${f.ext}` };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** `attachment` with the file name, ASCII and UTF-8 (RFC 6266). */
export function contentDisposition(fileName: string): string {
  const ascii = fileName.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(fileName)}`;
}
