/** What POST /api/imports/{id}/commit answers (api/import/commit.ts), as the map reads it too. */
export interface CommitResult {
  collection: string;
  version: number;
  featureCount: number;
  repaired: number;
  rejected: number;
  /** Why features were left out (1-based position in the layer, and the reason). */
  rejections: { feature: number; reason: string }[];
  fieldMap: Record<string, string>;
  /** Values that did not fit their property's type and were left empty, per source field. */
  droppedValues: Record<string, number>;
  auditId: number;
}
