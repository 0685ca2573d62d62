/** Downloads of the coverage tool: the gaps as GeoJSON and the figures (overall + per zone) as CSV. */
import type { FeatureCollection, Polygon } from 'geojson';
import type { CoverageResult } from '../../../core/analysis/coverage.ts';
import { targetVerdict } from '../../../core/presets.ts';
import { toCsv } from '../../../core/export/csv.ts';
import { getLang, pick, t } from '../i18n/index.ts';
import type { CoverageResponse } from './types.ts';

/** A what-if facility of the shown result, as the exports list it. */
export interface ExportWhatIf {
  /** As the panel names it: 新增设施 1, 规划公园转为建成：… */
  label: string;
  kind: 'point' | 'planned-park';
  /** The point, or the planned park's anchor, lon/lat (EPSG:4326). */
  coordinates: [number, number];
  parkId: string | null;
  /** What it adds (m²), null while unknown. */
  gainSquareMeters: number | null;
}

/** What a download describes, written into its properties and file name. */
export interface ExportMeta {
  presetId: string;
  presetTitle: string;
  radiusText: string;
  area: string;
  areaTitle: string;
  includePlanned: boolean;
  source: 'server' | 'instant';
  /** The what-if facilities counted in the result: when there are any, the result is a scenario (情景). */
  whatIf: ExportWhatIf[];
  /** The coverage share before the what-if facilities (server), null when unknown. */
  baseShare: number | null;
}

/** Whether the exported result is a scenario (what-if facilities counted), and its label. */
function scenarioLabel(meta: ExportMeta): string {
  const c = t().coverage.csv;
  return meta.whatIf.length ? c.scenario : c.current;
}

/** The facility set in words: 仅现状 / 现状 + 规划, plus the what-if count when it is a scenario. */
function facilitiesText(meta: ExportMeta): string {
  const m = t().coverage;
  const set = meta.includePlanned ? m.withPlanned : m.existingOnly;
  return meta.whatIf.length ? `${set} + ${m.csv.whatIfCount(meta.whatIf.length)}` : set;
}

/**
 * The gaps as a GeoJSON FeatureCollection (EPSG:4326), each with its rank and area in m². With what-if
 * facilities the file is a scenario: each gap says so (`scenario`, `result`, kept by every export
 * format), and the metadata lists the facilities with what each adds.
 */
export function gapsGeoJson(result: CoverageResult, meta: ExportMeta): string {
  const scenario = meta.whatIf.length > 0;
  const result_ = scenarioLabel(meta);
  const facilities = facilitiesText(meta);
  const fc: FeatureCollection<Polygon> & { metadata: unknown } = {
    type: 'FeatureCollection',
    metadata: {
      ...meta,
      scenario,
      result: result_,
      facilities,
      whatIfFacilities: meta.whatIf,
      baseCoverageShare: scenario ? meta.baseShare : null,
      coverageShare: result.coverageShare,
      areaSquareMeters: result.areaSquareMeters,
      crs: 'EPSG:4326',
      note: t().coverage.straightLine,
    },
    features: result.gaps.features.map((g, i) => ({
      type: 'Feature',
      id: `gap-${i + 1}`,
      properties: {
        rank: i + 1,
        areaSquareMeters: g.properties.areaSquareMeters,
        zoneId: g.properties.zoneId ?? null,
        zoneName: g.properties.zoneName ?? null,
        zoneNameEn: g.properties.zoneNameEn ?? null,
        scenario,
        result: result_,
        facilities,
      },
      geometry: g.geometry,
    })),
  };
  return JSON.stringify(fc);
}

interface CsvRow {
  scope: string;
  id: string;
  areaSquareMeters: number | null;
  coveredSquareMeters: number | null;
  share: number | null;
  target: string;
  met: string;
  gainSquareMeters?: number | null;
}

const lonLatCell = (c: [number, number]) => `${c[0].toFixed(6)} ${c[1].toFixed(6)}`;

/**
 * Overall and per-zone figures as CSV (UTF-8 with BOM, so Excel reads the Chinese names). With
 * what-if facilities the overall row is labelled a scenario (情景), the facilities column counts
 * them, and rows follow for the share before them and for each facility with what it adds.
 */
export function figuresCsv(result: CoverageResult, response: CoverageResponse, meta: ExportMeta): string {
  const m = t().coverage;
  const target = response.target;
  const verdictText = { met: m.csv.yes, not_met: m.csv.no, not_assessable: m.notAssessable, needs_area: m.needsArea };
  const targetCells = (share: number) =>
    target
      ? { target: `${pick(target.title)} (${target.source})`, met: verdictText[targetVerdict(share, target, response.dataCompleteness ?? undefined, meta.area)] }
      : { target: '', met: '' };
  const scenario = meta.whatIf.length > 0;
  const rows: CsvRow[] = [
    {
      scope: `${scenario ? m.csv.scenarioScope : m.overall}: ${meta.areaTitle}`,
      id: meta.area,
      areaSquareMeters: result.areaSquareMeters,
      coveredSquareMeters: result.coveredSquareMeters,
      share: result.coverageShare,
      ...targetCells(result.coverageShare),
    },
    ...result.byZone.map((z) => ({
      scope: getLang() === 'en' ? (z.nameEn ?? z.name) : z.name,
      id: z.id,
      areaSquareMeters: z.areaSquareMeters,
      coveredSquareMeters: z.coveredSquareMeters,
      share: z.coverageShare,
      ...targetCells(z.coverageShare),
    })),
  ];
  if (scenario && meta.baseShare !== null) {
    rows.push({
      scope: `${m.csv.before}: ${meta.areaTitle}`,
      id: meta.area,
      areaSquareMeters: result.areaSquareMeters,
      coveredSquareMeters: meta.baseShare * result.areaSquareMeters,
      share: meta.baseShare,
      ...targetCells(meta.baseShare),
    });
  }
  for (const w of meta.whatIf) {
    rows.push({ scope: `${m.csv.whatIfRow}: ${w.label}`, id: lonLatCell(w.coordinates), areaSquareMeters: null, coveredSquareMeters: null, share: null, target: '', met: '', gainSquareMeters: w.gainSquareMeters });
  }
  const c = m.csv;
  const first = (r: CsvRow) => r === rows[0];
  return toCsv(rows, [
    { header: c.scope, value: (r) => r.scope },
    { header: c.id, value: (r) => r.id },
    { header: c.area, value: (r) => (r.areaSquareMeters === null ? '' : Math.round(r.areaSquareMeters)) },
    { header: c.covered, value: (r) => (r.coveredSquareMeters === null ? '' : Math.round(r.coveredSquareMeters)) },
    { header: c.share, value: (r) => (r.share === null ? '' : (r.share * 100).toFixed(2)) },
    { header: c.target, value: (r) => r.target },
    { header: c.met, value: (r) => r.met },
    { header: c.preset, value: (r) => (first(r) ? meta.presetTitle : '') },
    { header: c.radius, value: (r) => (first(r) ? meta.radiusText : '') },
    { header: c.facilities, value: (r) => (first(r) ? facilitiesText(meta) : '') },
    { header: c.source, value: (r) => (first(r) ? (meta.source === 'server' ? m.server : m.instant) : '') },
    { header: c.result, value: (r) => (first(r) ? scenarioLabel(meta) : '') },
    { header: c.gain, value: (r) => (r.gainSquareMeters == null ? '' : Math.round(r.gainSquareMeters)) },
  ]);
}
