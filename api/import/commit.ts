/**
 * Imports, step 2 (commit): a layer of an upload becomes a new collection, or a new version of an
 * existing one (replace or append). One transaction through `audited`, one audit row naming the
 * file, its checksum, the counts and the user; the version it replaces is kept (restorable).
 * A failed or stopped commit leaves the old data as it was.
 */
import { z } from 'zod';
import { LAYER_ROLES, QUALITIES, ROLE_COLORS, type CollectionDef, type PropertyDef, type PropertyType } from '../../core/catalog.ts';
import type { CommitResult } from '../../core/import/commit-result.ts';
import { autoFieldMap, cleanText, coerceValue } from '../../core/import/field-map.ts';
import { audited, requireRole, type WriteContext } from '../audit/audited.ts';
import { COLLECTION_ID_RULE, controlViewSql, createCollectionSql, findIn, idProblem, loadCatalogue } from '../catalogue.ts';
import { run, type Db } from '../db/db.ts';
import { apiError } from '../errors.ts';
import * as sql from '../sql/versions.ts';
import { forgetUpload, readLayer, type ImportLimits, type LayerSummary, type Upload } from './uploads.ts';

const Title = z.object({ zh: z.string().trim().min(1, 'a Chinese title is required').max(100), en: z.string().trim().max(100).default('') });

export const CommitRequest = z
  .object({
    layer: z.string().min(1).max(200),
    crs: z.string().max(40).optional(),
    encoding: z.string().max(20).optional(),
    target: z.union([
      z.object({ collection: z.string().min(1).max(80), mode: z.enum(['replace', 'append']) }).strict(),
      z
        .object({
          newCollection: z
            .object({
              id: z.string().min(1).max(80),
              title: Title,
              role: z.enum(LAYER_ROLES),
              audience: z.enum(['public', 'planner']).default('planner'),
              style: z
                .object({ color: z.string().regex(/^#[0-9a-fA-F]{6}$/, 'a colour like "#1565c0"'), byField: z.string().max(63).optional() })
                .strict()
                .optional(),
            })
            .strict(),
        })
        .strict(),
    ]),
    /** `{ sourceField: property }`; "" leaves a field out. Fields not named are matched automatically. */
    fieldMap: z.record(z.string().max(100), z.string().max(63)).optional(),
    /** Invalid geometries: repaired with ST_MakeValid, or left out with their reason. */
    invalid: z.enum(['repair', 'reject']).default('repair'),
    /** How good the office's data is (every feature that does not say so itself). */
    quality: z.enum(QUALITIES).default('approximate'),
    licence: z.string().trim().max(200).optional(),
    /** When the data was made (YYYY-MM-DD or YYYY); today when not given. */
    date: z.string().regex(/^\d{4}(-\d{2}(-\d{2})?)?$/, 'a date like 2026-05-01').optional(),
    reason: z.string().trim().max(500).optional(),
  })
  .strict();
export type CommitRequest = z.infer<typeof CommitRequest>;

export type { CommitResult };

/** Problems of the preview that stop a commit: the user fixes them first. */
const BLOCKING = ['unknown_crs', 'wrong_crs', 'outside_china', 'empty_layer'];

const refuse = (status: 400 | 409 | 422, en: string, zh: string): never => apiError(status, status === 409 ? 'Conflict' : 'InvalidRequestBody', en, {}, { descriptionZh: zh });

/** Commits `body.layer` of `upload` as the body says; the upload is forgotten once committed. */
export async function commitImport(db: Db, ctx: WriteContext, upload: Upload, body: CommitRequest, limits: ImportLimits): Promise<CommitResult> {
  requireRole(ctx.actor, 'planner', 'import data');
  const layer = upload.layers.find((l) => l.name === body.layer);
  if (!layer) apiError(404, 'NotFound', `The upload has no layer "${body.layer.slice(0, 80)}"; it has ${upload.layers.map((l) => l.name).join(', ')}.`);
  // The target first: a wrong id or role is told before the file is read again.
  let def: CollectionDef;
  const isNew = 'newCollection' in body.target;
  if ('collection' in body.target) {
    const found = findIn(db, body.target.collection);
    if (!found) apiError(404, 'NotFound', `No collection "${body.target.collection.slice(0, 80)}" to import into (GET /api/collections lists them); or commit as a newCollection.`);
    if (found.geometry === 'none') refuse(400, `Collection "${found.id}" has no geometry; a spatial layer cannot be imported into it.`, `集合“${found.id}”没有几何，不能导入空间图层。`);
    requireRole(ctx.actor, found.editableBy, `import into ${found.id}`);
    def = found;
  }
  if ('newCollection' in body.target && !COLLECTION_ID_RULE.test(body.target.newCollection.id)) {
    refuse(400, `"${body.target.newCollection.id.slice(0, 60)}" is not a valid collection id: 3–40 characters, lower-case letters, digits and "_", starting with a letter (it names the table).`, '集合标识须为 3–40 个小写字母、数字或下划线，以字母开头。');
  }
  const { summary, features } = await readLayer(db, upload, layer!, { crs: body.crs, encoding: body.encoding }, limits);
  const blocking = summary.problems.find((p) => BLOCKING.includes(p.code));
  if (blocking) refuse(422, `${blocking.en} Nothing was imported.`, `${blocking.zh}未导入任何数据。`);
  if ('newCollection' in body.target) def = newCollectionDef(body.target.newCollection, summary, upload, body.fieldMap);

  const fieldMap = resolveFieldMap(def!, summary, body.fieldMap, isNew);
  const rows = convert(def!, features, fieldMap, upload, body);
  return audited(db, ctx, isNew ? 'planner' : def!.editableBy, `import into ${def!.id}`, async (tx, audit) => {
    if (isNew) {
      const problem = await idProblem(tx, def.id);
      if (problem) refuse(409, problem, `集合标识“${def.id}”不可用：请换一个。`);
      await tx.exec(createCollectionSql(def.id));
      await tx.query('insert into catalogue (id, def, created_by) values ($1, $2::jsonb, $3)', [def.id, JSON.stringify(def), ctx.actor!.username]);
      if (def.control) await tx.exec(controlViewSql(db, [def]));
    } else {
      await tx.exec(`lock table ${def.id} in share row exclusive mode`);
    }
    // Invalid geometries: repaired, or left out with their reason.
    const placed = rows.ok.filter((r) => r.geometry);
    // The preview ran the same ST_IsValid over the same geometries: without an invalid one there, none to look for.
    const checked = placed.length && summary.problems.some((p) => p.code === 'invalid_geometry')
      ? (await run<{ i: number; reason: string; empty_after_repair: boolean }>(tx, sql.commitGeometryCheckQuery(JSON.stringify(placed.map((r) => ({ i: r.i, geometry: r.geometry })))))).rows
      : [];
    const leaveOut = new Map<number, string>();
    for (const c of checked) {
      if (body.invalid === 'reject') leaveOut.set(c.i, `invalid geometry: ${c.reason}`);
      else if (c.empty_after_repair) leaveOut.set(c.i, `invalid geometry with nothing left after repair: ${c.reason}`);
    }
    const keep = rows.ok.filter((r) => !leaveOut.has(r.i));
    const rejections = [...rows.rejected, ...[...leaveOut].map(([feature, reason]) => ({ feature, reason }))].sort((a, b) => a.feature - b.feature);
    const repaired = body.invalid === 'repair' ? checked.length - leaveOut.size : 0;
    if (keep.length === 0) refuse(422, `No feature of layer ${summary.name} can be imported (${rejections[0]?.reason ?? 'none'}); nothing was imported.`, `图层 ${summary.name} 没有可导入的要素（${rejections[0]?.reason ?? '无'}），未导入任何数据。`);
    if (!isNew && 'collection' in body.target && body.target.mode === 'append') {
      const taken = (await run<{ id: string }>(tx, sql.takenIdsQuery(def, JSON.stringify(keep.map((r) => r.id))))).rows;
      if (taken.length) refuse(409, `This file was already appended to ${def.id} (feature ids ${taken.map((t) => t.id).join(', ')} exist); nothing was imported.`, `该文件已追加到 ${def.id}（要素 ${taken.map((t) => t.id).join('、')} 已存在），未导入任何数据。`);
    }
    // The version being replaced is kept as it is now (edits since included).
    let live = (await run<{ version: number | null }>(tx, sql.liveVersionQuery(def.id))).rows[0].version;
    if (!isNew) {
      if (live === null) {
        await run(tx, sql.seedVersionQuery(def));
        live = 1;
      }
      await run(tx, sql.snapshotQuery(def, live));
      if ('collection' in body.target && body.target.mode === 'replace') await tx.query(`delete from ${def.id}`);
    }
    await run(tx, sql.insertCommitQuery(def, JSON.stringify(keep.map((r) => ({ id: r.id, properties: r.properties, geometry: r.geometry })))));
    const featureCount = (await tx.query<{ n: number }>(`select count(*)::int as n from ${def.id}`)).rows[0].n;
    const version = (live ?? 0) + 1;
    const mode = 'collection' in body.target ? body.target.mode : 'new';
    const provenance = {
      dataset: def.id,
      title_zh: def.title.zh,
      title_en: def.title.en,
      sources: [{ name: upload.fileName, url_or_path: `uploaded file ${upload.fileName} (sha256 ${upload.sha256})`, licence: body.licence ?? 'office data (not public)', date: body.date ?? today() }],
      licence: body.licence ?? 'office data (not public)',
      crs: `${summary.crs.detected} (found by ${summary.crs.how}; stored as EPSG:4326)`,
      date: body.date ?? today(),
      method: `Imported by ${ctx.actor!.username} from layer ${summary.name} of ${upload.fileName} (${mode}); encoding ${summary.encoding.detected} (${summary.encoding.how}); ${repaired} geometries repaired with ST_MakeValid, ${rejections.length} features left out.`,
      quality: body.quality,
    };
    const entry = await audit({
      action: 'import-commit',
      collection: def.id,
      versionBefore: live,
      versionAfter: version,
      after: { fileName: upload.fileName, sha256: upload.sha256, bytes: upload.bytes, layer: summary.name, mode, crs: summary.crs, encoding: summary.encoding, features: keep.length, featureCount, repaired, rejected: rejections.length, fieldMap },
      reason: body.reason || `导入 ${upload.fileName}`,
    });
    await run(tx, sql.insertHistoryQuery({ collection: def.id, version, action: 'commit', mode, actor: ctx.actor!.username, fileName: upload.fileName, sha256: upload.sha256, featureCount, restoredFrom: null, auditId: entry.id, provenance }));
    await run(tx, sql.provenanceQuery(def.id, provenance, upload.sha256, featureCount));
    return { collection: def.id, version, featureCount, repaired, rejected: rejections.length, rejections: rejections.slice(0, 50), fieldMap, droppedValues: rows.dropped, auditId: entry.id };
  }).then(async (result) => {
    if (isNew) await loadCatalogue(db);
    forgetUpload(upload.id);
    return result;
  });
}

const today = () => new Date().toISOString().slice(0, 10);

/** The definition of a new collection from the layer: names and quality as every collection has them, the file's other fields kept. */
function newCollectionDef(n: Extract<CommitRequest['target'], { newCollection: unknown }>['newCollection'], summary: LayerSummary, upload: Upload, fieldMap: Record<string, string> | undefined): CollectionDef {
  const types = new Set(summary.geometryTypes.filter((t) => t !== 'null').map((t) => t.replace('Multi', '')));
  const geometry = types.size === 1 && types.has('Polygon') ? 'polygon' : types.size === 1 && types.has('Point') ? 'point' : 'mixed';
  if ((n.role === 'control' || n.role === 'area') && geometry !== 'polygon') {
    refuse(422, `A ${n.role} layer must be polygons; layer ${summary.name} has ${summary.geometryTypes.join(', ')}.`, `${n.role === 'control' ? '管控' : '范围'}图层必须是面；图层 ${summary.name} 含有 ${summary.geometryTypes.join('、')}。`);
  }
  const properties: Record<string, PropertyDef> = {
    name_zh: { type: 'string', title: { zh: '名称', en: 'Name (Chinese)' }, filter: true },
    name_en: { type: 'string', title: { zh: '英文名称', en: 'Name' }, filter: true },
    quality: { type: 'string', title: { zh: '数据质量', en: 'Data quality' }, filter: true, enum: QUALITIES },
    source: { type: 'string', title: { zh: '来源', en: 'Source' } },
  };
  if (n.role === 'facility') properties.type = { type: 'string', title: { zh: '设施类型', en: 'Type' }, filter: true };
  // The file's other fields keep their names and types (a field mapped to a common property is not repeated),
  // and are queryables: the office's own attributes (地类, 权属…) are what a planner or GDAL's -where filters by.
  const mapped = { ...autoFieldMap(summary.fields.map((f) => f.name), properties), ...(fieldMap ?? {}) };
  for (const f of summary.fields) {
    if (mapped[f.name] !== undefined) continue;
    const name = cleanText(f.name).slice(0, 63);
    if (!name || properties[name]) continue;
    const type: PropertyType = f.type === 'integer' || f.type === 'number' || f.type === 'boolean' ? f.type : 'string';
    properties[name] = { type, title: { zh: name, en: name }, filter: true };
  }
  if (geometry !== 'point') properties.area_square_meters = { type: 'number', title: { zh: '面积', en: 'Area' }, derived: true };
  if (n.style?.byField && !properties[n.style.byField]) refuse(400, `style.byField: "${n.style.byField}" is not a field of the new layer; its fields are ${Object.keys(properties).join(', ')}.`, `style.byField：新图层没有字段“${n.style.byField}”。`);
  return {
    id: n.id,
    title: { zh: n.title.zh, en: n.title.en || n.title.zh },
    description: { zh: `导入自 ${upload.fileName}（图层 ${summary.name}）`, en: `Imported from ${upload.fileName} (layer ${summary.name})` },
    geometry,
    audience: n.audience,
    control: n.role === 'control',
    properties,
    editableBy: 'planner',
    nullGeometry: false,
    imported: true,
    role: n.role,
    style: n.style ?? { color: ROLE_COLORS[n.role] },
  };
}

/** The map of source fields to the collection's properties: the user's choices over the automatic ones, checked. */
function resolveFieldMap(def: CollectionDef, summary: LayerSummary, given: Record<string, string> | undefined, isNew: boolean): Record<string, string> {
  const names = summary.fields.map((f) => f.name);
  const out = autoFieldMap(names, def.properties);
  // A new collection keeps every other field under its own name.
  if (isNew) for (const n of names) if (!(n in out) && def.properties[cleanText(n).slice(0, 63)]) out[n] = cleanText(n).slice(0, 63);
  for (const [field, prop] of Object.entries(given ?? {})) {
    if (!names.includes(field)) refuse(400, `fieldMap: layer ${summary.name} has no field "${field.slice(0, 60)}"; its fields are ${names.join(', ')}.`, `fieldMap：图层 ${summary.name} 没有字段“${field.slice(0, 60)}”。`);
    if (prop === '') {
      delete out[field];
      continue;
    }
    const p = def.properties[prop];
    if (!p || p.derived) refuse(400, `fieldMap: "${prop.slice(0, 60)}" is not a property of ${def.id} one can import into; its properties are ${Object.keys(def.properties).filter((k) => !def.properties[k].derived).join(', ')}.`, `fieldMap：“${prop.slice(0, 60)}”不是 ${def.id} 可导入的属性。`);
    for (const [f, q] of Object.entries(out)) if (q === prop && f !== field) delete out[f];
    out[field] = prop;
  }
  return out;
}

interface Row {
  i: number;
  id: string;
  properties: Record<string, unknown>;
  geometry: { type: string; coordinates?: unknown } | null;
}

/** The layer's features as rows of the collection, and those that cannot be (with why). */
function convert(def: CollectionDef, features: Awaited<ReturnType<typeof readLayer>>['features'], fieldMap: Record<string, string>, upload: Upload, body: CommitRequest) {
  const ok: Row[] = [];
  const rejected: { feature: number; reason: string }[] = [];
  const dropped: Record<string, number> = {};
  const allowed = def.geometry === 'polygon' ? ['Polygon', 'MultiPolygon'] : def.geometry === 'point' ? ['Point'] : null;
  const stamp = upload.sha256.slice(0, 8);
  features.forEach((f, k) => {
    const i = k + 1;
    const g = f.geometry as Row['geometry'];
    if (!g) {
      if (!def.nullGeometry) return void rejected.push({ feature: i, reason: 'no geometry' });
    } else if (allowed && !allowed.includes(g.type)) {
      return void rejected.push({ feature: i, reason: `${g.type} in a collection of ${allowed.join('/')} features` });
    } else if (g.type === 'GeometryCollection') {
      return void rejected.push({ feature: i, reason: 'GeometryCollection (split it into single types)' });
    }
    const properties: Record<string, unknown> = {};
    for (const [field, value] of Object.entries(f.properties ?? {})) {
      const prop = fieldMap[field];
      if (!prop) continue;
      const v = coerceValue(value, def.properties[prop]);
      if (v === undefined) dropped[field] = (dropped[field] ?? 0) + 1;
      else if (v !== null) properties[prop] = v;
    }
    if (def.properties.quality && properties.quality === undefined) properties.quality = body.quality;
    if (def.properties.source && properties.source === undefined) properties.source = upload.fileName;
    ok.push({ i, id: `${def.id}-${stamp}-${i}`, properties, geometry: g });
  });
  return { ok, rejected, dropped };
}

