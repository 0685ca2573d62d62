import type { Db } from '../db/db.ts';
import { verifyAuditQuery } from '../sql/audit.ts';

export interface AuditVerification {
  ok: boolean;
  rows: number;
  /** Id of the first row whose hash or link to the previous row does not match; null when whole. */
  firstBrokenRow: number | null;
}

/** Recomputes the audit chain (the same check for GET /api/audit/verify and `npm run audit:verify`). */
export async function verifyAudit(db: Db): Promise<AuditVerification> {
  const q = verifyAuditQuery();
  const r = (await db.query<{ rows: number; first_broken: string | number | null }>(q.text, q.values)).rows[0];
  const first = r.first_broken === null ? null : Number(r.first_broken);
  return { ok: first === null, rows: r.rows, firstBrokenRow: first };
}
