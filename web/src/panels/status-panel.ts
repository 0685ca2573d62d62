/**
 * Loading progress and error messages, over the top of the map: a failed request shows what went
 * wrong instead of leaving a blank map.
 */
import { h } from '../dom.ts';
import { Panel } from './panel.ts';
import { onLangChange, pick, t } from '../i18n/index.ts';
import type { Store } from '../store.ts';

export class StatusPanel extends Panel {
  private dismissed = new Set<string>();

  constructor(
    private readonly store: Store,
    private readonly layerIds: readonly string[],
    private readonly retry: () => void,
  ) {
    super();
  }

  onAdd(): HTMLElement {
    this.container = h('div', { class: 'xc-status', role: 'status', 'aria-live': 'polite' });
    this.listen(this.store.on(() => this.render()), onLangChange(() => this.render()));
    this.render();
    return this.container;
  }

  private render() {
    if (!this.container) return;
    const m = t();
    const states = this.layerIds.map((id) => this.store.layer(id));
    const total = states.filter((s) => s.load !== 'waiting').length;
    const done = states.filter((s) => s.load === 'ready' || s.load === 'error').length;
    const loading = states.some((s) => s.load === 'loading');
    const children: HTMLElement[] = [];
    if (loading) {
      children.push(
        h(
          'div',
          { class: 'xc-status-loading' },
          h('span', { class: 'xc-spinner', 'aria-hidden': 'true' }),
          h('span', {}, m.loadingProgress(done, total)),
        ),
      );
    }
    const messages: { key: string; text: string }[] = this.store.errors.map((e) => ({ key: `global:${e}`, text: e }));
    for (const id of this.layerIds) {
      const s = this.store.layer(id);
      if (s.load !== 'error') continue;
      const info = this.store.info.get(id);
      messages.push({ key: `${id}:${s.error}`, text: m.layerLoadFailed(info ? pick(info.titles) : id, s.error ?? '') });
    }
    for (const msg of messages.filter((x) => !this.dismissed.has(x.key))) {
      const retry = h('button', { type: 'button', class: 'xc-button' }, m.retry);
      retry.addEventListener('click', () => {
        this.dismissed.clear();
        this.retry();
      });
      const close = h('button', { type: 'button', class: 'xc-button xc-button-quiet', 'aria-label': m.dismiss, title: m.dismiss }, '×');
      close.addEventListener('click', () => {
        this.dismissed.add(msg.key);
        this.render();
      });
      children.push(
        h('div', { class: 'xc-status-error', role: 'alert' }, h('strong', {}, m.loadFailed), h('span', { class: 'xc-status-error-text' }, msg.text), retry, close),
      );
    }
    this.container.replaceChildren(...children);
    this.container.hidden = children.length === 0;
  }
}
