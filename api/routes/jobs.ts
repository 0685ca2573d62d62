import { Hono, type Context } from 'hono';
import { stream } from 'hono/streaming';
import { z } from 'zod';
import { csvHeader, csvRows, UTF8_BOM } from '../../core/export/csv.ts';
import { requireFullRead } from '../auth/middleware.ts';
import { collectionOr404 } from '../catalogue.ts';
import type { Db } from '../db/db.ts';
import { apiError, rejectRepeatedParameters } from '../errors.ts';
import { isJobId, type Job, type JobRunner } from '../jobs.ts';
import { JOB_STATES, LAYER_REVIEW_CSV } from '../../core/layer-review.ts';
import { layerReviewCounts, layerReviewPage, runLayerReview, type LayerReviewJobOptions, type LayerReviewResult } from '../layer-review.ts';
import type { AnalysisQueue } from '../limiter.ts';
import { COMPLIANCE_METHOD, COMPLIANCE_METHOD_ZH, LAYER_REVIEW_METHOD, LAYER_REVIEW_METHOD_ZH } from '../sql/compliance.ts';
import { LayerReviewQuery, reviewableLayer } from './compliance.ts';
import { readJson } from './read-json.ts';

/** The body of POST /api/jobs: what to run (a layer review for now). */
const JobRequest = z
  .object({
    kind: z.enum(['layer-review'], { message: 'must be "layer-review"' }),
    collection: z.string().min(1).max(200),
  })
  .strict();

/** The query of GET /api/jobs: `state`, one state or a comma list. */
const JobListQuery = z
  .object({
    state: z
      .string()
      .max(200)
      .transform((v) => v.split(',').map((s) => s.trim()))
      .refine((v) => v.every((s) => (JOB_STATES as readonly string[]).includes(s)), { message: `one or more of ${JOB_STATES.join(', ')}, separated by commas` })
      .optional(),
  })
  .strict();

/**
 * Jobs (api/jobs.ts): GET /jobs lists the caller's jobs (an admin's: everyone's), POST /jobs starts one (202 + Location), GET /jobs/{id} its state and progress,
 * GET /jobs/{id}/results its results (paged JSON or streamed CSV) once done, DELETE /jobs/{id}
 * cancels a queued or running job (200) or discards a finished one (204).
 *
 * Who: starting and reading need what any analysis needs (requireFullRead). A layer review only
 * reads what its reader may read anyway, so anyone who may run analyses and has the id (a random
 * UUID) may read a job and its results — a link can be passed to a colleague. Cancelling or
 * discarding is for the user who started it and for admins (403 otherwise); a job started without
 * signing in (only where anonymous users may run analyses, e.g. on loopback) belongs to no one, and
 * any such caller may cancel it.
 */
export function jobRoutes(db: Db, runner: JobRunner, queue: AnalysisQueue, opts: LayerReviewJobOptions) {
  const app = new Hono();
  /** The partial results of running layer reviews, for their counts so far. */
  const partials = new WeakMap<Job, LayerReviewResult>();

  app.post('/jobs', async (c) => {
    requireFullRead(c, 'run a compliance review');
    const body = await readJson(c, JobRequest);
    const def = collectionOr404(db, body.collection);
    reviewableLayer(def);
    const partial: LayerReviewResult = { collection: def.id, conflicting: [], clear: [], notReviewed: 0 };
    const job = runner.start('layer-review', def.id, c.get('actor')?.username ?? null, (ctx) => runLayerReview(db, queue, def.id, ctx, opts, partial));
    partials.set(job, partial);
    c.header('Location', `/api/jobs/${job.id}`);
    return c.json(describe(job, partials.get(job)), 202);
  });

  // The caller's jobs, newest first: a reloaded page or a second tab finds its running review again.
  app.get('/jobs', (c) => {
    requireFullRead(c, 'read analysis jobs');
    rejectRepeatedParameters(c);
    const parsed = JobListQuery.safeParse(c.req.query());
    if (!parsed.success) apiError(400, 'InvalidParameterValue', parsed.error.issues.map((i) => `${i.path.join('.') || 'query'}: ${i.message}`).join('; '));
    const states = parsed.data!.state;
    const actor = c.get('actor');
    const mine = (job: Job) => actor?.role === 'admin' || job.owner === (actor?.username ?? null);
    const jobs = runner.list((job) => mine(job) && (!states || states.includes(job.state))).map((job) => describe(job, partials.get(job)));
    return c.json({
      jobs,
      numberReturned: jobs.length,
      links: [{ rel: 'self', type: 'application/json', href: `/api/jobs${states ? `?state=${states.join(',')}` : ''}` }],
    });
  });

  app.get('/jobs/:jobId', (c) => {
    const job = findJob(c, runner);
    return c.json(describe(job, partials.get(job)));
  });

  app.get('/jobs/:jobId/results', async (c) => {
    const job = findJob(c, runner);
    const parsed = LayerReviewQuery.safeParse(c.req.query());
    if (!parsed.success) apiError(400, 'InvalidParameterValue', parsed.error.issues.map((i) => `${i.path.join('.') || 'query'}: ${i.message}`).join('; '));
    if (job.state !== 'done') {
      apiError(409, 'Conflict', `The job is ${job.state}${job.state === 'running' ? ` (${job.progress.done} of ${job.progress.total ?? '?'} sites)` : ''}; results are read once its state is done.`, {}, { state: job.state });
    }
    const result = job.result as LayerReviewResult;
    const { limit, offset, only, f } = parsed.data!;
    const onlyConflicts = only === 'conflicts';
    if (f === 'csv') {
      c.header('content-type', 'text/csv; charset=utf-8');
      c.header('content-disposition', `attachment; filename="${result.collection}-compliance.csv"`);
      // From memory, a few thousand rows a write, in the table's order.
      return stream(c, async (out) => {
        await out.write(UTF8_BOM + csvHeader(LAYER_REVIEW_CSV));
        for (let at = 0; ; at += 2000) {
          const sites = layerReviewPage(result, { limit: 2000, offset: at, onlyConflicts });
          if (sites.length === 0) break;
          await out.write(csvRows(sites, LAYER_REVIEW_CSV));
        }
      });
    }
    const counts = layerReviewCounts(result);
    return c.json({
      job: job.id,
      collection: result.collection,
      method: `${COMPLIANCE_METHOD} ${LAYER_REVIEW_METHOD}`,
      methodZh: `${COMPLIANCE_METHOD_ZH}${LAYER_REVIEW_METHOD_ZH}`,
      order: 'conflicts first (largest conflict area first), then the other sites by id',
      ...counts,
      numberMatched: onlyConflicts ? counts.numberWithConflicts : counts.numberOfSites,
      offset,
      limit,
      sites: layerReviewPage(result, { limit, offset, onlyConflicts }),
    });
  });

  app.delete('/jobs/:jobId', async (c) => {
    const job = findJob(c, runner);
    const actor = c.get('actor');
    if (job.owner !== null && actor?.username !== job.owner && actor?.role !== 'admin') {
      apiError(403, 'Forbidden', `Only ${job.owner}, who started this job, or an admin may cancel or discard it.`);
    }
    if (job.finishedAt) {
      runner.discard(job.id);
      partials.delete(job);
      return c.body(null, 204);
    }
    await runner.cancel(job.id);
    return c.json(describe(job, partials.get(job)));
  });

  return app;
}

/** The job named in the path: 400 for a malformed id, 404 for an unknown one. */
function findJob(c: Context, runner: JobRunner): Job {
  requireFullRead(c, 'read analysis jobs');
  const id = c.req.param('jobId') ?? '';
  if (!isJobId(id)) apiError(400, 'InvalidParameterValue', `"${id.slice(0, 80)}" is not a job id (a UUID, as in the Location of POST /api/jobs).`);
  const job = runner.get(id);
  if (!job) apiError(404, 'NotFound', `No job ${id}: it never existed, was discarded, or the server restarted (jobs are kept in memory).`);
  return job;
}

/** A job as GET /api/jobs/{id} answers it. */
function describe(job: Job, partial: LayerReviewResult | undefined) {
  const self = `/api/jobs/${job.id}`;
  const done = job.state === 'done';
  return {
    id: job.id,
    kind: job.kind,
    collection: job.subject,
    state: job.state,
    progress: job.progress,
    // Counted so far while running; final when done.
    ...(partial ? layerReviewCounts(partial) : {}),
    startedBy: job.owner,
    createdAt: job.createdAt.toISOString(),
    startedAt: job.startedAt?.toISOString() ?? null,
    finishedAt: job.finishedAt?.toISOString() ?? null,
    ...(job.error ? { error: job.error } : {}),
    links: [
      { rel: 'self', type: 'application/json', href: self },
      ...(done
        ? [
            { rel: 'results', type: 'application/json', title: 'Sites, conflicts first (limit, offset, only=conflicts)', href: `${self}/results` },
            { rel: 'alternate', type: 'text/csv', title: 'Every site as CSV (streamed)', href: `${self}/results?f=csv` },
          ]
        : []),
    ],
  };
}
