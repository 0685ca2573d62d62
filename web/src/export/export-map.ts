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
import { composeOverMap, composePage, metersPerCssPx, type LegendGroup, type Rect, type Sheet, type SheetView } from './layout.ts';
import { renderMapCanvas } from './map-render.ts';

export type PngScale = 1 | 2 | 3;
export type Paper = 'a4' | 'a3';
export type Orientation = 'landscape' | 'portrait';

export type ExportRequest = { format: 'png'; scale: PngScale } | { format: 'pdf'; paper: Paper; orientation: Orientation };

export type ExportStep = 'prepare' | 'render' | 'compose' | 'encode' | 'done';
export type Progress = (step: ExportStep, share: number) => void;

/** Paper sizes in millimetres, portrait. */
export const PAPER_MM: Record<Paper, [number, number]> = { a4: [210, 297], a3: [297, 420] };
/** Print resolution of the page image, in dots per inch. */
const PAGE_DPI = 200;
const MM_PER_INCH = 25.4;
/** Page margin, title band and footer band in millimetres. */
const MARGIN_MM = 10;
const TITLE_MM = 17;
const FOOTER_MM = 16;
/** Space between the map frame and the legend strip. */
const LEGEND_GAP_MM = 4;

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
    const rendered = await renderMapCanvas(map, { widthCssPx: screenW, heightCssPx: screenH, pixelRatio: request.scale, modules: ctx.modules });
    progress('compose', 0.7);
    await nextFrame();
    const page = composeOverMap(rendered, sheet, view(map), request.scale, lang);
    progress('encode', 0.85);
    await nextFrame();
    const blob = await canvasBlob(page, 'image/png');
    progress('done', 1);
    return { blob, filename: `xincheng-map-${stamp}-${request.scale}x.png` };
  }

  const [shortMm, longMm] = PAPER_MM[request.paper];
  const [pageWmm, pageHmm] = request.orientation === 'landscape' ? [longMm, shortMm] : [shortMm, longMm];
  const pxPerMm = PAGE_DPI / MM_PER_INCH;
  const pageW = Math.round(pageWmm * pxPerMm);
  const pageH = Math.round(pageHmm * pxPerMm);
  // A layout unit (CSS pixel) is 1/96 inch on paper, as a browser prints.
  const unit = PAGE_DPI / 96;
  // The legend has a strip of its own outside the map frame: at the right on a landscape page, along
  // the bottom on a portrait one.
  const landscape = request.orientation === 'landscape';
  const contentWmm = pageWmm - 2 * MARGIN_MM;
  const contentHmm = pageHmm - 2 * MARGIN_MM - TITLE_MM - FOOTER_MM;
  const stripMm = landscape ? Math.round(contentWmm * 0.25) : Math.round(contentHmm * 0.24);
  const frame: Rect = {
    x: Math.round(MARGIN_MM * pxPerMm),
    y: Math.round((MARGIN_MM + TITLE_MM) * pxPerMm),
    w: Math.round((landscape ? contentWmm - stripMm - LEGEND_GAP_MM : contentWmm) * pxPerMm),
    h: Math.round((landscape ? contentHmm : contentHmm - stripMm - LEGEND_GAP_MM) * pxPerMm),
  };
  const legendArea: Rect = landscape
    ? { x: frame.x + frame.w + Math.round(LEGEND_GAP_MM * pxPerMm), y: frame.y, w: Math.round(stripMm * pxPerMm), h: frame.h }
    : { x: frame.x, y: frame.y + frame.h + Math.round(LEGEND_GAP_MM * pxPerMm), w: frame.w, h: Math.round(stripMm * pxPerMm) };
  // The map is laid out at print size (labels as large on paper as the legend's text) and zoomed
  // so that everything on screen fits in the frame: out for a small page, in for a large one.
  const cssW = Math.round(frame.w / unit);
  const cssH = Math.round(frame.h / unit);
  // In the investor view the drawer covers the right of the screen: the page shows the map left of it.
  const drawer = ctx.store.mode === 'presentation' ? container.querySelector('.xc-presentation') : null;
  const drawerLeft = drawer ? drawer.getBoundingClientRect().left - container.getBoundingClientRect().left : screenW;
  const shownW = drawerLeft > screenW * 0.3 && drawerLeft < screenW ? drawerLeft : screenW;
  const center = shownW < screenW ? map.unproject([shownW / 2, screenH / 2]) : map.getCenter();
  const zoom = Math.min(map.getMaxZoom(), Math.max(map.getMinZoom(), map.getZoom() + Math.log2(Math.min(cssW / shownW, cssH / screenH))));
  progress('render', 0.15);
  await nextFrame();
  const rendered = await renderMapCanvas(map, { widthCssPx: cssW, heightCssPx: cssH, pixelRatio: unit, zoom, center, modules: ctx.modules });
  progress('compose', 0.6);
  await nextFrame();
  const page = composePage(rendered, frame, pageW, pageH, sheet, view(map, zoom), unit, unit, lang, legendArea);
  progress('encode', 0.75);
  await nextFrame();
  const jpeg = new Uint8Array(await (await canvasBlob(page, 'image/jpeg', 0.92)).arrayBuffer());
  const { jsPDF } = await import('jspdf');
  const pdf = new jsPDF({ orientation: request.orientation, unit: 'mm', format: request.paper, compress: true });
  pdf.setProperties({ title: `${sheet.title} — ${sheet.subtitle}`, subject: sheet.sourceLine, creator: t().appTitle });
  // The page is one image: CJK text in a PDF would need an embedded CJK font of several megabytes.
  pdf.addImage(jpeg, 'JPEG', 0, 0, pageWmm, pageHmm, undefined, 'NONE');
  progress('encode', 0.95);
  const blob = pdf.output('blob');
  progress('done', 1);
  return { blob, filename: `xincheng-map-${stamp}-${request.paper}-${request.orientation}.pdf` };
}

