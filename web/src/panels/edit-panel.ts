/**
 * The edit tool: the selected feature's attributes in a form generated from the catalogue, its
 * shape edited with terra-draw, a compliance pre-check of the new shape before saving, a required
 * reason, If-Match on every save (a 412 says someone else changed it), delete, and the feature's
 * history with the old shape drawn beside the current one and any version restorable.
 * Also lists the projects the plan gives no place for, to locate them.
 */
import { area as turfArea } from '@turf/turf';
import type { GeoJSONSource } from 'maplibre-gl';
import type { PropertyDef } from '../../../core/catalog.ts';
import { formatAreaSquareMeters } from '../../../core/units.ts';
import { ApiError, type ApiFeature, type FeatureVersion } from '../api.ts';
import { h } from '../dom.ts';
import { SiteInputForm } from '../compliance/site-input-form.ts';
import { ShapeEditor, type EditableGeometry } from '../edit/shape-editor.ts';
import { vertexSnapper } from '../edit/snap.ts';
import { fill, getLang, label, onLangChange, pick, t } from '../i18n/index.ts';
import { featureName } from '../store.ts';
import type { AnalysisContext } from './analysis-dock.ts';

const REASON_KEY = 'xc-last-reason';
const OLD_SOURCE = 'xc-edit-old';


interface Draft {
  collection: string;
  /** null while creating a new feature. */
  id: string | null;
  etag: string;
  original: ApiFeature | null;
  properties: Record<string, unknown>;
  geometry: GeoJSON.Geometry | null;
  geometryChanged: boolean;
}

export class EditPanel {
  readonly element = h('div', { class: 'xc-edit' });
  private draft: Draft | null = null;
  private message: { text: string; kind: 'ok' | 'error' | 'info'; reload?: boolean } | null = null;
  private check: { state: 'idle' | 'checking' | 'done' | 'error'; lines: string[] } = { state: 'idle', lines: [] };
  private history: FeatureVersion[] | null = null;
  private shownVersion: number | null = null;
  private busy = false;
  private readonly editor: ShapeEditor;
  private checkTimer: ReturnType<typeof setTimeout> | undefined;
  private isOpen = false;
  private unlocatedOpen = false;
  private pasteOpen = false;
  /** 界址点 pasted or a file uploaded as the new shape: the compliance tool's own input, reused. */
  private readonly siteInput: SiteInputForm;

  constructor(private readonly ctx: AnalysisContext) {
    this.editor = new ShapeEditor(
      ctx.map,
      (g) => this.shapeChanged(g),
      // While a shape is edited, a click on the map belongs to terra-draw, not to feature selection.
      (active) => (ctx.interaction.paused = active),
      vertexSnapper(ctx.map, ctx.store, () => this.draft?.id ?? null),
    );
    this.siteInput = new SiteInputForm({
      draw: (mode) => (mode ? this.startDraw(mode) : this.editor.stop()),
      submit: (site) => {
        const g = site.lonLat;
        if (g.type === 'Point' || g.type === 'Polygon') this.editor.edit(g);
        this.shapeChanged(g);
      },
      invalid: () => {},
    });
    this.siteInput.render();
    ctx.interaction.onSelect((s) => {
      if (!this.isOpen || !s || this.editor.active) return;
      if (this.draft && this.draft.collection === s.layerId && this.draft.id === s.featureId) return;
      void this.select(s.layerId, s.featureId);
    });
    ctx.session.on(() => this.render());
    onLangChange(() => {
      this.siteInput.render();
      this.render();
    });
    this.render();
  }

  open(): void {
    this.isOpen = true;
    const s = this.ctx.interaction.current;
    if (s && (!this.draft || this.draft.id !== s.featureId)) void this.select(s.layerId, s.featureId);
    else this.render();
  }

  close(): void {
    this.isOpen = false;
    this.editor.stop();
    this.showOld(null);
  }

  /** Loads a feature (with its ETag) into the form. */
  async select(collection: string, id: string): Promise<void> {
    this.editor.stop();
    this.showOld(null);
    this.message = null;
    this.check = { state: 'idle', lines: [] };
    this.history = null;
    try {
      const { feature, etag } = await this.ctx.api.item(collection, id);
      this.draft = { collection, id, etag, original: feature, properties: { ...feature.properties }, geometry: feature.geometry, geometryChanged: false };
    } catch (err) {
      this.draft = null;
      this.message = { text: (err as Error).message, kind: 'error' };
    }
    this.render();
  }

  private editable(collection: string): boolean {
    return this.ctx.session.can(this.ctx.store.info.get(collection)?.editableBy);
  }

  private render(): void {
    const m = t().edit;
    const children: (Node | null)[] = [h('p', { class: 'xc-edit-intro' }, m.intro)];
    if (!this.ctx.session.user) {
      children.push(h('p', { class: 'xc-edit-note' }, t().account.signInTitle));
    } else {
      children.push(this.draft ? this.form() : h('p', { class: 'xc-edit-note' }, m.noSelection));
      children.push(this.newFeature());
      children.push(this.unlocated());
    }
    this.element.replaceChildren(...children.filter((c): c is Node => c !== null));
  }

  private form(): HTMLElement {
    const m = t().edit;
    const d = this.draft!;
    const info = this.ctx.store.info.get(d.collection);
    const title = d.original ? featureName(d.original) : `${m.newFeature}: ${info ? pick(info.titles) : d.collection}`;
    const head = h('div', { class: 'xc-edit-head' }, h('h3', {}, title), h('div', { class: 'xc-edit-sub' }, `${info ? pick(info.titles) : d.collection}${d.id ? ` · ${d.id}` : ''}`));
    if (!this.editable(d.collection)) {
      return h('section', { class: 'xc-edit-feature' }, head, h('p', { class: 'xc-edit-note' }, fill(m.notEditable, { role: t().account.roles[info?.editableBy ?? 'admin'] })), this.historySection());
    }
    const fields = Object.entries(info?.properties ?? {}).map(([name, def]) => this.field(name, def));
    const reason = h('input', { class: 'xc-edit-reason', name: 'reason', placeholder: m.reasonPlaceholder, 'aria-label': m.reason, maxlength: '500' });
    reason.value = storedReason();
    reason.addEventListener('input', () => rememberReason(reason.value.trim()));
    const save = h('button', { type: 'button', class: 'xc-edit-save', disabled: this.busy || this.check.state === 'checking' }, this.busy ? m.saving : m.save);
    save.addEventListener('click', () => void this.save(reason.value.trim()));
    const del = d.id ? h('button', { type: 'button', class: 'xc-edit-delete', disabled: this.busy }, m.delete) : null;
    del?.addEventListener('click', () => void this.remove(reason.value.trim()));
    const msg = this.message
      ? h('div', { class: `xc-edit-message xc-edit-${this.message.kind}`, role: this.message.kind === 'error' ? 'alert' : 'status' }, this.message.text)
      : null;
    if (msg && this.message?.reload) {
      const again = h('button', { type: 'button' }, m.reload);
      again.addEventListener('click', () => void this.select(d.collection, d.id!));
      msg.append(' ', again);
    }
    return h(
      'section',
      { class: 'xc-edit-feature', 'data-collection': d.collection, 'data-feature': d.id ?? '' },
      head,
      h('h4', {}, m.geometry),
      this.geometryTools(),
      this.checkBox(),
      h('h4', {}, m.attributes),
      h('div', { class: 'xc-edit-fields' }, ...fields),
      h('label', { class: 'xc-edit-field' }, h('span', {}, m.reason), reason),
      h('div', { class: 'xc-edit-buttons' }, save, del),
      msg,
      d.id ? this.historySection() : null,
    );
  }

  /** One attribute's input, chosen by its declared type; derived attributes are read-only. */
  private field(name: string, def: PropertyDef): HTMLElement {
    const d = this.draft!;
    const value = d.properties[name];
    const text = pick(def.title);
    if (def.derived) {
      const shown = name === 'area_square_meters' && typeof value === 'number' ? formatAreaSquareMeters(value, getLang()) : value == null ? '—' : String(value);
      return h('div', { class: 'xc-edit-field xc-edit-derived' }, h('span', {}, `${text} ${t().edit.derived}`), h('output', {}, shown));
    }
    let input: HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement;
    if (def.enum || def.type === 'boolean') {
      const options = def.enum ?? ['true', 'false'];
      input = h('select', { name }, h('option', { value: '' }, '—'), ...options.map((o) => h('option', { value: o }, labelFor(name, o))));
      input.value = value == null ? '' : String(value);
    } else if (def.type === 'array') {
      input = h('textarea', { name, rows: '2' });
      input.value = Array.isArray(value) ? value.join('、') : '';
    } else {
      input = h('input', { name, type: def.type === 'string' ? 'text' : 'number', step: def.type === 'integer' ? '1' : 'any' });
      input.value = value == null ? '' : String(value);
    }
    // Kept on every keystroke, so a re-render (the pre-check finishing) never loses what was typed.
    const keep = () => {
      const raw = input.value;
      d.properties[name] =
        raw === '' ? null
        : def.type === 'boolean' ? raw === 'true'
        : def.type === 'integer' || def.type === 'number' ? Number(raw)
        : def.type === 'array' ? raw.split(/[、,，\n]/).map((x) => x.trim()).filter(Boolean)
        : raw;
    };
    input.addEventListener('input', keep);
    input.addEventListener('change', keep);
    return h('label', { class: 'xc-edit-field', 'data-prop': name }, h('span', {}, text), input);
  }

  private geometryTools(): HTMLElement {
    const m = t().edit;
    const d = this.draft!;
    const kind = this.ctx.store.info.get(d.collection)?.geometry ?? 'mixed';
    const buttons: HTMLButtonElement[] = [];
    const button = (text: string, cls: string, fn: () => void) => {
      const b = h('button', { type: 'button', class: cls }, text);
      b.addEventListener('click', fn);
      buttons.push(b);
    };
    const g = d.geometry;
    if (this.editor.active) {
      button(m.finishShape, 'xc-edit-finish', () => {
        this.editor.stop();
        this.render();
      });
    } else if (g && (g.type === 'Point' || g.type === 'Polygon')) {
      button(m.editShape, 'xc-edit-shape', () => {
        this.editor.edit(g as EditableGeometry);
        this.render();
      });
    }
    if (kind !== 'point' && kind !== 'none') button(m.drawPolygon, 'xc-edit-draw-polygon', () => this.startDraw('polygon'));
    if (kind === 'point' || kind === 'mixed') button(m.drawPoint, 'xc-edit-draw-point', () => this.startDraw('point'));
    if (g && this.ctx.store.info.get(d.collection)?.nullGeometry) {
      button(m.removeShape, 'xc-edit-remove-shape', () => {
        this.editor.stop();
        this.shapeChanged(null);
      });
    }
    const state = g ? `${g.type}${g.type !== 'Point' ? ` · ${formatAreaSquareMeters(turfArea(g), getLang())}` : ''}` : m.noGeometry;
    const paste = kind === 'none' ? null : h('details', { class: 'xc-edit-paste', open: this.pasteOpen }, h('summary', {}, m.pasteOrUpload), this.siteInput.element);
    paste?.addEventListener('toggle', () => (this.pasteOpen = paste.open));
    return h(
      'div',
      { class: 'xc-edit-geometry' },
      h('div', { class: 'xc-edit-geometry-state' }, state, d.geometryChanged ? ` — ${m.shapeChanged}` : ''),
      h('div', { class: 'xc-edit-buttons' }, ...buttons),
      paste,
    );
  }

  private startDraw(mode: 'polygon' | 'point') {
    this.editor.start(mode);
    this.render();
  }

  private shapeChanged(g: GeoJSON.Geometry | null) {
    if (!this.draft) return;
    this.draft.geometry = g;
    this.draft.geometryChanged = true;
    this.check = g ? { state: 'checking', lines: [] } : { state: 'idle', lines: [] };
    clearTimeout(this.checkTimer);
    // The pre-check runs when the shape rests (dragging a vertex reports many changes).
    if (g) this.checkTimer = setTimeout(() => void this.precheck(g), 400);
    this.render();
  }

  /** The compliance result of the new shape, shown before it is saved. */
  private async precheck(g: GeoJSON.Geometry) {
    const m = t().edit;
    try {
      const r = await this.ctx.api.compliance({ geometry: g });
      if (this.draft?.geometry !== g) return;
      const lines = r.conflicts.map((c) =>
        c.overlapSquareMeters > 0
          ? fill(m.conflict, { name: c.name ?? c.id, area: formatAreaSquareMeters(c.overlapSquareMeters, getLang()) })
          : fill(m.pointInside, { name: c.name ?? c.id }),
      );
      this.check = { state: 'done', lines: lines.length ? lines : [m.noConflict] };
    } catch (err) {
      this.check = { state: 'error', lines: [(err as Error).message] };
    }
    this.renderCheck();
  }

  /** Puts the pre-check result in place without rebuilding the form (the planner may be typing). */
  private renderCheck() {
    const box = this.element.querySelector('.xc-edit-check');
    const next = this.checkBox();
    if (!box || !next) return this.render();
    box.replaceWith(next);
    const save = this.element.querySelector<HTMLButtonElement>('.xc-edit-save');
    if (save) save.disabled = this.busy || this.check.state === 'checking';
  }

  private checkBox(): HTMLElement | null {
    if (this.check.state === 'idle') return null;
    const m = t().edit;
    const conflict = this.check.state === 'done' && this.check.lines[0] !== m.noConflict;
    return h(
      'div',
      { class: `xc-edit-check${conflict ? ' xc-edit-check-conflict' : ''}`, role: 'status' },
      h('strong', {}, m.check, '：'),
      ...(this.check.state === 'checking' ? [m.checking] : this.check.lines.map((l) => h('div', {}, l))),
    );
  }

  private async save(reason: string) {
    const m = t().edit;
    const d = this.draft!;
    if (!reason) {
      this.message = { text: m.needReason, kind: 'error' };
      return this.render();
    }
    rememberReason(reason);
    this.busy = true;
    this.render();
    try {
      let result;
      if (d.id === null) {
        result = await this.ctx.api.writeItem('POST', d.collection, null, { reason, body: { type: 'Feature', geometry: d.geometry, properties: withoutEmpty(d.properties) } });
      } else {
        const patch: Record<string, unknown> = {};
        const before = d.original!.properties;
        const defs = this.ctx.store.info.get(d.collection)?.properties ?? {};
        for (const [k, v] of Object.entries(d.properties)) {
          if (defs[k]?.derived) continue;
          if (JSON.stringify(v ?? null) !== JSON.stringify(before[k] ?? null)) patch[k] = v;
        }
        const body: Record<string, unknown> = { properties: patch };
        if (d.geometryChanged) body.geometry = d.geometry;
        result = await this.ctx.api.writeItem('PATCH', d.collection, d.id, { reason, etag: d.etag, body });
      }
      this.editor.stop();
      const version = Number(/v(\d+)/.exec(result.etag)?.[1] ?? 0);
      await this.ctx.reload(d.collection);
      this.draft = { collection: d.collection, id: result.feature.id, etag: result.etag, original: result.feature, properties: { ...result.feature.properties }, geometry: result.feature.geometry, geometryChanged: false };
      this.message = { text: fill(m.saved, { version }), kind: 'ok' };
      this.check = { state: 'idle', lines: [] };
      this.history = null;
      this.ctx.interaction.open(d.collection, result.feature.id);
    } catch (err) {
      this.message = errorMessage(err);
    } finally {
      this.busy = false;
      this.render();
    }
  }

  private async remove(reason: string) {
    const m = t().edit;
    const d = this.draft!;
    if (!reason) {
      this.message = { text: m.needReason, kind: 'error' };
      return this.render();
    }
    if (!confirm(fill(m.confirmDelete, { name: d.original ? featureName(d.original) : d.id! }))) return;
    rememberReason(reason);
    try {
      await this.ctx.api.writeItem('DELETE', d.collection, d.id, { reason, etag: d.etag });
      this.editor.stop();
      await this.ctx.reload(d.collection);
      this.draft = null;
      this.message = null;
      this.element.prepend(h('div', { class: 'xc-edit-message xc-edit-ok', role: 'status' }, m.deleted));
      this.render();
    } catch (err) {
      this.message = errorMessage(err);
      this.render();
    }
  }

  private historySection(): HTMLElement {
    const m = t().edit;
    const d = this.draft!;
    const section = h('section', { class: 'xc-edit-history' }, h('h4', {}, m.history));
    if (this.history === null) {
      const load = h('button', { type: 'button', class: 'xc-edit-history-load' }, m.history);
      load.addEventListener('click', () => {
        section.replaceChildren(h('h4', {}, m.history), h('p', {}, m.loadingHistory));
        this.ctx.api
          .history(d.collection, d.id!)
          .then((v) => (this.history = v))
          .catch((err: Error) => (this.message = { text: err.message, kind: 'error' }))
          .finally(() => this.render());
      });
      section.append(load);
      return section;
    }
    if (this.history.length === 0) {
      section.append(h('p', {}, m.historyEmpty));
      return section;
    }
    const list = h('ol', { class: 'xc-edit-versions' });
    for (const v of this.history) {
      const item = h(
        'li',
        { class: 'xc-edit-version', 'data-version': String(v.version), 'aria-current': String(v.version === this.shownVersion) },
        h('button', { type: 'button', class: 'xc-edit-version-show' }, `${m.version} ${v.version} · ${label(m.actions, v.action)}`),
        h('div', { class: 'xc-edit-version-meta' }, `${v.actor ?? ''}${v.at ? ` · ${v.at.slice(0, 16).replace('T', ' ')} UTC` : ''}`),
        v.reason ? h('div', { class: 'xc-edit-version-reason' }, v.reason) : null,
      );
      item.querySelector('button')!.addEventListener('click', () => {
        this.shownVersion = v.version;
        this.showOld(v.geometry ?? null);
        this.render();
      });
      if (v.version === this.shownVersion) item.append(this.versionDetails(v));
      list.append(item);
    }
    section.append(list);
    return section;
  }

  /** What differs between a version and the current feature, and the button that restores it. */
  private versionDetails(v: FeatureVersion): HTMLElement {
    const m = t().edit;
    const d = this.draft!;
    const current = d.original;
    const lines: (Node | null)[] = [];
    if (v.geometry) lines.push(h('div', {}, m.showOld));
    const a0 = v.geometry && v.geometry.type !== 'Point' ? turfArea(v.geometry) : 0;
    const a1 = current?.geometry && current.geometry.type !== 'Point' ? turfArea(current.geometry) : 0;
    if (a0 || a1) {
      const change = a1 - a0;
      lines.push(h('div', {}, fill(m.areaChange, { change: `${change >= 0 ? '+' : '−'}${formatAreaSquareMeters(Math.abs(change), getLang())}` })));
    }
    const props = v.properties ?? {};
    const keys = new Set([...Object.keys(props), ...Object.keys(current?.properties ?? {})]);
    const changed = [...keys].filter((k) => JSON.stringify(props[k] ?? null) !== JSON.stringify(current?.properties[k] ?? null));
    const defs = this.ctx.store.info.get(d.collection)?.properties ?? {};
    lines.push(h('div', {}, changed.length ? fill(m.changedAttributes, { names: changed.map((k) => (defs[k] ? pick(defs[k].title) : k)).join('、') }) : m.noChange));
    if (v.action !== 'delete' && this.editable(d.collection) && v.version !== Number(/v(\d+)/.exec(d.etag)?.[1])) {
      const restore = h('button', { type: 'button', class: 'xc-edit-restore' }, m.restore);
      restore.addEventListener('click', () => void this.restore(v.version));
      lines.push(restore);
    }
    return h('div', { class: 'xc-edit-version-details' }, ...lines);
  }

  private async restore(version: number) {
    const m = t().edit;
    const d = this.draft!;
    const reason = (this.element.querySelector<HTMLInputElement>('.xc-edit-reason')?.value ?? '').trim();
    if (!reason) {
      this.message = { text: m.needReason, kind: 'error' };
      return this.render();
    }
    try {
      const r = await this.ctx.api.restore(d.collection, d.id!, version, reason, d.etag);
      await this.ctx.reload(d.collection);
      this.showOld(null);
      this.shownVersion = null;
      await this.select(d.collection, d.id!);
      this.message = { text: fill(m.restored, { version: Number(/v(\d+)/.exec(r.etag)?.[1] ?? 0) }), kind: 'ok' };
    } catch (err) {
      this.message = errorMessage(err);
    }
    this.render();
  }

  /** Draws an old version's shape dashed on the map (null removes it). */
  private showOld(g: GeoJSON.Geometry | null) {
    const map = this.ctx.map;
    const data: GeoJSON.FeatureCollection = { type: 'FeatureCollection', features: g ? [{ type: 'Feature', properties: {}, geometry: g }] : [] };
    const source = map.getSource(OLD_SOURCE) as GeoJSONSource | undefined;
    if (source) return source.setData(data);
    if (!g) return;
    map.addSource(OLD_SOURCE, { type: 'geojson', data });
    map.addLayer({ id: `${OLD_SOURCE}-line`, type: 'line', source: OLD_SOURCE, paint: { 'line-color': '#6a1b9a', 'line-width': 2.5, 'line-dasharray': [2, 2] } });
    map.addLayer({ id: `${OLD_SOURCE}-point`, type: 'circle', source: OLD_SOURCE, filter: ['==', ['geometry-type'], 'Point'], paint: { 'circle-radius': 7, 'circle-color': 'rgba(0,0,0,0)', 'circle-stroke-color': '#6a1b9a', 'circle-stroke-width': 2.5 } });
  }

  /** A new feature in one of the collections this user may edit. */
  private newFeature(): HTMLElement | null {
    const m = t().edit;
    const editable = [...this.ctx.store.info.values()].filter((c) => this.editable(c.id) && c.geometry !== 'none');
    if (!editable.length) return null;
    const select = h('select', { 'aria-label': m.newIn }, ...editable.map((c) => h('option', { value: c.id }, pick(c.titles))));
    const go = h('button', { type: 'button', class: 'xc-edit-new' }, m.create);
    go.addEventListener('click', () => {
      this.editor.stop();
      this.showOld(null);
      this.message = null;
      this.history = null;
      this.draft = { collection: select.value, id: null, etag: '', original: null, properties: {}, geometry: null, geometryChanged: false };
      const kind = this.ctx.store.info.get(select.value)?.geometry;
      this.startDraw(kind === 'point' ? 'point' : 'polygon');
    });
    return h('section', { class: 'xc-edit-newfeature' }, h('h4', {}, m.newFeature), h('div', { class: 'xc-edit-buttons' }, select, go));
  }

  /** The projects with no site, each with a button that selects it for locating. */
  private unlocated(): HTMLElement | null {
    const m = t().edit;
    if (!this.editable('projects')) return null;
    const list = (this.ctx.store.features.get('projects') ?? []).filter((f) => !f.geometry);
    if (!list.length) return null;
    const items = list.map((f) => {
      const b = h('button', { type: 'button', class: 'xc-edit-locate', 'data-feature': f.id }, m.locate);
      b.addEventListener('click', () => {
        this.ctx.interaction.focus('projects', f.id);
        void this.select('projects', f.id);
      });
      return h('li', {}, h('span', {}, featureName(f)), b);
    });
    const details = h('details', { class: 'xc-edit-unlocated', open: this.unlocatedOpen }, h('summary', {}, `${m.unlocated} (${list.length})`), h('p', {}, m.unlocatedIntro), h('ul', {}, ...items));
    details.addEventListener('toggle', () => (this.unlocatedOpen = details.open));
    return details;
  }
}

function errorMessage(err: unknown): { text: string; kind: 'error'; reload?: boolean } {
  if (err instanceof ApiError && err.status === 412) {
    const current = (err.body as { currentVersion?: number } | undefined)?.currentVersion ?? '?';
    return { text: fill(t().edit.conflict412, { version: current }), kind: 'error', reload: true };
  }
  return { text: (err as Error).message, kind: 'error' };
}

function withoutEmpty(p: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(p).filter(([, v]) => v !== null && v !== undefined && v !== ''));
}

/** The Chinese/English label of an allowed value where the app has one (quality, status), else the value. */
function labelFor(name: string, value: string): string {
  const m = t() as unknown as Record<string, unknown>;
  const tables: Record<string, unknown> = { quality: m.quality, status: m.status, location_quality: m.locationQuality };
  const table = tables[name] as Record<string, string> | undefined;
  return table?.[value] ? `${table[value]} (${value})` : value;
}

function storedReason(): string {
  try {
    return localStorage.getItem(REASON_KEY) ?? '';
  } catch {
    return '';
  }
}

function rememberReason(reason: string) {
  try {
    localStorage.setItem(REASON_KEY, reason);
  } catch {
    // Not remembered; the form still works.
  }
}
