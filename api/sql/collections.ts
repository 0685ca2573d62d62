import type { CollectionDef } from '../../core/catalog.ts';
import type { SqlQuery } from '../db/db.ts';

export interface ItemsParams {
  /** [minLon, minLat, maxLon, maxLat] in EPSG:4326. */
  bbox?: [number, number, number, number];
  limit: number;
  offset: number;
  /** Equality filters on declared properties, already checked against the catalogue. */
  filters: { property: string; value: string }[];
}

/**
 * One page of a collection's features as a GeoJSON features array (JSON text) plus the number
 * matched. The JSON is built in SQL, so the route only wraps it: no parse/serialise round trip.
 */
export function itemsQuery(c: CollectionDef, p: ItemsParams, shown: string[] | null = null): SqlQuery {
  const values: unknown[] = [];
  const where: string[] = [];
  if (p.bbox) {
    values.push(...p.bbox);
    // `&&` uses the GIST index; ST_Intersects then drops features whose box alone meets the bbox.
    where.push('geom && ST_MakeEnvelope($1, $2, $3, $4, 4326) and ST_Intersects(geom, ST_MakeEnvelope($1, $2, $3, $4, 4326))');
  }
  for (const f of p.filters) {
    values.push(f.property, f.value);
    where.push(`properties->>$${values.length - 1} = $${values.length}`);
  }
  values.push(p.limit, p.offset);
  const n = values.length;
  const filter = where.length ? `where ${where.join(' and ')}` : '';
  if (shown) values.push(shown);
  values.push(nullTemplate(c, shown));
  const t = values.length;
  return {
    text: `with matched as (select id, $${t}::jsonb || ${shown ? propertiesOnly(`$${n + 1}`) : 'properties'} as properties, geom from ${c.id} ${filter}),
      page as (select * from matched order by id limit $${n - 1} offset $${n})
      select (select count(*) from matched)::int as number_matched,
        (select count(*) from page)::int as number_returned,
        coalesce((select json_agg(json_build_object('type', 'Feature', 'id', id,
          'geometry', ST_AsGeoJSON(geom, 6)::json, 'properties', properties) order by id) from page), '[]')::text as features`,
    values,
  };
}

/** One feature as GeoJSON text, or no row. */
export function itemQuery(c: CollectionDef, featureId: string, shown: string[] | null = null, links?: { self: string; collection: string }): SqlQuery {
  const values: unknown[] = [featureId, links?.self ?? null, links?.collection ?? null, nullTemplate(c, shown)];
  if (shown) values.push(shown);
  return {
    text: `select json_build_object('type', 'Feature', 'id', id, 'geometry', ST_AsGeoJSON(geom, 6)::json,
      'properties', $4::jsonb || ${shown ? propertiesOnly('$5') : 'properties'},
      'links', case when $2::text is null then '[]'::json else json_build_array(
        json_build_object('href', $2::text, 'rel', 'self', 'type', 'application/geo+json'),
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
  return JSON.stringify(Object.fromEntries((shown ?? Object.keys(c.properties)).map((k) => [k, null])));
}

/** The properties whose names are in the text[] parameter `param` (what a public reader may see). */
function propertiesOnly(param: string): string {
  return `(select coalesce(jsonb_object_agg(key, value), '{}'::jsonb) from jsonb_each(properties) where key = any(${param}::text[]))`;
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
