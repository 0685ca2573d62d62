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

export function cql2Sql(e: Cql2Expr, ctx: Cql2SqlContext): string {
  const bind = (v: unknown, cast: string) => {
    ctx.values.push(v);
    return `$${ctx.values.length}::${cast}`;
  };
  const kindOf = (s: Cql2Scalar): Kind => {
    if (typeof s === 'string' || (typeof s === 'object' && !('property' in s))) return 'string';
    if (typeof s === 'number') return 'number';
    if (typeof s === 'boolean') return 'boolean';
    if (s.property === 'id') return 'string';
    const t = ctx.def.properties[s.property]?.type;
    return t === 'number' || t === 'integer' ? 'number' : t === 'boolean' ? 'boolean' : 'string';
  };
  const scalarSql = (s: Cql2Scalar): string => {
    if (typeof s === 'object' && 'property' in s) {
      if (s.property === 'id') return 'id';
      const k = bind(s.property, 'text');
      const kind = kindOf(s);
      if (kind === 'string') return `(properties->>${k})`;
      // A value of another JSON type (a string in a number field) is null here, not a cast error.
      return `(case when jsonb_typeof(properties->${k}) = '${kind}' then (properties->>${k})::${kind === 'number' ? 'numeric' : 'boolean'} end)`;
    }
    if (typeof s === 'object') return bind('date' in s ? s.date : s.timestamp, 'text');
    return bind(s, typeof s === 'number' ? 'numeric' : typeof s === 'boolean' ? 'boolean' : 'text');
  };
  const label = (s: Cql2Scalar) => (typeof s === 'object' && 'property' in s ? `property ${s.property}` : JSON.stringify(s));
  const same = (op: string, ...xs: Cql2Scalar[]) => {
    const kinds = xs.map(kindOf);
    const i = kinds.findIndex((k) => k !== kinds[0]);
    if (i > 0) throw new Cql2Error(`${op} compares ${label(xs[0])} (${kinds[0]}) with ${label(xs[i])} (${kinds[i]}); give values of the property's type.`);
    return kinds[0];
  };
  const geometrySql = (g: Cql2Spatial): string => {
    if ('property' in g) return 'geom';
    const c = ctx.filterCrs;
    const literal = c.northFirst ? swapAxes(g) : g;
    checkDomain(literal, c);
    const parsed = `ST_SetSRID(ST_GeomFromGeoJSON(${bind(JSON.stringify(literal), 'text')}), ${Number(c.srid)})`;
    // A self-intersecting literal is repaired rather than failing the query.
    return `ST_MakeValid(${c.srid === 4326 ? parsed : `ST_Transform(${parsed}, 4326)`})`;
  };
  const walk = (x: Cql2Expr): string => {
    if (typeof x === 'boolean') return x ? 'true' : 'false';
    switch (x.op) {
      case 'and':
      case 'or':
        return `(${x.args.map(walk).join(` ${x.op} `)})`;
      case 'not':
        return `(not ${walk(x.args[0])})`;
      case 'like':
        if (same('like', x.args[0], x.args[1]) !== 'string') throw new Cql2Error('like compares strings.');
        // The pattern is a literal: a property as pattern, or one ending in a lone escape, would fail in PostgreSQL.
        if (typeof x.args[1] !== 'string') throw new Cql2Error('like takes a literal pattern as its second argument.');
        if (/(^|[^\\])(\\\\)*\\$/.test(x.args[1])) throw new Cql2Error(`The like pattern '${x.args[1].slice(0, 40)}' ends with the escape character \\; write \\\\ for a backslash.`);
        return `(${scalarSql(x.args[0])} like ${scalarSql(x.args[1])})`;
      case 'between': {
        const k = same('between', ...x.args);
        if (k === 'boolean') throw new Cql2Error('between takes numbers or strings.');
        return `(${scalarSql(x.args[0])} between ${scalarSql(x.args[1])} and ${scalarSql(x.args[2])})`;
      }
      case 'in': {
        const [a, list] = x.args;
        const k = same('in', a, ...list);
        if (list.some((v) => typeof v === 'object')) throw new Cql2Error('in takes a list of literal values.');
        return `(${scalarSql(a)} = any(${bind(list, k === 'number' ? 'numeric[]' : k === 'boolean' ? 'boolean[]' : 'text[]')}))`;
      }
      case 'isNull': {
        const a = x.args[0];
        if (typeof a === 'object' && 'property' in a && a.property !== 'id') return `(properties->${bind(a.property, 'text')} is null or jsonb_typeof(properties->$${ctx.values.length}) = 'null')`;
        return '(false)';
      }
      case '=':
      case '<>':
      case '<':
      case '>':
      case '<=':
      case '>=': {
        const k = same(x.op, x.args[0], x.args[1]);
        if (k === 'boolean' && x.op !== '=' && x.op !== '<>') throw new Cql2Error(`${x.op} does not order booleans; use = or <>.`);
        return `(${scalarSql(x.args[0])} ${x.op} ${scalarSql(x.args[1])})`;
      }
      default:
        return `(${SPATIAL_SQL[x.op](geometrySql(x.args[0]), geometrySql(x.args[1]))})`;
    }
  };
  return walk(e);
}

function mapPositions(g: Cql2Geometry, fn: (p: number[]) => number[]): Cql2Geometry {
  if (g.type === 'GeometryCollection') return { type: g.type, geometries: g.geometries.map((x) => mapPositions(x, fn)) };
  const walk = (c: unknown): unknown => (typeof (c as unknown[])[0] === 'number' ? fn(c as number[]) : (c as unknown[]).map(walk));
  return { ...g, coordinates: walk(g.coordinates) } as Cql2Geometry;
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
