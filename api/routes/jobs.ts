import { Hono, type Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { stream } from 'hono/streaming';
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { csvHeader, csvRows, UTF8_BOM } from '../../core/export/csv.ts';
import { requireFullRead } from '../auth/middleware.ts';
import { collectionOr404 } from '../catalogue.ts';
import type { Actor } from '../audit/audited.ts';
import type { Db } from '../db/db.ts';
import { apiError, rejectRepeatedParameters } from '../errors.ts';
import { isJobId, preferences, type Job, type JobContext, type JobRunner } from '../jobs.ts';
import { JOB_KINDS, JOB_STATES, LAYER_REVIEW_CSV } from '../../core/layer-review.ts';
import { layerReviewCounts, layerReviewPage, runLayerReview, type LayerReviewJobOptions, type LayerReviewResult } from '../layer-review.ts';
import { inJobSlot, type AnalysisQueue } from '../limiter.ts';
import { COMPLIANCE_METHOD, COMPLIANCE_METHOD_ZH, LAYER_REVIEW_METHOD, LAYER_REVIEW_METHOD_ZH } from '../sql/compliance.ts';
import { LayerReviewQuery, reviewableLayer } from './compliance.ts';
import { coverageAnalysis, CoverageRequest, resolve, type CoverageJobs } from './coverage.ts';
import { coverageStages, type ResolvedCoverage } from '../../core/analysis/coverage-rules.ts';
import { readJson } from './read-json.ts';

/** The body of POST /api/jobs is read for its kind first, then checked as that kind's request. */
const JobKind = z.looseObject({ kind: z.enum(JOB_KINDS, { message: `must be ${JOB_KINDS.map((k) => `"${k}"`).join(' or ')}` }) });
/** A layer review: the layer. */
const LayerReviewJobRequest = z
  .object({
    kind: z.literal('layer-review'),
    collection: z.string({ message: 'collection must be the id of the layer to review, e.g. "projects"' }).min(1, 'collection must be the id of the layer to review, e.g. "projects"').max(200),
  })
  .strict();
/** A coverage job: what POST /api/analysis/coverage takes, checked by the same schema (the same messages). */
const CoverageJobRequest = CoverageRequest.extend({ kind: z.literal('coverage') });
/** The coverage results: the answer as it is; no parameters. */
const CoverageResultsQuery = z.strictObject({});

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
 * GET /jobs/{id}/results its results once done (a layer review: paged JSON or streamed CSV; coverage:
 * the body of POST /analysis/coverage), DELETE /jobs/{id} cancels a queued or running job (200) or
 * discards a finished one (204). Two kinds: `layer-review` (a whole layer against the control lines,
 * in chunks) and `coverage` (POST /analysis/coverage's request and analysis, in stages).
 *
 * Who: starting and reading need what any analysis needs (requireFullRead). A layer review only
 * reads what its reader may read anyway, so anyone who may run analyses and has the id (a random
 * UUID) may read a job and its results — a link can be passed to a colleague. A coverage job carries
 * its starter's what-if facilities (drafts), so only they and admins read it. Cancelling or
 * discarding is for the user who started it and for admins (403 otherwise); a job started without
 * signing in (only where anonymous users may run analyses, e.g. on loopback) belongs to no one, and
 * any such caller may cancel it.
 */
export function jobRoutes(db: Db, runner: JobRunner, queue: AnalysisQueue, opts: LayerReviewJobOptions) {
  const app = new Hono();
  const coverage = coverageJobs(db, runner, queue, opts);
  /** The partial results of running layer reviews, for their counts so far. */
  const partials = new WeakMap<Job, LayerReviewResult>();

  app.post('/jobs', async (c) => {
    requireFullRead(c, 'run an analysis (a compliance review, service coverage)');
    const { kind } = await readJson(c, JobKind);
    if (kind === 'coverage') {
      const { kind: _, ...request } = await readJson(c, CoverageJobRequest);
      // The request's layers, radius and area resolved now, so a bad one is a 400/404 as on the route.
      const job = coverage.start(resolve(db, request), c.get('actor')?.username ?? null);
      c.header('Location', `/api/jobs/${job.id}`);
      return c.json(describe(job, undefined), 202);
    }
    const body = await readJson(c, LayerReviewJobRequest);
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

  // With `Prefer: wait=N` (RFC 7240; N ≤ 30 s) the answer waits for the job's next change (progress,
  // state) or N seconds: a client follows a job without polling and hears it is done at once.
  app.get('/jobs/:jobId', async (c) => {
    const job = findJob(c, runner);
    const { wait } = preferences(c.req.header('prefer'));
    if (wait !== null) {
      await runner.changed(job, wait * 1000);
      c.header('Preference-Applied', `wait=${wait}`);
    }
    return c.json(describe(job, partials.get(job)));
  });

  app.get('/jobs/:jobId/results', async (c) => {
    const job = findJob(c, runner);
    const parsed = (job.kind === 'coverage' ? CoverageResultsQuery : LayerReviewQuery).safeParse(c.req.query());
    if (!parsed.success) apiError(400, 'InvalidParameterValue', parsed.error.issues.map((i) => `${i.path.join('.') || 'query'}: ${i.message}`).join('; '));
    // A job that ended without a result says how it ended (a failure with its reason).
    if (job.state === 'failed') apiError(409, 'Conflict', `The job failed: ${(job.error ?? 'no reason was given').replace(/\.?$/, '.')} It has no results.`, {}, { state: job.state });
    if (job.state === 'cancelled') apiError(409, 'Conflict', 'The job was cancelled before it finished; it has no results.', {}, { state: job.state });
    if (job.state !== 'done') {
      const { done, total, stage } = job.progress;
      const where = job.kind === 'coverage' ? `stage ${done + 1} of ${total ?? '?'}${stage ? `: ${stage}` : ', waiting for an analysis slot'}` : `${done} of ${total ?? '?'} sites`;
      apiError(409, 'Conflict', `The job is ${job.state}${job.state === 'running' ? ` (${where})` : ''}; results are read once its state is done.`, {}, { state: job.state });
    }
    // A coverage job's result: the body POST /api/analysis/coverage answers, as it was made.
    if (job.kind === 'coverage') return c.body(job.result as string, 200, { 'content-type': 'application/json; charset=utf-8' });
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
    if (!mayControl(c.get('actor'), job)) {
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

/** Whether `actor` may cancel or discard `job` (and read it, for a coverage job): its starter or an admin; anyone for a job started without signing in. */
function mayControl(actor: Actor | null | undefined, job: Job): boolean {
  return job.owner === null || actor?.username === job.owner || actor?.role === 'admin';
}

/**
 * The job named in the path: 400 for a malformed id, 404 for an unknown one; 403 for a coverage job of
 * another user (its what-if facilities are that user's drafts; a layer review reads only stored layers).
 */
function findJob(c: Context, runner: JobRunner): Job {
  requireFullRead(c, 'read analysis jobs');
  const id = c.req.param('jobId') ?? '';
  if (!isJobId(id)) apiError(400, 'InvalidParameterValue', `"${id.slice(0, 80)}" is not a job id (a UUID, as in the Location of POST /api/jobs).`);
  const job = runner.get(id);
  if (!job) apiError(404, 'NotFound', `No job ${id}: it never existed, was discarded, or the server restarted (jobs are kept in memory).`);
  if (job.kind === 'coverage' && !mayControl(c.get('actor'), job)) {
    apiError(403, 'Forbidden', 'A coverage job is read only by the user who started it, or an admin: its what-if facilities are their drafts.');
  }
  return job;
}

/** Coverage jobs, started by POST /jobs or by POST /analysis/coverage with `Prefer: respond-async`, and described as GET /jobs/{id} answers. */
export function coverageJobs(db: Db, runner: JobRunner, queue: AnalysisQueue, opts: LayerReviewJobOptions): CoverageJobs {
  return {
    runner,
    start: (r, owner) => runner.start('coverage', r.facilities.id, owner, (ctx) => runCoverageJob(db, queue, r, ctx, opts)),
    describe: (job) => describe(job, undefined),
  };
}

/**
 * Runs a coverage job: the analysis of POST /api/analysis/coverage (coverageAnalysis, the same
 * statements) holding one slot of the analysis queue, as that route does; progress is the stage
 * running (none while it waits for the slot). A cancel stops the running statement: on a server at
 * once (pg_cancel_backend); on the embedded database as a closed request's, only if it still runs
 * ABORT_GRACE_MS later (stopping it restarts the database thread, which every request waits for).
 * An API error (the area matched nothing, say) fails the job with its description.
 */
async function runCoverageJob(db: Db, queue: AnalysisQueue, r: ResolvedCoverage, ctx: JobContext, opts: LayerReviewJobOptions): Promise<string> {
  const { signal } = ctx;
  const stages = coverageStages(r.method).length;
  ctx.progress(0, stages);
  try {
    const body = await inJobSlot(queue, signal, () =>
      coverageAnalysis(db, r, { timeoutMs: opts.statementTimeoutMs, signal }, async (index, total, stage) => {
        ctx.progress(index, total, stage);
        // Cut short by a cancel (the analysis then stops before the stage).
        if (opts.pauseMs) await sleep(opts.pauseMs, undefined, { signal }).catch(() => {});
      }),
    );
    ctx.progress(stages, stages);
    return body;
  } catch (err) {
    if (err instanceof HTTPException) {
      // Read from a copy: the error is answered as it is where a caller rethrows it (respond-async).
      const body = (await err.res?.clone().json().catch(() => null)) as { description?: string } | null;
      throw new Error(body?.description ?? err.message, { cause: err });
    }
    throw err;
  }
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
      ...(done && job.kind === 'coverage' ? [{ rel: 'results', type: 'application/json', title: 'The coverage result, as POST /api/analysis/coverage answers it', href: `${self}/results` }] : []),
      ...(done && job.kind !== 'coverage'
        ? [
            { rel: 'results', type: 'application/json', title: 'Sites, conflicts first (limit, offset, only=conflicts)', href: `${self}/results` },
            { rel: 'alternate', type: 'text/csv', title: 'Every site as CSV (streamed)', href: `${self}/results?f=csv` },
          ]
        : []),
    ],
  };
}
