import { Hono } from 'hono';
import { z } from 'zod';
import { SITE_CRS } from '../../core/crs.ts';
import type { CollectionDef } from '../../core/catalog.ts';
import { readSite } from '../../core/geometry/site-input.ts';
import type { Db, QueryOptions, Queryable } from '../db/db.ts';
import { requireFullRead } from '../auth/middleware.ts';
import { apiError } from '../errors.ts';
import { COMPATIBLE_USE_RULE, zoneSummary, type ProjectCompliance, type ZoneOverlapAreas } from '../../core/analysis/compliance-table.ts';
import {
  COMPLIANCE_METHOD,
  COMPLIANCE_METHOD_ZH,
  complianceQuery,
  overlapsQuery,
  LAYER_REVIEW_METHOD,
  LAYER_REVIEW_METHOD_ZH,
  layerReviewCountsQuery,
  layerReviewPageQuery,
  PROJECTS_SUMMARY_METHOD,
  PROJECTS_SUMMARY_METHOD_ZH,
  projectsComplianceQuery,
  projectsZoneAreasQuery,
} from '../sql/compliance.ts';
import { statementLimits } from '../limiter.ts';
import { stream } from 'hono/streaming';
import { csvHeader, csvRows, UTF8_BOM } from '../../core/export/csv.ts';
import { readable } from './collections.ts';
import { readJson } from './read-json.ts';
import { LAYER_REVIEW_CSV, type LayerReviewSite } from '../../core/layer-review.ts';

export const ComplianceRequest = z.object({
  geometry: z.unknown().refine((g) => g !== undefined, 'a GeoJSON geometry is required: send {"geometry": {"type": "Polygon", "coordinates": …}, "crs": …}'),
  crs: z.enum(SITE_CRS, { message: `must be one of ${SITE_CRS.join(', ')}` }).default('EPSG:4326'),
});

interface ComplianceRow {
  invalid_reason: string | null;
  empty: boolean;
  repaired: string;
  result: string | null;
}

/** Compliance review: a site (or every project site) against the control layers. */
export function complianceRoutes(db: Db) {
  const app = new Hono();

  app.post('/analysis/compliance', async (c) => {
    requireFullRead(c, 'run a compliance review');
    const body = await readJson(c, ComplianceRequest);
    return c.json(await checkSite(db, body, statementLimits(c)));
  });

  app.get('/analysis/compliance/projects', async (c) => {
    requireFullRead(c, 'run a compliance review');
    const sectors = [...COMPATIBLE_USE_RULE.sectors];
    const q = projectsComplianceQuery(sectors);
    const row = (await db.query<{ projects: string }>(q.text, q.values, statementLimits(c))).rows[0];
    const aq = projectsZoneAreasQuery(sectors);
    const areas = JSON.parse((await db.query<{ areas: string }>(aq.text, aq.values, statementLimits(c))).rows[0].areas) as ZoneOverlapAreas[];
    // Counts from the per-project results, areas from the per-zone unions (core/analysis/compliance-table.ts).
    const summary = zoneSummary(JSON.parse(row.projects) as ProjectCompliance[], areas);
    const head = {
      method: `${COMPLIANCE_METHOD} ${PROJECTS_SUMMARY_METHOD}`,
      methodZh: `${COMPLIANCE_METHOD_ZH}${PROJECTS_SUMMARY_METHOD_ZH}`,
      compatibleUseRule: COMPATIBLE_USE_RULE,
      zoneSummary: summary,
    };
    const body = `${JSON.stringify(head).slice(0, -1)},"projects":${row.projects}}`;
    return c.body(body, 200, { 'content-type': 'application/json; charset=utf-8' });
  });

  // A whole layer (an office's parcels, say 100 000) against the control layers: counts, one page, or all of it as CSV.
  app.get('/analysis/compliance/collections/:id', async (c) => {
    requireFullRead(c, 'run a compliance review');
    const { def } = readable(db, c);
    const parsed = LayerReviewQuery.safeParse(c.req.query());
    if (!parsed.success) apiError(400, 'InvalidParameterValue', parsed.error.issues.map((i) => `${i.path.join('.') || 'query'}: ${i.message}`).join('; '));
    const { limit, offset, only, f } = parsed.data!;
    reviewableLayer(def);
    if (f === 'csv') {
      c.header('content-type', 'text/csv; charset=utf-8');
      c.header('content-disposition', `attachment; filename="${def.id}-compliance.csv"`);
      // Streamed a page at a time (keyset paging on id), so 100 000 sites never sit in memory at once.
      return stream(c, async (out) => {
        await out.write(UTF8_BOM + csvHeader(LAYER_REVIEW_CSV));
        let after = '';
        for (;;) {
          const q = layerReviewPageQuery(def.id, { limit: 2000, offset: 0, after, onlyConflicts: only === 'conflicts' });
          const sites = JSON.parse((await db.query<{ sites: string }>(q.text, q.values, statementLimits(c))).rows[0].sites) as LayerReviewSite[];
          if (sites.length === 0) break;
          await out.write(csvRows(sites, LAYER_REVIEW_CSV));
          after = sites[sites.length - 1].id;
        }
      });
    }
    const cq = layerReviewCountsQuery(def.id);
    const counts = (await db.query<{ sites: number; with_conflicts: number; not_reviewed: number }>(cq.text, cq.values, statementLimits(c))).rows[0];
    const q = layerReviewPageQuery(def.id, { limit, offset, after: '', onlyConflicts: only === 'conflicts' });
    const page = (await db.query<{ sites: string }>(q.text, q.values, statementLimits(c))).rows[0].sites;
    const head = {
      collection: def.id,
      method: `${COMPLIANCE_METHOD} ${LAYER_REVIEW_METHOD}`,
      methodZh: `${COMPLIANCE_METHOD_ZH}${LAYER_REVIEW_METHOD_ZH}`,
      numberOfSites: counts.sites,
      numberWithConflicts: counts.with_conflicts,
      numberNotReviewed: counts.not_reviewed,
      numberMatched: only === 'conflicts' ? counts.with_conflicts : counts.sites,
      offset,
      limit,
    };
    return c.body(`${JSON.stringify(head).slice(0, -1)},"sites":${page}}`, 200, { 'content-type': 'application/json; charset=utf-8' });
  });

  return app;
}

/** A layer the review can take: one that may hold polygons (400 otherwise). */
export function reviewableLayer(def: CollectionDef): void {
  if (def.geometry === 'none' || def.geometry === 'point') apiError(400, 'InvalidParameterValue', `Collection "${def.id}" has no polygons to review.`);
}

/** The query of a layer review: a page of sites, only those with a conflict, or every one as CSV. */
export const LayerReviewQuery = z
  .object({
    limit: z.coerce.number().int().min(1).max(1000).default(100),
    offset: z.coerce.number().int().min(0).max(10_000_000).default(0),
    only: z.enum(['conflicts']).optional(),
    f: z.enum(['json', 'csv']).default('json'),
  })
  .strict();

/** The compliance review of one site (POST /analysis/compliance; a saved review keeps this answer). */
export async function checkSite(db: Queryable, body: z.infer<typeof ComplianceRequest>, limits?: QueryOptions) {
    const site = readSite(body.geometry, body.crs);
    if (!site.valid) apiError(site.status, site.status === 413 ? 'PayloadTooLarge' : 'InvalidRequestBody', site.reason);
    const geojson = JSON.stringify(site.geometry);
    const q = complianceQuery(geojson);
    const row = (await db.query<ComplianceRow>(q.text, q.values, limits)).rows[0];
    if (row.empty || !row.result) {
      apiError(400, 'InvalidRequestBody', `The polygon has no area left after repair (${row.invalid_reason ?? 'degenerate'}): check the ring order of its points.`);
    }
    const result = JSON.parse(row.result);
    // Each warning in both languages: `warnings` (English) is the contract, `warningDetails` serves the UI.
    const details: { code: string; en: string; zh: string }[] = [];
    if (row.invalid_reason) {
      details.push({
        code: 'repaired',
        en: `The polygon was invalid (${row.invalid_reason}) and was repaired with ST_MakeValid; the figures are for the repaired shape.`,
        zh: `地块多边形无效（${invalidReasonZh(row.invalid_reason)}），已自动修复；结果按修复后的图形计算。`,
      });
    }
    if (!result.insideDistrict) {
      details.push({ code: 'outside_district', en: 'The site lies outside Xincheng District; the control layers cover Xincheng only.', zh: '地块位于新城区以外；管控图层只覆盖新城区。' });
    }
    // Named, not by id (issue 13 #9): the Chinese text never shows an id where a name exists.
    for (const { id, zh, en } of result.touchingNames as { id: string; zh: string | null; en: string | null }[]) {
      details.push({ code: 'touching', en: `The site touches control feature ${en || zh || id} along its edge without overlapping it.`, zh: `地块与管控要素“${zh || en || id}”边界相接，但无重叠。` });
    }
    const indicative = result.conflicts.some((x: { quality: string }) => x.quality === 'indicative');
    if (indicative) {
      details.push({
        code: 'indicative',
        en: 'Some control layers are indicative (reconstructed, not official boundaries): confirm any conflict with the authoritative 三区三线 data.',
        zh: '部分管控图层为示意数据（据规划文字重建，非官方边界）：任何冲突须以官方“三区三线”数据核实。',
      });
    }
    const oq = overlapsQuery(row.repaired);
    const overlaps = JSON.parse((await db.query<{ overlaps: string }>(oq.text, oq.values, limits)).rows[0].overlaps);
    return {
      site: { ...result.site, crs: body.crs, geometry: JSON.parse(row.repaired) },
      zones: result.zones,
      conflicts: result.conflicts,
      nearest: result.nearest,
      overlaps,
      warnings: details.map((d) => d.en),
      warningDetails: details,
      method: COMPLIANCE_METHOD,
      methodZh: COMPLIANCE_METHOD_ZH,
    };
}

/** PostGIS's reason for an invalid polygon, in Chinese for the usual ones (the location stays as given). */
function invalidReasonZh(reason: string): string {
  const zh: [RegExp, string][] = [
    [/^Self-intersection/i, '自相交'],
    [/^Ring Self-intersection/i, '环自相交'],
    [/^Too few points/i, '点数过少'],
    [/^Hole lies outside shell/i, '内环位于外环之外'],
    [/^Interior is disconnected/i, '内部不连通'],
    [/^Nested holes/i, '内环嵌套'],
    [/^Nested shells/i, '外环嵌套'],
    [/^Duplicate Rings/i, '环重复'],
  ];
  const at = /\[([-\d.eE]+) ([-\d.eE]+)\]/.exec(reason);
  for (const [re, text] of zh) if (re.test(reason)) return at ? `${text}，位于 ${at[1]}, ${at[2]}` : text;
  return '几何无效';
}
