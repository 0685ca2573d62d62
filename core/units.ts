/**
 * Unit formatting shared by the web app and the API (pure: no DOM, no database).
 */

export type UnitLang = 'zh' | 'en';

const SQUARE_METERS_PER_HECTARE = 10_000;
const SQUARE_METERS_PER_SQUARE_KILOMETER = 1_000_000;

/**
 * An area given in square meters as readable text: m² below 1 ha, hectares below 1 km², km² above,
 * with Chinese unit names (平方米 / 公顷 / 平方公里) when `lang` is 'zh'.
 */
export function formatAreaSquareMeters(areaSquareMeters: number, lang: UnitLang = 'zh'): string {
  if (!Number.isFinite(areaSquareMeters) || areaSquareMeters < 0) return '';
  const locale = lang === 'zh' ? 'zh-CN' : 'en-GB';
  const fmt = (value: number, digits: number) =>
    new Intl.NumberFormat(locale, { maximumFractionDigits: digits, minimumFractionDigits: 0 }).format(value);
  const units =
    lang === 'zh'
      ? { m2: ' 平方米', ha: ' 公顷', km2: ' 平方公里' }
      : { m2: ' m²', ha: ' ha', km2: ' km²' };
  if (areaSquareMeters < SQUARE_METERS_PER_HECTARE) return fmt(Math.round(areaSquareMeters), 0) + units.m2;
  if (areaSquareMeters < SQUARE_METERS_PER_SQUARE_KILOMETER) {
    const ha = areaSquareMeters / SQUARE_METERS_PER_HECTARE;
    return fmt(ha, ha < 10 ? 2 : 1) + units.ha;
  }
  const km2 = areaSquareMeters / SQUARE_METERS_PER_SQUARE_KILOMETER;
  return fmt(km2, km2 < 10 ? 2 : 1) + units.km2;
}

/** A distance given in meters as readable text: meters below 1 km, kilometers above. */
export function formatDistanceMeters(distanceMeters: number, lang: UnitLang = 'zh'): string {
  if (!Number.isFinite(distanceMeters) || distanceMeters < 0) return '';
  if (distanceMeters < 1000) return `${Math.round(distanceMeters)}${lang === 'zh' ? ' 米' : ' m'}`;
  const km = new Intl.NumberFormat(lang === 'zh' ? 'zh-CN' : 'en-GB', { maximumFractionDigits: 1 }).format(distanceMeters / 1000);
  return `${km}${lang === 'zh' ? ' 公里' : ' km'}`;
}

/** Decimals of a percentage: one, two for a share below 0.1 % (so 0.05 % does not read as 0.0 %). */
function percentDecimals(share: number): number {
  const p = Math.abs(share * 100);
  return p > 0 && p < 0.1 ? 2 : 1;
}

/**
 * A share (0–1) as a percentage rounded half up to one decimal (two below 0.1 %): the one rounding
 * rule of every table, CSV and report, so that 0.0195 is 2.0 everywhere (binary floating point made
 * it 2 in one place and 1.9 in another). The product is first cut to 12 significant digits, which
 * removes the binary noise (1.9499999… → 1.95) before rounding.
 */
export function roundPercent(share: number): number {
  if (!Number.isFinite(share)) return NaN;
  const f = 10 ** percentDecimals(share);
  const scaled = Number((share * 100 * f).toPrecision(12));
  return Math.round(scaled) / f;
}

/** `roundPercent` as text with its decimals and a no-break space before the sign: "19.5 %". */
export function formatPercent(share: number, _lang: UnitLang = 'zh'): string {
  if (!Number.isFinite(share)) return '';
  return `${roundPercent(share).toFixed(percentDecimals(share))}\u00a0%`;
}

/** `roundPercent` as a CSV cell: the same figure as the panel shows, without the sign. */
export function percentCell(share: number): string {
  return formatPercent(share).replace(/\u00a0%$/, '');
}
