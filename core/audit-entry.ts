/** One row of GET /api/audit, as the API sends it and the Admin tab reads it. */
export interface AuditListEntry {
  id: number;
  /** ISO 8601, UTC, microseconds. */
  at: string;
  actor: string | null;
  action: string;
  collection: string | null;
  featureId: string | null;
  versionBefore: number | null;
  versionAfter: number | null;
  reason: string | null;
  requestId: string | null;
  clientAddress: string | null;
  /** SHA-256 of the row and the previous row's hash. */
  hash: string;
}
