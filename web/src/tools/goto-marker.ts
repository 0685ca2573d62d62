/**
 * "Go to coordinate" (定位到坐标): flies to a typed coordinate and drops a marker there whose popup
 * gives the place in both systems — lon/lat (six decimals) and EPSG:4546 X (北坐标) / Y (东坐标) —
 * and how the numbers were read (lat/lon swapped, zone prefix). One marker at a time.
 */
import { Marker, Popup, type Map as MapLibreMap } from 'maplibre-gl';
import type { CoordinateHit } from '../../../core/coordinate-query.ts';
import { formatDegrees, formatGridMeters } from '../../../core/units.ts';
import { flyToPoint } from '../camera.ts';
import { h } from '../dom.ts';
import { onLangChange, t } from '../i18n/index.ts';

/** How the typed numbers were read, in the UI language ("纬度在前：…"). */
export function coordinateReading(hit: CoordinateHit): string {
  const m = t().tools;
  const read = m.read[hit.input] ?? '';
  return hit.swapped && hit.input !== 'latlon' ? `${read} · ${m.gkSwapped}` : read;
}

/** The place in both systems, as lines of text. */
export function coordinateLines(hit: CoordinateHit): string[] {
  const m = t().tools;
  return [`${m.lon} ${formatDegrees(hit.lonLat[0])}  ${m.lat} ${formatDegrees(hit.lonLat[1])}`, `${m.x} ${formatGridMeters(hit.gk.x)}  ${m.y} ${formatGridMeters(hit.gk.y)}`];
}

export class GotoMarker {
  private marker: Marker | null = null;
  private hit: CoordinateHit | null = null;

  constructor(
    private readonly map: MapLibreMap,
    /** Padding that keeps the point clear of the panels. */
    private readonly padding: () => { top?: number; bottom?: number; left?: number; right?: number },
  ) {
    onLangChange(() => this.hit && this.marker?.getPopup()?.setDOMContent(this.content(this.hit)));
  }

  /** Flies to the coordinate and marks it, its popup open. */
  show(hit: CoordinateHit): void {
    this.remove();
    this.hit = hit;
    const popup = new Popup({ offset: 30, maxWidth: '340px', className: 'xc-goto-popup', focusAfterOpen: false }).setDOMContent(this.content(hit));
    this.marker = new Marker({ color: '#c62828', className: 'xc-goto-marker' }).setLngLat(hit.lonLat).setPopup(popup).addTo(this.map);
    flyToPoint(this.map, hit.lonLat, Math.max(this.map.getZoom(), 16), this.padding(), 800);
    this.marker.togglePopup();
  }

  remove(): void {
    this.marker?.remove();
    this.marker = null;
    this.hit = null;
  }

  private content(hit: CoordinateHit): HTMLElement {
    const m = t().tools;
    const remove = h('button', { type: 'button', class: 'xc-button-quiet xc-goto-remove' }, m.removeMarker);
    remove.addEventListener('click', () => this.remove());
    return h(
      'div',
      { class: 'xc-goto' },
      h('strong', {}, m.marker),
      ...coordinateLines(hit).map((line, i) => h('div', { class: 'xc-goto-line', 'data-crs': i === 0 ? 'EPSG:4326' : 'EPSG:4546' }, line)),
      h('div', { class: 'xc-goto-read' }, coordinateReading(hit)),
      remove,
    );
  }
}
