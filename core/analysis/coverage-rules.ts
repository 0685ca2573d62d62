/**
 * The domain rules of service coverage, shared by the API and the browser (issue 14): which inputs a
 * request uses (preset, facility layers, area, denominator, population, network), the targets and
 * verdicts, the method and denominator texts, the warnings, and the response body. Pure: the route
 * parses, calls resolveCoverage, runs the SQL and hands the figures to coverageResponse.
 */
import type { Bilingual, CollectionDef, LayerRole } from '../catalog.ts';
import { readSite } from '../geometry/site-input.ts';
import {
  COVERAGE_PRESETS,
  dataCompletenessOf,
  findPreset,
  targetAreaNeeded,
  targetVerdict,
  type CoveragePreset,
  type CoverageTarget,
  type DataCompleteness,
  type FacilityFilter,
} from '../presets.ts';

/** Largest radius / walking distance a request may ask for (m). */
export const MAX_RADIUS_METERS = 50_000;
/** Most what-if facilities in one request. */
export const MAX_EXTRA_FACILITIES = 1000;
/** Most suggested new sites in one request. */
export const MAX_SUGGEST_COUNT = 10;
/** Gap pieces under this area (m²) are not listed: by the server's statement and by the browser's own estimate alike. */
export const MIN_GAP_SQUARE_METERS = 100;
/** Admin code of Xincheng District, the area `"district"` stands for. */
export const XINCHENG_ADCODE = '150102';

/** How coverage is measured, stated in every coverage response. */
export const COVERAGE_METHOD =
  'PostGIS: facilities and the area are projected to EPSG:4546 (CGCS2000 3° Gauss-Krüger, central meridian 111° E; ' +
  'scale error < 0.01 % over Xincheng), each facility is buffered by its service radius in metres (a polygon from its edge, ' +
  'a point from its position; 64-segment circles), the buffers are unioned once (no double counting) and intersected with the ' +
  'area; areas are geodesic on the CGCS2000/WGS84 ellipsoid. The radius is a straight-line distance, not walking distance ' +
  'along streets (send "method": "network" with a road layer for that). Only facilities with a geometry count. The gaps are split by support zone ' +
  '(each zone\'s part, plus the part outside every zone) into single polygons; pieces under 100 m² are not listed.';

/** COVERAGE_METHOD in Chinese, for the UI. */
export const COVERAGE_METHOD_ZH =
  'PostGIS：设施与测算范围投影到 EPSG:4546（CGCS2000 3 度带高斯-克吕格，中央经线 111°E；新城区内尺度误差 < 0.01%），' +
  '每个设施按服务半径（米）做缓冲区（面状设施自边界起算，点状设施自其位置起算；圆为 64 边形），缓冲区合并一次（不重复计算）后与测算范围求交；' +
  '面积按 CGCS2000/WGS84 椭球计算。半径为直线距离，不是沿道路的步行距离（选择路网图层并使用 "method": "network" 可按步行距离计算）。只统计有几何位置的设施。' +
  '服务盲区按支撑区切分（各支撑区内的部分及所有支撑区以外的部分）为单个多边形；小于 100 平方米的碎片不列出。';

/**
 * The plan's own population figures (2020 census, 第七次全国人口普查, as the plan cites them), shown
 * beside the total of an imported population layer.
 */
export const PLAN_POPULATION = {
  residents: { people: 699_672, title: { zh: '常住人口', en: 'residents' } },
  aged60plus: { people: 110_592, title: { zh: '60 岁及以上人口', en: 'residents aged 60 and over' } },
  source: '第七次全国人口普查（2020）新城区数据，见新城区“十四五”规划 / 2020 census (7th national census), Xincheng District',
} as const;
export type PopulationGroup = 'residents' | 'aged60plus';

/** Field names a population layer's count is looked for under, by group (lower-cased, in order). */
export const POPULATION_FIELD_HINTS: Record<PopulationGroup, readonly string[]> = {
  residents: ['population', 'pop', 'residents', 'people', '人口', '常住人口', '总人口', '户籍人口', 'rk', 'czrk'],
  aged60plus: ['aged60', 'aged_60', 'age60', 'age_60', 'pop60', 'pop_60', 'over60', 'elderly', '60岁以上', '60岁及以上', '60岁以上人口', '60岁及以上人口', '老年人口', 'lnrk'],
};

/**
 * The values of an imported facility layer's `type` that count for each preset (its facility types,
 * with the Chinese words an office's table uses). A `facility` layer contributes its rows whose type
 * is one of these.
 */
export const PRESET_FACILITY_TYPES: Record<string, readonly string[]> = {
  parks: ['park', 'garden', 'pocket_park', '公园', '公园绿地', '游园', '小游园', '口袋公园', '街头绿地', '社区公园', '综合公园'],
  kindergarten: ['kindergarten', '幼儿园', '托幼'],
  primary_school: ['primary_school', 'nine_year_school', '小学', '九年一贯制学校', '九年一贯制'],
  middle_school: ['middle_school', 'nine_year_school', '中学', '初中', '高中', '九年一贯制学校', '九年一贯制'],
  health: ['clinic', 'hospital', '医院', '卫生院', '社区卫生服务中心', '社区卫生服务站', '卫生服务中心', '诊所', '卫生室'],
  elderly_care: ['elderly_care', '养老', '养老院', '养老服务', '养老服务站', '日间照料中心', '养老服务中心', '敬老院', '老年人日间照料中心'],
  sports: ['sports', '体育', '体育场', '体育馆', '健身', '全民健身中心', '健身广场'],
  fire_station: ['fire_station', '消防站', '消防'],
};

/** Walking-graph constants (see core/analysis/network.ts), stated in the method text. */
export const NETWORK_SNAP_METERS = 2;
/** Reached edges are buffered by this much on each side to become the service area (m). */
export const NETWORK_BUFFER_METERS = 50;
/**
 * Segments per quarter circle of those buffers (PostGIS's quad_segs): round ends and corners as
 * octagons (at most 3.8 m inside the true 50 m curve), 8× fewer vertices to union than circles need;
 * the browser's grid estimate uses the same shape (core/analysis/coverage-grid.ts).
 */
export const NETWORK_BUFFER_QUAD_SEGS = 2;
/** Facilities further than this from every network edge are not on the network (m). */
export const NETWORK_MAX_ACCESS_METERS = 500;
/** A polygon facility is entered from every edge within this distance of its edge (m). */
export const NETWORK_POLYGON_ACCESS_METERS = 30;
/**
 * GB 50180-2018's life circles as walking distances on a network (the panel's choices with the
 * network method): clause 4.0.1 and its Table 4.0.1 grade residential areas by walking distance —
 * 15-minute 800–1000 m, 10-minute 500 m, 5-minute 300 m (../shared/design/standards.md; the 5-minute
 * figure is marked unconfirmed there).
 */
export const LIFE_CIRCLES: readonly { id: string; minutes: 5 | 10 | 15; distanceMeters: number; title: Bilingual; status: 'confirmed' | 'unconfirmed' }[] = [
  { id: '5min', minutes: 5, distanceMeters: 300, title: { zh: '5 分钟生活圈 · 300 米', en: '5-minute life circle · 300 m' }, status: 'unconfirmed' },
  { id: '10min', minutes: 10, distanceMeters: 500, title: { zh: '10 分钟生活圈 · 500 米', en: '10-minute life circle · 500 m' }, status: 'confirmed' },
  { id: '15min-800', minutes: 15, distanceMeters: 800, title: { zh: '15 分钟生活圈 · 800 米', en: '15-minute life circle · 800 m' }, status: 'confirmed' },
  { id: '15min-1000', minutes: 15, distanceMeters: 1000, title: { zh: '15 分钟生活圈 · 1000 米', en: '15-minute life circle · 1000 m' }, status: 'confirmed' },
];
export const LIFE_CIRCLE_SOURCE: Bilingual = {
  zh: 'GB 50180-2018《城市居住区规划设计标准》第 4.0.1 条、表 4.0.1（居住区分级控制规模）：15 分钟生活圈居住区步行距离 800～1000 米，10 分钟 500 米，5 分钟 300 米',
  en: 'GB 50180-2018 Standard for urban residential area planning and design, clause 4.0.1 and Table 4.0.1 (residential areas by grade): walking distance 800–1000 m for the 15-minute life circle, 500 m for the 10-minute, 300 m for the 5-minute',
};

/**
 * Largest network the browser takes for its instant what-if (edges after noding): beyond it the
 * server's answer alone is shown (the lines would be megabytes to send and the graph slow to build).
 */
export const NETWORK_BROWSER_MAX_EDGES = 50_000;

/** A coverage request as the API's schema has checked it (types only). */
export interface CoverageRequestBody {
  facilities?: string;
  filter?: Record<string, string | number | boolean | (string | number | boolean)[]>;
  radiusMeters?: number;
  preset?: string;
  area: string;
  includePlanned: boolean;
  extraFacilities: unknown[];
  /** An `area`-role collection: coverage of that land within the area; null: the whole area. */
  denominator?: string | null;
  population?: { collection: string; field?: string };
  method: 'radius' | 'network';
  network?: string;
  candidates?: string;
}

/** A bad request, told in the words the API answers with. */
export class CoverageInputError extends Error {
  constructor(
    readonly status: 400 | 404,
    readonly code: 'InvalidRequestBody' | 'NotFound',
    message: string,
  ) {
    super(message);
  }
}
const fail = (status: 400 | 404, message: string): never => {
  throw new CoverageInputError(status, status === 404 ? 'NotFound' : 'InvalidRequestBody', message);
};

/** Where coverage is measured: one collection's polygons, Xincheng District (one admin code) or one support zone. */
export type AreaSpec = { kind: 'collection'; collection: string } | { kind: 'district'; adcode: string } | { kind: 'zone'; zoneId: string };

/** One facility collection a request takes facilities from, with its equality filters. */
export interface FacilitySource {
  collection: string;
  filters: { property: string; values: string[] }[];
  /** Why it is used: named in the request or by the preset, or an office `facility` layer of the preset's type. */
  via: 'request' | 'preset' | 'facility-layer';
}

/** The facility set, its radii and the what-if additions, all already checked against the catalogue. */
export interface CoverageSpec {
  /** The facility collections (identifiers from the catalogue), the first the main one. */
  sources: FacilitySource[];
  includePlanned: boolean;
  /** Size tiers: a facility of at least `minAreaSquareMeters` counts at `radiusMeters` (largest minimum that fits). */
  tiers: { minAreaSquareMeters: number; radiusMeters: number }[];
  /** What-if facilities (EPSG:4326 points), each with its radius in metres, in the order added; with the network method, its reached edges. */
  extra: { lonLat: [number, number]; radiusMeters: number; serviceLines?: string | null }[];
  area: AreaSpec;
  /** An area collection whose land (within the area) is what is measured. */
  denominator: string | null;
  population: { collection: string; field: string } | null;
  /** Network method: the reached edges (GeoJSON MultiLineString text, EPSG:4546 metres) buffered by bufferMeters replace the circles. */
  networkCover?: { lines: string | null; bufferMeters: number };
  /** Suggestions: a collection whose polygons candidate sites must lie on. */
  candidates: string | null;
}

/** A request resolved against the catalogue and the presets, ready for the SQL builders. */
export interface ResolvedCoverage {
  spec: CoverageSpec;
  preset: CoveragePreset | undefined;
  facilities: CollectionDef;
  filter: Record<string, string[]>;
  /** Radius (m) of what-if and suggested facilities. */
  newRadiusMeters: number;
  radius: { mode: 'uniform'; radiusMeters: number } | { mode: 'tiers'; tiers: CoveragePreset['tiers'] };
  areaId: string;
  /** How complete the facility data is (preset's or collection's); coverageResponse upgrades it when an office layer counted. */
  completeness: DataCompleteness | undefined;
  areaTitle?: Bilingual;
  denominator: { def: CollectionDef; byDefault: boolean } | null;
  population: { def: CollectionDef; field: string; group: PopulationGroup; fieldChosen: 'request' | 'hint' } | null;
  method: 'radius' | 'network';
  network: CollectionDef | null;
  candidates: CollectionDef | null;
}

/** The role a collection plays (built-in ones by their flags). */
export function roleOf(def: CollectionDef): LayerRole {
  if (def.role) return def.role;
  return def.control ? 'control' : 'reference';
}

/** Whether an `area` layer is residential land (居住用地): by its title or id. */
export function isResidentialLand(def: CollectionDef): boolean {
  return roleOf(def) === 'area' && (/居住/.test(def.title.zh) || /residential|juzhu/i.test(`${def.id} ${def.title.en}`));
}

/** The area layers a coverage can be a share of (the UI offers them), residential land first. */
export function denominatorChoices(catalogue: readonly CollectionDef[]): CollectionDef[] {
  const areas = catalogue.filter((d) => roleOf(d) === 'area' && (d.geometry === 'polygon' || d.geometry === 'mixed'));
  return [...areas.filter(isResidentialLand), ...areas.filter((d) => !isResidentialLand(d))];
}

/** The denominator used when a request names none: the first residential-land layer, if any. */
export function defaultDenominator(catalogue: readonly CollectionDef[]): CollectionDef | undefined {
  return catalogue.find((d) => isResidentialLand(d) && (d.geometry === 'polygon' || d.geometry === 'mixed'));
}

/** Polygon or point layers with a number field: population candidates, with those fields. */
export function populationChoices(catalogue: readonly CollectionDef[]): { collection: CollectionDef; fields: string[] }[] {
  return catalogue
    .filter((d) => d.geometry !== 'none')
    .map((d) => ({ collection: d, fields: Object.entries(d.properties).filter(([k, p]) => (p.type === 'number' || p.type === 'integer') && !p.derived && k !== 'area_square_meters').map(([k]) => k) }))
    .filter((c) => c.fields.length > 0);
}

/** Line layers that can be a walking network (role reference, lines). */
export function networkChoices(catalogue: readonly CollectionDef[]): CollectionDef[] {
  return catalogue.filter((d) => d.imported && roleOf(d) === 'reference' && d.geometry === 'mixed');
}

/** The collection `id` as a walking network, or a CoverageInputError (404 unknown, 400 not a line layer of role reference). */
export function networkCollection(id: string, catalogue: readonly CollectionDef[]): CollectionDef {
  const def = catalogue.find((c) => c.id === id);
  if (!def) return fail(404, `Unknown network collection "${id.slice(0, 60)}" (GET /api/collections lists them).`);
  if (roleOf(def) !== 'reference' || def.geometry === 'polygon' || def.geometry === 'point' || def.geometry === 'none') {
    fail(400, `network: "${def.id}" is not a line layer of role "reference"; line layers: ${networkChoices(catalogue).map((d) => d.id).join(', ') || 'none imported'}.`);
  }
  return def;
}

/** The preset a field name hints at: aged 60+ for the elderly-care preset, residents otherwise. */
export function populationGroupOf(preset: CoveragePreset | undefined): PopulationGroup {
  return preset?.id === 'elderly_care' ? 'aged60plus' : 'residents';
}

/** The field of `def` that holds the count of `group` (see POPULATION_FIELD_HINTS), else undefined. */
export function guessPopulationField(def: CollectionDef, group: PopulationGroup): string | undefined {
  const fields = Object.keys(def.properties);
  const order = group === 'aged60plus' ? POPULATION_FIELD_HINTS.aged60plus : POPULATION_FIELD_HINTS.residents;
  for (const hint of order) {
    const f = fields.find((k) => k.toLowerCase() === hint);
    if (f) return f;
  }
  return undefined;
}

/** `central_area` | `district` (Xincheng) | `zone:<id>` | any polygon collection id. */
function parseArea(find: (id: string) => CollectionDef | undefined, area: string): AreaSpec {
  if (area === 'district') return { kind: 'district', adcode: XINCHENG_ADCODE };
  if (area.startsWith('zone:')) {
    const zoneId = area.slice('zone:'.length);
    if (!zoneId) fail(400, 'area: "zone:" needs a zone id, e.g. "zone:zone-qianpo".');
    return { kind: 'zone', zoneId };
  }
  const def = find(area);
  if (!def) return fail(404, `Unknown area "${area.slice(0, 60)}": use "central_area", "district", "zone:<id>" or a polygon collection id.`);
  if (def.geometry === 'none' || def.geometry === 'point') {
    fail(400, `area: collection "${def.id}" has no polygon geometry, so it has no area to measure coverage over.`);
  }
  return { kind: 'collection', collection: def.id };
}

/**
 * Checks a coverage request against the catalogue and presets and resolves what it uses; throws
 * CoverageInputError (400/404) naming the problem.
 */
export function resolveCoverage(body: CoverageRequestBody, catalogue: readonly CollectionDef[]): ResolvedCoverage {
  const find = (id: string) => catalogue.find((c) => c.id === id);
  const preset = body.preset === undefined ? undefined : findPreset(body.preset);
  if (body.preset !== undefined && !preset) {
    fail(404, `Unknown preset "${body.preset.slice(0, 60)}"; presets: ${COVERAGE_PRESETS.map((p) => p.id).join(', ')} (GET /api/analysis/presets).`);
  }
  const facilitiesId = body.facilities ?? preset?.facilities;
  if (!facilitiesId) return fail(400, 'facilities: give the facilities collection id (e.g. "parks") or a preset.');
  const facilities = find(facilitiesId);
  if (!facilities) return fail(404, `Unknown facilities collection "${facilitiesId.slice(0, 60)}" (GET /api/collections lists them).`);
  if (facilities.geometry === 'none') fail(400, `facilities: collection "${facilities.id}" has no geometry, so it has no service areas.`);

  let radius: ResolvedCoverage['radius'];
  if (body.radiusMeters !== undefined) radius = { mode: 'uniform', radiusMeters: body.radiusMeters };
  else if (preset) radius = { mode: 'tiers', tiers: preset.tiers };
  else return fail(400, 'Give radiusMeters (metres, every facility counts at it) or a preset (its size tiers apply).');

  const rawFilter: FacilityFilter = body.filter ?? (preset && preset.facilities === facilities.id ? preset.filter : {});
  const filter: Record<string, string[]> = {};
  for (const [key, value] of Object.entries(rawFilter)) {
    if (!Object.hasOwn(facilities.properties, key)) {
      fail(400, `filter: "${key.slice(0, 60)}" is not a property of ${facilities.id}; use one of ${Object.keys(facilities.properties).join(', ')}.`);
    }
    filter[key] = (Array.isArray(value) ? value : [value]).map(String);
  }
  const sources: FacilitySource[] = [
    { collection: facilities.id, filters: Object.entries(filter).map(([property, values]) => ({ property, values })), via: body.facilities ? 'request' : 'preset' },
  ];
  // A preset also takes the facilities of its type from every office `facility` layer.
  if (preset && body.facilities === undefined) {
    const types = PRESET_FACILITY_TYPES[preset.id] ?? [];
    for (const def of catalogue) {
      if (def.id === facilities.id || !def.imported || roleOf(def) !== 'facility' || !def.properties.type || def.geometry === 'none') continue;
      sources.push({ collection: def.id, filters: [{ property: 'type', values: [...types] }], via: 'facility-layer' });
    }
  }

  const area = parseArea(find, body.area);
  const newRadiusMeters = body.radiusMeters ?? preset!.newFacilityRadiusMeters;
  const extra = body.extraFacilities.map((g, i): CoverageSpec['extra'][number] => {
    const site = readSite(g);
    if (!site.valid) return fail(400, `extraFacilities.${i}: ${site.reason}`);
    if (site.geometry.type !== 'Point') return fail(400, `extraFacilities.${i}: must be a GeoJSON Point, not a ${site.geometry.type}.`);
    return { lonLat: site.geometry.coordinates as [number, number], radiusMeters: newRadiusMeters };
  });

  // The denominator: named, none (null), or residential land by default when such a layer exists.
  let denominator: ResolvedCoverage['denominator'] = null;
  if (body.denominator !== undefined && body.denominator !== null) {
    const def = find(body.denominator);
    if (!def) return fail(404, `Unknown denominator "${body.denominator.slice(0, 60)}": give an area layer's collection id (role "area"), or null for the whole area.`);
    if (roleOf(def) !== 'area' || def.geometry === 'none' || def.geometry === 'point') {
      fail(400, `denominator: "${def.id}" is not an area layer (role "area", polygons); area layers: ${denominatorChoices(catalogue).map((d) => d.id).join(', ') || 'none imported'}.`);
    }
    denominator = { def, byDefault: false };
  } else if (body.denominator === undefined) {
    const def = defaultDenominator(catalogue);
    if (def && !(area.kind === 'collection' && area.collection === def.id)) denominator = { def, byDefault: true };
  }

  let population: ResolvedCoverage['population'] = null;
  if (body.population) {
    const def = find(body.population.collection);
    if (!def) return fail(404, `Unknown population collection "${body.population.collection.slice(0, 60)}" (GET /api/collections lists them).`);
    if (def.geometry === 'none') fail(400, `population: collection "${def.id}" has no geometry, so its people cannot be placed.`);
    const group = populationGroupOf(preset);
    const numeric = Object.entries(def.properties).filter(([k, p]) => (p.type === 'number' || p.type === 'integer') && k !== 'area_square_meters').map(([k]) => k);
    let field = body.population.field;
    let fieldChosen: 'request' | 'hint' = 'request';
    if (field === undefined) {
      field = guessPopulationField(def, group) ?? (group === 'aged60plus' ? guessPopulationField(def, 'residents') : undefined);
      fieldChosen = 'hint';
      if (!field) return fail(400, `population.field: give the field of ${def.id} that holds the number of people; its number fields are ${numeric.join(', ') || 'none'}.`);
    }
    if (!Object.hasOwn(def.properties, field) || field === 'area_square_meters') {
      fail(400, `population.field: "${field.slice(0, 60)}" is not a field of ${def.id}; its number fields are ${numeric.join(', ') || 'none'}.`);
    }
    // The plan figure shown beside it: aged 60+ when the field is one of the aged-60+ names.
    const fieldGroup: PopulationGroup = POPULATION_FIELD_HINTS.aged60plus.includes(field.toLowerCase()) ? 'aged60plus' : 'residents';
    population = { def, field, group: fieldGroup, fieldChosen };
  }

  let network: CollectionDef | null = null;
  if (body.method === 'network') {
    if (!body.network) return fail(400, `network: the network method needs a line layer (role "reference") as "network"; line layers: ${networkChoices(catalogue).map((d) => d.id).join(', ') || 'none imported'}.`);
    network = networkCollection(body.network, catalogue);
  } else if (body.network !== undefined) fail(400, 'network: give it with "method": "network" (the radius method uses no network).');

  let candidates: CollectionDef | null = null;
  if (body.candidates !== undefined) {
    const def = find(body.candidates);
    if (!def) return fail(404, `Unknown candidates collection "${body.candidates.slice(0, 60)}" (GET /api/collections lists them).`);
    if (def.geometry === 'none' || def.geometry === 'point') fail(400, `candidates: "${def.id}" has no polygons, so it holds no land for a new facility.`);
    candidates = def;
  }

  const spec: CoverageSpec = {
    sources,
    includePlanned: body.includePlanned,
    tiers: radius.mode === 'uniform' ? [{ minAreaSquareMeters: 0, radiusMeters: radius.radiusMeters }] : radius.tiers,
    extra,
    area,
    denominator: denominator?.def.id ?? null,
    population: population ? { collection: population.def.id, field: population.field } : null,
    candidates: candidates?.id ?? null,
  };
  const completeness = preset && preset.facilities === facilities.id ? preset.dataCompleteness : dataCompletenessOf(facilities.id);
  const areaTitle = area.kind === 'collection' ? find(area.collection)?.title : undefined;
  return {
    spec,
    preset,
    facilities,
    filter,
    newRadiusMeters,
    radius,
    areaId: body.area,
    completeness,
    areaTitle,
    denominator,
    population,
    method: body.method,
    network,
    candidates,
  };
}

/** The figures a coverage query yields (api/sql/coverage.ts CoverageRow is this). */
export interface CoverageFigures {
  area_rows: number;
  area_with_geom: number;
  area_qualities: string[] | null;
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
  /** JSON array text: per facility source (index), matched and counted. */
  by_source: string;
  /** GeoJSON FeatureCollection text. */
  gaps: string;
  /** JSON array text of per-zone figures. */
  by_zone: string;
  /** JSON array text of per-denominator-feature figures (null without a denominator). */
  by_sub_area: string | null;
  /** JSON array text of gains (m²), one per what-if facility. */
  gains: string;
  /** Population: the layer's total, the people in the area and those covered, per zone (JSON text). */
  pop_layer_total: number | null;
  pop_total: number | null;
  pop_covered: number | null;
  pop_without_value: number | null;
  pop_by_zone: string | null;
  /** The denominator layer: rows and polygons within the area. */
  den_rows: number | null;
}

/** Live version, feature count and date of a collection an analysis used. */
export interface InputMeta {
  version: number | null;
  date: string | null;
  featureCount: number | null;
}

/** A warning in both languages: `warnings` (English) is the contract, `warningDetails` serves the UI. */
export interface WarningDetail {
  code: string;
  en: string;
  zh: string;
}

/** The area/denominator checks: a message when the area matched nothing or has no polygons, else null. */
export function areaProblem(r: ResolvedCoverage, row: { area_rows: number; area_with_geom: number; area_empty: boolean }): CoverageInputError | null {
  const a = r.spec.area;
  if (a.kind === 'zone' && row.area_rows === 0) return new CoverageInputError(404, 'NotFound', `Unknown zone "${a.zoneId.slice(0, 60)}" (GET /api/collections/zones/items lists them).`);
  if (row.area_rows === 0 || row.area_with_geom === 0) {
    return new CoverageInputError(400, 'InvalidRequestBody', `area "${r.areaId.slice(0, 60)}" has no geometry${row.area_rows === 0 ? ' (no features: is the dataset imported?)' : ''}; nothing to measure coverage over.`);
  }
  if (row.area_empty && !r.denominator) return new CoverageInputError(400, 'InvalidRequestBody', `area "${r.areaId.slice(0, 60)}" has no polygon geometry (only points or lines); nothing to measure coverage over.`);
  return null;
}

/** What the share is a share of: the UI shows it next to the figure. */
export function denominatorOf(r: ResolvedCoverage, row: Pick<CoverageFigures, 'area_name_zh' | 'area_name_en'>) {
  const a = r.spec.area;
  const areaTitle =
    a.kind === 'district'
      ? { zh: '新城区全域', en: 'Xincheng District (whole district)' }
      : a.kind === 'zone'
        ? { zh: `支撑区 ${row.area_name_zh ?? a.zoneId}`, en: `support zone ${row.area_name_en ?? row.area_name_zh ?? a.zoneId}` }
        : (r.areaTitle ?? { zh: a.collection, en: a.collection });
  const parks = r.preset?.id === 'parks';
  if (r.denominator) {
    const d = r.denominator.def;
    const residential = isResidentialLand(d);
    return {
      area: r.areaId,
      collection: d.id,
      byDefault: r.denominator.byDefault,
      title: { zh: `${areaTitle.zh}内的${d.title.zh}`, en: `${d.title.en} within ${areaTitle.en}` },
      description:
        `Share of the land of the area layer ${d.title.en} (${d.id}) within ${areaTitle.en}` +
        (r.denominator.byDefault ? ', used by default as the residential-land layer' : '') +
        (parks && residential ? ': GB/T 51346 counts residential land (居住用地), as here.' : '.'),
      descriptionZh: `${areaTitle.zh}内${d.title.zh}（${d.id}）面积中被覆盖的比例${r.denominator.byDefault ? '（默认使用居住用地图层）' : ''}${parks && residential ? '：GB/T 51346 即以居住用地为分母。' : '。'}`,
    };
  }
  return {
    area: r.areaId,
    collection: null,
    byDefault: false,
    title: areaTitle,
    description:
      `Share of the land area of ${areaTitle.en}` +
      (parks ? ': GB/T 51346 counts residential land (居住用地) only; no residential-land layer is loaded, so the whole area stands in.' : '.'),
    descriptionZh: `${areaTitle.zh}总面积中被覆盖的比例${parks ? '：GB/T 51346 以居住用地为分母；未加载居住用地图层，以整个范围代替。' : '。'}`,
  };
}

/** The target a result is held to: the plan's own for the central area, else the standard's overall one. */
export function targetsFor(preset: CoveragePreset | undefined, areaId: string, share: number, completeness: DataCompleteness | undefined) {
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

export const round = (v: number, d: number) => Math.round(v * 10 ** d) / 10 ** d;

/** The network method in words (both languages). */
export function networkMethodText(networkId: string, distanceText: string): Bilingual {
  return {
    en:
      `Walking distance on the network ${networkId}: a graph with a node at every line end and every crossing of two lines (lines noded by a union at 1 mm fixed precision, PostGIS ST_UnaryUnion; ends within ${NETWORK_SNAP_METERS} m snapped together), edges weighted by their length in EPSG:4546 metres, shortest paths by Dijkstra (graphology-shortest-path) from each facility over the edges within its straight-line reach (or from all at once over the whole network when those cover most of it); the graph is built once per version of the network and kept. ` +
      `A point facility enters the network at the nearest point of the nearest edge (within ${NETWORK_MAX_ACCESS_METERS} m; the straight walk there counts against the distance); a polygon facility at the nearest point of every edge within ${NETWORK_POLYGON_ACCESS_METERS} m of its edge (else of the nearest edge). ` +
      `The service area is every part of an edge reachable within ${distanceText}, buffered by ${NETWORK_BUFFER_METERS} m on each side; it is then intersected with the area as the circles would be.`,
    zh:
      `路网 ${networkId} 上的步行距离：在每条线的端点和两线交叉处设节点（以 1 毫米固定精度合并打断，PostGIS ST_UnaryUnion；相距 ${NETWORK_SNAP_METERS} 米以内的端点合并），边权为 EPSG:4546 下的长度（米），以 Dijkstra 算法（graphology-shortest-path）自各设施在其直线可达范围内的路段上求最短路径（范围覆盖路网大部分时在整个路网上自全部设施同时求）；路网图按路网图层的版本构建一次并保留。` +
      `点状设施从最近一条边上的最近点进入路网（${NETWORK_MAX_ACCESS_METERS} 米以内；到该点的直线距离计入步行距离）；面状设施从其边界 ${NETWORK_POLYGON_ACCESS_METERS} 米以内每条边上的最近点进入（没有则取最近的一条边）。` +
      `服务范围为 ${distanceText}内可达的全部路段，两侧各缓冲 ${NETWORK_BUFFER_METERS} 米，再与测算范围求交。`,
  };
}

/** Facility types and statuses in Chinese, for the method text (the map's i18n says the same). */
const VALUE_ZH: Record<string, string> = {
  kindergarten: '幼儿园',
  primary_school: '小学',
  middle_school: '中学',
  nine_year_school: '九年一贯制学校',
  clinic: '诊所',
  hospital: '医院',
  elderly_care: '养老设施',
  sports: '体育设施',
  fire_station: '消防站',
  rail_station: '铁路车站',
  metro_station: '地铁站',
};

/** COVERAGE_METHOD plus which facilities counted at which radius, in words (English and Chinese). */
export function methodsFor(r: ResolvedCoverage): Bilingual {
  const filterEn = Object.entries(r.filter).map(([k, v]) => `${k} is ${v.join(' or ')}`).join(' and ');
  // Chinese names layers, fields and values by their titles, never by code (issue 13 #9).
  const filterZh = Object.entries(r.filter)
    .map(([k, v]) => `${r.facilities.properties[k]?.title.zh ?? k}为${v.map((x) => VALUE_ZH[x] ?? x).join('或')}`)
    .join('，且');
  const layers = r.spec.sources.filter((s) => s.via === 'facility-layer').map((s) => s.collection);
  const set =
    `Facilities: ${r.facilities.id}${filterEn ? ` where ${filterEn}` : ''}${layers.length ? `, and from the facility layers ${layers.join(', ')} those whose type is one of the preset's types` : ''}, ${
      r.spec.includePlanned ? 'existing, planned and under construction' : 'existing only (includePlanned: false)'
    }.`;
  const setZh = `设施：“${r.facilities.title.zh}”${filterZh ? `（${filterZh}）` : ''}${layers.length ? `，以及设施图层 ${layers.join('、')} 中类型属于该预设的设施` : ''}，${r.spec.includePlanned ? '现状、规划及在建' : '仅现状'}。`;
  const radius =
    r.radius.mode === 'uniform'
      ? `Every facility counts at ${r.radius.radiusMeters} m (radiusMeters given: no size tiers).`
      : `Preset "${r.preset!.id}" size tiers: ${r.radius.tiers.map((t) => `≥ ${t.minAreaSquareMeters} m² at ${t.radiusMeters} m`).join(', ')}; smaller facilities do not count (size = the imported geodesic area_square_meters, points count as 0 m²).`;
  const radiusZh =
    r.radius.mode === 'uniform'
      ? `所有设施均按 ${r.radius.radiusMeters} 米计（指定了 radiusMeters：不分规模）。`
      : `预设“${r.preset!.title.zh}”的规模分级：${r.radius.tiers.map((t) => `≥ ${t.minAreaSquareMeters} 平方米按 ${t.radiusMeters} 米`).join('，')}；更小的设施不计（规模取导入时计算的椭球面积，点状设施按 0 平方米）。`;
  const extra = r.spec.extra.length ? ` What-if facilities count at ${r.newRadiusMeters} m.` : '';
  const extraZh = r.spec.extra.length ? `试算新增设施按 ${r.newRadiusMeters} 米计。` : '';
  let en = `${COVERAGE_METHOD} ${set} ${radius}${extra}`;
  let zh = `${COVERAGE_METHOD_ZH}${setZh}${radiusZh}${extraZh}`;
  if (r.method === 'network' && r.network) {
    const net = networkMethodText(r.network.id, r.radius.mode === 'uniform' ? `${r.radius.radiusMeters} m` : 'the tier distance');
    en = `Method: network (walking distance along ${r.network.id}), in place of straight-line circles. ${net.en} ${en.replace('The radius is a straight-line distance, not walking distance along streets (send "method": "network" with a road layer for that). ', '')}`;
    zh = `方法：路网步行距离（沿 ${r.network.id}），代替直线距离的圆。${net.zh}${zh.replace('半径为直线距离，不是沿道路的步行距离（选择路网图层并使用 "method": "network" 可按步行距离计算）。', '')}`;
  } else {
    en = `Method: radius (straight-line distance). ${en}`;
    zh = `方法：半径（直线距离）。${zh}`;
  }
  if (r.denominator) {
    en += ` Measured land: the polygons of ${r.denominator.def.id} within the area (their union, so overlapping polygons count once).`;
    zh += `测算用地：测算范围内“${r.denominator.def.title.zh}”的多边形（合并后计算，重叠部分只计一次）。`;
  }
  if (r.population) {
    en += ` ${populationMethod(r).en}`;
    zh += populationMethod(r).zh;
  }
  return { en, zh };
}

/** How people are counted, in words. */
export function populationMethod(r: ResolvedCoverage): Bilingual {
  const p = r.population!;
  return {
    en:
      `People: field ${p.field} of ${p.def.id}. A polygon's people are spread evenly over its area: the share of the polygon inside the area counts towards the total, ` +
      `the share inside the service areas towards the covered people (so people are assumed to live evenly across each polygon, not only on the measured land); a point's people count wholly where the point is. Values that are not numbers count as 0.`,
    zh:
      `人口：${p.def.id} 的字段 ${p.field}。面要素的人口按面积均匀分布：位于测算范围内的部分计入总数，位于服务范围内的部分计入覆盖人口（即假定人口在每个面内均匀分布，而不仅在测算用地上）；点要素的人口全部计在该点。非数值按 0 计。`,
  };
}

/** The facility data completeness once the query has counted: an office facility layer that contributed makes it an inventory. */
export function completenessFor(r: ResolvedCoverage, bySource: { matched: number }[], meta: Record<string, InputMeta>): DataCompleteness | undefined {
  const office = r.spec.sources
    .map((s, i) => ({ s, n: bySource[i]?.matched ?? 0 }))
    .filter(({ s, n }) => n > 0 && (s.via === 'facility-layer' || (s.via === 'request' && r.facilities.imported)));
  if (office.length === 0 && !(r.facilities.imported && roleOf(r.facilities) === 'facility')) return r.completeness;
  const list = office.length ? office : [{ s: r.spec.sources[0], n: bySource[0]?.matched ?? 0 }];
  const en = list.map(({ s, n }) => `${s.collection} (${n} features, dated ${meta[s.collection]?.date ?? 'unknown'}, version ${meta[s.collection]?.version ?? '?'})`).join('; ');
  const zh = list.map(({ s, n }) => `${s.collection}（${n} 个要素，日期 ${meta[s.collection]?.date ?? '不详'}，版本 ${meta[s.collection]?.version ?? '?'}）`).join('；');
  return {
    level: 'office',
    layers: list.map(({ s, n }) => ({ collection: s.collection, count: n, date: meta[s.collection]?.date ?? null, version: meta[s.collection]?.version ?? null })),
    note: {
      en: `Facility inventory imported by the office: ${en}. Targets are assessed against it; it is as complete as that layer.`,
      zh: `设施清单为规划局导入的图层：${zh}。按该清单评估是否达标；其完整程度取决于该图层。`,
    },
  };
}

/** Warnings about what was left out and how firm the figures are, in English and Chinese. */
export function warningsFor(r: ResolvedCoverage, row: CoverageFigures, completeness: DataCompleteness | undefined, network?: NetworkFigures): WarningDetail[] {
  const w: WarningDetail[] = [];
  const id = r.facilities.id;
  // Chinese texts name layers and areas by their titles, never by id (issue 13 #9).
  const layerZh = `“${r.facilities.title.zh}”`;
  const areaZh = `“${r.areaTitle?.zh ?? r.areaId}”`;
  if (completeness?.level === 'plan-only') {
    w.push({
      code: 'incomplete_inventory',
      en: `Incomplete facility data, targets not assessable: ${completeness.note.en}`,
      zh: `设施数据不完整，无法评估是否达标：${completeness.note.zh}`,
    });
  }
  if (row.without_geometry > 0) {
    w.push({
      code: 'without_geometry',
      en: `${row.without_geometry} of the ${row.matched} matching ${id} features have no known position and are not counted.`,
      zh: `${layerZh}中 ${row.matched} 个符合条件的设施有 ${row.without_geometry} 个没有已知位置，未计入。`,
    });
  }
  const planned = row.not_existing;
  if (planned > 0 && !r.spec.includePlanned) {
    w.push({
      code: 'planned_not_counted',
      en: `${planned} planned or under-construction ${id} features are not counted; send "includePlanned": true to count them.`,
      zh: `${layerZh}中 ${planned} 个规划或在建的设施未计入；选择“现状 + 规划”可计入。`,
    });
  }
  if (row.below_tiers > 0) {
    const min = Math.min(...r.spec.tiers.map((t) => t.minAreaSquareMeters));
    w.push({
      code: 'below_tiers',
      en: `${row.below_tiers} ${id} ${row.below_tiers === 1 ? 'feature is' : 'features are'} smaller than the smallest size tier (${min} m²) and not counted.`,
      zh: `${layerZh}中 ${row.below_tiers} 个设施小于最小规模分级（${min} 平方米），未计入。`,
    });
  }
  if (row.counted === 0) w.push({ code: 'none_counted', en: 'No facility counts: coverage is 0 % and the whole area is one gap.', zh: '没有计入任何设施：覆盖率为 0%，整个范围都是盲区。' });
  if (r.preset && r.preset.status !== 'confirmed' && r.radius.mode === 'tiers') {
    const statusZh: Record<string, string> = { unconfirmed: '未经核实', weak: '依据较弱', approximation: '近似值' };
    w.push({
      code: 'preset_status',
      en: `Preset "${r.preset.id}" is ${r.preset.status}: ${r.preset.note?.en ?? r.preset.source}`,
      zh: `预设“${r.preset.title.zh}”${statusZh[r.preset.status] ?? r.preset.status}：${r.preset.note?.zh ?? r.preset.sourceZh ?? r.preset.source}`,
    });
  }
  if (row.area_qualities?.includes('indicative')) {
    w.push({
      code: 'indicative_area',
      en: `The area "${r.areaId}" is indicative (reconstructed, not an official boundary).`,
      zh: `测算范围${areaZh}为示意数据（据规划重建，非官方边界）。`,
    });
  }
  if (r.denominator && (row.area_m2 ?? 0) <= 0) {
    w.push({
      code: 'empty_denominator',
      en: `The area layer ${r.denominator.def.id} has no land within "${r.areaId}": nothing to measure, the share is 0.`,
      zh: `范围图层“${r.denominator.def.title.zh}”在${areaZh}内没有用地：无可测算，覆盖率为 0。`,
    });
  }
  if (r.population && (row.pop_without_value ?? 0) > 0) {
    w.push({
      code: 'population_without_value',
      en: `${row.pop_without_value} features of ${r.population.def.id} have no number in ${r.population.field} and count as 0 people.`,
      zh: `${r.population.def.id} 中有 ${row.pop_without_value} 个要素的 ${r.population.field} 不是数值，按 0 人计。`,
    });
  }
  if (network && network.unreached > 0) {
    w.push({
      code: 'off_network',
      en: `${network.unreached} counted facilities lie more than ${NETWORK_MAX_ACCESS_METERS} m from every edge of ${r.network?.id}: they reach nothing on the network.`,
      zh: `${network.unreached} 个计入的设施距 ${r.network?.id} 的任何路段都超过 ${NETWORK_MAX_ACCESS_METERS} 米：在路网上不可达。`,
    });
  }
  return w;
}

/** What the network method measured, for the response. */
export interface NetworkFigures {
  nodes: number;
  edges: number;
  /** Facilities that entered the network / did not (further than NETWORK_MAX_ACCESS_METERS). */
  reached: number;
  unreached: number;
  reachedLengthMeters: number;
  snapMeters: number;
  bufferMeters: number;
  /** The version of the network collection the graph was built from (collection_versions): the browser keeps its copy by it. */
  version?: string;
}

/** The `population` part of a response and the top-level people figures, or null without a population. */
export function populationOf(r: ResolvedCoverage, row: CoverageFigures) {
  if (!r.population) return null;
  const total = row.pop_total ?? 0;
  const covered = Math.min(total, row.pop_covered ?? 0);
  const plan = PLAN_POPULATION[r.population.group];
  return {
    collection: r.population.def.id,
    field: r.population.field,
    title: r.population.def.title,
    group: r.population.group,
    totalInLayer: round(row.pop_layer_total ?? 0, 0),
    total: round(total, 0),
    coveredPeople: round(covered, 0),
    uncoveredPeople: round(total - covered, 0),
    coveredShare: total > 0 ? round(covered / total, 4) : 0,
    planFigure: { people: plan.people, title: plan.title, source: PLAN_POPULATION.source },
    method: populationMethod(r).en,
    methodZh: populationMethod(r).zh,
  };
}

/**
 * The JSON body of a coverage result, with the gaps FeatureCollection text from PostGIS spliced in
 * unparsed. `meta` holds the live version and date of each input collection.
 */
export function coverageResponse(
  r: ResolvedCoverage,
  row: CoverageFigures,
  extras: { gainSquareMeters: number }[],
  meta: Record<string, InputMeta>,
  network?: NetworkFigures,
): string {
  const areaM2 = row.area_m2 ?? 0;
  const share = areaM2 > 0 ? round(row.covered_m2 / areaM2, 4) : 0;
  const bySource = JSON.parse(row.by_source) as { matched: number; counted: number }[];
  const completeness = completenessFor(r, bySource, meta);
  const { target, targets } = targetsFor(r.preset, r.areaId, share, completeness);
  const warnings = warningsFor(r, row, completeness, network);
  const method = methodsFor(r);
  const population = populationOf(r, row);
  const byZone = JSON.parse(row.by_zone) as { id: string }[];
  if (population && row.pop_by_zone) {
    const people = new Map((JSON.parse(row.pop_by_zone) as { id: string; total: number; covered: number }[]).map((z) => [z.id, z]));
    for (const z of byZone as ({ id: string } & Record<string, unknown>)[]) {
      const p = people.get(z.id);
      z.people = round(p?.total ?? 0, 0);
      z.coveredPeople = round(Math.min(p?.total ?? 0, p?.covered ?? 0), 0);
      z.uncoveredPeople = round(Math.max(0, (p?.total ?? 0) - (p?.covered ?? 0)), 0);
    }
  }
  const metaOf = (id: string) => meta[id] ?? { version: null, date: null, featureCount: null };
  const inputs = {
    method: r.method,
    area: r.areaId,
    denominator: r.denominator
      ? { collection: r.denominator.def.id, title: r.denominator.def.title, byDefault: r.denominator.byDefault, version: metaOf(r.denominator.def.id).version, date: metaOf(r.denominator.def.id).date, count: row.den_rows ?? 0 }
      : null,
    population: r.population
      ? { collection: r.population.def.id, field: r.population.field, group: r.population.group, version: metaOf(r.population.def.id).version, date: metaOf(r.population.def.id).date }
      : null,
    network: r.network ? { collection: r.network.id, version: metaOf(r.network.id).version, date: metaOf(r.network.id).date, ...(network ? { nodes: network.nodes, edges: network.edges } : {}) } : null,
    facilities: r.spec.sources.map((s, i) => ({
      collection: s.collection,
      version: metaOf(s.collection).version,
      date: metaOf(s.collection).date,
      count: bySource[i]?.counted ?? 0,
      matched: bySource[i]?.matched ?? 0,
      via: s.via,
    })),
    candidates: r.candidates ? { collection: r.candidates.id, version: metaOf(r.candidates.id).version } : null,
  };
  const head = {
    areaSquareMeters: round(areaM2, 1),
    coveredSquareMeters: round(row.covered_m2, 1),
    uncoveredSquareMeters: round(Math.max(0, areaM2 - row.covered_m2), 1),
    coverageShare: share,
    ...(population ? { coveredPeople: population.coveredPeople, uncoveredPeople: population.uncoveredPeople } : {}),
    ...(target ? { target } : {}),
    targets,
    denominator: denominatorOf(r, row),
    inputs,
    population,
    dataCompleteness: completeness ?? null,
    preset: r.preset ? { id: r.preset.id, title: r.preset.title, source: r.preset.source, status: r.preset.status } : null,
    radius: { ...r.radius, newFacilityRadiusMeters: r.newRadiusMeters },
    method: method.en,
    methodZh: method.zh,
    methodName: r.method,
    ...(network ? { network } : {}),
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
    warnings: warnings.map((x) => x.en),
    warningDetails: warnings,
    byZone,
    ...(row.by_sub_area ? { bySubArea: JSON.parse(row.by_sub_area) } : {}),
  };
  const json = JSON.stringify(head);
  return `${json.slice(0, -1)},"gaps":${row.gaps}}`;
}

/**
 * The stages of one coverage analysis in the order they run; a coverage job reports the one running
 * (GET /api/jobs/{id}: progress.stage). `inputs`: the version, date and count of each input layer;
 * `network` (network method only): the streets each facility reaches on the walking network;
 * `coverage`: the coverage statement — the area dissolved, the facilities within reach, their
 * circles unioned, the covered part and the gaps, the per-zone and per-unit figures, the gaps
 * listed — which is one SQL statement (one plan), so one stage: its parts cannot be told apart
 * while it runs; `response`: the answer assembled (figures, targets, warnings, the gaps' GeoJSON).
 */
export const COVERAGE_STAGES = ['inputs', 'network', 'coverage', 'response'] as const;
export type CoverageStage = (typeof COVERAGE_STAGES)[number];

/** The stages an analysis by `method` runs through, in order. */
export function coverageStages(method: 'radius' | 'network'): CoverageStage[] {
  return COVERAGE_STAGES.filter((s) => s !== 'network' || method === 'network');
}

/** What a coverage request can use, as GET /api/analysis/coverage/inputs lists it (the panel's choices). */
export interface CoverageInputChoices {
  denominators: { id: string; title: Bilingual; residential: boolean }[];
  /** The denominator used when a request names none (residential land), or null (the whole area). */
  defaultDenominator: string | null;
  populations: { id: string; title: Bilingual; fields: string[]; aged60Field: string | null }[];
  networks: { id: string; title: Bilingual }[];
  candidates: { id: string; title: Bilingual }[];
  planPopulation: typeof PLAN_POPULATION;
}

/** The choices of the catalogue: area layers, population layers with their number fields, line layers, polygon layers. */
export function coverageInputChoices(catalogue: readonly CollectionDef[]): CoverageInputChoices {
  return {
    denominators: denominatorChoices(catalogue).map((d) => ({ id: d.id, title: d.title, residential: isResidentialLand(d) })),
    defaultDenominator: defaultDenominator(catalogue)?.id ?? null,
    populations: populationChoices(catalogue)
      .filter((c) => c.collection.imported)
      .map((c) => ({ id: c.collection.id, title: c.collection.title, fields: c.fields, aged60Field: guessPopulationField(c.collection, 'aged60plus') ?? null })),
    networks: networkChoices(catalogue).map((d) => ({ id: d.id, title: d.title })),
    candidates: catalogue.filter((d) => d.imported && (d.geometry === 'polygon' || d.geometry === 'mixed') && roleOf(d) !== 'control').map((d) => ({ id: d.id, title: d.title })),
    planPopulation: PLAN_POPULATION,
  };
}

