/**
 * Reads a site from an uploaded file: GeoJSON (a geometry, a Feature or a FeatureCollection) or
 * KML (via @tmcw/togeojson). Returns the polygon/point geometries found, or the reason there are none.
 */
import { kml } from '@tmcw/togeojson';
import { crsMemberName, siteCrsFromGeoJson, type SiteCrs } from '../crs.ts';

/** Why a file gave no site, for the map to word in its language (`reason` is the English text). */
export type SiteFileProblem = 'too_large' | 'bad_xml' | 'bad_json' | 'not_geojson' | 'unsupported_type' | 'no_geometry' | 'unsupported_crs';

export type SiteFile =
  /** `crs`: the CRS the file declares (a GeoJSON `crs` member; KML is lon/lat), else null (the user chooses). */
  | { valid: true; geometries: unknown[]; names: (string | null)[]; crs: SiteCrs | null }
  | { valid: false; reason: string; code: SiteFileProblem; crsName?: string };

/** Largest file accepted (bytes of text); the API's own limit is 8 MiB. */
export const MAX_SITE_FILE_CHARS = 8 * 1024 * 1024;

/**
 * Parses `text` by the file name's ending (.geojson/.json or .kml). `parseXml` turns KML text into a
 * DOM Document (the browser's DOMParser, or @xmldom/xmldom in Node).
 */
export function readSiteFile(fileName: string, text: string, parseXml: (xml: string) => Document): SiteFile {
  if (text.length > MAX_SITE_FILE_CHARS) return { valid: false, code: 'too_large', reason: `The file is larger than ${MAX_SITE_FILE_CHARS / 1024 / 1024} MiB.` };
  const lower = fileName.toLowerCase();
  let features: { geometry: unknown; properties?: Record<string, unknown> | null }[];
  let crs: SiteCrs | null = null;
  if (lower.endsWith('.kml')) {
    let doc: Document;
    try {
      doc = parseXml(text);
    } catch (err) {
      return { valid: false, code: 'bad_xml', reason: `The KML file is not valid XML: ${(err as Error).message.slice(0, 120)}` };
    }
    if (!doc?.documentElement || doc.getElementsByTagName('parsererror').length) return { valid: false, code: 'bad_xml', reason: 'The KML file is not valid XML.' };
    features = kml(doc).features as typeof features;
    crs = 'EPSG:4326';
  } else if (lower.endsWith('.geojson') || lower.endsWith('.json')) {
    let json: { type?: string; features?: unknown[]; geometry?: unknown; crs?: unknown };
    try {
      json = JSON.parse(text);
    } catch (err) {
      return { valid: false, code: 'bad_json', reason: `The GeoJSON file is not valid JSON: ${(err as Error).message.slice(0, 120)}` };
    }
    // The legacy crs member (GDAL and QGIS write it for projected data): read it, or say which it is.
    const declared = siteCrsFromGeoJson(json?.crs);
    if (declared === undefined) {
      const crsName = crsMemberName(json.crs) ?? JSON.stringify(json.crs).slice(0, 80);
      return { valid: false, code: 'unsupported_crs', crsName, reason: `The file declares the coordinate system ${crsName}; the review takes EPSG:4326 (CRS84), EPSG:4490, EPSG:4546 and EPSG:4525: reproject the file or choose the system.` };
    }
    crs = declared;
    if (json?.type === 'FeatureCollection' && Array.isArray(json.features)) features = json.features as typeof features;
    else if (json?.type === 'Feature') features = [json as (typeof features)[number]];
    else if (typeof json?.type === 'string') features = [{ geometry: json }];
    else return { valid: false, code: 'not_geojson', reason: 'The file is not GeoJSON (no "type" member).' };
  } else {
    return { valid: false, code: 'unsupported_type', reason: `Unsupported file type "${fileName}": use .geojson, .json or .kml.` };
  }
  const kept = features.filter((f) => {
    const t = (f?.geometry as { type?: string } | null)?.type;
    return t === 'Polygon' || t === 'MultiPolygon' || t === 'Point';
  });
  if (kept.length === 0) return { valid: false, code: 'no_geometry', reason: 'The file holds no Polygon, MultiPolygon or Point.' };
  return {
    valid: true,
    crs,
    geometries: kept.map((f) => f.geometry),
    names: kept.map((f) => (typeof f.properties?.name === 'string' ? f.properties.name : null)),
  };
}
