/**
 * A checked CQL2 filter (api/cql2/cql2.ts) as a SQL condition on a collection's table: every
 * literal a bound parameter, every property looked up in the catalogue for its type (a number
 * property compares as numeric, and a value of another JSON type there is null, never a cast
 * error), geometries in `filter-crs` transformed to the stored EPSG:4326.
 */
import type { CollectionDef } from '../../core/catalog.ts';
import { Cql2Error, type Cql2Expr, type Cql2Geometry, type Cql2Scalar, type Cql2Spatial } from '../cql2/cql2.ts';
import type { CrsChoice } from './collections.ts';

type Kind = 'string' | 'number' | 'boolean';

export interface Cql2SqlContext {
  def: CollectionDef;
  /** The query's parameters so far; the filter's are appended. */
  values: unknown[];
  filterCrs: CrsChoice;
}

const SPATIAL_SQL: Record<string, (a: string, b: string) => string> = {
  s_intersects: (a, b) => `ST_Intersects(${a}, ${b})`,
  s_disjoint: (a, b) => `not ST_Intersects(${a}, ${b})`,
  s_equals: (a, b) => `ST_Equals(${a}, ${b})`,
  s_touches: (a, b) => `ST_Touches(${a}, ${b})`,
  s_within: (a, b) => `ST_Within(${a}, ${b})`,
  s_overlaps: (a, b) => `ST_Overlaps(${a}, ${b})`,
  s_crosses: (a, b) => `ST_Crosses(${a}, ${b})`,
  s_contains: (a, b) => `ST_Contains(${a}, ${b})`,
};

/**
 * A checked filter translated once: `sql` is a condition whose parameters are `$1…$n`, bound to
 * `values`; a statement that puts these values first takes `sql` as it is (api/sql/collections.ts).
 */
export interface CompiledCql2 {
  expr: Cql2Expr;
  sql: string;
  values: readonly unknown[];
}

/** Translates a checked filter for `def` with its geometries in `filterCrs` (throws Cql2Error on a type error). */
export function compileCql2(expr: Cql2Expr, def: CollectionDef, filterCrs: CrsChoice): CompiledCql2 {
  const values: unknown[] = [];
  return { expr, sql: cql2Sql(expr, { def, values, filterCrs }), values };
}

export function cql2Sql(e: Cql2Expr, ctx: Cql2SqlContext): string {
  // Plain functions of ctx, not closures made per call: the server runs through tsx, which names each closure as it is made.
  return walk(e, ctx);
}

function bind(ctx: Cql2SqlContext, v: unknown, cast: string): string {
  ctx.values.push(v);
  return `$${ctx.values.length}::${cast}`;
}

function kindOf(ctx: Cql2SqlContext, s: Cql2Scalar): Kind {
  if (typeof s === 'string' || (typeof s === 'object' && !('property' in s))) return 'string';
  if (typeof s === 'number') return 'number';
  if (typeof s === 'boolean') return 'boolean';
  if (s.property === 'id') return 'string';
  const t = ctx.def.properties[s.property]?.type;
  return t === 'number' || t === 'integer' ? 'number' : t === 'boolean' ? 'boolean' : 'string';
}

function scalarSql(ctx: Cql2SqlContext, s: Cql2Scalar): string {
  if (typeof s === 'object' && 'property' in s) {
    if (s.property === 'id') return 'id';
    const k = bind(ctx, s.property, 'text');
    const kind = kindOf(ctx, s);
    if (kind === 'string') return `(properties->>${k})`;
    // A value of another JSON type (a string in a number field) is null here, not a cast error.
    return `(case when jsonb_typeof(properties->${k}) = '${kind}' then (properties->>${k})::${kind === 'number' ? 'numeric' : 'boolean'} end)`;
  }
  if (typeof s === 'object') return bind(ctx, 'date' in s ? s.date : s.timestamp, 'text');
  return bind(ctx, s, typeof s === 'number' ? 'numeric' : typeof s === 'boolean' ? 'boolean' : 'text');
}

function label(s: Cql2Scalar): string {
  return typeof s === 'object' && 'property' in s ? `property ${s.property}` : JSON.stringify(s);
}

/** The one kind of the compared values; a 400 naming the first that differs. */
function sameKind(ctx: Cql2SqlContext, op: string, xs: Cql2Scalar[]): Kind {
  const first = kindOf(ctx, xs[0]);
  for (let i = 1; i < xs.length; i++) {
    const k = kindOf(ctx, xs[i]);
    if (k !== first) throw new Cql2Error(`${op} compares ${label(xs[0])} (${first}) with ${label(xs[i])} (${k}); give values of the property's type.`);
  }
  return first;
}

function geometrySql(ctx: Cql2SqlContext, g: Cql2Spatial): string {
  if ('property' in g) return 'geom';
  const c = ctx.filterCrs;
  const literal = c.northFirst ? swapAxes(g) : g;
  checkDomain(literal, c);
  const parsed = `ST_SetSRID(ST_GeomFromGeoJSON(${bind(ctx, JSON.stringify(literal), 'text')}), ${Number(c.srid)})`;
  // A self-intersecting literal is repaired rather than failing the query.
  return `ST_MakeValid(${c.srid === 4326 ? parsed : `ST_Transform(${parsed}, 4326)`})`;
}

function walk(x: Cql2Expr, ctx: Cql2SqlContext): string {
  if (typeof x === 'boolean') return x ? 'true' : 'false';
  switch (x.op) {
    case 'and':
    case 'or':
      return `(${x.args.map((a) => walk(a, ctx)).join(` ${x.op} `)})`;
    case 'not':
      return `(not ${walk(x.args[0], ctx)})`;
    case 'like':
      if (sameKind(ctx, 'like', x.args) !== 'string') throw new Cql2Error('like compares strings.');
      // The pattern is a literal: a property as pattern, or one ending in a lone escape, would fail in PostgreSQL.
      if (typeof x.args[1] !== 'string') throw new Cql2Error('like takes a literal pattern as its second argument.');
      if (/(^|[^\\])(\\\\)*\\$/.test(x.args[1])) throw new Cql2Error(`The like pattern '${x.args[1].slice(0, 40)}' ends with the escape character \\; write \\\\ for a backslash.`);
      return `(${scalarSql(ctx, x.args[0])} like ${scalarSql(ctx, x.args[1])})`;
    case 'between': {
      const k = sameKind(ctx, 'between', x.args);
      if (k === 'boolean') throw new Cql2Error('between takes numbers or strings.');
      return `(${scalarSql(ctx, x.args[0])} between ${scalarSql(ctx, x.args[1])} and ${scalarSql(ctx, x.args[2])})`;
    }
    case 'in': {
      const [a, list] = x.args;
      const k = sameKind(ctx, 'in', [a, ...list]);
      if (list.some((v) => typeof v === 'object')) throw new Cql2Error('in takes a list of literal values.');
      return `(${scalarSql(ctx, a)} = any(${bind(ctx, list, k === 'number' ? 'numeric[]' : k === 'boolean' ? 'boolean[]' : 'text[]')}))`;
    }
    case 'isNull': {
      const a = x.args[0];
      if (typeof a === 'object' && 'property' in a && a.property !== 'id') return `(properties->${bind(ctx, a.property, 'text')} is null or jsonb_typeof(properties->$${ctx.values.length}) = 'null')`;
      return '(false)';
    }
    case '=':
    case '<>':
    case '<':
    case '>':
    case '<=':
    case '>=': {
      const k = sameKind(ctx, x.op, x.args);
      if (k === 'boolean' && x.op !== '=' && x.op !== '<>') throw new Cql2Error(`${x.op} does not order booleans; use = or <>.`);
      return `(${scalarSql(ctx, x.args[0])} ${x.op} ${scalarSql(ctx, x.args[1])})`;
    }
    default:
      return `(${SPATIAL_SQL[x.op](geometrySql(ctx, x.args[0]), geometrySql(ctx, x.args[1]))})`;
  }
}

function mapPositions(g: Cql2Geometry, fn: (p: number[]) => number[]): Cql2Geometry {
  if (g.type === 'GeometryCollection') return { type: g.type, geometries: g.geometries.map((x) => mapPositions(x, fn)) };
  return { ...g, coordinates: mapCoordinates(g.coordinates, fn) } as Cql2Geometry;
}

function mapCoordinates(c: unknown, fn: (p: number[]) => number[]): unknown {
  return typeof (c as unknown[])[0] === 'number' ? fn(c as number[]) : (c as unknown[]).map((x) => mapCoordinates(x, fn));
}

/** Literal coordinates written as the CRS orders its axes (lat, lon; northing, easting) turned to x, y. */
const swapAxes = (g: Cql2Geometry) => mapPositions(g, (p) => [p[1], p[0]]);

/** Positions outside the CRS's domain would fail in ST_Transform: said here, as a 400. */
function checkDomain(g: Cql2Geometry, c: CrsChoice) {
  const [x1, y1, x2, y2] = c.domain;
  mapPositions(g, (p) => {
    if (p[0] < x1 || p[0] > x2 || p[1] < y1 || p[1] > y2) {
      throw new Cql2Error(
        c.srid === 4326 || c.srid === 4490
          ? `The geometry's position ${p[0]} ${p[1]} is not a longitude and latitude; give filter-crs for other coordinates.`
          : `The geometry's position ${p[0]} ${p[1]} lies outside what EPSG:${c.srid} can describe; check the numbers and their axis order.`,
      );
    }
    return p;
  });
}
