/**
 * Guesses for what an imported file does not say: its coordinate system (from the coordinate range)
 * and its attribute encoding (from the bytes). Pure; the import preview shows the guess and how it
 * was made, so a wrong one is seen (the parcels land far from the district) and corrected.
 */

/** Coordinate systems an import may be read in (GDAL/PROJ knows the EPSG codes; GCJ-02 is converted by gcoord). */
export const IMPORT_CRS = ['EPSG:4326', 'EPSG:4490', 'EPSG:4546', 'EPSG:4525', 'EPSG:4497', 'EPSG:4508', 'EPSG:3857', 'GCJ02'] as const;
export type ImportCrs = (typeof IMPORT_CRS)[number];

export const IMPORT_CRS_TITLES: Record<ImportCrs, { zh: string; en: string }> = {
  'EPSG:4326': { zh: 'WGS84 经纬度', en: 'WGS84 lon/lat' },
  'EPSG:4490': { zh: 'CGCS2000 经纬度', en: 'CGCS2000 lon/lat' },
  'EPSG:4546': { zh: 'CGCS2000 3度带，中央经线111°（不带带号）', en: 'CGCS2000 3° Gauss-Krüger CM 111° E (no zone prefix)' },
  'EPSG:4525': { zh: 'CGCS2000 3度带第37带（带带号）', en: 'CGCS2000 3° Gauss-Krüger zone 37 (with prefix)' },
  'EPSG:4497': { zh: 'CGCS2000 6度带第19带（带带号）', en: 'CGCS2000 6° Gauss-Krüger zone 19 (with prefix)' },
  'EPSG:4508': { zh: 'CGCS2000 6度带，中央经线111°（不带带号）', en: 'CGCS2000 6° Gauss-Krüger CM 111° E (no zone prefix)' },
  'EPSG:3857': { zh: 'Web 墨卡托', en: 'Web Mercator' },
  GCJ02: { zh: '高德/腾讯坐标（GCJ-02，无法自动识别）', en: 'Amap/Tencent (GCJ-02; cannot be detected)' },
};

/** [minX, minY, maxX, maxY] of the coordinates as the file holds them. */
export type Extent = [number, number, number, number];

const within = (e: Extent, minX: number, maxX: number, minY: number, maxY: number) => e[0] >= minX && e[2] <= maxX && e[1] >= minY && e[3] <= maxY;

/**
 * The coordinate system the range of coordinates points to, for data around Xincheng (111.7° E,
 * 40.9° N), or null when nothing fits. Lon/lat reads as EPSG:4326 (CGCS2000 degrees differ by
 * less than a metre); Gauss-Krüger without a zone prefix as EPSG:4546 (3° and 6° zones share the
 * central meridian 111° E here, so EPSG:4508 is the same projection); an easting of 37 500 000 ± …
 * as zone 37 (EPSG:4525), of 19 500 000 ± … as 6° zone 19 (EPSG:4497).
 */
export function guessCrs(e: Extent): ImportCrs | null {
  if (within(e, 73, 136, 3, 54)) return 'EPSG:4326';
  // Northings of China (≈ 2 000 000 – 6 000 000 m); eastings within ±330 km of the central meridian.
  const northing = e[1] >= 300_000 && e[3] <= 6_100_000;
  if (northing && within(e, 170_000, 830_000, -Infinity, Infinity)) return 'EPSG:4546';
  if (northing && within(e, 37_170_000, 37_830_000, -Infinity, Infinity)) return 'EPSG:4525';
  if (northing && within(e, 19_170_000, 19_830_000, -Infinity, Infinity)) return 'EPSG:4497';
  // Web Mercator metres of China: x 8.1e6 – 15.1e6, y 0.4e6 – 7.1e6.
  if (within(e, 8_100_000, 15_100_000, 400_000, 7_100_000)) return 'EPSG:3857';
  return null;
}

/** Encodings an import's attributes may be read in. */
export const IMPORT_ENCODINGS = ['UTF-8', 'GBK', 'GB18030', 'BIG5'] as const;
export type ImportEncoding = (typeof IMPORT_ENCODINGS)[number];

/** An encoding name as a .cpg or a user writes it (936, cp936, utf8, GB2312 …), or null if unknown. */
export function normaliseEncoding(name: string): ImportEncoding | null {
  const n = name.trim().toUpperCase().replace(/[^A-Z0-9]/g, '');
  if (n === 'UTF8' || n === '65001') return 'UTF-8';
  if (n === 'GBK' || n === 'CP936' || n === '936' || n === 'GB2312' || n === 'ANSI936' || n === 'EUCCN') return 'GBK';
  if (n === 'GB18030' || n === '54936') return 'GB18030';
  if (n === 'BIG5' || n === 'CP950' || n === '950') return 'BIG5';
  return null;
}

/** UTF-8 when the bytes are valid UTF-8 (ASCII is), else GBK: the usual encoding of older Chinese desktop GIS files. */
export function guessEncoding(bytes: Uint8Array): { detected: ImportEncoding; how: 'valid UTF-8' | 'GBK fallback' } {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return { detected: 'UTF-8', how: 'valid UTF-8' };
  } catch {
    return { detected: 'GBK', how: 'GBK fallback' };
  }
}

/** The text bytes of a dBASE (.dbf) file: its field names and its records (the binary header left out). */
export function dbfTextBytes(dbf: Uint8Array): Uint8Array {
  if (dbf.length < 32) return new Uint8Array();
  const headerLength = Math.min(dbf.length, dbf[8] | (dbf[9] << 8));
  const parts: Uint8Array[] = [];
  // Field descriptors are 32 bytes from offset 32 up to the 0x0D terminator; a name is its first 11 bytes (NUL-padded).
  for (let o = 32; o + 32 <= headerLength && dbf[o] !== 0x0d; o += 32) {
    const name = dbf.subarray(o, o + 11);
    const end = name.indexOf(0);
    parts.push(end < 0 ? name : name.subarray(0, end));
  }
  parts.push(dbf.subarray(headerLength));
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
