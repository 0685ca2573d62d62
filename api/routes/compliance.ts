import { Hono } from 'hono';
import { z } from 'zod';
import { SITE_CRS } from '../../core/crs.ts';
import { readSite } from '../../core/geometry/site-input.ts';
import type { Db } from '../db/db.ts';
import { apiError } from '../errors.ts';
import { COMPLIANCE_METHOD, complianceQuery, overlapsQuery, projectsComplianceQuery } from '../sql/compliance.ts';
import { readJson } from './read-json.ts';

const ComplianceRequest = z.object({
  geometry: z.unknown().refine((g) => g !== undefined, 'a GeoJSON geometry is required'),
  crs: z.enum(SITE_CRS, { message: `crs must be one of ${SITE_CRS.join(', ')}` }).default('EPSG:4326'),
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
    const body = await readJson(c, ComplianceRequest);
    const site = readSite(body.geometry, body.crs);
    if (!site.valid) apiError(site.status, site.status === 413 ? 'PayloadTooLarge' : 'InvalidRequestBody', site.reason);
    const geojson = JSON.stringify(site.geometry);
    const q = complianceQuery(geojson);
    const row = (await db.query<ComplianceRow>(q.text, q.values)).rows[0];
    if (row.empty || !row.result) {
      apiError(400, 'InvalidRequestBody', `The polygon has no area left after repair (${row.invalid_reason ?? 'degenerate'}): check the ring order of its points.`);
    }
    const result = JSON.parse(row.result);
    const warnings: string[] = [...site.warnings];
    if (row.invalid_reason) {
      warnings.push(`The polygon was invalid (${row.invalid_reason}) and was repaired with ST_MakeValid; the figures are for the repaired shape.`);
    }
    if (!result.insideDistrict) warnings.push('The site lies outside Xincheng District; the control layers cover Xincheng only.');
    for (const id of result.touching) warnings.push(`The site touches control feature ${id} along its edge without overlapping it.`);
    const indicative = result.conflicts.some((x: { quality: string }) => x.quality === 'indicative');
    if (indicative) warnings.push('Some control layers are indicative (reconstructed, not official boundaries): confirm any conflict with the authoritative 三区三线 data.');
    const oq = overlapsQuery(row.repaired);
    const overlaps = JSON.parse((await db.query<{ overlaps: string }>(oq.text, oq.values)).rows[0].overlaps);
    return c.json({
      site: { ...result.site, crs: body.crs, geometry: JSON.parse(row.repaired) },
      zones: result.zones,
      conflicts: result.conflicts,
      nearest: result.nearest,
      overlaps,
      warnings,
      method: COMPLIANCE_METHOD,
    });
  });

  app.get('/analysis/compliance/projects', async (c) => {
    const q = projectsComplianceQuery();
    const row = (await db.query<{ projects: string }>(q.text, q.values)).rows[0];
    const body = `{"method":${JSON.stringify(COMPLIANCE_METHOD)},"projects":${row.projects}}`;
    return c.body(body, 200, { 'content-type': 'application/json; charset=utf-8' });
  });

  return app;
}
