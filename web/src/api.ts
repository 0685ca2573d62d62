/**
 * The typed client of the app's own API (/api): one `ApiError` for every failure, so the UI can
 * show a readable message whatever went wrong (HTTP error, network, bad JSON).
 */
import type { Bilingual, GeometryKind, PropertyDef } from '../../core/catalog.ts';

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

  private async get<T>(path: string, signal?: AbortSignal): Promise<T> {
    const url = this.base + path;
    let res: Response;
    try {
      res = await fetch(url, { headers: { accept: 'application/json' }, signal });
    } catch (err) {
      throw new ApiError(0, 'NetworkError', `Network error: ${(err as Error).message}`, url);
    }
    const text = await res.text();
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      // A proxy or a missing server answers with HTML; say so rather than "Unexpected token <".
      throw new ApiError(res.status, 'BadResponse', `${res.status} ${res.statusText}: the server did not answer with JSON.`, url);
    }
    if (!res.ok) {
      const e = (body ?? {}) as { code?: string; description?: string };
      throw new ApiError(res.status, e.code ?? 'HttpError', e.description ?? `${res.status} ${res.statusText}`, url);
    }
    return body as T;
  }
}
