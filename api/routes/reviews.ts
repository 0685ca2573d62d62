import { Hono } from 'hono';
import { z } from 'zod';
import type { Db } from '../db/db.ts';
import { apiError } from '../errors.ts';
import { audited } from '../audit/audited.ts';
import { requireFullRead, writeContext } from '../auth/middleware.ts';
import * as sql from '../sql/reviews.ts';
import { checkSite, ComplianceRequest } from './compliance.ts';
import { readJson } from './read-json.ts';

const text = (max: number) => z.string().trim().max(max);

const NewReview = ComplianceRequest.extend({
  projectName: text(200).min(1, 'projectName (项目名称) is required'),
  applicant: text(200).optional(),
  reviewer: text(100).optional(),
  note: text(2000).optional(),
}).strict();

const ListParams = z
  .object({ q: z.string().max(200).optional(), limit: z.coerce.number().int().min(1).max(500).default(50), offset: z.coerce.number().int().min(0).default(0) })
  .strict();

/** The office's review number prefix: XC-<year>-<4 digits>. */
export const REVIEW_PREFIX = 'XC';

/** Saved compliance reviews (审查记录): the site, the result and the layer versions as they were. */
export function reviewRoutes(db: Db) {
  const app = new Hono();

  app.post('/reviews', async (c) => {
    const body = await readJson(c, NewReview);
    const ctx = writeContext(c, 'compliance review saved');
    const review = await audited(db, ctx, 'planner', 'save compliance reviews', async (tx, audit) => {
      // The result is computed here, in the same transaction, from the layers as they are now.
      const result = await checkSite(tx, body);
      const versions = (await tx.query<{ versions: string }>(sql.layerVersionsQuery().text)).rows[0].versions ?? '{}';
      await tx.query(sql.lockReviewNumbersQuery().text, sql.lockReviewNumbersQuery().values);
      const year = new Date().getFullYear();
      const seq = (await tx.query<{ seq: number }>(sql.nextReviewSeqQuery(year).text, [year])).rows[0].seq;
      const number = `${REVIEW_PREFIX}-${year}-${String(seq).padStart(4, '0')}`;
      const row = {
        number,
        year,
        seq,
        projectName: body.projectName,
        applicant: body.applicant || null,
        reviewer: body.reviewer || ctx.actor!.username,
        note: body.note || null,
        createdBy: ctx.actor!.username,
        site: { geometry: body.geometry, crs: body.crs },
        result,
        layerVersions: versions,
      };
      const q = sql.insertReviewQuery(row);
      const { createdAt } = (await tx.query<{ createdAt: string }>(q.text, q.values)).rows[0];
      await audit({ action: 'review_create', collection: 'reviews', featureId: number, after: { number, projectName: row.projectName, conflicts: result.conflicts.length } });
      return { ...row, layerVersions: JSON.parse(versions), createdAt, year: undefined, seq: undefined };
    });
    c.header('Location', `/api/reviews/${review.number}`);
    return c.json(review, 201);
  });

  app.get('/reviews', async (c) => {
    requireFullRead(c, 'read saved reviews');
    const r = ListParams.safeParse(c.req.query());
    if (!r.success) apiError(400, 'InvalidParameterValue', `${r.error.issues[0].path.join('.')}: ${r.error.issues[0].message}`);
    const q = sql.listReviewsQuery(r.data.q?.trim() || undefined, r.data.limit, r.data.offset);
    const row = (await db.query<{ reviews: string; number_matched: number }>(q.text, q.values)).rows[0];
    const body = `{"numberMatched":${row.number_matched},"reviews":${row.reviews}}`;
    return c.body(body, 200, { 'content-type': 'application/json; charset=utf-8' });
  });

  app.get('/reviews/:number', async (c) => {
    requireFullRead(c, 'read saved reviews');
    const number = c.req.param('number');
    const row = (await db.query<{ review: string }>(sql.reviewQuery(number).text, [number])).rows[0];
    if (!row) apiError(404, 'NotFound', `No saved review "${number.slice(0, 40)}"; numbers look like ${REVIEW_PREFIX}-2026-0001.`);
    return c.body(row.review, 200, { 'content-type': 'application/json; charset=utf-8' });
  });

  return app;
}
