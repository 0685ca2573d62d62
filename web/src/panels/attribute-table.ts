/**
 * A layer's attribute table (issue 13), opened from the layer panel: one row per feature, columns
 * titled from the catalogue (core/catalog.ts) in the UI's language; sort by a column, filter by
 * text, select rows (a row click zooms to its feature and highlights it; a feature chosen on the
 * map selects its row), and export the selection as CSV (UTF-8 with BOM) or GeoJSON.
 */
import { formatAreaSquareMeters } from '../../../core/units.ts';
import type { PropertyDef } from '../../../core/catalog.ts';
import type { ApiFeature } from '../api.ts';
import { download, h } from '../dom.ts';
import { getLang, label, onLangChange, pick, t, type Messages } from '../i18n/index.ts';
import type { FeatureInteraction } from '../interaction.ts';
import { featureName, type Store } from '../store.ts';
import { featureSource } from '../popup.ts';
import './attribute-table.css';

interface Column {
  key: string;
  title: string;
  numeric: boolean;
}

/** Coded values read through the UI's label tables, so the table shows words, not codes. */
const CODE_TABLES: Record<string, (m: Messages) => Record<string, string>> = {
  quality: (m) => m.quality,
  status: (m) => m.status,
  sector: (m) => m.sector,
  location_quality: (m) => m.locationQuality,
  kind: (m) => m.controlKind,
  park_class: (m) => m.parkClass,
  type: (m) => m.facilityType,
  role: (m) => m.role,
};

/** Columns never shown: the Chinese source is the 来源 column's text in Chinese; label points are drawing aids. */
const HIDDEN = new Set(['source_zh', 'label_lon', 'label_lat', 'color']);

export class AttributeTable {
  private el: HTMLElement | null = null;
  private layerId: string | null = null;
  private sortKey: string | null = null;
  private sortDir: 1 | -1 = 1;
  private filterText = '';
  private selected = new Set<string>();

  constructor(
    private readonly container: HTMLElement,
    private readonly store: Store,
    private readonly interaction: FeatureInteraction,
  ) {
    onLangChange(() => this.render());
    store.on((c) => {
      if (c === 'data') this.render();
      // The investor view has no attribute tables.
      if (c === 'mode' && store.mode !== 'planner') this.close();
    });
    // A feature chosen on the map (or anywhere) selects its row.
    interaction.onSelect((s) => {
      if (!this.el || !s || s.layerId !== this.layerId || this.selected.has(s.featureId)) return;
      this.selected = new Set([s.featureId]);
      this.render();
      this.el.querySelector<HTMLElement>(`tr[data-feature="${CSS.escape(s.featureId)}"]`)?.scrollIntoView({ block: 'nearest' });
    });
  }

  /** The layer whose table is open, or null. */
  get openLayer(): string | null {
    return this.layerId;
  }

  open(layerId: string): void {
    if (this.layerId !== layerId) {
      this.layerId = layerId;
      this.sortKey = null;
      this.filterText = '';
      const current = this.interaction.current;
      this.selected = new Set(current?.layerId === layerId ? [current.featureId] : []);
    }
    this.render();
    this.el?.querySelector<HTMLElement>('.xc-attr-filter')?.focus();
  }

  close(): void {
    this.el?.remove();
    this.el = null;
    this.layerId = null;
  }

  private columns(): Column[] {
    const info = this.layerId ? this.store.info.get(this.layerId) : undefined;
    const features = this.features();
    const props: Record<string, PropertyDef> = info?.properties ?? {};
    const lang = getLang();
    return Object.entries(props)
      .filter(([key]) => !HIDDEN.has(key))
      // One language's texts: in Chinese the *_en columns go (the names stay, both), in English the *_zh ones that have an English twin.
      .filter(([key]) => key.startsWith('name_') || (lang === 'zh' ? !key.endsWith('_en') : !(key.endsWith('_zh') && `${key.slice(0, -3)}_en` in props)))
      .filter(([key]) => features.some((f) => !empty(f.properties[key])))
      .map(([key, def]) => ({ key, title: pick(def.title), numeric: def.type === 'number' || def.type === 'integer' }));
  }

  private features(): ApiFeature[] {
    return this.layerId ? (this.store.features.get(this.layerId) ?? []) : [];
  }

  /** A cell's text in the UI's language. */
  private text(f: ApiFeature, key: string): string {
    const m = t();
    const v = f.properties[key];
    if (key === 'source') return featureSource(f);
    if (empty(v)) return '';
    if (key === 'area_square_meters') return formatAreaSquareMeters(Number(v), getLang());
    if (key === 'zone_id') return this.store.zoneName(String(v)) ?? String(v);
    if (CODE_TABLES[key]) return label(CODE_TABLES[key](m), v);
    if (typeof v === 'boolean') return v ? m.table.yes : m.table.no;
    if (Array.isArray(v)) return v.map(String).join(m.listSeparator);
    if (typeof v === 'number') return new Intl.NumberFormat(m.htmlLang).format(v);
    return String(v);
  }

  /** The rows shown: filtered by the text typed, in the chosen order. */
  private rows(columns: Column[]): ApiFeature[] {
    const q = this.filterText.trim().toLowerCase();
    let rows = this.features();
    if (q) rows = rows.filter((f) => featureName(f).toLowerCase().includes(q) || columns.some((c) => this.text(f, c.key).toLowerCase().includes(q)));
    const key = this.sortKey;
    if (key) {
      const col = columns.find((c) => c.key === key);
      const value = (f: ApiFeature) => (col?.numeric ? Number(f.properties[key]) : this.text(f, key));
      rows = [...rows].sort((a, b) => {
        const va = value(a);
        const vb = value(b);
        // Empty cells last whichever the direction.
        const ea = typeof va === 'number' ? !Number.isFinite(va) || empty(a.properties[key]) : va === '';
        const eb = typeof vb === 'number' ? !Number.isFinite(vb) || empty(b.properties[key]) : vb === '';
        if (ea || eb) return Number(ea) - Number(eb);
        const c = typeof va === 'number' && typeof vb === 'number' ? va - vb : String(va).localeCompare(String(vb), t().htmlLang);
        return c * this.sortDir;
      });
    }
    return rows;
  }

  private render(): void {
    if (!this.layerId) return;
    const info = this.store.info.get(this.layerId);
    if (!info) return this.close();
    const m = t();
    const columns = this.columns();
    const all = this.features();
    const rows = this.rows(columns);
    const layerTitle = pick(info.titles);

    const filter = h('input', { type: 'search', class: 'xc-attr-filter', placeholder: m.table.filterPlaceholder, 'aria-label': m.table.filter, value: this.filterText });
    filter.value = this.filterText;
    filter.addEventListener('input', () => {
      this.filterText = filter.value;
      this.renderBody(columns);
    });
    const close = h('button', { type: 'button', class: 'xc-attr-close', title: m.table.close, 'aria-label': m.table.close }, '×');
    close.addEventListener('click', () => this.close());
    const csv = h('button', { type: 'button', class: 'xc-attr-export-csv xc-cmp-button' }, m.table.exportCsv);
    csv.addEventListener('click', () => this.exportCsv());
    const geojson = h('button', { type: 'button', class: 'xc-attr-export-geojson xc-cmp-button' }, m.table.exportGeojson);
    geojson.addEventListener('click', () => this.exportGeojson());
    const clear = h('button', { type: 'button', class: 'xc-attr-clear xc-link' }, m.table.clearSelection);
    clear.addEventListener('click', () => {
      this.selected.clear();
      this.renderBody(columns);
    });

    const head = h(
      'tr',
      {},
      ...columns.map((c) => {
        const sorted = this.sortKey === c.key;
        const b = h('button', { type: 'button', class: 'xc-attr-sort', title: m.table.sortBy(c.title) }, c.title, sorted ? (this.sortDir === 1 ? ' ▲' : ' ▼') : '');
        b.addEventListener('click', () => {
          if (this.sortKey === c.key) this.sortDir = this.sortDir === 1 ? -1 : 1;
          else {
            this.sortKey = c.key;
            this.sortDir = 1;
          }
          this.render();
        });
        return h('th', { 'data-column': c.key, 'aria-sort': sorted ? (this.sortDir === 1 ? 'ascending' : 'descending') : 'none', class: c.numeric ? 'xc-attr-num' : undefined }, b);
      }),
    );
    const table = h('table', { class: 'xc-attr-grid' }, h('thead', {}, head), h('tbody', {}));
    const el = h(
      'section',
      { class: 'xc-attr-table', 'data-layer': this.layerId, role: 'region', 'aria-label': m.table.title(layerTitle) },
      h(
        'div',
        { class: 'xc-attr-bar' },
        h('h2', { class: 'xc-attr-title' }, m.table.title(layerTitle)),
        filter,
        h('span', { class: 'xc-attr-count' }, m.table.rows(rows.length, all.length)),
        h('span', { class: 'xc-attr-selected' }),
        clear,
        csv,
        geojson,
        close,
      ),
      h('div', { class: 'xc-attr-scroll' }, table),
    );
    const hadFocus = this.el?.contains(document.activeElement) && document.activeElement?.classList.contains('xc-attr-filter');
    if (this.el) this.el.replaceWith(el);
    else this.container.append(el);
    this.el = el;
    this.renderBody(columns);
    if (hadFocus) filter.focus();
  }

  /** The rows alone (typing in the filter keeps the input and its focus). */
  private renderBody(columns: Column[]): void {
    if (!this.el) return;
    const m = t();
    const rows = this.rows(columns);
    const tbody = this.el.querySelector('tbody')!;
    tbody.replaceChildren(
      ...rows.map((f) => {
        const tr = h(
          'tr',
          { 'data-feature': f.id, 'aria-selected': String(this.selected.has(f.id)), class: this.selected.has(f.id) ? 'xc-attr-row-selected' : undefined },
          ...columns.map((c) => h('td', { class: c.numeric ? 'xc-attr-num' : undefined }, this.text(f, c.key))),
        );
        tr.addEventListener('click', (e) => this.choose(f.id, e.ctrlKey || e.metaKey));
        return tr;
      }),
    );
    if (rows.length === 0) tbody.append(h('tr', {}, h('td', { colspan: String(columns.length), class: 'xc-attr-empty' }, m.table.noRows)));
    this.el.querySelector('.xc-attr-count')!.textContent = m.table.rows(rows.length, this.features().length);
    this.el.querySelector('.xc-attr-selected')!.textContent = this.selected.size ? m.table.selected(this.selected.size) : '';
    for (const b of this.el.querySelectorAll<HTMLButtonElement>('.xc-attr-export-csv, .xc-attr-export-geojson, .xc-attr-clear')) b.disabled = this.selected.size === 0;
  }

  /** A row click selects it (Ctrl/⌘ adds it to the selection or takes it out), zooms to its feature and highlights it. */
  private choose(featureId: string, add: boolean): void {
    if (!this.layerId) return;
    if (add && this.selected.has(featureId)) {
      this.selected.delete(featureId);
      this.renderBody(this.columns());
      return;
    }
    if (!add) this.selected.clear();
    this.selected.add(featureId);
    this.renderBody(this.columns());
    this.interaction.focus(this.layerId, featureId);
  }

  private selection(): ApiFeature[] {
    return this.features().filter((f) => this.selected.has(f.id));
  }

  private fileName(ext: string): string {
    return `${this.layerId}-${new Date().toISOString().slice(0, 10)}.${ext}`;
  }

  /** The selected rows as CSV: UTF-8 with a BOM (Excel reads Chinese right), headers in the UI's language. */
  private exportCsv(): void {
    const m = t();
    const columns = this.columns();
    const header = [m.table.id, ...columns.map((c) => (c.key === 'area_square_meters' ? m.table.areaHeader(c.title) : c.title))];
    const lines = this.selection().map((f) => [
      f.id,
      ...columns.map((c) => (c.key === 'area_square_meters' && !empty(f.properties[c.key]) ? String(f.properties[c.key]) : c.numeric && !empty(f.properties[c.key]) ? String(f.properties[c.key]) : this.text(f, c.key))),
    ]);
    const csv = [header, ...lines].map((r) => r.map(csvCell).join(',')).join('\r\n');
    download(this.fileName('csv'), `\ufeff${csv}\r\n`, 'text/csv;charset=utf-8');
  }

  private exportGeojson(): void {
    const fc = { type: 'FeatureCollection', features: this.selection().map((f) => ({ type: 'Feature', id: f.id, geometry: f.geometry, properties: f.properties })) };
    download(this.fileName('geojson'), JSON.stringify(fc), 'application/geo+json');
  }
}

function empty(v: unknown): boolean {
  return v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0);
}

function csvCell(s: string): string {
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
