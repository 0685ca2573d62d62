/**
 * Search by Chinese or English partial name over projects, zones, parks, villages, facilities and
 * control areas; choosing a result flies to it and opens its popup. District-wide projects (which
 * have no site) are found too, and say so. A typed coordinate (lon/lat, either way round, or
 * Gauss-Krüger X/Y with or without zone 37: core/coordinate-query.ts, loaded on first use) is offered
 * first as 定位到坐标, or answered with why it is no place in the district.
 */
import type { CoordinateHit, CoordinateQuery } from '../../../core/coordinate-query.ts';
import { formatDegrees } from '../../../core/units.ts';
import { coordinateLines, coordinateReading } from '../tools/goto-marker.ts';
import type { ApiFeature } from '../api.ts';
import { h } from '../dom.ts';
import { Panel } from './panel.ts';
import { onLangChange, pick, t } from '../i18n/index.ts';
import { isUnnamed, type MapLayerModule } from '../layers/layer.ts';
import { featureName, otherName, unplacedKind, type Store } from '../store.ts';

export interface SearchHit {
  layerId: string;
  feature: ApiFeature;
  /** Lower is better: exact, then prefix, then anywhere in the name. */
  rank: number;
  /** Tells apart features of one layer with the same name ("2", "3", …); absent when the name is unique. */
  ordinal?: number;
}

const MAX_RESULTS = 12;

/** Folds case and spaces so "hala qin" finds "Halaqin". */
function normalise(s: string): string {
  return s.toLowerCase().replace(/\s+/g, '');
}

/** Features of the searchable layers whose Chinese or English name contains the query. */
export function searchFeatures(store: Store, modules: readonly MapLayerModule[], query: string): SearchHit[] {
  const q = normalise(query);
  if (!q) return [];
  const hits: SearchHit[] = [];
  for (const m of modules) {
    if (!m.searchable) continue;
    for (const f of store.features.get(m.id) ?? []) {
      // Unnamed features ("未命名公园") are not listed: they are still clickable on the map.
      if (isUnnamed(f.properties)) continue;
      let best = Infinity;
      for (const name of [f.properties.name_zh, f.properties.name_en]) {
        if (typeof name !== 'string' || !name) continue;
        const n = normalise(name);
        const i = n.indexOf(q);
        if (i < 0) continue;
        best = Math.min(best, n === q ? 0 : i === 0 ? 1 : 2);
      }
      if (best < Infinity) hits.push({ layerId: m.id, feature: f, rank: best });
    }
  }
  hits.sort((a, b) => a.rank - b.rank || featureName(a.feature).length - featureName(b.feature).length);
  // The same name twice in one layer (two parts of a park): numbered so the rows differ.
  const seen = new Map<string, SearchHit[]>();
  for (const hit of hits) {
    const key = `${hit.layerId}\u0000${featureName(hit.feature)}`;
    seen.set(key, [...(seen.get(key) ?? []), hit]);
  }
  for (const same of seen.values()) if (same.length > 1) same.forEach((hit, i) => (hit.ordinal = i + 1));
  return hits;
}

export class SearchPanel extends Panel {
  private input: HTMLInputElement | null = null;
  private list: HTMLElement | null = null;
  private hits: SearchHit[] = [];
  private active = 0;
  /** The typed text read as a coordinate (a hit is the first option), or null. */
  private coordinate: CoordinateQuery | null = null;
  private parse: ((text: string) => CoordinateQuery | null) | null = null;
  private parser: Promise<void> | null = null;

  constructor(
    private readonly store: Store,
    private readonly modules: readonly MapLayerModule[],
    private readonly choose: (layerId: string, featureId: string) => void,
    /** Flies to a typed coordinate and marks it. */
    private readonly goTo: (hit: CoordinateHit) => void = () => {},
  ) {
    super();
  }

  /** Loads the coordinate parser (with proj4) once a digit is typed; the list is redrawn when it arrives. */
  private coordinateOf(query: string): CoordinateQuery | null {
    if (!/\d/.test(query)) return null;
    if (this.parse) return this.parse(query);
    this.parser ??= import('../../../core/coordinate-query.ts')
      .then((m) => {
        this.parse = m.parseCoordinateQuery;
        if (this.input === document.activeElement) this.update();
      })
      .catch((err) => console.warn('Coordinate parser could not be loaded:', err));
    return null;
  }

  /** Options before the features: the coordinate, when the text is one. */
  private get offset(): number {
    return this.coordinate?.ok ? 1 : 0;
  }

  private coordinateItem(q: CoordinateQuery): HTMLLIElement {
    const m = t().tools;
    if (!q.ok) {
      const p = m.problem;
      const text =
        q.reason === 'outside'
          ? p.outside(formatDegrees(q.lonLat[0]), formatDegrees(q.lonLat[1]))
          : q.reason === 'wrong-zone'
            ? p.wrongZone(q.zone)
            : q.reason === 'mixed'
              ? p.mixed
              : q.reason === 'not-grid'
                ? p.notGrid
                : p.notDegrees;
      return h('li', { class: 'xc-search-coordinate-problem', role: 'note', 'data-reason': q.reason }, text);
    }
    const [lonLat, gk] = coordinateLines(q);
    const li = h(
      'li',
      { class: 'xc-search-result xc-search-coordinate', role: 'option', 'data-kind': 'coordinate', 'data-input': q.input, 'aria-selected': this.active === 0 ? 'true' : 'false' },
      h('span', { class: 'xc-search-name' }, m.goTo),
      h('span', { class: 'xc-search-other' }, lonLat),
      h('span', { class: 'xc-search-other' }, gk),
      h('span', { class: 'xc-search-other xc-search-read' }, coordinateReading(q)),
    );
    li.addEventListener('mousedown', (e) => {
      e.preventDefault();
      this.pick(0);
    });
    return li;
  }

  onAdd(): HTMLElement {
    this.container = h('div', { class: 'maplibregl-ctrl xc-panel xc-search', role: 'search' });
    this.input = h('input', { type: 'search', class: 'xc-search-input', autocomplete: 'off', spellcheck: 'false' });
    this.list = h('ul', { class: 'xc-search-results', role: 'listbox', id: 'xc-search-results' });
    this.input.setAttribute('aria-controls', 'xc-search-results');
    this.input.addEventListener('input', () => this.update());
    this.input.addEventListener('keydown', (e) => this.onKey(e));
    this.input.addEventListener('focus', () => this.update());
    // Results take `mousedown`, before the blur; the delay covers taps, and a refocus keeps the list.
    this.input.addEventListener('blur', () =>
      setTimeout(() => {
        if (document.activeElement !== this.input) this.hide();
      }, 150),
    );
    this.container.append(this.input, this.list);
    this.listen(
      onLangChange(() => {
        this.label();
        if (this.input === document.activeElement) this.update();
      }),
      this.store.on((c) => c === 'data' && this.input === document.activeElement && this.update()),
    );
    this.label();
    this.hide();
    return this.container;
  }

  private label() {
    if (!this.input) return;
    this.input.placeholder = t().searchPlaceholder;
    this.input.setAttribute('aria-label', t().search);
  }

  private update() {
    if (!this.input || !this.list) return;
    const m = t();
    const query = this.input.value;
    this.hits = searchFeatures(this.store, this.modules, query);
    this.coordinate = this.coordinateOf(query);
    this.active = 0;
    if (!query.trim()) return this.hide();
    const offset = this.offset;
    const shown = this.hits.slice(0, MAX_RESULTS);
    const items = shown.map((hit, j) => {
      const i = j + offset;
      const info = this.store.info.get(hit.layerId);
      const unplaced = unplacedKind(hit.feature);
      const li = h(
        'li',
        { class: 'xc-search-result', role: 'option', 'data-layer': hit.layerId, 'data-feature': hit.feature.id, 'aria-selected': i === this.active ? 'true' : 'false' },
        h('span', { class: 'xc-search-name' }, featureName(hit.feature), hit.ordinal !== undefined && h('span', { class: 'xc-search-ordinal' }, ` (${hit.ordinal})`)),
        otherName(hit.feature) && h('span', { class: 'xc-search-other' }, otherName(hit.feature)),
        h('span', { class: 'xc-search-meta' }, info ? pick(info.titles) : hit.layerId, unplaced && h('span', { class: 'xc-tag' }, unplaced === 'district-wide' ? m.districtWide : m.notLocated)),
      );
      li.addEventListener('mousedown', (e) => {
        e.preventDefault();
        this.pick(i);
      });
      return li;
    });
    if (this.coordinate) items.unshift(this.coordinateItem(this.coordinate));
    if (items.length === 0) items.push(h('li', { class: 'xc-search-empty' }, m.searchNoResults));
    if (this.hits.length > MAX_RESULTS) items.push(h('li', { class: 'xc-search-empty' }, m.searchMore(this.hits.length - MAX_RESULTS)));
    this.list.replaceChildren(...items);
    this.list.hidden = false;
  }

  private onKey(e: KeyboardEvent) {
    const n = Math.min(this.hits.length, MAX_RESULTS) + this.offset;
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      if (n === 0) return;
      this.active = (this.active + (e.key === 'ArrowDown' ? 1 : n - 1)) % n;
      this.list?.querySelectorAll('.xc-search-result').forEach((li, i) => li.setAttribute('aria-selected', i === this.active ? 'true' : 'false'));
    } else if (e.key === 'Enter') {
      if (n > 0) this.pick(this.active);
    } else if (e.key === 'Escape') {
      this.hide();
    }
  }

  private pick(i: number) {
    if (this.coordinate?.ok && i === 0) {
      const q = this.coordinate;
      this.hide();
      this.goTo(q);
      return;
    }
    const hit = this.hits[i - this.offset];
    if (!hit) return;
    this.hide();
    this.choose(hit.layerId, hit.feature.id);
  }

  private hide() {
    if (this.list) this.list.hidden = true;
  }
}
