/**
 * Reads a site from an uploaded file: GeoJSON (a geometry, a Feature or a FeatureCollection) or
 * KML (via @tmcw/togeojson). Returns the polygon/point geometries found, or the reason there are none.
 */
import { kml } from '@tmcw/togeojson';

export type SiteFile =
  | { valid: true; geometries: unknown[]; names: (string | null)[] }
  | { valid: false; reason: string };

/** Largest file accepted (bytes of text); the API's own limit is 8 MiB. */
export const MAX_SITE_FILE_CHARS = 8 * 1024 * 1024;

/**
 * Parses `text` by the file name's ending (.geojson/.json or .kml). `parseXml` turns KML text into a
 * DOM Document (the browser's DOMParser, or @xmldom/xmldom in Node).
 */
export function readSiteFile(fileName: string, text: string, parseXml: (xml: string) => Document): SiteFile {
  if (text.length > MAX_SITE_FILE_CHARS) return { valid: false, reason: `The file is larger than ${MAX_SITE_FILE_CHARS / 1024 / 1024} MiB.` };
  const lower = fileName.toLowerCase();
  let features: { geometry: unknown; properties?: Record<string, unknown> | null }[];
  if (lower.endsWith('.kml')) {
    let doc: Document;
    try {
      doc = parseXml(text);
    } catch (err) {
      return { valid: false, reason: `The KML file is not valid XML: ${(err as Error).message.slice(0, 120)}` };
    }
    if (!doc?.documentElement || doc.getElementsByTagName('parsererror').length) return { valid: false, reason: 'The KML file is not valid XML.' };
    features = kml(doc).features as typeof features;
  } else if (lower.endsWith('.geojson') || lower.endsWith('.json')) {
    let json: { type?: string; features?: unknown[]; geometry?: unknown };
    try {
      json = JSON.parse(text);
    } catch (err) {
      return { valid: false, reason: `The GeoJSON file is not valid JSON: ${(err as Error).message.slice(0, 120)}` };
    }
    if (json?.type === 'FeatureCollection' && Array.isArray(json.features)) features = json.features as typeof features;
    else if (json?.type === 'Feature') features = [json as (typeof features)[number]];
    else if (typeof json?.type === 'string') features = [{ geometry: json }];
    else return { valid: false, reason: 'The file is not GeoJSON (no "type" member).' };
  } else {
    return { valid: false, reason: `Unsupported file type "${fileName}": use .geojson, .json or .kml.` };
  }
  const kept = features.filter((f) => {
    const t = (f?.geometry as { type?: string } | null)?.type;
    return t === 'Polygon' || t === 'MultiPolygon' || t === 'Point';
  });
  if (kept.length === 0) return { valid: false, reason: 'The file holds no Polygon, MultiPolygon or Point.' };
  return {
    valid: true,
    geometries: kept.map((f) => f.geometry),
    names: kept.map((f) => (typeof f.properties?.name === 'string' ? f.properties.name : null)),
  };
}
