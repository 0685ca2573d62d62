/**
 * The typed client of the app's own API (/api): one `ApiError` for every failure, so the UI can
 * show a readable message whatever went wrong (HTTP error, network, bad JSON).
 */
import type { ComplianceResult } from '../../core/analysis/compliance.ts';
import type { ProjectCompliance, ZoneSummary } from '../../core/analysis/compliance-table.ts';
import type { JobKind, JobState, LayerReviewSite } from '../../core/layer-review.ts';
import type { CoverageStage } from '../../core/analysis/coverage-rules.ts';
import type { AuditListEntry } from '../../core/audit-entry.ts';
import type { Bilingual, GeometryKind, LayerRole, LayerStyle, PropertyDef } from '../../core/catalog.ts';
import type { SiteCrs } from '../../core/crs.ts';
import { exportQuery, type ExportChoice } from '../../core/export/formats.ts';
import type { CommitResult } from '../../core/import/commit-result.ts';
import type { CoverageInputChoices, CoverageNetworkResponse, CoverageRequest, CoverageResponse, CoverageSuggestRequest, CoverageSuggestResponse, PresetsResponse } from './coverage/types.ts';
import type { VectorLayerInfo } from '../../core/basemap-style.ts';

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
  /** The least role that may edit the collection. */
  editableBy?: 'planner' | 'admin';
  nullGeometry?: boolean;
  /** What the layer is for; imported layers say it, built-in ones are `control` or `reference`. */
  role?: LayerRole;
  /** Made by an import at run time (drawn by the generic layer module). */
  imported?: boolean;
  /** How an imported layer is drawn: one colour, or categories by a field's values. */
  style?: LayerStyle;
}

/**
 * A basemap enabled by the server's configuration (none by default: offline): online (osm,
 * tianditu), a custom URL template (custom-N) or the office's package served by this server.
 */
export interface BasemapInfo {
  id: string;
  kind?: 'online' | 'custom' | 'package';
  title: Bilingual;
  tiles: string[];
  labelTiles?: string[];
  attribution: string;
  minzoom?: number;
  maxzoom: number;
  scheme?: 'xyz' | 'tms';
  bounds?: [number, number, number, number];
  /** Packages: `pbf` is a vector basemap, drawn with a default style made from `vectorLayers`. */
  format?: string;
  vectorLayers?: VectorLayerInfo[];
  /** A PMTiles package's archive on this server (read with range requests by the pmtiles protocol). */
  pmtiles?: string;
}

export interface AppConfig {
  basemaps: BasemapInfo[];
  /** The signed-in user, or null. */
  user?: SessionUser | null;
  /** The address others reach the map by (PUBLIC_URL), for share links; null when not configured. */
  publicUrl?: string | null;
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

/** A long analysis run by the server as a job (GET /api/jobs/{id}). */
export interface AnalysisJob {
  id: string;
  kind: JobKind;
  collection: string;
  state: JobState;
  /** Layer review: sites; coverage: stages finished of its stages, and the stage running. */
  progress: { done: number; total: number | null; stage?: CoverageStage };
  numberOfSites: number;
  numberWithConflicts: number;
  numberNotReviewed: number;
  startedBy: string | null;
  error?: string;
}

/** A page of a done layer review (GET /api/jobs/{id}/results). */
export interface LayerReviewPage {
  numberOfSites: number;
  numberWithConflicts: number;
  numberNotReviewed: number;
  numberMatched: number;
  offset: number;
  limit: number;
  methodZh: string;
  method: string;
  sites: LayerReviewSite[];
}

/** Answer of GET /api/analysis/compliance/projects. */
export interface ComplianceProjectsResponse {
  method: string;
  methodZh?: string;
  /** Per zone: counts, and the areas as one union per zone clipped to it (server). */
  zoneSummary?: ZoneSummary[];
  /** How a project is classed as a compatible (protective) use. */
  compatibleUseRule?: { sectors: string[]; en: string; zh: string };
  projects: ProjectCompliance[];
}

/** A failed API call: `status` 0 means the server was not reached at all. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly url: string,
    /** The parsed error body (e.g. the current version on a 412). */
    readonly body?: unknown,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** The most features one items request returns (the server's MAX_LIMIT). */
export const ITEMS_PAGE_LIMIT = 5000;

export class ApiClient {
  constructor(private readonly base = '/api') {}

  /** An absolute URL of an API path (MapLibre fetches sources from its workers, where relative URLs do not resolve). */
  url(path: string): string {
    return new URL(`${this.base}${path}`, window.location.href).toString();
  }

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

  /** Starts the compliance review of a whole layer as a job (POST /api/jobs → 202). */
  startLayerReview(collection: string): Promise<AnalysisJob> {
    return this.request<AnalysisJob>('/jobs', undefined, { kind: 'layer-review', collection });
  }

  /** The caller's jobs kept by the server, newest first (GET /api/jobs), optionally only in these states. */
  jobs(states?: readonly JobState[], signal?: AbortSignal): Promise<{ jobs: AnalysisJob[]; numberReturned: number }> {
    return this.get(`/jobs${states?.length ? `?state=${states.join(',')}` : ''}`, signal);
  }

  /** A job's state and progress; with `waitSeconds`, answered at its next change or after that long (Prefer: wait). */
  async job(id: string, signal?: AbortSignal, waitSeconds?: number): Promise<AnalysisJob> {
    const headers: Record<string, string> = waitSeconds ? { prefer: `wait=${waitSeconds}` } : {};
    return (await this.send<AnalysisJob>('GET', `/jobs/${encodeURIComponent(id)}`, { headers, signal })).body;
  }

  /** Cancels a queued or running job; answers it once it has stopped. */
  async cancelJob(id: string): Promise<AnalysisJob> {
    return (await this.send<AnalysisJob>('DELETE', `/jobs/${encodeURIComponent(id)}`)).body;
  }

  /** A page of a done layer review: conflicts first (largest first), then the other sites. */
  jobResults(id: string, page: { limit: number; offset: number; onlyConflicts: boolean }, signal?: AbortSignal): Promise<LayerReviewPage> {
    return this.get<LayerReviewPage>(`/jobs/${encodeURIComponent(id)}/results?limit=${page.limit}&offset=${page.offset}${page.onlyConflicts ? '&only=conflicts' : ''}`, signal);
  }

  /** The address of a done layer review as CSV (streamed by the server; the browser saves it). */
  jobCsvUrl(id: string, onlyConflicts: boolean): string {
    return this.url(`/jobs/${encodeURIComponent(id)}/results?f=csv${onlyConflicts ? '&only=conflicts' : ''}`);
  }

  /**
   * Service-radius coverage of an area (PostGIS, authoritative): figures, gaps, per-zone shares — the
   * answer when it comes within `waitSeconds`, else the job the analysis runs as (Prefer: respond-async → 202).
   */
  async coverage(body: CoverageRequest, signal: AbortSignal | undefined, waitSeconds: number): Promise<{ result: CoverageResponse } | { job: AnalysisJob }> {
    const r = await this.send<CoverageResponse | AnalysisJob>('POST', '/analysis/coverage', { body, signal, headers: { prefer: `respond-async, wait=${waitSeconds}` } });
    return r.status === 202 ? { job: r.body as AnalysisJob } : { result: r.body as CoverageResponse };
  }

  /** A done coverage job's result: the body POST /analysis/coverage answers. */
  coverageJobResult(id: string, signal?: AbortSignal): Promise<CoverageResponse> {
    return this.get<CoverageResponse>(`/jobs/${encodeURIComponent(id)}/results`, signal);
  }

  /** Sites that would each add the most uncovered area (greedy maximal coverage), with their gains. */
  coverageSuggest(body: CoverageSuggestRequest, signal?: AbortSignal): Promise<CoverageSuggestResponse> {
    return this.request<CoverageSuggestResponse>('/analysis/coverage/suggest', signal, body);
  }

  /** What coverage can use of the office's layers: denominators, population layers, networks, candidate land (issue 14). */
  coverageInputs(signal?: AbortSignal): Promise<CoverageInputChoices> {
    return this.get<CoverageInputChoices>('/analysis/coverage/inputs', signal);
  }

  /** A walking network's noded lines for the instant what-if, or only its size when too large for the browser (issue 14). */
  coverageNetwork(collection: string, signal?: AbortSignal): Promise<CoverageNetworkResponse> {
    return this.get<CoverageNetworkResponse>(`/analysis/coverage/network/${encodeURIComponent(collection)}`, signal);
  }

  /** The coverage presets: radius or size tiers, targets and the source of every figure. */
  presets(signal?: AbortSignal): Promise<PresetsResponse> {
    return this.get<PresetsResponse>('/analysis/presets', signal);
  }

  // --- Accounts and editing (the audited write path on the server) ---

  /** The signed-in user, or null (read from /api/config, which answers 200 either way). */
  async me(): Promise<SessionUser | null> {
    return (await this.config()).user ?? null;
  }

  async login(username: string, password: string): Promise<SessionUser> {
    return (await this.send<{ user: SessionUser }>('POST', '/auth/login', { body: { username, password } })).body.user;
  }

  async logout(): Promise<void> {
    await this.send('POST', '/auth/logout');
  }

  /** One feature with its ETag (the version If-Match sends back). */
  async item(collectionId: string, featureId: string): Promise<{ feature: ApiFeature; etag: string }> {
    const r = await this.send<ApiFeature>('GET', `/collections/${encodeURIComponent(collectionId)}/items/${encodeURIComponent(featureId)}`);
    return { feature: r.body, etag: r.etag ?? '' };
  }

  /** PATCH (merge patch), PUT or DELETE of a feature, or POST of a new one; the reason goes in X-Change-Reason. */
  async writeItem(
    method: 'POST' | 'PATCH' | 'DELETE',
    collectionId: string,
    featureId: string | null,
    opts: { body?: unknown; etag?: string; reason: string },
  ): Promise<{ feature: ApiFeature; etag: string }> {
    const path = `/collections/${encodeURIComponent(collectionId)}/items${featureId ? `/${encodeURIComponent(featureId)}` : ''}`;
    const headers: Record<string, string> = { 'x-change-reason': encodeURIComponent(opts.reason) };
    if (opts.etag) headers['if-match'] = opts.etag;
    const r = await this.send<ApiFeature>(method, path, { body: opts.body, headers });
    return { feature: r.body, etag: r.etag ?? '' };
  }

  async history(collectionId: string, featureId: string): Promise<FeatureVersion[]> {
    return (await this.get<{ versions: FeatureVersion[] }>(`/collections/${encodeURIComponent(collectionId)}/items/${encodeURIComponent(featureId)}/history`)).versions;
  }

  async restore(collectionId: string, featureId: string, version: number, reason: string, etag?: string): Promise<{ feature: ApiFeature; etag: string }> {
    const headers: Record<string, string> = { 'x-change-reason': encodeURIComponent(reason) };
    if (etag) headers['if-match'] = etag;
    const r = await this.send<ApiFeature>('POST', `/collections/${encodeURIComponent(collectionId)}/items/${encodeURIComponent(featureId)}/restore`, { body: { version }, headers });
    return { feature: r.body, etag: r.etag ?? '' };
  }

  async tokens(): Promise<{ id: number; name: string; createdAt: string; lastUsedAt: string | null }[]> {
    return (await this.get<{ tokens: { id: number; name: string; createdAt: string; lastUsedAt: string | null }[] }>('/auth/tokens')).tokens;
  }

  async createToken(name: string): Promise<{ id: number; token: string }> {
    return (await this.send<{ id: number; token: string }>('POST', '/auth/tokens', { body: { name } })).body;
  }

  async revokeToken(id: number): Promise<void> {
    await this.send('DELETE', `/auth/tokens/${id}`);
  }

  async users(): Promise<UserInfo[]> {
    return (await this.get<{ users: UserInfo[] }>('/users')).users;
  }

  async createUser(username: string, password: string, role: string): Promise<void> {
    await this.send('POST', '/users', { body: { username, password, role } });
  }

  async updateUser(username: string, change: { role?: string; disabled?: boolean; password?: string }): Promise<void> {
    await this.send('PATCH', `/users/${encodeURIComponent(username)}`, { body: change });
  }

  /** Uploads a file for import (multipart), reporting the upload's progress (0–1); answers its layers. */
  uploadImport(file: File, onProgress: (share: number) => void): Promise<ImportUpload> {
    return new Promise((resolve, reject) => {
      const xhr = new XMLHttpRequest();
      const url = `${this.base}/imports`;
      xhr.open('POST', url);
      xhr.setRequestHeader('accept', 'application/json');
      xhr.upload.onprogress = (e) => e.lengthComputable && onProgress(e.loaded / e.total);
      xhr.onerror = () => reject(new ApiError(0, 'NetworkError', 'Network error during the upload', url));
      xhr.onload = () => {
        let body: any;
        try {
          body = JSON.parse(xhr.responseText);
        } catch {
          return reject(new ApiError(xhr.status, 'BadResponse', `${xhr.status}: the server did not answer with JSON.`, url));
        }
        if (xhr.status >= 400) reject(new ApiError(xhr.status, body.code ?? 'HttpError', body.description ?? String(xhr.status), url, body));
        else resolve(body as ImportUpload);
      };
      const form = new FormData();
      form.append('file', file, file.name);
      xhr.send(form);
    });
  }

  /** A layer of an upload in EPSG:4326, re-read with the chosen CRS and encoding. */
  async importPreview(id: string, layer: string, over: { crs?: string; encoding?: string }): Promise<ImportPreview> {
    const q = new URLSearchParams(Object.entries(over).filter(([, v]) => v) as [string, string][]);
    return this.get<ImportPreview>(`/imports/${encodeURIComponent(id)}/layers/${encodeURIComponent(layer)}/preview${q.size ? `?${q}` : ''}`);
  }

  /** Commits a layer of an upload as a new collection or a new version of one (one audited transaction). */
  async importCommit(id: string, body: ImportCommitRequest): Promise<ImportCommitResult> {
    return (await this.send<ImportCommitResult>('POST', `/imports/${encodeURIComponent(id)}/commit`, { body })).body;
  }

  /** The URL of the audit list with these filters (JSON, or CSV with f=csv). */
  auditUrl(filters: Record<string, string>, csv = false): string {
    const q = new URLSearchParams(Object.entries(filters).filter(([, v]) => v));
    if (csv) q.set('f', 'csv');
    return `${this.base}/audit?${q}`;
  }

  async audit(filters: Record<string, string>): Promise<{ numberMatched: number; entries: AuditEntry[] }> {
    return (await this.send<{ numberMatched: number; entries: AuditEntry[] }>('GET', this.auditUrl(filters).slice(this.base.length))).body;
  }

  async verifyAudit(): Promise<{ ok: boolean; rows: number; firstBrokenRow: number | null }> {
    return this.get('/audit/verify');
  }

  /** Saves a compliance review (the server recomputes the result and numbers it XC-<year>-NNNN). */
  async saveReview(body: { projectName: string; applicant?: string; note?: string; geometry: unknown; crs?: SiteCrs }): Promise<SavedReview> {
    return (await this.send<SavedReview>('POST', '/reviews', { body })).body;
  }

  async reviews(q = ''): Promise<{ numberMatched: number; reviews: ReviewSummary[] }> {
    return this.get(`/reviews${q ? `?q=${encodeURIComponent(q)}` : ''}`);
  }

  async review(number: string): Promise<SavedReview> {
    return this.get(`/reviews/${encodeURIComponent(number)}`);
  }

  private get<T>(path: string, signal?: AbortSignal): Promise<T> {
    return this.request<T>(path, signal);
  }

  /** GET, or POST with a JSON body when `body` is given. */
  /** A collection's features as a file (GET /api/collections/{id}/export). */
  exportCollection(id: string, choice: ExportChoice): Promise<{ blob: Blob; fileName: string }> {
    return this.file('GET', `/collections/${encodeURIComponent(id)}/export?${exportQuery(choice)}`);
  }

  /** An analysis result (GeoJSON in EPSG:4326) as a file (POST /api/analysis/export). */
  exportAnalysis(fc: unknown, name: string, choice: ExportChoice): Promise<{ blob: Blob; fileName: string }> {
    return this.file('POST', `/analysis/export?${exportQuery(choice)}&name=${encodeURIComponent(name)}`, fc);
  }

  /** A file answer: its bytes and the name the server gives it; an error answer as an ApiError. */
  private async file(method: string, path: string, body?: unknown): Promise<{ blob: Blob; fileName: string }> {
    const url = this.base + path;
    let res: Response;
    try {
      res = await fetch(url, { method, headers: body === undefined ? {} : { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    } catch (err) {
      throw new ApiError(0, 'NetworkError', `Network error: ${(err as Error).message}`, url);
    }
    if (!res.ok) {
      const e = ((await res.json().catch(() => ({}))) ?? {}) as { code?: string; description?: string };
      throw new ApiError(res.status, e.code ?? 'HttpError', e.description ?? `${res.status} ${res.statusText}`, url, e);
    }
    const cd = res.headers.get('content-disposition') ?? '';
    const star = /filename\*=UTF-8''([^;]+)/i.exec(cd);
    const plain = /filename="([^"]+)"/i.exec(cd);
    const fileName = star ? decodeURIComponent(star[1]) : (plain?.[1] ?? 'export');
    return { blob: await res.blob(), fileName };
  }

  private async request<T>(path: string, signal?: AbortSignal, body?: unknown): Promise<T> {
    return (await this.send<T>(body === undefined ? 'GET' : 'POST', path, { body, signal })).body;
  }

  /** Any method, with a JSON body and extra headers; answers the parsed body and the ETag. */
  private async send<T>(
    method: string,
    path: string,
    opts: { body?: unknown; headers?: Record<string, string>; signal?: AbortSignal } = {},
  ): Promise<{ body: T; etag: string | null; status: number }> {
    const url = this.base + path;
    let res: Response;
    const headers: Record<string, string> = { accept: 'application/json', ...opts.headers };
    if (opts.body !== undefined) headers['content-type'] = 'application/json';
    try {
      res = await fetch(url, { method, headers, body: opts.body === undefined ? undefined : JSON.stringify(opts.body), signal: opts.signal });
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
      throw new ApiError(res.status, e.code ?? 'HttpError', e.description ?? `${res.status} ${res.statusText}`, url, json);
    }
    return { body: json as T, etag: res.headers.get('etag'), status: res.status };
  }
}

/** One layer of an upload, as POST /api/imports describes it. */
export interface ImportLayer {
  name: string;
  format: string;
  featureCount: number;
  geometryTypes: string[];
  crs: { detected: string | null; how: string };
  encoding: { detected: string; how: string };
  fields: { name: string; type: string; samples: unknown[] }[];
  extent: [number, number, number, number] | null;
  problems: { code: string; en: string; zh: string; features?: (string | number)[] }[];
  /** A CSV read as a 界址点 list (vertex rows → parcels) and/or with X = northing. */
  csv?: { vertexList: { parcelField: string; vertexField: string | null; vertices: number; parcels: number } | null; northingFirst: boolean };
}

/** The body of POST /api/imports/{id}/commit (api/import/commit.ts validates it). */
export interface ImportCommitRequest {
  layer: string;
  crs?: string;
  encoding?: string;
  target: { collection: string; mode: 'replace' | 'append' } | { newCollection: { id: string; title: { zh: string; en: string }; role: LayerRole; audience: 'public' | 'planner'; style?: LayerStyle } };
  fieldMap?: Record<string, string>;
  invalid?: 'repair' | 'reject';
  quality?: string;
  licence?: string;
  date?: string;
  reason?: string;
}

export type ImportCommitResult = CommitResult;

export interface ImportUpload {
  id: string;
  fileName: string;
  sha256: string;
  bytes: number;
  layers: ImportLayer[];
}

export interface ImportPreview {
  type: 'FeatureCollection';
  features: GeoJSON.Feature[];
  summary: ImportLayer;
}

/** The signed-in user (GET /api/auth/me). */
export interface SessionUser {
  username: string;
  role: 'viewer' | 'planner' | 'admin';
}

/** One version of a feature (GET …/items/{id}/history), newest first. */
export interface FeatureVersion {
  version: number;
  at: string | null;
  actor: string | null;
  action: string;
  reason: string | null;
  properties?: Record<string, unknown> | null;
  geometry?: GeoJSON.Geometry | null;
}

export interface UserInfo {
  username: string;
  role: string;
  disabled: boolean;
  createdAt: string;
  tokens: number;
}

/** One row of GET /api/audit (the type the API route sends). */
export type AuditEntry = AuditListEntry;

export interface ReviewSummary {
  number: string;
  projectName: string;
  applicant: string | null;
  reviewer: string;
  note: string | null;
  createdAt: string;
  conflicts: number;
}

/** A saved review: the result as it was, with the control layers' versions. */
export interface SavedReview extends Omit<ReviewSummary, 'conflicts'> {
  result: ComplianceResponse;
  layerVersions: Record<string, { version: number; changedAt: string }>;
}
