/**
 * Editing a feature's geometry with terra-draw: select mode on the feature's current shape (move
 * vertices, add them at midpoints, delete them with a right-click, drag the whole shape), or
 * drawing a new polygon or point. Reports the shape after every change.
 */
import type { Map as MapLibreMap } from 'maplibre-gl';
import { TerraDraw, TerraDrawPointMode, TerraDrawPolygonMode, TerraDrawSelectMode } from 'terra-draw';
import { TerraDrawMapLibreGLAdapter } from 'terra-draw-maplibre-gl-adapter';

export type EditableGeometry = GeoJSON.Point | GeoJSON.Polygon;

const ORANGE = '#e65100';

export class ShapeEditor {
  private draw: TerraDraw | null = null;
  private featureId: string | number | null = null;
  private drawing: 'polygon' | 'point' | null = null;

  constructor(
    private readonly map: MapLibreMap,
    private readonly onChange: (geometry: EditableGeometry | null) => void,
    /** Told when editing starts and stops (the map's feature clicks pause meanwhile). */
    private readonly onActive: (active: boolean) => void = () => {},
    /** Where a dragged or drawn vertex snaps to (vertices of other layers), if anywhere. */
    private readonly snap?: (event: { lng: number; lat: number; containerX: number; containerY: number }) => [number, number] | undefined,
  ) {}

  get active(): boolean {
    return this.featureId !== null || this.drawing !== null;
  }

  /** Starts editing `geometry` (a Point or a Polygon; a MultiPolygon's largest part is not split here). */
  edit(geometry: EditableGeometry): void {
    const draw = this.ensure();
    draw.clear();
    this.drawing = null;
    const mode = geometry.type === 'Point' ? 'point' : 'polygon';
    draw.setMode('select');
    const [r] = draw.addFeatures([{ type: 'Feature', geometry, properties: { mode } }]);
    if (!r?.valid) throw new Error(r?.reason ?? 'terra-draw refused the geometry');
    this.featureId = r.id!;
    draw.selectFeature(r.id!);
    this.onActive(true);
  }

  /** Starts drawing a new shape, replacing any. */
  start(mode: 'polygon' | 'point'): void {
    const draw = this.ensure();
    draw.clear();
    this.featureId = null;
    this.drawing = mode;
    draw.setMode(mode);
    this.onActive(true);
  }

  /** Stops editing and removes terra-draw's shapes (the caller keeps the last reported geometry). */
  stop(): void {
    if (!this.draw) return;
    this.featureId = null;
    this.drawing = null;
    this.draw.clear();
    this.draw.setMode('static');
    this.onActive(false);
  }

  destroy(): void {
    if (this.draw?.enabled) this.draw.stop();
    this.draw = null;
  }

  private current(): EditableGeometry | null {
    if (!this.draw || this.featureId === null) return null;
    const f = this.draw.getSnapshotFeature(this.featureId);
    if (!f) return null;
    if (f.geometry.type === 'Point') return { type: 'Point', coordinates: [f.geometry.coordinates[0], f.geometry.coordinates[1]] };
    if (f.geometry.type === 'Polygon') return { type: 'Polygon', coordinates: f.geometry.coordinates.map((ring) => ring.map((p) => [p[0], p[1]])) };
    return null;
  }

  private ensure(): TerraDraw {
    if (this.draw) return this.draw;
    const draw = new TerraDraw({
      adapter: new TerraDrawMapLibreGLAdapter({ map: this.map, prefixId: 'xc-edit' }),
      modes: [
        new TerraDrawSelectMode({
          flags: {
            polygon: {
              feature: {
                draggable: true,
                coordinates: { midpoints: true, draggable: true, deletable: true, snappable: this.snap ? { toCustom: this.snap } : false },
              },
            },
            point: { feature: { draggable: true } },
          },
          styles: { selectedPolygonColor: ORANGE, selectedPolygonOutlineColor: ORANGE, selectedPolygonFillOpacity: 0.15, selectionPointColor: ORANGE, midPointColor: '#ffffff', midPointOutlineColor: ORANGE, selectedPointColor: ORANGE },
        }),
        new TerraDrawPolygonMode({
          styles: { fillColor: ORANGE, fillOpacity: 0.15, outlineColor: ORANGE, outlineWidth: 2 },
          snapping: this.snap ? { toCustom: this.snap } : undefined,
        }),
        new TerraDrawPointMode({ styles: { pointColor: ORANGE, pointWidth: 7, pointOutlineColor: '#ffffff', pointOutlineWidth: 2 } }),
      ],
    });
    draw.start();
    draw.on('change', (_ids, type) => {
      if (type === 'styling' || this.drawing) return;
      const g = this.current();
      if (g) this.onChange(g);
    });
    draw.on('finish', (id) => {
      if (!this.drawing) {
        const g = this.current();
        if (g) this.onChange(g);
        return;
      }
      // A new shape is finished: keep editing it in select mode.
      this.drawing = null;
      this.featureId = id;
      setTimeout(() => {
        const g = this.current();
        draw.setMode('select');
        if (g) {
          draw.selectFeature(id);
          this.onChange(g);
        }
      }, 0);
    });
    this.draw = draw;
    return draw;
  }
}
