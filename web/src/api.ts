/**
 * The typed client of the app's own API (/api): one `ApiError` for every failure, so the UI can
 * show a readable message whatever went wrong (HTTP error, network, bad JSON).
 */
import type { ComplianceResult } from '../../core/analysis/compliance.ts';
import type { ProjectCompliance } from '../../core/analysis/compliance-table.ts';
import type { Bilingual, GeometryKind, PropertyDef } from '../../core/catalog.ts';
import type { SiteCrs } from '../../core/crs.ts';
import type { CoverageRequest, CoverageResponse, CoverageSuggestRequest, CoverageSuggestResponse, PresetsResponse } from './coverage/types.ts';

/** What a dataset says about itself (geodata/<id>/provenance.json, as imported). */
export interface Provenance {
  title_zh?: string;
  title_en?: string;
  sources?: unknown;
  licence?: string;
  attribution?: string;
  crs?: string;
  date?: string;
  method?: string;
  quality?: string;
  notes?: string;
  importedAt?: string;
}

/** One entry of GET /api/collections. */
export interface CollectionInfo {
  id: string;
  titles: Bilingual;
  descriptions: Bilingual;
  geometry: GeometryKind;
  audience: 'public' | 'planner';
  control: boolean;
  numberOfFeatures: number;
  properties: Record<string, PropertyDef>;
  provenance: Provenance | null;
  extent?: { spatial: { bbox: number[][] } };
}

/** An online basemap enabled by the server's configuration (none by default: offline). */
export interface BasemapInfo {
  id: 'osm' | 'tianditu';
  title: Bilingual;
  tiles: string[];
  labelTiles?: string[];
  attribution: string;
  maxzoom: number;
}

export interface AppConfig {
  basemaps: BasemapInfo[];
}

/** Feature properties every dataset carries (geodata contract), plus what a layer adds. */
export interface FeatureProps {
  name_zh?: string;
  name_en?: string;
  quality?: string;
  source?: string;
  area_square_meters?: number;
  [key: string]: unknown;
}

export interface ApiFeature {
  type: 'Feature';
  id: string;
  geometry: GeoJSON.Geometry | null;
  properties: FeatureProps;
}

export interface ApiFeatureCollection {
  type: 'FeatureCollection';
  numberMatched?: number;
  numberReturned?: number;
  features: ApiFeature[];
}

/** Body of POST /api/analysis/compliance: a site geometry in one of the accepted CRSs. */
export interface ComplianceRequest {
  geometry: unknown;
  crs?: SiteCrs;
}

/** Answer of POST /api/analysis/compliance (areas in m², distances in m, geometry in EPSG:4326). */
export interface ComplianceResponse {
  site: { areaSquareMeters: number; vertexCount: number; geometryType: string; crs: SiteCrs; geometry: GeoJSON.Geometry };
  zones: (ComplianceResult['zones'][number] & { nameEn?: string })[];
  conflicts: (ComplianceResult['conflicts'][number] & { nameEn?: string; quality?: string })[];
  nearest: (NonNullable<ComplianceResult['nearest']> & { name?: string }) | null;
  /** The overlap polygons, one feature per conflicting control feature. */
  overlaps: GeoJSON.FeatureCollection;
  /** English, as the API contract has it; `warningDetails` holds each in both languages. */
  warnings: string[];
  warningDetails?: { code: string; en: string; zh: string }[];
  method: string;
  methodZh?: string;
}

/** Answer of GET /api/analysis/compliance/projects. */
export interface ComplianceProjectsResponse {
  method: string;
  projects: ProjectCompliance[];
}

/** A failed API call: `status` 0 means the server was not reached at all. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly url: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** The most features one items request returns (the server's MAX_LIMIT). */
export const ITEMS_PAGE_LIMIT = 5000;

export class ApiClient {
  constructor(private readonly base = '/api') {}

  config(): Promise<AppConfig> {
    return this.get<AppConfig>('/config');
  }

  async collections(): Promise<CollectionInfo[]> {
    return (await this.get<{ collections: CollectionInfo[] }>('/collections')).collections;
  }

  /** Every feature of a collection, following `next` links past one page. */
  async items(collectionId: string, signal?: AbortSignal): Promise<ApiFeatureCollection> {
    const features: ApiFeature[] = [];
    let offset = 0;
    for (;;) {
      const page = await this.get<ApiFeatureCollection & { links?: { rel: string }[] }>(
        `/collections/${encodeURIComponent(collectionId)}/items?limit=${ITEMS_PAGE_LIMIT}&offset=${offset}`,
        signal,
      );
      features.push(...page.features);
      const hasNext = page.links?.some((l) => l.rel === 'next') && page.features.length > 0;
      if (!hasNext) break;
      offset += page.features.length;
    }
    return { type: 'FeatureCollection', features };
  }

  /** Checks one site against the control layers (PostGIS, authoritative). */
  compliance(body: ComplianceRequest, signal?: AbortSignal): Promise<ComplianceResponse> {
    return this.request<ComplianceResponse>('/analysis/compliance', signal, body);
  }

  /** Every project site checked against the control layers, in one batch. */
  complianceProjects(signal?: AbortSignal): Promise<ComplianceProjectsResponse> {
    return this.get<ComplianceProjectsResponse>('/analysis/compliance/projects', signal);
  }

  /** Service-radius coverage of an area (PostGIS, authoritative): figures, gaps, per-zone shares. */
  coverage(body: CoverageRequest, signal?: AbortSignal): Promise<CoverageResponse> {
    return this.request<CoverageResponse>('/analysis/coverage', signal, body);
  }

  /** Sites that would each add the most uncovered area (greedy maximal coverage), with their gains. */
  coverageSuggest(body: CoverageSuggestRequest, signal?: AbortSignal): Promise<CoverageSuggestResponse> {
    return this.request<CoverageSuggestResponse>('/analysis/coverage/suggest', signal, body);
  }

  /** The coverage presets: radius or size tiers, targets and the source of every figure. */
  presets(signal?: AbortSignal): Promise<PresetsResponse> {
    return this.get<PresetsResponse>('/analysis/presets', signal);
  }

  private get<T>(path: string, signal?: AbortSignal): Promise<T> {
    return this.request<T>(path, signal);
  }

  /** GET, or POST with a JSON body when `body` is given. */
  private async request<T>(path: string, signal?: AbortSignal, body?: unknown): Promise<T> {
    const url = this.base + path;
    let res: Response;
    try {
      res = await fetch(
        url,
        body === undefined
          ? { headers: { accept: 'application/json' }, signal }
          : { method: 'POST', headers: { accept: 'application/json', 'content-type': 'application/json' }, body: JSON.stringify(body), signal },
      );
    } catch (err) {
      throw new ApiError(0, 'NetworkError', `Network error: ${(err as Error).message}`, url);
    }
    const text = await res.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      // A proxy or a missing server answers with HTML; say so rather than "Unexpected token <".
      throw new ApiError(res.status, 'BadResponse', `${res.status} ${res.statusText}: the server did not answer with JSON.`, url);
    }
    if (!res.ok) {
      const e = (json ?? {}) as { code?: string; description?: string };
      throw new ApiError(res.status, e.code ?? 'HttpError', e.description ?? `${res.status} ${res.statusText}`, url);
    }
    return json as T;
  }
}
