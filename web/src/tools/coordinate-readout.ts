/**
 * The coordinate readout (issue 13): a small bar at the map's bottom right with the pointer's
 * lon/lat (six decimals) and its CGCS2000 Gauss-Krüger EPSG:4546 X/Y (metres, two decimals; X =
 * 北坐标 northing, Y = 东坐标 easting, as Chinese survey lists write them), projected by core/crs.ts.
 * On devices without a hovering pointer (phones, tablets) it reads the map's centre instead, marked
 * by a small cross, so that panning a place under the cross reads its coordinates on a site visit.
 */
import type { IControl, Map as MapLibreMap } from 'maplibre-gl';
import { toGaussKruger } from '../../../core/crs.ts';
import { formatDegrees, formatGridMeters } from '../../../core/units.ts';
import { h } from '../dom.ts';
import { onLangChange, t } from '../i18n/index.ts';

/** Devices whose main pointer cannot hover: the readout follows the map centre. */
export const NO_HOVER_QUERY = '(hover: none)';

export class CoordinateReadout implements IControl {
  private container: HTMLElement | null = null;
  private map: MapLibreMap | null = null;
  private cross: HTMLElement | null = null;
  private frame = 0;
  private at: [number, number] | null = null;
  private readonly centre = matchMedia(NO_HOVER_QUERY).matches;
  private readonly values = {
    lon: h('span', { class: 'xc-coords-value', 'data-coord': 'lon' }),
    lat: h('span', { class: 'xc-coords-value', 'data-coord': 'lat' }),
    x: h('span', { class: 'xc-coords-value', 'data-coord': 'x' }),
    y: h('span', { class: 'xc-coords-value', 'data-coord': 'y' }),
  };
  private readonly names = { what: h('span', { class: 'xc-coords-what' }), lon: h('span'), lat: h('span'), x: h('span'), y: h('span') };
  private unsubscribe: (() => void) | null = null;

  onAdd(map: MapLibreMap): HTMLElement {
    this.map = map;
    const v = this.values;
    const n = this.names;
    const pair = (name: HTMLElement, value: HTMLElement) => h('span', { class: 'xc-coords-pair' }, name, ' ', value);
    this.container = h(
      'div',
      { class: 'maplibregl-ctrl xc-coords', 'data-source': this.centre ? 'centre' : 'pointer' },
      n.what,
      h('span', { class: 'xc-coords-group', 'data-crs': 'EPSG:4326' }, pair(n.lon, v.lon), pair(n.lat, v.lat)),
      h('span', { class: 'xc-coords-group', 'data-crs': 'EPSG:4546' }, pair(n.x, v.x), pair(n.y, v.y)),
    );
    if (this.centre) {
      this.cross = h('div', { class: 'xc-coords-cross', 'aria-hidden': 'true' });
      map.getContainer().append(this.cross);
      map.on('move', this.onCentre);
      this.onCentre();
    } else {
      map.on('mousemove', this.onPointer);
      map.on('mouseout', this.onLeave);
      this.container.hidden = true;
    }
    this.unsubscribe = onLangChange(() => this.label());
    this.label();
    return this.container;
  }

  onRemove(): void {
    this.map?.off('mousemove', this.onPointer);
    this.map?.off('move', this.onCentre);
    this.map?.off('mouseout', this.onLeave);
    this.unsubscribe?.();
    this.cross?.remove();
    this.container?.remove();
    this.container = this.map = null;
  }

  private label() {
    const m = t().tools;
    this.names.what.textContent = this.centre ? `${m.centre}:` : '';
    this.names.lon.textContent = m.lon;
    this.names.lat.textContent = m.lat;
    this.names.x.textContent = m.x;
    this.names.y.textContent = m.y;
    this.container?.setAttribute('aria-label', this.centre ? m.centreCoordinates : m.coordinates);
    this.container?.setAttribute('title', m.gkCaption);
  }

  private onPointer = (e: { lngLat: { lng: number; lat: number } }) => this.show([e.lngLat.lng, e.lngLat.lat]);

  private onCentre = () => {
    const c = this.map?.getCenter();
    if (c) this.show([c.lng, c.lat]);
  };

  private onLeave = () => {
    this.at = null;
    if (this.container) this.container.hidden = true;
  };

  /** Writes the position on the next frame (one projection per frame, however fast the pointer). */
  private show(lonLat: [number, number]) {
    this.at = lonLat;
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      if (!this.at || !this.container) return;
      const [lon, lat] = this.at;
      const [easting, northing] = toGaussKruger(this.at);
      this.values.lon.textContent = formatDegrees(lon);
      this.values.lat.textContent = formatDegrees(lat);
      this.values.x.textContent = formatGridMeters(northing);
      this.values.y.textContent = formatGridMeters(easting);
      this.container.hidden = false;
    });
  }
}
