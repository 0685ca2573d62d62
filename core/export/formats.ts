/**
 * What the exports offer (api/export/export.ts writes them; the map's export pickers list them):
 * the formats planners use, the coordinate systems of the office, and the Shapefile encodings.
 */
export const EXPORT_FORMATS = ['shp', 'gpkg', 'geojson', 'kml', 'dxf', 'csv'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];
export const EXPORT_CRS = ['EPSG:4326', 'EPSG:4490', 'EPSG:4546'] as const;
export type ExportCrs = (typeof EXPORT_CRS)[number];
/** Shapefile attribute encodings: UTF-8 (with a .cpg), or GBK for older desktop software. */
export const EXPORT_ENCODINGS = ['UTF-8', 'GBK'] as const;
export type ExportEncoding = (typeof EXPORT_ENCODINGS)[number];

export interface ExportChoice {
  format: ExportFormat;
  crs: ExportCrs;
  encoding: ExportEncoding;
}

export const EXPORT_FORMAT_TITLES: Record<ExportFormat, { zh: string; en: string }> = {
  shp: { zh: 'Shapefile（.zip）', en: 'Shapefile (.zip)' },
  gpkg: { zh: 'GeoPackage', en: 'GeoPackage' },
  geojson: { zh: 'GeoJSON', en: 'GeoJSON' },
  kml: { zh: 'KML（Google 地球）', en: 'KML (Google Earth)' },
  dxf: { zh: 'DXF（CAD，仅图形）', en: 'DXF (CAD, shapes only)' },
  csv: { zh: 'CSV（表格）', en: 'CSV (spreadsheet)' },
};

/** The query string of an export (GET /api/collections/{id}/export, POST /api/analysis/export). */
export function exportQuery(c: ExportChoice): string {
  const q = new URLSearchParams({ format: c.format, crs: c.format === 'kml' ? 'EPSG:4326' : c.crs });
  if (c.format === 'shp' && c.encoding !== 'UTF-8') q.set('encoding', c.encoding);
  return q.toString();
}
