// Shared helpers for the geodata build scripts (ESM, run with `npx tsx`).
// Scripts read ONLY from geodata/ (never from ../shared) and write back into geodata/<dataset>/.
import { addFeatureZh, provenanceZh, type NameLookup } from './zh.ts';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as turf from '@turf/turf';

const here = path.dirname(fileURLToPath(import.meta.url));
/** Root of the geodata/ folder; override with GEODATA_DIR for out-of-tree runs. */
export const GEODATA = process.env.GEODATA_DIR ?? path.resolve(here, '../../geodata');

export type Geom = GeoJSON.Geometry | null;
export type Props = Record<string, unknown>;
export interface Feat { type: 'Feature'; id: string; geometry: Geom; properties: Props }

export function readJson<T = any>(rel: string): T {
  return JSON.parse(fs.readFileSync(path.join(GEODATA, rel), 'utf8')) as T;
}
export function readText(rel: string): string {
  return fs.readFileSync(path.join(GEODATA, rel), 'utf8');
}

/** Minimal RFC 4180 CSV parser (quoted fields, commas, newlines). */
export function parseCsv(text: string): Record<string, string>[] {
  const rows: string[][] = [];
  let row: string[] = [], field = '', q = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (q) {
      if (c === '"' && text[i + 1] === '"') { field += '"'; i++; }
      else if (c === '"') q = false;
      else field += c;
    } else if (c === '"') q = true;
    else if (c === ',') { row.push(field); field = ''; }
    else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field); field = '';
      if (row.some((v) => v !== '')) rows.push(row);
      row = [];
    } else field += c;
  }
  if (field !== '' || row.length) { row.push(field); rows.push(row); }
  const [head, ...body] = rows;
  return body.map((r) => Object.fromEntries(head.map((h, i) => [h.trim(), (r[i] ?? '').trim()])));
}

const r6 = (v: number) => Math.round(v * 1e6) / 1e6;
function roundCoords(c: any): any {
  return typeof c[0] === 'number' ? [r6(c[0]), r6(c[1])] : c.map(roundCoords);
}
/** Drop consecutive duplicate vertices created by rounding, keep rings closed. */
function cleanRing(ring: number[][]): number[][] {
  const out: number[][] = [];
  for (const p of ring) if (!out.length || out[out.length - 1][0] !== p[0] || out[out.length - 1][1] !== p[1]) out.push(p);
  if (out.length && (out[0][0] !== out[out.length - 1][0] || out[0][1] !== out[out.length - 1][1])) out.push(out[0]);
  return out;
}

/** Round to 6 decimals, remove repeated vertices, rewind to RFC 7946 (exterior CCW). */
export function tidy(g: Geom): Geom {
  if (!g) return null;
  let geom: any = { type: g.type, coordinates: roundCoords((g as any).coordinates) };
  if (geom.type === 'Polygon') geom.coordinates = geom.coordinates.map(cleanRing).filter((r: any) => r.length >= 4);
  if (geom.type === 'MultiPolygon') geom.coordinates = geom.coordinates.map((p: any) => p.map(cleanRing).filter((r: any) => r.length >= 4)).filter((p: any) => p.length);
  if (geom.type === 'Polygon' || geom.type === 'MultiPolygon') geom = turf.rewind(geom as any, { reverse: false }) as any;
  return geom;
}

export function feature(id: string, geometry: Geom, properties: Props): Feat {
  return { type: 'Feature', id, geometry: tidy(geometry), properties };
}

export function writeDataset(dataset: string, features: Feat[], provenance: Props) {
  const dir = path.join(GEODATA, dataset);
  fs.mkdirSync(dir, { recursive: true });
  const ids = new Set<string>();
  for (const f of features) {
    if (ids.has(f.id)) throw new Error(`${dataset}: duplicate id ${f.id}`);
    ids.add(f.id);
    for (const k of ['name_zh', 'name_en', 'quality', 'source']) {
      if (typeof f.properties[k] !== 'string' || !(f.properties[k] as string).length) throw new Error(`${dataset}/${f.id}: missing ${k}`);
    }
  }
  // Chinese texts beside the English ones (issue 13 #9): source_zh per feature, *_zh in the provenance.
  addFeatureZh(features, nameLookup(features));
  writeDatasetFiles(dataset, features, provenanceZh(dataset, { dataset, ...provenance }));
  console.log(`${dataset}: ${features.length} features`);
}

// ---- polygon helpers -------------------------------------------------------
type Poly = GeoJSON.Feature<GeoJSON.Polygon | GeoJSON.MultiPolygon>;
export const intersect = (a: Poly | null, b: Poly | null): Poly | null =>
  a && b ? (turf.intersect(turf.featureCollection([a, b])) as Poly | null) : null;
export const difference = (a: Poly | null, b: Poly | null): Poly | null =>
  !a ? null : !b ? a : (turf.difference(turf.featureCollection([a, b])) as Poly | null);
export const union = (...ps: (Poly | null)[]): Poly | null => {
  const xs = ps.filter(Boolean) as Poly[];
  if (!xs.length) return null;
  if (xs.length === 1) return xs[0];
  return turf.union(turf.featureCollection(xs)) as Poly | null;
};
/** Half-plane polygon north of a west->east polyline. */
export function northOf(line: number[][], top = 41.4): Poly {
  const ring = [...line, [line[line.length - 1][0], top], [line[0][0], top], line[0]];
  return turf.rewind(turf.polygon([ring])) as Poly;
}
/** Half-plane polygon south of a west->east polyline. */
export function southOf(line: number[][], bottom = 40.6): Poly {
  const ring = [...line, [line[line.length - 1][0], bottom], [line[0][0], bottom], line[0]];
  return turf.rewind(turf.polygon([ring])) as Poly;
}
export const box = (w: number, s: number, e: number, n: number): Poly => turf.bboxPolygon([w, s, e, n]) as Poly;
/** Remove slivers: keep only polygon parts larger than minM2. */
export function dropSlivers(p: Poly | null, minM2 = 20000): Poly | null {
  if (!p) return null;
  const parts = p.geometry.type === 'Polygon' ? [p.geometry.coordinates] : p.geometry.coordinates;
  const keep = parts.filter((c) => turf.area(turf.polygon(c)) >= minM2);
  if (!keep.length) return null;
  return (keep.length === 1 ? turf.polygon(keep[0]) : turf.multiPolygon(keep)) as Poly;
}
export { turf };

/** Writes a dataset's two files in the repository's layout (one feature a line; provenance indented). */
export function writeDatasetFiles(dataset: string, features: unknown[], provenance: Props) {
  const dir = path.join(GEODATA, dataset);
  const fc = { type: 'FeatureCollection', features };
  fs.writeFileSync(path.join(dir, `${dataset}.geojson`), JSON.stringify(fc, null, 0).replace(/\},\{"type":"Feature"/g, '},\n{"type":"Feature"') + '\n');
  fs.writeFileSync(path.join(dir, 'provenance.json'), JSON.stringify(provenance, null, 2) + '\n');
}

/** name_zh by feature id: these features first, then every dataset already in geodata/. */
export function nameLookup(features: { id: string; properties: Props }[]): NameLookup {
  const names = new Map<string, string>();
  for (const d of fs.existsSync(GEODATA) ? fs.readdirSync(GEODATA) : []) {
    const file = path.join(GEODATA, d, `${d}.geojson`);
    if (!fs.existsSync(file)) continue;
    for (const f of JSON.parse(fs.readFileSync(file, 'utf8')).features as { id: string; properties: Props }[]) {
      if (typeof f.properties?.name_zh === 'string') names.set(f.id, f.properties.name_zh);
    }
  }
  for (const f of features) if (typeof f.properties.name_zh === 'string') names.set(f.id, f.properties.name_zh);
  return (id) => names.get(id);
}
