import type { CollectionDef } from '../../core/catalog.ts';
import type { SqlQuery } from '../db/db.ts';
import type { CompiledCql2 } from './cql2.ts';

/** An output or bbox coordinate system (api/routes/items-params.ts SERVED_CRS): SRID from that list only. */
export interface CrsChoice {
  srid: number;
  northFirst: boolean;
  digits: number;
  /** [minX, minY, maxX, maxY] east first: where PROJ takes coordinates of this CRS. */
  domain: [number, number, number, number];
}

const STORED: CrsChoice = { srid: 4326, northFirst: false, digits: 6, domain: [-180, -90, 180, 90] };

/** The stored geometry (EPSG:4326, lon/lat) as GeoJSON in `crs`, axes in its EPSG order. */
export function geometryJsonSql(g: string, crs: CrsChoice = STORED): string {
  const t = crs.srid === 4326 ? g : `ST_Transform(${g}, ${Number(crs.srid)})`;
  return `ST_AsGeoJSON(${crs.northFirst ? `ST_FlipCoordinates(${t})` : t}, ${Number(crs.digits)})::json`;
}

/** The envelope of bbox parameters $a..$a+3 (east first, in `crs`) in EPSG:4326; edges densified so a projected box bends as it should. */
function envelopeSql(a: number, crs: CrsChoice): string {
  const box = `ST_MakeEnvelope($${a}, $${a + 1}, $${a + 2}, $${a + 3}, ${Number(crs.srid)})`;
  return crs.srid === 4326 ? box : `ST_Transform(ST_Segmentize(${box}, greatest($${a + 2}::float8 - $${a}::float8, $${a + 3}::float8 - $${a + 1}::float8) / 32), 4326)`;
}

export interface ItemsParams {
  /** [minLon, minLat, maxLon, maxLat] in EPSG:4326. */
  bbox?: [number, number, number, number];
  limit: number;
  offset: number;
  /** Equality filters on declared properties, already checked against the catalogue. */
  filters: { property: string; value: string }[];
  /** The CRS of the bbox numbers (east first here) and of the returned geometries. */
  bboxCrs?: CrsChoice;
  crs?: CrsChoice;
  /** Order (then by id); properties already checked against the catalogue. */
  sortby?: { property: string; descending: boolean }[];
  /** Only these properties (property selection), else all the reader may see. */
  properties?: string[] | null;
  skipGeometry?: boolean;
  /** A checked CQL2 filter, translated (its geometries given in `filter-crs` are transformed in its SQL). */
  cql?: CompiledCql2;
}

/** The properties shown: the reader's (null: all) narrowed to a selection. */
export function selectedProperties(shown: string[] | null, selection: string[] | null | undefined): string[] | null {
  if (!selection) return shown;
  return shown ? selection.filter((k) => shown.includes(k)) : selection;
}

/**
 * One page of a collection's features as a GeoJSON features array (JSON text) plus the number
 * matched. The JSON is built in SQL, so the route only wraps it: no parse/serialise round trip.
 */
/** `versionsOf`: also read those tables' versions (column `versions`) in the same snapshot, for the response cache. */
export function itemsQuery(c: CollectionDef, p: ItemsParams, readerShown: string[] | null = null, versionsOf?: string[]): SqlQuery {
  const shown = selectedProperties(readerShown, p.properties);
  // The filter's values come first: its condition was translated once with parameters $1…$n.
  const values: unknown[] = p.cql ? [...p.cql.values] : [];
  const where: string[] = [];
  if (p.bbox) {
    values.push(...p.bbox);
    const env = envelopeSql(values.length - 3, p.bboxCrs ?? STORED);
    // `&&` uses the GIST index; ST_Intersects then drops features whose box alone meets the bbox.
    where.push(`geom && ${env} and ST_Intersects(geom, ${env})`);
  }
  for (const f of p.filters) {
    values.push(f.property, f.value);
    where.push(`properties->>$${values.length - 1} = $${values.length}`);
  }
  if (p.cql !== undefined) where.push(p.cql.sql);
  // jsonb orders numbers as numbers and strings as text; a missing property sorts last.
  const order = [
    ...(p.sortby ?? []).map((s) => {
      if (s.property === 'id') return `id${s.descending ? ' desc' : ''}`;
      values.push(s.property);
      return `sort_properties->$${values.length}${s.descending ? ' desc' : ''} nulls last`;
    }),
    'id',
  ].join(', ');
  values.push(p.limit, p.offset);
  const n = values.length;
  const filter = where.length ? `where ${where.join(' and ')}` : '';
  if (shown) values.push(shown);
  values.push(nullTemplate(c, shown));
  const t = values.length;
  const geometry = p.skipGeometry ? 'null::json' : geometryJsonSql('geom', p.crs);
  if (versionsOf) values.push(versionsOf);
  return {
    text: `with matched as (select id, $${t}::jsonb || ${shown ? propertiesOnly(`$${n + 1}`) : 'properties'} as properties, properties as sort_properties, geom from ${c.id} ${filter}),
      page as (select * from matched order by ${order} limit $${n - 1} offset $${n})
      select (select count(*) from matched)::int as number_matched,
        (select count(*) from page)::int as number_returned,
        coalesce((select json_agg(json_build_object('type', 'Feature', 'id', id,
          'geometry', ${geometry}, 'properties', properties) order by ${order}) from page), '[]')::text as features${versionsOf ? `,
        ${versionsColumnSql(`$${values.length}`)}` : ''}`,
    values,
  };
}

/** A select-list column `versions`: the versions of the tables named in the text[] parameter `param`, as the cache compares them. */
export function versionsColumnSql(param: string): string {
  return `(select string_agg(id || ':' || version, ',' order by id) from collection_versions where id = any(${param}::text[])) as versions`;
}

/** One feature as GeoJSON text, or no row. */
export function itemQuery(
  c: CollectionDef,
  featureId: string,
  readerShown: string[] | null = null,
  links?: { self: string; alternate?: string; collection: string },
  out: { crs?: CrsChoice; properties?: string[] | null; skipGeometry?: boolean } = {},
): SqlQuery {
  const shown = selectedProperties(readerShown, out.properties);
  const values: unknown[] = [featureId, links?.self ?? null, links?.collection ?? null, nullTemplate(c, shown), links?.alternate ?? null];
  if (shown) values.push(shown);
  return {
    text: `select json_build_object('type', 'Feature', 'id', id, 'geometry', ${out.skipGeometry ? 'null::json' : geometryJsonSql('geom', out.crs)},
      'properties', $4::jsonb || ${shown ? propertiesOnly('$6') : 'properties'},
      'links', case when $2::text is null then '[]'::json else json_build_array(
        json_build_object('href', $2::text, 'rel', 'self', 'type', 'application/geo+json'),
        json_build_object('href', coalesce($5::text, $2::text), 'rel', 'alternate', 'type', case when $5::text is null then 'application/geo+json' else 'text/html' end),
        json_build_object('href', $3::text, 'rel', 'collection', 'type', 'application/json')) end)::text as feature
      from ${c.id} where id = $1`,
    values,
  };
}

/**
 * Every declared (and shown) property as null, under the feature's own values: each feature then
 * carries the full schema, so clients that build columns from the first page (GDAL, QGIS) see all.
 */
function nullTemplate(c: CollectionDef, shown: string[] | null): string {
  if (shown) return JSON.stringify(Object.fromEntries(shown.map((k) => [k, null])));
  let all = allNull.get(c);
  if (all === undefined) allNull.set(c, (all = JSON.stringify(Object.fromEntries(Object.keys(c.properties).map((k) => [k, null])))));
  return all;
}
/** The template of every property, per collection definition (a reloaded catalogue makes new ones). */
const allNull = new WeakMap<CollectionDef, string>();

/**
 * SQL: the members of the jsonb `properties` whose names are in the text[] parameter `param` (what a
 * public reader may see; what a tile carries); `dropNulls` also leaves out those whose value is null.
 */
export function propertiesOnly(param: string, properties = 'properties', dropNulls = false): string {
  return `(select coalesce(jsonb_object_agg(key, value), '{}'::jsonb) from jsonb_each(${properties}) where key = any(${param}::text[])${dropNulls ? ` and value <> 'null'::jsonb` : ''})`;
}

/** Spatial extent (EPSG:4326) and feature count of a collection. */
export function extentQuery(c: CollectionDef): SqlQuery {
  return {
    text: `select ST_XMin(e)::float8 as xmin, ST_YMin(e)::float8 as ymin, ST_XMax(e)::float8 as xmax,
      ST_YMax(e)::float8 as ymax, n from (select ST_Extent(geom)::geometry as e, count(*)::int as n from ${c.id}) s`,
    values: [],
  };
}

/** Provenance of every imported dataset. */
export function datasetsQuery(): SqlQuery {
  return {
    text: 'select id, provenance, feature_count, imported_at::text as imported_at from datasets order by id',
    values: [],
  };
}
