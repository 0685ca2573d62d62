/**
 * Coordinate systems a planner's site coordinates arrive in, and their conversion to EPSG:4326
 * (lon/lat; CGCS2000 and WGS84 agree within a metre here, so CGCS2000 degrees pass unchanged).
 */
import gcoord from 'gcoord';
import proj4 from 'proj4';

export const SITE_CRS = ['EPSG:4326', 'EPSG:4546', 'EPSG:4525', 'GCJ02'] as const;
export type SiteCrs = (typeof SITE_CRS)[number];

// CGCS2000 3-degree Gauss-Krüger, central meridian 111° E (Xincheng lies at ~111.7° E).
// EPSG:4546 writes the easting without the zone number; EPSG:4525 prefixes it with zone 37.
proj4.defs('EPSG:4546', '+proj=tmerc +lat_0=0 +lon_0=111 +k=1 +x_0=500000 +y_0=0 +ellps=GRS80 +units=m +no_defs');
proj4.defs('EPSG:4525', '+proj=tmerc +lat_0=0 +lon_0=111 +k=1 +x_0=37500000 +y_0=0 +ellps=GRS80 +units=m +no_defs');

export const CRS_TITLES: Record<SiteCrs, { zh: string; en: string }> = {
  'EPSG:4326': { zh: '经纬度（WGS84 / CGCS2000）', en: 'Lon/lat (WGS84 / CGCS2000)' },
  'EPSG:4546': { zh: 'CGCS2000 3度带高斯投影，中央经线111°（不带带号）', en: 'CGCS2000 3° Gauss-Krüger, CM 111° E (no zone prefix)' },
  'EPSG:4525': { zh: 'CGCS2000 3度带高斯投影，37带（带带号）', en: 'CGCS2000 3° Gauss-Krüger zone 37 (with prefix)' },
  GCJ02: { zh: '高德/腾讯坐标（GCJ-02）', en: 'Amap/Tencent (GCJ-02)' },
};

/**
 * The CRS a GeoJSON file declares in its legacy `crs` member (RFC 7946 dropped it; GDAL and QGIS still
 * write `{"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::4546"}}` for projected data):
 * a SiteCrs, `null` when the member is absent (the file is lon/lat by RFC 7946, or the user chooses),
 * or `undefined` when it names a CRS the compliance review does not take. Accepted: CRS84 and
 * EPSG:4326, CGCS2000 EPSG:4490 (lon/lat, read as EPSG:4326: the two agree within centimetres here),
 * EPSG:4546 and EPSG:4525, as a URN, an OGC URI or `EPSG:n`. GeoJSON is always written east first.
 */
export function siteCrsFromGeoJson(member: unknown): SiteCrs | null | undefined {
  if (member === undefined || member === null) return null;
  const name = crsMemberName(member);
  if (name === null) return undefined;
  const n = name.trim();
  if (/^(urn:ogc:def:crs:OGC:(1\.3)?:CRS84|https?:\/\/www\.opengis\.net\/def\/crs\/OGC\/1\.3\/CRS84|(OGC:)?CRS84)$/i.test(n)) return 'EPSG:4326';
  const code = /^(?:urn:ogc:def:crs:EPSG:[\d.]*:|https?:\/\/www\.opengis\.net\/def\/crs\/EPSG\/[\d.]+\/|EPSG:)(\d+)$/i.exec(n)?.[1];
  switch (code) {
    case '4326':
    case '4490':
      return 'EPSG:4326';
    case '4546':
      return 'EPSG:4546';
    case '4525':
      return 'EPSG:4525';
    default:
      return undefined;
  }
}

/** The name in a GeoJSON `crs` member (`{type: "name", properties: {name}}`), or null. */
export function crsMemberName(member: unknown): string | null {
  const name = (member as { properties?: { name?: unknown } } | null)?.properties?.name;
  return typeof name === 'string' ? name.slice(0, 200) : null;
}

/** Converts one position [x, y] from `crs` to [lon, lat] in EPSG:4326 (x = easting for the projected systems). */
export function toLonLat(position: readonly number[], crs: SiteCrs): [number, number] {
  const [x, y] = position;
  switch (crs) {
    case 'EPSG:4326':
      return [x, y];
    case 'GCJ02':
      return gcoord.transform([x, y], gcoord.GCJ02, gcoord.WGS84) as [number, number];
    default:
      return proj4(crs, 'EPSG:4326', [x, y]) as [number, number];
  }
}

/** Converts [lon, lat] (EPSG:4326) to [easting, northing] in metres in EPSG:4546. */
export function toGaussKruger(lonLat: readonly number[]): [number, number] {
  return proj4('EPSG:4326', 'EPSG:4546', [lonLat[0], lonLat[1]]) as [number, number];
}
