/**
 * The collection catalogue: every dataset the product knows, one name end to end
 * (geodata/<id>/ = table <id> = /api/collections/<id> = web/src/layers/<id>.ts).
 * Identifiers used in SQL come only from here.
 */

export type Bilingual = { zh: string; en: string };

export type PropertyType = 'string' | 'integer' | 'number' | 'boolean' | 'array';

export interface PropertyDef {
  type: PropertyType;
  title: Bilingual;
  /** Equality filter allowed on /items (`?<name>=value`). */
  filter?: boolean;
  /** `internal` attributes are hidden from the public (investor) view. */
  audience?: 'public' | 'internal';
  /** Added by the import (area, spatial join), never typed into geodata/; read-only when editing. */
  derived?: boolean;
  /** The values allowed (a closed list); any value of the type when absent. */
  enum?: readonly string[];
}

export type GeometryKind = 'polygon' | 'point' | 'mixed' | 'none';

/**
 * What an imported layer is for: `control` joins compliance review, `facility` can be picked in
 * coverage, `area` can be a coverage denominator, `reference` is shown only.
 */
export const LAYER_ROLES = ['control', 'facility', 'area', 'reference'] as const;
export type LayerRole = (typeof LAYER_ROLES)[number];

/** The colour an imported layer gets unless the user picks one: red for control lines, as on the built-in ones. */
export const ROLE_COLORS: Record<LayerRole, string> = { control: '#c62828', facility: '#1565c0', area: '#6a1b9a', reference: '#546e7a' };

/** How an imported layer is drawn: one colour, or categories by the values of a field. */
export interface LayerStyle {
  color: string;
  byField?: string;
}

export interface CollectionDef {
  id: string;
  title: Bilingual;
  description: Bilingual;
  geometry: GeometryKind;
  /** `public` layers may be shown to investors; `planner` layers only to planners. */
  audience: 'public' | 'planner';
  /** A control layer (red line, reserve, water source) checked by compliance review. */
  control: boolean;
  properties: Record<string, PropertyDef>;
  /** The least role that may create, change and delete features (the audited write path checks it). */
  editableBy: 'planner' | 'admin';
  /** Whether a feature may have no geometry (an unlocated project, an indicator). */
  nullGeometry: boolean;
  /** Set on collections the office imported at run time (api/catalogue.ts). */
  imported?: boolean;
  role?: LayerRole;
  style?: LayerStyle;
}

const common: Record<string, PropertyDef> = {
  name_zh: { type: 'string', title: { zh: '名称', en: 'Name (Chinese)' }, filter: true },
  name_en: { type: 'string', title: { zh: '英文名称', en: 'Name' }, filter: true },
  quality: { type: 'string', title: { zh: '数据质量', en: 'Data quality' }, filter: true, enum: ['surveyed', 'approximate', 'indicative'] },
  source: { type: 'string', title: { zh: '来源', en: 'Source' } },
  /** The source in Chinese (issue 13 #9): the map shows it instead of `source` in the Chinese UI. */
  source_zh: { type: 'string', title: { zh: '来源（中文）', en: 'Source (Chinese)' } },
};

const area: Record<string, PropertyDef> = {
  area_square_meters: {
    type: 'number',
    title: { zh: '面积', en: 'Area' },
    derived: true,
  },
};

const status: PropertyDef = { type: 'string', title: { zh: '状态', en: 'Status' }, filter: true, enum: ['existing', 'planned', 'under_construction'] };

/** How precisely a project's or facility's site is known; `district-wide` means it has no site. */
const locationQuality: PropertyDef = {
  type: 'string',
  title: { zh: '位置精度', en: 'Location quality' },
  filter: true,
  enum: ['known', 'approximate', 'district-wide'],
};

/** A flag the data preparation computed (e.g. inside the district); kept for planners, not shown to investors. */
const flag = (zh: string, en: string): PropertyDef => ({ type: 'boolean', title: { zh, en }, audience: 'internal' });

export const collections: readonly CollectionDef[] = [
  {
    id: 'district',
    title: { zh: '行政区界', en: 'District boundaries' },
    description: {
      zh: '新城区及相邻旗县区边界（天地图，已概化）',
      en: 'Xincheng District and neighbouring county boundaries (Tianditu, generalised)',
    },
    geometry: 'polygon',
    audience: 'public',
    control: false,
    editableBy: 'admin',
    nullGeometry: false,
    properties: {
      ...common,
      adcode: { type: 'string', title: { zh: '行政区划代码', en: 'Admin code' }, filter: true },
      role: { type: 'string', title: { zh: '类型', en: 'Role' }, filter: true },
      city_adcode: { type: 'integer', title: { zh: '所属市代码', en: 'City code' } },
      city_name_zh: { type: 'string', title: { zh: '所属市', en: 'City' } },
      touches_xincheng: flag('与新城区相邻', 'Touches Xincheng'),
      ...area,
    },
  },
  {
    id: 'zones',
    title: { zh: '五大产业支撑区', en: 'Industrial support zones' },
    description: {
      zh: '“十四五”规划第五章第一节的五大支撑区（据文字描述重建，示意）',
      en: 'The five support zones of the plan, ch. 5 §1 (reconstructed from the text; indicative)',
    },
    geometry: 'polygon',
    audience: 'public',
    control: false,
    editableBy: 'admin',
    nullGeometry: false,
    properties: {
      ...common,
      positioning_zh: { type: 'string', title: { zh: '功能定位', en: 'Positioning (Chinese)' } },
      positioning_en: { type: 'string', title: { zh: '功能定位（英文）', en: 'Positioning' } },
      lead_industries_zh: { type: 'array', title: { zh: '主导产业', en: 'Lead industries (Chinese)' } },
      lead_industries_en: { type: 'array', title: { zh: '主导产业（英文）', en: 'Lead industries' } },
      key_projects_zh: { type: 'array', title: { zh: '重点项目', en: 'Key projects' } },
      color: { type: 'string', title: { zh: '颜色', en: 'Colour' } },
      plan_order: { type: 'integer', title: { zh: '规划顺序', en: 'Order in the plan' } },
      ...area,
    },
  },
  {
    id: 'controls',
    title: { zh: '管控边界', en: 'Control lines' },
    description: {
      zh: '生态保护红线、自然保护区、饮用水水源保护区（示意）',
      en: 'Ecological red line, nature reserve, drinking-water source protection (indicative)',
    },
    geometry: 'polygon',
    audience: 'planner',
    control: true,
    editableBy: 'admin',
    nullGeometry: false,
    properties: {
      ...common,
      kind: { type: 'string', title: { zh: '管控类型', en: 'Kind' }, filter: true },
      legal_basis_zh: { type: 'string', title: { zh: '依据', en: 'Basis' } },
      legal_basis_en: { type: 'string', title: { zh: '依据（英文）', en: 'Basis (English)' } },
      status,
      ...area,
    },
  },
  {
    id: 'central_area',
    title: { zh: '中心城区', en: 'Central urban area' },
    description: {
      zh: '新城区中心城区范围（公园500米服务半径覆盖率的分母，示意）',
      en: 'Central urban area of the district (denominator of 500 m park coverage; indicative)',
    },
    geometry: 'polygon',
    audience: 'planner',
    control: false,
    editableBy: 'admin',
    nullGeometry: false,
    properties: { ...common, status, ...area },
  },
  {
    id: 'parks',
    title: { zh: '公园绿地', en: 'Parks' },
    description: {
      zh: '现状公园（OpenStreetMap 2022）及规划提及的公园',
      en: 'Existing parks (OpenStreetMap 2022) and the parks the plan names',
    },
    geometry: 'polygon',
    audience: 'public',
    control: false,
    editableBy: 'planner',
    nullGeometry: true,
    properties: {
      ...common,
      status,
      park_class: { type: 'string', title: { zh: '公园类别', en: 'Park class' }, filter: true },
      service_radius_meters: {
        type: 'number',
        title: { zh: '服务半径', en: 'Service radius' },
      },
      osm_id: { type: 'string', title: { zh: 'OSM 编号', en: 'OSM id' } },
      osm_type: { type: 'string', title: { zh: 'OSM 类型', en: 'OSM type' }, audience: 'internal' },
      centroid_in_xincheng: flag('中心点在新城区内', 'Centroid in Xincheng'),
      ...area,
    },
  },
  {
    id: 'projects',
    title: { zh: '规划项目', en: 'Plan projects' },
    description: {
      zh: '“十四五”规划专栏2–17及正文点名的重点项目',
      en: 'Projects of the plan’s columns 2–17 and the key projects named in its text',
    },
    geometry: 'mixed',
    audience: 'public',
    control: false,
    editableBy: 'planner',
    nullGeometry: true,
    properties: {
      ...common,
      column: { type: 'integer', title: { zh: '专栏', en: 'Column' }, filter: true },
      seq: { type: 'integer', title: { zh: '序号', en: 'No.' } },
      column_title_zh: { type: 'string', title: { zh: '专栏名称', en: 'Column title (Chinese)' } },
      column_title_en: { type: 'string', title: { zh: '专栏名称（英文）', en: 'Column title' } },
      sector: { type: 'string', title: { zh: '产业类别', en: 'Sector' }, filter: true },
      status,
      status_note_zh: { type: 'string', title: { zh: '状态说明', en: 'Status note' } },
      location_quality: locationQuality,
      location_note_zh: { type: 'string', title: { zh: '位置说明', en: 'Location note' } },
      outside_zones: flag('位于支撑区外', 'Outside the zones'),
      zone_id: {
        type: 'string',
        title: { zh: '所在支撑区', en: 'Support zone' },
        filter: true,
        derived: true,
      },
      ...area,
    },
  },
  {
    id: 'facilities',
    title: { zh: '公共服务设施', en: 'Service facilities' },
    description: {
      zh: '学校、医疗、养老、体育、消防设施及轨道交通站点',
      en: 'Schools, health, elderly care, sports, fire stations and rail/metro stations',
    },
    geometry: 'mixed',
    audience: 'public',
    control: false,
    editableBy: 'planner',
    nullGeometry: true,
    properties: {
      ...common,
      type: {
        type: 'string',
        title: { zh: '设施类型', en: 'Type' },
        filter: true,
        enum: ['kindergarten', 'primary_school', 'middle_school', 'nine_year_school', 'clinic', 'hospital', 'elderly_care', 'sports', 'fire_station', 'rail_station', 'metro_station'],
      },
      status,
      location_quality: locationQuality,
      location_note_zh: { type: 'string', title: { zh: '位置说明', en: 'Location note' } },
      osm_name: { type: 'string', title: { zh: 'OSM 名称', en: 'OSM name' } },
      probable_name_zh: { type: 'string', title: { zh: '可能名称', en: 'Probable name' }, audience: 'internal' },
      inside_xincheng: flag('位于新城区内', 'Inside Xincheng'),
      outside_district: flag('位于新城区外', 'Outside the district'),
      ...area,
    },
  },
  {
    id: 'villages',
    title: { zh: '行政村', en: 'Villages' },
    description: {
      zh: '规划提及的行政村（点位）',
      en: 'Administrative villages named in the plan (points)',
    },
    geometry: 'point',
    audience: 'public',
    control: false,
    editableBy: 'planner',
    nullGeometry: false,
    properties: {
      ...common,
      town_zh: { type: 'string', title: { zh: '所属镇', en: 'Town' }, filter: true },
    },
  },
  {
    id: 'indicators',
    title: { zh: '主要指标', en: 'Key indicators' },
    description: {
      zh: '“十四五”经济社会发展主要指标（专栏1）',
      en: 'Main economic and social indicators of the plan (column 1)',
    },
    geometry: 'none',
    audience: 'public',
    control: false,
    editableBy: 'admin',
    nullGeometry: true,
    properties: {
      ...common,
      seq: { type: 'integer', title: { zh: '序号', en: 'No.' } },
      category_zh: { type: 'string', title: { zh: '类别', en: 'Category (Chinese)' } },
      category_en: { type: 'string', title: { zh: '类别（英文）', en: 'Category' } },
      unit: { type: 'string', title: { zh: '单位', en: 'Unit' } },
      value_2020: { type: 'number', title: { zh: '2020年', en: '2020' } },
      value_2020_text: { type: 'string', title: { zh: '2020年（原文）', en: '2020 (as written)' } },
      target_2025: { type: 'number', title: { zh: '2025年目标', en: '2025 target' } },
      target_text: { type: 'string', title: { zh: '目标说明', en: 'Target (text)' } },
      annual_growth_pct: { type: 'number', title: { zh: '年均增长', en: 'Annual growth' } },
      annual_growth_text: { type: 'string', title: { zh: '年均增长（原文）', en: 'Annual growth (as written)' } },
      nature: { type: 'string', title: { zh: '属性', en: 'Nature' }, filter: true },
      nature_zh: { type: 'string', title: { zh: '属性（中文）', en: 'Nature (Chinese)' } },
      note: { type: 'string', title: { zh: '备注', en: 'Note' } },
    },
  },
];

export type CollectionId = (typeof collections)[number]['id'];

/** The catalogue entry for an id, or undefined when the id is not a collection. */
export function findCollection(id: string): CollectionDef | undefined {
  return collections.find((c) => c.id === id);
}

export const QUALITIES = ['surveyed', 'approximate', 'indicative'] as const;
export type Quality = (typeof QUALITIES)[number];

/** How each quality reads, in both languages (the API's HTML pages; the map's i18n says the same). */
export const QUALITY_LABELS: Record<Quality, Bilingual> = {
  surveyed: { zh: '实测', en: 'Surveyed' },
  approximate: { zh: '近似', en: 'Approximate' },
  indicative: { zh: '示意', en: 'Indicative' },
};

export const STATUSES = ['existing', 'planned', 'under_construction'] as const;
export type Status = (typeof STATUSES)[number];
