/** Downloads of the coverage tool: the gaps as GeoJSON and the figures (overall + per zone) as CSV. */
import type { FeatureCollection, Polygon } from 'geojson';
import type { CoverageResult } from '../../../core/analysis/coverage.ts';
import { targetVerdict } from '../../../core/presets.ts';
import { toCsv } from '../../../core/export/csv.ts';
import { getLang, pick, t } from '../i18n/index.ts';
import type { CoverageResponse } from './types.ts';

/** What a download describes, written into its properties and file name. */
export interface ExportMeta {
  presetId: string;
  presetTitle: string;
  radiusText: string;
  area: string;
  areaTitle: string;
  includePlanned: boolean;
  source: 'server' | 'instant';
}

/** The gaps as a GeoJSON FeatureCollection (EPSG:4326), each with its rank and area in m². */
export function gapsGeoJson(result: CoverageResult, meta: ExportMeta): string {
  const fc: FeatureCollection<Polygon> & { metadata: unknown } = {
    type: 'FeatureCollection',
    metadata: { ...meta, coverageShare: result.coverageShare, areaSquareMeters: result.areaSquareMeters, crs: 'EPSG:4326', note: t().coverage.straightLine },
    features: result.gaps.features.map((g, i) => ({
      type: 'Feature',
      id: `gap-${i + 1}`,
      properties: {
        rank: i + 1,
        areaSquareMeters: g.properties.areaSquareMeters,
        zoneId: g.properties.zoneId ?? null,
        zoneName: g.properties.zoneName ?? null,
        zoneNameEn: g.properties.zoneNameEn ?? null,
      },
      geometry: g.geometry,
    })),
  };
  return JSON.stringify(fc);
}

interface CsvRow {
  scope: string;
  id: string;
  areaSquareMeters: number;
  coveredSquareMeters: number;
  share: number;
  target: string;
  met: string;
}

/** Overall and per-zone figures as CSV (UTF-8 with BOM, so Excel reads the Chinese names). */
export function figuresCsv(result: CoverageResult, response: CoverageResponse, meta: ExportMeta): string {
  const m = t().coverage;
  const target = response.target;
  const targetCells = (share: number) =>
    target
      ? { target: `${pick(target.title)} (${target.source})`, met: { met: m.csv.yes, not_met: m.csv.no, not_assessable: m.notAssessable }[targetVerdict(share, target, response.dataCompleteness ?? undefined)] }
      : { target: '', met: '' };
  const rows: CsvRow[] = [
    {
      scope: `${m.overall}: ${meta.areaTitle}`,
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
  const c = m.csv;
  const fixed = (_: CsvRow) => '';
  return toCsv(rows, [
    { header: c.scope, value: (r) => r.scope },
    { header: c.id, value: (r) => r.id },
    { header: c.area, value: (r) => Math.round(r.areaSquareMeters) },
    { header: c.covered, value: (r) => Math.round(r.coveredSquareMeters) },
    { header: c.share, value: (r) => (r.share * 100).toFixed(2) },
    { header: c.target, value: (r) => r.target },
    { header: c.met, value: (r) => r.met },
    { header: c.preset, value: (r) => (r === rows[0] ? meta.presetTitle : fixed(r)) },
    { header: c.radius, value: (r) => (r === rows[0] ? meta.radiusText : fixed(r)) },
    { header: c.facilities, value: (r) => (r === rows[0] ? (meta.includePlanned ? m.withPlanned : m.existingOnly) : fixed(r)) },
    { header: c.source, value: (r) => (r === rows[0] ? (meta.source === 'server' ? m.server : m.instant) : fixed(r)) },
  ]);
}

