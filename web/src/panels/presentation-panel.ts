/**
 * The investor view's drawer on the right: share and export, the sector filter, a card per support
 * zone (positioning, lead industries, area, key projects, what is near) and the plan's headline
 * figures. Shaped like a MapLibre control, though it is placed in the map container itself.
 */
import { formatAreaSquareMeters, formatDistanceMeters } from '../../../core/units.ts';
import type { ApiFeature } from '../api.ts';
import { h } from '../dom.ts';
import { Panel } from './panel.ts';
import { getLang, label, onLangChange, t } from '../i18n/index.ts';
import { OTHER_SECTOR_COLOR, SECTOR_COLORS, isDistrictWide } from '../layers/projects.ts';
import { SECTORS, type Presentation } from '../presentation/presentation.ts';
import { zoneProfiles, type ZoneProfile } from '../presentation/zone-profile.ts';
import { featureName, otherName, type Store } from '../store.ts';
import { figuresSection } from './presentation-figures.ts';

/** Projects listed on a card before "n more". */
const PROJECTS_SHOWN = 4;

export interface PresentationPanelOptions {
  share(anchor: HTMLElement): void;
  export(anchor: HTMLElement): void;
}

type Tab = 'zones' | 'figures';

export class PresentationPanel extends Panel {
  private profiles: ZoneProfile[] = [];
  private tab: Tab = 'zones';
  /** Cards whose whole project list the user opened. */
  private expanded = new Set<string>();
  /** Folded to its title bar, the map uncovered (on a phone the drawer is a sheet at the bottom). */
  private collapsed = false;

  constructor(
    private readonly store: Store,
    private readonly presentation: Presentation,
    private readonly indicators: () => readonly ApiFeature[],
    private readonly options: PresentationPanelOptions,
  ) {
    super();
  }

  onAdd(): HTMLElement {
    this.container = h('aside', { class: 'xc-presentation', 'aria-label': t().investor.title });
    this.listen(
      onLangChange(() => this.render()),
      this.store.on((c) => {
        if (c === 'data') {
          this.profiles = [];
          this.render();
        }
        if (c === 'sectors' || c === 'mode') this.render();
      }),
      this.presentation.onChange(() => this.syncSelection()),
    );
    this.render();
    return this.container;
  }

  /** Re-renders, e.g. when the headline figures arrive. */
  refresh(): void {
    this.render();
  }

  /** Shows a tab (and re-renders), e.g. when a link selects a zone. */
  showTab(tab: Tab): void {
    if (this.tab === tab) return;
    this.tab = tab;
    this.render();
  }

  private render() {
    if (!this.container || this.store.mode !== 'presentation') {
      this.container?.replaceChildren();
      return;
    }
    const m = t().investor;
    this.container.setAttribute('aria-label', m.title);
    const share = h('button', { type: 'button', class: 'xc-pres-button xc-share-open', title: m.shareTitle }, m.share);
    share.addEventListener('click', () => this.options.share(share));
    const exp = h('button', { type: 'button', class: 'xc-pres-button xc-pres-button-primary xc-export-open', title: m.exportTitle }, m.export);
    exp.addEventListener('click', () => this.options.export(exp));
    const l = t().layout;
    const fold = h(
      'button',
      { type: 'button', class: 'xc-sheet-toggle', 'aria-expanded': String(!this.collapsed), title: this.collapsed ? l.expandSheet : l.collapseSheet, 'aria-label': this.collapsed ? l.expandSheet : l.collapseSheet },
      this.collapsed ? '▴' : '▾',
    );
    fold.addEventListener('click', () => {
      this.collapsed = !this.collapsed;
      this.render();
      this.container?.querySelector<HTMLElement>('.xc-sheet-toggle')?.focus();
    });
    this.container.classList.toggle('xc-sheet-collapsed', this.collapsed);
    const tabs = (['zones', 'figures'] as const).map((id) => {
      const b = h('button', { type: 'button', role: 'tab', class: 'xc-pres-tab', 'data-tab': id, 'aria-selected': String(this.tab === id) }, id === 'zones' ? m.tabZones : m.tabFigures);
      b.addEventListener('click', () => this.showTab(id));
      return b;
    });
    const body = h('div', { class: 'xc-pres-body', role: 'tabpanel' });
    if (this.tab === 'zones') body.append(this.sectorFilter(), this.cards());
    else body.append(figuresSection(this.indicators()));
    this.container.replaceChildren(
      h(
        'header',
        { class: 'xc-pres-head' },
        h('div', { class: 'xc-pres-head-row' }, h('h2', { class: 'xc-pres-title' }, m.title), h('div', { class: 'xc-pres-actions' }, share, exp, fold)),
        h('div', { class: 'xc-pres-subtitle' }, m.subtitle),
      ),
      h('nav', { class: 'xc-pres-tabs', role: 'tablist' }, ...tabs),
      body,
    );
    this.syncSelection();
  }

  private sectorFilter(): HTMLElement {
    const m = t();
    const present = new Set((this.store.features.get('projects') ?? []).filter((f) => !isDistrictWide(f)).map((f) => String(f.properties.sector)));
    const active = new Set(this.store.sectors);
    const all = h('button', { type: 'button', class: 'xc-chip xc-chip-all', 'aria-pressed': String(active.size === 0) }, m.investor.allSectors);
    all.addEventListener('click', () => this.presentation.setSectors([]));
    const chips = SECTORS.filter((s) => present.has(s) || active.has(s)).map((s) => {
      const chip = h('button', { type: 'button', class: 'xc-chip', 'data-sector': s, 'aria-pressed': String(active.has(s)) }, h('i', { 'aria-hidden': 'true' }), label(m.sector, s));
      chip.style.setProperty('--xc-sector', SECTOR_COLORS[s] ?? OTHER_SECTOR_COLOR);
      chip.addEventListener('click', () => {
        const next = new Set(this.store.sectors);
        if (next.has(s)) next.delete(s);
        else next.add(s);
        this.presentation.setSectors([...next]);
      });
      return chip;
    });
    return h('div', { class: 'xc-sector-filter' }, h('div', { class: 'xc-pres-label' }, m.investor.sectorFilter), h('div', { class: 'xc-chips' }, all, ...chips));
  }

  private cards(): HTMLElement {
    const m = t();
    if (!this.profiles.length) {
      const f = (id: string) => this.store.features.get(id) ?? [];
      this.profiles = zoneProfiles(f('zones'), f('projects'), f('facilities'), f('parks'));
    }
    if (!this.profiles.length) return h('div', { class: 'xc-pres-empty' }, m.loading);
    return h(
      'div',
      {},
      h('ol', { class: 'xc-zone-cards' }, ...this.profiles.map((p) => this.card(p))),
      h('p', { class: 'xc-pres-note' }, m.investor.indicativeNote),
    );
  }

  private card(profile: ZoneProfile): HTMLElement {
    const m = t();
    const en = getLang() === 'en';
    const z = profile.zone;
    const p = z.properties;
    const color = String(p.color ?? '#8a8f94');
    const shown = profile.projects.filter((f) => this.presentation.projectShown(f.id));
    const filtering = this.store.sectors.length > 0;
    const expanded = this.expanded.has(z.id);

    const head = h(
      'button',
      { type: 'button', class: 'xc-zone-card-head', 'aria-label': m.investor.showZone(featureName(z)) },
      h('span', { class: 'xc-zone-swatch', 'aria-hidden': 'true' }),
      h('span', { class: 'xc-zone-names' }, h('h3', { class: 'xc-zone-name' }, featureName(z)), otherName(z) && h('span', { class: 'xc-zone-other' }, otherName(z))),
      Number.isFinite(Number(p.area_square_meters)) && p.area_square_meters != null
        ? h('span', { class: 'xc-zone-area', title: m.attr.area }, formatAreaSquareMeters(Number(p.area_square_meters), getLang()))
        : null,
    );
    head.addEventListener('click', () => this.presentation.selectZone(z.id));

    const positioning = String((en ? p.positioning_en : p.positioning_zh) ?? p.positioning_zh ?? '');
    const industries = ((en ? p.lead_industries_en : p.lead_industries_zh) ?? p.lead_industries_zh ?? []) as unknown[];

    const list = (expanded ? shown : shown.slice(0, PROJECTS_SHOWN)).map((f) => {
      const b = h('button', { type: 'button', class: 'xc-zone-project', 'data-project': f.id }, h('i', { 'aria-hidden': 'true' }), featureName(f));
      b.querySelector('i')!.style.background = SECTOR_COLORS[String(f.properties.sector)] ?? OTHER_SECTOR_COLOR;
      b.title = label(m.sector, f.properties.sector);
      b.addEventListener('click', () => {
        this.presentation.selectZone(z.id, { fly: false });
        this.presentation.showProject(f.id);
      });
      return h('li', {}, b);
    });
    const more = shown.length - list.length;
    const moreButton = more > 0 ? h('button', { type: 'button', class: 'xc-link xc-zone-more' }, m.investor.moreProjects(more)) : null;
    moreButton?.addEventListener('click', () => {
      this.expanded.add(z.id);
      this.render();
    });

    const near: (HTMLElement | string)[] = [];
    if (profile.railStation) {
      const d = profile.railStation.distanceMeters;
      near.push(h('li', { class: 'xc-near-rail' }, m.investor.railStation(featureName(profile.railStation.feature), d > 0 ? formatDistanceMeters(d, getLang()) : '')));
    }
    if (profile.onG6) near.push(h('li', { class: 'xc-near-road' }, m.investor.g6));
    if (profile.metroStations > 0) near.push(h('li', { class: 'xc-near-metro' }, m.investor.metro(profile.metroStations)));
    if (profile.parks > 0) {
      const names = [...new Set(profile.namedParks.map((f) => featureName(f)))].slice(0, 2).join(m.listSeparator);
      near.push(h('li', { class: 'xc-near-park' }, m.investor.parks(profile.parks, names)));
    }

    const card = h(
      'li',
      { class: `xc-zone-card${filtering && shown.length === 0 ? ' xc-zone-card-muted' : ''}`, 'data-zone': z.id },
      head,
      positioning && h('p', { class: 'xc-zone-positioning' }, positioning),
      industries.length > 0 && h('ul', { class: 'xc-zone-industries', 'aria-label': m.attr.leadIndustries }, ...industries.map((i) => h('li', {}, String(i)))),
      h(
        'div',
        { class: 'xc-zone-section' },
        h('h4', {}, filtering ? m.investor.projectsFiltered(shown.length, profile.projects.length) : m.investor.projects(profile.projects.length)),
        list.length ? h('ul', { class: 'xc-zone-projects' }, ...list) : h('div', { class: 'xc-zone-none' }, filtering ? m.investor.noProjectsInSectors : m.investor.noProjects),
        moreButton,
      ),
      near.length > 0 && h('div', { class: 'xc-zone-section' }, h('h4', {}, m.investor.near), h('ul', { class: 'xc-zone-near' }, ...near)),
    );
    card.style.setProperty('--xc-zone', color);
    return card;
  }

  /** Marks the selected zone's card and brings it into view, without rebuilding the cards. */
  private syncSelection() {
    if (!this.container) return;
    const { zone } = this.presentation.selection;
    for (const card of this.container.querySelectorAll<HTMLElement>('.xc-zone-card')) {
      const selected = card.dataset.zone === zone;
      if (selected && !card.classList.contains('xc-zone-card-selected')) card.scrollIntoView({ block: 'nearest', behavior: 'smooth' });
      card.classList.toggle('xc-zone-card-selected', selected);
      card.querySelector('.xc-zone-card-head')?.setAttribute('aria-pressed', String(selected));
    }
  }
}
