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

/** 1 亩 = 10 000 / 15 m² (so 1 公顷 = 15 亩): the unit of land records and planners' talk. */
export const SQUARE_METERS_PER_MU = 10_000 / 15;

function number(value: number, digits: number, lang: UnitLang, minDigits = digits): string {
  return new Intl.NumberFormat(lang === 'zh' ? 'zh-CN' : 'en-GB', { maximumFractionDigits: digits, minimumFractionDigits: minDigits }).format(value);
}

/**
 * A measured length (m) to the metre or finer: "845.3 米" below 1 km, "1.263 公里" above (three
 * decimals: still to the metre), "845.3 m" / "1.263 km" in English. '' for a negative or non-finite value.
 */
export function formatMeasuredDistance(meters: number, lang: UnitLang = 'zh'): string {
  if (!Number.isFinite(meters) || meters < 0) return '';
  if (meters < 1000) return `${number(meters, 1, lang)}${lang === 'zh' ? ' 米' : ' m'}`;
  return `${number(meters / 1000, 3, lang)}${lang === 'zh' ? ' 公里' : ' km'}`;
}

/** A measured area side by side in the three units planners use: square metres (km² from 1 km²), 公顷 and 亩. */
export interface AreaTexts {
  /** "1,234 平方米" (whole m², one decimal below 100 m²), or "1.2346 平方公里" from 1 km². */
  squareMeters: string;
  /** "0.1234 公顷": four decimals (to the square metre). */
  hectares: string;
  /** "1.85 亩": two decimals. */
  mu: string;
}

export function formatMeasuredArea(squareMeters: number, lang: UnitLang = 'zh'): AreaTexts | null {
  if (!Number.isFinite(squareMeters) || squareMeters < 0) return null;
  const u = lang === 'zh' ? { m2: ' 平方米', km2: ' 平方公里', ha: ' 公顷', mu: ' 亩' } : { m2: ' m²', km2: ' km²', ha: ' ha', mu: ' mu' };
  const m2 =
    squareMeters >= 1_000_000
      ? number(squareMeters / 1_000_000, 4, lang) + u.km2
      : number(squareMeters, squareMeters < 100 ? 1 : 0, lang) + u.m2;
  return { squareMeters: m2, hectares: number(squareMeters / 10_000, 4, lang) + u.ha, mu: number(squareMeters / SQUARE_METERS_PER_MU, 2, lang) + u.mu };
}

/** Degrees with six decimals (~0.1 m), as a coordinate readout shows them: "111.700000". */
export function formatDegrees(value: number): string {
  return Number.isFinite(value) ? value.toFixed(6) : '';
}

/** A Gauss-Krüger coordinate in metres with two decimals and no grouping, as survey lists write it: "4524000.00". */
export function formatGridMeters(value: number): string {
  return Number.isFinite(value) ? value.toFixed(2) : '';
}
