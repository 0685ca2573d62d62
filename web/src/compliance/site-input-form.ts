/**
 * "Check a new site": three ways to give a site — draw it on the map, paste boundary-point
 * coordinates (界址点坐标) in a chosen CRS, or upload a GeoJSON/KML file. Input problems are shown
 * here, before anything is sent to the server.
 */
import { parseCoordinateText } from '../../../core/geometry/coordinate-text.ts';
import { readSiteFile } from '../../../core/geometry/site-file.ts';
import { readSite, type SiteGeometry } from '../../../core/geometry/site-input.ts';
import { ringSelfIntersections } from '../../../core/geometry/self-intersection.ts';
import { CRS_TITLES, SITE_CRS, toLonLat, type SiteCrs } from '../../../core/crs.ts';
import type { FeatureCollection } from 'geojson';
import { h } from '../dom.ts';
import { getLang, label, pick, t } from '../i18n/index.ts';
import { diagnosePaste, type PasteDiagnosis } from './paste-diagnosis.ts';
import type { DrawMode } from './site-draw.ts';

/** A site ready to check: as given (in `crs`), and converted to EPSG:4326 for the map. */
export interface SiteSubmission {
  geometry: unknown;
  crs: SiteCrs;
  lonLat: SiteGeometry;
  /** The boundary points as the user gave them (pasted text, or the file's numbers), for the report. */
  entered?: EnteredPoints;
  /** The site's name from the upload: the feature's name property, else the file's name. */
  name?: string;
}

/** Boundary points exactly as entered: X and Y as written, in `crs` (`swap`: the swap box was ticked). */
export interface EnteredPoints {
  crs: SiteCrs;
  swap: boolean;
  points: { name: string | null; x: string; y: string }[];
}

export interface SiteInputEvents {
  /** Start drawing in a mode, or stop (null). */
  draw(mode: DrawMode | null): void;
  /** A pasted or uploaded site passed the checks: send it to the server. */
  submit(site: SiteSubmission): void;
  /** A pasted or uploaded site failed the checks: any earlier result no longer stands for the input. */
  invalid(): void;
  /** Marks a self-intersecting ring's crossing points and segments on the map (EPSG:4326), or clears them (null). */
  markCrossings?(marks: FeatureCollection | null): void;
}

/** Words of the self-intersection question (issue 13 item 13). */
const crossText = {
  zh: {
    lead: (pairs: string, n: number) => `界址点连线自相交：${pairs} 交叉（共 ${n} 处，已在地图上用红色标出）。界址点的顺序可能有误。`,
    detail: '修复会在交叉处把图形拆开重组，核查的范围将不同于所列界址点依次围成的范围。请先核对点号顺序；确需按修复后的图形核查时再继续。',
    cross: '与',
    repair: '修复后核查',
    back: '返回修改',
  },
  en: {
    lead: (pairs: string, n: number) => `The boundary lines cross themselves: ${pairs} (${n} crossing${n === 1 ? '' : 's'}, marked in red on the map). The points may be out of order.`,
    detail: 'Repairing splits and rejoins the shape at the crossings, so the area checked differs from the one the points enclose in the order given. Check the order first; go on only to check the repaired shape.',
    cross: 'crosses',
    repair: 'Repair and check',
    back: 'Back to edit',
  },
};

/** A site held back because its ring crosses itself, until the user repairs or edits it. */
interface HeldSite {
  site: SiteSubmission;
  /** "J2–J4 与 J3–J1" per crossing (at most three listed). */
  pairs: string[];
  count: number;
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
  private held: HeldSite | null = null;

  constructor(private readonly events: SiteInputEvents) {}

  /** Tells the form whether a drawing is under way (the draw buttons show it). */
  setDrawing(mode: DrawMode | null): void {
    this.drawing = mode;
    this.render();
  }

  private setError(error: () => InputError): void {
    this.release();
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
    const lines = text.split(/\r?\n/);
    const points = parsed.rows.map((r) => {
      const parts = (lines[r.line - 1] ?? '').trim().split(/[,，;；\t ]+/).filter(Boolean);
      return { name: r.name, x: parts.at(-2) ?? String(r.x), y: parts.at(-1) ?? String(r.y) };
    });
    const entered: EnteredPoints = { crs: this.pasteCrs, swap: this.swap, points };
    this.accept({ geometry: d.geometry, crs: this.pasteCrs, lonLat: d.lonLat, entered }, parsed.rows.map((r) => r.name));
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
    this.submit(read.geometries[0], this.fileCrs, this.fileSiteName());
  }

  /** The uploaded site's name: its feature's name property, else the file's name without the extension. */
  private fileSiteName(): string | undefined {
    if (!this.file) return undefined;
    return this.file.names[this.file.chosen]?.trim() || this.file.name.replace(/\.(geo)?json$|\.kml$/i, '') || undefined;
  }

  /** Checks the geometry in the browser (structure, CRS plausibility) and passes it on, or shows why not. */
  private submit(geometry: unknown, crs: SiteCrs, name?: string): void {
    const site = readSite(geometry, crs);
    if (!site.valid) {
      const reason = site.reason;
      return this.setError(() => ({ lead: t().compliance.siteInvalid, detail: reason }));
    }
    // The file's own numbers, as written in it (JSON keeps no trailing zeros), in its CRS.
    const g = geometry as { type: string; coordinates: unknown };
    const ring = g.type === 'Polygon' ? (g.coordinates as number[][][])[0] : g.type === 'Point' ? [g.coordinates as number[]] : null;
    const entered: EnteredPoints | undefined = ring
      ? { crs, swap: crs === 'EPSG:4546' || crs === 'EPSG:4525', points: (g.type === 'Polygon' ? ring.slice(0, -1) : ring).map((p) => ({ name: null, x: String(p[0]), y: String(p[1]) })) }
      : undefined;
    this.accept({ geometry, crs, lonLat: site.geometry, entered, name });
  }

  /**
   * Passes the site on, unless a ring crosses itself: then the crossings are marked on the map and
   * the user is asked (修复后核查 / 返回修改) before anything is sent. `names` are the points' names as listed.
   */
  private accept(site: SiteSubmission, names: (string | null)[] = []): void {
    this.error = null;
    const held = this.crossings(site, names);
    if (held) {
      this.held = held;
      this.render();
      this.events.invalid();
      return;
    }
    this.release();
    this.render();
    this.events.submit(site);
  }

  /** The crossings of the site's rings as map marks and named segment pairs, or null when it has none. */
  private crossings(site: SiteSubmission, names: (string | null)[]): HeldSite | null {
    const g = site.geometry as { type?: string; coordinates?: unknown };
    const polygons = g.type === 'Polygon' ? [g.coordinates as number[][][]] : g.type === 'MultiPolygon' ? (g.coordinates as number[][][][]) : [];
    const features: FeatureCollection['features'] = [];
    const pairs: string[] = [];
    let count = 0;
    const lonLat = (p: readonly number[]) => toLonLat(p, site.crs);
    polygons.forEach((rings, pi) =>
      rings.forEach((ring, ri) => {
        const open = ring.length > 1 && ring[0][0] === ring.at(-1)![0] && ring[0][1] === ring.at(-1)![1] ? ring.slice(0, -1) : ring;
        const found = ringSelfIntersections(open);
        if (!found.length) return;
        const single = polygons.length === 1 && rings.length === 1;
        const name = (i: number) => (single && names[i]) || `${polygons.length > 1 ? `${pi + 1}-` : ''}${ri > 0 ? `h${ri}-` : ''}J${i + 1}`;
        const segment = (i: number) => `${name(i)}–${name((i + 1) % open.length)}`;
        const segmentLine = (i: number) => ({ type: 'LineString' as const, coordinates: [lonLat(open[i]), lonLat(open[(i + 1) % open.length])] });
        // The ring as listed (thin), under its crossing segments (red, dashed) and points.
        features.push({ type: 'Feature', properties: { kind: 'ring' }, geometry: { type: 'LineString', coordinates: [...open, open[0]].map(lonLat) } });
        const drawn = new Set<number>();
        for (const f of found) {
          count++;
          features.push({ type: 'Feature', properties: { kind: 'point' }, geometry: { type: 'Point', coordinates: lonLat(f.point) } });
          for (const i of f.segments) {
            if (drawn.has(i)) continue;
            drawn.add(i);
            features.push({ type: 'Feature', properties: { kind: 'segment', name: segment(i) }, geometry: segmentLine(i) });
          }
          if (pairs.length < 3) pairs.push(`${segment(f.segments[0])}\u0000${segment(f.segments[1])}`);
        }
      }),
    );
    if (!count) return null;
    this.events.markCrossings?.({ type: 'FeatureCollection', features });
    return { site, pairs, count };
  }

  /** Forgets a held site and its marks. */
  private release(): void {
    if (!this.held) return;
    this.held = null;
    this.events.markCrossings?.(null);
  }

  private heldElement(held: HeldSite): HTMLElement {
    const m = crossText[getLang()];
    const pairs = held.pairs.map((p) => p.replace('\u0000', getLang() === 'zh' ? ` ${m.cross} ` : ` ${m.cross} `)).join(getLang() === 'zh' ? '；' : '; ');
    const repair = h('button', { type: 'button', class: 'xc-cmp-button xc-cmp-selfcross-repair' }, m.repair);
    const back = h('button', { type: 'button', class: 'xc-cmp-button xc-cmp-button-quiet xc-cmp-selfcross-back' }, m.back);
    repair.addEventListener('click', () => {
      const { site } = held;
      this.release();
      this.render();
      this.events.submit(site);
    });
    back.addEventListener('click', () => {
      this.release();
      this.render();
      (this.element.querySelector('.xc-cmp-paste') as HTMLTextAreaElement | null)?.focus();
    });
    return h(
      'div',
      { class: 'xc-cmp-input-error xc-cmp-selfcross', role: 'alert' },
      h('div', { class: 'xc-cmp-input-error-lead' }, m.lead(pairs, held.count)),
      h('div', { class: 'xc-cmp-input-error-detail' }, m.detail),
      h('div', { class: 'xc-cmp-toolbar' }, repair, back),
    );
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
        this.release();
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
          this.submit(file.geometries[file.chosen], this.fileCrs, this.fileSiteName());
        });
        children.push(h('label', { class: 'xc-cmp-field' }, m.fileCount(file.geometries.length), select));
      }
      body = h('div', { class: 'xc-cmp-pane' }, ...children);
    }
    this.element.replaceChildren(
      h('div', { class: 'xc-cmp-input-tabs', role: 'group' }, tab('draw', m.inputDraw), tab('paste', m.inputPaste), tab('file', m.inputFile)),
      body,
      ...(this.error ? [this.errorElement(this.error())] : []),
      ...(this.held ? [this.heldElement(this.held)] : []),
    );
  }
}
