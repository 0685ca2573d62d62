/**
 * Wires the investor view into the app: the presentation controller, its drawer, the share and
 * export popovers, the headline figures and the shareable link. One call from main.ts.
 */
import type { Map as MapLibreMap } from 'maplibre-gl';
import type { PermalinkState } from '../../../core/permalink.ts';
import type { ApiClient, ApiFeature } from '../api.ts';
import type { FeatureInteraction } from '../interaction.ts';
import type { MapLayerModule } from '../layers/layer.ts';
import type { MapLayers } from '../map-layers.ts';
import { ExportDialog } from '../panels/presentation-export.ts';
import { PresentationPanel } from '../panels/presentation-panel.ts';
import { SharePopover } from '../panels/presentation-share.ts';
import { PermalinkSync } from '../permalink.ts';
import type { Store } from '../store.ts';
import { Presentation } from './presentation.ts';

export interface InvestorViewOptions {
  map: MapLibreMap;
  store: Store;
  layers: MapLayers;
  interaction: FeatureInteraction;
  api: ApiClient;
  modules: readonly MapLayerModule[];
  root: HTMLElement;
  /** The link the page was opened with. */
  link: PermalinkState;
}

export interface InvestorView {
  presentation: Presentation;
  permalink: PermalinkSync;
  /** The print/export dialog, also opened by the planner's 打印 (issue 13). */
  exportDialog: ExportDialog;
  /** The share popover, also opened by the planner's 分享. */
  share: SharePopover;
  /** Call once every layer's features are loaded: applies the link's selection and starts keeping the hash. */
  loaded(): void;
}

export function mountInvestorView(o: InvestorViewOptions): InvestorView {
  const presentation = new Presentation(o.map, o.store, o.layers, o.interaction, o.modules, o.root);
  const permalink = new PermalinkSync(o.map, o.store, o.modules, presentation);
  const host = o.map.getContainer();
  let indicators: ApiFeature[] = [];
  const exportDialog = new ExportDialog(host, () => {
    const zone = presentation.selection.zone;
    return { map: o.map, store: o.store, modules: o.modules, zoneName: zone && o.store.mode === 'presentation' ? presentation.zoneName(zone) : undefined };
  });
  const share = new SharePopover(host, () => permalink.share());
  const panel = new PresentationPanel(o.store, presentation, () => indicators, {
    share: (anchor) => {
      exportDialog.close();
      share.toggle(anchor);
    },
    export: (anchor) => {
      share.close();
      exportDialog.toggle(anchor);
    },
  });
  host.append(panel.onAdd());
  o.store.on((c) => {
    // The other view's popovers close on a switch (the planner's tools open the same two).
    if (c === 'mode') {
      share.close();
      exportDialog.close();
    }
  });

  // Headline figures are not a map layer: fetched on their own, once, and shown when they arrive.
  o.api
    .items('indicators')
    .then((fc) => {
      indicators = fc.features;
      panel.refresh();
    })
    .catch((err) => console.warn('Indicators could not be loaded:', err));

  permalink.applyEarly(o.link);

  return {
    presentation,
    permalink,
    exportDialog,
    share,
    loaded() {
      // A presentation link without a view opens on the district with room for the drawer.
      if (!o.link.view?.center && o.store.mode === 'presentation') presentation.fitDistrict();
      permalink.applyLoaded(o.link);
    },
  };
}
