/**
 * Feature writes (OGC API – Features Part 4 and the map's edit tools): create, replace, update,
 * delete and restore. Each one checks the role, validates the body against the catalogue, checks
 * the version (If-Match), writes, recomputes the derived properties and appends the audit row with
 * the full before and after — all in one transaction, through `audited`.
 */
import { randomBytes } from 'node:crypto';
import type { CollectionDef } from '../../core/catalog.ts';
import type { SiteCrs } from '../../core/crs.ts';
import { checkProperties, mergeProperties, withoutDerived } from '../../core/feature-input.ts';
import { readSite } from '../../core/geometry/site-input.ts';
import type { Db, Queryable } from '../db/db.ts';
import { apiError } from '../errors.ts';
import { audited, requireRole, type Audit, type WriteContext } from '../audit/audited.ts';
import { dependentDeriveQueries } from '../sql/import.ts';
import * as sql from '../sql/features.ts';

/** A feature's state: what the audit trail keeps and a write returns. */
export interface FeatureState {
  version: number;
  properties: Record<string, unknown>;
  geometry: unknown | null;
}

/** The result of a write: the feature as GeoJSON and its new version. */
export interface WriteResult {
  id: string;
  version: number;
  feature: { type: 'Feature'; id: string; geometry: unknown | null; properties: Record<string, unknown> } | null;
  auditId: number;
}

/** Longest change reason (修改说明). */
export const MAX_REASON_CHARS = 500;

const ID_RULE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

/** The `If-Match` version (`"v3-…"` or `"3"`), null when absent; 400 when unreadable. */
export function ifMatchVersion(header: string | undefined): number | null {
  if (header === undefined || header.trim() === '*') return null;
  const m = /^\s*(?:W\/)?"v?(\d+)(?:-[^"]*)?"\s*$/.exec(header);
  if (!m) apiError(400, 'InvalidParameterValue', 'If-Match must be the ETag of the feature as its GET returned it, e.g. "v3-…".');
  return Number(m[1]);
}

/** The ETag of a feature version in a write response (item GETs add a data stamp after the dash). */
export const versionTag = (version: number) => `"v${version}-w"`;

/** Reads the change reason from the `X-Change-Reason` header (UTF-8, percent-encoded). */
export function changeReason(header: string | undefined): string | null {
  if (header === undefined) return null;
  let text: string;
  try {
    text = decodeURIComponent(header);
  } catch {
    apiError(400, 'InvalidParameterValue', 'X-Change-Reason must be UTF-8, percent-encoded (encodeURIComponent), e.g. "%E6%A0%B8%E5%AE%9E%E4%BD%8D%E7%BD%AE".');
  }
  text = text.trim();
  if (text.length > MAX_REASON_CHARS) apiError(400, 'InvalidParameterValue', `X-Change-Reason may have at most ${MAX_REASON_CHARS} characters.`);
  if (/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(text)) apiError(400, 'InvalidParameterValue', 'X-Change-Reason holds a control character.');
  return text || null;
}

/** The geometry of a body in EPSG:4326 (null for none), checked for the collection's kind. */
function readGeometry(def: CollectionDef, input: unknown, crs: SiteCrs): unknown | null {
  if (input === null || input === undefined) {
    if (!def.nullGeometry) apiError(400, 'InvalidRequestBody', `Features of "${def.id}" need a geometry.`);
    return null;
  }
  if (def.geometry === 'none') apiError(400, 'InvalidRequestBody', `Features of "${def.id}" have no geometry; send "geometry": null.`);
  const site = readSite(input, crs, { lines: def.geometry === 'mixed' });
  if (!site.valid) apiError(site.status, site.status === 413 ? 'PayloadTooLarge' : 'InvalidRequestBody', `geometry: ${site.reason}`);
  const t = site.geometry.type;
  const allowed = def.geometry === 'polygon' ? ['Polygon', 'MultiPolygon'] : def.geometry === 'point' ? ['Point'] : [t];
  if (!allowed.includes(t)) apiError(400, 'InvalidRequestBody', `Collection "${def.id}" takes ${allowed.join(' or ')} geometries, not ${t}.`);
  return site.geometry;
}

function readProperties(def: CollectionDef, input: unknown): Record<string, unknown> {
  const r = checkProperties(def, input);
  if (!r.valid) apiError(400, 'InvalidRequestBody', r.reason);
  return r.properties;
}

/** The parts of a GeoJSON Feature body; anything else is refused. */
function readFeatureBody(body: unknown): { id?: unknown; properties?: unknown; geometry?: unknown } {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) apiError(400, 'InvalidRequestBody', 'Send a GeoJSON Feature object.');
  const f = body as Record<string, unknown>;
  if (f.type !== 'Feature') apiError(400, 'InvalidRequestBody', `Send a GeoJSON Feature ("type": "Feature"), not ${JSON.stringify(f.type ?? null).slice(0, 40)}.`);
  const extra = Object.keys(f).filter((k) => !['type', 'id', 'properties', 'geometry', 'bbox', 'links'].includes(k));
  if (extra.length) apiError(400, 'InvalidRequestBody', `Unknown Feature member "${extra[0].slice(0, 40)}"; a Feature has type, id, geometry and properties.`);
  if (!('geometry' in f)) apiError(400, 'InvalidRequestBody', 'The Feature has no "geometry" member (use null for none).');
  return f;
}

export interface WriteRequest {
  def: CollectionDef;
  ctx: WriteContext;
  crs: SiteCrs;
}

/** 401/403 unless the actor may edit the collection; 400 without a change reason. */
export function requireWriter(r: WriteRequest) {
  requireRole(r.ctx.actor, r.def.editableBy, `change features of "${r.def.id}"`);
  if (!r.ctx.reason) apiError(400, 'InvalidParameterValue', 'Say why (修改说明): send the reason in the X-Change-Reason header (UTF-8, percent-encoded).');
}

/** POST /collections/{id}/items: a new feature (its id from the body, or a new one). */
export async function createFeature(db: Db, r: WriteRequest, body: unknown): Promise<WriteResult> {
  requireWriter(r);
  const f = readFeatureBody(body);
  const geometry = readGeometry(r.def, f.geometry, r.crs);
  const properties = readProperties(r.def, f.properties);
  let id: string;
  if (f.id === undefined || f.id === null) id = `${r.def.id}-${new Date().toISOString().slice(0, 10).replace(/-/g, '')}-${randomBytes(4).toString('hex')}`;
  else if (typeof f.id === 'string' && ID_RULE.test(f.id)) id = f.id;
  else apiError(400, 'InvalidRequestBody', 'id must be 1–100 letters, digits, ".", "_" or "-" (or left out for a new one).');
  if (r.def.properties.name_zh && !(typeof properties.name_zh === 'string' && properties.name_zh.trim())) {
    apiError(400, 'InvalidRequestBody', 'A new feature needs a name: property "name_zh" (名称).');
  }
  // Honest provenance of what a planner enters: its quality and where it came from.
  if (r.def.properties.quality && properties.quality == null) properties.quality = 'approximate';
  if (r.def.properties.source && properties.source == null) properties.source = `entered in the map by ${r.ctx.actor!.username}, ${new Date().toISOString().slice(0, 10)}`;
  if (r.def.properties.location_quality && properties.location_quality == null) properties.location_quality = geometry ? 'approximate' : 'district-wide';
  return audited(db, r.ctx, r.def.editableBy, `create features in "${r.def.id}"`, async (tx, audit) => {
    const used = (await tx.query<{ used: boolean }>(sql.idUsedQuery(r.def.id, id).text, [r.def.id, id])).rows[0].used;
    if (used) apiError(409, 'Conflict', `The id "${id}" was used before in "${r.def.id}" (see its history); restore that feature or choose another id.`);
    return commit(tx, audit, r.def, id, null, { properties, geometry }, 'create');
  });
}

/** PUT: the whole feature replaced (derived properties recomputed). */
export async function replaceFeature(db: Db, r: WriteRequest, id: string, body: unknown, ifMatch: number | null): Promise<WriteResult> {
  requireWriter(r);
  const f = readFeatureBody(body);
  if (f.id !== undefined && f.id !== null && f.id !== id) apiError(400, 'InvalidRequestBody', `The body's id "${String(f.id).slice(0, 40)}" is not the feature's id "${id}".`);
  const geometry = readGeometry(r.def, f.geometry, r.crs);
  const properties = readProperties(r.def, f.properties);
  return audited(db, r.ctx, r.def.editableBy, `change features of "${r.def.id}"`, async (tx, audit) => {
    const before = await current(tx, r.def, id, ifMatch);
    return commit(tx, audit, r.def, id, before, { properties, geometry }, 'update');
  });
}

/** PATCH: a JSON merge patch of properties and/or the geometry. */
export async function patchFeature(db: Db, r: WriteRequest, id: string, body: unknown, ifMatch: number | null): Promise<WriteResult> {
  requireWriter(r);
  if (body === null || typeof body !== 'object' || Array.isArray(body)) apiError(400, 'InvalidRequestBody', 'Send a JSON merge patch: {"properties": {…}, "geometry": {…}}.');
  const p = body as Record<string, unknown>;
  const extra = Object.keys(p).filter((k) => !['type', 'id', 'properties', 'geometry'].includes(k));
  if (extra.length) apiError(400, 'InvalidRequestBody', `Unknown member "${extra[0].slice(0, 40)}"; a patch has properties and/or geometry.`);
  if (p.id !== undefined && p.id !== id) apiError(400, 'InvalidRequestBody', 'The id of a feature cannot be changed.');
  if (p.properties !== undefined && (p.properties === null || typeof p.properties !== 'object' || Array.isArray(p.properties))) {
    apiError(400, 'InvalidRequestBody', '"properties" must be an object of the properties to change (null removes one).');
  }
  const patch = readProperties(r.def, p.properties ?? {});
  const geometryGiven = 'geometry' in p;
  const geometry = geometryGiven ? readGeometry(r.def, p.geometry, r.crs) : undefined;
  return audited(db, r.ctx, r.def.editableBy, `change features of "${r.def.id}"`, async (tx, audit) => {
    const before = await current(tx, r.def, id, ifMatch);
    const merged = mergeProperties(withoutDerived(r.def, before.properties), patch);
    const next = { properties: merged, geometry: geometryGiven ? geometry : before.geometry };
    return commit(tx, audit, r.def, id, before, next, 'update');
  });
}

export async function deleteFeature(db: Db, r: WriteRequest, id: string, ifMatch: number | null): Promise<WriteResult> {
  requireWriter(r);
  return audited(db, r.ctx, r.def.editableBy, `delete features of "${r.def.id}"`, async (tx, audit) => {
    const before = await current(tx, r.def, id, ifMatch);
    return commit(tx, audit, r.def, id, before, null, 'delete');
  });
}

/** Restores an earlier version as a new version (also brings back a deleted feature). */
export async function restoreFeature(db: Db, r: WriteRequest, id: string, version: number, ifMatch: number | null): Promise<WriteResult> {
  requireWriter(r);
  return audited(db, r.ctx, r.def.editableBy, `restore features of "${r.def.id}"`, async (tx, audit) => {
    const q = sql.featureAtVersionQuery(r.def.id, id, version);
    const old = (await tx.query<{ state: FeatureState | null }>(q.text, q.values)).rows[0]?.state;
    if (!old) apiError(404, 'NotFound', `Feature "${id}" of "${r.def.id}" has no version ${version} in its history.`);
    const live = (await tx.query<FeatureState>(sql.lockFeatureQuery(r.def, id).text, [id])).rows[0] ?? null;
    let before: FeatureState | null = live;
    let deletedVersion: number | null = null;
    if (live) {
      if (ifMatch !== null && ifMatch !== live.version) conflict(r.def, id, live);
    } else {
      const last = (await tx.query<{ action: string; version: number }>(sql.lastFeatureAuditQuery(r.def.id, id).text, [r.def.id, id])).rows[0];
      deletedVersion = last?.version ?? version;
      before = null;
    }
    return commit(tx, audit, r.def, id, before, { properties: withoutDerived(r.def, old.properties), geometry: old.geometry }, 'restore', deletedVersion);
  });
}

/** The feature's current state, locked; 404 when absent, 412 when `ifMatch` names another version. */
async function current(tx: Queryable, def: CollectionDef, id: string, ifMatch: number | null): Promise<FeatureState> {
  const row = (await tx.query<FeatureState>(sql.lockFeatureQuery(def, id).text, [id])).rows[0];
  if (!row) apiError(404, 'NotFound', `Collection "${def.id}" has no feature "${id.slice(0, 80)}".`);
  if (ifMatch !== null && ifMatch !== row.version) conflict(def, id, row);
  return row;
}

function conflict(def: CollectionDef, id: string, row: FeatureState): never {
  apiError(
    412,
    'PreconditionFailed',
    `Feature "${id}" was changed by someone else: it is now at version ${row.version}. Reload it, look at what changed, and save again.`,
    { ETag: versionTag(row.version) },
    { currentVersion: row.version, current: { type: 'Feature', id, geometry: row.geometry, properties: row.properties } },
  );
}

/**
 * A project or facility given a site stops being district-wide, and one whose site is removed
 * becomes district-wide — unless the request changed location_quality itself.
 */
function adjustLocation(def: CollectionDef, before: FeatureState | null, next: { properties: Record<string, unknown>; geometry: unknown | null }) {
  if (!def.properties.location_quality) return next.properties;
  const same = before !== null && next.properties.location_quality === before.properties.location_quality;
  if (!same) return next.properties;
  const lq = next.properties.location_quality;
  if (next.geometry && (lq === 'district-wide' || lq == null)) return { ...next.properties, location_quality: 'approximate' };
  if (!next.geometry && lq !== 'district-wide') return { ...next.properties, location_quality: 'district-wide' };
  return next.properties;
}

/**
 * Writes the next state (null: delete) with its derived properties and its audit row in one
 * statement, then what the change derives in other features (a zone's projects).
 */
async function commit(
  tx: Queryable,
  audit: Audit,
  def: CollectionDef,
  id: string,
  before: FeatureState | null,
  next: { properties: Record<string, unknown>; geometry: unknown | null } | null,
  action: 'create' | 'update' | 'delete' | 'restore',
  deletedVersion: number | null = null,
): Promise<WriteResult> {
  let write: sql.FeatureWrite;
  if (next === null) write = { kind: 'delete', id };
  else {
    const geojson = next.geometry ? JSON.stringify(next.geometry) : null;
    // A point is always valid; lines and polygons are checked by GEOS before they are stored.
    if (geojson && (next.geometry as { type: string }).type !== 'Point') {
      const problem = (await tx.query<{ problem: string | null }>(sql.geometryProblemQuery(geojson).text, [geojson])).rows[0].problem;
      if (problem) apiError(400, 'InvalidRequestBody', `geometry is not valid: ${problem}. Fix the outline (e.g. crossing edges) and save again.`);
    }
    const properties = withoutDerived(def, adjustLocation(def, before, next));
    write = before ? { kind: 'update', id, properties, geojson } : { kind: 'insert', id, properties, geojson, version: (deletedVersion ?? 0) + 1 };
  }
  const entry = audit.row({
    action,
    collection: def.id,
    featureId: id,
    versionBefore: before?.version ?? deletedVersion,
    before: before ? { properties: before.properties, geometry: before.geometry } : null,
  });
  const q = sql.writeFeatureQuery(def, write, entry);
  const row = (await tx.query<FeatureState & { audit_id: number }>(q.text, q.values)).rows[0];
  if (!row) apiError(409, 'Conflict', `Collection "${def.id}" already has a feature "${id}".`);
  for (const d of dependentDeriveQueries(def.id)) await tx.query(d.text, d.values);
  return {
    id,
    version: row.version,
    feature: next === null ? null : { type: 'Feature', id, geometry: row.geometry, properties: row.properties },
    auditId: row.audit_id,
  };
}
