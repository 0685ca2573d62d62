import type { SqlQuery } from '../db/db.ts';

/** How coverage is measured, stated in every coverage response. */
export const COVERAGE_METHOD =
  'PostGIS: facilities and the area are projected to EPSG:4546 (CGCS2000 3° Gauss-Krüger, central meridian 111° E; ' +
  'scale error < 0.01 % over Xincheng), each facility is buffered by its service radius in metres (a polygon from its edge, ' +
  'a point from its position; 64-segment circles), the buffers are unioned once (no double counting) and intersected with the ' +
  'area; areas are geodesic on the CGCS2000/WGS84 ellipsoid. The radius is a straight-line distance, not walking distance ' +
  'along streets (there is no road network data yet). Only facilities with a geometry count. The gaps are split by support zone ' +
  '(each zone\'s part, plus the part outside every zone) into single polygons; pieces under 100 m² are not listed.';

/** COVERAGE_METHOD in Chinese, for the UI. */
export const COVERAGE_METHOD_ZH =
  'PostGIS：设施与测算范围投影到 EPSG:4546（CGCS2000 3 度带高斯-克吕格，中央经线 111°E；新城区内尺度误差 < 0.01%），' +
  '每个设施按服务半径（米）做缓冲区（面状设施自边界起算，点状设施自其位置起算；圆为 64 边形），缓冲区合并一次（不重复计算）后与测算范围求交；' +
  '面积按 CGCS2000/WGS84 椭球计算。半径为直线距离，不是沿道路的步行距离（尚无路网数据）。只统计有几何位置的设施。' +
  '服务盲区按支撑区切分（各支撑区内的部分及所有支撑区以外的部分）为单个多边形；小于 100 平方米的碎片不列出。';

/** Gap pieces smaller than this (m²) are not listed. */
export const MIN_GAP_SQUARE_METERS = 100;

/** Where coverage is measured: one collection's polygons, Xincheng District (one admin code) or one support zone. */
export type AreaSpec =
  | { kind: 'collection'; collection: string }
  | { kind: 'district'; adcode: string }
  | { kind: 'zone'; zoneId: string };

/** The facility set, its radii and the what-if additions, all already checked against the catalogue. */
export interface CoverageSpec {
  /** Catalogue collection id of the facilities (an identifier from the allow-list). */
  facilities: string;
  /** Equality filters on declared properties: the property's text must be one of `values`. */
  filters: { property: string; values: string[] }[];
  includePlanned: boolean;
  /** Size tiers: a facility of at least `minAreaSquareMeters` counts at `radiusMeters` (largest minimum that fits). */
  tiers: { minAreaSquareMeters: number; radiusMeters: number }[];
  /** What-if facilities (EPSG:4326 points), each with its radius in metres, in the order added. */
  extra: { lonLat: [number, number]; radiusMeters: number }[];
  area: AreaSpec;
}

/** Segments per quarter circle of every buffer: 64-gon circles lose 0.16 % of the circle's area. */
const QUAD_SEGS = 16;

/**
 * Grid (m, EPSG:4546) of every overlay: a fixed-precision overlay snap-rounds to 1 mm and never needs
 * GEOS's exception-driven fallback, which embedded PGlite (WebAssembly) cannot run: there a failing
 * overlay silently yields no row instead of an error.
 */
const GRID_METERS = 0.001;

/** Geodesic area in square metres of a geometry held in EPSG:4546. */
const m2 = (g: string) => `ST_Area(ST_Transform(${g}, 4326)::geography)`;

/**
 * The common CTEs: `area_rows` (rows matched by the area spec), `area` (its polygons dissolved, EPSG:4546),
 * `fac_all` (facilities after the property filter, with their radius), `extra`, `base_cover` (union
 * of the facility buffers that reach the area), `cover` (with the what-if buffers) and `parts`
 * (covered and gap geometry, EPSG:4546). Pushes its values onto `values`.
 */
function coverageCtes(spec: CoverageSpec, values: unknown[]): string {
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
  const filters = spec.filters.map((f) => `and f.properties->>${p(f.property)} = any(${p(f.values)}::text[])`).join(' ');
  const tierMin = p(spec.tiers.map((t) => t.minAreaSquareMeters));
  const tierRadius = p(spec.tiers.map((t) => t.radiusMeters));
  const includePlanned = p(spec.includePlanned);
  const extraLon = p(spec.extra.map((e) => e.lonLat[0]));
  const extraLat = p(spec.extra.map((e) => e.lonLat[1]));
  const extraRadius = p(spec.extra.map((e) => e.radiusMeters));
  return `area_rows as (select count(*)::int as n, count(geom)::int as with_geom,
        array_remove(array_agg(distinct properties->>'quality'), null) as qualities,
        min(properties->>'name_zh') as name_zh, min(properties->>'name_en') as name_en from ${areaTable} ${areaWhere}),
    -- Polygons only (points and lines of a mixed layer have no area); invalid rings repaired.
    area as (select ST_UnaryUnion(ST_Transform(ST_Collect(ST_CollectionExtract(
        case when ST_IsValid(geom) then geom else ST_MakeValid(geom) end, 3)), 4546), ${GRID_METERS}) as g
      from ${areaTable} ${areaWhere ? `${areaWhere} and` : 'where'} geom is not null),
    fac_all as (select f.geom, coalesce(f.properties->>'status', 'existing') as status,
        (select t.r from unnest(${tierMin}::float8[], ${tierRadius}::float8[]) as t(m, r)
          where coalesce(case when jsonb_typeof(f.properties->'area_square_meters') = 'number'
              then (f.properties->>'area_square_meters')::float8 end,
            case when ST_Dimension(f.geom) = 2 then ST_Area(f.geom::geography) end, 0) >= t.m
          order by t.m desc limit 1) as radius
      from ${spec.facilities} f where true ${filters}),
    counted as (select ST_Transform(geom, 4546) as g, radius from fac_all
      where geom is not null and radius is not null and (${includePlanned}::boolean or status = 'existing')),
    -- Only buffers that reach the area matter; the && test on the expanded box is the cheap filter.
    near as (select c.g, c.radius from counted c, area a
      where c.g && ST_Expand(a.g, c.radius) and ST_DWithin(c.g, a.g, c.radius)),
    extra as (select e.ord::int as ord,
        ST_Buffer(ST_Transform(ST_SetSRID(ST_MakePoint(e.lon, e.lat), 4326), 4546), e.r, 'quad_segs=${QUAD_SEGS}') as b
      from unnest(${extraLon}::float8[], ${extraLat}::float8[], ${extraRadius}::float8[]) with ordinality as e(lon, lat, r, ord)),
    -- ST_Union (cascaded union) dissolves overlapping circles, so overlaps are counted once.
    base_cover as (select ST_Union(ST_Buffer(g, radius, 'quad_segs=${QUAD_SEGS}'), ${GRID_METERS}) as g from near),
    cover as (select case when not exists (select 1 from extra) then (select g from base_cover)
        else (select ST_Union(g, ${GRID_METERS}) from (select g from base_cover union all select b from extra) s) end as g),
    -- Overlays can return a collection with slivers of lines and points: keep the polygons only.
    parts as (select a.g as area, ST_CollectionExtract(ST_Intersection(a.g, c.g, ${GRID_METERS}), 3) as covered,
        case when c.g is null then a.g else ST_CollectionExtract(ST_Difference(a.g, c.g, ${GRID_METERS}), 3) end as gaps
      from area a, cover c)`;
}

/** One row of coverageQuery. */
export interface CoverageRow {
  area_rows: number;
  area_with_geom: number;
  area_qualities: string[] | null;
  /** name_zh / name_en of the area's features (one of them when several): a zone's name. */
  area_name_zh: string | null;
  area_name_en: string | null;
  area_empty: boolean;
  area_m2: number | null;
  covered_m2: number;
  matched: number;
  without_geometry: number;
  not_existing: number;
  below_tiers: number;
  counted: number;
  reaching: number;
  /** GeoJSON FeatureCollection text. */
  gaps: string;
  /** JSON array text of per-zone figures. */
  by_zone: string;
  /** JSON array text of gains (m²), one per what-if facility. */
  gains: string;
}

/**
 * Coverage of an area by the service radii of a facility set (see COVERAGE_METHOD): area and covered
 * area (m²), gap polygons (GeoJSON text, largest first), coverage per support zone, facility counts,
 * and the marginal gain (m²) of each what-if facility in the order given.
 */
export function coverageQuery(spec: CoverageSpec): SqlQuery {
  const values: unknown[] = [];
  const ctes = coverageCtes(spec, values);
  return {
    text: `with ${ctes},
      zone_parts as (select z.id, z.properties->>'name_zh' as name, z.properties->>'name_en' as name_en,
          ST_CollectionExtract(ST_Intersection(ST_Transform(z.geom, 4546), p.area, ${GRID_METERS}), 3) as g
        from zones z, parts p where z.geom is not null and ST_Intersects(ST_Transform(z.geom, 4546), p.area)),
      zone_figures as (select z.id, z.name, z.name_en, ${m2('z.g')} as area_m2,
          coalesce(${m2(`ST_Intersection(z.g, p.covered, ${GRID_METERS})`)}, 0) as covered_m2
        from zone_parts z, parts p where not ST_IsEmpty(z.g)),
      -- The gaps split by support zone: each zone's part (less the zones of smaller id, which it may
      -- overlap by a few m²) and the part outside every zone, then into single polygons.
      gz as (select z.id, z.properties->>'name_zh' as name, z.properties->>'name_en' as name_en, ST_Transform(z.geom, 4546) as g
        from zones z, parts p where z.geom is not null and p.gaps is not null and ST_Intersects(ST_Transform(z.geom, 4546), p.gaps)),
      -- Polygons only before the next overlay: GEOS refuses a collection mixing polygons with lines and points.
      gap_pieces as (select gz.id, gz.name, gz.name_en,
            case when earlier.g is null or ST_IsEmpty(i.g) then i.g else ST_CollectionExtract(ST_Difference(i.g, earlier.g, ${GRID_METERS}), 3) end as g
          from parts p cross join gz
          cross join lateral (select ST_CollectionExtract(ST_Intersection(p.gaps, gz.g, ${GRID_METERS}), 3) as g) i
          cross join lateral (select ST_Union(e.g, ${GRID_METERS}) as g from gz e where e.id < gz.id) earlier
        union all
        select null, null, null, case when (select count(*) from gz) = 0 then p.gaps
            else ST_CollectionExtract(ST_Difference(p.gaps, (select ST_Union(g, ${GRID_METERS}) from gz), ${GRID_METERS}), 3) end
          from parts p where p.gaps is not null),
      gap_list as (select gp.id as zone_id, gp.name as zone_name, gp.name_en as zone_name_en, d.geom as g, ${m2('d.geom')} as area_m2
        from gap_pieces gp, ST_Dump(gp.g) d where gp.g is not null and not ST_IsEmpty(gp.g)),
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
        (select coalesce(json_agg(round(gain_m2::numeric, 1)::float8 order by ord), '[]')::text from gains) as gains
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
      cand as (select x, y, ST_Transform(ST_SetSRID(ST_MakePoint(x, y), 4546), 4326) as ll from gap, spacing s,
          lateral (select floor(ST_XMin(gap.g) / s.c) * s.c + (i + 0.5) * s.c as x
            from generate_series(0, ceil((ST_XMax(gap.g) - ST_XMin(gap.g)) / s.c)::int) as i) gx,
          lateral (select floor(ST_YMin(gap.g) / s.c) * s.c + (j + 0.5) * s.c as y
            from generate_series(0, ceil((ST_YMax(gap.g) - ST_YMin(gap.g)) / s.c)::int) as j) gy
        where ST_Intersects(gap.g, ST_SetSRID(ST_MakePoint(x, y), 4546)))
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
