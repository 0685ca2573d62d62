/**
 * The compliance review of a whole layer as a job (issue 12): the layer's polygons in keyset chunks by
 * id, each chunk one statement run holding a slot of the analysis queue, the cancel signal checked
 * between chunks. The same statement as the synchronous review (api/sql/compliance.ts), so the
 * answers are the same; the results are kept in memory, conflicts first.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { LayerReviewSite } from '../core/layer-review.ts';
import type { Db } from './db/db.ts';
import type { JobContext } from './jobs.ts';
import { inJobSlot, type AnalysisQueue } from './limiter.ts';
import { layerReviewPageQuery, layerReviewSizeQuery } from './sql/compliance.ts';

/** A finished layer review: the sites with a conflict (largest conflict area first), then the others by id. */
export interface LayerReviewResult {
  collection: string;
  conflicting: LayerReviewSite[];
  clear: LayerReviewSite[];
  notReviewed: number;
}

/** What the job reports while it runs and keeps when it is done, besides the sites. */
export function layerReviewCounts(r: Pick<LayerReviewResult, 'conflicting' | 'clear' | 'notReviewed'>) {
  return { numberOfSites: r.conflicting.length + r.clear.length, numberWithConflicts: r.conflicting.length, numberNotReviewed: r.notReviewed };
}

/** `limit` sites from `offset` in the result's order (conflicts first), or of the conflicting ones only. */
export function layerReviewPage(r: LayerReviewResult, page: { limit: number; offset: number; onlyConflicts: boolean }): LayerReviewSite[] {
  const { limit, offset } = page;
  if (page.onlyConflicts) return r.conflicting.slice(offset, offset + limit);
  const n = r.conflicting.length;
  return [...r.conflicting.slice(offset, offset + limit), ...r.clear.slice(Math.max(0, offset - n), Math.max(0, offset + limit - n))];
}

export interface LayerReviewJobOptions {
  /** Sites per chunk (one statement each). */
  chunkSites: number;
  /** Time limit of each chunk's statement (ms); also of each statement of a coverage job. */
  statementTimeoutMs: number;
  /**
   * A pause between chunks (ms, default none): a review that should leave the database to
   * interactive work for longer can be slowed. A coverage job pauses before each stage, holding its
   * analysis slot (for tests: its stages seen one by one).
   */
  pauseMs?: number;
  /**
   * A review waits between chunks while this says so for the sites done (checked every 50 ms; a
   * cancel ends the wait): the browser test holds a review running until it has seen what it needs,
   * then lets it run on at full speed.
   */
  holdWhile?: (done: number) => boolean;
}

/**
 * Runs the review of `layer` (a catalogue table with polygons) for a job; `partial` is filled as the
 * chunks arrive, so the job can report counts while it runs.
 */
export async function runLayerReview(
  db: Db,
  queue: AnalysisQueue,
  layer: string,
  ctx: JobContext,
  opts: LayerReviewJobOptions,
  partial: LayerReviewResult = { collection: layer, conflicting: [], clear: [], notReviewed: 0 },
): Promise<LayerReviewResult> {
  const { signal } = ctx;
  // On a server a cancel also stops the running statement (pg_cancel_backend); the embedded database
  // could only stop it by restarting its thread, which costs more than letting one chunk finish.
  const statementSignal = db.kind === 'postgresql' ? signal : undefined;
  const size = await inJobSlot(queue, signal, () => db.query<{ sites: number; not_reviewed: number }>(layerReviewSizeQuery(layer).text, [], { timeoutMs: opts.statementTimeoutMs, signal: statementSignal }));
  const total = size.rows[0].sites;
  partial.notReviewed = size.rows[0].not_reviewed;
  ctx.progress(0, total);
  let after = '';
  let done = 0;
  for (;;) {
    const q = layerReviewPageQuery(layer, { limit: opts.chunkSites, offset: 0, after, onlyConflicts: false });
    const rows = await inJobSlot(queue, signal, () => db.query<{ sites: string }>(q.text, q.values, { timeoutMs: opts.statementTimeoutMs, signal: statementSignal }));
    const sites = JSON.parse(rows.rows[0].sites) as LayerReviewSite[];
    for (const s of sites) (s.conflicts.length ? partial.conflicting : partial.clear).push(s);
    done += sites.length;
    // A layer edited while the review runs may have grown.
    ctx.progress(done, Math.max(total, done));
    if (sites.length < opts.chunkSites) break;
    after = sites[sites.length - 1].id;
    // Cut short by a cancel (the next chunk then stops the job).
    if (opts.pauseMs) await sleep(opts.pauseMs, undefined, { signal }).catch(() => {});
    while (opts.holdWhile?.(done) && !signal.aborted) await sleep(50, undefined, { signal }).catch(() => {});
  }
  partial.conflicting.sort((a, b) => b.conflictSquareMeters - a.conflictSquareMeters || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return partial;
}
