/**
 * When pasted boundary points do not make a valid site in the chosen coordinate system, finds what
 * the user can change in the form to fix it — the "swap X and Y" box, another coordinate system,
 * or both — so the message speaks of the form's controls and quotes the first row as typed, rather
 * than repeating the API's wording. Pure: no DOM, no i18n (the form words the finding).
 */
import { rowsToGeometry, type CoordinateRow } from '../../../core/geometry/coordinate-text.ts';
import { readSite, type SiteGeometry } from '../../../core/geometry/site-input.ts';
import { SITE_CRS, type SiteCrs } from '../../../core/crs.ts';

/** What the first number (X) of a row is, read in a coordinate system with the swap box as set. */
export type AxisRole = 'northing' | 'easting' | 'latitude' | 'longitude';

/** The first pasted row as the user typed it. */
export interface TypedRow {
  line: number;
  x: string;
  y: string;
}

export type PasteDiagnosis =
  | { valid: true; geometry: SiteGeometry; lonLat: SiteGeometry }
  | {
      valid: false;
      /** The selection the rows were read in. */
      crs: SiteCrs;
      swap: boolean;
      row: TypedRow;
      /** The core's reason for the selection as it is (English; shown as a detail). */
      reason: string;
      /** A setting of the form under which the rows are a valid site, or null if none is. */
      fix: { crs: SiteCrs; swap: boolean; xRole: AxisRole } | null;
    };

const PROJECTED = new Set<SiteCrs>(['EPSG:4546', 'EPSG:4525']);

/** The role of X for a coordinate system and swap setting (mirrors `rowsToGeometry`). */
export function xRole(crs: SiteCrs, swap: boolean): AxisRole {
  if (PROJECTED.has(crs)) return swap ? 'easting' : 'northing';
  return swap ? 'latitude' : 'longitude';
}

/** The first row's X and Y exactly as written in the pasted text (the parsed numbers if not found). */
export function typedRow(text: string, row: CoordinateRow): TypedRow {
  const raw = (text.split(/\r?\n/)[row.line - 1] ?? '').trim();
  const parts = raw.split(/[,，;；\t ]+/).filter(Boolean);
  if (parts.length >= 2) return { line: row.line, x: parts[parts.length - 2], y: parts[parts.length - 1] };
  return { line: row.line, x: String(row.x), y: String(row.y) };
}

/**
 * Reads the rows in `crs` with the swap box as set; if that fails, tries the other swap setting in
 * the same system, then every other system (swap as set, then toggled) and reports the first that works.
 */
export function diagnosePaste(text: string, rows: CoordinateRow[], crs: SiteCrs, swap: boolean): PasteDiagnosis {
  const geometry = rowsToGeometry(rows, crs, swap);
  const site = readSite(geometry, crs);
  if (site.valid) return { valid: true, geometry, lonLat: site.geometry };
  const alternatives: { crs: SiteCrs; swap: boolean }[] = [{ crs, swap: !swap }];
  for (const other of SITE_CRS) if (other !== crs) alternatives.push({ crs: other, swap }, { crs: other, swap: !swap });
  const fix = alternatives.find((a) => readSite(rowsToGeometry(rows, a.crs, a.swap), a.crs).valid) ?? null;
  return { valid: false, crs, swap, row: typedRow(text, rows[0]), reason: site.reason, fix: fix && { ...fix, xRole: xRole(fix.crs, fix.swap) } };
}
