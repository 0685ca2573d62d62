/**
 * The review of a whole layer against the control layers (issue 12), as the API answers it and the
 * web app shows it: one reviewed site, the states of an analysis job, and the CSV of the review.
 */
import type { CsvColumn } from './export/csv.ts';

/** One reviewed site: its geodesic area, the union of its overlaps with the control layers and each conflict (m²). */
export interface LayerReviewSite {
  id: string;
  name: string | null;
  areaSquareMeters: number;
  conflictSquareMeters: number;
  conflicts: { collection: string; id: string; name: string | null; overlapSquareMeters: number }[];
}

/** The kinds of analysis job (POST /api/jobs): the review of a whole layer, and service coverage. */
export const JOB_KINDS = ['layer-review', 'coverage'] as const;
export type JobKind = (typeof JOB_KINDS)[number];

/** The states of an analysis job, in the order a job goes through them (the last three are final). */
export const JOB_STATES = ['queued', 'running', 'done', 'failed', 'cancelled'] as const;
export type JobState = (typeof JOB_STATES)[number];

/** The CSV of a layer review: one row per site, its conflicts named in one cell. */
export const LAYER_REVIEW_CSV: CsvColumn<LayerReviewSite>[] = [
  { header: '要素编号 Id', value: (s) => s.id },
  { header: '名称 Name', value: (s) => s.name },
  { header: '用地面积（平方米）Area (m²)', value: (s) => s.areaSquareMeters },
  { header: '冲突面积（平方米）Conflict (m²)', value: (s) => s.conflictSquareMeters },
  { header: '冲突占比 Share', value: (s) => (s.areaSquareMeters > 0 ? Math.round((s.conflictSquareMeters / s.areaSquareMeters) * 1000) / 1000 : null) },
  { header: '涉及管控要素 Controls', value: (s) => s.conflicts.map((x) => `${x.name ?? x.id} ${x.overlapSquareMeters}`).join('; ') },
];
