/**
 * Service-radius presets: which facilities count, at which straight-line radius (m), against which
 * coverage targets, with the source of every figure (see shared/design/standards.md).
 * Pure data and helpers, shared by the API and the browser.
 */
import type { Bilingual } from './catalog.ts';

/** A value a facility property must equal, or a list of values it may equal (any of). */
export type FilterValue = string | number | boolean | (string | number | boolean)[];
export type FacilityFilter = Record<string, FilterValue>;

/** A size tier: facilities at least `minAreaSquareMeters` large count at `radiusMeters`. */
export interface RadiusTier {
  minAreaSquareMeters: number;
  radiusMeters: number;
  title: Bilingual;
}

export interface CoverageTarget {
  /** Share of the area to cover, 0–1. */
  share: number;
  /** `gt` for "more than" (> 90 %), `gte` for "at least" (≥ 80 %, 100 %). */
  comparison: 'gt' | 'gte';
  /** The kind of area the target is set for. */
  appliesTo: 'overall' | 'new_area' | 'old_city' | 'central_area';
  title: Bilingual;
  source: string;
  /** The citation in Chinese (issue 13 #9); the Chinese UI shows it instead of `source`. */
  sourceZh?: string;
  status: PresetStatus;
}

export type PresetStatus = 'confirmed' | 'unconfirmed' | 'weak' | 'approximation';

/**
 * How complete the facility data behind a preset is: `osm` — an inventory of what exists (OpenStreetMap),
 * reasonably complete; `plan-only` — only the facilities the plan names (mostly planned), not an
 * inventory of existing ones, so a low coverage share is not a finding and targets cannot be assessed;
 * `office` — an inventory the office imported as a `facility` layer (issue 14): targets are assessed.
 */
export type InventoryLevel = 'osm' | 'plan-only' | 'office';

export interface DataCompleteness {
  level: InventoryLevel;
  note: Bilingual;
  /** `office`: the imported facility layers that make the inventory, with their date and version. */
  layers?: { collection: string; count: number; date: string | null; version: number | null }[];
}

/**
 * Whether a target is met: `not_assessable` when the facility data is not a complete inventory;
 * `needs_area` when the target is set for another kind of area than the one measured (旧城 80 % on the
 * whole central area): no verdict until the area it is set for is loaded (see TARGET_AREA_IDS).
 */
export type TargetVerdict = 'met' | 'not_met' | 'not_assessable' | 'needs_area';

export interface CoveragePreset {
  id: string;
  title: Bilingual;
  /** Catalogue collection holding the facilities. */
  facilities: string;
  /** Equality filter on declared properties of that collection. */
  filter: FacilityFilter;
  /** Size tiers, largest minimum first; a facility smaller than every tier does not count. */
  tiers: RadiusTier[];
  /** Radius (m) a new facility (what-if, suggestion) counts at: the largest tier's. */
  newFacilityRadiusMeters: number;
  targets: CoverageTarget[];
  /** The citation for the radius. */
  source: string;
  /** The citation in Chinese (issue 13 #9); the Chinese UI shows it instead of `source`. */
  sourceZh?: string;
  status: PresetStatus;
  note?: Bilingual;
  /** How complete the facility data is (see DataCompleteness). */
  dataCompleteness: DataCompleteness;
}

const single = (radiusMeters: number): RadiusTier[] => [
  { minAreaSquareMeters: 0, radiusMeters, title: { zh: `全部 ${radiusMeters} 米`, en: `all at ${radiusMeters} m` } },
];

/** Completeness of each facilities collection's data, by collection id. */
export const FACILITY_DATA_COMPLETENESS: Readonly<Record<string, DataCompleteness>> = {
  parks: {
    level: 'osm',
    note: {
      zh: '公园数据来自 OpenStreetMap 2022（leisure=park）：较大的公园基本齐全，小游园、街头绿地多有缺失。',
      en: 'Parks come from OpenStreetMap 2022 (leisure=park): reasonably complete for larger parks; small gardens and pocket parks are often missing.',
    },
  },
  facilities: {
    level: 'plan-only',
    note: {
      zh: '设施数据只包含规划文本点名的设施（多为规划项目）及站点，不是现状学校、医疗、养老、体育、消防设施的完整清单：覆盖率偏低不代表真实缺口，无法据此评估是否达标。',
      en: 'The facility data holds only the facilities the plan names (mostly planned projects) and stations — not a complete inventory of existing schools, clinics, elderly care, sports or fire stations: a low share is not a real finding, and targets cannot be assessed.',
    },
  },
};

/** The completeness of a facilities collection's data, or undefined when unknown. */
export function dataCompletenessOf(collection: string): DataCompleteness | undefined {
  return FACILITY_DATA_COMPLETENESS[collection];
}

/**
 * The coverage area (`area` of a coverage request) each kind of target is set for: `overall` holds for
 * any area; the plan's central-area target for `central_area` only; GB/T 51346's new-area and old-city
 * targets for a layer of that id (an office's `area` layer imported as `new_area` / `old_city`). No
 * new-area or old-city boundary ships with the data, so those two have no verdict until one is loaded.
 */
export const TARGET_AREA_IDS: Readonly<Record<CoverageTarget['appliesTo'], string | null>> = {
  overall: null,
  central_area: 'central_area',
  new_area: 'new_area',
  old_city: 'old_city',
};

/** Whether `target` is set for the area `areaId` (see TARGET_AREA_IDS). */
export function targetApplies(target: CoverageTarget, areaId: string): boolean {
  const id = TARGET_AREA_IDS[target.appliesTo];
  return id === null || id === areaId;
}

/** What a target that does not apply to the measured area needs, in words (旧城 → 需要旧城范围). */
export function targetAreaNeeded(target: CoverageTarget): Bilingual | null {
  switch (target.appliesTo) {
    case 'old_city':
      return { zh: '需要旧城范围', en: 'needs an old-city boundary' };
    case 'new_area':
      return { zh: '需要新区范围', en: 'needs a new-area boundary' };
    case 'central_area':
      return { zh: '仅适用于中心城区', en: 'applies to the central urban area only' };
    default:
      return null;
  }
}

/**
 * Met / not met; not assessable when the facility data is only what the plan names; `needs_area` when
 * `areaId` (the measured area) is given and the target is set for another area (see targetApplies).
 */
export function targetVerdict(share: number, target: CoverageTarget, completeness: DataCompleteness | undefined, areaId?: string): TargetVerdict {
  if (areaId !== undefined && !targetApplies(target, areaId)) return 'needs_area';
  if (completeness?.level === 'plan-only') return 'not_assessable';
  return meetsTarget(share, target) ? 'met' : 'not_met';
}

const GB51346 = 'GB/T 51346-2019 城市绿地规划标准 §4.3.4 (method: Appendix A.0.3)';
const GB51346_ZH = 'GB/T 51346-2019《城市绿地规划标准》第 4.3.4 条（计算方法见附录 A.0.3）';

// GB 51080-2015 sets a 5-minute response and a station district of ≤ 7 km² (≤ 15 km² at the urban
// edge); a circle of 7 km² has radius √(7 000 000 / π) ≈ 1 493 m, which we round to 1 500 m.
const FIRE_STATION_RADIUS_METERS = 1500;

/** The presets the coverage panel offers, in display order. */
export const COVERAGE_PRESETS: readonly CoveragePreset[] = [
  {
    id: 'parks',
    title: { zh: '公园绿地 500 米服务半径（300 米见绿、500 米见园）', en: 'Parks: 500 m service radius (300 m for small gardens)' },
    facilities: 'parks',
    filter: {},
    dataCompleteness: FACILITY_DATA_COMPLETENESS.parks,
    tiers: [
      { minAreaSquareMeters: 5000, radiusMeters: 500, title: { zh: '≥0.5 公顷：500 米', en: '≥ 0.5 ha: 500 m' } },
      { minAreaSquareMeters: 2000, radiusMeters: 300, title: { zh: '0.2–0.5 公顷：300 米', en: '0.2–0.5 ha: 300 m' } },
    ],
    newFacilityRadiusMeters: 500,
    targets: [
      { share: 0.9, comparison: 'gt', appliesTo: 'overall', title: { zh: '总体 >90%', en: 'overall > 90 %' }, source: GB51346, sourceZh: GB51346_ZH, status: 'confirmed' },
      { share: 1, comparison: 'gte', appliesTo: 'new_area', title: { zh: '新区 100%', en: 'new planning areas 100 %' }, source: GB51346, sourceZh: GB51346_ZH, status: 'confirmed' },
      { share: 0.8, comparison: 'gte', appliesTo: 'old_city', title: { zh: '旧城 80%', en: 'old city 80 %' }, source: GB51346, sourceZh: GB51346_ZH, status: 'confirmed' },
      {
        share: 0.8,
        comparison: 'gte',
        appliesTo: 'overall',
        title: { zh: '强制 ≥80%', en: 'mandatory ≥ 80 %' },
        source: 'GB 55014-2021 园林绿化工程项目规范 §2.1.4',
        sourceZh: 'GB 55014-2021《园林绿化工程项目规范》第 2.1.4 条',
        status: 'confirmed',
      },
      {
        share: 1,
        comparison: 'gte',
        appliesTo: 'central_area',
        title: { zh: '中心城区全覆盖', en: 'central urban area 100 %' },
        source: '新城区“十四五”规划 第八章第一节（推进全域绿化）',
        sourceZh: '新城区“十四五”规划第八章第一节（推进全域绿化）',
        status: 'confirmed',
      },
    ],
    source: `${GB51346}; tiers ≥ 0.5 ha at 500 m, 0.2–0.5 ha at 300 m: 国家园林城市标准 as commonly cited ("300 m 见绿, 500 m 见园")`,
    sourceZh: `${GB51346_ZH}；分级 ≥0.5 公顷按 500 米、0.2–0.5 公顷按 300 米：按通常引用的国家园林城市标准（“300 米见绿、500 米见园”）`,
    status: 'unconfirmed',
    note: {
      zh: 'GB/T 51346 的分母是居住用地；未加载居住用地图层时以所选范围的面积代替。面积分级（0.5 公顷 / 0.2 公顷）为常用做法，未经核实。',
      en: "GB/T 51346's denominator is residential land; without a residential layer the chosen area stands in. The size tiers (0.5 ha / 0.2 ha) are common practice, unconfirmed.",
    },
  },
  {
    id: 'kindergarten',
    title: { zh: '幼儿园 300 米', en: 'Kindergartens: 300 m' },
    facilities: 'facilities',
    dataCompleteness: FACILITY_DATA_COMPLETENESS.facilities,
    filter: { type: 'kindergarten' },
    tiers: single(300),
    newFacilityRadiusMeters: 300,
    targets: [],
    source: 'GB 50180 城市居住区规划设计标准 (earlier edition): kindergarten service radius ≤ 300 m',
    sourceZh: 'GB 50180《城市居住区规划设计标准》（旧版）：幼儿园服务半径 ≤300 米',
    status: 'confirmed',
    note: { zh: '依据旧版 GB 50180；2018 版表格未取得。', en: 'From the earlier edition of GB 50180; the 2018 table was not retrieved.' },
  },
  {
    id: 'primary_school',
    title: { zh: '小学 500 米', en: 'Primary schools: 500 m' },
    facilities: 'facilities',
    dataCompleteness: FACILITY_DATA_COMPLETENESS.facilities,
    filter: { type: ['primary_school', 'nine_year_school'] },
    tiers: single(500),
    newFacilityRadiusMeters: 500,
    targets: [],
    source: 'GB 50180 城市居住区规划设计标准 (earlier edition): primary school service radius ≤ 500 m',
    sourceZh: 'GB 50180《城市居住区规划设计标准》（旧版）：小学服务半径 ≤500 米',
    status: 'confirmed',
    note: { zh: '九年一贯制学校计为小学。依据旧版 GB 50180。', en: 'Nine-year schools count as primary schools. From the earlier edition of GB 50180.' },
  },
  {
    id: 'middle_school',
    title: { zh: '中学 1000 米', en: 'Middle schools: 1000 m' },
    facilities: 'facilities',
    dataCompleteness: FACILITY_DATA_COMPLETENESS.facilities,
    filter: { type: ['middle_school', 'nine_year_school'] },
    tiers: single(1000),
    newFacilityRadiusMeters: 1000,
    targets: [],
    source: 'GB 50180 城市居住区规划设计标准 (earlier edition): middle school service radius ≤ 1000 m',
    sourceZh: 'GB 50180《城市居住区规划设计标准》（旧版）：中学服务半径 ≤1000 米',
    status: 'confirmed',
    note: { zh: '九年一贯制学校计为中学。依据旧版 GB 50180。', en: 'Nine-year schools count as middle schools. From the earlier edition of GB 50180.' },
  },
  {
    id: 'health',
    title: { zh: '医疗卫生 1000 米（城区15分钟健康圈）', en: 'Health: 1000 m (15-minute health circle in town)' },
    facilities: 'facilities',
    dataCompleteness: FACILITY_DATA_COMPLETENESS.facilities,
    filter: { type: ['clinic', 'hospital'] },
    tiers: single(1000),
    newFacilityRadiusMeters: 1000,
    targets: [],
    source: 'community health service centre ≤ 1000 m: local practice; the plan 第七章第五节 "城区15分钟、农村30分钟"',
    sourceZh: '社区卫生服务中心 ≤1000 米：地方做法；规划第七章第五节“城区15分钟、农村30分钟”',
    status: 'weak',
    note: { zh: '半径为地方做法，依据较弱；规划以步行时间表述。', en: 'The radius is local practice (weak source); the plan states walking time.' },
  },
  {
    id: 'elderly_care',
    title: { zh: '养老服务 300 米', en: 'Elderly care: 300 m' },
    facilities: 'facilities',
    dataCompleteness: FACILITY_DATA_COMPLETENESS.facilities,
    filter: { type: 'elderly_care' },
    tiers: single(300),
    newFacilityRadiusMeters: 300,
    targets: [],
    source: 'GB 50180-2018 Appendix C (community elderly station ≤ 300 m); the plan 第七章第六节 "一刻钟" elderly circle',
    sourceZh: 'GB 50180-2018 附录 C（社区养老服务站 ≤300 米）；规划第七章第六节“一刻钟”养老服务圈',
    status: 'unconfirmed',
  },
  {
    id: 'sports',
    title: { zh: '体育健身 500 米（10分钟健身圈）', en: 'Sports and fitness: 500 m (10-minute fitness circle)' },
    facilities: 'facilities',
    dataCompleteness: FACILITY_DATA_COMPLETENESS.facilities,
    filter: { type: 'sports' },
    tiers: single(500),
    newFacilityRadiusMeters: 500,
    targets: [],
    source: 'GB 50180-2018 Appendix C (large ≤ 1000 m, medium ≤ 500 m, small ≤ 300 m); the plan "10分钟健身圈" (10-minute walk ≈ 500 m)',
    sourceZh: 'GB 50180-2018 附录 C（大型 ≤1000 米、中型 ≤500 米、小型 ≤300 米）；规划“10分钟健身圈”（步行 10 分钟约 500 米）',
    status: 'unconfirmed',
    note: {
      zh: '设施数据未区分规模，统一按中型 500 米计。',
      en: 'The data does not tell the size of a sports facility; all count as medium (500 m).',
    },
  },
  {
    id: 'fire_station',
    title: { zh: '消防站 1500 米（5 分钟到达，按辖区面积折算）', en: 'Fire stations: 1500 m (5-minute response, from the district-area rule)' },
    facilities: 'facilities',
    dataCompleteness: FACILITY_DATA_COMPLETENESS.facilities,
    filter: { type: 'fire_station' },
    tiers: single(FIRE_STATION_RADIUS_METERS),
    newFacilityRadiusMeters: FIRE_STATION_RADIUS_METERS,
    targets: [],
    source: 'GB 51080-2015 城市消防站设计规范 §4.1.3 (5 minutes to the edge of the station district; district ≤ 7 km², ≤ 15 km² at the urban edge)',
    sourceZh: 'GB 51080-2015《城市消防站设计规范》第 4.1.3 条（5 分钟到达辖区边缘；辖区 ≤7 平方公里，城区边缘 ≤15 平方公里）',
    status: 'approximation',
    note: {
      zh: '标准规定的是到达时间，不是距离：此处取 7 平方公里辖区的等面积圆半径 √(7 km²/π) ≈ 1 493 米，取整 1 500 米（城区边缘 15 平方公里对应约 2 185 米）。',
      en: 'The standard sets a response time, not a distance: this uses the radius of a circle with the 7 km² station-district area, √(7 km²/π) ≈ 1 493 m, rounded to 1 500 m (15 km² at the urban edge would be ≈ 2 185 m).',
    },
  },
];

/** The preset with this id, or undefined. */
export function findPreset(id: string): CoveragePreset | undefined {
  return COVERAGE_PRESETS.find((p) => p.id === id);
}

/** Whether a coverage share (0–1) meets a target. */
export function meetsTarget(share: number, target: CoverageTarget): boolean {
  // Shares are rounded to 1e-4 in results, so "100 %" compares with that tolerance.
  return target.comparison === 'gt' ? share > target.share : share >= target.share - 5e-5;
}

/**
 * The radius in meters a facility of `areaSquareMeters` (0 for a point) counts at under `tiers`,
 * or null when it is smaller than every tier.
 */
export function tierRadiusMeters(tiers: readonly RadiusTier[], areaSquareMeters: number): number | null {
  let best: RadiusTier | null = null;
  for (const t of tiers) if (areaSquareMeters >= t.minAreaSquareMeters && (!best || t.minAreaSquareMeters > best.minAreaSquareMeters)) best = t;
  return best ? best.radiusMeters : null;
}
