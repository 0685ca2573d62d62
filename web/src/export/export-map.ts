/**
 * Exports the current map as a PNG (screen size at 1×, 2× or 3×) or a one-page PDF (A4 or A3,
 * landscape or portrait) with title, legend, scale bar, north arrow, date, source, attribution and
 * the indicative-data notice. jsPDF writes the PDF; it is loaded only when a PDF is asked for.
 */
import type { Map as MapLibreMap } from 'maplibre-gl';
import { activeCredits } from '../credits.ts';
import { getLang, label, pick, t } from '../i18n/index.ts';
import { PANEL_ORDER, findLayerModule } from '../layers/index.ts';
import type { MapLayerModule } from '../layers/layer.ts';
import { SECTOR_COLORS } from '../layers/projects.ts';
import { layerQuality, type Store } from '../store.ts';
import { toGaussKruger, toLonLat } from '../../../core/crs.ts';
import { gridIntervalMeters, gridLabel, gridTicks, groundMetersPerCssPx, paperSizeMm, PRINT_PAPER_MM, scaleOfZoom, scaleText, zoomForScale, type PrintOrientation, type PrintPaper } from '../../../core/print/scale.ts';
import { composeWithPanel, metersPerCssPx, type LegendGroup, type Sheet, type SheetView } from './layout.ts';
import { renderMapCanvas } from './map-render.ts';
import { clipPolyline, composePrintPage, pageLayout, type TitleBlock } from './print-page.ts';

export type PngScale = 1 | 2 | 3;
export type Paper = PrintPaper;
export type Orientation = PrintOrientation;
/** A chosen scale (the n of 1:n), or the current view fitted into the frame. */
export type MapScale = number | 'view';

export type ExportRequest =
  | { format: 'png'; scale: PngScale }
  | { format: 'pdf'; paper: Paper; orientation: Orientation; mapScale?: MapScale; block?: Partial<TitleBlock> };

export type ExportStep = 'prepare' | 'render' | 'compose' | 'encode' | 'done';
export type Progress = (step: ExportStep, share: number) => void;

/** Paper sizes in millimetres, portrait. */
export const PAPER_MM = PRINT_PAPER_MM;
/** Print resolution of the page image, in dots per inch (A1 at 150: a 200 dpi A1 page is 31 megapixels). */
const pageDpi = (paper: Paper) => (paper === 'a1' ? 150 : 200);
const MM_PER_INCH = 25.4;
/** CSS pixels per millimetre of paper: a layout unit is 1/96 inch, as a browser prints. */
const CSS_PX_PER_MM = 96 / MM_PER_INCH;

export interface ExportContext {
  map: MapLibreMap;
  store: Store;
  modules: readonly MapLayerModule[];
  /** Selected zone's name, shown in the subtitle. */
  zoneName?: string;
}

/** The title, legend and small print for what is shown now, in the current language. */
export function buildSheet(ctx: ExportContext): Sheet {
  const m = t();
  const { store } = ctx;
  const shown = PANEL_ORDER.map((id) => findLayerModule(id))
    .filter((mod): mod is MapLayerModule => mod !== undefined && store.layer(mod.id).visible && (store.features.get(mod.id)?.length ?? 0) > 0)
    .filter((mod) => ctx.modules.includes(mod));
  const sectorFilter = store.mode === 'presentation' ? store.sectors : [];
  const sectorLabels = new Set(sectorFilter.map((s) => label(m.sector, s)));
  const legend: LegendGroup[] = shown.map((mod) => {
    let items = mod.legend(store.context(mod.id)).map((i) => ({ symbol: i.symbol, label: i.label }));
    if (mod.id === 'projects' && sectorLabels.size) {
      // Sector rows for the sectors shown only; the "known / approximate site" rows stay.
      const sectorRowColors = new Set(Object.values(SECTOR_COLORS));
      items = items.filter((i) => !(i.symbol.kind === 'circle' && sectorRowColors.has(i.symbol.color) && !i.symbol.hollow) || sectorLabels.has(i.label));
    }
    const info = store.info.get(mod.id);
    return { title: info ? pick(info.titles) : mod.id, items };
  });
  const indicative = shown.some((mod) => layerQuality(store.info.get(mod.id), store.features.get(mod.id) ?? []) !== 'other');
  const credits = activeCredits(store, ctx.modules).map((c) => m.credits[c]);
  const basemap = store.basemaps.find((b) => b.id === store.basemap);
  if (basemap && basemap.id !== 'osm') credits.push(basemap.attribution);
  credits.push('MapLibre');
  const subtitleParts = [m.investor.exportSubtitle];
  if (ctx.zoneName) subtitleParts.push(ctx.zoneName);
  if (sectorFilter.length) subtitleParts.push(m.investor.sectorsShown(sectorFilter.map((s) => label(m.sector, s)).join(m.listSeparator)));
  const today = new Date();
  const date = `${today.getFullYear()}-${String(today.getMonth() + 1).padStart(2, '0')}-${String(today.getDate()).padStart(2, '0')}`;
  return {
    title: m.investor.exportHeading,
    subtitle: subtitleParts.join(' · '),
    legendTitle: m.legend,
    legend,
    dateLine: m.investor.exportDate(date),
    sourceLine: m.investor.exportSource,
    attributionLine: m.investor.exportAttribution(credits.join(m.listSeparator)),
    notice: indicative ? m.investor.exportIndicative : null,
    northLabel: m.investor.north,
  };
}

function view(map: MapLibreMap, zoom = map.getZoom()): SheetView {
  return { metersPerCssPx: metersPerCssPx(map.getCenter().lat, zoom), bearing: map.getBearing() };
}

/** Lets the progress bar paint before a long synchronous step. */
const nextFrame = () => new Promise<void>((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));

function canvasBlob(canvas: HTMLCanvasElement, type: string, quality?: number): Promise<Blob> {
  return new Promise((resolve, reject) => canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('the image could not be encoded'))), type, quality));
}

/** Grid lines of the EPSG:4546 grid in CSS pixels of the rendered map, read while it shows the print camera. */
interface GridMeasure {
  interval: number;
  eastings: { value: number; points: [number, number][] }[];
  northings: { value: number; points: [number, number][] }[];
  /** The frame's corners in EPSG:4546 [easting, northing]: top-left, top-right, bottom-right, bottom-left. */
  corners: [number, number][];
}

function measureGrid(map: MapLibreMap, interval: number): GridMeasure {
  const c = map.getContainer();
  const [w, h] = [c.clientWidth, c.clientHeight];
  const corners = ([[0, 0], [w, 0], [w, h], [0, h]] as [number, number][]).map((p) => {
    const ll = map.unproject(p);
    return toGaussKruger([ll.lng, ll.lat]);
  });
  const es = corners.map((p) => p[0]);
  const ns = corners.map((p) => p[1]);
  const [minE, maxE, minN, maxN] = [Math.min(...es), Math.max(...es), Math.min(...ns), Math.max(...ns)];
  const steps = 8;
  const line = (f: (t: number) => [number, number]) =>
    Array.from({ length: steps + 1 }, (_, i) => {
      const p = map.project(toLonLat(f(i / steps), 'EPSG:4546'));
      return [p.x, p.y] as [number, number];
    });
  const pad = interval;
  return {
    interval,
    corners,
    eastings: gridTicks(minE - pad, maxE + pad, interval).map((e) => ({ value: e, points: line((t) => [e, minN - pad + t * (maxN - minN + 2 * pad)]) })),
    northings: gridTicks(minN - pad, maxN + pad, interval).map((n) => ({ value: n, points: line((t) => [minE - pad + t * (maxE - minE + 2 * pad), n]) })),
  };
}

/** The file for an export request: its bytes, name and size in pixels (PNG) or millimetres (PDF). */
export async function exportMap(ctx: ExportContext, request: ExportRequest, report: Progress = () => {}): Promise<{ blob: Blob; filename: string }> {
  // Each step is marked on the performance timeline (scripts/bench-export.ts reads the marks).
  for (const e of performance.getEntriesByType('mark')) if (e.name.startsWith('xc-export:')) performance.clearMarks(e.name);
  const progress: Progress = (step, share) => {
    performance.mark(`xc-export:${step}:${share}`);
    report(step, share);
  };
  const { map } = ctx;
  const lang = getLang();
  progress('prepare', 0.05);
  const sheet = buildSheet(ctx);
  const container = map.getContainer();
  const screenW = container.clientWidth;
  const screenH = container.clientHeight;
  const stamp = new Date().toISOString().slice(0, 10);

  if (request.format === 'png') {
    progress('render', 0.15);
    await nextFrame();
    const rendered = await renderMapCanvas(map, { pixelRatio: request.scale });
    progress('compose', 0.7);
    await nextFrame();
    const page = composeWithPanel(rendered.canvas, sheet, view(map), rendered.pixelRatio, lang);
    progress('encode', 0.85);
    await nextFrame();
    const blob = await canvasBlob(page, 'image/png');
    progress('done', 1);
    return { blob, filename: `xincheng-map-${stamp}-${request.scale}x.png` };
  }

  const pageMm = paperSizeMm(request.paper, request.orientation);
  const layout = pageLayout(pageMm, request.orientation === 'landscape');
  const { frame } = layout;
  const dpi = pageDpi(request.paper);
  const pxPerMm = dpi / MM_PER_INCH;
  // The map is laid out at print size (labels as large on paper as the legend's text).
  const cssW = Math.round(frame.w * CSS_PX_PER_MM);
  const cssH = Math.round(frame.h * CSS_PX_PER_MM);
  // In the investor view the drawer covers the right of the screen: the page shows the map left of it.
  const drawer = ctx.store.mode === 'presentation' ? container.querySelector('.xc-presentation') : null;
  const drawerLeft = drawer ? drawer.getBoundingClientRect().left - container.getBoundingClientRect().left : screenW;
  const shownW = drawerLeft > screenW * 0.3 && drawerLeft < screenW ? drawerLeft : screenW;
  const center = shownW < screenW ? map.unproject([shownW / 2, screenH / 2]) : map.getCenter();
  const mapScale = request.mapScale ?? 'view';
  // At a chosen scale the frame's width in millimetres × the scale is its ground width, at the
  // centre's latitude; the current view is zoomed so that everything on screen fits in the frame.
  const zoom =
    mapScale === 'view'
      ? Math.min(map.getMaxZoom(), Math.max(map.getMinZoom(), map.getZoom() + Math.log2(Math.min(cssW / shownW, cssH / screenH))))
      : zoomForScale(mapScale, center.lat, frame.w, cssW);
  const scale = mapScale === 'view' ? scaleOfZoom(zoom, center.lat, frame.w, cssW) : mapScale;
  const interval = gridIntervalMeters(scale);
  progress('render', 0.15);
  await nextFrame();
  const rendered = await renderMapCanvas(map, { widthCssPx: cssW, heightCssPx: cssH, pixelRatio: dpi / 96, zoom, center }, (m) => measureGrid(m, interval));
  progress('compose', 0.6);
  await nextFrame();
  const today = new Date();
  const date = `${today.getFullYear()}-${String(today.getMonth() + 1).padStart(2, '0')}-${String(today.getDate()).padStart(2, '0')}`;
  const block: TitleBlock = { project: '', drawingNo: '', drafted: '', checked: '', approved: '', ...request.block, date: request.block?.date || date };
  if (block.project) sheet.title = block.project;
  const metersPerMm = (groundMetersPerCssPx(center.lat, zoom) * cssW) / frame.w;
  const page = composePrintPage(layout, pxPerMm, rendered.canvas, {
    sheet,
    scaleText: scaleText(mapScale === 'view' ? Math.round(scale) : scale),
    scaleOfView: mapScale === 'view',
    metersPerMm,
    gridInterval: interval,
    block,
    lang,
  });
  progress('encode', 0.75);
  await nextFrame();
  const jpeg = new Uint8Array(await (await canvasBlob(page, 'image/jpeg', 0.9)).arrayBuffer());
  const { jsPDF } = await import('jspdf');
  const pdf = new jsPDF({ orientation: request.orientation, unit: 'mm', format: request.paper, compress: true });
  const g = rendered.measured;
  const [e0, n0] = g.corners[3];
  const [e1] = g.corners[2];
  pdf.setProperties({
    title: `${sheet.title} — ${sheet.subtitle}`,
    subject: sheet.sourceLine,
    creator: t().appTitle,
    // Machine-readable: the scale, the frame on paper and its bottom edge on the ground (EPSG:4546).
    keywords: `scale=${scale.toFixed(2)}; frame-mm=${frame.x},${frame.y},${frame.w.toFixed(3)},${frame.h.toFixed(3)}; bottom-edge-4546=${e0.toFixed(2)},${n0.toFixed(2)},${e1.toFixed(2)}`,
  });
  // Text other than digits is in the page image: CJK text as PDF text would need an embedded CJK
  // font (a Noto Sans SC subset of GB 2312 is 2–4 MB); the grid labels are vector Helvetica.
  pdf.addImage(jpeg, 'JPEG', 0, 0, pageMm[0], pageMm[1], undefined, 'NONE');
  drawVectors(pdf, layout, g, cssW / frame.w);
  progress('encode', 0.95);
  const blob = pdf.output('blob');
  progress('done', 1);
  const scaleName = mapScale === 'view' ? 'view' : `1-${mapScale}`;
  return { blob, filename: `xincheng-map-${stamp}-${request.paper}-${request.orientation}-${scaleName}.pdf` };
}

type JsPdf = InstanceType<(typeof import('jspdf'))['jsPDF']>;

/** Label offset from its grid line, in millimetres (tests read the lines' places back from it). */
export const GRID_LABEL_OFFSET_MM = 0.8;

/** Border, map frame, the EPSG:4546 grid lines clipped to the frame and their labels, as PDF vectors. */
function drawVectors(pdf: JsPdf, layout: ReturnType<typeof pageLayout>, g: GridMeasure, cssPxPerMm: number) {
  const { frame, border } = layout;
  const toMm = ([x, y]: [number, number]): [number, number] => [frame.x + x / cssPxPerMm, frame.y + y / cssPxPerMm];
  pdf.setDrawColor(31, 42, 48);
  pdf.setLineWidth(0.5);
  pdf.rect(border.x, border.y, border.w, border.h);
  pdf.setLineWidth(0.3);
  pdf.rect(frame.x, frame.y, frame.w, frame.h);
  pdf.setFont('helvetica', 'normal');
  pdf.setFontSize(6.5);
  pdf.setTextColor(31, 42, 48);
  pdf.setDrawColor(60, 70, 80);
  pdf.setLineWidth(0.12);
  const bottom = frame.y + frame.h;
  const right = frame.x + frame.w;
  for (const e of g.eastings) {
    const pieces = clipPolyline(e.points.map(toMm), frame);
    for (const piece of pieces) for (let i = 0; i + 1 < piece.length; i++) pdf.line(piece[i][0], piece[i][1], piece[i + 1][0], piece[i + 1][1]);
    const ends = pieces.flat();
    if (!ends.length) continue;
    // Where the line meets the bottom and top edges.
    const low = ends.reduce((a, b) => (b[1] > a[1] ? b : a));
    const high = ends.reduce((a, b) => (b[1] < a[1] ? b : a));
    if (Math.abs(low[1] - bottom) < 0.01 && low[0] < right - 8) pdf.text(gridLabel(e.value), low[0] + GRID_LABEL_OFFSET_MM, bottom + 3);
    if (Math.abs(high[1] - frame.y) < 0.01 && high[0] < right - 8) pdf.text(gridLabel(e.value), high[0] + GRID_LABEL_OFFSET_MM, frame.y - 1.2);
  }
  for (const n of g.northings) {
    const pieces = clipPolyline(n.points.map(toMm), frame);
    for (const piece of pieces) for (let i = 0; i + 1 < piece.length; i++) pdf.line(piece[i][0], piece[i][1], piece[i + 1][0], piece[i + 1][1]);
    const ends = pieces.flat();
    if (!ends.length) continue;
    const west = ends.reduce((a, b) => (b[0] < a[0] ? b : a));
    const east = ends.reduce((a, b) => (b[0] > a[0] ? b : a));
    if (Math.abs(west[0] - frame.x) < 0.01 && west[1] > frame.y + 3) pdf.text(gridLabel(n.value), border.x + 0.6, west[1] - GRID_LABEL_OFFSET_MM);
    if (Math.abs(east[0] - right) < 0.01 && east[1] > frame.y + 3) pdf.text(gridLabel(n.value), right + 0.6, east[1] - GRID_LABEL_OFFSET_MM);
  }
}
