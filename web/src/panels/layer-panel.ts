/**
 * The layer panel: per layer a switch, an opacity slider, the legend, a badge when the data is
 * indicative, and the source and licence line from the dataset's provenance.
 */
import { drawnFromTiles } from '../../../core/tiling.ts';
import type { ExportChoice } from '../../../core/export/formats.ts';
import { exportPicker } from '../export/export-picker.ts';
import type { Provenance } from '../api.ts';
import { h } from '../dom.ts';
import { Panel } from './panel.ts';
import { getLang, onLangChange, pick, t } from '../i18n/index.ts';
import type { MapLayerModule } from '../layers/layer.ts';
import { featureName, layerQuality, unplacedKind, type Store } from '../store.ts';
import { legendSymbol } from './legend-symbol.ts';

/** Phones: the panel starts folded, so the map comes first (kept in step with style.css). */
export const PHONE_QUERY = '(max-width: 640px)';

export class LayerPanel extends Panel {
  /**
   * Whether the layer list is shown, per view: the planner's starts open except on phones; the
   * investor view's starts folded to a "Layers" button and opens to a compact legend.
   */
  private readonly open = { planner: !matchMedia(PHONE_QUERY).matches, presentation: false };
  private readonly openListeners = new Set<(open: boolean) => void>();

  constructor(
    private readonly store: Store,
    private readonly modules: readonly MapLayerModule[],
    /** Opens a district-wide project's popup (they have no place on the map to click). */
    private readonly choose: (layerId: string, featureId: string) => void,
    /** Downloads a layer in the chosen format (absent in the investor view's own panels). */
    private readonly exportLayer?: (layerId: string, choice: ExportChoice) => Promise<void>,
    /** Opens a layer's attribute table (absent in the investor view's own panels). */
    private readonly openTable?: (layerId: string) => void,
  ) {
    super();
  }

  /** Whether the layer list is shown (not folded to its title) in the current view. */
  get isOpen(): boolean {
    return this.open[this.store.mode];
  }

  /** Shows or folds the layer list in the current view. */
  setOpen(open: boolean): void {
    if (this.open[this.store.mode] === open) return;
    this.open[this.store.mode] = open;
    this.render();
    for (const fn of this.openListeners) fn(open);
  }

  /** Calls `fn` when the user or the app folds or opens the list; returns the unsubscribe. */
  onOpenChange(fn: (open: boolean) => void): () => void {
    this.openListeners.add(fn);
    return () => this.openListeners.delete(fn);
  }

  onAdd(): HTMLElement {
    this.container = h('div', { class: 'maplibregl-ctrl xc-panel xc-layer-panel' });
    this.listen(
      onLangChange(() => this.render()),
      // Visibility and opacity changes only sync the inputs: rebuilding would break a slider drag.
      this.store.on((c) => {
        if (c === 'layers') this.sync();
        else if (c === 'data') this.render();
        else if (c === 'mode') {
          this.open.presentation = false;
          this.render();
        }
      }),
    );
    this.render();
    return this.container;
  }

  private render() {
    if (!this.container) return;
    const m = t();
    const sections = this.modules.filter((mod) => this.store.info.has(mod.id)).map((mod) => this.section(mod));
    const open = this.isOpen;
    // The title folds and opens the list, in both views (on a phone or beside the dock it takes room).
    const button = h('button', { type: 'button', class: 'xc-layer-panel-toggle', 'aria-expanded': String(open), title: open ? m.hideLayerPanel : m.showLayerPanel }, m.layers);
    button.addEventListener('click', () => {
      this.setOpen(!this.isOpen);
      this.container?.querySelector<HTMLElement>('.xc-layer-panel-toggle')?.focus();
    });
    const title = h('h2', { class: 'xc-panel-title' }, button);
    this.container.classList.toggle('xc-layer-panel-folded', !open);
    this.container.replaceChildren(title, ...sections);
    this.sync();
  }

  private section(mod: MapLayerModule): HTMLElement {
    const m = t();
    const info = this.store.info.get(mod.id)!;
    const state = this.store.layer(mod.id);
    const features = this.store.features.get(mod.id) ?? [];
    // A large collection is drawn from tiles: its features are not all in the browser, its count is the server's.
    const tiled = drawnFromTiles(info.numberOfFeatures);
    const count = tiled ? (info.numberOfFeatures ?? 0) : features.length;
    const ctx = this.store.context(mod.id);
    const title = pick(info.titles);

    const toggle = h('input', { type: 'checkbox', class: 'xc-layer-toggle', 'aria-label': m.showLayer(title) });
    toggle.addEventListener('change', () => this.store.setLayer(mod.id, { visible: toggle.checked }));

    const quality = layerQuality(info, features);
    const badge =
      quality === 'indicative'
        ? h('span', { class: 'xc-badge xc-badge-indicative', title: m.indicativeTitle }, m.indicative)
        : quality === 'partly-indicative'
          ? h('span', { class: 'xc-badge xc-badge-partly', title: m.partlyIndicativeTitle }, m.partlyIndicative)
          : null;

    const status =
      state.load === 'loading' || state.load === 'waiting'
        ? h('span', { class: 'xc-spinner xc-spinner-small', title: m.loading })
        : state.load === 'error'
          ? h('span', { class: 'xc-layer-error', title: state.error ?? '' }, '!')
          : h('span', { class: 'xc-layer-count', title: m.featureCount(count) }, String(count));

    const head = h(
      'div',
      { class: 'xc-layer-head' },
      h('label', { class: 'xc-layer-label' }, toggle, h('span', { class: 'xc-layer-title' }, title)),
      badge,
      status,
    );

    const body = h('div', { class: 'xc-layer-body' });
    if (state.load === 'ready' && count === 0) {
      body.append(h('div', { class: 'xc-layer-empty' }, m.noData));
    } else {
      if (tiled) body.append(h('div', { class: 'xc-layer-empty xc-layer-tiled' }, m.tiledNote));
      const legend = mod.legend(ctx);
      if (legend.length) {
        body.append(
          h(
            'ul',
            { class: `xc-legend${legend.length > 4 ? ' xc-legend-columns' : ''}`, 'aria-label': `${m.legend}: ${title}` },
            ...legend.map((item) =>
              h(
                'li',
                { class: 'xc-legend-item' },
                legendSymbol(item.symbol),
                h('span', { class: 'xc-legend-label', title: item.label }, item.label),
                item.count !== undefined && h('span', { class: 'xc-legend-count' }, String(item.count)),
              ),
            ),
          ),
        );
      }
    }
    {
      const unplaced = features.filter((f) => unplacedKind(f) !== null);
      const allDistrictWide = unplaced.every((f) => unplacedKind(f) === 'district-wide');
      if (unplaced.length) {
        body.append(
          h(
            'details',
            { class: 'xc-unplaced' },
            h('summary', {}, allDistrictWide ? m.districtWideList(unplaced.length) : m.notLocatedList(unplaced.length)),
            h(
              'ul',
              {},
              ...unplaced.map((f) => {
                const b = h('button', { type: 'button', class: 'xc-link', 'data-feature': f.id }, featureName(f));
                b.addEventListener('click', () => this.choose(mod.id, f.id));
                return h('li', {}, b);
              }),
            ),
          ),
        );
      }
    }
    const slider = h('input', { type: 'range', min: '0', max: '100', step: '5', class: 'xc-opacity-slider', 'aria-label': `${m.opacity}: ${title}` });
    slider.addEventListener('input', () => this.store.setLayer(mod.id, { opacity: Number(slider.value) / 100 }));
    body.append(h('label', { class: 'xc-opacity' }, h('span', {}, m.opacity), slider));
    const source = sourceLine(info.provenance);
    if (source) body.append(h('div', { class: 'xc-layer-source', title: source }, source));
    const about = aboutData(info.provenance);
    if (about) body.append(about);
    if (this.openTable && this.store.mode === 'planner' && features.length) {
      const openTable = this.openTable;
      const b = h('button', { type: 'button', class: 'xc-layer-table xc-link', 'data-layer': mod.id, title: m.table.openTitle(title) }, m.table.open);
      b.addEventListener('click', () => openTable(mod.id));
      body.append(b);
    }
    if (this.exportLayer && info.geometry !== 'none' && features.length) {
      const exportLayer = this.exportLayer;
      const details = h('details', { class: 'xc-layer-export' }, h('summary', {}, t().exporting.layer));
      details.addEventListener('toggle', () => {
        if (details.open && details.childElementCount === 1) details.append(exportPicker(title, (choice) => exportLayer(mod.id, choice)));
      });
      body.append(details);
    }

    return h('section', { class: 'xc-layer', 'data-layer': mod.id }, head, body);
  }

  /** Brings the switches and sliders in line with the store without rebuilding them. */
  private sync() {
    if (!this.container) return;
    for (const section of this.container.querySelectorAll<HTMLElement>('.xc-layer')) {
      const s = this.store.layer(section.dataset.layer!);
      section.classList.toggle('xc-layer-off', !s.visible);
      const toggle = section.querySelector<HTMLInputElement>('.xc-layer-toggle');
      if (toggle) toggle.checked = s.visible;
      const slider = section.querySelector<HTMLInputElement>('.xc-opacity-slider');
      if (slider && document.activeElement !== slider) slider.value = String(Math.round(s.opacity * 100));
    }
  }
}

/** "Source: … · Licence: …" from a dataset's provenance (its short attribution when it has one). */
export function sourceLine(p: Provenance | null): string {
  if (!p) return '';
  const m = t();
  const names = sourceList(p.sources).map((s) => s.name);
  const sources = inLang(p, 'attribution') || (names.length > 2 ? `${names.slice(0, 2).join(m.listSeparator)}…` : names.join(m.listSeparator));
  if (!sources && !p.licence) return '';
  return m.sourceLine(sources || m.unknownSource, inLang(p, 'licence'));
}

/** The dataset's full provenance (date, CRS, method, notes, every source) behind a disclosure. */
function aboutData(p: Provenance | null): HTMLElement | null {
  if (!p) return null;
  const m = t();
  const rows: [string, string][] = [
    [m.about.date, p.date ?? ''],
    [m.about.crs, p.crs ?? ''],
    [m.about.licence, inLang(p, 'licence')],
    [m.about.method, inLang(p, 'method')],
    [m.about.notes, inLang(p, 'notes')],
  ];
  const sources = sourceList(p.sources);
  if (rows.every(([, v]) => !v) && sources.length === 0) return null;
  return h(
    'details',
    { class: 'xc-layer-about' },
    h('summary', {}, m.aboutData),
    h('dl', {}, ...rows.filter(([, v]) => v).flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v)])),
    sources.length > 0 &&
      h(
        'div',
        {},
        h('div', { class: 'xc-layer-about-heading' }, m.about.sources),
        h('ol', {}, ...sources.map((s) => h('li', {}, [s.name, s.date, s.licence].filter(Boolean).join(' · ')))),
      ),
  );
}

interface SourceEntry {
  name: string;
  date?: string;
  licence?: string;
}

/** Provenance `sources` as a list, whether given as strings or as objects. */
function sourceList(sources: unknown): SourceEntry[] {
  const list = Array.isArray(sources) ? sources : sources ? [sources] : [];
  return list
    .map((s): SourceEntry => {
      if (typeof s === 'string') return { name: s };
      if (s && typeof s === 'object') {
        const o = s as Record<string, unknown>;
        const zh = getLang() === 'zh';
        const name = String((zh && o.name_zh) || o.name || o.title || o.title_en || o.title_zh || o.url_or_path || o.url || '');
        const licence = (zh && o.licence_zh) || o.licence;
        return { name, date: o.date ? String(o.date) : undefined, licence: licence ? String(licence) : undefined };
      }
      return { name: '' };
    })
    .filter((s) => s.name);
}

/**
 * A provenance text in the UI's language: the `<key>_zh` version in Chinese when the dataset gives
 * one (issue 13 #9), else the text as written.
 */
export function inLang(p: Provenance, key: 'licence' | 'method' | 'notes' | 'attribution'): string {
  const zh = (p as unknown as Record<string, unknown>)[`${key}_zh`];
  if (getLang() === 'zh' && typeof zh === 'string' && zh) return zh;
  return String(p[key] ?? '');
}
