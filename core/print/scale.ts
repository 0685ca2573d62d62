/**
 * Printing a map at a chosen scale (1:2 000 … 1:50 000): paper sizes, the map frame's ground extent
 * (paper millimetres × scale = ground metres), the MapLibre zoom that draws it at that scale at the
 * map's centre latitude, and the EPSG:4546 coordinate grid (interval and tick values). Pure.
 */

export type PrintPaper = 'a4' | 'a3' | 'a1';
export type PrintOrientation = 'landscape' | 'portrait';
export const PRINT_SCALES = [2_000, 5_000, 10_000, 50_000] as const;

/** ISO 216 sizes in millimetres, portrait. */
export const PRINT_PAPER_MM: Record<PrintPaper, [number, number]> = { a4: [210, 297], a3: [297, 420], a1: [594, 841] };

/** The paper's width and height in millimetres in an orientation. */
export function paperSizeMm(paper: PrintPaper, orientation: PrintOrientation): [number, number] {
  const [short, long] = PRINT_PAPER_MM[paper];
  return orientation === 'landscape' ? [long, short] : [short, long];
}

/** Ground metres covered by `mm` millimetres of paper at 1:`scale`. */
export function groundMeters(mm: number, scale: number): number {
  return (mm / 1000) * scale;
}

/** The GRS80 / WGS84 ellipsoid (CGCS2000 uses GRS80; the two agree to 0.1 mm here). */
const A = 6_378_137;
const E2 = 0.00669438002290;
/** Web Mercator's circumference, as MapLibre computes its pixel sizes (512-pixel tiles). */
const MERCATOR_CIRCUMFERENCE = 2 * Math.PI * A;

/**
 * Ground metres per CSS pixel of a MapLibre map at `zoom` along the parallel of `latitude`, measured
 * on the ellipsoid (the parallel's radius is N·cos φ: 0.16 % more than the sphere's at 41° N).
 */
export function groundMetersPerCssPx(latitude: number, zoom: number): number {
  const phi = (latitude * Math.PI) / 180;
  const n = A / Math.sqrt(1 - E2 * Math.sin(phi) ** 2);
  // One CSS pixel spans (circumference / (512·2^zoom)) Mercator metres = that many radians × a along
  // the equator; along the parallel, the same longitude span is N·cos φ / a times that in ground metres.
  return ((MERCATOR_CIRCUMFERENCE / (512 * 2 ** zoom)) * n * Math.cos(phi)) / A;
}

/** The zoom at which one CSS pixel spans `metersPerCssPx` ground metres (east-west) at `latitude`. */
export function zoomForGroundMetersPerCssPx(latitude: number, metersPerCssPx: number): number {
  return Math.log2(groundMetersPerCssPx(latitude, 0) / metersPerCssPx);
}

/**
 * The zoom that draws a map at 1:`scale` when its frame is `frameMm` millimetres wide on paper and
 * `frameCssPx` CSS pixels wide as rendered, at `latitude` (the frame's centre).
 */
export function zoomForScale(scale: number, latitude: number, frameMm: number, frameCssPx: number): number {
  return zoomForGroundMetersPerCssPx(latitude, groundMeters(frameMm, scale) / frameCssPx);
}

/** The scale (the n of 1:n) a map at `zoom` has when `frameCssPx` CSS pixels fill `frameMm` of paper. */
export function scaleOfZoom(zoom: number, latitude: number, frameMm: number, frameCssPx: number): number {
  return (groundMetersPerCssPx(latitude, zoom) * frameCssPx * 1000) / frameMm;
}

/**
 * The coordinate grid's interval in metres: about 10 cm on paper (the usual 方里网: 1 km at 1:10 000,
 * 200 m at 1:2 000), rounded to 1, 2 or 5 × 10ⁿ.
 */
export function gridIntervalMeters(scale: number, paperMm = 100): number {
  const target = groundMeters(paperMm, scale);
  const pow = 10 ** Math.floor(Math.log10(target));
  for (const f of [1, 2, 5, 10]) if (f * pow >= target * 0.99) return f * pow;
  return 10 * pow;
}

/** The multiples of `interval` within [min, max] (the grid lines' coordinates), ascending. */
export function gridTicks(min: number, max: number, interval: number): number[] {
  if (!(interval > 0) || !(max >= min)) return [];
  const out: number[] = [];
  for (let v = Math.ceil(min / interval) * interval; v <= max + 1e-9; v += interval) out.push(Math.round(v * 1e6) / 1e6);
  return out;
}

/** A grid coordinate as printed: whole metres, e.g. 4533000 → "4533000". */
export function gridLabel(meters: number): string {
  return String(Math.round(meters));
}

/** A scale as written on the map: 10000 → "1:10 000" (a thin space groups the thousands). */
export function scaleText(scale: number): string {
  return `1:${Math.round(scale).toLocaleString('en-US').replace(/,/g, '\u2009')}`;
}
