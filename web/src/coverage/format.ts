/** Figures of the coverage tool in the current language: shares, areas, distances. */
import { formatAreaSquareMeters, formatDistanceMeters } from '../../../core/units.ts';
import { getLang } from '../i18n/index.ts';

/** A share (0–1) as a percentage with one decimal. */
export function shareText(share: number): string {
  return `${(share * 100).toFixed(1)} %`;
}

/** An area in m² as readable text (m², ha or km²). */
export function areaText(areaSquareMeters: number): string {
  return formatAreaSquareMeters(areaSquareMeters, getLang());
}

/** An area in m² as hectares with one decimal (tables of gains and gaps compare better in one unit). */
export function hectareText(areaSquareMeters: number): string {
  const ha = new Intl.NumberFormat(getLang() === 'zh' ? 'zh-CN' : 'en-GB', { maximumFractionDigits: 1, minimumFractionDigits: 1 }).format(areaSquareMeters / 10_000);
  return `${ha} ${getLang() === 'zh' ? '公顷' : 'ha'}`;
}

export function distanceText(meters: number): string {
  return formatDistanceMeters(meters, getLang());
}

/** A lon/lat position as text, five decimals (~1 m). */
export function lonLatText([lon, lat]: [number, number]): string {
  return `${lon.toFixed(5)}, ${lat.toFixed(5)}`;
}
