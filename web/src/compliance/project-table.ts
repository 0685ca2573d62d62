/**
 * "All project sites": every located project checked against the control layers by the server in
 * one batch, a per-zone summary, a sortable and filterable conflict table, and its CSV export.
 */
import { complianceCsvColumns, complianceRows, zoneSummary, type ComplianceRow, type ProjectCompliance, type ZoneSummary } from '../../../core/analysis/compliance-table.ts';
import { toCsv } from '../../../core/export/csv.ts';
import { ApiError } from '../api.ts';
import { download, h } from '../dom.ts';
import { getLang, label, t } from '../i18n/index.ts';
import type { AnalysisContext } from '../panels/analysis-dock.ts';
import { areaText, distanceText, featureLabel, otherUnitText, percentText } from './format.ts';

type SortKey = 'project' | 'control' | 'overlap' | 'share' | 'distance';

const OUTSIDE = '__outside';

/** The file name of the CSV export for a day: compliance-YYYY-MM-DD.csv (local date). */
export function csvFileName(date = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `compliance-${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}.csv`;
}

/**
 * Ascending order of conflict rows by overlap area then share (`overlap`), or share then area
 * (`share`): a point site wholly inside a control zone has 0 m² but a share of 1, and ranks above
 * a polygon with 0 m² too.
 */
function compareOverlap(key: 'overlap' | 'share'): (a: ComplianceRow, b: ComplianceRow) => number {
  return key === 'overlap'
    ? (a, b) => a.overlapSquareMeters - b.overlapSquareMeters || a.overlapShare - b.overlapShare
    : (a, b) => a.overlapShare - b.overlapShare || a.overlapSquareMeters - b.overlapSquareMeters;
}

export class ProjectTable {
  readonly element = h('div', { class: 'xc-cmp-projects' });
  private projects: ProjectCompliance[] = [];
  /** The server's per-zone summary (one union per zone) and its compatible-use rule. */
  private summary: ZoneSummary[] | null = null;
  private rule: { en: string; zh: string } | null = null;
  private state: 'idle' | 'loading' | 'ready' | 'error' = 'idle';
  private error = '';
  private zone = '';
  private column = '';
  private sort: { key: SortKey; descending: boolean } | null = null;
  private selected: string | null = null;

  constructor(
    private readonly ctx: AnalysisContext,
    private readonly onSelect: (project: ProjectCompliance) => void,
  ) {}

  /** Fetches the batch result once (again after a failure). */
  async load(): Promise<void> {
    if (this.state === 'loading' || this.state === 'ready') return;
    this.state = 'loading';
    this.render();
    try {
      const res = await this.ctx.api.complianceProjects();
      this.projects = res.projects;
      this.summary = res.zoneSummary ?? null;
      this.rule = res.compatibleUseRule ?? null;
      this.state = 'ready';
    } catch (err) {
      this.state = 'error';
      this.error = err instanceof ApiError ? `${err.message} (${err.status})` : String((err as Error)?.message ?? err);
    }
    this.render();
  }

  /** Marks a project's row as the one shown on the map (null: none). */
  select(projectId: string | null): void {
    this.selected = projectId;
    for (const tr of this.element.querySelectorAll<HTMLElement>('tr[data-project]')) tr.classList.toggle('xc-cmp-selected', tr.dataset.project === projectId);
  }

  private filtered(): ProjectCompliance[] {
    return this.projects.filter(
      (p) => (this.zone === '' || (this.zone === OUTSIDE ? p.zoneId === null : p.zoneId === this.zone)) && (this.column === '' || String(p.column) === this.column),
    );
  }

  private rows(projects: ProjectCompliance[]): ComplianceRow[] {
    const rows = complianceRows(projects);
    if (!this.sort) return rows;
    const { key, descending } = this.sort;
    const collator = new Intl.Collator(getLang() === 'zh' ? 'zh-CN' : 'en');
    const text = (r: ComplianceRow) => (key === 'project' ? this.projectName(r) : r.controlName ? this.controlName(r) : '');
    const compare =
      key === 'project' || key === 'control'
        ? (a: ComplianceRow, b: ComplianceRow) => collator.compare(text(a), text(b))
        : key === 'distance'
          ? (a: ComplianceRow, b: ComplianceRow) => (a.distanceMeters ?? -1) - (b.distanceMeters ?? -1)
          : compareOverlap(key);
    const sign = descending ? -1 : 1;
    // Ties keep the order of `complianceRows` (a stable sort, not reversed).
    const sorted = [...rows].sort((a, b) => sign * compare(a, b));
    if (key !== 'overlap' && key !== 'share') return sorted;
    // "No conflict" rows last in both directions: they have no overlap to rank.
    return [...sorted.filter((r) => r.controlId !== null), ...sorted.filter((r) => r.controlId === null)];
  }

  private projectName(r: { projectId: string; name: string; nameEn: string }): string {
    return featureLabel(this.ctx.store, 'projects', r.projectId, r.name, r.nameEn);
  }

  private controlName(r: ComplianceRow): string {
    const collection = this.projects.find((p) => p.projectId === r.projectId)?.result.conflicts.find((c) => c.id === r.controlId)?.collection ?? 'controls';
    return featureLabel(this.ctx.store, collection, r.controlId ?? '', r.controlName, null);
  }

  private zoneName(zoneId: string | null): string {
    if (zoneId === null) return t().compliance.outsideZones;
    return this.ctx.store.zoneName(zoneId) ?? zoneId;
  }

  /** The rows as exported: zone and kind as readable names in the current language, not codes. */
  private csvRows(): ComplianceRow[] {
    return complianceRows(this.filtered()).map((r) => ({
      ...r,
      zoneId: this.zoneName(r.zoneId),
      kind: r.kind === null ? null : label(t().controlKind, r.kind),
    }));
  }

  private exportCsv(): void {
    download(csvFileName(), toCsv(this.csvRows(), complianceCsvColumns), 'text/csv;charset=utf-8');
  }

  render(): void {
    const m = t().compliance;
    if (this.state === 'loading' || this.state === 'idle') {
      this.element.replaceChildren(h('div', { class: 'xc-cmp-progress', role: 'status' }, h('span', { class: 'xc-spinner', 'aria-hidden': 'true' }), m.loadingProjects));
      this.element.dataset.state = 'loading';
      return;
    }
    if (this.state === 'error') {
      const retry = h('button', { type: 'button', class: 'xc-cmp-button' }, t().retry);
      retry.addEventListener('click', () => void this.load());
      this.element.replaceChildren(h('div', { class: 'xc-cmp-error', role: 'alert' }, m.projectsFailed(this.error), ' ', retry));
      this.element.dataset.state = 'error';
      return;
    }
    this.element.dataset.state = 'ready';
    const projects = this.filtered();
    const rows = this.rows(projects);

    // Per-zone summary; a click on a zone filters the table to it.
    const summary = h(
      'table',
      { class: 'xc-cmp-summary' },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          h('th', {}, m.summaryZone),
          h('th', { class: 'xc-num' }, m.summarySites),
          h('th', { class: 'xc-num' }, m.summaryConflicting),
          h('th', { class: 'xc-num' }, m.summaryOverlap),
          h('th', { class: 'xc-num xc-cmp-compatible-col' }, m.summaryCompatible),
        ),
      ),
      h(
        'tbody',
        {},
        // Outside the zones last, whatever the collation does with the sort key.
        // The server's summary (one union per zone, clipped to it); the per-site sum only as a fallback.
        ...[...(this.summary ?? zoneSummary(this.projects))].sort((a, b) => Number(a.zoneId === null) - Number(b.zoneId === null)).map((s) => {
          const tr = h(
            'tr',
            {
              'data-zone': s.zoneId ?? OUTSIDE,
              'data-overlap-m2': String(s.overlapSquareMeters),
              'data-conflict-m2': String(s.conflictSquareMeters),
              'data-compatible-m2': String(s.compatibleSquareMeters),
              class: s.conflictingSites ? 'xc-cmp-has-conflict' : undefined,
            },
            h('td', {}, this.zoneName(s.zoneId)),
            h('td', { class: 'xc-num' }, String(s.sites)),
            h('td', { class: 'xc-num xc-cmp-sum-conflicting' }, String(s.conflictingSites)),
            h('td', { class: 'xc-num xc-cmp-sum-conflict' }, s.conflictSquareMeters > 0 ? areaText(s.conflictSquareMeters) : '–'),
            h(
              'td',
              { class: 'xc-num xc-cmp-sum-compatible' },
              s.compatibleSites ? `${s.compatibleSites} · ${s.compatibleSquareMeters > 0 ? areaText(s.compatibleSquareMeters) : '–'}` : '–',
            ),
          );
          tr.addEventListener('click', () => {
            this.zone = s.zoneId ?? OUTSIDE;
            this.render();
          });
          return tr;
        }),
      ),
    );

    const zoneSelect = h('select', { class: 'xc-cmp-filter-zone', 'aria-label': m.filterZone }, h('option', { value: '' }, m.all));
    const zoneIds = [...new Set(this.projects.map((p) => p.zoneId))].sort((a, b) => (a ?? '~').localeCompare(b ?? '~'));
    for (const id of zoneIds) zoneSelect.append(h('option', { value: id ?? OUTSIDE }, this.zoneName(id)));
    zoneSelect.value = this.zone;
    zoneSelect.addEventListener('change', () => {
      this.zone = zoneSelect.value;
      this.render();
    });
    const columnSelect = h('select', { class: 'xc-cmp-filter-column', 'aria-label': m.filterColumn }, h('option', { value: '' }, m.all));
    const columns = [...new Set(this.projects.map((p) => p.column).filter((c): c is number => c !== null))].sort((a, b) => a - b);
    for (const c of columns) columnSelect.append(h('option', { value: String(c) }, m.columnN(c)));
    columnSelect.value = this.column;
    columnSelect.addEventListener('change', () => {
      this.column = columnSelect.value;
      this.render();
    });
    const exportButton = h('button', { type: 'button', class: 'xc-cmp-button xc-cmp-export' }, m.exportCsv);
    exportButton.addEventListener('click', () => this.exportCsv());

    const header = (key: SortKey, text: string, numeric = false) => {
      const dir = this.sort?.key === key ? (this.sort.descending ? 'descending' : 'ascending') : 'none';
      const button = h('button', { type: 'button', class: 'xc-cmp-sort', title: m.sortBy(text) }, text, h('span', { class: 'xc-cmp-sort-mark', 'aria-hidden': 'true' }, dir === 'ascending' ? '▲' : dir === 'descending' ? '▼' : ''));
      button.addEventListener('click', () => {
        this.sort = this.sort?.key === key ? { key, descending: !this.sort.descending } : { key, descending: numeric };
        this.render();
      });
      return h('th', { 'data-sort': key, 'aria-sort': dir, class: numeric ? 'xc-num' : undefined }, button);
    };

    const body = h('tbody');
    for (const r of rows) {
      const project = this.projects.find((p) => p.projectId === r.projectId)!;
      const isPoint = r.pointSite;
      const conflict = r.controlId !== null;
      // A protective project inside a control line is a compatible use: marked, not styled as a conflict.
      const compatible = conflict && r.compatibleUse;
      const tr = h(
        'tr',
        {
          'data-project': r.projectId,
          'data-control': r.controlId ?? undefined,
          'data-use': conflict ? (compatible ? 'compatible' : 'conflict') : undefined,
          // xc-cmp-conflict marks every row with an overlap (sorting, filters); xc-cmp-compatible recolours it.
          class: [conflict ? 'xc-cmp-conflict' : '', compatible ? 'xc-cmp-compatible' : '', r.projectId === this.selected ? 'xc-cmp-selected' : ''].filter(Boolean).join(' ') || undefined,
          tabindex: '0',
        },
        h('td', {}, h('div', { class: 'xc-cmp-project-name' }, this.projectName(r)), h('div', { class: 'xc-cmp-sub' }, [r.column !== null ? m.columnN(r.column) : '', this.zoneName(r.zoneId)].filter(Boolean).join(' · '))),
        h('td', {}, conflict ? this.controlName(r) : h('span', { class: 'xc-cmp-ok' }, m.noConflict), compatible ? h('span', { class: 'xc-cmp-compatible-tag' }, ` · ${m.compatibleTag}`) : null),
        h(
          'td',
          { class: 'xc-num', 'data-overlap-m2': String(r.overlapSquareMeters) },
          conflict ? (isPoint ? m.pointSite : areaText(r.overlapSquareMeters)) : '',
          conflict && !isPoint ? h('div', { class: 'xc-cmp-sub' }, otherUnitText(r.overlapSquareMeters)) : null,
        ),
        h('td', { class: 'xc-num' }, conflict ? (isPoint ? m.pointInside : percentText(r.overlapShare)) : ''),
        h('td', { class: 'xc-num' }, r.distanceMeters !== null ? distanceText(r.distanceMeters) : ''),
      );
      const choose = () => {
        this.select(r.projectId);
        this.onSelect(project);
      };
      tr.addEventListener('click', choose);
      tr.addEventListener('keydown', (e) => {
        if (e.key === 'Enter') choose();
      });
      body.append(tr);
    }

    const table = h(
      'table',
      { class: 'xc-cmp-table' },
      h('thead', {}, h('tr', {}, header('project', m.colProject), header('control', m.colControl), header('overlap', m.colOverlap, true), header('share', m.colShare, true), header('distance', m.colDistance, true))),
      body,
    );
    const totalRows = complianceRows(this.projects).length;
    this.element.replaceChildren(
      h('div', { class: 'xc-cmp-note' }, m.sitesChecked(this.projects.length)),
      summary,
      h('div', { class: 'xc-cmp-note xc-cmp-summary-note' }, m.summaryUnionNote, this.rule ? ` ${getLang() === 'en' ? this.rule.en : this.rule.zh}` : ''),
      h(
        'div',
        { class: 'xc-cmp-toolbar' },
        h('label', {}, m.filterZone, ' ', zoneSelect),
        h('label', {}, m.filterColumn, ' ', columnSelect),
        exportButton,
      ),
      h('div', { class: 'xc-cmp-note xc-cmp-row-count' }, m.rowsShown(rows.length, totalRows)),
      rows.length ? h('div', { class: 'xc-cmp-table-wrap' }, table) : h('div', { class: 'xc-cmp-note' }, m.noRows),
    );
  }
}
