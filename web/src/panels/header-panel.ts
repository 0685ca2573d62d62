/** The app's title and the 中文 / English switch. */
import type { IControl } from 'maplibre-gl';
import { h } from '../dom.ts';
import { getLang, onLangChange, setLang, t } from '../i18n/index.ts';

export class HeaderPanel implements IControl {
  private container: HTMLElement | null = null;
  private unsubscribe: (() => void) | null = null;

  onAdd(): HTMLElement {
    this.container = h('div', { class: 'maplibregl-ctrl xc-panel xc-header' });
    this.render();
    this.unsubscribe = onLangChange(() => this.render());
    return this.container;
  }

  onRemove(): void {
    this.unsubscribe?.();
    this.container?.remove();
    this.container = null;
  }

  private render() {
    if (!this.container) return;
    const m = t();
    const button = h('button', { type: 'button', class: 'xc-lang-switch', title: m.languageSwitchTitle, lang: getLang() === 'zh' ? 'en' : 'zh' }, m.languageSwitch);
    button.addEventListener('click', () => setLang(getLang() === 'zh' ? 'en' : 'zh'));
    this.container.replaceChildren(
      h('div', { class: 'xc-header-text' }, h('h1', { class: 'xc-title' }, m.appTitle), h('div', { class: 'xc-subtitle' }, m.appSubtitle)),
      button,
    );
  }
}
