/**
 * Parses pasted boundary-point coordinates (界址点坐标): lines of `name, X, Y` or `X, Y`, separated by
 * commas (also full-width "，"), semicolons, tabs or spaces. Blank lines and `#` comments are skipped,
 * and so is a first line without numbers (a header such as "点号,X,Y").
 */
import type { SiteCrs } from '../crs.ts';
import type { SiteGeometry } from './site-input.ts';

export interface CoordinateRow {
  /** 1-based line number in the pasted text. */
  line: number;
  name: string | null;
  /** The first number as written (X: northing in Chinese survey lists, or longitude). */
  x: number;
  /** The second number as written (Y: easting in Chinese survey lists, or latitude). */
  y: number;
}

export type CoordinateText =
  | { valid: true; rows: CoordinateRow[] }
  | { valid: false; reason: string; line: number };

const NUMBER = /^[-+]?\d+(\.\d+)?$/;

/** Reads the pasted text into rows; the first malformed line is reported by its number. */
export function parseCoordinateText(text: string): CoordinateText {
  const rows: CoordinateRow[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i].trim();
    if (raw === '' || raw.startsWith('#')) continue;
    const parts = raw.split(/[,，;；\t ]+/).filter(Boolean);
    const numeric = parts.map((p) => NUMBER.test(p));
    if (rows.length === 0 && !numeric.some(Boolean)) continue; // header line
    let row: CoordinateRow | null = null;
    if (parts.length === 2 && numeric[0] && numeric[1]) row = { line: i + 1, name: null, x: Number(parts[0]), y: Number(parts[1]) };
    if (parts.length === 3 && numeric[1] && numeric[2]) row = { line: i + 1, name: parts[0], x: Number(parts[1]), y: Number(parts[2]) };
    if (!row) {
      return {
        valid: false,
        line: i + 1,
        reason: `Line ${i + 1}: expected "name, X, Y" or "X, Y" with numbers, got "${raw.slice(0, 60)}".`,
      };
    }
    rows.push(row);
  }
  if (rows.length === 0) return { valid: false, line: 0, reason: 'No coordinates found.' };
  if (rows.length === 2) return { valid: false, line: rows[1].line, reason: 'Two points make neither a site point nor a polygon: give 1 point or at least 3.' };
  return { valid: true, rows };
}

/**
 * Builds the site geometry (in the coordinates' own CRS) from parsed rows: one row is a Point,
 * three or more a Polygon, closed if the list does not repeat its first point. Projected lists
 * follow the surveyors' convention X = northing, Y = easting; degrees are lon, lat. `swap` flips it.
 */
export function rowsToGeometry(rows: CoordinateRow[], crs: SiteCrs, swap = false): SiteGeometry {
  const northingFirst = crs === 'EPSG:4546' || crs === 'EPSG:4525';
  const flip = northingFirst !== swap;
  const pos = rows.map((r): [number, number] => (flip ? [r.y, r.x] : [r.x, r.y]));
  if (pos.length === 1) return { type: 'Point', coordinates: pos[0] };
  const [a, b] = [pos[0], pos[pos.length - 1]];
  const ring = a[0] === b[0] && a[1] === b[1] ? pos : [...pos, a];
  return { type: 'Polygon', coordinates: [ring] };
}
