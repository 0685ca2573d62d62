/**
 * The server's coverage for the panel (issue 12): POST /api/analysis/coverage asking to respond
 * asynchronously after a second (Prefer: respond-async, wait=1). A quick analysis answers in that
 * request, as before; a longer one comes back as a job, which is followed (GET /api/jobs/{id} with
 * Prefer: wait, answered at each change) for its stage until done, then its result read and the job
 * discarded. Aborting the signal cancels the job (DELETE), which stops its statement on the server.
 */
import type { AnalysisJob, ApiClient } from '../api.ts';
import type { CoverageRequest, CoverageResponse } from './types.ts';

/** How long the first request waits for the answer before the analysis becomes a job to follow (s). */
export const ANSWER_WAIT_SECONDS = 1;
/** How long each follow-up request waits for the job's next change (s). */
const FOLLOW_WAIT_SECONDS = 5;

/** A coverage job that failed or was cancelled on the server. */
export class CoverageJobError extends Error {
  constructor(readonly job: AnalysisJob) {
    super(job.error ?? job.state);
  }
}

/** The coverage for `body`; `onJob` hears the job (its stage) whenever it changes, once the analysis has become one. */
export async function serverCoverage(api: ApiClient, body: CoverageRequest, signal: AbortSignal, onJob: (job: AnalysisJob) => void): Promise<CoverageResponse> {
  const first = await api.coverage(body, signal, ANSWER_WAIT_SECONDS);
  if ('result' in first) return first.result;
  let job = first.job;
  const cancel = () => void api.cancelJob(job.id).catch(() => {});
  if (signal.aborted) cancel();
  signal.addEventListener('abort', cancel, { once: true });
  try {
    for (;;) {
      onJob(job);
      if (job.state === 'done') break;
      if (job.state === 'failed' || job.state === 'cancelled') throw new CoverageJobError(job);
      job = await api.job(job.id, signal, FOLLOW_WAIT_SECONDS);
    }
    const result = await api.coverageJobResult(job.id, signal);
    // Read: the server need not keep it.
    void api.cancelJob(job.id).catch(() => {});
    return result;
  } finally {
    signal.removeEventListener('abort', cancel);
  }
}
