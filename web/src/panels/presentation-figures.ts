/**
 * The plan's headline figures (专栏1, the `indicators` collection): three lead tiles and a compact
 * table of every indicator with its unit, the 2020 value and the 2025 target, by category.
 */
import type { ApiFeature } from '../api.ts';
import { h } from '../dom.ts';
import { getLang, t } from '../i18n/index.ts';

/** Indicators shown as tiles, by their order in 专栏1 (GDP, R&D intensity, forest cover). */
const LEAD_SEQ = [1, 3, 14];

/** "亿元 (100 million CNY)" → the part in the current language; "-" is no unit. */
export function unitText(unit: unknown, lang: 'zh' | 'en'): string {
  const text = String(unit ?? '').trim();
  if (!text || text === '-') return '';
  const m = /^(.*?)\s*\((.*)\)\s*$/.exec(text);
  if (!m) return text;
  return lang === 'zh' ? m[1] : m[2];
}

function bound(text: string): string {
  if (text.includes('≥')) return '≥';
  if (text.includes('≤')) return '≤';
  if (text.includes('左右')) return '≈';
  return '';
}

/** A value cell: the number with the bound its printed text states (≥, ≤, about), or the printed text. */
export function valueText(value: unknown, text: unknown, lang: 'zh' | 'en'): string {
  const printed = String(text ?? '').trim();
  const n = typeof value === 'number' && Number.isFinite(value) ? value : null;
  if (n !== null) return bound(printed) + new Intl.NumberFormat(lang === 'zh' ? 'zh-CN' : 'en-GB', { maximumFractionDigits: 2 }).format(n);
  if (!printed || printed === '-') return '—';
  return lang === 'en' ? (t().investor.targetText[printed] ?? printed) : printed;
}

function growthText(f: ApiFeature, lang: 'zh' | 'en'): string {
  const p = f.properties;
  const pct = p.annual_growth_pct;
  if (typeof pct !== 'number') return '';
  return `${bound(String(p.annual_growth_text ?? ''))}${new Intl.NumberFormat(lang === 'zh' ? 'zh-CN' : 'en-GB', { maximumFractionDigits: 1 }).format(pct)}%`;
}

export function figuresSection(indicators: readonly ApiFeature[]): HTMLElement {
  const m = t();
  const f = m.investor.figures;
  const lang = getLang();
  if (!indicators.length) return h('div', { class: 'xc-pres-empty' }, m.loading);
  const rows = [...indicators].sort((a, b) => Number(a.properties.seq) - Number(b.properties.seq));
  const name = (x: ApiFeature) => String((lang === 'zh' ? x.properties.name_zh : x.properties.name_en) ?? x.properties.name_zh ?? x.id);

  const tiles = LEAD_SEQ.map((seq) => rows.find((r) => r.properties.seq === seq))
    .filter((r): r is ApiFeature => r !== undefined)
    .map((r) =>
      h(
        'div',
        { class: 'xc-figure-tile', 'data-seq': String(r.properties.seq) },
        h('div', { class: 'xc-figure-name' }, name(r)),
        h(
          'div',
          { class: 'xc-figure-values' },
          h('span', { class: 'xc-figure-from' }, valueText(r.properties.value_2020, r.properties.value_2020_text, lang)),
          h('span', { class: 'xc-figure-arrow', 'aria-hidden': 'true' }, '→'),
          h('span', { class: 'xc-figure-to' }, valueText(r.properties.target_2025, r.properties.target_text, lang)),
          h('span', { class: 'xc-figure-unit' }, unitText(r.properties.unit, lang)),
        ),
        h('div', { class: 'xc-figure-years' }, f.years),
      ),
    );

  const byCategory = new Map<string, ApiFeature[]>();
  for (const r of rows) {
    const c = String((lang === 'zh' ? r.properties.category_zh : r.properties.category_en) ?? '');
    byCategory.set(c, [...(byCategory.get(c) ?? []), r]);
  }
  const body: HTMLElement[] = [];
  for (const [category, list] of byCategory) {
    body.push(h('tr', { class: 'xc-figure-category' }, h('th', { colspan: '3', scope: 'rowgroup' }, category)));
    for (const r of list) {
      const unit = unitText(r.properties.unit, lang);
      const nature = r.properties.nature === 'binding' ? f.binding : r.properties.nature === 'expected' ? f.expected : '';
      const growth = growthText(r, lang);
      body.push(
        h(
          'tr',
          { 'data-seq': String(r.properties.seq) },
          h(
            'th',
            { scope: 'row' },
            h('span', { class: 'xc-figure-row-name' }, name(r)),
            h('span', { class: 'xc-figure-row-meta' }, [unit, growth && f.growth(growth), nature].filter(Boolean).join(' · ')),
          ),
          h('td', {}, valueText(r.properties.value_2020, r.properties.value_2020_text, lang)),
          h('td', { class: 'xc-figure-target' }, valueText(r.properties.target_2025, r.properties.target_text, lang)),
        ),
      );
    }
  }
  return h(
    'div',
    { class: 'xc-figures' },
    h('div', { class: 'xc-pres-label' }, f.title),
    h('div', { class: 'xc-figure-tiles' }, ...tiles),
    h(
      'table',
      { class: 'xc-figure-table' },
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, f.indicator), h('th', { scope: 'col' }, f.y2020), h('th', { scope: 'col' }, f.y2025))),
      h('tbody', {}, ...body),
    ),
    h('p', { class: 'xc-pres-note' }, f.note),
  );
}
