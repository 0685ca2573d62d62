/**
 * Shapes of the coverage API (POST /api/analysis/coverage, …/coverage/suggest, GET /api/analysis/presets),
 * as api/routes/coverage.ts sends them. Areas in m², shares 0–1, radii in metres, geometry EPSG:4326.
 */
import type { FeatureCollection, Point, Polygon } from 'geojson';
import type { Bilingual } from '../../../core/catalog.ts';
import type { GapProperties, ZoneCoverage } from '../../../core/analysis/coverage.ts';
import type { CoveragePreset, CoverageTarget, DataCompleteness, FacilityFilter, PresetStatus, RadiusTier, TargetVerdict } from '../../../core/presets.ts';

/** `central_area`, `district`, `zone:<id>` or a polygon collection id. */
export type CoverageArea = string;

/** Body of POST /api/analysis/coverage. */
export interface CoverageRequest {
  facilities?: string;
  filter?: FacilityFilter;
  radiusMeters?: number;
  preset?: string;
  area: CoverageArea;
  includePlanned?: boolean;
  extraFacilities?: Point[];
  /** An area layer the share is of (issue 14); null: the whole area; absent: residential land when imported. */
  denominator?: string | null;
  population?: { collection: string; field?: string };
  method?: 'radius' | 'network';
  network?: string;
  candidates?: string;
}

export type { CoverageInputChoices } from '../../../core/analysis/coverage-rules.ts';

/** The inputs a result used (issue 14). */
export interface CoverageInputsUsed {
  method: 'radius' | 'network';
  area: string;
  denominator: { collection: string; title: Bilingual; byDefault: boolean; version: number | null; date: string | null; count: number } | null;
  population: { collection: string; field: string; group: string; version: number | null; date: string | null } | null;
  network: { collection: string; version: number | null; date: string | null; nodes?: number; edges?: number } | null;
  facilities: { collection: string; version: number | null; date: string | null; count: number; matched: number; via: string }[];
  candidates: { collection: string; version: number | null } | null;
}

/** People covered, with the plan's own figure beside the layer's (issue 14). */
export interface PopulationFigures {
  collection: string;
  field: string;
  title: Bilingual;
  group: 'residents' | 'aged60plus';
  totalInLayer: number;
  total: number;
  coveredPeople: number;
  uncoveredPeople: number;
  coveredShare: number;
  planFigure: { people: number; title: Bilingual; source: string };
  method: string;
  methodZh: string;
}

/** Body of POST /api/analysis/coverage/suggest. */
export interface CoverageSuggestRequest extends CoverageRequest {
  /** How many sites to propose, 1–10. */
  count: number;
}

/** A preset as GET /api/analysis/presets lists it (`radiusMeters` is null when it has size tiers). */
export interface PresetInfo extends CoveragePreset {
  radiusMeters: number | null;
}

export interface PresetsResponse {
  presets: PresetInfo[];
}

/**
 * A target with its verdict: `met` is null (verdict `not_assessable`) when the facility data is
 * plan-only, and null (verdict `needs_area`, with `areaNeeded`) when it is set for another area.
 */
export type TargetResult = CoverageTarget & { met: boolean | null; verdict?: TargetVerdict; areaNeeded?: Bilingual };

/** A server warning in both languages. */
export interface WarningDetail {
  code: string;
  en: string;
  zh: string;
}

/** One support zone's figures: the core's shape (areas in m², share 0–1). */
export type ZoneFigures = ZoneCoverage;

/** Answer of POST /api/analysis/coverage. */
export interface CoverageResponse {
  areaSquareMeters: number;
  coveredSquareMeters: number;
  uncoveredSquareMeters: number;
  coverageShare: number;
  /** The target the result is held to (the plan's for the central area, else the standard's overall one). */
  target?: TargetResult;
  targets: TargetResult[];
  denominator: { area: string; title: Bilingual; description: string; descriptionZh?: string; collection?: string | null; byDefault?: boolean };
  inputs?: CoverageInputsUsed;
  population?: PopulationFigures | null;
  coveredPeople?: number;
  uncoveredPeople?: number;
  methodName?: 'radius' | 'network';
  network?: { nodes: number; edges: number; reached: number; unreached: number; reachedLengthMeters: number; snapMeters: number; bufferMeters: number; version?: string };
  /** How complete the facility data is (null: unknown collection). */
  dataCompleteness?: DataCompleteness | null;
  preset: { id: string; title: Bilingual; source: string; status: PresetStatus } | null;
  radius: ({ mode: 'uniform'; radiusMeters: number } | { mode: 'tiers'; tiers: RadiusTier[] }) & { newFacilityRadiusMeters: number };
  facilities: {
    collection: string;
    filter: Record<string, string[]>;
    includePlanned: boolean;
    matched: number;
    counted: number;
    reachingArea: number;
    withoutGeometry: number;
    notExisting: number;
    belowTiers: number;
  };
  /** What each what-if facility adds (m²), in the order sent. */
  extraFacilities: { coordinates: [number, number]; radiusMeters: number; gainSquareMeters: number }[];
  method: string;
  methodZh?: string;
  warnings: string[];
  warningDetails?: WarningDetail[];
  byZone: ZoneFigures[];
  /** Coverage of each feature of the denominator layer (an area layer is the measured land), by id. */
  bySubArea?: SubAreaFigures[];
  /** Gap polygons split by support zone, largest first. */
  gaps: FeatureCollection<Polygon, GapProperties>;
}

export interface SuggestionProps {
  rank: number;
  /** What the site adds beyond the facilities and the sites ranked before it, m² (PostGIS). */
  gainSquareMeters: number;
  estimatedGainSquareMeters: number;
  /** Uncovered area (m², sampled) within twice the radius when the site was picked: the tie-break. */
  nearbyGapSquareMeters?: number;
  radiusMeters: number;
}

/** Answer of POST /api/analysis/coverage/suggest. */
export interface CoverageSuggestResponse {
  count: number;
  suggestions: FeatureCollection<Point, SuggestionProps>;
  before: { areaSquareMeters: number; coveredSquareMeters: number; coverageShare: number };
  after: CoverageResponse;
  method: string;
  methodZh?: string;
  notes: string[];
  notesZh?: string[];
}

/** One feature of the denominator layer in a coverage answer. */
export interface SubAreaFigures {
  id: string;
  name: string | null;
  nameEn: string | null;
  areaSquareMeters: number;
  coveredSquareMeters: number;
  coverageShare: number;
}

/** Answer of GET /api/analysis/coverage/network/{id}: a walking network for the browser's what-if (issue 14). */
export interface CoverageNetworkResponse {
  collection: string;
  version: string;
  crs: 'EPSG:4546';
  nodes: number;
  edges: number;
  /** Largest network the browser takes; `lines` is null beyond it. */
  browserMaxEdges: number;
  tooLarge: boolean;
  snapMeters: number;
  bufferMeters: number;
  maxAccessMeters: number;
  polygonAccessMeters: number;
  /** The noded lines, EPSG:4546 metres; null when tooLarge. */
  lines: [number, number][][] | null;
}
