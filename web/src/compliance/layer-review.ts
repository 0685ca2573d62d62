/**
 * "审查整个图层": a planner picks a layer (an imported one, or any layer with polygons), the server
 * reviews every polygon of it against the control layers as a job (POST /api/jobs), the panel shows
 * its progress with a cancel button, then a paged table of the sites — conflicts first, largest
 * first, or only those — where a row zooms the map to its site, and the CSV streamed by the server.
 * A reloaded page or a second tab asks the server for the user's jobs (GET /api/jobs) and shows the
 * newest layer review that is still running or finished (kept an hour) again: its progress or its table.
 */
import type { Geometry } from 'geojson';
import { ApiError, type AnalysisJob, type LayerReviewPage } from '../api.ts';
import { h } from '../dom.ts';
import { pick, t } from '../i18n/index.ts';
import type { AnalysisContext } from '../panels/analysis-dock.ts';
import { areaText, featureLabel, percentText } from './format.ts';

/** Rows of the result table per page. */
export const LAYER_REVIEW_PAGE_SIZE = 50;
/** How often a running job is asked for its progress (ms). */
const POLL_MS = 500;

type View =
  | { kind: 'idle' }
  | { kind: 'starting' }
  | { kind: 'job'; job: AnalysisJob }
  | { kind: 'error'; message: string };

export class LayerReview {
  readonly element = h('div', { class: 'xc-lrv' });
  private view: View = { kind: 'idle' };
  private layer = '';
  private page: LayerReviewPage | null = null;
  private offset = 0;
  private onlyConflicts = false;
  private poll = 0;
  private pageRequest: AbortController | null = null;
  private selected: string | null = null;
  private resumeRequest: AbortController | null = null;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly ctx: AnalysisContext,
    /** A row was chosen: show its site on the map. */
    private readonly focus: (geometry: Geometry) => void,
  ) {
    void this.resume();
    // Signed in or out: the jobs the server lists are another user's.
    this.unsubscribe = ctx.session.on(() => {
      if (this.view.kind === 'idle') void this.resume();
    });
  }

  /**
   * The user's newest layer review that is queued, running or done (a reloaded page, a second tab):
   * shown again, its progress followed. Nothing to show, or not allowed to run analyses (401): idle.
   */
  private async resume(): Promise<void> {
    this.resumeRequest?.abort();
    const request = new AbortController();
    this.resumeRequest = request;
    try {
      const { jobs } = await this.ctx.api.jobs(['queued', 'running', 'done'], request.signal);
      // An admin is listed every user's jobs: only those the admin started are theirs to resume.
      const me = this.ctx.session.user?.username ?? null;
      const job = jobs.find((j) => j.kind === 'layer-review' && j.startedBy === me);
      if (!job || request.signal.aborted || this.view.kind !== 'idle') return;
      this.layer = job.collection;
      this.view = { kind: 'job', job };
      if (job.state === 'done') return void (await this.loadPage());
      this.render();
      this.schedule();
    } catch {
      // Not allowed to list jobs, or the server is unreachable: the panel starts idle, as before.
    }
  }

  /** The layers a review can take: imported layers first, then the others that may hold polygons; no control layers. */
  private layers() {
    return [...this.ctx.store.info.values()]
      .filter((info) => !info.control && (info.geometry === 'polygon' || info.geometry === 'mixed'))
      .sort((a, b) => Number(!!b.imported) - Number(!!a.imported));
  }

  destroy(): void {
    clearTimeout(this.poll);
    this.pageRequest?.abort();
    this.resumeRequest?.abort();
    this.unsubscribe();
  }

  private async start(): Promise<void> {
    if (!this.layer) return;
    this.resumeRequest?.abort();
    this.view = { kind: 'starting' };
    this.page = null;
    this.offset = 0;
    this.selected = null;
    this.render();
    try {
      this.view = { kind: 'job', job: await this.ctx.api.startLayerReview(this.layer) };
      this.render();
      this.schedule();
    } catch (err) {
      this.fail(err);
    }
  }

  private schedule(): void {
    clearTimeout(this.poll);
    this.poll = window.setTimeout(() => void this.refresh(), POLL_MS);
  }

  /** Asks for the job's progress until it has finished, then loads the first page. */
  private async refresh(): Promise<void> {
    if (this.view.kind !== 'job') return;
    const id = this.view.job.id;
    try {
      const job = await this.ctx.api.job(id);
      if (this.view.kind !== 'job' || this.view.job.id !== id) return;
      this.view = { kind: 'job', job };
      if (job.state === 'queued' || job.state === 'running') this.schedule();
      else if (job.state === 'done') return void (await this.loadPage());
      this.render();
    } catch (err) {
      this.fail(err);
    }
  }

  private async cancel(): Promise<void> {
    if (this.view.kind !== 'job') return;
    clearTimeout(this.poll);
    try {
      this.view = { kind: 'job', job: await this.ctx.api.cancelJob(this.view.job.id) };
      this.render();
    } catch (err) {
      this.fail(err);
    }
  }

  private async loadPage(): Promise<void> {
    if (this.view.kind !== 'job') return;
    this.pageRequest?.abort();
    const request = new AbortController();
    this.pageRequest = request;
    try {
      this.page = await this.ctx.api.jobResults(this.view.job.id, { limit: LAYER_REVIEW_PAGE_SIZE, offset: this.offset, onlyConflicts: this.onlyConflicts }, request.signal);
      if (request.signal.aborted) return;
      this.render();
    } catch (err) {
      if (!request.signal.aborted) this.fail(err);
    }
  }

  private fail(err: unknown): void {
    clearTimeout(this.poll);
    const message = err instanceof ApiError ? (err.status === 0 ? t().apiUnreachable : `${err.message} (${err.status})`) : String((err as Error)?.message ?? err);
    this.view = { kind: 'error', message };
    this.render();
  }

  /** A row: the site's whole feature from the items API, shown on the map. */
  private async choose(collection: string, siteId: string): Promise<void> {
    this.selected = siteId;
    for (const tr of this.element.querySelectorAll<HTMLElement>('tr[data-site]')) tr.classList.toggle('xc-cmp-selected', tr.dataset.site === siteId);
    try {
      const { feature } = await this.ctx.api.item(collection, siteId);
      if (feature.geometry && this.selected === siteId) this.focus(feature.geometry as Geometry);
    } catch (err) {
      this.fail(err);
    }
  }

  render(): void {
    const m = t().layerReview;
    const layers = this.layers();
    if (!layers.some((l) => l.id === this.layer)) this.layer = layers[0]?.id ?? '';
    const select = h('select', { class: 'xc-lrv-layer', 'aria-label': m.layer });
    for (const info of layers) select.append(h('option', { value: info.id }, `${pick(info.titles)}${info.numberOfFeatures ? ` (${info.numberOfFeatures.toLocaleString()})` : ''}`));
    select.value = this.layer;
    select.addEventListener('change', () => {
      this.layer = select.value;
    });
    const busy = this.view.kind === 'starting' || (this.view.kind === 'job' && (this.view.job.state === 'queued' || this.view.job.state === 'running'));
    select.disabled = busy;
    const startButton = h('button', { type: 'button', class: 'xc-cmp-button xc-lrv-start' }, m.start);
    startButton.disabled = busy || !this.layer;
    startButton.addEventListener('click', () => void this.start());
    const parts: (Node | null)[] = [
      h('p', { class: 'xc-cmp-note' }, m.intro),
      h('div', { class: 'xc-cmp-toolbar' }, h('label', {}, m.layer, ' ', select), startButton),
    ];
    if (!layers.length) parts.push(h('div', { class: 'xc-cmp-note' }, m.noLayers));
    if (this.view.kind === 'starting') parts.push(h('div', { class: 'xc-cmp-progress', role: 'status' }, h('span', { class: 'xc-spinner', 'aria-hidden': 'true' }), m.starting));
    if (this.view.kind === 'error') parts.push(h('div', { class: 'xc-cmp-error', role: 'alert' }, m.failed(this.view.message)));
    if (this.view.kind === 'job') parts.push(this.jobView(this.view.job));
    this.element.dataset.state = this.view.kind === 'job' ? this.view.job.state : this.view.kind;
    this.element.replaceChildren(...parts.filter((p): p is Node => p !== null));
  }

  private jobView(job: AnalysisJob): HTMLElement {
    const m = t().layerReview;
    const layerTitle = pick(this.ctx.store.info.get(job.collection)?.titles ?? { zh: job.collection, en: job.collection });
    const { done, total } = job.progress;
    if (job.state === 'queued' || job.state === 'running' || job.state === 'cancelled' || job.state === 'failed') {
      const bar = h('progress', { class: 'xc-lrv-bar', max: String(total ?? 1), value: String(done), 'aria-label': m.progressLabel(layerTitle) });
      if (total === null) bar.removeAttribute('value');
      const cancel = h('button', { type: 'button', class: 'xc-cmp-button xc-cmp-button-quiet xc-lrv-cancel' }, m.cancel);
      cancel.addEventListener('click', () => void this.cancel());
      const running = job.state === 'queued' || job.state === 'running';
      return h(
        'div',
        { class: 'xc-lrv-job', role: 'status', 'aria-live': 'polite' },
        h('div', { class: 'xc-lrv-status' }, job.state === 'queued' ? m.queued : job.state === 'running' ? m.running(layerTitle) : job.state === 'cancelled' ? m.cancelled : m.failed(job.error ?? '')),
        h('div', { class: 'xc-lrv-progress' }, bar, running ? cancel : null),
        h('div', { class: 'xc-cmp-note xc-lrv-count' }, m.progress(done, total), done ? ` · ${m.conflictsSoFar(job.numberWithConflicts)}` : ''),
      );
    }
    // Done: the counts, the table of the current page, paging and the CSV.
    const page = this.page;
    const only = h('input', { type: 'checkbox', class: 'xc-lrv-only' });
    only.checked = this.onlyConflicts;
    only.addEventListener('change', () => {
      this.onlyConflicts = only.checked;
      this.offset = 0;
      void this.loadPage();
    });
    const csv = h('a', { class: 'xc-cmp-button xc-lrv-csv', href: this.ctx.api.jobCsvUrl(job.id, this.onlyConflicts), download: `${job.collection}-compliance.csv` }, m.csv);
    const body = h('tbody');
    for (const s of page?.sites ?? []) {
      const conflict = s.conflicts.length > 0;
      const tr = h(
        'tr',
        { 'data-site': s.id, tabindex: '0', class: [conflict ? 'xc-cmp-conflict' : '', s.id === this.selected ? 'xc-cmp-selected' : ''].filter(Boolean).join(' ') || undefined },
        h('td', { title: s.id }, h('div', { class: 'xc-cmp-project-name' }, s.name ?? s.id)),
        h('td', {}, conflict ? s.conflicts.map((c) => featureLabel(this.ctx.store, c.collection, c.id, c.name, null)).join(t().listSeparator) : h('span', { class: 'xc-cmp-ok' }, t().compliance.noConflict)),
        h('td', { class: 'xc-num', 'data-conflict-m2': String(s.conflictSquareMeters) }, conflict ? areaText(s.conflictSquareMeters) : ''),
        h('td', { class: 'xc-num' }, conflict && s.areaSquareMeters > 0 ? percentText(s.conflictSquareMeters / s.areaSquareMeters) : ''),
      );
      const choose = () => void this.choose(job.collection, s.id);
      tr.addEventListener('click', choose);
      tr.addEventListener('keydown', (e) => {
        if (e.key === 'Enter') choose();
      });
      body.append(tr);
    }
    const matched = page?.numberMatched ?? 0;
    const prev = h('button', { type: 'button', class: 'xc-cmp-button xc-cmp-button-quiet xc-lrv-prev' }, m.previous);
    prev.disabled = this.offset === 0;
    prev.addEventListener('click', () => {
      this.offset = Math.max(0, this.offset - LAYER_REVIEW_PAGE_SIZE);
      void this.loadPage();
    });
    const next = h('button', { type: 'button', class: 'xc-cmp-button xc-cmp-button-quiet xc-lrv-next' }, m.next);
    next.disabled = this.offset + LAYER_REVIEW_PAGE_SIZE >= matched;
    next.addEventListener('click', () => {
      this.offset += LAYER_REVIEW_PAGE_SIZE;
      void this.loadPage();
    });
    return h(
      'div',
      { class: 'xc-lrv-job', 'data-job': job.id },
      h('div', { class: 'xc-lrv-status' }, m.done(layerTitle, job.numberOfSites, job.numberWithConflicts), job.numberNotReviewed ? h('div', { class: 'xc-cmp-note' }, m.notReviewed(job.numberNotReviewed)) : null),
      h('div', { class: 'xc-cmp-toolbar' }, h('label', {}, only, ' ', m.onlyConflicts), csv),
      page && page.sites.length
        ? h(
            'div',
            { class: 'xc-cmp-table-wrap' },
            h(
              'table',
              { class: 'xc-cmp-table xc-lrv-table' },
              h('thead', {}, h('tr', {}, h('th', {}, m.colSite), h('th', {}, m.colControls), h('th', { class: 'xc-num' }, m.colConflict), h('th', { class: 'xc-num' }, m.colShare))),
              body,
            ),
          )
        : h('div', { class: 'xc-cmp-note' }, page ? m.noSites : ''),
      matched > LAYER_REVIEW_PAGE_SIZE
        ? h('div', { class: 'xc-cmp-toolbar xc-lrv-paging' }, prev, h('span', { class: 'xc-cmp-note xc-lrv-range' }, m.range(this.offset + 1, Math.min(matched, this.offset + LAYER_REVIEW_PAGE_SIZE), matched)), next)
        : null,
      h('div', { class: 'xc-cmp-note' }, m.order),
    );
  }
}
