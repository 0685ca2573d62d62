import { COMPATIBLE_USE_RULE } from '../../core/analysis/compliance-table.ts';
import type { SqlQuery } from '../db/db.ts';

/** How areas and distances are measured, stated in every response and report. */
export const COMPLIANCE_METHOD =
  'PostGIS: overlaps intersected in EPSG:4326; areas geodesic on the WGS84/CGCS2000 ellipsoid (geography); distances in EPSG:4546 (CGCS2000 3° Gauss-Krüger, CM 111° E, scale error < 0.01 % here); a point site counts as inside a control feature it lies in or on; a line site (a road) is measured by the share of its geodesic length inside.';

/** The same, in Chinese, for the panel and the report. */
export const COMPLIANCE_METHOD_ZH =
  'PostGIS 计算：重叠部分在 EPSG:4326 中求交；面积按 WGS84/CGCS2000 椭球面测地计算（geography）；距离在 EPSG:4546（CGCS2000 3度带高斯-克吕格投影，中央经线 111°E，本区尺度误差 < 0.01%）中计算；点状地块落在管控要素内或其边界上即视为位于其中；线状地块（道路）按其测地长度位于管控要素内的比例计算。';

/**
 * Every control feature (of the catalogue entries marked `control`: `controls` and the office's
 * imported control layers), through the view `control_features` that a control layer's commit
 * re-creates (api/catalogue.ts), so each database reviews against its own layers.
 */
const CONTROLS = 'select collection, id, properties, geom from control_features';

/**
 * The compliance result for a site geometry `g` (EPSG:4326, valid) as one json expression:
 * site area, zone shares, conflicts with every control layer, nearest control feature.
 */
function resultJson(g: string, pre: { m2: string; g4546: string }): string {
  const controls = CONTROLS;
  const point = `ST_Dimension(${g}) = 0`;
  const line = `ST_Dimension(${g}) = 1`;
  const siteM2 = pre.m2;
  /** Share (0–1) of the site inside `other`: 1 for a point in it, by length for a line, by area for a polygon. */
  const shareIn = (other: string) => `case when ${point} then 1.0
      when ${line} then ST_Length(ST_Intersection(${other}, ${g})::geography) / nullif(ST_Length(${g}::geography), 0)
      else ST_Area(ST_Intersection(${other}, ${g})::geography) / nullif(${siteM2}, 0) end`;
  // Each control feature is measured once (hit, overlap, distance); conflicts, nearest and
  // touching are then aggregated from those rows.
  const measured = `select c.*, case when not c.hit then 0 when ${point} then 1.0
        when ${line} then ST_Length(ST_Intersection(c.geom, ${g})::geography) / nullif(ST_Length(${g}::geography), 0)
        else c.overlap_m2 / nullif(${siteM2}, 0) end as share
    from (select c.collection, c.id, c.properties, c.geom, c.hit,
        case when c.hit and ST_Dimension(${g}) = 2 then ST_Area(ST_Intersection(c.geom, ${g})::geography) else 0 end as overlap_m2,
        -- Distances in EPSG:4546 (CGCS2000 Gauss-Krüger, CM 111° E; scale error < 0.01 % in Xincheng):
        -- planar, and some 50× faster than geodesic distances between polygons.
        case when c.hit then 0 else ST_Distance(ST_Transform(c.geom, 4546), ${pre.g4546}) end as distance_m
      from (select u.*, ST_Intersects(u.geom, ${g}) as hit from (${controls}) u) c) c`;
  return `(select json_build_object(
    'site', json_build_object('areaSquareMeters', round(${siteM2}::numeric, 1)::float8,
      'vertexCount', ST_NPoints(${g}), 'geometryType', GeometryType(${g}),
      -- The area of the site under any control feature, counted once: control layers overlap each
      -- other (the red line contains the reserve), so the conflicts' overlaps must not be summed.
      'conflictSquareMeters', case when ST_Dimension(${g}) = 2 then coalesce(round(ST_Area(ST_Intersection(
        ST_Union(m.geom) filter (where m.hit and m.overlap_m2 > 0), ${g})::geography)::numeric, 1)::float8, 0) else 0 end),
    'zones', coalesce((
      select json_agg(json_build_object('id', z.id, 'name', z.properties->>'name_zh', 'nameEn', z.properties->>'name_en', 'share', z.share) order by z.share desc, z.id)
      from (select zn.id, zn.properties,
          round((${shareIn('zn.geom')})::numeric, 4)::float8 as share
        from zones zn where ST_Intersects(zn.geom, ${g})) z where z.share > 0), '[]'::json),
    'conflicts', coalesce(json_agg(json_build_object('collection', m.collection, 'id', m.id, 'name', m.properties->>'name_zh',
        'nameEn', m.properties->>'name_en', 'kind', m.properties->>'kind', 'quality', m.properties->>'quality',
        'overlapSquareMeters', round(m.overlap_m2::numeric, 1)::float8,
        'overlapShare', round(m.share::numeric, 4)::float8)
        order by m.overlap_m2 desc, m.id)
      -- A polygon that only shares an edge with a control feature has no overlap: not a conflict.
      filter (where m.hit and m.share > 0), '[]'::json),
    'nearest', (array_agg(json_build_object('collection', m.collection, 'id', m.id, 'name', m.properties->>'name_zh',
        'distanceMeters', round(m.distance_m::numeric, 1)::float8) order by m.distance_m, m.id))[1],
    'touching', coalesce(json_agg(m.id order by m.id) filter (where m.hit and not ${point} and m.share = 0), '[]'::json),
    'touchingNames', coalesce(json_agg(json_build_object('id', m.id, 'zh', m.properties->>'name_zh', 'en', m.properties->>'name_en')
        order by m.id) filter (where m.hit and not ${point} and m.share = 0), '[]'::json),
    'insideDistrict', ST_Intersects(${g}, (select geom from district where properties->>'adcode' = '150102'))
  ) from (${measured}) m)`;
}

/**
 * Checks one site (GeoJSON in EPSG:4326) against the control layers. An invalid polygon is repaired
 * with ST_MakeValid (keeping its polygonal part) and the reason, with its location, is returned.
 */
export function complianceQuery(geometryGeoJson: string): SqlQuery {
  return {
    text: `with raw as materialized (select ST_SetSRID(ST_GeomFromGeoJSON($1), 4326) as g),
      -- materialized: otherwise PostgreSQL inlines the CTEs and parses, validates and repairs the
      -- site again at every one of its ~30 uses (a 100 000-vertex site took 21 s instead of 2 s).
      site as materialized (select case when ST_IsValid(g) then g
          else ST_CollectionExtract(ST_MakeValid(g), case when ST_Dimension(g) = 0 then 1 else 3 end) end as g,
        case when ST_IsValid(g) then null else ST_IsValidReason(g) end as invalid_reason from raw),
      -- Measured once, not per control and zone row: the site's geodesic area and its EPSG:4546 copy.
      pre as materialized (select *, ST_Area(g::geography) as m2, ST_Transform(g, 4546) as g4546 from site where not ST_IsEmpty(g))
      select invalid_reason, ST_IsEmpty(site.g) as empty, ST_AsGeoJSON(site.g, 7) as repaired,
        (select ${resultJson('pre.g', { m2: 'pre.m2', g4546: 'pre.g4546' })}::text from pre) as result from site`,
    values: [geometryGeoJson],
  };
}

/** What the batch of every project adds to COMPLIANCE_METHOD: the per-zone summary. */
export const PROJECTS_SUMMARY_METHOD =
  'Zone summary: one union per zone — the land under any control feature taken by the zone\'s projects (zone_id), clipped to the zone, so projects that overlap each other, and land under several control features, count once; a project outside every zone is summed under zoneId null, unclipped. Conflicts and compatible uses (compatibleUseRule) are unioned apart.';
export const PROJECTS_SUMMARY_METHOD_ZH =
  '分区汇总：每个支撑区求一次并集——该区项目（zone_id）落在任一管控要素内的用地，裁切到支撑区范围内，项目之间相互重叠及多个管控要素重叠处只计一次；不在任何支撑区的项目计入“支撑区外”（不裁切）。冲突与相容用途（compatibleUseRule）分别求并集。';

/**
 * The compliance result of every project site with a geometry, in one batch (JSON array text);
 * `$1`: the sectors that are compatible uses (core COMPATIBLE_USE_RULE), marked `compatibleUse`.
 */
export function projectsComplianceQuery(compatibleSectors: string[] = [...COMPATIBLE_USE_RULE.sectors]): SqlQuery {
  return {
    text: `select coalesce(json_agg(json_build_object('projectId', p.id, 'name', p.properties->>'name_zh',
        'nameEn', p.properties->>'name_en', 'column', (p.properties->>'column')::int, 'sector', p.properties->>'sector',
        'zoneId', p.properties->>'zone_id', 'locationQuality', p.properties->>'location_quality',
        'compatibleUse', coalesce(p.properties->>'sector' = any($1::text[]), false),
        'result', ${resultJson('p.geom', { m2: 'pre.m2', g4546: 'pre.g4546' })}) order by p.id), '[]')::text as projects
      from projects p, lateral (select ST_Area(p.geom::geography) as m2, ST_Transform(p.geom, 4546) as g4546) pre
      where p.geom is not null`,
    values: [compatibleSectors],
  };
}

/**
 * The per-zone overlap areas of the project sites (see PROJECTS_SUMMARY_METHOD), JSON array text of
 * `{ zoneId, overlapSquareMeters, conflictSquareMeters, compatibleSquareMeters }` (geodesic m²);
 * `$1`: the compatible sectors.
 */
export function projectsZoneAreasQuery(compatibleSectors: string[] = [...COMPATIBLE_USE_RULE.sectors]): SqlQuery {
  return {
    text: `with ctl as materialized (select ST_Union(ST_CollectionExtract(geom, 3)) as g from control_features where ST_Dimension(geom) = 2),
      -- Each polygonal site's land under any control feature (lines and points have no area).
      ov as (select p.properties->>'zone_id' as zone_id, coalesce(p.properties->>'sector' = any($1::text[]), false) as compatible,
          ST_CollectionExtract(ST_Intersection(p.geom, ctl.g), 3) as g
        from projects p, ctl where p.geom is not null and ST_Dimension(p.geom) = 2 and ST_Intersects(p.geom, ctl.g)),
      -- One union per zone and kind, clipped to the zone (outside the zones: as it is).
      kinds as (select k.zone_id, k.compatible, case when z.geom is null then k.g else ST_CollectionExtract(ST_Intersection(k.g, z.geom), 3) end as g
        from (select zone_id, compatible, ST_Union(g) as g from ov where not ST_IsEmpty(g) group by zone_id, compatible) k
        left join zones z on z.id = k.zone_id),
      areas as (select zone_id,
          coalesce(ST_Area(ST_Union(g)::geography), 0) as all_m2,
          coalesce(sum(ST_Area(g::geography)) filter (where not compatible), 0) as conflict_m2,
          coalesce(sum(ST_Area(g::geography)) filter (where compatible), 0) as compatible_m2
        from kinds group by zone_id)
      select coalesce(json_agg(json_build_object('zoneId', zone_id,
          'overlapSquareMeters', round(all_m2::numeric, 1)::float8,
          'conflictSquareMeters', round(conflict_m2::numeric, 1)::float8,
          'compatibleSquareMeters', round(compatible_m2::numeric, 1)::float8) order by zone_id), '[]')::text as areas
        from areas`,
    values: [compatibleSectors],
  };
}

/** The overlap polygons of one site with the control layers, for drawing (GeoJSON FeatureCollection text). */
export function overlapsQuery(geometryGeoJson: string): SqlQuery {
  const controls = CONTROLS;
  return {
    text: `with site as materialized (select ST_MakeValid(ST_SetSRID(ST_GeomFromGeoJSON($1), 4326)) as g)
      select json_build_object('type', 'FeatureCollection', 'features', coalesce(json_agg(json_build_object(
        'type', 'Feature', 'id', c.id, 'properties', json_build_object('collection', c.collection, 'controlId', c.id,
          'name', c.properties->>'name_zh', 'kind', c.properties->>'kind'),
        'geometry', ST_AsGeoJSON(ST_CollectionExtract(ST_Intersection(c.geom, s.g), 3), 7)::json)), '[]'))::text as overlaps
      from site s join (${controls}) c on ST_Intersects(c.geom, s.g) and ST_Dimension(s.g) = 2
        and ST_Area(ST_Intersection(c.geom, s.g)) > 0`,
    values: [geometryGeoJson],
  };
}

/** What the review of a whole layer adds to COMPLIANCE_METHOD. */
export const LAYER_REVIEW_METHOD =
  'Layer review: each polygon of the layer against every control feature it intersects (found through the spatial indexes, set-based); a site\'s conflict area is the union of its overlaps, counted once; points, lines and features without geometry are not reviewed and are counted apart.';
export const LAYER_REVIEW_METHOD_ZH =
  '整层审查：图层的每个面要素与其相交的全部管控要素比对（经空间索引、集合运算）；地块的冲突面积为各重叠部分的并集，只计一次；点、线及无几何的要素不参与审查，另行计数。';

/** Counts of a layer review: polygons reviewed, those with a conflict, and features not reviewed. */
export function layerReviewCountsQuery(layer: string): SqlQuery {
  return {
    text: `select count(*) filter (where ST_Dimension(s.geom) = 2)::int as sites,
        count(*) filter (where ST_Dimension(s.geom) = 2 and exists (select 1 from control_features c where c.geom && s.geom and ST_Intersects(c.geom, s.geom)
          and ST_Dimension(ST_Intersection(c.geom, s.geom)) = 2))::int as with_conflicts,
        count(*) filter (where s.geom is null or ST_Dimension(s.geom) < 2)::int as not_reviewed
      from ${layer} s`,
    values: [],
  };
}

/** The size of a layer review before it runs (cheap: no overlay): polygons to review and features not reviewed. */
export function layerReviewSizeQuery(layer: string): SqlQuery {
  return {
    text: `select count(*) filter (where ST_Dimension(s.geom) = 2)::int as sites,
        count(*) filter (where s.geom is null or ST_Dimension(s.geom) < 2)::int as not_reviewed
      from ${layer} s`,
    values: [],
  };
}

/**
 * One page of a layer review (JSON array text `sites`): the layer's polygons in id order after `$3`
 * (keyset paging; '' from the start), skipping `$2`, at most `$1`; `$4` true: only those with a conflict.
 * Each: id, name, geodesic area, the union of its overlaps and each conflict (m²).
 */
export function layerReviewPageQuery(layer: string, page: { limit: number; offset: number; after: string; onlyConflicts: boolean }): SqlQuery {
  return {
    // `>= 2` (the same as = 2: no geometry has more): PostgreSQL estimates an equality on a function at
    // 0.5 % of the rows and then sorts a bitmap scan of every id after $3 instead of walking the id index,
    // which made each keyset page of a 100 000-site layer cost ~70 ms instead of ~1 ms.
    text: `with sites as (select s.id, s.properties, s.geom from ${layer} s
        where ST_Dimension(s.geom) >= 2 and s.id > $3::text
          and (not $4::boolean or exists (select 1 from control_features c where c.geom && s.geom and ST_Intersects(c.geom, s.geom)
            and ST_Dimension(ST_Intersection(c.geom, s.geom)) = 2))
        order by s.id limit $1 offset $2)
      select coalesce(json_agg(json_build_object('id', s.id, 'name', coalesce(s.properties->>'name_zh', s.properties->>'name'),
          'areaSquareMeters', round(ST_Area(s.geom::geography)::numeric, 1)::float8,
          'conflictSquareMeters', coalesce(round(x.union_m2::numeric, 1)::float8, 0),
          'conflicts', x.conflicts) order by s.id), '[]')::text as sites
      from sites s, lateral (
        select ST_Area(ST_Intersection(ST_Union(h.geom), s.geom)::geography) as union_m2,
          coalesce(json_agg(json_build_object('collection', h.collection, 'id', h.id, 'name', h.properties->>'name_zh',
            'overlapSquareMeters', round(h.m2::numeric, 1)::float8) order by h.m2 desc, h.id) filter (where h.m2 > 0), '[]'::json) as conflicts
        from (select c.collection, c.id, c.properties, c.geom, ST_Area(ST_Intersection(c.geom, s.geom)::geography) as m2
          from control_features c where c.geom && s.geom and ST_Intersects(c.geom, s.geom)) h) x`,
    values: [page.limit, page.offset, page.after, page.onlyConflicts],
  };
}
