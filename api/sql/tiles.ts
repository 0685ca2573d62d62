/**
 * Vector tiles of a collection (OGC API – Tiles, WebMercatorQuad): the features of one tile with the
 * properties the map draws and labels, prepared in EPSG:3857 the same way for both databases —
 * simplified to a fraction of a tile unit, and polygons smaller than two screen pixels replaced by the
 * pixels they lie in (runs of occupied pixels along a pixel row merged into one rectangle, with the
 * count it stands for), so small parcels stay visible at low zooms instead of vanishing (no holes in a
 * parcel layer at z10), and a tile of 100 000 parcels stays a few hundred strips. The PostgreSQL server encodes the tile with
 * `ST_AsMVT`; PGlite's PostGIS has no protobuf, so there the prepared features come back as GeoJSON
 * and `api/tiles/cut.ts` encodes them (geojson-vt + vt-pbf).
 */
import type { CollectionDef } from '../../core/catalog.ts';
import type { SqlQuery } from '../db/db.ts';
import { propertiesOnly } from './collections.ts';

/** Tile units per tile side (the MVT default). */
export const TILE_EXTENT = 4096;
/** Tile units kept around the tile so lines and fills meet across tile edges. */
export const TILE_BUFFER = 64;
/** Screen pixels per tile side as MapLibre draws vector tiles. */
const TILE_PIXELS = 512;
/** Polygons smaller than this many screen pixels across are drawn as the pixel they lie in. */
export const TINY_PIXELS = 2;
/** Web Mercator's half width in metres. */
const WORLD = 20037508.342789244;

/** SQL: the EPSG:3857 northing of a latitude in degrees. */
const MERC_Y = (lat: string) => `ln(tan(pi() / 4 + radians(${lat}) / 2)) * ${WORLD / Math.PI}`;

/** SQL: the members of jsonb `properties` named in the text[] `param` that are not null (a tile has no nulls). */
const propsOf = (properties: string, param: string) => propertiesOnly(param, properties, true);

/**
 * The prepared features of tile z/x/y ($1, $2, $3) with the properties named in the text[] $4 (and
 * only those named in $5 on the pixel strips of tiny polygons), as CTE `p(props, g, env)`: `g` in
 * EPSG:3857, `env` the tile's envelope.
 */
function preparedCte(c: CollectionDef): string {
  return `with t as (select ST_TileEnvelope($1::int, $2::int, $3::int) as env),
    s as (select env, (ST_XMax(env) - ST_XMin(env)) / ${TILE_PIXELS} as px, (ST_XMax(env) - ST_XMin(env)) * ${TILE_BUFFER / TILE_EXTENT} as m from t),
    -- The buffered tile in EPSG:4326, clamped to the Mercator world, so the GIST index on geom is used.
    b as (select env, px, ST_Transform(ST_MakeEnvelope(greatest(ST_XMin(env) - m, -${WORLD}), greatest(ST_YMin(env) - m, -${WORLD}),
            least(ST_XMax(env) + m, ${WORLD}), least(ST_YMax(env) + m, ${WORLD}), 3857), 4326) as box from s),
    -- Each feature's box in EPSG:3857 from its EPSG:4326 box (cheap: no geometry is transformed yet).
    f as (select c.id, c.properties, c.geom,
            (ST_XMax(c.geom) - ST_XMin(c.geom)) * ${WORLD / 180} as w,
            (${MERC_Y('ST_YMax(c.geom)')} - ${MERC_Y('ST_YMin(c.geom)')}) as h,
            (ST_XMin(c.geom) + ST_XMax(c.geom)) / 2 * ${WORLD / 180} as mx,
            (${MERC_Y('ST_YMax(c.geom)')} + ${MERC_Y('ST_YMin(c.geom)')}) / 2 as my
          from ${c.id} c, b where c.geom && b.box and ST_Intersects(c.geom, b.box)),
    -- A polygon under ${TINY_PIXELS} screen pixels across is 'tiny' (no one tells such parcels apart): it is drawn as the pixel it lies in.
    k as (select f.*, ST_Dimension(f.geom) = 2 and greatest(f.w, f.h) < ${TINY_PIXELS} * b.px as tiny from f, b),
    p as (select ${propsOf('k.properties', '$4')} || jsonb_build_object('id', k.id) as props, b.env,
            case when ST_Dimension(k.geom) > 0 then ST_SimplifyPreserveTopology(ST_Transform(k.geom, 3857), b.px / 8) else ST_Transform(k.geom, 3857) end as g
          from k, b where not k.tiny
        union all
        -- One rectangle per run of occupied pixels (on the world's pixel grid) along a pixel row that draw alike,
        -- carrying how many parcels it stands for: a dense parcel layer at a low zoom is a solid area of a few
        -- hundred strips, not 100 000 specks (nor 25 000 pixel squares a tile, whose vertices cost a software
        -- renderer seconds a frame). A pixel takes the drawing properties ($5) of its first parcel; a run is
        -- consecutive pixels of a row with the same ones (gaps and islands: column minus rank). No id: a strip
        -- is no parcel to click on.
        select sq.props || jsonb_build_object('merged', sum(sq.n)), b.env,
            ST_MakeEnvelope(min(sq.cx) * b.px, sq.cy * b.px, (max(sq.cx) + 1) * b.px, (sq.cy + 1) * b.px, 3857)
          from (select cx, cy, props, n, cx - row_number() over (partition by cy, props order by cx) as run
                from (select q.cx, q.cy, ${propsOf('(array_agg(q.properties order by q.id))[1]', '$5')} as props, count(*) as n
                      from (select k.id, k.properties, floor(k.mx / k2.px) as cx, floor(k.my / k2.px) as cy from k, b k2 where k.tiny) q
                      group by q.cx, q.cy) px) sq, b
          group by sq.cy, sq.props, sq.run, b.env, b.px)`;
}

/** The properties a tile carries: all of `properties` on features, `styleProperties` on the pixel strips of tiny ones. */
export interface TileProperties {
  properties: string[];
  styleProperties: string[];
}

/** The tile as MVT bytes (one layer named `layer`, $6), empty when no feature is in it: PostgreSQL server. */
export function mvtTileQuery(c: CollectionDef, z: number, x: number, y: number, props: TileProperties, layer: string): SqlQuery {
  return {
    text: `${preparedCte(c)}
      select ST_AsMVT(q, $6::text, ${TILE_EXTENT}, 'geom') as tile
      from (select props, ST_AsMVTGeom(g, env, ${TILE_EXTENT}, ${TILE_BUFFER}, true) as geom from p) q where geom is not null`,
    values: [z, x, y, props.properties, props.styleProperties, layer],
  };
}

/** The tile's prepared features as GeoJSON Feature texts in EPSG:4326, for encoding in Node: embedded database. */
export function tileFeaturesQuery(c: CollectionDef, z: number, x: number, y: number, props: TileProperties): SqlQuery {
  return {
    text: `${preparedCte(c)}
      select json_build_object('type', 'Feature', 'geometry', ST_AsGeoJSON(ST_Transform(g, 4326), 8)::json, 'properties', props)::text as feature from p`,
    values: [z, x, y, props.properties, props.styleProperties],
  };
}
