/**
 * Says what a link could not use (issue 13 #15): an unreadable view, unknown layers, zones,
 * projects or sectors, a mode or language the app does not have, or that it hides every layer, in
 * the UI language, over the top of the map until dismissed.
 */
import type { PermalinkDiagnosis } from '../../../core/permalink.ts';
import { h } from '../dom.ts';
import { onLangChange, t } from '../i18n/index.ts';

export class LinkNotice {
  readonly element: HTMLElement;
  private diagnosis: PermalinkDiagnosis | null = null;

  /** `showLayers` shows every layer again (the answer to a link that hides them all). */
  constructor(private readonly showLayers: () => void) {
    this.element = h('div', { class: 'xc-link-notice', role: 'status' });
    this.element.hidden = true;
    onLangChange(() => this.render());
  }

  /** Shows what the diagnosis found; hides the notice when it found nothing. */
  show(diagnosis: PermalinkDiagnosis): void {
    this.diagnosis = diagnosis.problems.length || diagnosis.hidesAllLayers ? diagnosis : null;
    this.render();
  }

  dismiss(): void {
    this.diagnosis = null;
    this.render();
  }

  private render() {
    const d = this.diagnosis;
    this.element.hidden = !d;
    if (!d) {
      this.element.replaceChildren();
      return;
    }
    const m = t().linkNotice;
    const close = h('button', { type: 'button', class: 'xc-button-quiet xc-link-notice-close', title: m.close, 'aria-label': m.close }, '×');
    close.addEventListener('click', () => this.dismiss());
    const text = h('div', { class: 'xc-link-notice-text' });
    if (d.problems.length) {
      text.append(h('div', {}, m.dropped), h('ul', {}, ...d.problems.map((p) => h('li', { 'data-part': p.part }, m[p.part](p.value)))));
    }
    if (d.hidesAllLayers) {
      const show = h('button', { type: 'button', class: 'xc-button xc-link-notice-layers' }, m.showLayers);
      show.addEventListener('click', () => {
        this.showLayers();
        this.dismiss();
      });
      text.append(h('div', {}, m.noLayers), show);
    }
    this.element.replaceChildren(text, close);
  }
}
