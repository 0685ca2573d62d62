import type { SqlQuery } from '../db/db.ts';

import { MIN_GAP_SQUARE_METERS, NETWORK_BUFFER_QUAD_SEGS, type AreaSpec, type CoverageFigures, type CoverageSpec } from '../../core/analysis/coverage-rules.ts';
export { COVERAGE_METHOD, COVERAGE_METHOD_ZH } from '../../core/analysis/coverage-rules.ts';
export type { AreaSpec, CoverageSpec } from '../../core/analysis/coverage-rules.ts';

/** Most per-sub-area rows (features of the denominator layer) in a response. */
export const MAX_SUB_AREAS = 2000;

/** Segments per quarter circle of every buffer: 64-gon circles lose 0.16 % of the circle's area. */
const QUAD_SEGS = 16;

/** Segments per quarter circle of the street buffers of the network method (octagon ends; shared with the browser's estimate). */
const NETWORK_QUAD_SEGS = NETWORK_BUFFER_QUAD_SEGS;

/**
 * Grid (m, EPSG:4546) of every overlay: a fixed-precision overlay snap-rounds to 1 mm and never needs
 * GEOS's exception-driven fallback, which embedded PGlite (WebAssembly) cannot run: there a failing
 * overlay silently yields no row instead of an error.
 */
export const GRID_METERS = 0.001;

/** Geodesic area in square metres of a geometry held in EPSG:4546. */
const m2 = (g: string) => `ST_Area(ST_Transform(${g}, 4326)::geography)`;

/**
 * The common CTEs: `area_rows` (rows matched by the area spec), `area` (its polygons dissolved, EPSG:4546),
 * `fac_all` (facilities after the property filter, with their radius), `extra`, `base_cover` (union
 * of the facility buffers that reach the area), `cover` (with the what-if buffers) and `parts`
 * (covered and gap geometry, EPSG:4546). Pushes its values onto `values`.
 */
export function coverageCtes(spec: CoverageSpec, values: unknown[]): string {
  const p = (v: unknown) => {
    values.push(v);
    return `$${values.length}`;
  };
  let areaTable: string;
  let areaWhere = '';
  if (spec.area.kind === 'collection') areaTable = spec.area.collection;
  else if (spec.area.kind === 'district') {
    areaTable = 'district';
    areaWhere = `where properties->>'adcode' = ${p(spec.area.adcode)}`;
  } else {
    areaTable = 'zones';
    areaWhere = `where id = ${p(spec.area.zoneId)}`;
  }
  const tierMin = p(spec.tiers.map((t) => t.minAreaSquareMeters));
  const tierRadius = p(spec.tiers.map((t) => t.radiusMeters));
  const includePlanned = p(spec.includePlanned);
  const extraLon = p(spec.extra.map((e) => e.lonLat[0]));
  const extraLat = p(spec.extra.map((e) => e.lonLat[1]));
  const extraRadius = p(spec.extra.map((e) => e.radiusMeters));
  const extraLines = p(spec.extra.map((e) => e.serviceLines ?? null));
  const bufferMeters = p(spec.networkCover?.bufferMeters ?? 0);
  // Every facility source, tagged with its index (src): the first is the main collection.
  const facSql = spec.sources
    .map((s, i) => {
      const filters = s.filters.map((f) => `and f.properties->>${p(f.property)} = any(${p(f.values)}::text[])`).join(' ');
      return `select ${i}::int as src, f.geom, coalesce(f.properties->>'status', 'existing') as status,
        (select t.r from unnest(${tierMin}::float8[], ${tierRadius}::float8[]) as t(m, r)
          where coalesce(case when jsonb_typeof(f.properties->'area_square_meters') = 'number'
              then (f.properties->>'area_square_meters')::float8 end,
            case when ST_Dimension(f.geom) = 2 then ST_Area(f.geom::geography) end, 0) >= t.m
          order by t.m desc limit 1) as radius
      from ${s.collection} f where true ${filters}`;
    })
    .join(' union all ');
  const valid = (g: string) => `ST_CollectionExtract(case when ST_IsValid(${g}) then ${g} else ST_MakeValid(${g}) end, 3)`;
  // The measured land: the area's polygons, or with a denominator their intersection with its polygons.
  const areaCte = spec.denominator
    ? `area0 as (select ST_UnaryUnion(ST_Transform(ST_Collect(${valid('geom')}), 4546), ${GRID_METERS}) as g
        from ${areaTable} ${areaWhere ? `${areaWhere} and` : 'where'} geom is not null),
      den_feat as (select d.id, d.properties->>'name_zh' as name_zh, d.properties->>'name_en' as name_en,
          ST_CollectionExtract(ST_Intersection(ST_Transform(${valid('d.geom')}, 4546), a0.g, ${GRID_METERS}), 3) as g
        from ${spec.denominator} d, area0 a0 where d.geom is not null and a0.g is not null
          and ST_Transform(d.geom, 4546) && a0.g and ST_Intersects(ST_Transform(d.geom, 4546), a0.g)),
      -- Dissolved where they overlap: polygons within 1 mm of each other (overlapping, touching) form a
      -- cluster, unioned; one that is near no other is taken as it is. One fixed-precision union of every
      -- polygon took ~1 ms a polygon (5 s for 4 800 parcels, ~55 s for 48 000); the clusters take ~10 µs.
      den_cl as (select g, ST_ClusterDBSCAN(g, ${GRID_METERS}, 1) over () as cl from den_feat where not ST_IsEmpty(g)),
      den_union as (select case when count(*) = 1 then ST_Collect(g) else ST_UnaryUnion(ST_Collect(g), ${GRID_METERS}) end as g from den_cl group by cl),
      area as (select ST_Collect(d.geom) as g from den_union u, ST_Dump(u.g) d where ST_Dimension(d.geom) = 2)`
    : `area as (select ST_UnaryUnion(ST_Transform(ST_Collect(${valid('geom')}), 4546), ${GRID_METERS}) as g
        from ${areaTable} ${areaWhere ? `${areaWhere} and` : 'where'} geom is not null),
      area0 as (select g from area)`;
  const baseCover = spec.networkCover
    ? // Each reached piece buffered, then one fixed-precision union (robust on PGlite's GEOS too). A union
      // per 2 km tile first, then of the tiles, measured no clear gain (±10 %, bench-network).
      `base_cover as (select ST_Union(ST_Buffer(d.geom, ${bufferMeters}::float8, 'quad_segs=${NETWORK_QUAD_SEGS}'), ${GRID_METERS}) as g
        from ST_Dump(ST_SetSRID(ST_GeomFromGeoJSON(${p(spec.networkCover.lines ?? '{"type":"MultiLineString","coordinates":[]}')}), 4546)) d)`
    : `base_cover as (select ST_Union(ST_Buffer(g, radius, 'quad_segs=${QUAD_SEGS}'), ${GRID_METERS}) as g from near)`;
  return `area_rows as (select count(*)::int as n, count(geom)::int as with_geom,
        array_remove(array_agg(distinct properties->>'quality'), null) as qualities,
        min(properties->>'name_zh') as name_zh, min(properties->>'name_en') as name_en from ${areaTable} ${areaWhere}),
    -- Polygons only (points and lines of a mixed layer have no area); invalid rings repaired.
    ${areaCte},
    fac_all as (${facSql}),
    counted as (select row_number() over () as i, src, ST_Transform(geom, 4546) as g, radius from fac_all
      where geom is not null and radius is not null and (${includePlanned}::boolean or status = 'existing')),
    area_polys as (select d.geom as g from area a, ST_Dump(a.g) d where ST_Dimension(d.geom) = 2),
    -- Only buffers that reach the area matter. Measured against the whole area (ST_DWithin, or a
    -- prepared test), each facility reads every vertex of it: facilities × polygons of a denominator
    -- layer (10 000 × 48 000: 90 s). Instead a grid join: square cells as wide as the largest radius
    -- (at least 250 m); each cell holds the area's pieces (polygons, large ones subdivided) whose box
    -- touches it; each facility is measured exactly (ST_DWithin) against the pieces of the cells its
    -- reach touches (at most 3 × 3).
    near_cell as (select greatest(250, max(radius)) as s from counted),
    near_area as materialized (select x as cx, y as cy, ST_Collect(p.g) as g
      from (select ST_Subdivide(g, 256) as g from area_polys) p, near_cell n,
        generate_series(floor(ST_XMin(p.g) / n.s)::int, floor(ST_XMax(p.g) / n.s)::int) x,
        generate_series(floor(ST_YMin(p.g) / n.s)::int, floor(ST_YMax(p.g) / n.s)::int) y
      group by x, y),
    near_fac as materialized (select c.i, c.g, c.radius, x as cx, y as cy from counted c, near_cell n,
        generate_series(floor((ST_XMin(c.g) - c.radius) / n.s)::int, floor((ST_XMax(c.g) + c.radius) / n.s)::int) x,
        generate_series(floor((ST_YMin(c.g) - c.radius) / n.s)::int, floor((ST_YMax(c.g) + c.radius) / n.s)::int) y),
    -- Each step materialized and the facility carried with its cells: otherwise PostgreSQL planned
    -- ST_DWithin of every facility with every cell before matching the cells (1 000 facilities ×
    -- 48 000 parcels: 5 s).
    near_ids as materialized (select distinct f.i from near_fac f
        join near_area a on a.cx = f.cx and a.cy = f.cy
        where ST_DWithin(f.g, a.g, f.radius)),
    near as (select c.g, c.radius from counted c join near_ids n on n.i = c.i),
    extra as (select e.ord::int as ord,
        case when e.sl is null then ST_Buffer(ST_Transform(ST_SetSRID(ST_MakePoint(e.lon, e.lat), 4326), 4546), e.r, 'quad_segs=${QUAD_SEGS}')
          else (select ST_Union(ST_Buffer(d.geom, ${bufferMeters}::float8, 'quad_segs=${NETWORK_QUAD_SEGS}'), ${GRID_METERS})
            from ST_Dump(ST_SetSRID(ST_GeomFromGeoJSON(e.sl), 4546)) d) end as b
      from unnest(${extraLon}::float8[], ${extraLat}::float8[], ${extraRadius}::float8[], ${extraLines}::text[]) with ordinality as e(lon, lat, r, sl, ord)),
    -- ST_Union (cascaded union) dissolves overlapping circles, so overlaps are counted once.
    ${baseCover},
    cover as (select case when not exists (select 1 from extra) then (select g from base_cover)
        else (select ST_Union(g, ${GRID_METERS}) from (select g from base_cover union all select b from extra) s) end as g),
    -- Covered part and gaps, polygon by polygon of the area (one overlay of a 100 000-polygon area
    -- with the cover nodes all of it): whole or nothing for most by tests against the cover prepared
    -- once, an overlay only across the cover's edge. The polygons are disjoint, so the pieces collected
    -- are the overlay of the whole. Overlays can return a collection with slivers of lines and points:
    -- keep the polygons only.
    poly_parts as (select case when ST_Covers(c.g, ap.g) then ap.g when not ST_Intersects(c.g, ap.g) then null
            else ST_CollectionExtract(ST_Intersection(ap.g, c.g, ${GRID_METERS}), 3) end as covered,
          case when ST_Covers(c.g, ap.g) then null when not ST_Intersects(c.g, ap.g) then ap.g
            else ST_CollectionExtract(ST_Difference(ap.g, c.g, ${GRID_METERS}), 3) end as gaps
        from area_polys ap, cover c where c.g is not null),
    parts as (select a.g as area,
        case when a.g is null or c.g is null then null
          else coalesce((select ST_Collect(d.geom) from poly_parts pp, ST_Dump(pp.covered) d where ST_Dimension(d.geom) = 2), ST_GeomFromText('MULTIPOLYGON EMPTY', 4546)) end as covered,
        case when a.g is null then null when c.g is null then a.g
          else coalesce((select ST_Collect(d.geom) from poly_parts pp, ST_Dump(pp.gaps) d where ST_Dimension(d.geom) = 2), ST_GeomFromText('MULTIPOLYGON EMPTY', 4546)) end as gaps
      from area a, cover c)`;
}

/** The population CTEs (pop_in, pop_fig, pop_zone) and the select list items they give; empty without a population. */
function populationSql(spec: CoverageSpec, values: unknown[]): { ctes: string; select: string } {
  if (!spec.population) {
    return { ctes: '', select: 'null::float8 as pop_layer_total, null::float8 as pop_total, null::float8 as pop_covered, null::int as pop_without_value, null::text as pop_by_zone' };
  }
  values.push(spec.population.field);
  const f = `$${values.length}`;
  const t = spec.population.collection;
  // A number, or text that reads as one (a CSV's field); anything else counts as 0 and is counted.
  const num = (col: string) =>
    `case when jsonb_typeof(${col}->${f}) = 'number' then (${col}->>${f})::float8 when ${col}->>${f} ~ '^\\s*[-+]?[0-9]+(\\.[0-9]+)?\\s*$' then trim(${col}->>${f})::float8 end`;
  return {
    ctes: `,
      pop_in as (select x.g, coalesce(x.v, 0) as v, ST_Dimension(x.g) as dim, case when ST_Dimension(x.g) = 2 then ST_Area(x.g) end as a,
          case when ST_Dimension(x.g) <> 2 or ST_Covers(a0.g, x.g) then x.g else ST_CollectionExtract(ST_Intersection(x.g, a0.g, ${GRID_METERS}), 3) end as gi
        from (select ST_Transform(geom, 4546) as g, ${num('properties')} as v from ${t} where geom is not null) x, area0 a0
        where a0.g is not null and x.g && a0.g and ST_Intersects(x.g, a0.g)),
      -- The covered part of each: whole or nothing for most (a prepared-geometry test), an overlay only across the edge of the cover.
      pop_cov as (select pi.*, case when c.g is null then 0
            when pi.dim <> 2 then case when ST_Intersects(c.g, pi.g) then 1 else 0 end
            when ST_Covers(c.g, pi.gi) then ST_Area(pi.gi) when not ST_Intersects(c.g, pi.gi) then 0
            else ST_Area(ST_Intersection(pi.gi, c.g, ${GRID_METERS})) end as cov_a
        from pop_in pi, cover c),
      -- A polygon's people spread evenly over its area; a point's count wholly where it is.
      pop_fig as (select coalesce(sum(case when dim = 2 then case when a > 0 then v * ST_Area(gi) / a else 0 end else v end), 0) as total,
          coalesce(sum(case when dim = 2 then case when a > 0 then v * cov_a / a else 0 end else v * cov_a end), 0) as covered
        from pop_cov),
      pop_zone as (select z.id, sum(case when pc.dim = 2 then case when pc.a > 0 then pc.v * ST_Area(zi.g) / pc.a else 0 end else pc.v end) as total,
          sum(case when pc.dim <> 2 then pc.v * pc.cov_a
            when pc.a = 0 or pc.cov_a = 0 then 0
            when zi.whole then pc.v * pc.cov_a / pc.a
            when c.g is null then 0
            else pc.v * ST_Area(ST_Intersection(zi.g, c.g, ${GRID_METERS})) / pc.a end) as covered
        from (select id, ST_Transform(geom, 4546) as g from zones where geom is not null) z
          join pop_cov pc on z.g && pc.gi and ST_Intersects(z.g, pc.gi)
          cross join lateral (select pc.dim <> 2 or ST_Covers(z.g, pc.gi) as whole) w
          cross join lateral (select w.whole, case when w.whole then pc.gi else ST_CollectionExtract(ST_Intersection(pc.gi, z.g, ${GRID_METERS}), 3) end as g) zi
          cross join cover c
        group by z.id)`,
    select: `(select sum(${num('properties')}) from ${t}) as pop_layer_total,
        (select total from pop_fig) as pop_total, (select covered from pop_fig) as pop_covered,
        (select count(*)::int from ${t} where (${num('properties')}) is null) as pop_without_value,
        (select coalesce(json_agg(json_build_object('id', id, 'total', total, 'covered', covered) order by id), '[]')::text from pop_zone) as pop_by_zone`,
  };
}

/** One row of coverageQuery. */
export type CoverageRow = CoverageFigures;

/**
 * Coverage of an area by the service radii of a facility set (see COVERAGE_METHOD): area and covered
 * area (m²), gap polygons (GeoJSON text, largest first), coverage per support zone, facility counts,
 * and the marginal gain (m²) of each what-if facility in the order given.
 */
export function coverageQuery(spec: CoverageSpec): SqlQuery {
  const values: unknown[] = [];
  const ctes = coverageCtes(spec, values);
  const pop = populationSql(spec, values);
  const subArea = spec.denominator
    ? `(select coalesce(json_agg(json_build_object('id', s.id, 'name', s.name_zh, 'nameEn', s.name_en,
            'areaSquareMeters', round(s.m2::numeric, 1)::float8, 'coveredSquareMeters', round(s.cov::numeric, 1)::float8,
            'coverageShare', case when s.m2 > 0 then round((s.cov / s.m2)::numeric, 4)::float8 else 0 end) order by s.id), '[]')::text
          -- The first rows by id, then each measured: whole or nothing for most (tests against the cover
          -- prepared once), an overlay only across the cover's edge.
          from (select d.id, d.name_zh, d.name_en, ${m2('d.g')} as m2,
              case when c.g is null then 0 when ST_Covers(c.g, d.g) then ${m2('d.g')} when not ST_Intersects(c.g, d.g) then 0
                else coalesce(${m2(`ST_Intersection(d.g, c.g, ${GRID_METERS})`)}, 0) end as cov
            from (select * from den_feat where not ST_IsEmpty(g) order by id limit ${MAX_SUB_AREAS}) d, cover c) s) as by_sub_area,
        (select count(*)::int from den_feat where not ST_IsEmpty(g)) as den_rows`
    : 'null::text as by_sub_area, null::int as den_rows';
  return {
    text: `with ${ctes}${pop.ctes},
      -- Per support zone, polygon by polygon of the area and of its covered part: whole when the zone
      -- covers it (a test against the zone prepared once), an overlay only across the zone's edge.
      zone_g as (select z.id, z.properties->>'name_zh' as name, z.properties->>'name_en' as name_en, ST_Transform(z.geom, 4546) as g
        from zones z where z.geom is not null),
      cov_polys as (select d.geom as g from parts p, ST_Dump(p.covered) d where ST_Dimension(d.geom) = 2),
      zone_figures as (select z.id, z.name, z.name_en,
          (select coalesce(sum(case when ST_Covers(z.g, ap.g) then ${m2('ap.g')}
              else ${m2(`ST_CollectionExtract(ST_Intersection(ap.g, z.g, ${GRID_METERS}), 3)`)} end), 0)
            from area_polys ap where ap.g && z.g and ST_Intersects(z.g, ap.g)) as area_m2,
          (select coalesce(sum(case when ST_Covers(z.g, cp.g) then ${m2('cp.g')}
              else ${m2(`ST_CollectionExtract(ST_Intersection(cp.g, z.g, ${GRID_METERS}), 3)`)} end), 0)
            from cov_polys cp where cp.g && z.g and ST_Intersects(z.g, cp.g)) as covered_m2
        from zone_g z),
      -- The gaps split by support zone, gap polygon by gap polygon: each zone's part (less the zones of
      -- smaller id, which it may overlap by a few m²) and the part outside every zone.
      gap_polys as (select d.geom as g from parts p, ST_Dump(p.gaps) d where p.gaps is not null and ST_Dimension(d.geom) = 2),
      -- Polygons only before the next overlay: GEOS refuses a collection mixing polygons with lines and points.
      gap_pieces as (select z.id, z.name, z.name_en,
            case when earlier.g is null or ST_IsEmpty(i.g) then i.g else ST_CollectionExtract(ST_Difference(i.g, earlier.g, ${GRID_METERS}), 3) end as g
          from gap_polys gp join zone_g z on gp.g && z.g and ST_Intersects(z.g, gp.g)
          cross join lateral (select case when ST_Covers(z.g, gp.g) then gp.g else ST_CollectionExtract(ST_Intersection(gp.g, z.g, ${GRID_METERS}), 3) end as g) i
          cross join lateral (select ST_Union(e.g, ${GRID_METERS}) as g from zone_g e where e.id < z.id and e.g && gp.g and ST_Intersects(e.g, gp.g)) earlier
        union all
        select null, null, null, case when inz.g is null then gp.g else ST_CollectionExtract(ST_Difference(gp.g, inz.g, ${GRID_METERS}), 3) end
          from gap_polys gp
          cross join lateral (select ST_Union(e.g, ${GRID_METERS}) as g from zone_g e where e.g && gp.g and ST_Intersects(e.g, gp.g)) inz),
      gap_list as (select gp.id as zone_id, gp.name as zone_name, gp.name_en as zone_name_en, d.geom as g, ${m2('d.geom')} as area_m2
        from gap_pieces gp, ST_Dump(gp.g) d where gp.g is not null and not ST_IsEmpty(gp.g) and ST_Dimension(d.geom) = 2),
      -- Each what-if facility gains what it covers of the area beyond the facilities and the earlier additions.
      gains as (select e.ord, coalesce(${m2(`case when prior.g is null then fresh.g else ST_Difference(fresh.g, prior.g, ${GRID_METERS}) end`)}, 0) as gain_m2
        from extra e cross join parts p cross join base_cover bc
        cross join lateral (select ST_CollectionExtract(case when bc.g is null then ST_Intersection(e.b, p.area, ${GRID_METERS})
          else ST_Difference(ST_Intersection(e.b, p.area, ${GRID_METERS}), bc.g, ${GRID_METERS}) end, 3) as g) fresh
        -- Only the earlier circles that overlap this one can take from its gain: near-linear, not quadratic, in their number.
        cross join lateral (select ST_Union(e2.b, ${GRID_METERS}) as g from extra e2 where e2.ord < e.ord and e2.b && e.b and ST_Intersects(e2.b, e.b)) prior)
      select (select n from area_rows) as area_rows, (select with_geom from area_rows) as area_with_geom,
        (select qualities from area_rows) as area_qualities,
        (select name_zh from area_rows) as area_name_zh, (select name_en from area_rows) as area_name_en, (p.area is null or ST_IsEmpty(p.area)) as area_empty,
        ${m2('p.area')} as area_m2, coalesce(${m2('p.covered')}, 0) as covered_m2,
        (select count(*) from fac_all)::int as matched,
        (select count(*) from fac_all where geom is null)::int as without_geometry,
        (select count(*) from fac_all where status <> 'existing')::int as not_existing,
        (select count(*) from fac_all where geom is not null and radius is null)::int as below_tiers,
        (select count(*) from counted)::int as counted,
        (select count(*) from near)::int as reaching,
        (select json_build_object('type', 'FeatureCollection', 'features', coalesce(json_agg(json_build_object(
            'type', 'Feature', 'id', 'gap-' || rn, 'properties', json_build_object('areaSquareMeters', round(area_m2::numeric, 1)::float8,
              'zoneId', zone_id, 'zoneName', zone_name, 'zoneNameEn', zone_name_en),
            'geometry', ST_AsGeoJSON(ST_Transform(g, 4326), 7)::json) order by rn), '[]'))::text
          from (select g, area_m2, zone_id, zone_name, zone_name_en, row_number() over (order by area_m2 desc, ST_XMin(g), ST_YMin(g)) as rn
            from gap_list where area_m2 >= ${MIN_GAP_SQUARE_METERS}) t) as gaps,
        (select coalesce(json_agg(json_build_object('id', id, 'name', name, 'nameEn', name_en,
            'areaSquareMeters', round(area_m2::numeric, 1)::float8, 'coveredSquareMeters', round(covered_m2::numeric, 1)::float8,
            'coverageShare', round((covered_m2 / area_m2)::numeric, 4)::float8) order by id), '[]')::text
          -- Zones that only share a boundary with the area leave slivers: under 0.05 % of the area they are left out.
          from zone_figures where area_m2 >= greatest(1, 0.0005 * ${m2('p.area')})) as by_zone,
        (select coalesce(json_agg(round(gain_m2::numeric, 1)::float8 order by ord), '[]')::text from gains) as gains,
        (select coalesce(json_agg(json_build_object('src', s.i, 'matched', coalesce(m.n, 0), 'counted', coalesce(k.n, 0)) order by s.i), '[]')::text
          from generate_series(0, ${spec.sources.length - 1}) s(i)
          left join (select src, count(*)::int as n from fac_all group by src) m on m.src = s.i
          left join (select src, count(*)::int as n from counted group by src) k on k.src = s.i) as by_source,
        ${subArea},
        ${pop.select}
      from parts p`,
    values,
  };
}

/** Demand samples and candidate sites for suggestions: the result of suggestSamplesQuery. */
export interface SuggestSamplesRow {
  area_rows: number;
  area_with_geom: number;
  area_empty: boolean;
  area_m2: number | null;
  covered_m2: number | null;
  gap_m2: number | null;
  spacing_m: number | null;
  /** Demand sample points in the gaps, EPSG:4546 metres. */
  demand_x: number[] | null;
  demand_y: number[] | null;
  /** Candidate sites in the gaps: EPSG:4546 metres and EPSG:4326 degrees. */
  cand_x: number[] | null;
  cand_y: number[] | null;
  cand_lon: number[] | null;
  cand_lat: number[] | null;
}

/**
 * Regular samples of the gaps (EPSG:4546 grid; each stands for spacing_m² of uncovered area, about
 * `maxDemand` of them) and candidate sites inside the gaps (a coarser grid, at most ~`maxCandidates`,
 * at most radius/5 apart) for greedy maximal-coverage suggestions.
 */
export function suggestSamplesQuery(spec: CoverageSpec, radiusMeters: number, maxDemand = 20000, maxCandidates = 3000): SqlQuery {
  const values: unknown[] = [];
  const ctes = coverageCtes(spec, values);
  values.push(maxDemand, maxCandidates, radiusMeters);
  const [nd, nc, r] = [values.length - 2, values.length - 1, values.length];
  const wide = spec.denominator !== null || spec.candidates !== null;
  return {
    text: `with ${ctes},
      gap as (select p.gaps as g, ST_Area(p.gaps) as planar_m2 from parts p where p.gaps is not null and not ST_IsEmpty(p.gaps)),
      -- Planar area in EPSG:4546 only sizes the grids; a cell is never finer than 5 m.
      -- Whole metres (ceil): the gap's area differs in its last digits between GEOS builds and between
      -- runs (a parallel union), and a spacing that followed it would shift every sample and candidate.
      spacing as (select ceil(greatest(5, sqrt(planar_m2 / $${nd}::float8))) as d,
          ceil(greatest(5, sqrt(planar_m2 / $${nd}::float8), $${r}::float8 / 5, sqrt(planar_m2 / $${nc}::float8))) as c from gap),
      -- Cell centres on a grid anchored at multiples of the spacing (integer steps: PostgreSQL 15 has no float generate_series).
      demand as (select x, y from gap, spacing s,
          lateral (select floor(ST_XMin(gap.g) / s.d) * s.d + (i + 0.5) * s.d as x
            from generate_series(0, ceil((ST_XMax(gap.g) - ST_XMin(gap.g)) / s.d)::int) as i) gx,
          lateral (select floor(ST_YMin(gap.g) / s.d) * s.d + (j + 0.5) * s.d as y
            from generate_series(0, ceil((ST_YMax(gap.g) - ST_YMin(gap.g)) / s.d)::int) as j) gy
        where ST_Intersects(gap.g, ST_SetSRID(ST_MakePoint(x, y), 4546))),
      -- Candidate sites: land that can take a facility. In the gaps (or, when the measured land is a
      -- denominator layer or a candidate-land layer is given, anywhere in the area within one radius of
      -- them), on the candidate land when given, and outside every control layer.
      cbox as (select case when ${wide} then ST_Expand(gap.g, $${r}::float8) else gap.g end as b from gap),
      ctl as (select ST_Union(ST_Transform(c.geom, 4546)) as g from control_features c, cbox
        where c.geom is not null and c.geom && ST_Transform(ST_Envelope(cbox.b), 4326)),
      ${spec.candidates ? `cland as (select ST_Union(ST_Transform(geom, 4546)) as g from ${spec.candidates} where geom is not null),` : ''}
      cand as (select x, y, ST_Transform(ST_SetSRID(ST_MakePoint(x, y), 4546), 4326) as ll from gap, cbox, spacing s, area0 a0, ctl,
          ${spec.candidates ? 'cland,' : ''}
          lateral (select floor(ST_XMin(cbox.b) / s.c) * s.c + (i + 0.5) * s.c as x
            from generate_series(0, ceil((ST_XMax(cbox.b) - ST_XMin(cbox.b)) / s.c)::int) as i) gx,
          lateral (select floor(ST_YMin(cbox.b) / s.c) * s.c + (j + 0.5) * s.c as y
            from generate_series(0, ceil((ST_YMax(cbox.b) - ST_YMin(cbox.b)) / s.c)::int) as j) gy
        where ${
          wide
            ? `ST_Intersects(a0.g, ST_SetSRID(ST_MakePoint(x, y), 4546)) and ST_DWithin(gap.g, ST_SetSRID(ST_MakePoint(x, y), 4546), $${r}::float8)`
            : 'ST_Intersects(gap.g, ST_SetSRID(ST_MakePoint(x, y), 4546))'
        }
          ${spec.candidates ? 'and ST_Intersects(cland.g, ST_SetSRID(ST_MakePoint(x, y), 4546))' : ''}
          and (ctl.g is null or not ST_Intersects(ctl.g, ST_SetSRID(ST_MakePoint(x, y), 4546))))
      select (select n from area_rows) as area_rows, (select with_geom from area_rows) as area_with_geom,
        (p.area is null or ST_IsEmpty(p.area)) as area_empty,
        ${m2('p.area')} as area_m2, coalesce(${m2('p.covered')}, 0) as covered_m2, coalesce(${m2('p.gaps')}, 0) as gap_m2,
        (select d from spacing) as spacing_m,
        (select array_agg(x order by y, x) from demand) as demand_x, (select array_agg(y order by y, x) from demand) as demand_y,
        (select array_agg(x order by y, x) from cand) as cand_x, (select array_agg(y order by y, x) from cand) as cand_y,
        (select array_agg(round(ST_X(ll)::numeric, 7)::float8 order by y, x) from cand) as cand_lon,
        (select array_agg(round(ST_Y(ll)::numeric, 7)::float8 order by y, x) from cand) as cand_lat
      from parts p`,
    values,
  };
}

/** Live version (collection_history; null while the seed is live, which is version 1), date and feature count of each collection. */
export function inputsMetaQuery(ids: string[]): SqlQuery {
  return {
    text: `select c.id, (select max(h.version) from collection_history h where h.collection = c.id)::int as version,
        coalesce(d.provenance->>'date', to_char(d.imported_at, 'YYYY-MM-DD')) as date, d.feature_count
      from unnest($1::text[]) as c(id) left join datasets d on d.id = c.id`,
    values: [ids],
  };
}
