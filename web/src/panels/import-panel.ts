/**
 * The import tool (planners): a file dropped on the map or chosen here is uploaded (with progress)
 * and each of its layers is described — count, geometry, coordinate system and attribute encoding
 * with how each was found, fields with samples, problems — and drawn on the map in a preview style.
 * Changing the coordinate system or the encoding re-reads the layer at once, so a wrong guess is
 * seen (the parcels jump into place, the names turn from mojibake into Chinese).
 */
import type { GeoJSONSource } from 'maplibre-gl';
import { ApiError, type ImportCommitResult, type ImportLayer, type ImportUpload } from '../api.ts';
import { fitToBounds } from '../camera.ts';
import { h } from '../dom.ts';
import { fill, getLang, onLangChange, pick, t } from '../i18n/index.ts';
import './import.css';
import { IMPORT_CRS, IMPORT_CRS_TITLES, IMPORT_ENCODINGS } from '../../../core/import/detect.ts';
import type { AnalysisContext } from './analysis-dock.ts';
import { commitForm, commitRequest, initialChoices, versionTargets, type CommitChoices } from './import-commit.ts';

const SOURCE = 'xc-import-preview';
const ORANGE = '#e65100';
const empty = (): GeoJSON.FeatureCollection => ({ type: 'FeatureCollection', features: [] });

/** An API error in the user's language: the Chinese description where the server gives one. */
function errorText(err: unknown): string {
  if (err instanceof ApiError) {
    const zh = (err.body as { descriptionZh?: string } | undefined)?.descriptionZh;
    return getLang() === 'zh' && zh ? zh : err.message;
  }
  return (err as Error)?.message ?? String(err);
}

export class ImportPanel {
  readonly element = h('div', { class: 'xc-import' });
  private upload: ImportUpload | null = null;
  private status: { text: string; kind: 'busy' | 'error' } | null = null;
  /** The overrides chosen per layer. */
  private chosen = new Map<string, { crs?: string; encoding?: string }>();
  private selected: string | null = null;
  private isOpen = false;
  /** The commit form's values per layer, kept across re-renders. */
  private choices = new Map<string, CommitChoices>();
  /** The last commit's outcome, shown until the next file. */
  private committed: { result: ImportCommitResult; title: string } | null = null;

  constructor(private readonly ctx: AnalysisContext) {
    onLangChange(() => this.render());
    const container = ctx.map.getContainer();
    container.addEventListener('dragover', (e) => {
      if (!this.isOpen || !e.dataTransfer?.types.includes('Files')) return;
      e.preventDefault();
      container.classList.add('xc-import-dragging');
    });
    container.addEventListener('dragleave', () => container.classList.remove('xc-import-dragging'));
    container.addEventListener('drop', (e) => {
      container.classList.remove('xc-import-dragging');
      const file = e.dataTransfer?.files[0];
      if (!this.isOpen || !file) return;
      e.preventDefault();
      void this.send(file);
    });
    this.render();
  }

  async open(): Promise<void> {
    this.isOpen = true;
    await this.ctx.ready;
    this.ensureLayers();
  }

  close(): void {
    this.isOpen = false;
    (this.ctx.map.getSource(SOURCE) as GeoJSONSource | undefined)?.setData(empty());
  }

  private ensureLayers() {
    const map = this.ctx.map;
    if (map.getSource(SOURCE)) return;
    map.addSource(SOURCE, { type: 'geojson', data: empty() });
    map.addLayer({ id: `${SOURCE}-fill`, type: 'fill', source: SOURCE, filter: ['==', ['geometry-type'], 'Polygon'], paint: { 'fill-color': ORANGE, 'fill-opacity': 0.25 } });
    map.addLayer({ id: `${SOURCE}-line`, type: 'line', source: SOURCE, filter: ['!=', ['geometry-type'], 'Point'], paint: { 'line-color': ORANGE, 'line-width': 2, 'line-dasharray': [3, 2] } });
    map.addLayer({ id: `${SOURCE}-point`, type: 'circle', source: SOURCE, filter: ['==', ['geometry-type'], 'Point'], paint: { 'circle-radius': 5, 'circle-color': ORANGE, 'circle-stroke-color': '#fff', 'circle-stroke-width': 1.5 } });
  }

  private async send(file: File) {
    const m = t().imports;
    this.upload = null;
    this.chosen.clear();
    this.choices.clear();
    this.committed = null;
    this.status = { text: fill(m.uploading, { pct: 0 }), kind: 'busy' };
    this.render();
    try {
      this.upload = await this.ctx.api.uploadImport(file, (share) => {
        this.status = share < 1 ? { text: fill(m.uploading, { pct: Math.round(share * 100) }), kind: 'busy' } : { text: m.reading, kind: 'busy' };
        this.render();
      });
      this.status = null;
      this.selected = this.upload.layers[0]?.name ?? null;
      await this.draw();
    } catch (err) {
      this.status = { text: errorText(err), kind: 'error' };
    }
    this.render();
  }

  /** Re-reads the selected layer with its overrides, replaces its summary and draws its features. */
  private async draw() {
    if (!this.upload || !this.selected) return;
    const name = this.selected;
    this.status = { text: t().imports.reading, kind: 'busy' };
    this.render();
    try {
      const p = await this.ctx.api.importPreview(this.upload.id, name, this.chosen.get(name) ?? {});
      this.upload.layers = this.upload.layers.map((l) => (l.name === name ? p.summary : l));
      this.status = null;
      this.ensureLayers();
      (this.ctx.map.getSource(SOURCE) as GeoJSONSource).setData({ type: 'FeatureCollection', features: p.features });
      const e = p.summary.extent;
      if (e && e[0] >= -180 && e[2] <= 180 && e[1] >= -85 && e[3] <= 85) fitToBounds(this.ctx.map, e, this.ctx.padding(), { maxZoom: 17, duration: 0 });
    } catch (err) {
      this.status = { text: errorText(err), kind: 'error' };
    }
    this.render();
  }

  private choose(layer: string, key: 'crs' | 'encoding', value: string) {
    this.chosen.set(layer, { ...this.chosen.get(layer), [key]: value });
    this.selected = layer;
    void this.draw();
  }

  /** Commits the selected layer as the form says; on success the map loads the new or changed layer. */
  private async commit() {
    if (!this.upload || !this.selected) return;
    const layer = this.upload.layers.find((l) => l.name === this.selected);
    const c = this.choices.get(this.selected);
    if (!layer || !c) return;
    this.status = { text: t().imports.committing, kind: 'busy' };
    this.render();
    try {
      const result = await this.ctx.api.importCommit(this.upload.id, commitRequest(layer, this.chosen.get(layer.name) ?? {}, c, this.ctx.store.info));
      // The server forgot the upload: the next step is another file.
      this.upload = null;
      this.status = null;
      (this.ctx.map.getSource(SOURCE) as GeoJSONSource | undefined)?.setData(empty());
      await this.ctx.refresh();
      this.ctx.store.setLayer(result.collection, { visible: true });
      const info = this.ctx.store.info.get(result.collection);
      this.committed = { result, title: info ? pick(info.titles) : result.collection };
    } catch (err) {
      this.status = { text: errorText(err), kind: 'error' };
    }
    this.render();
  }

  private commitSection(l: ImportLayer): HTMLElement {
    let c = this.choices.get(l.name);
    if (!c) {
      c = initialChoices(this.upload!.fileName, l);
      this.choices.set(l.name, c);
    }
    const targets = versionTargets(this.ctx.store.info, (role) => this.ctx.session.can(role));
    return commitForm(l, c, this.ctx.store.info, targets, (rerender) => rerender && this.render(), () => void this.commit(), this.status?.kind === 'busy');
  }

  private committedNote(): HTMLElement | null {
    if (!this.committed) return null;
    const m = t().imports;
    const r = this.committed.result;
    const dropped = Object.entries(r.droppedValues);
    return h(
      'div',
      { class: 'xc-import-done', role: 'status' },
      h('p', {}, fill(m.committed, { title: this.committed.title, id: r.collection, version: r.version, count: r.featureCount.toLocaleString(), repaired: r.repaired, rejected: r.rejected })),
      r.rejections.length ? h('details', {}, h('summary', {}, m.rejectedList), h('ul', {}, ...r.rejections.map((x) => h('li', {}, `#${x.feature}: ${x.reason}`)))) : null,
      dropped.length ? h('p', {}, fill(m.droppedValues, { list: dropped.map(([f, n]) => `${f} × ${n}`).join(', ') })) : null,
    );
  }

  private render() {
    const m = t().imports;
    const input = h('input', { type: 'file', accept: '.zip,.gpkg,.dxf,.kml,.kmz,.geojson,.json,.csv', 'aria-label': m.choose }) as HTMLInputElement;
    input.addEventListener('change', () => input.files?.[0] && void this.send(input.files[0]));
    const status = this.status ? h('p', { class: `xc-import-status xc-import-${this.status.kind}`, role: this.status.kind === 'error' ? 'alert' : 'status' }, this.status.text) : null;
    const layers = this.upload?.layers.flatMap((l) => (l.name === this.selected ? [this.layerCard(l), this.commitSection(l)] : [this.layerCard(l)])) ?? [];
    const parts: (HTMLElement | null)[] = [
      h('p', { class: 'xc-import-intro' }, m.intro),
      h('label', { class: 'xc-import-choose' }, m.choose, ' ', input),
      status,
      this.committedNote(),
      this.upload ? h('h3', {}, this.upload.fileName) : null,
      ...layers,
    ];
    this.element.replaceChildren(...parts.filter((x): x is HTMLElement => x !== null));
    // For scripts and tests: whether an upload or a re-read is under way.
    this.element.dataset.busy = String(this.status?.kind === 'busy');
  }

  private layerCard(l: ImportLayer): HTMLElement {
    const m = t().imports;
    const how = (x: string) => m.hows[x] ?? x;
    const crs = h('select', { 'aria-label': `${m.crs} ${l.name}`, name: 'crs' }, ...IMPORT_CRS.map((c) => h('option', { value: c }, `${c === 'GCJ02' ? 'GCJ-02' : c} · ${pick(IMPORT_CRS_TITLES[c])}`))) as HTMLSelectElement;
    if (!l.crs.detected) crs.prepend(h('option', { value: '' }, m.unknown));
    crs.value = l.crs.detected ?? '';
    crs.addEventListener('change', () => crs.value && this.choose(l.name, 'crs', crs.value));
    const enc = h('select', { 'aria-label': `${m.encoding} ${l.name}`, name: 'encoding' }, ...IMPORT_ENCODINGS.map((e) => h('option', { value: e }, e))) as HTMLSelectElement;
    enc.value = l.encoding.detected;
    enc.disabled = l.format !== 'shapefile' && l.format !== 'csv';
    enc.addEventListener('change', () => this.choose(l.name, 'encoding', enc.value));
    const row = (label: string, ...value: (Node | string)[]) => h('tr', {}, h('th', { scope: 'row' }, label), h('td', {}, ...value));
    const fields = h(
      'table',
      { class: 'xc-import-fields' },
      ...l.fields.map((f) => h('tr', {}, h('td', {}, f.name), h('td', {}, f.type), h('td', {}, f.samples.map(String).join(' · ')))),
    );
    const problems = l.problems.length
      ? h('ul', { class: 'xc-import-problems' }, ...l.problems.map((p) => h('li', { 'data-code': p.code }, pick(p))))
      : h('p', { class: 'xc-import-ok' }, m.noProblems);
    const section = h(
      'section',
      { class: `xc-import-layer${l.name === this.selected ? ' xc-import-selected' : ''}`, 'data-layer': l.name },
      h('h4', {}, `${m.layer}: ${l.name}`),
      h(
        'table',
        {},
        row(m.features, l.featureCount.toLocaleString()),
        row(m.geometry, l.geometryTypes.join(', ') || '—'),
        row(m.crs, crs, h('small', { class: 'xc-import-how' }, ` ${m.how} ${how(l.crs.how)}`)),
        row(m.encoding, enc, h('small', { class: 'xc-import-how' }, ` ${m.how} ${how(l.encoding.how)}`)),
        row(m.extent, l.extent ? l.extent.map((v) => v.toFixed(4)).join(', ') : '—'),
      ),
      ...csvNotes(l),
      h('h5', {}, m.fields),
      fields,
      h('h5', {}, m.problems),
      problems,
    );
    // A file with several layers: clicking one previews it and offers its commit.
    section.addEventListener('click', (e) => {
      if (l.name === this.selected || (e.target as HTMLElement).closest('select')) return;
      this.selected = l.name;
      void this.draw();
    });
    return section;
  }
}

/** What the reading did to a CSV: a 界址点 list assembled into parcels, northing-first X/Y turned round. */
function csvNotes(l: ImportLayer): HTMLElement[] {
  const m = t().imports;
  const out: HTMLElement[] = [];
  const list = l.csv?.vertexList;
  if (list) {
    const order = list.vertexField ? fill(m.vertexOrder, { field: list.vertexField }) : '';
    out.push(h('p', { class: 'xc-import-csv', 'data-note': 'vertex-list' }, fill(m.vertexList, { vertices: list.vertices, parcels: list.parcels, field: list.parcelField, order })));
  }
  if (l.csv?.northingFirst) out.push(h('p', { class: 'xc-import-csv', 'data-note': 'northing-first' }, m.northingFirst));
  return out;
}
