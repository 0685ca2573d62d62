/** Choice of basemap (online, custom URL template, the office's package), offered only when the server's configuration lists one; each with its attribution. */
import { h } from '../dom.ts';
import { Panel } from './panel.ts';
import { onLangChange, pick, t } from '../i18n/index.ts';
import type { Store } from '../store.ts';

export class BasemapPanel extends Panel {

  constructor(private readonly store: Store) {
    super();
  }

  onAdd(): HTMLElement {
    this.container = h('div', { class: 'maplibregl-ctrl xc-panel xc-basemap-panel' });
    this.listen(onLangChange(() => this.render()), this.store.on((c) => c === 'basemap' && this.render()));
    this.render();
    return this.container;
  }

  private render() {
    if (!this.container) return;
    const m = t();
    const options = [
      { id: null as string | null, title: m.basemapNone, attribution: '' },
      ...this.store.basemaps.map((b) => ({ id: b.id as string | null, title: pick(b.title), attribution: b.attribution })),
    ];
    const fieldset = h('fieldset', { class: 'xc-basemap' }, h('legend', {}, m.basemap));
    for (const o of options) {
      const input = h('input', { type: 'radio', name: 'xc-basemap', value: o.id ?? 'none', checked: this.store.basemap === o.id });
      input.addEventListener('change', () => {
        this.store.basemap = o.id;
        this.store.emit('basemap');
      });
      const label = h('label', { class: 'xc-basemap-option' }, input, o.title);
      if (o.attribution) {
        label.title = o.attribution;
        label.append(h('small', { class: 'xc-basemap-credit' }, o.attribution));
      }
      fieldset.append(label);
    }
    this.container.replaceChildren(fieldset);
  }
}
