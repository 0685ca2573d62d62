import type { NetworkFigures, ResolvedCoverage } from '../core/analysis/coverage-rules.ts';
import type { Db, QueryOptions } from './db/db.ts';
import { apiError } from './errors.ts';

/** The network method (issue 14): not wired yet. */
export async function networkCover(_db: Db, r: ResolvedCoverage, _limits: QueryOptions): Promise<{ resolved: ResolvedCoverage; figures: NetworkFigures }> {
  apiError(400, 'InvalidRequestBody', `method "network" (network ${r.network?.id}) is not available yet.`);
}
