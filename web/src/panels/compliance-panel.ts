/**
 * Compliance review (合规审查), a tool of the analysis dock: every project site checked against the
 * control layers, and a new site — drawn, pasted or uploaded — checked at once in the browser (Turf)
 * while it is drawn, then by the server (PostGIS, authoritative). Results show on the map (site in
 * blue, overlaps in red), in the panel and in a printable report.
 */
import { exportPicker } from '../export/export-picker.ts';
import { fitToBounds, flyToPoint } from '../camera.ts';
import './compliance.css';
import type { Geometry } from 'geojson';
import { checkCompliance, type AreaFeature, type ComplianceResult, type ControlLayer } from '../../../core/analysis/compliance.ts';
import type { ProjectCompliance } from '../../../core/analysis/compliance-table.ts';
import type { CodedSite } from '../../../core/geometry/site-code.ts';
import { readSite, type SiteGeometry } from '../../../core/geometry/site-input.ts';
import { ApiError, type ComplianceRequest, type ComplianceResponse } from '../api.ts';
import { areaText, featureLabel, otherUnitText, percentText, verdictLines, methodText, warningTexts, zonesText, type ResultLike } from '../compliance/format.ts';
import { ProjectTable } from '../compliance/project-table.ts';
import { LayerReview } from '../compliance/layer-review.ts';
import { openReport } from '../compliance/report.ts';
import { reviewsList, saveReviewForm } from '../compliance/reviews.ts';
import { SiteDraw, type DrawMode } from '../compliance/site-draw.ts';
import { SiteInputForm, type SiteSubmission } from '../compliance/site-input-form.ts';
import { SiteLayers } from '../compliance/site-layers.ts';
import { download, h } from '../dom.ts';
import { geometryBounds } from '../geometry.ts';
import { label, onLangChange, pick, t } from '../i18n/index.ts';
import { drawnFromTiles } from '../../../core/tiling.ts';
import { featureName, layerQuality, type Store } from '../store.ts';
import type { AnalysisContext } from './analysis-dock.ts';

/** What the result area shows. `title` is a project's id, or null for a new site. */
type ResultState =
  | { kind: 'none' }
  | { kind: 'instant'; geometry: SiteGeometry; result: ComplianceResult }
  | { kind: 'checking'; projectId: string | null }
  | { kind: 'server'; projectId: string | null; response: ComplianceResponse }
  | { kind: 'error'; projectId: string | null; message: string; /** The site itself was refused (400/413): the message is the reason. */ invalid?: boolean };

const POLYGONAL = new Set(['Polygon', 'MultiPolygon']);

/** Titles of the control layers drawn from tiles: not in the browser, so not in the instant check (the server has them). */
export function tiledControlTitles(store: Store): string[] {
  return [...store.info.values()].filter((info) => info.control && drawnFromTiles(info.numberOfFeatures)).map((info) => pick(info.titles));
}

/** Every loaded layer marked as a control layer, polygons only, for the instant check. */
export function controlLayers(store: Store): ControlLayer[] {
  return [...store.info.values()]
    .filter((info) => info.control)
    .map((info) => ({
      collection: info.id,
      features: (store.features.get(info.id) ?? []).filter((f) => f.geometry && POLYGONAL.has(f.geometry.type)) as unknown as AreaFeature[],
    }));
}

function errorText(err: unknown): string {
  if (err instanceof ApiError) return err.status === 0 ? t().apiUnreachable : `${err.message} (${err.status})`;
  return String((err as Error)?.message ?? err);
}

export class CompliancePanel {
  readonly element = h('div', { class: 'xc-cmp' });
  private readonly layers: SiteLayers;
  private readonly draw: SiteDraw;
  private readonly table: ProjectTable;
  private readonly layerReview: LayerReview;
  private readonly form: SiteInputForm;
  private readonly resultBox = h('div', { class: 'xc-cmp-result-box', 'aria-live': 'polite' });
  private readonly reviews = h('div', { class: 'xc-cmp-reviews' });
  private readonly heading = { intro: h('p', { class: 'xc-cmp-intro' }), projects: h('summary', {}), site: h('summary', {}), layer: h('summary', {}) };
  private result: ResultState = { kind: 'none' };
  private request: AbortController | null = null;
  private frame = 0;
  private pendingDraw: SiteGeometry | null = null;
  /** The last pasted or uploaded site (its points as entered and its name, for the report). */
  private submission: SiteSubmission | null = null;
  /** The review record the current result was saved as (printed as 审查编号). */
  private savedReview: { number: string; projectName: string; applicant?: string } | null = null;
  private unsubscribe: (() => void)[] = [];

  constructor(private readonly ctx: AnalysisContext) {
    this.layers = new SiteLayers(ctx.map);
    this.draw = new SiteDraw(ctx.map, {
      change: (g) => this.onDrawChange(g),
      finish: (g) => this.finishDrawing(g),
      stop: () => this.setDrawing(null),
    });
    this.table = new ProjectTable(ctx, (p) => void this.showProject(p));
    this.layerReview = new LayerReview(ctx, (g) => {
      this.fit(g);
      this.layers.show(g, null);
    });
    this.form = new SiteInputForm({
      draw: (mode) => this.startDrawing(mode),
      submit: (site) => this.submit(site),
      // A failed input check: the result on screen (and its map layers) belonged to an earlier input.
      invalid: () => this.clear(),
      // A ring crossing itself: its crossings on the map, in view, while the form asks what to do.
      markCrossings: (marks) => {
        this.layers.showCrossings(marks);
        if (marks?.features.length) this.fit({ type: 'GeometryCollection', geometries: marks.features.map((f) => f.geometry) });
      },
    });
    this.element.append(
      this.heading.intro,
      h('details', { class: 'xc-cmp-section xc-cmp-section-projects', open: true }, this.heading.projects, this.table.element),
      // Between the two sections: near the table row or the input that produced it.
      this.resultBox,
      h('details', { class: 'xc-cmp-section xc-cmp-section-site', open: true }, this.heading.site, this.form.element),
      h('details', { class: 'xc-cmp-section xc-cmp-section-layer' }, this.heading.layer, this.layerReview.element),
      this.reviews,
    );
    const showReviews = () => {
      // Saved reviews are for signed-in users; the list is rebuilt for each sign-in.
      this.reviews.replaceChildren(...(this.ctx.session.user ? [reviewsList(this.ctx)] : []));
    };
    showReviews();
    this.unsubscribe.push(this.ctx.session.on(showReviews), this.ctx.session.on(() => this.renderResult()));
    this.unsubscribe.push(onLangChange(() => this.render()));
    this.render();
  }

  /** The tab is shown: load the batch result once the app's data is there; check what a link asked for (issue 13 #17). */
  async open(): Promise<void> {
    await this.ctx.ready;
    // Layers imported since the panel was made are offered too.
    this.layerReview.render();
    await this.table.load();
    const asked = this.ctx.store.takeAnalysisRequest('compliance');
    if (asked && 'project' in asked) void this.showProject({ projectId: asked.project });
    else if (asked) {
      this.submission = null;
      this.layers.show(asked.site as Geometry, null);
      this.fit(asked.site as Geometry);
      void this.check({ geometry: asked.site, crs: 'EPSG:4326' }, null, false);
    }
  }

  /** The tab is hidden: a drawing under way stops (the map's clicks go back to popups). */
  close(): void {
    if (this.draw.drawing) this.draw.cancel();
  }

  destroy(): void {
    this.close();
    this.draw.destroy();
    this.layers.remove();
    this.layerReview.destroy();
    for (const u of this.unsubscribe) u();
  }

  private render(): void {
    const m = t().compliance;
    this.heading.intro.textContent = m.intro;
    this.heading.projects.textContent = m.projectsSection;
    this.heading.site.textContent = m.newSiteSection;
    this.heading.layer.textContent = t().layerReview.section;
    this.layerReview.render();
    this.table.render();
    this.form.render();
    this.renderResult();
  }

  private setDrawing(mode: DrawMode | null): void {
    this.ctx.interaction.paused = mode !== null;
    this.form.setDrawing(mode);
  }

  private startDrawing(mode: DrawMode | null): void {
    if (mode === null) {
      this.draw.cancel();
      return;
    }
    this.request?.abort();
    this.layers.clear();
    this.table.select(null);
    this.ctx.store.setAnalysis({ compliance: undefined });
    this.result = { kind: 'none' };
    this.renderResult();
    this.draw.start(mode);
    this.setDrawing(mode);
  }

  /** While drawing: one instant check per animation frame, however fast the pointer moves. */
  private onDrawChange(geometry: SiteGeometry | null): void {
    this.pendingDraw = geometry;
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      const g = this.pendingDraw;
      if (!g) {
        if (this.result.kind === 'instant') this.result = { kind: 'none' };
        return this.renderResult();
      }
      try {
        this.result = { kind: 'instant', geometry: g, result: checkCompliance(g, controlLayers(this.ctx.store), (this.ctx.store.features.get('zones') ?? []) as unknown as AreaFeature[]) };
      } catch {
        // A shape crossing itself mid-draw can defeat Turf's overlay; the next frame tries again.
        return;
      }
      this.renderResult();
    });
  }

  /** A finished drawing: checked in the browser first (e.g. outside China), then by the server. */
  private finishDrawing(geometry: SiteGeometry): void {
    const site = readSite(geometry, 'EPSG:4326');
    if (!site.valid) {
      this.request?.abort();
      if (this.frame) cancelAnimationFrame(this.frame);
      this.frame = 0;
      this.result = { kind: 'error', projectId: null, message: site.reason, invalid: true };
      this.renderResult();
      return;
    }
    this.submission = null;
    this.savedReview = null;
    void this.check({ geometry, crs: 'EPSG:4326' }, null, false);
  }

  private submit(site: SiteSubmission): void {
    if (this.draw.drawing) this.draw.cancel();
    this.submission = site;
    this.savedReview = null;
    this.table.select(null);
    this.result = { kind: 'checking', projectId: null };
    this.layers.show(site.lonLat, null);
    this.fit(site.lonLat);
    void this.check({ geometry: site.geometry, crs: site.crs }, null, true);
  }

  /** Sends the site to the server and shows its answer (site and overlaps on the map). */
  private async check(body: ComplianceRequest, projectId: string | null, fit: boolean): Promise<void> {
    this.request?.abort();
    const request = new AbortController();
    this.request = request;
    if (this.frame) cancelAnimationFrame(this.frame);
    this.frame = 0;
    // The estimate stays on screen, marked as such, until the server answers.
    if (this.result.kind !== 'instant') this.result = { kind: 'checking', projectId };
    this.renderResult(true);
    try {
      const response = await this.ctx.api.compliance(body, request.signal);
      if (request.signal.aborted) return;
      this.result = { kind: 'server', projectId, response };
      // The share link carries the checked site (a project by id), issue 13 #17.
      this.ctx.store.setAnalysis({ compliance: projectId ? { project: projectId } : { site: response.site.geometry as CodedSite } });
      this.layers.show(response.site.geometry, response.overlaps);
      if (fit) this.fit(response.site.geometry);
    } catch (err) {
      if (request.signal.aborted) return;
      const invalid = err instanceof ApiError && (err.status === 400 || err.status === 413);
      this.result = { kind: 'error', projectId, message: invalid ? err.message : errorText(err), invalid };
    }
    this.renderResult();
    this.resultBox.scrollIntoView({ block: 'nearest' });
  }

  /** A row of the project table: zoom to the site and check it again for its overlap polygons. */
  private async showProject(p: Pick<ProjectCompliance, 'projectId'>): Promise<void> {
    if (this.draw.drawing) this.draw.cancel();
    const f = this.ctx.store.feature('projects', p.projectId);
    if (!f?.geometry) return;
    this.fit(f.geometry);
    this.layers.show(f.geometry, null);
    if (f.geometry.type === 'Point' || POLYGONAL.has(f.geometry.type)) {
      this.result = { kind: 'checking', projectId: p.projectId };
      await this.check({ geometry: f.geometry, crs: 'EPSG:4326' }, p.projectId, false);
      return;
    }
    // A line (a road, a pipe): the batch result is all there is; no overlap polygons.
    this.request?.abort();
    this.result = { kind: 'none' };
    this.resultBox.replaceChildren(h('div', { class: 'xc-cmp-note' }, `${featureName(f)} · ${t().compliance.lineOnly}`));
  }

  private fit(geometry: Geometry): void {
    const padding = this.ctx.padding();
    if (geometry.type === 'Point') flyToPoint(this.ctx.map, geometry.coordinates as [number, number], Math.max(this.ctx.map.getZoom(), 14), padding, 600);
    else fitToBounds(this.ctx.map, geometryBounds(geometry), padding, { maxZoom: 16, duration: 600 });
  }

  private clear(): void {
    this.request?.abort();
    if (this.draw.drawing) this.draw.cancel();
    this.ctx.store.setAnalysis({ compliance: undefined });
    this.layers.clear();
    this.table.select(null);
    this.result = { kind: 'none' };
    this.renderResult();
  }

  private siteTitle(projectId: string | null): string {
    const m = t().compliance;
    if (!projectId) return this.submission?.name || m.newSite;
    const f = this.ctx.store.feature('projects', projectId);
    return m.projectSite(f ? featureName(f) : projectId);
  }

  private renderResult(checking = false): void {
    const m = t().compliance;
    const store = this.ctx.store;
    const s = this.result;
    if (s.kind === 'none') {
      this.resultBox.replaceChildren();
      return;
    }
    const clear = h('button', { type: 'button', class: 'xc-cmp-button xc-cmp-button-quiet xc-cmp-clear' }, m.clear);
    clear.addEventListener('click', () => this.clear());
    if (s.kind === 'checking' || s.kind === 'error') {
      this.resultBox.replaceChildren(
        h(
          'div',
          { class: 'xc-cmp-result', 'data-source': s.kind },
          h('div', { class: 'xc-cmp-result-head' }, h('strong', {}, this.siteTitle(s.projectId))),
          s.kind === 'checking'
            ? h('div', { class: 'xc-cmp-progress', role: 'status' }, h('span', { class: 'xc-spinner', 'aria-hidden': 'true' }), m.checking)
            : s.invalid
              ? h(
                  'div',
                  { class: 'xc-cmp-error', role: 'alert' },
                  h('div', { class: 'xc-cmp-input-error-lead' }, m.siteInvalid),
                  h('div', { class: 'xc-cmp-input-error-detail' }, m.errorDetail, h('span', { lang: 'en' }, s.message)),
                )
              : h('div', { class: 'xc-cmp-error', role: 'alert' }, m.serverFailed(s.message)),
          h('div', { class: 'xc-cmp-toolbar' }, clear),
        ),
      );
      return;
    }
    const r: ResultLike = s.kind === 'instant' ? s.result : s.response;
    const isPoint = s.kind === 'instant' ? s.geometry.type === 'Point' : s.response.site.geometry.type === 'Point';
    const source = s.kind === 'instant' ? 'instant' : 'server';
    const indicative =
      controlLayers(store).some((l) => layerQuality(store.info.get(l.collection), store.features.get(l.collection) ?? []) !== 'other') ||
      r.conflicts.some((c) => c.quality === 'indicative');

    const conflicts = r.conflicts.length
      ? h(
          'table',
          { class: 'xc-cmp-conflicts' },
          h('thead', {}, h('tr', {}, h('th', {}, m.colControl), h('th', { class: 'xc-num' }, m.colOverlap), h('th', { class: 'xc-num' }, m.colShare))),
          h(
            'tbody',
            {},
            ...r.conflicts.map((c) =>
              h(
                'tr',
                { 'data-control': c.id, 'data-overlap-m2': String(c.overlapSquareMeters) },
                h('td', {}, featureLabel(store, c.collection, c.id, c.name, c.nameEn), h('div', { class: 'xc-cmp-sub' }, label(t().controlKind, c.kind))),
                h('td', { class: 'xc-num' }, isPoint ? m.pointSite : areaText(c.overlapSquareMeters), !isPoint ? h('div', { class: 'xc-cmp-sub' }, otherUnitText(c.overlapSquareMeters)) : null),
                h('td', { class: 'xc-num' }, percentText(c.overlapShare)),
              ),
            ),
          ),
        )
      : null;

    let print: HTMLButtonElement | null = null;
    let save: HTMLElement | null = null;
    if (s.kind === 'server') {
      print = h('button', { type: 'button', class: 'xc-cmp-button xc-cmp-print' }, m.printReport);
      const response = s.response;
      const title = this.siteTitle(s.projectId);
      const entered = s.projectId ? undefined : this.submission?.entered;
      print.addEventListener('click', () =>
        void openReport(this.ctx.map, store, {
          title,
          response,
          entered,
          fields: { projectName: this.savedReview?.projectName ?? title, applicant: this.savedReview?.applicant, reviewNumber: this.savedReview?.number, reviewer: this.ctx.session.user?.username },
        }),
      );
      save = saveReviewForm(this.ctx, response, title, (saved) => {
        this.savedReview = saved;
        const list = this.reviews.firstElementChild as (HTMLElement & { reload?: () => Promise<void> }) | null;
        void list?.reload?.();
      });
    }

    this.resultBox.replaceChildren(
      h(
        'div',
        { class: 'xc-cmp-result', 'data-source': source, 'data-conflicts': String(r.conflicts.length) },
        h(
          'div',
          { class: 'xc-cmp-result-head' },
          h('strong', {}, s.kind === 'server' ? this.siteTitle(s.projectId) : m.newSite),
          h('span', { class: `xc-cmp-source xc-cmp-source-${source}` }, source === 'instant' ? m.instant : m.server),
        ),
        checking ? h('div', { class: 'xc-cmp-progress', role: 'status' }, h('span', { class: 'xc-spinner', 'aria-hidden': 'true' }), m.checking) : null,
        source === 'instant' && tiledControlTitles(store).length ? h('div', { class: 'xc-cmp-note xc-cmp-instant-without' }, m.instantWithout(tiledControlTitles(store).join(t().listSeparator))) : null,
        h(
          'dl',
          { class: 'xc-cmp-facts' },
          h('dt', {}, m.siteArea),
          h('dd', {}, isPoint ? m.pointSite : areaText(r.site.areaSquareMeters)),
          h('dt', {}, m.zones),
          h('dd', {}, zonesText(store, r)),
        ),
        h('ul', { class: `xc-cmp-verdict ${r.conflicts.length ? 'xc-cmp-verdict-conflict' : 'xc-cmp-verdict-ok'}` }, ...verdictLines(store, r, isPoint).map((line) => h('li', {}, line))),
        conflicts,
        s.kind === 'server' && s.response.warnings.length
          ? h('div', { class: 'xc-cmp-warnings' }, h('strong', {}, m.warnings), h('ul', {}, ...warningTexts(s.response).map((w) => h('li', {}, w))))
          : null,
        s.kind === 'server' ? h('div', { class: 'xc-cmp-method' }, h('strong', {}, `${m.method}: `), methodText(s.response)) : null,
        indicative ? h('div', { class: 'xc-cmp-indicative' }, m.indicativeNotice) : null,
        h('div', { class: 'xc-cmp-toolbar' }, print, clear),
        // The overlap polygons (each with its control layer and area) and the site, in the office's formats.
        s.kind === 'server' && s.response.overlaps.features.length
          ? h(
              'details',
              { class: 'xc-cmp-export-overlaps' },
              h('summary', {}, t().exporting.overlaps),
              exportPicker(t().exporting.overlaps, async (choice) => {
                const file = await this.ctx.api.exportAnalysis(s.response.overlaps, 'compliance-overlaps', choice);
                download(file.fileName, file.blob);
              }),
            )
          : null,
        save,
      ),
    );
  }
}

