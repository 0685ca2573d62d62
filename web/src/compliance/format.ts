/** Names, figures and verdicts of a compliance result in the current language (panel and report). */
import type { ComplianceResult } from '../../../core/analysis/compliance.ts';
import type { ComplianceResponse } from '../api.ts';
import { formatAreaSquareMeters, formatDistanceMeters, formatPercent } from '../../../core/units.ts';
import { getLang, t } from '../i18n/index.ts';
import { featureName, type Store } from '../store.ts';

/** A result from the browser (Turf) or from the server: the fields both share. */
export interface ResultLike {
  site: { areaSquareMeters: number };
  zones: (ComplianceResult['zones'][number] & { nameEn?: string })[];
  conflicts: (ComplianceResult['conflicts'][number] & { nameEn?: string; quality?: string })[];
  nearest: (NonNullable<ComplianceResult['nearest']> & { name?: string }) | null;
}

/**
 * A share (0–1) as a percentage with one decimal (two below 0.1 %): core/units.ts formatPercent, the
 * one rounding rule the CSV export uses too (a no-break space keeps the sign with its number).
 */
export function percentText(share: number): string {
  return formatPercent(share, getLang());
}

/** An area in m² as readable text (m², ha or km²) in the current language. */
export function areaText(areaSquareMeters: number): string {
  return formatAreaSquareMeters(areaSquareMeters, getLang());
}

/**
 * The same area (m²) in the other unit of the m²/ha pair, for a second line under `areaText`:
 * square metres when the first line says hectares (or km²), else hectares.
 */
export function otherUnitText(areaSquareMeters: number): string {
  if (areaSquareMeters < 10_000) {
    const ha = new Intl.NumberFormat(getLang() === 'zh' ? 'zh-CN' : 'en-GB', { maximumFractionDigits: 2, minimumFractionDigits: 2 }).format(areaSquareMeters / 10_000);
    return `${ha} ${getLang() === 'zh' ? '公顷' : 'ha'}`;
  }
  return squareMetersText(areaSquareMeters);
}

/** An area in m² as whole square metres, grouped (for tables that show both m² and ha). */
export function squareMetersText(areaSquareMeters: number): string {
  const n = new Intl.NumberFormat(getLang() === 'zh' ? 'zh-CN' : 'en-GB', { maximumFractionDigits: 0 }).format(areaSquareMeters);
  return `${n} ${getLang() === 'zh' ? '平方米' : 'm²'}`;
}

export function distanceText(distanceMeters: number): string {
  return formatDistanceMeters(distanceMeters, getLang());
}

/** A feature's name in the current language: from the loaded layer, else the names the result carries. */
export function featureLabel(store: Store, collection: string, id: string, nameZh?: string | null, nameEn?: string | null): string {
  const f = store.feature(collection, id);
  if (f) return featureName(f);
  return (getLang() === 'en' ? nameEn || nameZh : nameZh || nameEn) || id;
}

/** One line per conflict, or the no-conflict line with the distance to the nearest control line. */
export function verdictLines(store: Store, r: ResultLike, isPoint: boolean): string[] {
  const m = t().compliance;
  if (r.conflicts.length === 0) return [m.verdictNoConflict(r.nearest ? distanceText(r.nearest.distanceMeters) : null)];
  return r.conflicts.map((c) => {
    const name = featureLabel(store, c.collection, c.id, c.name, c.nameEn);
    return isPoint ? m.verdictPointInside(name) : m.verdictConflict(name, areaText(c.overlapSquareMeters), percentText(c.overlapShare));
  });
}

/** The support zones with their shares, e.g. "大青山前坡片区 80.0 %、…". */
export function zonesText(store: Store, r: ResultLike): string {
  const m = t();
  if (r.zones.length === 0) return m.compliance.noZone;
  return r.zones.map((z) => `${featureLabel(store, 'zones', z.id, z.name, z.nameEn)} ${percentText(z.share)}`).join(m.listSeparator);
}

/** The server's warnings in the current language (English when a warning has no translation). */
export function warningTexts(res: Pick<ComplianceResponse, 'warnings' | 'warningDetails'>): string[] {
  const lang = getLang();
  return res.warningDetails ? res.warningDetails.map((d) => d[lang]) : res.warnings;
}

/** The server's method statement in the current language. */
export function methodText(res: Pick<ComplianceResponse, 'method' | 'methodZh'>): string {
  return getLang() === 'zh' && res.methodZh ? res.methodZh : res.method;
}
