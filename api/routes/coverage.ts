import { Hono } from 'hono';
import { z } from 'zod';
import { greedyMaximalCoverage, SUGGEST_TIE_BREAK } from '../../core/analysis/coverage.ts';
import type { CollectionDef } from '../../core/catalog.ts';
import { findIn } from '../catalogue.ts';
import { readSite } from '../../core/geometry/site-input.ts';
import {
  COVERAGE_PRESETS,
  dataCompletenessOf,
  findPreset,
  targetAreaNeeded,
  targetVerdict,
  type CoveragePreset,
  type CoverageTarget,
  type DataCompleteness,
} from '../../core/presets.ts';
import type { Db } from '../db/db.ts';
import { apiError } from '../errors.ts';
import { requireFullRead } from '../auth/middleware.ts';
import { COVERAGE_METHOD, COVERAGE_METHOD_ZH, coverageQuery, suggestSamplesQuery, type AreaSpec, type CoverageRow, type CoverageSpec, type SuggestSamplesRow } from '../sql/coverage.ts';
import { statementLimits } from '../limiter.ts';
import { readJson } from './read-json.ts';

/** Largest radius a request may ask for (m). */
export const MAX_RADIUS_METERS = 50_000;
/** Most what-if facilities in one request. */
export const MAX_EXTRA_FACILITIES = 1000;
/** Most suggested new sites in one request. */
export const MAX_SUGGEST_COUNT = 10;
/** Admin code of Xincheng District, the area `"district"` stands for. */
const XINCHENG_ADCODE = '150102';

const Scalar = z.union([z.string().max(200), z.number(), z.boolean()]);
const CoverageRequest = z.strictObject({
  facilities: z.string({ message: 'facilities must be a collection id, e.g. "parks"' }).min(1).max(100).optional(),
  filter: z
    .record(z.string().max(100), z.union([Scalar, z.array(Scalar).min(1).max(100)]), { message: 'filter must be an object of property: value' })
    .optional(),
  radiusMeters: z
    .number({ message: 'radiusMeters must be a number (metres)' })
    .gt(0, 'radiusMeters must be greater than 0')
    .max(MAX_RADIUS_METERS, `radiusMeters must be at most ${MAX_RADIUS_METERS} (50 km)`)
    .optional(),
  preset: z.string({ message: 'preset must be a preset id, e.g. "parks"' }).max(100).optional(),
  area: z.string({ message: 'area must be "central_area", "district", "zone:<id>" or a collection id' }).min(1).max(200).default('central_area'),
  includePlanned: z.boolean({ message: 'includePlanned must be true or false' }).default(false),
  extraFacilities: z
    .array(z.unknown(), { message: 'extraFacilities must be an array of GeoJSON Points' })
    .max(MAX_EXTRA_FACILITIES, `at most ${MAX_EXTRA_FACILITIES} extraFacilities`)
    .default([]),
});
const SuggestRequest = CoverageRequest.extend({
  count: z
    .number({ message: `count must be a whole number from 1 to ${MAX_SUGGEST_COUNT}` })
    .int(`count must be a whole number from 1 to ${MAX_SUGGEST_COUNT}`)
    .min(1, 'count must be at least 1')
    .max(MAX_SUGGEST_COUNT, `count must be at most ${MAX_SUGGEST_COUNT}`),
});
type CoverageBody = z.infer<typeof CoverageRequest>;

/** A request resolved against the catalogue and the presets, ready for the SQL builders. */
interface Resolved {
  spec: CoverageSpec;
  preset: CoveragePreset | undefined;
  facilities: CollectionDef;
  filter: Record<string, string[]>;
  /** Radius (m) of what-if and suggested facilities. */
  newRadiusMeters: number;
  radius: { mode: 'uniform'; radiusMeters: number } | { mode: 'tiers'; tiers: CoveragePreset['tiers'] };
  areaId: string;
  /** How complete the facility data is: the preset's, else the collection's (undefined: unknown). */
  completeness: DataCompleteness | undefined;
  /** The title of an area collection (the denominator). */
  areaTitle?: { zh: string; en: string };
}

/** A warning in both languages: `warnings` (English) is the contract, `warningDetails` serves the UI. */
interface WarningDetail {
  code: string;
  en: string;
  zh: string;
}

/** Checks a coverage request against the catalogue and presets; throws 400/404 naming the problem. */
function resolve(db: Db, body: CoverageBody): Resolved {
  const preset = body.preset === undefined ? undefined : findPreset(body.preset);
  if (body.preset !== undefined && !preset) {
    apiError(404, 'NotFound', `Unknown preset "${body.preset.slice(0, 60)}"; presets: ${COVERAGE_PRESETS.map((p) => p.id).join(', ')} (GET /api/analysis/presets).`);
  }
  const facilitiesId = body.facilities ?? preset?.facilities;
  if (!facilitiesId) apiError(400, 'InvalidRequestBody', 'facilities: give the facilities collection id (e.g. "parks") or a preset.');
  const facilities = findIn(db, facilitiesId);
  if (!facilities) apiError(404, 'NotFound', `Unknown facilities collection "${facilitiesId.slice(0, 60)}" (GET /api/collections lists them).`);
  if (facilities.geometry === 'none') apiError(400, 'InvalidRequestBody', `facilities: collection "${facilities.id}" has no geometry, so it has no service areas.`);

  let radius: Resolved['radius'];
  if (body.radiusMeters !== undefined) radius = { mode: 'uniform', radiusMeters: body.radiusMeters };
  else if (preset) radius = { mode: 'tiers', tiers: preset.tiers };
  else apiError(400, 'InvalidRequestBody', 'Give radiusMeters (metres, every facility counts at it) or a preset (its size tiers apply).');

  const rawFilter = body.filter ?? (preset && preset.facilities === facilities.id ? preset.filter : {});
  const filter: Record<string, string[]> = {};
  for (const [key, value] of Object.entries(rawFilter)) {
    if (!Object.hasOwn(facilities.properties, key)) {
      apiError(400, 'InvalidRequestBody', `filter: "${key.slice(0, 60)}" is not a property of ${facilities.id}; use one of ${Object.keys(facilities.properties).join(', ')}.`);
    }
    filter[key] = (Array.isArray(value) ? value : [value]).map(String);
  }

  const area = parseArea(db, body.area);
  const newRadiusMeters = body.radiusMeters ?? preset!.newFacilityRadiusMeters;
  const extra = body.extraFacilities.map((g, i): CoverageSpec['extra'][number] => {
    const site = readSite(g);
    if (!site.valid) apiError(400, 'InvalidRequestBody', `extraFacilities.${i}: ${site.reason}`);
    if (site.geometry.type !== 'Point') apiError(400, 'InvalidRequestBody', `extraFacilities.${i}: must be a GeoJSON Point, not a ${site.geometry.type}.`);
    return { lonLat: site.geometry.coordinates, radiusMeters: newRadiusMeters };
  });
  const spec: CoverageSpec = {
    facilities: facilities.id,
    filters: Object.entries(filter).map(([property, values]) => ({ property, values })),
    includePlanned: body.includePlanned,
    tiers: radius.mode === 'uniform' ? [{ minAreaSquareMeters: 0, radiusMeters: radius.radiusMeters }] : radius.tiers,
    extra,
    area,
  };
  const completeness = preset && preset.facilities === facilities.id ? preset.dataCompleteness : dataCompletenessOf(facilities.id);
  const areaTitle = area.kind === 'collection' ? findIn(db, area.collection)?.title : undefined;
  return { spec, preset, facilities, filter, newRadiusMeters, radius, areaId: body.area, completeness, areaTitle };
}

/** `central_area` | `district` (Xincheng) | `zone:<id>` | any polygon collection id. */
function parseArea(db: Db, area: string): AreaSpec {
  if (area === 'district') return { kind: 'district', adcode: XINCHENG_ADCODE };
  if (area.startsWith('zone:')) {
    const zoneId = area.slice('zone:'.length);
    if (!zoneId) apiError(400, 'InvalidRequestBody', 'area: "zone:" needs a zone id, e.g. "zone:zone-qianpo".');
    return { kind: 'zone', zoneId };
  }
  const def = findIn(db, area);
  if (!def) apiError(404, 'NotFound', `Unknown area "${area.slice(0, 60)}": use "central_area", "district", "zone:<id>" or a polygon collection id.`);
  if (def.geometry === 'none' || def.geometry === 'point') {
    apiError(400, 'InvalidRequestBody', `area: collection "${def.id}" has no polygon geometry, so it has no area to measure coverage over.`);
  }
  return { kind: 'collection', collection: def.id };
}

/** Throws 404/400 when the area matched nothing or has no polygonal geometry. */
function checkArea(r: Resolved, row: { area_rows: number; area_with_geom: number; area_empty: boolean } | undefined) {
  // The query always yields one row; none means a geometry error the database swallowed (seen on PGlite).
  if (!row) throw new Error(`coverage query returned no row for ${JSON.stringify(r.spec).slice(0, 300)}`);
  const a = r.spec.area;
  if (a.kind === 'zone' && row.area_rows === 0) apiError(404, 'NotFound', `Unknown zone "${a.zoneId.slice(0, 60)}" (GET /api/collections/zones/items lists them).`);
  if (row.area_rows === 0 || row.area_with_geom === 0) {
    apiError(400, 'InvalidRequestBody', `area "${r.areaId.slice(0, 60)}" has no geometry${row.area_rows === 0 ? ' (no features: is the dataset imported?)' : ''}; nothing to measure coverage over.`);
  }
  if (row.area_empty) apiError(400, 'InvalidRequestBody', `area "${r.areaId.slice(0, 60)}" has no polygon geometry (only points or lines); nothing to measure coverage over.`);
}

/** What the share is a share of: the UI shows it next to the figure. */
function denominator(r: Resolved, row: Pick<CoverageRow, 'area_name_zh' | 'area_name_en'>) {
  const a = r.spec.area;
  const title =
    a.kind === 'district'
      ? { zh: '新城区全域', en: 'Xincheng District (whole district)' }
      : a.kind === 'zone'
        ? { zh: `支撑区 ${row.area_name_zh ?? a.zoneId}`, en: `support zone ${row.area_name_en ?? row.area_name_zh ?? a.zoneId}` }
        : (r.areaTitle ?? { zh: a.collection, en: a.collection });
  const parks = r.preset?.id === 'parks';
  return {
    area: r.areaId,
    title,
    description:
      `Share of the land area of ${title.en}` +
      (parks ? ': GB/T 51346 counts residential land (居住用地) only; no residential-land layer is loaded, so the whole area stands in.' : '.'),
  };
}

/** The target a result is held to: the plan's own for the central area, else the standard's overall one. */
function targetsFor(preset: CoveragePreset | undefined, areaId: string, share: number, completeness: DataCompleteness | undefined) {
  if (!preset || preset.targets.length === 0) return { target: undefined, targets: [] };
  // With plan-only facility data a verdict would be meaningless: met is null, verdict not_assessable.
  // A target set for another area (旧城 on the central area) has none either: verdict needs_area,
  // with what it needs in words (areaNeeded), never a ✗.
  const withMet = (t: CoverageTarget) => {
    const verdict = targetVerdict(share, t, completeness, areaId);
    const areaNeeded = verdict === 'needs_area' ? targetAreaNeeded(t) : null;
    return { ...t, met: verdict === 'met' ? true : verdict === 'not_met' ? false : null, verdict, ...(areaNeeded ? { areaNeeded } : {}) };
  };
  const primary =
    (areaId === 'central_area' && preset.targets.find((t) => t.appliesTo === 'central_area')) || preset.targets.find((t) => t.appliesTo === 'overall') || preset.targets[0];
  return { target: withMet(primary), targets: preset.targets.map(withMet) };
}

const round = (v: number, d: number) => Math.round(v * 10 ** d) / 10 ** d;

/** COVERAGE_METHOD plus which facilities counted at which radius, in words (English and Chinese). */
function methodsFor(r: Resolved): { en: string; zh: string } {
  const filterEn = Object.entries(r.filter).map(([k, v]) => `${k} is ${v.join(' or ')}`).join(' and ');
  const filterZh = Object.entries(r.filter).map(([k, v]) => `${k} 为 ${v.join(' 或 ')}`).join('，且 ');
  const set = `Facilities: ${r.facilities.id}${filterEn ? ` where ${filterEn}` : ''}, ${
    r.spec.includePlanned ? 'existing, planned and under construction' : 'existing only (includePlanned: false)'
  }.`;
  const setZh = `设施：${r.facilities.id}${filterZh ? `（${filterZh}）` : ''}，${r.spec.includePlanned ? '现状、规划及在建' : '仅现状（includePlanned: false）'}。`;
  const radius =
    r.radius.mode === 'uniform'
      ? `Every facility counts at ${r.radius.radiusMeters} m (radiusMeters given: no size tiers).`
      : `Preset "${r.preset!.id}" size tiers: ${r.radius.tiers.map((t) => `≥ ${t.minAreaSquareMeters} m² at ${t.radiusMeters} m`).join(', ')}; smaller facilities do not count (size = the imported geodesic area_square_meters, points count as 0 m²).`;
  const radiusZh =
    r.radius.mode === 'uniform'
      ? `所有设施均按 ${r.radius.radiusMeters} 米计（指定了 radiusMeters：不分规模）。`
      : `预设“${r.preset!.id}”的规模分级：${r.radius.tiers.map((t) => `≥ ${t.minAreaSquareMeters} 平方米按 ${t.radiusMeters} 米`).join('，')}；更小的设施不计（规模取导入时计算的椭球面积 area_square_meters，点状设施按 0 平方米）。`;
  const extra = r.spec.extra.length ? ` What-if facilities count at ${r.newRadiusMeters} m.` : '';
  const extraZh = r.spec.extra.length ? `试算新增设施按 ${r.newRadiusMeters} 米计。` : '';
  return { en: `${COVERAGE_METHOD} ${set} ${radius}${extra}`, zh: `${COVERAGE_METHOD_ZH}${setZh}${radiusZh}${extraZh}` };
}

/** Warnings about what was left out and how firm the figures are, in English and Chinese. */
function warningsFor(r: Resolved, row: CoverageRow): WarningDetail[] {
  const w: WarningDetail[] = [];
  const id = r.facilities.id;
  if (r.completeness?.level === 'plan-only') {
    w.push({
      code: 'incomplete_inventory',
      en: `Incomplete facility data, targets not assessable: ${r.completeness.note.en}`,
      zh: `设施数据不完整，无法评估是否达标：${r.completeness.note.zh}`,
    });
  }
  if (row.without_geometry > 0) {
    w.push({
      code: 'without_geometry',
      en: `${row.without_geometry} of the ${row.matched} matching ${id} features have no known position and are not counted.`,
      zh: `${row.matched} 个符合条件的 ${id} 要素中有 ${row.without_geometry} 个没有已知位置，未计入。`,
    });
  }
  const planned = row.not_existing;
  if (planned > 0 && !r.spec.includePlanned) {
    w.push({
      code: 'planned_not_counted',
      en: `${planned} planned or under-construction ${id} features are not counted; send "includePlanned": true to count them.`,
      zh: `${planned} 个规划或在建的 ${id} 要素未计入；选择“现状 + 规划”（includePlanned: true）可计入。`,
    });
  }
  if (row.below_tiers > 0) {
    const min = Math.min(...r.spec.tiers.map((t) => t.minAreaSquareMeters));
    w.push({
      code: 'below_tiers',
      en: `${row.below_tiers} ${id} ${row.below_tiers === 1 ? 'feature is' : 'features are'} smaller than the smallest size tier (${min} m²) and not counted.`,
      zh: `${row.below_tiers} 个 ${id} 要素小于最小规模分级（${min} 平方米），未计入。`,
    });
  }
  if (row.counted === 0) w.push({ code: 'none_counted', en: 'No facility counts: coverage is 0 % and the whole area is one gap.', zh: '没有计入任何设施：覆盖率为 0%，整个范围都是盲区。' });
  if (r.preset && r.preset.status !== 'confirmed' && r.radius.mode === 'tiers') {
    const statusZh: Record<string, string> = { unconfirmed: '未经核实', weak: '依据较弱', approximation: '近似值' };
    w.push({
      code: 'preset_status',
      en: `Preset "${r.preset.id}" is ${r.preset.status}: ${r.preset.note?.en ?? r.preset.source}`,
      zh: `预设“${r.preset.title.zh}”${statusZh[r.preset.status] ?? r.preset.status}：${r.preset.note?.zh ?? r.preset.source}`,
    });
  }
  if (row.area_qualities?.includes('indicative')) {
    w.push({
      code: 'indicative_area',
      en: `The area "${r.areaId}" is indicative (reconstructed, not an official boundary).`,
      zh: `测算范围“${r.areaId}”为示意数据（据规划重建，非官方边界）。`,
    });
  }
  return w;
}

/** The JSON body of a coverage result, with the gaps FeatureCollection text from PostGIS spliced in unparsed. */
function coverageBody(r: Resolved, row: CoverageRow, extras: { gainSquareMeters: number }[]): string {
  const areaM2 = row.area_m2 ?? 0;
  const share = areaM2 > 0 ? round(row.covered_m2 / areaM2, 4) : 0;
  const { target, targets } = targetsFor(r.preset, r.areaId, share, r.completeness);
  const warnings = warningsFor(r, row);
  const method = methodsFor(r);
  const head = {
    areaSquareMeters: round(areaM2, 1),
    coveredSquareMeters: round(row.covered_m2, 1),
    uncoveredSquareMeters: round(Math.max(0, areaM2 - row.covered_m2), 1),
    coverageShare: share,
    ...(target ? { target } : {}),
    targets,
    denominator: denominator(r, row),
    dataCompleteness: r.completeness ?? null,
    preset: r.preset ? { id: r.preset.id, title: r.preset.title, source: r.preset.source, status: r.preset.status } : null,
    radius: { ...r.radius, newFacilityRadiusMeters: r.newRadiusMeters },
    facilities: {
      collection: r.facilities.id,
      filter: r.filter,
      includePlanned: r.spec.includePlanned,
      matched: row.matched,
      counted: row.counted,
      reachingArea: row.reaching,
      withoutGeometry: row.without_geometry,
      notExisting: row.not_existing,
      belowTiers: row.below_tiers,
    },
    extraFacilities: extras,
    method: method.en,
    methodZh: method.zh,
    warnings: warnings.map((w) => w.en),
    warningDetails: warnings,
    byZone: JSON.parse(row.by_zone),
  };
  const json = JSON.stringify(head);
  return `${json.slice(0, -1)},"gaps":${row.gaps}}`;
}

const JSON_TYPE = { 'content-type': 'application/json; charset=utf-8' };

/** Service-radius coverage: figures, gaps, per-zone shares, what-if, suggested sites, presets. */
export function coverageRoutes(db: Db) {
  const app = new Hono();

  app.get('/analysis/presets', (c) =>
    c.json({
      presets: COVERAGE_PRESETS.map((p) => ({
        ...p,
        radiusMeters: p.tiers.length === 1 ? p.tiers[0].radiusMeters : null,
      })),
    }),
  );

  app.post('/analysis/coverage', async (c) => {
    requireFullRead(c, 'analyse service coverage');
    const r = resolve(db, await readJson(c, CoverageRequest));
    const q = coverageQuery(r.spec);
    const row = (await db.query<CoverageRow>(q.text, q.values, statementLimits(c))).rows[0];
    checkArea(r, row);
    const gains = JSON.parse(row.gains) as number[];
    const extras = r.spec.extra.map((e, i) => ({ coordinates: e.lonLat, radiusMeters: e.radiusMeters, gainSquareMeters: gains[i] }));
    return c.body(coverageBody(r, row, extras), 200, JSON_TYPE);
  });

  app.post('/analysis/coverage/suggest', async (c) => {
    requireFullRead(c, 'analyse service coverage');
    const body = await readJson(c, SuggestRequest);
    const r = resolve(db, body);
    const sq = suggestSamplesQuery(r.spec, r.newRadiusMeters);
    const s = (await db.query<SuggestSamplesRow>(sq.text, sq.values, statementLimits(c))).rows[0];
    checkArea(r, s);
    const demand = (s.demand_x ?? []).map((x, i) => ({ x, y: s.demand_y![i] }));
    const candidates = (s.cand_x ?? []).map((x, i) => ({ x, y: s.cand_y![i] }));
    const cell = s.spacing_m ?? 0;
    const picks = demand.length && candidates.length ? greedyMaximalCoverage(demand, cell * cell, candidates, r.newRadiusMeters, body.count) : [];
    const userExtras = r.spec.extra.length;
    const after: Resolved = {
      ...r,
      spec: {
        ...r.spec,
        extra: [...r.spec.extra, ...picks.map((p) => ({ lonLat: [s.cand_lon![p.index], s.cand_lat![p.index]] as [number, number], radiusMeters: r.newRadiusMeters }))],
      },
    };
    const q = coverageQuery(after.spec);
    const row = (await db.query<CoverageRow>(q.text, q.values, statementLimits(c))).rows[0];
    checkArea(after, row);
    const gains = JSON.parse(row.gains) as number[];
    const suggestions = {
      type: 'FeatureCollection',
      features: picks.map((p, i) => ({
        type: 'Feature',
        id: `suggestion-${i + 1}`,
        properties: {
          rank: i + 1,
          gainSquareMeters: gains[userExtras + i],
          estimatedGainSquareMeters: round(p.gainSquareMeters, 0),
          // The tie-break (SUGGEST_TIE_BREAK): uncovered area within twice the radius when picked.
          nearbyGapSquareMeters: round(p.nearbyGapSquareMeters, 0),
          radiusMeters: r.newRadiusMeters,
        },
        geometry: { type: 'Point', coordinates: after.spec.extra[userExtras + i].lonLat },
      })),
    };
    const areaM2 = s.area_m2 ?? 0;
    const before = {
      areaSquareMeters: round(areaM2, 1),
      coveredSquareMeters: round(s.covered_m2 ?? 0, 1),
      coverageShare: areaM2 > 0 ? round((s.covered_m2 ?? 0) / areaM2, 4) : 0,
    };
    const notes: string[] = ['Sites are chosen for coverage alone: check each against the control lines (POST /api/analysis/compliance) and land availability before proposing it.'];
    if (picks.length < body.count) {
      notes.push(picks.length === 0 ? 'The area is already fully covered: no site would add anything.' : `Only ${picks.length} sites add coverage; the area is then fully covered.`);
    }
    const method =
      `Suggestions: greedy maximal coverage. The gaps are sampled on a ${round(cell, 1)} m grid in EPSG:4546 (each sample stands for ${round(cell * cell, 0)} m² of uncovered area); ` +
      `candidate sites are grid points inside the gaps at least ${round(r.newRadiusMeters / 5, 0)} m apart; each step takes the candidate whose ${r.newRadiusMeters} m circle covers the most uncovered samples. ` +
      `${SUGGEST_TIE_BREAK.en} The grid spacings are whole metres, so both databases sample the same points. ` +
      `gainSquareMeters is then measured exactly in PostGIS (what each site adds beyond the facilities and the sites before it). ${methodsFor(after).en}`;
    const methodZh =
      `建议选址：贪心最大覆盖。在 EPSG:4546 中以 ${round(cell, 1)} 米网格对盲区取样（每个样点代表 ${round(cell * cell, 0)} 平方米未覆盖面积）；` +
      `候选点为盲区内相距至少 ${round(r.newRadiusMeters / 5, 0)} 米的网格点；每一步选取 ${r.newRadiusMeters} 米圆覆盖未覆盖样点最多的候选点。` +
      `${SUGGEST_TIE_BREAK.zh}网格间距取整到米，两种数据库取样点相同。` +
      `gainSquareMeters 随后在 PostGIS 中精确计算（每个选址在现有设施及排名在前的选址之外新增的面积）。${methodsFor(after).zh}`;
    const notesZh: string[] = ['选址只考虑覆盖：提出前须逐一核对管控线（POST /api/analysis/compliance）和用地条件。'];
    if (picks.length < body.count) notesZh.push(picks.length === 0 ? '范围已全部覆盖：任何选址都不会增加覆盖。' : `只有 ${picks.length} 个选址能增加覆盖；之后范围即全部覆盖。`);
    const extras = after.spec.extra.map((e, i) => ({ coordinates: e.lonLat, radiusMeters: e.radiusMeters, gainSquareMeters: gains[i] }));
    const head = JSON.stringify({ count: body.count, suggestions, before, method, methodZh, notes, notesZh });
    return c.body(`${head.slice(0, -1)},"after":${coverageBody(after, row, extras)}}`, 200, JSON_TYPE);
  });

  return app;
}
