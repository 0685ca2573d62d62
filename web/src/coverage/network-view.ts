/**
 * The coverage panel's parts for issue 14's remaining items: GB 50180-2018's life circles as walking
 * distances (with the network method), the state of the browser's copy of the network for the instant
 * what-if, and coverage per sub-area (each feature of the denominator layer) and per zone in the
 * denominator's unit (land area, or people with a population layer). Strings: `coverageNetwork` in
 * i18n/zh.ts and en.ts.
 */
import { LIFE_CIRCLE_SOURCE, LIFE_CIRCLES } from '../../../core/analysis/coverage-rules.ts';
import { h } from '../dom.ts';
import { getLang, pick, t, type Messages } from '../i18n/index.ts';
import { areaText, distanceText, shareText } from './format.ts';
import type { CoverageResponse } from './types.ts';

const tr = (k: keyof Messages['coverageNetwork'], vars: Record<string, string | number> = {}) => t().coverageNetwork[k].replace(/\{(\w+)\}/g, (_, v: string) => String(vars[v] ?? ''));
const num = (n: number) => Math.round(n).toLocaleString(getLang() === 'zh' ? 'zh-CN' : 'en');

/** Sub-area rows listed in the panel; the rest are counted. */
const SUB_AREAS_LISTED = 20;

/** The life circle a distance (m) is, if any. */
export const lifeCircleOf = (meters: number | null) => LIFE_CIRCLES.find((c) => c.distanceMeters === meters) ?? null;

/**
 * A choice of GB 50180-2018's life circles (shown with the network method): picking one sets the
 * distance (`choose(metres)`, or null for the preset's own); the clause is cited under it.
 */
export function lifeCircleSettings(currentMeters: number | null, choose: (meters: number | null) => void): HTMLElement {
  const current = lifeCircleOf(currentMeters);
  const select = h(
    'select',
    { class: 'xc-cov-life-circle', 'aria-label': tr('lifeCircle') },
    h('option', { value: '', selected: !current }, tr('lifeCircleNone')),
    ...LIFE_CIRCLES.map((c) => h('option', { value: c.id, selected: current?.id === c.id }, pick(c.title) + (c.status === 'unconfirmed' ? tr('unconfirmed') : ''))),
  );
  select.addEventListener('change', () => choose(LIFE_CIRCLES.find((c) => c.id === select.value)?.distanceMeters ?? null));
  return h(
    'div',
    { class: 'xc-cov-life-circles' },
    h('label', { class: 'xc-cov-field' }, h('span', {}, tr('lifeCircle')), select),
    h('div', { class: 'xc-cov-note xc-cov-life-circle-source' }, pick(LIFE_CIRCLE_SOURCE)),
  );
}

/** With a result on the network at a life circle's distance: which circle, and the clause. */
export function lifeCircleUsed(resp: CoverageResponse): HTMLElement | null {
  if (resp.methodName !== 'network' || resp.radius.mode !== 'uniform') return null;
  const c = lifeCircleOf(resp.radius.radiusMeters);
  if (!c) return null;
  return h('div', { class: 'xc-cov-note xc-cov-life-circle-used', 'data-circle': c.id }, `${tr('lifeCircleUsed')} ${pick(c.title)}${c.status === 'unconfirmed' ? tr('unconfirmed') : ''} — ${pick(LIFE_CIRCLE_SOURCE)}`);
}

/** The browser's copy of the network, as the what-if section shows it. */
export type NetworkState =
  | { state: 'loading' }
  | {
      state: 'ready';
      bufferMeters: number;
      /** The last new facility: streets reached, the whole estimate's time (ms) and its parts, the grid's cell (m). */
      last?: { lengthMeters: number; ms: number; searchMs: number; gridMs: number; cellMeters: number; offNetwork: boolean; maxAccessMeters: number };
    }
  | { state: 'too-large'; edges: number; max: number }
  | { state: 'error'; error: string };

export function networkNote(s: NetworkState): HTMLElement {
  const text =
    s.state === 'loading'
      ? tr('loading')
      : s.state === 'ready'
        ? tr('ready', { buffer: s.bufferMeters })
        : s.state === 'too-large'
          ? tr('tooLarge', { edges: num(s.edges), max: num(s.max) })
          : tr('failed', { error: s.error });
  const last = s.state === 'ready' ? s.last : undefined;
  return h(
    'div',
    {
      class: 'xc-cov-note xc-cov-whatif-network',
      'data-state': s.state,
      ...(last
        ? { 'data-estimate-ms': last.ms.toFixed(2), 'data-search-ms': last.searchMs.toFixed(2), 'data-grid-ms': last.gridMs.toFixed(2), 'data-cell-m': String(last.cellMeters), 'data-reached-m': String(Math.round(last.lengthMeters)) }
        : {}),
    },
    text,
    last
      ? h(
          'div',
          { class: 'xc-cov-sub' },
          last.offNetwork
            ? tr('offNetwork', { max: last.maxAccessMeters })
            : tr('searched', { len: distanceText(last.lengthMeters), ms: last.ms.toFixed(1), search: last.searchMs.toFixed(1), grid: last.gridMs.toFixed(1), cell: last.cellMeters }),
        )
      : null,
  );
}

/** The caption of the per-zone table: the unit of the denominator. */
export function zoneUnitCaption(resp: CoverageResponse): string {
  const land = resp.denominator.collection ? pick(resp.denominator.title) : getLang() === 'zh' ? '测算范围' : 'the area';
  return tr('zoneUnitLand', { land });
}

/** People per zone (with a population layer): `covered / total` cell text, or null. */
export function zonePeopleText(z: { people?: number; coveredPeople?: number }): string | null {
  return z.people === undefined ? null : `${num(z.coveredPeople ?? 0)} / ${num(z.people)}`;
}
export const zonePeopleHeader = () => tr('zonePeople');

/** Coverage of each feature of the denominator layer (the sub-areas), most uncovered first; null without. */
export function subAreaTable(resp: CoverageResponse): HTMLElement | null {
  const rows = resp.bySubArea;
  if (!rows?.length || !resp.denominator.collection) return null;
  const sorted = [...rows].sort((a, b) => b.areaSquareMeters - b.coveredSquareMeters - (a.areaSquareMeters - a.coveredSquareMeters) || a.id.localeCompare(b.id));
  const shown = sorted.slice(0, SUB_AREAS_LISTED);
  const en = getLang() === 'en';
  return h(
    'details',
    { class: 'xc-cov-subareas', open: rows.length <= SUB_AREAS_LISTED, 'data-count': String(rows.length) },
    h('summary', {}, tr('bySubArea', { layer: pick(resp.denominator.title), n: rows.length })),
    h(
      'table',
      { class: 'xc-cov-zones xc-cov-subarea-table' },
      h('caption', {}, zoneUnitCaption(resp)),
      h(
        'thead',
        {},
        h('tr', {}, h('th', {}, tr('colUnit')), h('th', { class: 'xc-cov-num' }, tr('colShare')), h('th', { class: 'xc-cov-num' }, tr('colCovered')), h('th', { class: 'xc-cov-num' }, tr('colUncovered'))),
      ),
      h(
        'tbody',
        {},
        ...shown.map((r) =>
          h(
            'tr',
            { 'data-subarea': r.id },
            h('td', {}, (en ? (r.nameEn ?? r.name) : r.name) ?? r.id),
            h('td', { class: 'xc-cov-num' }, shareText(r.coverageShare)),
            h('td', { class: 'xc-cov-num' }, `${areaText(r.coveredSquareMeters)} / ${areaText(r.areaSquareMeters)}`),
            h('td', { class: 'xc-cov-num' }, areaText(Math.max(0, r.areaSquareMeters - r.coveredSquareMeters))),
          ),
        ),
      ),
    ),
    rows.length > shown.length ? h('div', { class: 'xc-cov-sub' }, tr('moreUnits', { n: rows.length - shown.length, shown: shown.length })) : null,
  );
}
