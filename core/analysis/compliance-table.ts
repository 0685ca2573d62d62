/**
 * The compliance table of the panel and of the CSV export: one row per conflict of a project site
 * with a control feature, or one row per site without conflict (with the distance to the nearest).
 */
import type { CsvColumn } from '../export/csv.ts';
import type { ComplianceResult } from './compliance.ts';

/** One project of `GET /api/analysis/compliance/projects`. */
export interface ProjectCompliance {
  projectId: string;
  name: string;
  nameEn: string;
  column: number | null;
  sector: string;
  zoneId: string | null;
  locationQuality: string;
  result: Omit<ComplianceResult, 'site'> & { site: ComplianceResult['site'] & { conflictSquareMeters?: number } } & { conflicts: (ComplianceResult['conflicts'][number] & { nameEn?: string; quality?: string })[] };
}

export interface ComplianceRow {
  projectId: string;
  name: string;
  nameEn: string;
  column: number | null;
  zoneId: string | null;
  siteAreaSquareMeters: number;
  controlId: string | null;
  controlName: string | null;
  kind: string | null;
  overlapSquareMeters: number;
  /** Share of the site inside the control feature, 0–1. */
  overlapShare: number;
  /** Distance to the nearest control feature when the site has no conflict, else null. */
  distanceMeters: number | null;
}

/** Flattens the batch result into table rows, conflicts first by overlap area. */
export function complianceRows(projects: readonly ProjectCompliance[]): ComplianceRow[] {
  const rows: ComplianceRow[] = [];
  for (const p of projects) {
    const base = { projectId: p.projectId, name: p.name, nameEn: p.nameEn, column: p.column, zoneId: p.zoneId, siteAreaSquareMeters: p.result.site.areaSquareMeters };
    if (p.result.conflicts.length === 0) {
      rows.push({ ...base, controlId: null, controlName: null, kind: null, overlapSquareMeters: 0, overlapShare: 0, distanceMeters: p.result.nearest?.distanceMeters ?? null });
    }
    for (const c of p.result.conflicts) {
      rows.push({ ...base, controlId: c.id, controlName: c.name, kind: c.kind, overlapSquareMeters: c.overlapSquareMeters, overlapShare: c.overlapShare, distanceMeters: null });
    }
  }
  return rows.sort((a, b) => b.overlapSquareMeters - a.overlapSquareMeters || b.overlapShare - a.overlapShare || (a.distanceMeters ?? 0) - (b.distanceMeters ?? 0) || a.projectId.localeCompare(b.projectId));
}

export interface ZoneSummary {
  zoneId: string | null;
  sites: number;
  conflictingSites: number;
  overlapSquareMeters: number;
}

/** Per support zone (null: outside the zones): sites checked, sites with a conflict, total overlap. */
export function zoneSummary(projects: readonly ProjectCompliance[]): ZoneSummary[] {
  const by = new Map<string | null, ZoneSummary>();
  for (const p of projects) {
    const s = by.get(p.zoneId) ?? { zoneId: p.zoneId, sites: 0, conflictingSites: 0, overlapSquareMeters: 0 };
    s.sites++;
    if (p.result.conflicts.length) s.conflictingSites++;
    // The union per site, as the server measures it; summing per-conflict overlaps would count
    // land under both the red line and the reserve twice.
    s.overlapSquareMeters += p.result.site.conflictSquareMeters ?? Math.max(0, ...p.result.conflicts.map((c) => c.overlapSquareMeters));
    by.set(p.zoneId, s);
  }
  return [...by.values()].sort((a, b) => (a.zoneId ?? '~').localeCompare(b.zoneId ?? '~'));
}

/** CSV columns of the conflict table, with headers in both languages so one file serves everyone. */
export const complianceCsvColumns: CsvColumn<ComplianceRow>[] = [
  { header: '项目编号 Project id', value: (r) => r.projectId },
  { header: '项目名称 Project', value: (r) => r.name },
  { header: 'Project (English)', value: (r) => r.nameEn },
  { header: '专栏 Column', value: (r) => r.column },
  { header: '支撑区 Zone', value: (r) => r.zoneId },
  { header: '用地面积(平方米) Site area (m²)', value: (r) => r.siteAreaSquareMeters },
  { header: '管控要素 Control feature', value: (r) => r.controlName },
  { header: '管控类型 Kind', value: (r) => r.kind },
  { header: '重叠面积(平方米) Overlap (m²)', value: (r) => r.overlapSquareMeters },
  { header: '重叠面积(公顷) Overlap (ha)', value: (r) => Math.round(r.overlapSquareMeters / 100) / 100 },
  { header: '占用地比例(%) Share of site (%)', value: (r) => Math.round(r.overlapShare * 1000) / 10 },
  { header: '距最近管控线(米) Distance to nearest (m)', value: (r) => r.distanceMeters },
];
