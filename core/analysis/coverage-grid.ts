/**
 * The network what-if's estimate without polygon overlays (issue 14): the gaps of a coverage result
 * (the uncovered part of the denominator area) rasterised once into square cells in EPSG:4546 metres;
 * a new facility's reached streets then cover every gap cell whose centre lies inside a reached
 * segment's buffer (shaped as the server's: octagon ends; its cells row by row), and the gain is the
 * number of newly covered cells times the cell's ground area. No buffer, no union, no intersection:
 * the cost is the cells the reached streets' buffers cover, not the vertices of their union.
 *
 * Error against the server's exact figure (the reached edges buffered and unioned in PostGIS, gaps cut
 * exactly): a cell counts whole or not at all by its centre, so boundaries (of the gaps and of the
 * buffers) err by up to half a cell either way and mostly cancel (one 100 m-wide street buffer
 * alone: within ~3 % at 10 m cells, 0.5 % at 2 m); each segment is buffered on its own, so at a bend
 * of a polyline the outer corner is the union of two octagons where the server's join is one fillet
 * (a few m² per bend). Tests hold the gain within 1 % of the server's on the synthetic grid networks
 * (tests/api/coverage-network-grid.test.ts).
 * Pure: shared by the browser, the benchmark and the tests.
 */
import type { FeatureCollection, Polygon, Position } from 'geojson';
import proj4 from 'proj4';
import '../crs.ts';
import type { CoverageResult, GapFeature, GapProperties } from './coverage.ts';
import { MIN_GAP_SQUARE_METERS } from './coverage-rules.ts';
import { NETWORK_BUFFER_QUAD_SEGS } from './coverage-rules.ts';
import type { XY } from './network.ts';

/** Side of a cell (m) unless the gaps' box would need more than GRID_MAX_CELLS cells. */
export const GRID_CELL_METERS = 10;
/** Most cells in one grid (the cell grows beyond GRID_CELL_METERS to stay under it): 8 M cells, 16–32 MB. */
export const GRID_MAX_CELLS = 8_000_000;

const toPlane = proj4('EPSG:4326', 'EPSG:4546');

/** Lon/lat → EPSG:4546 metres (one converter, made once). */
export const planeOf = (p: Position): XY => toPlane.forward([p[0], p[1]]) as XY;
/** EPSG:4546 metres → lon/lat. */
export const lonLatOf = (p: readonly number[]): [number, number] => toPlane.inverse([p[0], p[1]]) as [number, number];

/** The uncovered area of a coverage result as cells: which gap (index + 1) each cell's centre lies in, 0 for none. */
export interface GapGrid {
  cellMeters: number;
  /** Lower-left corner of cell 0 (m, EPSG:4546); cell (col, row) is at index row · cols + col. */
  x0: number;
  y0: number;
  cols: number;
  rows: number;
  /** Per cell: 1 + the index of the gap its centre lies in (still uncovered), 0 for none. */
  cell: Uint16Array | Uint32Array;
  /** Ground (ellipsoidal) area of one cell (m²): the plane's cell divided by the Gauss-Krüger scale factor squared at the grid's centre. */
  cellSquareMeters: number;
  /** The gaps as the result gave them, and what is left of each (m²) as cells are covered. */
  gaps: GapFeature[];
  remaining: Float64Array;
  /** Gap cells when the grid was made, and now. */
  gapCells: number;
  uncoveredCells: number;
}

/** GRS80's point scale factor of the Gauss-Krüger projection (central meridian 111° E, k0 = 1) at easting x, latitude φ (rad). */
function scaleFactor(x: number, phi: number): number {
  const a = 6_378_137;
  const e2 = 0.006694380022900787;
  const s2 = Math.sin(phi) ** 2;
  const n = a / Math.sqrt(1 - e2 * s2);
  const m = (a * (1 - e2)) / (1 - e2 * s2) ** 1.5;
  const u = (x - 500_000) ** 2 / (2 * m * n);
  return 1 + u + (u * u) / 6;
}

/**
 * Rasterises the gaps (lon/lat polygons, as the coverage result gives them; disjoint, as the server
 * makes them): each cell whose centre lies inside a gap (even-odd rule, holes out) is that gap's.
 * Cells of `cellMeters` (default GRID_CELL_METERS), larger when the gaps' box would need more than
 * `maxCells`.
 */
export function gapGrid(gaps: FeatureCollection<Polygon, GapProperties>, opts: { cellMeters?: number; maxCells?: number } = {}): GapGrid {
  const features = gaps.features as GapFeature[];
  const rings = features.map((f) => f.geometry.coordinates.map((r) => r.map(planeOf)));
  let [minX, minY, maxX, maxY] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const poly of rings) {
    for (const [x, y] of poly[0] ?? []) {
      if (x < minX) minX = x;
      if (y < minY) minY = y;
      if (x > maxX) maxX = x;
      if (y > maxY) maxY = y;
    }
  }
  const maxCells = opts.maxCells ?? GRID_MAX_CELLS;
  let cellMeters = opts.cellMeters ?? GRID_CELL_METERS;
  if (minX <= maxX) {
    const need = ((maxX - minX) * (maxY - minY)) / maxCells;
    if (need > cellMeters * cellMeters) cellMeters = Math.ceil(Math.sqrt(need) * 1.01);
  }
  const x0 = minX <= maxX ? Math.floor(minX / cellMeters) * cellMeters : 0;
  const y0 = minY <= maxY ? Math.floor(minY / cellMeters) * cellMeters : 0;
  const cols = minX <= maxX ? Math.max(1, Math.ceil((maxX - x0) / cellMeters)) : 0;
  const rows = minY <= maxY ? Math.max(1, Math.ceil((maxY - y0) / cellMeters)) : 0;
  const cell = features.length < 0xffff ? new Uint16Array(cols * rows) : new Uint32Array(cols * rows);
  let gapCells = 0;
  rings.forEach((poly, k) => {
    // Scanline at each row's centre: the crossings of every ring edge (half-open in y), paired in x order.
    const crossings = new Map<number, number[]>();
    for (const ring of poly) {
      for (let i = 1; i < ring.length; i++) {
        const [ax, ay] = ring[i - 1];
        const [bx, by] = ring[i];
        if (ay === by) continue;
        const lo = Math.min(ay, by);
        const hi = Math.max(ay, by);
        // Rows whose centre y satisfies lo <= y < hi.
        const r0 = Math.max(0, Math.ceil((lo - y0) / cellMeters - 0.5));
        const r1 = Math.min(rows - 1, Math.ceil((hi - y0) / cellMeters - 0.5) - 1);
        for (let r = r0; r <= r1; r++) {
          const yc = y0 + (r + 0.5) * cellMeters;
          const x = ax + ((yc - ay) / (by - ay)) * (bx - ax);
          const list = crossings.get(r);
          if (list) list.push(x);
          else crossings.set(r, [x]);
        }
      }
    }
    for (const [r, xs] of crossings) {
      xs.sort((a, b) => a - b);
      for (let i = 0; i + 1 < xs.length; i += 2) {
        // Cells whose centre x satisfies xs[i] <= x < xs[i + 1].
        const c0 = Math.max(0, Math.ceil((xs[i] - x0) / cellMeters - 0.5));
        const c1 = Math.min(cols - 1, Math.ceil((xs[i + 1] - x0) / cellMeters - 0.5) - 1);
        for (let c = c0; c <= c1; c++) {
          const idx = r * cols + c;
          if (cell[idx] === 0) gapCells++;
          cell[idx] = k + 1;
        }
      }
    }
  });
  const cx = x0 + (cols * cellMeters) / 2;
  const cy = y0 + (rows * cellMeters) / 2;
  const phi = cols ? (lonLatOf([cx, cy])[1] * Math.PI) / 180 : 0;
  const k = cols ? scaleFactor(cx, phi) : 1;
  return {
    cellMeters,
    x0,
    y0,
    cols,
    rows,
    cell,
    cellSquareMeters: (cellMeters * cellMeters) / (k * k),
    gaps: features,
    remaining: Float64Array.from(features, (f) => f.properties.areaSquareMeters),
    gapCells,
    uncoveredCells: gapCells,
  };
}

/** What covering some lines gained: m² in all, and per gap (index into the grid's gaps). */
export interface GridGain {
  gainSquareMeters: number;
  cells: number;
  byGap: Map<number, number>;
}

/**
 * The buffer of one segment as PostGIS's ST_Buffer makes it with `quadSegs` segments per quarter
 * circle: the rectangle and, at each end, half a polygon inscribed in the circle of radius `w`
 * (vertices every 90°/quadSegs from one side across the end to the other). Convex, counter-clockwise.
 */
function segmentBuffer(ax: number, ay: number, bx: number, by: number, w: number, quadSegs: number): Float64Array {
  const len = Math.hypot(bx - ax, by - ay);
  const ux = len > 0 ? (bx - ax) / len : 1;
  const uy = len > 0 ? (by - ay) / len : 0;
  const steps = 2 * quadSegs;
  const out = new Float64Array(4 * (steps + 1));
  let k = 0;
  // Start cap: from the left side (+normal) round the back (−u) to the right side; end cap: right side round the front to the left.
  for (const [px, py, from] of [[ax, ay, Math.PI / 2], [bx, by, -Math.PI / 2]] as const) {
    for (let i = 0; i <= steps; i++) {
      const t = from + (i * Math.PI) / steps;
      const c = Math.cos(t);
      const s = Math.sin(t);
      // t measured from +u towards the normal (−uy, ux).
      out[k++] = px + w * (c * ux - s * uy);
      out[k++] = py + w * (c * uy + s * ux);
    }
  }
  return out;
}

/**
 * Covers, in `grid`, every gap cell whose centre lies inside the buffer of a segment of `lines`
 * (EPSG:4546 metres) by `widthMeters`, shaped as the server's (NETWORK_BUFFER_QUAD_SEGS: octagon
 * ends): each segment's buffer, a convex polygon, row by row (its span on the row's centre line), so
 * only the cells it covers are visited. The cells become covered (the grid changes: a later facility
 * gains only what is still uncovered). Returns the gain.
 */
export function coverLines(grid: GapGrid, lines: XY[][], widthMeters: number, quadSegs = NETWORK_BUFFER_QUAD_SEGS): GridGain {
  const { cellMeters: s, x0, y0, cols, rows, cell } = grid;
  const w = widthMeters;
  const byCells = new Map<number, number>();
  let cells = 0;
  for (const line of lines) {
    for (let i = 1; i < line.length; i++) {
      const [ax, ay] = line[i - 1];
      const [bx, by] = line[i];
      const poly = segmentBuffer(ax, ay, bx, by, w, quadSegs);
      const n = poly.length / 2;
      let minY = Infinity;
      let maxY = -Infinity;
      for (let v = 1; v < poly.length; v += 2) {
        if (poly[v] < minY) minY = poly[v];
        if (poly[v] > maxY) maxY = poly[v];
      }
      const r0 = Math.max(0, Math.ceil((minY - y0) / s - 0.5));
      const r1 = Math.min(rows - 1, Math.floor((maxY - y0) / s - 0.5));
      for (let r = r0; r <= r1; r++) {
        const yc = y0 + (r + 0.5) * s;
        // A convex polygon meets the line y = yc in one interval: its edges' crossings, least to greatest.
        let lo = Infinity;
        let hi = -Infinity;
        for (let v = 0, u = n - 1; v < n; u = v++) {
          const px = poly[2 * u];
          const py = poly[2 * u + 1];
          const qx = poly[2 * v];
          const qy = poly[2 * v + 1];
          if ((py <= yc && qy >= yc) || (qy <= yc && py >= yc)) {
            const x = py === qy ? Math.min(px, qx) : px + ((yc - py) / (qy - py)) * (qx - px);
            const x2 = py === qy ? Math.max(px, qx) : x;
            if (x < lo) lo = x;
            if (x2 > hi) hi = x2;
          }
        }
        if (!(lo <= hi)) continue;
        const c0 = Math.max(0, Math.ceil((lo - x0) / s - 0.5));
        const c1 = Math.min(cols - 1, Math.floor((hi - x0) / s - 0.5));
        const base = r * cols;
        for (let c = c0; c <= c1; c++) {
          const g = cell[base + c];
          if (g === 0) continue;
          cell[base + c] = 0;
          cells++;
          byCells.set(g - 1, (byCells.get(g - 1) ?? 0) + 1);
        }
      }
    }
  }
  grid.uncoveredCells -= cells;
  const byGap = new Map<number, number>();
  for (const [g, m2] of byCells) {
    const area = m2 * grid.cellSquareMeters;
    byGap.set(g, area);
    grid.remaining[g] = Math.max(0, grid.remaining[g] - area);
  }
  return { gainSquareMeters: cells * grid.cellSquareMeters, cells, byGap };
}

const round = (v: number, d: number) => Math.round(v * 10 ** d) / 10 ** d;

/**
 * `previous` (the result the grid was made from, or an estimate built on it) with a gain from
 * coverLines added: the covered area and share, each zone's covered area (a gap's zone takes its
 * part), the gaps' areas as what is left of each (their shapes as the result drew them; a gap under
 * MIN_GAP_SQUARE_METERS is no longer listed), and the gain appended to gainsSquareMeters.
 */
export function addGridGain(previous: CoverageResult, grid: GapGrid, gain: GridGain): CoverageResult {
  const coveredM2 = previous.coveredSquareMeters + gain.gainSquareMeters;
  const areaM2 = previous.areaSquareMeters;
  const zoneGain = new Map<string, number>();
  for (const [g, m2] of gain.byGap) {
    const z = grid.gaps[g].properties.zoneId;
    if (z != null) zoneGain.set(z, (zoneGain.get(z) ?? 0) + m2);
  }
  const gaps = grid.gaps
    .map((f, i) => ({ f, m2: grid.remaining[i], i }))
    .filter((g) => g.m2 >= MIN_GAP_SQUARE_METERS)
    .sort((a, b) => b.m2 - a.m2 || a.i - b.i)
    .map((g, rank): GapFeature => ({ ...g.f, id: `gap-${rank + 1}`, properties: { ...g.f.properties, areaSquareMeters: round(g.m2, 1) } }));
  return {
    ...previous,
    coveredSquareMeters: round(coveredM2, 1),
    coverageShare: areaM2 > 0 ? round(Math.min(1, coveredM2 / areaM2), 4) : 0,
    gaps: { type: 'FeatureCollection', features: gaps },
    byZone: previous.byZone.map((z) => {
      const add = zoneGain.get(z.id);
      if (!add) return z;
      const c = Math.min(z.areaSquareMeters, z.coveredSquareMeters + add);
      return { ...z, coveredSquareMeters: round(c, 1), coverageShare: round(c / z.areaSquareMeters, 4) };
    }),
    gainsSquareMeters: [...previous.gainsSquareMeters, round(gain.gainSquareMeters, 1)],
  };
}
