import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { collections, QUALITIES } from '../../core/catalog.ts';
import { checkProperties } from '../../core/feature-input.ts';
import type { Queryable } from '../db/db.ts';

/** One data check: what was checked, whether it passed, and the figures or offending ids. */
export interface DataCheck {
  check: string;
  ok: boolean;
  detail: string;
}

/** The provenance keys every dataset must state (issue: source, licence, CRS, date, method, quality). */
export const PROVENANCE_KEYS = ['sources', 'licence', 'crs', 'date', 'method', 'quality'] as const;

/** Xincheng's feature in the district collection (Tianditu, adcode 150102). */
const XINCHENG = `(select geom from district where properties->>'adcode' = '150102')`;

/**
 * Overlap (m²) below which two zones count as disjoint: coordinates are rounded to 6 decimals
 * (~0.1 m), which leaves slivers of a few m² along shared borders several km long.
 */
export const ROUNDING_SLIVER_M2 = 50;

const list = (rows: { id: string }[], max = 8) =>
  rows.length === 0 ? '' : rows.slice(0, max).map((r) => r.id).join(', ') + (rows.length > max ? ` … (+${rows.length - max})` : '');

/**
 * Runs the data checks of the data issue on an imported database: validity, lon/lat order, zones
 * inside the district and disjoint, the plan's 108 column projects present once, zones or
 * district-wide for every project, quality and provenance everywhere, control-line area.
 */
export async function checkGeodata(db: Queryable, geodataDir: string): Promise<DataCheck[]> {
  const out: DataCheck[] = [];
  const spatial = collections.filter((c) => c.geometry !== 'none');

  for (const c of spatial) {
    const invalid = (await db.query<{ id: string }>(`select id from ${c.id} where geom is not null and not ST_IsValid(geom) order by id`)).rows;
    out.push({ check: `${c.id}: geometries valid (ST_IsValid)`, ok: invalid.length === 0, detail: list(invalid) || 'all valid' });
    // Xincheng lies at lon 111.6–112.0, lat 40.8–41.1; swapped coordinates would put x near 41.
    const swapped = (await db.query<{ id: string }>(
      `select id from ${c.id} where geom is not null and (ST_XMin(geom) < 105 or ST_XMax(geom) > 120 or ST_YMin(geom) < 35 or ST_YMax(geom) > 46) order by id`,
    )).rows;
    out.push({ check: `${c.id}: lon/lat order, near Hohhot`, ok: swapped.length === 0, detail: list(swapped) || 'all in lon 105–120, lat 35–46' });
    if (c.id !== 'district') {
      const outside = (await db.query<{ id: string }>(
        `select id from ${c.id} where geom is not null and not ST_Intersects(geom, ${XINCHENG})
           and coalesce((properties->>'outside_district')::boolean, false) = false order by id`,
      )).rows;
      out.push({
        check: `${c.id}: inside Xincheng or flagged outside_district`,
        ok: outside.length === 0,
        detail: list(outside) || 'all inside or flagged',
      });
    }
  }

  const zones = (await db.query<{ inside: boolean; outside_m2: number; overlaps: string | null; total_m2: number; n: number }>(
    `select bool_and(ST_CoveredBy(z.geom, ${XINCHENG})) as inside,
       coalesce(sum(ST_Area(ST_Difference(z.geom, ${XINCHENG})::geography)), 0)::float8 as outside_m2,
       (select string_agg(a.id || '×' || b.id, ', ') from zones a join zones b on a.id < b.id
          where ST_Area(ST_Intersection(a.geom, b.geom)::geography) > ${ROUNDING_SLIVER_M2}) as overlaps,
       coalesce(sum(ST_Area(z.geom::geography)), 0)::float8 as total_m2, count(*)::int as n from zones z`,
  )).rows[0];
  // Both polygons are generalised independently; under 1 000 m² outside is rounding at the border.
  out.push({ check: 'zones: inside the district', ok: zones.n > 0 && zones.outside_m2 < 1000, detail: `${zones.n} zones, ${zones.outside_m2.toFixed(0)} m² outside Xincheng` });
  out.push({ check: 'zones: mutually disjoint', ok: zones.overlaps === null, detail: zones.overlaps ?? `no overlap over ${ROUNDING_SLIVER_M2} m²` });
  out.push({ check: 'zones: total area', ok: zones.total_m2 > 0, detail: `${(zones.total_m2 / 1e6).toFixed(1)} km²` });

  const planFile = join(geodataDir, 'projects/source/projects.csv');
  if (existsSync(planFile)) {
    const plan = readFileSync(planFile, 'utf8').trim().split(/\r?\n/).slice(1).map((l) => l.split(','));
    const rows = (await db.query<{ name: string; n: number }>(
      `select properties->>'name_zh' as name, count(*)::int as n from projects group by 1`,
    )).rows;
    const counts = new Map(rows.map((r) => [r.name, r.n]));
    const missing = plan.filter((p) => !counts.has(p[3])).map((p) => ({ id: `${p[0]}-${p[2]} ${p[3]}` }));
    const doubled = plan.filter((p) => (counts.get(p[3]) ?? 0) > 1).map((p) => ({ id: p[3] }));
    out.push({
      check: `projects: all ${plan.length} column projects present exactly once`,
      ok: missing.length === 0 && doubled.length === 0,
      detail: missing.length || doubled.length ? `missing: ${list(missing) || 'none'}; more than once: ${list(doubled) || 'none'}` : `${plan.length} of ${plan.length}`,
    });
  } else {
    out.push({ check: 'projects: the plan list is in geodata', ok: false, detail: `${planFile} not found` });
  }
  const unzoned = (await db.query<{ id: string }>(
    `select id from projects where properties->>'zone_id' is null and properties->>'location_quality' <> 'district-wide'
       and coalesce((properties->>'outside_zones')::boolean, false) = false order by id`,
  )).rows;
  out.push({ check: 'projects: in a zone, district-wide, or flagged outside_zones', ok: unzoned.length === 0, detail: list(unzoned) || 'all' });
  const drawnWide = (await db.query<{ id: string }>(
    `select id from projects where (properties->>'location_quality' = 'district-wide') <> (geom is null) order by id`,
  )).rows;
  out.push({ check: 'projects: district-wide ⇔ no geometry', ok: drawnWide.length === 0, detail: list(drawnWide) || 'consistent' });

  for (const c of collections) {
    const bad = (await db.query<{ id: string }>(
      `select id from ${c.id} where not (properties->>'quality' = any($1)) or properties->>'quality' is null
         ${c.properties.location_quality ? `or not (properties->>'location_quality' = any($2))` : ''} order by id`,
      c.properties.location_quality ? [QUALITIES, ['known', 'approximate', 'district-wide']] : [QUALITIES],
    )).rows;
    out.push({ check: `${c.id}: quality${c.properties.location_quality ? ' and location_quality' : ''} on every feature`, ok: bad.length === 0, detail: list(bad) || 'all' });
  }

  // Every stored property is declared (the edit form and the write path only know declared ones),
  // and every value has its declared type and allowed value.
  for (const c of collections) {
    const rows = (await db.query<{ id: string; props: Record<string, unknown> }>(`select id, properties as props from ${c.id} order by id`)).rows;
    const problems: { id: string }[] = [];
    for (const r of rows) {
      const check = checkProperties(c, r.props);
      if (!check.valid) problems.push({ id: `${r.id} (${check.reason})` });
    }
    out.push({ check: `${c.id}: properties declared in the catalogue, with their types`, ok: problems.length === 0, detail: list(problems, 3) || 'all' });
  }

  const prov = (await db.query<{ id: string; provenance: Record<string, unknown> }>('select id, provenance from datasets')).rows;
  const byId = new Map(prov.map((p) => [p.id, p.provenance]));
  for (const c of collections) {
    const p = byId.get(c.id);
    const missing = p ? PROVENANCE_KEYS.filter((k) => p[k] === undefined || p[k] === null || p[k] === '') : ['(dataset not imported)'];
    out.push({ check: `${c.id}: provenance states ${PROVENANCE_KEYS.join(', ')}`, ok: missing.length === 0, detail: missing.length ? `missing ${missing.join(', ')}` : 'complete' });
  }

  const controls = (await db.query<{ union_m2: number; in_district_m2: number; district_m2: number }>(
    `select coalesce(ST_Area(ST_Union(geom)::geography), 0)::float8 as union_m2,
       coalesce(ST_Area(ST_Intersection(ST_Union(geom), ${XINCHENG})::geography), 0)::float8 as in_district_m2,
       (select ST_Area(geom::geography) from district where properties->>'adcode' = '150102')::float8 as district_m2 from controls`,
  )).rows[0];
  out.push({
    check: 'controls: total area vs the plan (~600 of ~700 km²)',
    ok: controls.union_m2 > 0,
    detail: `${(controls.in_district_m2 / 1e6).toFixed(0)} km² of Xincheng's ${(controls.district_m2 / 1e6).toFixed(0)} km² (${((100 * controls.in_district_m2) / controls.district_m2).toFixed(0)} %); the plan: ~600 of ~700 km² (86 %)`,
  });
  return out;
}
