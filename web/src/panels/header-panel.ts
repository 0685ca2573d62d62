/** The app's title, the 中文 / English switch and the planner / investor view switch. */
import type { IControl } from 'maplibre-gl';
import { h } from '../dom.ts';
import { getLang, onLangChange, setLang, t } from '../i18n/index.ts';
import type { Store, ViewMode } from '../store.ts';

export class HeaderPanel implements IControl {
  private container: HTMLElement | null = null;
  private unsubscribe: (() => void) | null = null;
  private unsubscribeStore: (() => void) | null = null;

  /** Without a store and `setMode`, the header has no view switch. */
  constructor(
    private readonly store?: Store,
    private readonly setMode?: (mode: ViewMode) => void,
    /** The account corner (sign in / user), kept across renders. */
    private readonly account?: HTMLElement,
  ) {}

  onAdd(): HTMLElement {
    this.container = h('div', { class: 'maplibregl-ctrl xc-panel xc-header' });
    this.render();
    this.unsubscribe = onLangChange(() => this.render());
    this.unsubscribeStore = this.store?.on((c) => c === 'mode' && this.render()) ?? null;
    return this.container;
  }

  onRemove(): void {
    this.unsubscribe?.();
    this.unsubscribeStore?.();
    this.container?.remove();
    this.container = null;
  }

  private render() {
    if (!this.container) return;
    const m = t();
    const button = h('button', { type: 'button', class: 'xc-lang-switch', title: m.languageSwitchTitle, lang: getLang() === 'zh' ? 'en' : 'zh' }, m.languageSwitch);
    button.addEventListener('click', () => setLang(getLang() === 'zh' ? 'en' : 'zh'));
    const presenting = this.store?.mode === 'presentation';
    const mode =
      this.store && this.setMode
        ? h(
            'button',
            {
              type: 'button',
              class: 'xc-mode-switch',
              // An action button named by what it switches to, in the current language (not a pressed
              // toggle, whose name would have to stay the same); `data-presenting` styles it.
              'aria-label': presenting ? m.investor.modeToPlanner : m.investor.modeToPresentation,
              'data-presenting': String(presenting),
              title: presenting ? m.investor.modeToPlannerTitle : m.investor.modeToPresentationTitle,
            },
            presenting ? m.investor.modeToPlanner : m.investor.modeToPresentation,
          )
        : null;
    mode?.addEventListener('click', () => this.setMode?.(presenting ? 'planner' : 'presentation'));
    this.container.replaceChildren(
      h('div', { class: 'xc-header-text' }, h('h1', { class: 'xc-title' }, m.appTitle), h('div', { class: 'xc-subtitle' }, m.appSubtitle)),
      h('div', { class: 'xc-header-buttons' }, button, mode, this.account ?? null),
    );
  }
}
