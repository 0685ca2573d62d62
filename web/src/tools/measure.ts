/**
 * The measure tool (issue 13): a line or a polygon drawn with terra-draw, measured while it is drawn
 * — the length (or perimeter) in m/km and the area in m², 公顷 and 亩, geodesic (Turf) beside the
 * EPSG:4546 plane figures (core/geometry/measure.ts). Holds the map while measuring (identify
 * pauses; a site drawing, an edit or a what-if facility starting ends it); Esc or 结束测量 ends it.
 */
import type { Map as MapLibreMap } from 'maplibre-gl';
import type { LineString, Polygon } from 'geojson';
import { TerraDraw, TerraDrawLineStringMode, TerraDrawPolygonMode } from 'terra-draw';
import { TerraDrawMapLibreGLAdapter } from 'terra-draw-maplibre-gl-adapter';
import { measure, type Measurement } from '../../../core/geometry/measure.ts';
import { formatMeasuredArea, formatMeasuredDistance } from '../../../core/units.ts';
import { h } from '../dom.ts';
import { getLang, onLangChange, t } from '../i18n/index.ts';
import type { FeatureInteraction } from '../interaction.ts';

export type MeasureMode = 'distance' | 'area';

const COLOR = '#6a1b9a';

/** A drawn shape that can be measured: a line of two distinct positions, a ring of three. */
function measurable(geometry: { type: string; coordinates: unknown }): LineString | Polygon | null {
  const distinct = (ps: number[][]) => new Set(ps.map((p) => `${p[0]},${p[1]}`)).size;
  if (geometry.type === 'LineString') {
    const c = geometry.coordinates as number[][];
    return distinct(c) >= 2 ? { type: 'LineString', coordinates: c.map((p) => [p[0], p[1]]) } : null;
  }
  if (geometry.type === 'Polygon') {
    const ring = (geometry.coordinates as number[][][])[0] ?? [];
    return distinct(ring) >= 3 ? { type: 'Polygon', coordinates: [ring.map((p) => [p[0], p[1]])] } : null;
  }
  return null;
}

export class MeasureTool {
  private draw: TerraDraw | null = null;
  private modeNow: MeasureMode | null = null;
  private result: Measurement | null = null;
  private finished = false;
  /** The box with the figures, over the map's bottom centre while measuring. */
  readonly element = h('div', { class: 'xc-measure', role: 'status', 'aria-live': 'polite' });
  private readonly listeners = new Set<(mode: MeasureMode | null) => void>();

  constructor(
    private readonly map: MapLibreMap,
    private readonly interaction: FeatureInteraction,
  ) {
    this.element.hidden = true;
    map.getContainer().append(this.element);
    onLangChange(() => this.render());
  }

  /** What is measured now, or null. */
  get mode(): MeasureMode | null {
    return this.modeNow;
  }

  onChange(fn: (mode: MeasureMode | null) => void): void {
    this.listeners.add(fn);
  }

  /**
   * Starts measuring in `mode` (again from nothing when already measuring). False when another tool
   * draws on the map: its drawing is not interrupted, and the box says so.
   */
  start(mode: MeasureMode): boolean {
    if (this.modeNow === null && !this.interaction.hold(() => this.end(false))) {
      this.element.hidden = false;
      this.element.dataset.state = 'busy';
      this.element.replaceChildren(h('div', { class: 'xc-measure-busy' }, t().tools.busy), this.closeButton());
      return false;
    }
    const draw = this.ensure();
    draw.clear();
    this.modeNow = mode;
    this.result = null;
    this.finished = false;
    draw.setMode(mode === 'distance' ? 'linestring' : 'polygon');
    window.addEventListener('keydown', this.onKey);
    this.map.getCanvas().style.cursor = 'crosshair';
    this.render();
    for (const fn of this.listeners) fn(mode);
    return true;
  }

  /** Ends measuring: the shape and the figures go. */
  end(release = true): void {
    window.removeEventListener('keydown', this.onKey);
    if (this.draw) {
      this.draw.clear();
      this.draw.setMode('static');
    }
    const was = this.modeNow;
    this.modeNow = null;
    this.result = null;
    this.element.hidden = true;
    this.element.replaceChildren();
    this.map.getCanvas().style.cursor = '';
    if (release) this.interaction.release();
    if (was) for (const fn of this.listeners) fn(null);
  }

  private onKey = (e: KeyboardEvent) => {
    // terra-draw takes Esc to drop the shape being drawn; here it ends the tool as well.
    if (e.key === 'Escape') {
      e.preventDefault();
      this.end();
    }
  };

  private closeButton(): HTMLElement {
    const m = t().tools;
    const close = h('button', { type: 'button', class: 'xc-button-quiet xc-measure-close', title: m.measureEnd, 'aria-label': m.measureEnd }, '×');
    close.addEventListener('click', () => (this.modeNow ? this.end() : (this.element.hidden = true)));
    return close;
  }

  private render(): void {
    if (!this.modeNow) return;
    const m = t().tools;
    const lang = getLang();
    const r = this.result;
    this.element.hidden = false;
    this.element.dataset.state = this.finished ? 'finished' : 'drawing';
    this.element.dataset.mode = this.modeNow;
    this.element.title = m.geodesic;
    const rows: HTMLElement[] = [];
    const row = (name: string, key: string, value: string, plane?: string) =>
      h(
        'div',
        { class: 'xc-measure-row', 'data-figure': key },
        h('span', { class: 'xc-measure-name' }, name),
        h('span', { class: 'xc-measure-value' }, value),
        plane ? h('span', { class: 'xc-measure-plane', title: m.gkCaption }, `EPSG:4546 ${plane}`) : null,
      );
    if (r) {
      const isArea = r.areaSquareMeters !== null;
      rows.push(row(isArea ? m.perimeter : m.length, 'length', formatMeasuredDistance(r.lengthMeters, lang), formatMeasuredDistance(r.planeLengthMeters, lang)));
      if (!isArea && r.segmentsMeters.length > 1) {
        rows.push(row(m.lastSegment, 'segment', `${formatMeasuredDistance(r.segmentsMeters[r.segmentsMeters.length - 1], lang)} · ${m.segments(r.segmentsMeters.length)}`));
      }
      if (isArea) {
        const a = formatMeasuredArea(r.areaSquareMeters!, lang)!;
        const p = formatMeasuredArea(r.planeAreaSquareMeters!, lang)!;
        rows.push(
          h(
            'div',
            { class: 'xc-measure-row xc-measure-area', 'data-figure': 'area' },
            h('span', { class: 'xc-measure-name' }, m.area),
            h('span', { class: 'xc-measure-value' }, h('span', { 'data-unit': 'm2' }, a.squareMeters), h('span', { 'data-unit': 'ha' }, a.hectares), h('span', { 'data-unit': 'mu' }, a.mu)),
            h('span', { class: 'xc-measure-plane', title: m.gkCaption }, `EPSG:4546 ${p.squareMeters} · ${p.hectares} · ${p.mu}`),
          ),
        );
      }
    }
    const hint = h('div', { class: 'xc-measure-hint' }, this.modeNow === 'distance' ? m.measureDistanceHint : m.measureAreaHint);
    const again = h('button', { type: 'button', class: 'xc-button xc-measure-again' }, m.measureAgain);
    again.addEventListener('click', () => this.modeNow && this.start(this.modeNow));
    this.element.replaceChildren(
      h('div', { class: 'xc-measure-head' }, h('strong', {}, this.modeNow === 'distance' ? m.measureDistanceTitle : m.measureAreaTitle), this.closeButton()),
      ...rows,
      ...(r ? [h('div', { class: 'xc-measure-note' }, m.geodesic)] : []),
      this.finished ? again : hint,
    );
  }

  private update(geometry: { type: string; coordinates: unknown } | undefined, finished: boolean) {
    const g = geometry ? measurable(geometry) : null;
    this.result = g ? measure(g) : null;
    this.finished = finished && !!g;
    this.render();
  }

  private ensure(): TerraDraw {
    if (this.draw) return this.draw;
    const draw = new TerraDraw({
      adapter: new TerraDrawMapLibreGLAdapter({ map: this.map, prefixId: 'xc-measure' }),
      modes: [
        new TerraDrawLineStringMode({ styles: { lineStringColor: COLOR, lineStringWidth: 3, closingPointColor: '#ffffff', closingPointOutlineColor: COLOR, closingPointWidth: 5, closingPointOutlineWidth: 2 } }),
        new TerraDrawPolygonMode({
          styles: { fillColor: COLOR, fillOpacity: 0.12, outlineColor: COLOR, outlineWidth: 3, closingPointColor: '#ffffff', closingPointOutlineColor: COLOR, closingPointWidth: 5, closingPointOutlineWidth: 2 },
        }),
      ],
    });
    draw.start();
    draw.on('change', (ids, type) => {
      if (!this.modeNow || type === 'styling' || this.finished) return;
      if (type === 'delete') return this.update(undefined, false);
      const want = this.modeNow === 'distance' ? 'LineString' : 'Polygon';
      for (const id of ids) {
        const f = draw.getSnapshotFeature(id);
        if (f && f.geometry.type === want) this.update(f.geometry, false);
      }
    });
    draw.on('finish', (id) => {
      const f = draw.getSnapshotFeature(id);
      if (!this.modeNow || !f) return;
      this.update(f.geometry, true);
      // The finished shape stays on the map with its figures; drawing stops until 重新测量.
      setTimeout(() => this.draw?.setMode('static'), 0);
    });
    this.draw = draw;
    return draw;
  }
}
