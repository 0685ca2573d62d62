/**
 * The analysis dock: a toolbar button that opens a right-side drawer hosting analysis tools as
 * tabs (compliance review, coverage, …). Tools register themselves with `registerAnalysisTool`, before
 * or after the dock is on the map; each tool builds its content once, on its first opening.
 */
import './compliance.css';
import type { IControl, Map as MapLibreMap } from 'maplibre-gl';
import type { ApiClient } from '../api.ts';
import { h } from '../dom.ts';
import { onLangChange, pick, t } from '../i18n/index.ts';
import type { FeatureInteraction } from '../interaction.ts';
import type { Session } from '../session.ts';
import type { Store } from '../store.ts';

/** What a tool gets to work with: the map, the app's state and the API client. */
export interface AnalysisContext {
  map: MapLibreMap;
  store: Store;
  api: ApiClient;
  interaction: FeatureInteraction;
  /** Resolves once the app's layers are on the map and loaded (a tool's own layers go on top). */
  ready: Promise<void>;
  /** Map padding that keeps a fitted feature clear of the side panel and of the drawer, in pixels. */
  padding(): { top: number; bottom: number; left: number; right: number };
  /** Who is signed in. */
  session: Session;
  /** Loads a collection's features again (after a write) and redraws its layer. */
  reload(collectionId: string): Promise<void>;
  /** Loads the collection list and every layer again (after an import made or replaced one). */
  refresh(): Promise<void>;
}

export interface AnalysisTool {
  /** Unique id, also the tab's `data-tool`. */
  id: string;
  title: { zh: string; en: string };
  /** Builds the tool's content; called once, when its tab is first shown. */
  create(ctx: AnalysisContext): HTMLElement;
  /** The tool's tab was shown (also after the drawer reopens on it). */
  onOpen?(): void;
  /** The tool's tab was hidden, or the drawer closed. */
  onClose?(): void;
  /** Whether the tab is offered now (e.g. only to admins); always when absent. */
  visible?(): boolean;
}

const tools: AnalysisTool[] = [];
const registryListeners = new Set<() => void>();

/** Adds a tool to the dock (tabs keep registration order); a second tool with the same id replaces it. */
export function registerAnalysisTool(tool: AnalysisTool): void {
  const i = tools.findIndex((x) => x.id === tool.id);
  if (i >= 0) tools[i] = tool;
  else tools.push(tool);
  for (const fn of registryListeners) fn();
}

/** Shows or hides tabs again after what `visible()` depends on changed (a sign-in). */
export function refreshAnalysisTools(): void {
  for (const fn of registryListeners) fn();
}

/** Widest the drawer gets, in CSS pixels (kept in step with `--xc-dock-width` in compliance.css). */
export const DRAWER_WIDTH_PX = 420;

export class AnalysisDock implements IControl {
  private button: HTMLButtonElement | null = null;
  private container: HTMLElement | null = null;
  private drawer: HTMLElement | null = null;
  private tabs: HTMLElement | null = null;
  private body: HTMLElement | null = null;
  private title: HTMLElement | null = null;
  private closeButton: HTMLButtonElement | null = null;
  /** Folds the drawer to its title bar (on a phone, a sheet at the bottom; elsewhere, at the top). */
  private sheetButton: HTMLButtonElement | null = null;
  private collapsed = false;
  private readonly openListeners = new Set<(open: boolean) => void>();
  private readonly built = new Map<string, HTMLElement>();
  private active: string | null = null;
  private unsubscribe: (() => void)[] = [];
  private ctx: AnalysisContext | null = null;

  constructor(private readonly deps: Omit<AnalysisContext, 'map' | 'padding'>) {}

  /** Whether the drawer is open. */
  get isOpen(): boolean {
    return !!this.drawer && !this.drawer.hidden;
  }

  /** The tool whose tab is shown in the open drawer, or null when the drawer is closed. */
  get activeTool(): string | null {
    return this.isOpen ? this.active : null;
  }

  /** Calls `fn` after the drawer opens or closes; returns the unsubscribe. */
  onOpenChange(fn: (open: boolean) => void): () => void {
    this.openListeners.add(fn);
    return () => this.openListeners.delete(fn);
  }

  /** Moves the keyboard focus into the drawer: the selected tab. */
  focus(): void {
    (this.tabs?.querySelector<HTMLElement>('[aria-selected="true"]') ?? this.closeButton)?.focus();
  }

  /** Folds the drawer to its title bar, or unfolds it; the tools keep their state. */
  setCollapsed(collapsed: boolean): void {
    this.collapsed = collapsed;
    this.drawer?.classList.toggle('xc-sheet-collapsed', collapsed);
    this.ctx?.map.getContainer().classList.toggle('xc-analysis-collapsed', collapsed && this.isOpen);
    this.render();
  }

  onAdd(map: MapLibreMap): HTMLElement {
    this.ctx = { ...this.deps, map, padding: () => this.padding(map) };
    this.button = h('button', { type: 'button', class: 'xc-analysis-toggle', 'aria-expanded': 'false' });
    this.button.addEventListener('click', () => (this.isOpen ? this.close() : this.open()));
    this.container = h('div', { class: 'maplibregl-ctrl maplibregl-ctrl-group xc-analysis xc-analysis-button' }, this.button);

    this.title = h('h2', { class: 'xc-analysis-title' });
    this.closeButton = h('button', { type: 'button', class: 'xc-analysis-close' }, '×');
    this.closeButton.addEventListener('click', () => this.close());
    this.sheetButton = h('button', { type: 'button', class: 'xc-sheet-toggle', 'aria-expanded': 'true' });
    this.sheetButton.addEventListener('click', () => this.setCollapsed(!this.collapsed));
    this.tabs = h('div', { class: 'xc-analysis-tabs', role: 'tablist' });
    this.body = h('div', { class: 'xc-analysis-body' });
    this.drawer = h(
      'aside',
      { class: 'xc-analysis xc-analysis-drawer' },
      h('div', { class: 'xc-analysis-head' }, this.title, this.sheetButton, this.closeButton),
      this.tabs,
      this.body,
    );
    this.drawer.hidden = true;
    // Outside MapLibre's control corners: the drawer spans the map's full height on the right.
    map.getContainer().append(this.drawer);

    const rerender = () => this.render();
    registryListeners.add(rerender);
    this.unsubscribe.push(() => registryListeners.delete(rerender), onLangChange(rerender));
    this.render();
    return this.container;
  }

  onRemove(): void {
    this.close();
    for (const u of this.unsubscribe) u();
    this.unsubscribe = [];
    this.drawer?.remove();
    this.container?.remove();
    this.drawer = this.container = this.button = null;
  }

  /** Opens the drawer on a tool (by default the last one shown, else the first registered). */
  open(toolId?: string): void {
    if (!this.drawer || !this.ctx) return;
    const id = toolId ?? this.active ?? tools[0]?.id;
    const opening = this.drawer.hidden;
    this.drawer.hidden = false;
    this.ctx.map.getContainer().classList.add('xc-analysis-open');
    this.button?.setAttribute('aria-expanded', 'true');
    if (this.collapsed) this.setCollapsed(false);
    if (id) this.show(id);
    if (opening) for (const fn of this.openListeners) fn(true);
  }

  close(): void {
    if (!this.drawer || this.drawer.hidden) return;
    this.drawer.hidden = true;
    this.ctx?.map.getContainer().classList.remove('xc-analysis-open', 'xc-analysis-collapsed');
    this.button?.setAttribute('aria-expanded', 'false');
    if (this.active) tools.find((x) => x.id === this.active)?.onClose?.();
    for (const fn of this.openListeners) fn(false);
  }

  private show(id: string): void {
    const tool = tools.find((x) => x.id === id);
    if (!tool || !this.body || !this.ctx) return;
    if (this.active && this.active !== id) tools.find((x) => x.id === this.active)?.onClose?.();
    this.active = id;
    let el = this.built.get(id);
    if (!el) {
      el = h('div', { class: 'xc-analysis-tool', 'data-tool': id, role: 'tabpanel' }, tool.create(this.ctx));
      this.built.set(id, el);
      this.body.append(el);
    }
    for (const [toolId, panel] of this.built) panel.hidden = toolId !== id;
    this.render();
    tool.onOpen?.();
  }

  private render(): void {
    if (!this.button || !this.tabs || !this.title || !this.closeButton) return;
    const m = t().compliance;
    this.button.textContent = m.dockButton;
    this.button.title = m.dockTitle;
    this.title.textContent = m.dockTitle;
    this.closeButton.title = m.close;
    this.closeButton.setAttribute('aria-label', m.close);
    if (this.sheetButton) {
      const l = t().layout;
      this.sheetButton.textContent = this.collapsed ? '▴' : '▾';
      this.sheetButton.title = this.collapsed ? l.expandSheet : l.collapseSheet;
      this.sheetButton.setAttribute('aria-label', this.sheetButton.title);
      this.sheetButton.setAttribute('aria-expanded', String(!this.collapsed));
    }
    if (this.active && tools.find((x) => x.id === this.active)?.visible?.() === false) {
      // The shown tab is no longer offered (signed out): go back to the first one.
      const first = tools.find((x) => x.visible?.() !== false);
      if (first) queueMicrotask(() => this.show(first.id));
    }
    this.tabs.replaceChildren(
      ...tools.filter((tool) => tool.visible?.() !== false).map((tool) => {
        const tab = h(
          'button',
          { type: 'button', class: 'xc-analysis-tab', role: 'tab', 'data-tool': tool.id, 'aria-selected': String(tool.id === this.active) },
          pick(tool.title),
        );
        tab.addEventListener('click', () => this.show(tool.id));
        return tab;
      }),
    );
  }

  /** The interaction's padding already keeps clear of the open drawer, beside or (phones) below. */
  private padding(_map: MapLibreMap) {
    const base = this.deps.interaction.padding();
    return { top: base.top ?? 60, bottom: base.bottom ?? 60, left: base.left ?? 40, right: base.right ?? 60 };
  }
}
