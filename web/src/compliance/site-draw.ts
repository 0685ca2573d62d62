/**
 * Drawing a site on the map with terra-draw (polygon or point mode): reports the shape while it is
 * drawn, for the instant check, and once it is finished, for the server check.
 */
import type { Map as MapLibreMap } from 'maplibre-gl';
import { TerraDraw, TerraDrawPointMode, TerraDrawPolygonMode } from 'terra-draw';
import { TerraDrawMapLibreGLAdapter } from 'terra-draw-maplibre-gl-adapter';
import type { SiteGeometry } from '../../../core/geometry/site-input.ts';

export type DrawMode = 'polygon' | 'point';

export interface SiteDrawEvents {
  /** The shape while drawing (a polygon of at least three distinct corners, or a point); null when there is none yet. */
  change(geometry: SiteGeometry | null): void;
  /** The finished shape. */
  finish(geometry: SiteGeometry): void;
  /** Drawing stopped, finished or not (the buttons go back to idle). */
  stop(): void;
}

/** A polygon ring with at least three distinct corners, else null (terra-draw repeats positions while a polygon starts). */
function usablePolygon(coordinates: number[][][]): SiteGeometry | null {
  const ring = coordinates[0] ?? [];
  const distinct = new Set(ring.map((p) => `${p[0]},${p[1]}`));
  if (distinct.size < 3) return null;
  return { type: 'Polygon', coordinates: [ring.map((p) => [p[0], p[1]] as [number, number])] };
}

export class SiteDraw {
  private draw: TerraDraw | null = null;
  private mode: DrawMode | null = null;

  constructor(
    private readonly map: MapLibreMap,
    private readonly events: SiteDrawEvents,
  ) {}

  /** The mode being drawn in, or null when idle. */
  get drawing(): DrawMode | null {
    return this.mode;
  }

  /** Starts drawing a new site in `mode`, dropping any shape drawn before. */
  start(mode: DrawMode): void {
    const draw = this.ensure();
    draw.clear();
    this.mode = mode;
    draw.setMode(mode);
  }

  /** Stops drawing and removes the shape being drawn. */
  cancel(): void {
    if (!this.draw || !this.mode) return;
    this.mode = null;
    this.draw.clear();
    this.draw.setMode('static');
    this.events.stop();
  }

  destroy(): void {
    if (this.draw?.enabled) this.draw.stop();
    this.draw = null;
    this.mode = null;
  }

  private ensure(): TerraDraw {
    if (this.draw) return this.draw;
    const blue = '#1565c0';
    const draw = new TerraDraw({
      adapter: new TerraDrawMapLibreGLAdapter({ map: this.map, prefixId: 'xc-draw' }),
      modes: [
        new TerraDrawPolygonMode({
          styles: { fillColor: blue, fillOpacity: 0.15, outlineColor: blue, outlineWidth: 2, closingPointColor: '#ffffff', closingPointOutlineColor: blue, closingPointWidth: 5, closingPointOutlineWidth: 2 },
        }),
        new TerraDrawPointMode({ styles: { pointColor: blue, pointWidth: 7, pointOutlineColor: '#ffffff', pointOutlineWidth: 2 } }),
      ],
    });
    draw.start();
    draw.on('change', (ids, type) => {
      if (!this.mode || type === 'styling') return;
      // Esc cancels the shape being drawn: no shape, no estimate.
      if (type === 'delete') return this.events.change(null);
      for (const id of ids) {
        const f = draw.getSnapshotFeature(id);
        if (!f || f.properties.mode !== this.mode) continue;
        // Polygon mode also keeps guidance points (closing and snapping points): only the polygon is the site.
        if (this.mode === 'polygon' && f.geometry.type === 'Polygon') this.events.change(usablePolygon(f.geometry.coordinates));
        if (this.mode === 'point' && f.geometry.type === 'Point') this.events.change({ type: 'Point', coordinates: [f.geometry.coordinates[0], f.geometry.coordinates[1]] });
      }
    });
    draw.on('finish', (id) => {
      const f = draw.getSnapshotFeature(id);
      const geometry = f?.geometry.type === 'Polygon' ? usablePolygon(f.geometry.coordinates) : f?.geometry.type === 'Point' ? ({ type: 'Point', coordinates: [f.geometry.coordinates[0], f.geometry.coordinates[1]] } as SiteGeometry) : null;
      this.mode = null;
      // Leave terra-draw's own event handling before clearing its store: the site layer takes over the shape.
      setTimeout(() => {
        draw.clear();
        draw.setMode('static');
        this.events.stop();
        if (geometry) this.events.finish(geometry);
      }, 0);
    });
    this.draw = draw;
    return draw;
  }
}
