/**
 * "Check a new site": three ways to give a site — draw it on the map, paste boundary-point
 * coordinates (界址点坐标) in a chosen CRS, or upload a GeoJSON/KML file. Input problems are shown
 * here, before anything is sent to the server.
 */
import { parseCoordinateText } from '../../../core/geometry/coordinate-text.ts';
import { readSiteFile } from '../../../core/geometry/site-file.ts';
import { readSite, type SiteGeometry } from '../../../core/geometry/site-input.ts';
import { CRS_TITLES, SITE_CRS, type SiteCrs } from '../../../core/crs.ts';
import { h } from '../dom.ts';
import { label, pick, t } from '../i18n/index.ts';
import { diagnosePaste, type PasteDiagnosis } from './paste-diagnosis.ts';
import type { DrawMode } from './site-draw.ts';

/** A site ready to check: as given (in `crs`), and converted to EPSG:4326 for the map. */
export interface SiteSubmission {
  geometry: unknown;
  crs: SiteCrs;
  lonLat: SiteGeometry;
}

export interface SiteInputEvents {
  /** Start drawing in a mode, or stop (null). */
  draw(mode: DrawMode | null): void;
  /** A pasted or uploaded site passed the checks: send it to the server. */
  submit(site: SiteSubmission): void;
  /** A pasted or uploaded site failed the checks: any earlier result no longer stands for the input. */
  invalid(): void;
}

/** An input problem: a sentence in the current language, and the core's (English) reason as detail. */
interface InputError {
  lead: string;
  detail?: string;
}

/** The words of a failed paste diagnosis in the current language. */
export function pasteErrorText(d: Extract<PasteDiagnosis, { valid: false }>): InputError {
  const m = t().compliance;
  const row = m.pasteRow(d.row.line, d.row.x, d.row.y);
  const fix = d.fix;
  if (!fix) return { lead: m.pasteNoFix(row), detail: d.reason };
  const role = label(m.axisRole, fix.xRole);
  return fix.crs === d.crs
    ? { lead: m.pasteFixSwap(row, role, fix.swap) }
    : { lead: m.pasteFixCrs(row, pick(CRS_TITLES[fix.crs]), crsName(fix.crs), fix.swap !== d.swap ? { tick: fix.swap, role } : null) };
}

const crsName = (crs: SiteCrs) => (crs === 'GCJ02' ? 'GCJ-02' : crs);

type Pane = 'draw' | 'paste' | 'file';

export class SiteInputForm {
  readonly element = h('div', { class: 'xc-cmp-input' });
  private pane: Pane = 'draw';
  private drawing: DrawMode | null = null;
  private pasteText = '';
  private pasteCrs: SiteCrs = 'EPSG:4546';
  private swap = false;
  private fileCrs: SiteCrs = 'EPSG:4326';
  private file: { name: string; geometries: unknown[]; names: (string | null)[]; chosen: number; declaredCrs: SiteCrs | null } | null = null;
  /** Worded at each render, so the message follows a change of language. */
  private error: (() => InputError) | null = null;

  constructor(private readonly events: SiteInputEvents) {}

  /** Tells the form whether a drawing is under way (the draw buttons show it). */
  setDrawing(mode: DrawMode | null): void {
    this.drawing = mode;
    this.render();
  }

  private setError(error: () => InputError): void {
    this.error = error;
    this.render();
    this.events.invalid();
  }

  private checkPaste(): void {
    const text = this.pasteText;
    const parsed = parseCoordinateText(text);
    if (!parsed.valid) {
      const { line, reason } = parsed;
      if (line === 0) return this.setError(() => ({ lead: t().compliance.noCoordinates }));
      return this.setError(() => ({ lead: /^Two points/.test(reason) ? t().compliance.twoPoints(line) : t().compliance.lineError(line) }));
    }
    const d = diagnosePaste(text, parsed.rows, this.pasteCrs, this.swap);
    if (!d.valid) return this.setError(() => pasteErrorText(d));
    this.accept({ geometry: d.geometry, crs: this.pasteCrs, lonLat: d.lonLat });
  }

  private async readFile(input: HTMLInputElement): Promise<void> {
    const f = input.files?.[0];
    if (!f) return;
    const text = await f.text();
    const read = readSiteFile(f.name, text, (s) => new DOMParser().parseFromString(s, 'text/xml'));
    if (!read.valid) {
      this.file = null;
      // Worded in the map's language from the problem's code (the core's reason is English).
      const { code, crsName } = read;
      return this.setError(() => {
        const m = t().compliance;
        return { lead: code === 'unsupported_crs' ? m.fileCrsUnsupported(crsName ?? '') : `${m.fileInvalid} ${m.fileProblem[code] ?? ''}`.trim() };
      });
    }
    // A GeoJSON crs member (GDAL, QGIS) or KML (lon/lat) says the CRS: it is chosen for the user.
    // KML's lon/lat is not announced: only a declared GeoJSON crs is worth a note.
    if (read.crs) this.fileCrs = read.crs;
    const declared = read.crs && !f.name.toLowerCase().endsWith('.kml') ? read.crs : null;
    this.file = { name: f.name, geometries: read.geometries, names: read.names, chosen: 0, declaredCrs: declared };
    this.submit(read.geometries[0], this.fileCrs);
  }

  /** Checks the geometry in the browser (structure, CRS plausibility) and passes it on, or shows why not. */
  private submit(geometry: unknown, crs: SiteCrs): void {
    const site = readSite(geometry, crs);
    if (!site.valid) {
      const reason = site.reason;
      return this.setError(() => ({ lead: t().compliance.siteInvalid, detail: reason }));
    }
    this.accept({ geometry, crs, lonLat: site.geometry });
  }

  private accept(site: SiteSubmission): void {
    this.error = null;
    this.render();
    this.events.submit(site);
  }

  private crsSelect(value: SiteCrs, onChange: (crs: SiteCrs) => void, cls: string): HTMLSelectElement {
    const select = h('select', { class: cls, 'aria-label': t().compliance.crs });
    for (const crs of SITE_CRS) select.append(h('option', { value: crs }, `${crs === 'GCJ02' ? 'GCJ-02' : crs} · ${pick(CRS_TITLES[crs])}`));
    select.value = value;
    select.addEventListener('change', () => onChange(select.value as SiteCrs));
    return select;
  }

  private errorElement(e: InputError): HTMLElement {
    return h(
      'div',
      { class: 'xc-cmp-input-error', role: 'alert' },
      h('div', { class: 'xc-cmp-input-error-lead' }, e.lead),
      e.detail ? h('div', { class: 'xc-cmp-input-error-detail' }, t().compliance.errorDetail, h('span', { lang: 'en' }, e.detail)) : null,
    );
  }

  render(): void {
    const m = t().compliance;
    const tab = (pane: Pane, text: string) => {
      const b = h('button', { type: 'button', class: 'xc-cmp-input-tab', 'data-pane': pane, 'aria-pressed': String(this.pane === pane) }, text);
      b.addEventListener('click', () => {
        if (this.pane === 'draw' && pane !== 'draw' && this.drawing) this.events.draw(null);
        this.pane = pane;
        this.error = null;
        this.render();
      });
      return b;
    };
    let body: HTMLElement;
    if (this.pane === 'draw') {
      const button = (mode: DrawMode, text: string) => {
        const b = h('button', { type: 'button', class: `xc-cmp-button xc-cmp-draw-${mode}`, 'aria-pressed': String(this.drawing === mode) }, text);
        b.addEventListener('click', () => this.events.draw(mode));
        return b;
      };
      const cancel = h('button', { type: 'button', class: 'xc-cmp-button xc-cmp-button-quiet xc-cmp-draw-cancel', disabled: !this.drawing }, m.cancelDraw);
      cancel.addEventListener('click', () => this.events.draw(null));
      body = h(
        'div',
        { class: 'xc-cmp-pane' },
        h('div', { class: 'xc-cmp-toolbar' }, button('polygon', m.drawPolygon), button('point', m.drawPoint), cancel),
        h('div', { class: 'xc-cmp-note' }, this.drawing === 'point' ? m.drawPointHint : m.drawPolygonHint),
      );
    } else if (this.pane === 'paste') {
      const textarea = h('textarea', { class: 'xc-cmp-paste', rows: '6', spellcheck: 'false', placeholder: 'J1, 4533150.00, 563420.00\nJ2, 4533150.00, 563520.00\nJ3, 4533050.00, 563520.00\nJ4, 4533050.00, 563420.00' });
      textarea.value = this.pasteText;
      textarea.addEventListener('input', () => (this.pasteText = textarea.value));
      const swap = h('input', { type: 'checkbox', class: 'xc-cmp-swap', checked: this.swap });
      swap.addEventListener('change', () => (this.swap = swap.checked));
      const check = h('button', { type: 'button', class: 'xc-cmp-button xc-cmp-check' }, m.check);
      check.addEventListener('click', () => this.checkPaste());
      body = h(
        'div',
        { class: 'xc-cmp-pane' },
        h('label', { class: 'xc-cmp-field' }, m.crs, this.crsSelect(this.pasteCrs, (c) => (this.pasteCrs = c), 'xc-cmp-crs')),
        h('div', { class: 'xc-cmp-note' }, m.xNorthing),
        h('label', { class: 'xc-cmp-check-label' }, swap, m.swapXY),
        h('label', { class: 'xc-cmp-field' }, m.pasteLabel, textarea),
        h('div', { class: 'xc-cmp-toolbar' }, check),
      );
    } else {
      const input = h('input', { type: 'file', class: 'xc-cmp-file', accept: '.geojson,.json,.kml,application/geo+json,application/vnd.google-earth.kml+xml' });
      input.addEventListener('change', () => void this.readFile(input));
      const children: (HTMLElement | null)[] = [
        h('label', { class: 'xc-cmp-field' }, m.crs, this.crsSelect(this.fileCrs, (c) => (this.fileCrs = c), 'xc-cmp-file-crs')),
        input,
        h('div', { class: 'xc-cmp-note' }, m.fileHint),
        this.file?.declaredCrs ? h('div', { class: 'xc-cmp-note xc-cmp-file-crs-declared' }, m.fileCrsDeclared(crsName(this.file.declaredCrs))) : null,
      ];
      if (this.file && this.file.geometries.length > 1) {
        const file = this.file;
        const select = h('select', { class: 'xc-cmp-file-pick' });
        file.geometries.forEach((g, i) => select.append(h('option', { value: String(i) }, m.fileGeometry(i + 1, file.names[i], String((g as { type?: string }).type)))));
        select.value = String(file.chosen);
        select.addEventListener('change', () => {
          file.chosen = Number(select.value);
          this.submit(file.geometries[file.chosen], this.fileCrs);
        });
        children.push(h('label', { class: 'xc-cmp-field' }, m.fileCount(file.geometries.length), select));
      }
      body = h('div', { class: 'xc-cmp-pane' }, ...children);
    }
    this.element.replaceChildren(
      h('div', { class: 'xc-cmp-input-tabs', role: 'group' }, tab('draw', m.inputDraw), tab('paste', m.inputPaste), tab('file', m.inputFile)),
      body,
      ...(this.error ? [this.errorElement(this.error())] : []),
    );
  }
}
