/**
 * The planner's map tools (issue 13), a button group under the analysis button: 测距 / 测面 (the
 * measure tool), 打印 (the print-at-scale dialog the investor view's export uses) and 分享 (the
 * share link, with the analysis on screen); then "where am I" (MapLibre's GeolocateControl, with a
 * message in the UI language when the position cannot be had) and the coordinate readout.
 */
import { GeolocateControl, type IControl, type Map as MapLibreMap } from 'maplibre-gl';
import { inDistrictRange } from '../../../core/coordinate-query.ts';
import { h } from '../dom.ts';
import { onLangChange, t } from '../i18n/index.ts';
import type { FeatureInteraction } from '../interaction.ts';
import { CoordinateReadout } from './coordinate-readout.ts';
import { MeasureTool, type MeasureMode } from './measure.ts';
import './tools.css';

export interface MapToolsOptions {
  map: MapLibreMap;
  interaction: FeatureInteraction;
  /** Opens or closes the print/export dialog under `anchor`. */
  print(anchor: HTMLElement): void;
  /** Opens or closes the share popover under `anchor`. */
  share(anchor: HTMLElement): void;
}

class ToolButtons implements IControl {
  private container: HTMLElement | null = null;
  private readonly buttons: Record<'distance' | 'area' | 'print' | 'share', HTMLButtonElement>;
  private unsubscribe: (() => void) | null = null;

  constructor(
    private readonly measure: MeasureTool,
    private readonly o: MapToolsOptions,
  ) {
    const button = (tool: string) => h('button', { type: 'button', class: 'xc-tool-button', 'data-tool': tool }) as HTMLButtonElement;
    this.buttons = { distance: button('measure-distance'), area: button('measure-area'), print: button('print'), share: button('share') };
    const toggle = (mode: MeasureMode) => (this.measure.mode === mode ? this.measure.end() : this.measure.start(mode));
    this.buttons.distance.addEventListener('click', () => toggle('distance'));
    this.buttons.area.addEventListener('click', () => toggle('area'));
    this.buttons.print.addEventListener('click', () => o.print(this.buttons.print));
    this.buttons.share.addEventListener('click', () => o.share(this.buttons.share));
    measure.onChange(() => this.render());
  }

  onAdd(): HTMLElement {
    const b = this.buttons;
    this.container = h('div', { class: 'maplibregl-ctrl maplibregl-ctrl-group xc-map-tools', role: 'toolbar' }, b.distance, b.area, b.print, b.share);
    this.unsubscribe = onLangChange(() => this.render());
    this.render();
    return this.container;
  }

  onRemove(): void {
    this.unsubscribe?.();
    this.container?.remove();
  }

  private render() {
    const m = t().tools;
    this.container?.setAttribute('aria-label', m.group);
    const set = (b: HTMLButtonElement, text: string, title: string) => {
      b.textContent = text;
      b.title = title;
      b.setAttribute('aria-label', title);
    };
    set(this.buttons.distance, m.measureDistance, m.measureDistanceTitle);
    set(this.buttons.area, m.measureArea, m.measureAreaTitle);
    set(this.buttons.print, m.print, m.printTitle);
    set(this.buttons.share, m.share, m.shareTitle);
    this.buttons.distance.setAttribute('aria-pressed', String(this.measure.mode === 'distance'));
    this.buttons.area.setAttribute('aria-pressed', String(this.measure.mode === 'area'));
  }
}

/** A message over the map's top centre (the position could not be had), until closed or replaced. */
class ToolMessage {
  readonly element = h('div', { class: 'xc-tool-message', role: 'alert' });
  constructor(map: MapLibreMap) {
    this.element.hidden = true;
    map.getContainer().append(this.element);
  }
  show(text: string, kind: 'error' | 'info'): void {
    const close = h('button', { type: 'button', class: 'xc-button-quiet xc-tool-message-close', title: t().tools.close, 'aria-label': t().tools.close }, '×');
    close.addEventListener('click', () => this.hide());
    this.element.dataset.kind = kind;
    this.element.replaceChildren(h('span', {}, text), close);
    this.element.hidden = false;
  }
  hide(): void {
    this.element.hidden = true;
  }
}

/** Adds the tools to the map's right-hand column and the readout to its bottom right. */
export function mountMapTools(o: MapToolsOptions): { measure: MeasureTool } {
  const measure = new MeasureTool(o.map, o.interaction);
  const message = new ToolMessage(o.map);
  const geolocate = new GeolocateControl({ positionOptions: { enableHighAccuracy: true, timeout: 15_000 }, trackUserLocation: true, showAccuracyCircle: true, fitBoundsOptions: { maxZoom: 17 } });
  geolocate.on('error', (e) => {
    message.show(e.code === 1 ? t().tools.locateDenied : t().tools.locateUnavailable, 'error');
  });
  geolocate.on('geolocate', (p) => {
    if (!inDistrictRange([p.coords.longitude, p.coords.latitude])) message.show(t().tools.locateOutside, 'info');
    else message.hide();
  });
  o.map.addControl(geolocate, 'top-right');
  o.map.addControl(new ToolButtons(measure, o), 'top-right');
  o.map.addControl(new CoordinateReadout(), 'bottom-right');
  return { measure };
}
