/**
 * The coverage panel's parts for issue 14's remaining items: GB 50180-2018's life circles as walking
 * distances (with the network method), the state of the browser's copy of the network for the instant
 * what-if, and coverage per sub-area (each feature of the denominator layer) and per zone in the
 * denominator's unit (land area, or people with a population layer). Strings in both languages here
 * (pick()), as in inputs-view.ts.
 */
import { LIFE_CIRCLE_SOURCE, LIFE_CIRCLES } from '../../../core/analysis/coverage-rules.ts';
import { h } from '../dom.ts';
import { getLang, pick } from '../i18n/index.ts';
import { areaText, distanceText, shareText } from './format.ts';
import type { CoverageResponse } from './types.ts';

const T = {
  lifeCircle: { zh: '生活圈（步行距离）', en: 'Life circle (walking distance)' },
  lifeCircleNone: { zh: '按设施类型或自定义距离', en: 'By facility type or a distance of your own' },
  unconfirmed: { zh: '（未核实）', en: ' (unconfirmed)' },
  lifeCircleUsed: { zh: '所用距离对应', en: 'The distance used is the' },
  loading: { zh: '正在载入路网，载入后新增设施按步行距离即时估算……', en: 'Loading the network: once it is here, new facilities are estimated by walking distance at once…' },
  ready: {
    zh: '即时估算：新增设施沿路网步行可达的路段两侧各 {buffer} 米（浏览器内计算，与服务器相同的路网算法），新增覆盖按未覆盖范围的栅格单元计（单元中心落在可达路段的缓冲区内即计入，缓冲区形状与服务器相同；误差约 3% 以内）；随后以服务器的精确结果为准。',
    en: 'Instant estimate: {buffer} m each side of the streets a new facility reaches on foot (computed in the browser with the server’s network code), the gain counted in cells of the uncovered area (a cell counts when its centre lies in a reached street’s buffer, shaped as on the server; within about 3 %); the server’s exact figures follow.',
  },
  searched: {
    zh: '上一个设施：{len} 路段，估算 {ms} 毫秒（路网搜索 {search} 毫秒，{cell} 米栅格 {grid} 毫秒）',
    en: 'Last facility: {len} of streets, estimated in {ms} ms (network search {search} ms, {cell} m cells {grid} ms)',
  },
  tooLarge: {
    zh: '路网有 {edges} 条路段，超过浏览器即时估算的上限 {max} 条：新增设施的效果由服务器计算（稍候显示）。',
    en: 'The network has {edges} edges, more than the browser’s instant estimate takes ({max}): the server computes what new facilities add (shown shortly).',
  },
  failed: { zh: '路网未能载入（{error}）：新增设施的效果由服务器计算。', en: 'The network could not be loaded ({error}): the server computes what new facilities add.' },
  offNetwork: { zh: '该点距路网超过 {max} 米：在路网上不可达，不增加覆盖。', en: 'This point is more than {max} m from the network: it reaches nothing on it.' },
  bySubArea: { zh: '分单元覆盖（{layer}，共 {n} 个）', en: 'Coverage by unit ({layer}, {n} in all)' },
  colUnit: { zh: '单元', en: 'Unit' },
  colShare: { zh: '覆盖率', en: 'Share' },
  colCovered: { zh: '已覆盖 / 面积', en: 'Covered / area' },
  colUncovered: { zh: '未覆盖', en: 'Not covered' },
  moreUnits: { zh: '另有 {n} 个单元未列出（按未覆盖面积从大到小列出前 {shown} 个）。', en: '{n} more units not listed (the {shown} with the most uncovered land are listed).' },
  zoneUnitLand: { zh: '单位：{land}面积（平方米 / 公顷）', en: 'Unit: area of {land} (m² / ha)' },
  zonePeople: { zh: '覆盖人口 / 人口（人）', en: 'People covered / people' },
} as const;
const tr = (k: keyof typeof T, vars: Record<string, string | number> = {}) => pick(T[k]).replace(/\{(\w+)\}/g, (_, v: string) => String(vars[v] ?? ''));
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
