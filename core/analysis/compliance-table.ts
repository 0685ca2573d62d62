/**
 * The compliance table of the panel and of the CSV export: one row per conflict of a project site
 * with a control feature, or one row per site without conflict (with the distance to the nearest).
 */
import type { CsvColumn } from '../export/csv.ts';
import { percentCell } from '../units.ts';
import type { ComplianceResult } from './compliance.ts';

/**
 * Compatible uses (相容用途): a project whose purpose is protection — ecological restoration, forest
 * management, remediation — lies inside a control line because that is where its work is; it is not a
 * conflict with the line. The rule is explicit and on the data: a project of sector `ecology` (the
 * plan's column 2 “生态保护项目” and the key ecological projects named in its text) is a compatible use.
 * Everything else that overlaps a control feature is a conflict. The API states this rule with its
 * results (`compatibleUseRule`), and the panel and the CSV show compatible uses apart from conflicts.
 */
export const COMPATIBLE_USE_RULE = {
  sectors: ['ecology'] as string[],
  en: 'Projects of sector "ecology" (the plan\'s column 2 ecological protection projects and its key ecological projects: restoration, forest management, remediation) serve the protection a control line stands for: where they overlap one they are compatible uses, shown apart, not conflicts.',
  zh: '产业类别为“生态”（ecology）的项目（规划专栏2“生态保护项目”及正文点名的重点生态项目：生态修复、森林管护、污染治理等）以保护为目的：与管控线重叠属相容用途，单独列出，不计为冲突。',
} as const;

/** Whether a project is a compatible (protective) use of the control lines: see COMPATIBLE_USE_RULE. */
export function isCompatibleUse(project: { sector?: string | null }): boolean {
  return !!project.sector && COMPATIBLE_USE_RULE.sectors.includes(project.sector);
}

/** One project of `GET /api/analysis/compliance/projects`. */
export interface ProjectCompliance {
  projectId: string;
  name: string;
  nameEn: string;
  column: number | null;
  sector: string;
  zoneId: string | null;
  locationQuality: string;
  /** Whether the project is a compatible use (the server's COMPATIBLE_USE_RULE; computed from `sector` when absent). */
  compatibleUse?: boolean;
  result: Omit<ComplianceResult, 'site'> & { site: ComplianceResult['site'] & { conflictSquareMeters?: number; geometryType?: string } } & { conflicts: (ComplianceResult['conflicts'][number] & { nameEn?: string; quality?: string })[] };
}

/** The server's per-zone areas (m², geodesic): the union of the projects' overlaps, clipped to the zone. */
export interface ZoneOverlapAreas {
  zoneId: string | null;
  /** Everything under a control line, each m² once (conflicts and compatible uses together). */
  overlapSquareMeters: number;
  /** Of which under projects that conflict. */
  conflictSquareMeters: number;
  /** Of which under compatible (protective) projects. */
  compatibleSquareMeters: number;
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
  /** A point site: area and overlap do not apply, the share says inside or outside. */
  pointSite: boolean;
  /** The project is a compatible use (protective): its overlap is not a conflict. */
  compatibleUse: boolean;
}

const projectCompatible = (p: ProjectCompliance) => p.compatibleUse ?? isCompatibleUse(p);

/** Flattens the batch result into table rows, conflicts first by overlap area. */
export function complianceRows(projects: readonly ProjectCompliance[]): ComplianceRow[] {
  const rows: ComplianceRow[] = [];
  for (const p of projects) {
    const base = {
      projectId: p.projectId, name: p.name, nameEn: p.nameEn, column: p.column, zoneId: p.zoneId, siteAreaSquareMeters: p.result.site.areaSquareMeters,
      pointSite: p.result.site.geometryType === 'POINT', compatibleUse: projectCompatible(p),
    };
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
  /** Sites that overlap a control feature and are not compatible uses. */
  conflictingSites: number;
  /** Compatible (protective) sites that overlap a control feature. */
  compatibleSites: number;
  /** Land under a control line taken by the zone's projects, each m² once (server: clipped to the zone). */
  overlapSquareMeters: number;
  /** Of which under conflicting projects. */
  conflictSquareMeters: number;
  /** Of which under compatible projects. */
  compatibleSquareMeters: number;
}

/**
 * Per support zone (null: outside the zones): sites checked, sites in conflict, compatible sites, and
 * the overlap areas. With `areas` (the server's `zoneSummary`: one union per zone, clipped to the zone,
 * so projects that overlap each other count once) the areas come from there; without, each site's own
 * union is added up, which is right only when the zone's projects do not overlap each other.
 */
export function zoneSummary(projects: readonly ProjectCompliance[], areas?: readonly ZoneOverlapAreas[]): ZoneSummary[] {
  const by = new Map<string | null, ZoneSummary>();
  for (const p of projects) {
    const s = by.get(p.zoneId) ?? { zoneId: p.zoneId, sites: 0, conflictingSites: 0, compatibleSites: 0, overlapSquareMeters: 0, conflictSquareMeters: 0, compatibleSquareMeters: 0 };
    s.sites++;
    const compatible = projectCompatible(p);
    if (p.result.conflicts.length) {
      if (compatible) s.compatibleSites++;
      else s.conflictingSites++;
    }
    // The union per site, as the server measures it; summing per-conflict overlaps would count
    // land under both the red line and the reserve twice.
    const m2 = p.result.site.conflictSquareMeters ?? Math.max(0, ...p.result.conflicts.map((c) => c.overlapSquareMeters));
    s.overlapSquareMeters += m2;
    if (compatible) s.compatibleSquareMeters += m2;
    else s.conflictSquareMeters += m2;
    by.set(p.zoneId, s);
  }
  if (areas) {
    for (const s of by.values()) {
      const a = areas.find((x) => x.zoneId === s.zoneId);
      s.overlapSquareMeters = a?.overlapSquareMeters ?? 0;
      s.conflictSquareMeters = a?.conflictSquareMeters ?? 0;
      s.compatibleSquareMeters = a?.compatibleSquareMeters ?? 0;
    }
  }
  return [...by.values()].sort((a, b) => (a.zoneId ?? '~').localeCompare(b.zoneId ?? '~'));
}

/** Not applicable (a point site has no area): the CSV's mark. */
const NA = '—';

/** CSV columns of the conflict table, with headers in both languages so one file serves everyone. */
export const complianceCsvColumns: CsvColumn<ComplianceRow>[] = [
  { header: '项目编号 Project id', value: (r) => r.projectId },
  { header: '项目名称 Project', value: (r) => r.name },
  { header: 'Project (English)', value: (r) => r.nameEn },
  { header: '专栏 Column', value: (r) => r.column },
  { header: '支撑区 Zone', value: (r) => r.zoneId },
  { header: '用地面积(平方米) Site area (m²)', value: (r) => (r.pointSite ? NA : r.siteAreaSquareMeters) },
  { header: '管控要素 Control feature', value: (r) => r.controlName },
  { header: '管控类型 Kind', value: (r) => r.kind },
  { header: '重叠面积(平方米) Overlap (m²)', value: (r) => (r.pointSite ? NA : r.overlapSquareMeters) },
  { header: '重叠面积(公顷) Overlap (ha)', value: (r) => (r.pointSite ? NA : Math.round(r.overlapSquareMeters / 100) / 100) },
  // The panel's figure (core/units.ts roundPercent); a point is inside the control feature or not.
  { header: '占用地比例(%) Share of site (%)', value: (r) => (r.pointSite ? (r.controlId !== null ? '位于其内 inside' : '位于其外 outside') : percentCell(r.overlapShare)) },
  { header: '距最近管控线(米) Distance to nearest (m)', value: (r) => r.distanceMeters },
  { header: '性质 Use', value: (r) => (r.controlId === null ? '' : r.compatibleUse ? '相容用途 compatible use' : '冲突 conflict') },
];
