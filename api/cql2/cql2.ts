/**
 * CQL2 filters (OGC API – Features Part 3): cql2-text parsed by a Peggy parser generated from
 * cql2.peggy, and cql2-json; both checked into one expression tree — the CQL2-JSON form — whose
 * properties are the collection's queryables and whose geometries are well-formed. api/sql/cql2.ts
 * turns the tree into SQL with every value bound. Errors say where and what (400).
 */
import { readFileSync } from 'node:fs';
import peggy from 'peggy';

export type Cql2Geometry =
  | { type: 'Point'; coordinates: number[] }
  | { type: 'LineString' | 'MultiPoint'; coordinates: number[][] }
  | { type: 'Polygon' | 'MultiLineString'; coordinates: number[][][] }
  | { type: 'MultiPolygon'; coordinates: number[][][][] }
  | { type: 'GeometryCollection'; geometries: Cql2Geometry[] };

export type Cql2Scalar = string | number | boolean | { property: string } | { date: string } | { timestamp: string };
export type Cql2Spatial = { property: string } | Cql2Geometry;

export const COMPARISON_OPS = ['=', '<>', '<', '>', '<=', '>='] as const;
export const SPATIAL_OPS = ['s_intersects', 's_equals', 's_disjoint', 's_touches', 's_within', 's_overlaps', 's_crosses', 's_contains'] as const;

export type Cql2Expr =
  | boolean
  | { op: 'and' | 'or'; args: Cql2Expr[] }
  | { op: 'not'; args: [Cql2Expr] }
  | { op: (typeof COMPARISON_OPS)[number] | 'like'; args: [Cql2Scalar, Cql2Scalar] }
  | { op: 'between'; args: [Cql2Scalar, Cql2Scalar, Cql2Scalar] }
  | { op: 'in'; args: [Cql2Scalar, Cql2Scalar[]] }
  | { op: 'isNull'; args: [Cql2Scalar] }
  | { op: (typeof SPATIAL_OPS)[number]; args: [Cql2Spatial, Cql2Spatial] };

export class Cql2Error extends Error {}

/** Longest filter text, and deepest nesting, a request may send (a deeper one would exhaust the parser's stack). */
export const MAX_FILTER_CHARS = 8_000;
export const MAX_FILTER_DEPTH = 40;

let parser: peggy.Parser | null = null;
const grammar = () => readFileSync(new URL('./cql2.peggy', import.meta.url), 'utf8');

/** Parses CQL2 text into the CQL2-JSON form (unchecked: see checkCql2). */
export function parseCql2Text(text: string): unknown {
  guardSize(text);
  parser ??= peggy.generate(grammar());
  try {
    return parser.parse(text);
  } catch (err) {
    const e = err as { location?: { start: { offset: number } }; message: string };
    if (!e.location) throw err;
    const at = e.location.start.offset;
    throw new Cql2Error(`cql2-text: ${e.message} (at character ${at + 1}: "${text.slice(Math.max(0, at - 10), at + 10)}")`);
  }
}

/** Parses a CQL2-JSON filter (unchecked: see checkCql2). */
export function parseCql2Json(text: string): unknown {
  guardSize(text);
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new Cql2Error(`cql2-json: not valid JSON (${(err as Error).message}).`);
  }
}

function guardSize(text: string) {
  if (text.length > MAX_FILTER_CHARS) throw new Cql2Error(`The filter is ${text.length} characters long; at most ${MAX_FILTER_CHARS} are accepted.`);
  let depth = 0;
  let max = 0;
  for (const ch of text) {
    if (ch === '(' || ch === '[' || ch === '{') max = Math.max(max, ++depth);
    else if (ch === ')' || ch === ']' || ch === '}') depth--;
  }
  if (max > MAX_FILTER_DEPTH + 6) throw new Cql2Error(`The filter nests ${max} levels deep; at most ${MAX_FILTER_DEPTH} are accepted.`);
}

/**
 * Checks a parsed filter: known operators with the right arguments, properties among
 * `queryables` (or `id`; `geometry` in spatial functions), geometries well-formed, and
 * literals of a type the comparison can take. Returns it typed.
 */
export function checkCql2(e: unknown, queryables: readonly string[], depth = 0): Cql2Expr {
  if (depth > MAX_FILTER_DEPTH) throw new Cql2Error(`The filter nests more than ${MAX_FILTER_DEPTH} levels deep.`);
  if (typeof e === 'boolean') return e;
  if (!isObject(e) || typeof e.op !== 'string' || !Array.isArray(e.args)) throw new Cql2Error(`Expected an expression { "op": …, "args": [ … ] } or true/false, got ${show(e)}.`);
  const op = e.op === 'isNull' ? 'isNull' : e.op.toLowerCase();
  const args = e.args as unknown[];
  // No closures here: the server runs through tsx, which names each one as it is made (keepNames), per call.
  switch (op) {
    case 'and':
    case 'or':
      if (args.length < 2) throw new Cql2Error(`${op} takes at least 2 arguments, got ${args.length}.`);
      return { op, args: args.map((a) => checkCql2(a, queryables, depth + 1)) };
    case 'not':
      argumentCount(e.op, args, 1);
      return { op, args: [checkCql2(args[0], queryables, depth + 1)] };
    case '=':
    case '<>':
    case '<':
    case '>':
    case '<=':
    case '>=':
    case 'like':
      argumentCount(e.op, args, 2);
      return { op, args: [checkScalar(args[0], queryables), checkScalar(args[1], queryables)] };
    case 'between':
      argumentCount(e.op, args, 3);
      return { op, args: [checkScalar(args[0], queryables), checkScalar(args[1], queryables), checkScalar(args[2], queryables)] };
    case 'in':
      argumentCount(e.op, args, 2);
      if (!Array.isArray(args[1]) || args[1].length === 0) throw new Cql2Error('in takes a value and a non-empty list of values.');
      return { op, args: [checkScalar(args[0], queryables), (args[1] as unknown[]).map((a) => checkScalar(a, queryables))] };
    case 'isnull':
    case 'isNull':
      argumentCount(e.op, args, 1);
      return { op: 'isNull', args: [checkScalar(args[0], queryables)] };
    default:
      if ((SPATIAL_OPS as readonly string[]).includes(op)) {
        argumentCount(e.op, args, 2);
        return { op: op as (typeof SPATIAL_OPS)[number], args: [checkSpatial(args[0]), checkSpatial(args[1])] };
      }
      throw new Cql2Error(`Unknown operator "${String(e.op).slice(0, 40)}"; this server takes and, or, not, =, <>, <, >, <=, >=, like, between, in, isNull and ${SPATIAL_OPS.join(', ')}.`);
  }
}

function argumentCount(op: string, args: unknown[], n: number) {
  if (args.length !== n) throw new Cql2Error(`${op} takes ${n} argument${n === 1 ? '' : 's'}, got ${args.length}.`);
}

function checkScalar(a: unknown, queryables: readonly string[]): Cql2Scalar {
  if (typeof a === 'string' || typeof a === 'boolean') return a;
  if (typeof a === 'number') {
    if (!Number.isFinite(a)) throw new Cql2Error(`${a} is not a finite number.`);
    return a;
  }
  if (isObject(a)) {
    if (typeof a.property === 'string') {
      if (a.property !== 'id' && !queryables.includes(a.property)) {
        throw new Cql2Error(`"${a.property.slice(0, 60)}" is not a queryable of this collection; its queryables are id, ${queryables.join(', ')} (GET …/queryables).`);
      }
      return { property: a.property };
    }
    if (typeof a.date === 'string') {
      if (!/^\d{4}-\d{2}-\d{2}$/.test(a.date)) throw new Cql2Error(`DATE('${a.date.slice(0, 30)}') is not a date YYYY-MM-DD.`);
      return { date: a.date };
    }
    if (typeof a.timestamp === 'string') {
      if (Number.isNaN(Date.parse(a.timestamp))) throw new Cql2Error(`TIMESTAMP('${a.timestamp.slice(0, 30)}') is not an RFC 3339 timestamp.`);
      return { timestamp: a.timestamp };
    }
  }
  throw new Cql2Error(`Expected a property, a string, a number, a boolean, a DATE or a TIMESTAMP, got ${show(a)}.`);
}

function checkSpatial(a: unknown): Cql2Spatial {
  if (isObject(a) && typeof a.property === 'string') {
    if (a.property !== 'geometry' && a.property !== 'geom') throw new Cql2Error(`Spatial functions compare the features' "geometry" with a geometry; "${a.property.slice(0, 60)}" is not a geometry.`);
    return { property: 'geometry' };
  }
  if (isObject(a) && Array.isArray(a.bbox)) return bboxPolygon(a.bbox);
  return checkGeometry(a);
}

function bboxPolygon(b: unknown[]): Cql2Geometry {
  if (!(b.length === 4 || b.length === 6) || !b.every((v) => typeof v === 'number' && Number.isFinite(v))) throw new Cql2Error('BBOX takes 4 numbers (or 6 with heights).');
  const n = b as number[];
  const [x1, y1, x2, y2] = n.length === 6 ? [n[0], n[1], n[3], n[4]] : n;
  if (x1 > x2 || y1 > y2) throw new Cql2Error('BBOX: the lower corner comes first.');
  return { type: 'Polygon', coordinates: [[[x1, y1], [x2, y1], [x2, y2], [x1, y2], [x1, y1]]] };
}

function checkGeometry(g: unknown): Cql2Geometry {
  if (!isObject(g) || typeof g.type !== 'string') throw new Cql2Error(`Expected a geometry (WKT, GeoJSON or BBOX) or the property "geometry", got ${show(g)}.`);
  const t = g.type;
  switch (t) {
    case 'Point':
      return { type: 'Point', coordinates: position(t, g.coordinates) };
    case 'MultiPoint':
      return { type: 'MultiPoint', coordinates: nonEmpty(t, g.coordinates).map((p) => position(t, p)) };
    case 'LineString':
      return { type: 'LineString', coordinates: positions(t, g.coordinates, 2) };
    case 'MultiLineString':
      return { type: 'MultiLineString', coordinates: nonEmpty(t, g.coordinates).map((l) => positions(t, l, 2)) };
    case 'Polygon':
      return { type: 'Polygon', coordinates: nonEmpty(t, g.coordinates).map((r) => ring(t, r)) };
    case 'MultiPolygon':
      return { type: 'MultiPolygon', coordinates: nonEmpty(t, g.coordinates).map((p) => nonEmpty(t, p).map((r) => ring(t, r))) };
    case 'GeometryCollection':
      return { type: 'GeometryCollection', geometries: nonEmpty(t, g.geometries).map(checkGeometry) };
    default:
      throw new Cql2Error(`"${t.slice(0, 40)}" is not a geometry type.`);
  }
}

/** A position of a geometry of type `type`: 2 or 3 finite numbers, kept as x, y. */
function position(type: string, p: unknown): number[] {
  if (!Array.isArray(p) || p.length < 2 || p.length > 3 || !p.every((v) => typeof v === 'number' && Number.isFinite(v))) throw new Cql2Error(`${type}: a position is 2 or 3 numbers, got ${show(p)}.`);
  return (p as number[]).slice(0, 2);
}

/** A line (at least 2 positions) or a ring (at least 4). */
function positions(type: string, l: unknown, min: number): number[][] {
  if (!Array.isArray(l) || l.length < min) throw new Cql2Error(`${type}: a ${min === 4 ? 'ring' : 'line'} needs at least ${min} positions.`);
  return l.map((p) => position(type, p));
}

function ring(type: string, r: unknown): number[][] {
  const c = positions(type, r, 4);
  if (c[0][0] !== c[c.length - 1][0] || c[0][1] !== c[c.length - 1][1]) throw new Cql2Error(`${type}: a ring must end where it starts.`);
  return c;
}

function nonEmpty(type: string, v: unknown): unknown[] {
  if (!Array.isArray(v) || v.length === 0) throw new Cql2Error(`${type}: coordinates must be a non-empty array.`);
  return v;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const show = (v: unknown) => {
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 60 ? `${s.slice(0, 60)}…` : s;
};
