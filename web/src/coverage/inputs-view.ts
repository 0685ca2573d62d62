/**
 * The coverage panel's inputs (issue 14): which land the share is of (an area layer, residential land
 * by default), which population layer and field, radius or walking distance on which network — and,
 * with a result, the inputs it used (layers with version, date and count) and the people covered
 * beside the plan's census figure. Strings: `coverageInputs` in i18n/zh.ts and en.ts.
 */
import { h } from '../dom.ts';
import { getLang, pick, t, type Messages } from '../i18n/index.ts';
import type { CoverageInputChoices, CoverageRequest, CoverageResponse } from './types.ts';

/** The panel's choice of inputs: '' = the server's default. */
export interface InputSettings {
  /** '' residential land by default (when imported), WHOLE_AREA the whole area, else an area layer id. */
  denominator: string;
  /** '' none, else `<collection>|<field>`. */
  population: string;
  method: 'radius' | 'network';
  network: string;
  /** '' no candidate-land layer (suggestions anywhere outside the control layers), else a polygon layer id. */
  candidates: string;
}

export const WHOLE_AREA = '__whole__';
export const defaultInputSettings = (): InputSettings => ({ denominator: '', population: '', method: 'radius', network: '', candidates: '' });

const tr = (k: keyof Messages['coverageInputs']) => t().coverageInputs[k];
const num = (n: number) => Math.round(n).toLocaleString(getLang() === 'zh' ? 'zh-CN' : 'en');

/** The request fields of `s` (only those the user chose; the server's defaults otherwise). */
export function inputsRequest(s: InputSettings): Partial<CoverageRequest> {
  const out: Partial<CoverageRequest> = {};
  if (s.denominator === WHOLE_AREA) out.denominator = null;
  else if (s.denominator) out.denominator = s.denominator;
  if (s.population) {
    const [collection, field] = s.population.split('|');
    out.population = { collection, field };
  }
  if (s.method === 'network' && s.network) {
    out.method = 'network';
    out.network = s.network;
  }
  if (s.candidates) out.candidates = s.candidates;
  return out;
}

/** The inputs part of the settings form: selects that write into `s`. */
export function inputsSettings(choices: CoverageInputChoices | null, s: InputSettings, changed: () => void): HTMLElement {
  const c = choices ?? { denominators: [], defaultDenominator: null, populations: [], networks: [], candidates: [], planPopulation: null };
  const option = (value: string, text: string, selected: boolean) => h('option', { value, selected }, text);
  const denominator = h(
    'select',
    { class: 'xc-cov-denominator-select', 'aria-label': tr('denominator') },
    option('', c.defaultDenominator ? `${tr('defaultResidential')}（${pick(c.denominators.find((d) => d.id === c.defaultDenominator)!.title)}）` : tr('defaultWhole'), s.denominator === ''),
    option(WHOLE_AREA, tr('whole'), s.denominator === WHOLE_AREA),
    ...c.denominators.map((d) => option(d.id, pick(d.title), s.denominator === d.id)),
  );
  denominator.addEventListener('change', () => {
    s.denominator = denominator.value;
    changed();
  });
  const population = h(
    'select',
    { class: 'xc-cov-population', 'aria-label': tr('population') },
    option('', tr('noPopulation'), s.population === ''),
    ...c.populations.flatMap((p) => p.fields.map((f) => option(`${p.id}|${f}`, `${pick(p.title)} · ${f}`, s.population === `${p.id}|${f}`))),
  );
  population.addEventListener('change', () => {
    s.population = population.value;
    changed();
  });
  const method = h(
    'select',
    { class: 'xc-cov-method', 'aria-label': tr('method') },
    option('radius', tr('radius'), s.method === 'radius'),
    option('network', tr('network'), s.method === 'network'),
  );
  if (!s.network && c.networks.length) s.network = c.networks[0].id;
  const network = h(
    'select',
    { class: 'xc-cov-network', 'aria-label': tr('networkLayer'), disabled: s.method !== 'network' || !c.networks.length },
    ...(c.networks.length ? c.networks.map((n) => option(n.id, pick(n.title), s.network === n.id)) : [option('', tr('noNetwork'), true)]),
  );
  method.addEventListener('change', () => {
    s.method = method.value as InputSettings['method'];
    network.disabled = s.method !== 'network' || !c.networks.length;
    changed();
  });
  network.addEventListener('change', () => {
    s.network = network.value;
    changed();
  });
  const candidates = h(
    'select',
    { class: 'xc-cov-candidates', 'aria-label': tr('candidates'), disabled: !c.candidates.length },
    option('', c.candidates.length ? tr('noCandidates') : tr('noCandidateLayers'), s.candidates === ''),
    ...c.candidates.map((d) => option(d.id, pick(d.title), s.candidates === d.id)),
  );
  candidates.addEventListener('change', () => {
    s.candidates = candidates.value;
    changed();
  });
  return h(
    'div',
    { class: 'xc-cov-inputs-settings' },
    h('div', { class: 'xc-cov-sub' }, tr('inputs')),
    h('label', { class: 'xc-cov-field' }, h('span', {}, tr('denominator')), denominator),
    h('label', { class: 'xc-cov-field' }, h('span', {}, tr('population')), population),
    h('label', { class: 'xc-cov-field' }, h('span', {}, tr('method')), method),
    h('label', { class: 'xc-cov-field' }, h('span', {}, tr('networkLayer')), network),
    h('label', { class: 'xc-cov-field' }, h('span', {}, tr('candidates')), candidates),
  );
}

/** What a result used, and its people figures: `.xc-cov-inputs` and `.xc-cov-people`. */
export function inputsUsed(resp: CoverageResponse): HTMLElement | null {
  const i = resp.inputs;
  if (!i) return null;
  const zh = getLang() === 'zh';
  const layer = (id: string, version: number | null, date: string | null) => `${id}${version !== null ? ` v${version}` : ''}${date ? ` · ${date}` : ''}`;
  const land = i.denominator
    ? `${pick(i.denominator.title)}（${layer(i.denominator.collection, i.denominator.version, i.denominator.date)}，${i.denominator.count}）${i.denominator.byDefault ? tr('byDefault') : ''}`
    : tr('wholeUsed');
  const facilities = i.facilities.map((f) => `${layer(f.collection, f.version, f.date)}：${f.count}`).join('；');
  const methodText = i.method === 'network' && i.network ? `${tr('network')} · ${layer(i.network.collection, i.network.version, i.network.date)}` : tr('radius');
  const pop = resp.population;
  return h(
    'div',
    { class: 'xc-cov-inputs', 'data-method': i.method, 'data-denominator': i.denominator?.collection ?? '' },
    h('div', { class: 'xc-cov-sub' }, tr('used')),
    h(
      'dl',
      { class: 'xc-cov-facts' },
      h('dt', {}, tr('methodUsed')),
      h('dd', { class: 'xc-cov-inputs-method' }, methodText),
      h('dt', {}, tr('land')),
      h('dd', { class: 'xc-cov-inputs-land' }, land),
      h('dt', {}, tr('facilities')),
      h('dd', { class: 'xc-cov-inputs-facilities' }, facilities),
      i.candidates ? h('dt', {}, tr('candidatesUsed')) : null,
      i.candidates ? h('dd', { class: 'xc-cov-inputs-candidates' }, layer(i.candidates.collection, i.candidates.version, null)) : null,
      pop ? h('dt', {}, tr('people')) : null,
      pop ? h('dd', { class: 'xc-cov-inputs-population' }, `${pick(pop.title)} · ${pop.field}（${layer(pop.collection, i.population?.version ?? null, i.population?.date ?? null)}）`) : null,
    ),
    pop
      ? h(
          'dl',
          { class: 'xc-cov-facts xc-cov-people', 'data-covered': String(pop.coveredPeople), 'data-uncovered': String(pop.uncoveredPeople) },
          h('dt', {}, tr('peopleCovered')),
          h('dd', { class: 'xc-cov-people-covered' }, `${num(pop.coveredPeople)}（${(pop.coveredShare * 100).toFixed(1)} %）`),
          h('dt', {}, tr('peopleUncovered')),
          h('dd', { class: 'xc-cov-people-uncovered' }, num(pop.uncoveredPeople)),
          h('dt', {}, tr('peopleTotal')),
          h('dd', {}, num(pop.total)),
          h('dt', {}, tr('planFigure')),
          h('dd', { class: 'xc-cov-people-plan' }, `${num(pop.planFigure.people)} ${pick(pop.planFigure.title)}`),
          h('dd', { class: 'xc-cov-sub' }, zh ? pop.methodZh : pop.method),
        )
      : null,
  );
}
