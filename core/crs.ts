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
