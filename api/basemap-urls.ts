/**
 * Custom basemaps from tile URL templates (issue 12): `BASEMAP_URLS`, one entry per basemap,
 * entries separated by `;` or new lines, fields by `|`:
 *
 *     title|URL template|attribution|tile matrix set[|max zoom]
 *
 *     BASEMAP_URLS='省平台影像|https://gis.nmg.example/img/{z}/{x}/{y}.png|© 内蒙古自治区自然资源厅|EPSG:3857|18'
 *
 * The template has {z}/{x}/{y} (XYZ), {-y} (TMS rows, counted from the south), WMTS's
 * {TileMatrix}/{TileCol}/{TileRow}, {quadkey} or {bbox-epsg-3857} (WMS). MapLibre draws Web Mercator
 * tiles only, so the tile matrix set must be Web Mercator (EPSG:3857 and its aliases, OGC
 * WebMercatorQuad, GoogleMapsCompatible); another (CGCS2000 EPSG:4490, WGS84 EPSG:4326 …) is refused
 * with a message naming it.
 */

export interface CustomBasemap {
  title: string;
  /** The template as MapLibre reads it ({z}/{x}/{y}, {quadkey} or {bbox-epsg-3857}). */
  url: string;
  /** `tms` when the template counts rows from the south ({-y}). */
  scheme: 'xyz' | 'tms';
  attribution: string;
  crs: string;
  maxzoom: number;
}

/** Names that mean Web Mercator tiles (compared lower-case, without spaces). */
const WEB_MERCATOR = new Set([
  'epsg:3857',
  'epsg:900913',
  'epsg:3785',
  'epsg:102100',
  'epsg:102113',
  'urn:ogc:def:crs:epsg::3857',
  'http://www.opengis.net/def/crs/epsg/0/3857',
  'https://www.opengis.net/def/crs/epsg/0/3857',
  'webmercatorquad',
  'googlemapscompatible',
  'googlemapscompatible_level18',
  '3857',
]);

/** What a refused CRS is, to name it in the message. */
const KNOWN: Record<string, string> = {
  '4490': 'CGCS2000 geographic (天地图 _c layers)',
  '4326': 'WGS84 geographic',
  crs84: 'WGS84 geographic',
  worldcrs84quad: 'WGS84 geographic',
  '4610': 'Xian 1980 geographic',
  '4214': 'Beijing 1954 geographic',
  '4479': 'CGCS2000 geocentric',
};

/** Why a CRS cannot be drawn by MapLibre, or null when it is Web Mercator. */
export function crsProblem(crs: string): string | null {
  const key = crs.toLowerCase().replace(/\s+/g, '');
  if (WEB_MERCATOR.has(key)) return null;
  const code = key.match(/(?:epsg:+|epsg\/0\/)(\d+)$/)?.[1] ?? key;
  let what = KNOWN[code];
  if (!what && /^45(1[3-9]|[2-8]\d|90)$/.test(code)) what = 'CGCS2000 Gauss-Krüger';
  return `${crs}${what ? ` (${what})` : ''} tiles cannot be shown: the map draws only Web Mercator tiles (EPSG:3857, WebMercatorQuad, GoogleMapsCompatible); ask the platform for its Web Mercator tile matrix set (Tianditu: the _w layers)`;
}

const WMTS: [RegExp, string][] = [
  [/\{TileMatrix\}/gi, '{z}'],
  [/\{TileCol\}/gi, '{x}'],
  [/\{TileRow\}/gi, '{y}'],
];

/** Parses one entry; the problems found, or the basemap. */
function parseEntry(entry: string): { errors: string[] } | { basemap: CustomBasemap } {
  const fields = entry.split('|').map((f) => f.trim());
  if (fields.length < 4 || fields.length > 5) {
    return { errors: [`has ${fields.length} field${fields.length === 1 ? '' : 's'}; write title|URL template|attribution|tile matrix set[|max zoom]`] };
  }
  const [title, template, attribution, crs, maxzoomText] = fields;
  const errors: string[] = [];
  if (!title) errors.push('has no title');
  if (!attribution) errors.push('has no attribution (the tiles\' owner must be credited on the map)');
  let url = template;
  for (const [re, to] of WMTS) url = url.replace(re, to);
  let scheme: CustomBasemap['scheme'] = 'xyz';
  if (url.includes('{-y}')) {
    scheme = 'tms';
    url = url.replace('{-y}', '{y}');
  }
  let parsed: URL | null = null;
  try {
    parsed = new URL(url.replace(/[{}]/g, ''));
  } catch {
    errors.push(`URL template "${template}" is not a URL`);
  }
  if (parsed && parsed.protocol !== 'https:' && parsed.protocol !== 'http:') errors.push(`URL template "${template}" must start with https:// or http://`);
  if (/\{s\}/.test(url)) errors.push('URL template has {s} (sub-domains), which the map does not expand: use one host');
  const xyz = ['{z}', '{x}', '{y}'].every((p) => url.includes(p));
  if (parsed && !xyz && !url.includes('{quadkey}') && !url.includes('{bbox-epsg-3857}')) {
    errors.push(`URL template "${template}" needs {z}, {x} and {y} (or {-y}, {TileMatrix}/{TileCol}/{TileRow}, {quadkey}, {bbox-epsg-3857})`);
  }
  const unknown = url.match(/\{[^}]*\}/g)?.filter((p) => !['{z}', '{x}', '{y}', '{quadkey}', '{bbox-epsg-3857}', '{ratio}'].includes(p));
  if (unknown?.length) errors.push(`URL template has placeholders the map does not fill: ${unknown.join(', ')}`);
  if (!crs) errors.push('has no tile matrix set (write EPSG:3857 for Web Mercator tiles)');
  else {
    const problem = crsProblem(crs);
    if (problem) errors.push(problem);
  }
  let maxzoom = 18;
  if (maxzoomText) {
    maxzoom = Number(maxzoomText);
    if (!Number.isInteger(maxzoom) || maxzoom < 0 || maxzoom > 24) errors.push(`max zoom "${maxzoomText}" must be a whole number from 0 to 24`);
  }
  return errors.length ? { errors } : { basemap: { title, url, scheme, attribution, crs, maxzoom } };
}

/** Parses BASEMAP_URLS; the basemaps, or one message per problem naming the entry. */
export function parseBasemapUrls(text: string): { basemaps: CustomBasemap[]; errors: string[] } {
  const entries = text.split(/[;\n]/).map((e) => e.trim()).filter(Boolean);
  const basemaps: CustomBasemap[] = [];
  const errors: string[] = [];
  entries.forEach((entry, i) => {
    const r = parseEntry(entry);
    const name = entry.split('|')[0].trim();
    if ('errors' in r) errors.push(...r.errors.map((e) => `entry ${i + 1}${name ? ` ("${name.slice(0, 40)}")` : ''}: ${e}`));
    else basemaps.push(r.basemap);
  });
  return { basemaps, errors };
}
