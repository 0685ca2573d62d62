/**
 * Keyboard and layout glue (issue 13 #4, #16): skip links as the first Tab stops (to the analysis
 * tools, to the map), Esc closing the popups and then the analysis dock, and the layer panel folding
 * out of the way while the dock needs the room (opened again when the dock closes).
 */
import type { Map as MapLibreMap } from 'maplibre-gl';
import { h } from './dom.ts';
import { onLangChange, t } from './i18n/index.ts';
import type { FeatureInteraction } from './interaction.ts';
import type { AnalysisDock } from './panels/analysis-dock.ts';
import type { LayerPanel } from './panels/layer-panel.ts';

/** The map keeps at least this share of its width beside the panels (issue 13 #4). */
const MAP_MIN_WIDTH_SHARE = 0.6;

export interface KeyboardOptions {
  root: HTMLElement;
  map: MapLibreMap;
  dock: AnalysisDock;
  layerPanel: LayerPanel;
  interaction: FeatureInteraction;
}

export function installKeyboard(o: KeyboardOptions): void {
  skipLinks(o);
  escapeKey(o);
  foldBesideDock(o);
}

function skipLinks({ root, map, dock }: KeyboardOptions) {
  const analysis = h('button', { type: 'button', class: 'xc-skip-link', 'data-target': 'analysis' });
  analysis.addEventListener('click', () => {
    dock.open();
    dock.focus();
  });
  const toMap = h('button', { type: 'button', class: 'xc-skip-link', 'data-target': 'map' });
  toMap.addEventListener('click', () => map.getCanvas().focus());
  const nav = h('nav', { class: 'xc-skip-links' }, analysis, toMap);
  const render = () => {
    const m = t().layout;
    nav.setAttribute('aria-label', m.skipLinks);
    analysis.textContent = m.skipToAnalysis;
    toMap.textContent = m.skipToMap;
  };
  render();
  onLangChange(render);
  root.prepend(nav);
}

function escapeKey({ map, dock, interaction }: KeyboardOptions) {
  // Seen before anything handles the key: a dialog, a drawing or the search that takes Esc itself.
  let takenElsewhere = false;
  window.addEventListener(
    'keydown',
    (e) => {
      if (e.key !== 'Escape') return;
      const target = e.target instanceof Element ? e.target : null;
      takenElsewhere =
        interaction.paused || !!document.querySelector('.xc-analysis-report, .xc-pres-popover, .xc-export-progress') || !!target?.closest('.xc-search, .xc-account');
    },
    true,
  );
  window.addEventListener('keydown', (e) => {
    if (e.key !== 'Escape' || e.defaultPrevented || takenElsewhere) return;
    const container = map.getContainer();
    const popups = [...container.querySelectorAll<HTMLButtonElement>('.maplibregl-popup .maplibregl-popup-close-button')];
    if (popups.length) {
      for (const close of popups) close.click();
      return;
    }
    if (dock.isOpen) {
      dock.close();
      container.querySelector<HTMLElement>('.xc-analysis-toggle')?.focus();
    }
  });
}

function foldBesideDock({ map, dock, layerPanel }: KeyboardOptions) {
  let folded = false;
  let foldedByUser = false;
  layerPanel.onOpenChange(() => {
    // The user opened or folded the list while the dock was open: theirs to keep.
    if (dock.isOpen) foldedByUser = true;
  });
  dock.onOpenChange((open) => {
    if (open) {
      foldedByUser = false;
      const container = map.getContainer();
      const width = container.clientWidth;
      const box = container.getBoundingClientRect();
      const drawer = container.querySelector('.xc-analysis-drawer')?.getBoundingClientRect();
      const column = container.querySelector('.maplibregl-ctrl-top-left .xc-layer-panel')?.getBoundingClientRect();
      if (!drawer || !column || !layerPanel.isOpen) return;
      // A sheet across the bottom (phones) or a drawer beside it that leaves the map too narrow.
      const free = drawer.width >= width - 1 ? 0 : drawer.left - column.right;
      if (free < MAP_MIN_WIDTH_SHARE * width || drawer.top > box.top) {
        folded = true;
        layerPanel.setOpen(false);
        foldedByUser = false;
      }
    } else if (folded) {
      folded = false;
      if (!foldedByUser) layerPanel.setOpen(true);
    }
  });
}
