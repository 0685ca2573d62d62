/**
 * 界址点 lists — the way Chinese surveys hand over parcels in a spreadsheet: one row per boundary
 * vertex, a parcel id column (地块编号, 宗地号 …), often a vertex number (点号) and X/Y in
 * Gauss-Krüger metres with the surveyors' X = northing, Y = easting. Pure: the import reads the
 * rows as points with GDAL, and this turns them into one polygon per parcel.
 */
import type { Extent } from './detect.ts';

/** Column names that hold the parcel a vertex belongs to (compared without case). */
export const PARCEL_ID_FIELDS = ['地块编号', '地块号', '地块id', '宗地号', '宗地编号', '宗地代码', '图斑编号', '图斑号', '界址编号', 'parcel_id', 'parcelid', 'parcel', 'plot_id'];
/** Column names that give a vertex's place in its ring. */
export const VERTEX_NO_FIELDS = ['点号', '界址点号', '序号', '点序', '顺序号', 'point_no', 'vertex', 'seq', 'order'];

export interface VertexRow {
  properties: Record<string, unknown>;
  /** The point as GDAL read it from the X and Y columns. */
  x: number;
  y: number;
}

export interface Parcel {
  /** The fields whose value is the same on every vertex of the parcel (its id, name, land use …). */
  properties: Record<string, unknown>;
  /** Closed ring in east, north (lon, lat) order; null when the parcel has fewer than 3 distinct vertices. */
  ring: [number, number][] | null;
}

export interface VertexList {
  parcelField: string;
  vertexField: string | null;
  vertices: number;
  parcels: Parcel[];
}

const findField = (keys: string[], names: string[]) => keys.find((k) => names.includes(k.trim().toLowerCase())) ?? null;

/**
 * True when the points are written northing first (X = north, as Chinese survey lists do): the
 * first coordinate is in the range of Chinese northings and the second in that of Gauss-Krüger
 * eastings, with or without a zone prefix. The two ranges never overlap, so this is unambiguous.
 */
export function northingFirst(e: Extent): boolean {
  const northing = (lo: number, hi: number) => lo >= 2_000_000 && hi <= 6_100_000;
  const easting = (lo: number, hi: number) => (lo >= 100_000 && hi <= 900_000) || (lo >= 13_000_000 && hi <= 45_900_000);
  return northing(e[0], e[2]) && easting(e[1], e[3]);
}

/** The parcels of a vertex list, or null when the rows are not one (no parcel id column, or no parcel of 3 vertices). */
export function assembleVertexList(rows: VertexRow[], swap: boolean): VertexList | null {
  if (!rows.length) return null;
  const keys = Object.keys(rows[0].properties);
  const parcelField = findField(keys, PARCEL_ID_FIELDS);
  if (!parcelField) return null;
  const vertexField = findField(keys, VERTEX_NO_FIELDS);
  const groups = new Map<string, VertexRow[]>();
  for (const r of rows) {
    const id = String(r.properties[parcelField] ?? '');
    groups.set(id, [...(groups.get(id) ?? []), r]);
  }
  if (![...groups.values()].some((g) => g.length >= 3)) return null;
  const parcels = [...groups.values()].map((g): Parcel => {
    const ordered = vertexField ? [...g].sort((a, b) => vertexOrder(a.properties[vertexField]) - vertexOrder(b.properties[vertexField])) : g;
    const properties: Record<string, unknown> = {};
    for (const k of keys) {
      if (k === vertexField) continue;
      const v = g[0].properties[k];
      if (g.every((r) => r.properties[k] === v)) properties[k] = v;
    }
    const pos = ordered.map((r): [number, number] => (swap ? [r.y, r.x] : [r.x, r.y]));
    const distinct = new Set(pos.map((p) => p.join(' '))).size;
    if (distinct < 3) return { properties, ring: null };
    const [a, b] = [pos[0], pos[pos.length - 1]];
    return { properties, ring: a[0] === b[0] && a[1] === b[1] ? pos : [...pos, a] };
  });
  return { parcelField, vertexField, vertices: rows.length, parcels };
}

/** J12, 12, "12" → 12 (the number in a vertex name); rows without one keep their order at the end. */
function vertexOrder(v: unknown): number {
  const m = /\d+(\.\d+)?/.exec(String(v ?? ''));
  return m ? Number(m[0]) : Number.MAX_SAFE_INTEGER;
}
