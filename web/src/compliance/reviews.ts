/**
 * Saved compliance reviews (审查记录) in the compliance panel: save the server result under a
 * number, and find and reprint saved ones — the report as it was, even after the data changed.
 */
import type { ComplianceResponse, ReviewSummary } from '../api.ts';
import { h } from '../dom.ts';
import { fill, getLang } from '../i18n/index.ts';
import type { AnalysisContext } from '../panels/analysis-dock.ts';
import { openReport } from './report.ts';

const text = {
  zh: {
    save: '保存审查记录',
    project: '项目名称',
    applicant: '申请单位',
    note: '审查意见',
    saved: '已保存为审查记录 {number}',
    list: '审查记录',
    search: '按编号、项目或申请单位查找',
    none: '没有审查记录',
    conflicts: '冲突 {n} 处',
    reprint: '打印',
  },
  en: {
    save: 'Save as review record',
    project: 'Project name',
    applicant: 'Applicant',
    note: 'Reviewer’s note',
    saved: 'Saved as review {number}',
    list: 'Review records',
    search: 'Find by number, project or applicant',
    none: 'No review records',
    conflicts: '{n} conflict(s)',
    reprint: 'Print',
  },
};
const tx = () => text[getLang()];

/** The save form under a server result (planners only). */
export function saveReviewForm(ctx: AnalysisContext, response: ComplianceResponse, title: string, onSaved: (saved: { number: string; projectName: string; applicant?: string }) => void): HTMLElement | null {
  if (!ctx.session.can('planner')) return null;
  const m = tx();
  const name = h('input', { name: 'projectName', required: true, 'aria-label': m.project, placeholder: m.project });
  name.value = title;
  const applicant = h('input', { name: 'applicant', 'aria-label': m.applicant, placeholder: m.applicant });
  const note = h('textarea', { name: 'note', rows: '2', 'aria-label': m.note, placeholder: m.note });
  const submit = h('button', { type: 'submit', class: 'xc-cmp-button xc-review-save' }, m.save);
  const status = h('div', { class: 'xc-review-status', role: 'status' });
  const form = h('form', { class: 'xc-review-form' }, name, applicant, note, submit, status);
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    submit.disabled = true;
    ctx.api
      .saveReview({ projectName: name.value.trim(), applicant: applicant.value.trim() || undefined, note: note.value.trim() || undefined, geometry: response.site.geometry, crs: 'EPSG:4326' })
      .then((r) => {
        status.textContent = fill(m.saved, { number: r.number });
        onSaved({ number: r.number, projectName: name.value.trim(), applicant: applicant.value.trim() || undefined });
      })
      .catch((err: Error) => {
        status.textContent = err.message;
        submit.disabled = false;
      });
  });
  return form;
}

/** The list of saved reviews with a search box; each reprints its report. */
export function reviewsList(ctx: AnalysisContext): HTMLElement {
  const m = tx();
  const box = h('section', { class: 'xc-reviews' });
  const search = h('input', { type: 'search', class: 'xc-reviews-search', 'aria-label': m.search, placeholder: m.search });
  const list = h('ul', { class: 'xc-reviews-list' });
  const load = async () => {
    let rows: ReviewSummary[] = [];
    try {
      rows = (await ctx.api.reviews(search.value.trim())).reviews;
    } catch (err) {
      list.replaceChildren(h('li', {}, (err as Error).message));
      return;
    }
    list.replaceChildren(
      ...(rows.length
        ? rows.map((r) => {
            const print = h('button', { type: 'button', class: 'xc-review-print' }, m.reprint);
            print.addEventListener('click', async () => {
              const saved = await ctx.api.review(r.number);
              await openReport(ctx.map, ctx.store, {
                title: saved.projectName,
                response: saved.result,
                fields: { projectName: saved.projectName, applicant: saved.applicant ?? undefined, reviewer: saved.reviewer ?? undefined, reviewNumber: saved.number },
              });
            });
            return h(
              'li',
              { 'data-review': r.number },
              h('strong', {}, r.number),
              ' ',
              r.projectName,
              h('div', { class: 'xc-cmp-sub' }, [r.applicant, r.reviewer, r.createdAt.slice(0, 10), fill(m.conflicts, { n: r.conflicts })].filter(Boolean).join(' · ')),
              print,
            );
          })
        : [h('li', {}, m.none)]),
    );
  };
  let timer: ReturnType<typeof setTimeout> | undefined;
  search.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(() => void load(), 250);
  });
  box.append(h('h3', {}, m.list), search, list);
  (box as HTMLElement & { reload?: () => Promise<void> }).reload = load;
  void load();
  return box;
}
