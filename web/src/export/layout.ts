/**
 * Map furniture drawn on a canvas: title, legend, scale bar, north arrow, date, source and
 * attribution lines, and the indicative-data notice. Sizes are given in layout units (CSS pixels)
 * and multiplied by `unit`, the device pixels per layout unit, so the same layout suits the screen,
 * 3× PNG and a 200 dpi page.
 */
import type { LegendSymbol } from '../layers/layer.ts';

export interface LegendGroup {
  title: string;
  items: { symbol: LegendSymbol; label: string }[];
}

/** Everything written on an exported map besides the map itself. */
export interface Sheet {
  title: string;
  subtitle: string;
  legendTitle: string;
  legend: LegendGroup[];
  /** "Map date: …" */
  dateLine: string;
  sourceLine: string;
  attributionLine: string;
  /** Shown when indicative layers are visible. */
  notice: string | null;
  northLabel: string;
}

/** The camera the scale bar and north arrow describe. */
export interface SheetView {
  /** Ground meters per CSS pixel of the rendered map, at its centre. */
  metersPerCssPx: number;
  bearing: number;
}

export interface Rect {
  x: number;
  y: number;
  w: number;
  h: number;
}

const FONT = "system-ui, -apple-system, 'Segoe UI', 'Noto Sans CJK SC', 'Noto Sans SC', 'PingFang SC', 'Microsoft YaHei', sans-serif";
export const TEXT = '#1f2a30';
export const MUTED = '#5b6770';
export const ACCENT = '#1d5fa8';
export const INDICATIVE = '#a15c00';
const BOX = 'rgba(255, 255, 255, 0.93)';

/** Ground meters per CSS pixel in Web Mercator at a latitude and zoom (512-pixel tiles, as MapLibre). */
export function metersPerCssPx(latitude: number, zoom: number): number {
  return (40_075_016.686 * Math.cos((latitude * Math.PI) / 180)) / (512 * 2 ** zoom);
}

/** The longest 1-2-5 × 10ⁿ length in meters not over `maxMeters`. */
export function niceLengthMeters(maxMeters: number): number {
  if (!(maxMeters > 0)) return 0;
  const pow = 10 ** Math.floor(Math.log10(maxMeters));
  for (const f of [5, 2, 1]) if (f * pow <= maxMeters) return f * pow;
  return pow;
}

export function font(ctx: CanvasRenderingContext2D, sizePx: number, weight = 400) {
  ctx.font = `${weight} ${sizePx}px ${FONT}`;
}

function roundRect(ctx: CanvasRenderingContext2D, r: Rect, radius: number, fill: string, stroke?: string) {
  ctx.beginPath();
  ctx.roundRect(r.x, r.y, r.w, r.h, radius);
  ctx.fillStyle = fill;
  ctx.fill();
  if (stroke) {
    ctx.strokeStyle = stroke;
    ctx.stroke();
  }
}

/** Text cut with an ellipsis to fit `maxWidth`. */
export function fit(ctx: CanvasRenderingContext2D, text: string, maxWidth: number): string {
  if (ctx.measureText(text).width <= maxWidth) return text;
  let lo = 0;
  let hi = text.length;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (ctx.measureText(`${text.slice(0, mid)}…`).width <= maxWidth) lo = mid;
    else hi = mid - 1;
  }
  return `${text.slice(0, lo)}…`;
}

/** Text broken into lines of at most `maxWidth` (by words, or by characters for CJK). */
export function wrap(ctx: CanvasRenderingContext2D, text: string, maxWidth: number): string[] {
  const tokens = text.match(/[\u2e80-\u9fff\uff00-\uffef]|[^\s\u2e80-\u9fff\uff00-\uffef]+\s*|\s+/g) ?? [];
  const lines: string[] = [];
  let line = '';
  for (const tok of tokens) {
    if (line && ctx.measureText(line + tok).width > maxWidth) {
      lines.push(line.trimEnd());
      line = tok.trimStart();
    } else line += tok;
  }
  if (line.trim()) lines.push(line.trimEnd());
  return lines;
}

function drawSymbol(ctx: CanvasRenderingContext2D, s: LegendSymbol, x: number, y: number, size: number, unit: number) {
  ctx.save();
  ctx.lineWidth = 1.2 * unit;
  const cy = y + size / 2;
  switch (s.kind) {
    case 'fill':
    case 'hatch': {
      ctx.globalAlpha = s.kind === 'fill' ? 0.45 : 1;
      ctx.fillStyle = s.kind === 'fill' ? s.color : '#ffffff';
      ctx.fillRect(x, y + size * 0.15, size, size * 0.7);
      ctx.globalAlpha = 1;
      if (s.kind === 'hatch') {
        ctx.save();
        ctx.beginPath();
        ctx.rect(x, y + size * 0.15, size, size * 0.7);
        ctx.clip();
        ctx.strokeStyle = s.color;
        for (let d = -size; d < size * 2; d += 4 * unit) {
          ctx.beginPath();
          ctx.moveTo(x + d, y + size);
          ctx.lineTo(x + d + size, y);
          ctx.stroke();
        }
        ctx.restore();
      }
      ctx.strokeStyle = s.kind === 'fill' ? (s.outline ?? s.color) : s.color;
      if (s.kind === 'fill' && s.dashed) ctx.setLineDash([3 * unit, 2 * unit]);
      ctx.strokeRect(x, y + size * 0.15, size, size * 0.7);
      break;
    }
    case 'line':
      ctx.strokeStyle = s.color;
      ctx.lineWidth = Math.max(1, s.widthPx) * unit;
      if (s.dashed) ctx.setLineDash([4 * unit, 3 * unit]);
      ctx.beginPath();
      ctx.moveTo(x, cy);
      ctx.lineTo(x + size, cy);
      ctx.stroke();
      break;
    case 'circle': {
      const r = ((s.sizePx ?? 9) / 2) * unit;
      ctx.beginPath();
      ctx.arc(x + size / 2, cy, r, 0, Math.PI * 2);
      ctx.fillStyle = s.hollow ? '#ffffff' : s.color;
      ctx.fill();
      ctx.strokeStyle = s.hollow ? s.color : '#ffffff';
      ctx.lineWidth = (s.hollow ? 2 : 1.2) * unit;
      ctx.stroke();
      break;
    }
    case 'square':
      ctx.fillStyle = '#ffffff';
      ctx.fillRect(x + size * 0.15, y + size * 0.15, size * 0.7, size * 0.7);
      ctx.fillStyle = s.color;
      ctx.fillRect(x + size * 0.25, y + size * 0.25, size * 0.5, size * 0.5);
      break;
  }
  ctx.restore();
}

export interface LegendOptions {
  /** Largest share of the area's height the box may take. */
  maxHeightShare?: number;
  /** Largest share of the area's width the box may take. */
  maxWidthShare?: number;
  /** Where the box sits in the area. */
  anchor?: 'bottom-left' | 'top-left' | 'top-right';
  /** Type and symbol size relative to the default (1). */
  scale?: number;
  maxColumns?: number;
  /** Fill the area's width (a margin strip) instead of shrinking to the columns. */
  fillWidth?: boolean;
}

type LegendRow = { kind: 'head'; lines: string[]; h: number } | { kind: 'item'; symbol: LegendSymbol; lines: string[]; h: number };

/**
 * The legend in a box in `area`, flowing into balanced columns so it takes at most the given share
 * of the area; labels wrap to two lines (then an ellipsis); rows that do not fit are left out,
 * never drawn over the area's edge.
 */
export function drawLegend(ctx: CanvasRenderingContext2D, sheet: Sheet, area: Rect, unit: number, options: LegendOptions = {}): Rect | null {
  const { maxHeightShare = 0.5, maxWidthShare = 0.6, anchor = 'bottom-left', scale = 1, maxColumns = 4, fillWidth = false } = options;
  const u = unit * scale;
  const pad = 9 * u;
  const titleH = 18 * u;
  const lineH = 13 * u;
  const headSize = 10 * u;
  const itemSize = 10.5 * u;
  const symbol = 11 * u;
  const gap = 5 * u;
  const colGap = 10 * u;
  const groups = sheet.legend.filter((g) => g.items.length);
  if (!groups.length) return null;
  // Column width: what the longest label needs, within reason and within the area.
  let widest = 0;
  for (const g of groups) {
    font(ctx, headSize, 700);
    widest = Math.max(widest, ctx.measureText(g.title).width);
    font(ctx, itemSize);
    for (const i of g.items) widest = Math.max(widest, ctx.measureText(i.label).width + symbol + gap);
  }
  const usableW = area.w * maxWidthShare - 2 * pad;
  const maxInnerH = area.h * maxHeightShare - 2 * pad - titleH;
  let colW = Math.min(usableW, 190 * u, Math.max(100 * u, widest + 4 * u));
  const rows: LegendRow[] = [];
  const layoutRows = () => {
    rows.length = 0;
    for (const g of groups) {
      font(ctx, headSize, 700);
      rows.push({ kind: 'head', lines: [fit(ctx, g.title, colW)], h: lineH + 2 * u });
      font(ctx, itemSize);
      for (const i of g.items) {
        const textW = colW - symbol - gap;
        let lines = wrap(ctx, i.label, textW);
        if (lines.length > 2) lines = [lines[0], fit(ctx, lines.slice(1).join(' '), textW)];
        if (!lines.length) lines = [''];
        rows.push({ kind: 'item', symbol: i.symbol, lines, h: lines.length * lineH + 3 * u });
      }
    }
  };
  const totalH = () => rows.reduce((a, r) => a + r.h, 0);
  let wanted = 1;
  if (fillWidth) {
    // A margin strip: the fewest columns (as wide as the strip allows) that hold every row.
    for (let n = 1; n <= maxColumns; n++) {
      const w = Math.min(260 * u, (usableW - (n - 1) * colGap) / n);
      if (n > 1 && w < 85 * u) break;
      colW = w;
      wanted = n;
      layoutRows();
      if (totalH() / n <= maxInnerH * 0.92) break;
    }
  } else {
    const columnsAllowed = Math.max(1, Math.min(maxColumns, Math.floor((usableW + colGap) / (colW + colGap))));
    layoutRows();
    wanted = Math.max(1, Math.min(columnsAllowed, Math.ceil(totalH() / Math.max(maxInnerH, lineH))));
  }
  const total = totalH();
  // Balanced columns of about equal height; a heading never ends a column.
  const target = Math.min(maxInnerH, Math.max(total / wanted, ...rows.map((r) => r.h)));
  const columns: LegendRow[][] = [[]];
  const heights = [0];
  rows.forEach((row, index) => {
    let c = columns.length - 1;
    const next = rows[index + 1];
    const need = row.h + (row.kind === 'head' && next ? next.h : 0);
    const tooTall = heights[c] + need > target + 0.5 * lineH || heights[c] + need > maxInnerH;
    if (columns[c].length && tooTall && columns.length < wanted) {
      columns.push([]);
      heights.push(0);
      c++;
    }
    if (heights[c] + row.h > maxInnerH) return; // Out of room: left out rather than drawn over the edge.
    columns[c].push(row);
    heights[c] += row.h;
  });
  // Drop a trailing heading left alone at a column's end.
  for (const col of columns) while (col.length && col[col.length - 1].kind === 'head') col.pop();
  const used = columns.filter((c) => c.length);
  const innerW = used.length * colW + (used.length - 1) * colGap;
  const box: Rect = { x: area.x, y: area.y, w: fillWidth ? area.w * maxWidthShare : innerW + 2 * pad, h: titleH + Math.max(...heights) + 2 * pad };
  if (anchor === 'bottom-left') box.y = area.y + area.h - box.h;
  if (anchor === 'top-right') box.x = area.x + area.w - box.w;
  ctx.save();
  ctx.shadowColor = 'rgba(20, 30, 40, 0.18)';
  ctx.shadowBlur = 6 * unit;
  roundRect(ctx, box, 6 * unit, BOX);
  ctx.restore();
  ctx.textBaseline = 'middle';
  font(ctx, 12 * u, 700);
  ctx.fillStyle = TEXT;
  ctx.fillText(sheet.legendTitle, box.x + pad, box.y + pad + titleH / 2 - 2 * u);
  used.forEach((col, c) => {
    const x = box.x + pad + c * (colW + colGap);
    let y = box.y + pad + titleH;
    for (const row of col) {
      if (row.kind === 'head') {
        font(ctx, headSize, 700);
        ctx.fillStyle = MUTED;
        ctx.fillText(row.lines[0], x, y + lineH / 2 + 1 * u);
      } else {
        drawSymbol(ctx, row.symbol, x, y + (lineH - symbol) / 2 + 1.5 * u, symbol, u);
        font(ctx, itemSize);
        ctx.fillStyle = TEXT;
        row.lines.forEach((l, i) => ctx.fillText(l, x + symbol + gap, y + 1.5 * u + i * lineH + lineH / 2));
      }
      y += row.h;
    }
  });
  return box;
}

/** A north arrow in a disc at (cx, cy), turned against the map's bearing. */
export function drawNorthArrow(ctx: CanvasRenderingContext2D, cx: number, cy: number, bearing: number, label: string, unit: number) {
  const r = 18 * unit;
  ctx.save();
  ctx.beginPath();
  ctx.arc(cx, cy, r, 0, Math.PI * 2);
  ctx.fillStyle = BOX;
  ctx.shadowColor = 'rgba(20, 30, 40, 0.18)';
  ctx.shadowBlur = 6 * unit;
  ctx.fill();
  ctx.shadowBlur = 0;
  ctx.translate(cx, cy);
  ctx.rotate((-bearing * Math.PI) / 180);
  ctx.beginPath();
  ctx.moveTo(0, -12 * unit);
  ctx.lineTo(6 * unit, 7 * unit);
  ctx.lineTo(0, 3 * unit);
  ctx.closePath();
  ctx.fillStyle = TEXT;
  ctx.fill();
  ctx.beginPath();
  ctx.moveTo(0, -12 * unit);
  ctx.lineTo(-6 * unit, 7 * unit);
  ctx.lineTo(0, 3 * unit);
  ctx.closePath();
  ctx.fillStyle = '#9aa5ad';
  ctx.fill();
  ctx.restore();
  font(ctx, 10 * unit, 700);
  ctx.fillStyle = TEXT;
  ctx.textAlign = 'center';
  ctx.textBaseline = 'top';
  ctx.fillText(label, cx, cy + r + 2 * unit);
  ctx.textAlign = 'left';
}

/** A scale bar with its length, right-aligned at (right, bottom); `metersPerDevicePx` at the map centre. */
export function drawScaleBar(ctx: CanvasRenderingContext2D, right: number, bottom: number, metersPerDevicePx: number, unit: number, lang: 'zh' | 'en') {
  const maxPx = 140 * unit;
  const meters = niceLengthMeters(maxPx * metersPerDevicePx);
  if (!meters) return;
  const px = meters / metersPerDevicePx;
  const text = meters >= 1000 ? `${meters / 1000} ${lang === 'zh' ? '公里' : 'km'}` : `${meters} ${lang === 'zh' ? '米' : 'm'}`;
  const pad = 8 * unit;
  const box: Rect = { x: right - px - 2 * pad, y: bottom - 34 * unit, w: px + 2 * pad, h: 34 * unit };
  roundRect(ctx, box, 5 * unit, BOX);
  const x0 = box.x + pad;
  const y = box.y + 22 * unit;
  const h = 5 * unit;
  // Two-tone bar in halves, as on printed maps.
  ctx.fillStyle = TEXT;
  ctx.fillRect(x0, y, px / 2, h);
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(x0 + px / 2, y, px / 2, h);
  ctx.strokeStyle = TEXT;
  ctx.lineWidth = 1 * unit;
  ctx.strokeRect(x0, y, px, h);
  font(ctx, 10.5 * unit, 600);
  ctx.fillStyle = TEXT;
  ctx.textBaseline = 'alphabetic';
  ctx.fillText('0', x0 - 2 * unit, y - 4 * unit);
  ctx.textAlign = 'right';
  ctx.fillText(text, x0 + px + 2 * unit, y - 4 * unit);
  ctx.textAlign = 'left';
}

/** The title and subtitle in a box at the top left; returns its height. */
export function drawTitleBox(ctx: CanvasRenderingContext2D, sheet: Sheet, x: number, y: number, maxWidth: number, unit: number): number {
  const pad = 12 * unit;
  font(ctx, 19 * unit, 700);
  const titleW = ctx.measureText(sheet.title).width;
  font(ctx, 12 * unit);
  const subW = ctx.measureText(sheet.subtitle).width;
  const w = Math.min(maxWidth, Math.max(titleW, subW) + 2 * pad);
  const h = 58 * unit;
  ctx.save();
  ctx.shadowColor = 'rgba(20, 30, 40, 0.18)';
  ctx.shadowBlur = 6 * unit;
  roundRect(ctx, { x, y, w, h }, 6 * unit, BOX);
  ctx.restore();
  ctx.fillStyle = ACCENT;
  ctx.fillRect(x, y, 4 * unit, h);
  ctx.textBaseline = 'alphabetic';
  font(ctx, 19 * unit, 700);
  ctx.fillStyle = TEXT;
  ctx.fillText(fit(ctx, sheet.title, w - 2 * pad), x + pad, y + 27 * unit);
  font(ctx, 12 * unit);
  ctx.fillStyle = MUTED;
  ctx.fillText(fit(ctx, sheet.subtitle, w - 2 * pad), x + pad, y + 46 * unit);
  return h;
}

/** Footer lines (date and source, attribution, notice) wrapped to `width`; returns the height used or needed. */
export function drawFooter(ctx: CanvasRenderingContext2D, sheet: Sheet, x: number, y: number, width: number, unit: number, draw = true): number {
  const lineH = 14 * unit;
  const lines: { text: string; color: string; weight: number }[] = [];
  font(ctx, 10.5 * unit);
  for (const l of wrap(ctx, `${sheet.dateLine}   ${sheet.sourceLine}`, width)) lines.push({ text: l, color: MUTED, weight: 400 });
  for (const l of wrap(ctx, sheet.attributionLine, width)) lines.push({ text: l, color: MUTED, weight: 400 });
  if (sheet.notice) {
    font(ctx, 10.5 * unit, 600);
    for (const l of wrap(ctx, sheet.notice, width)) lines.push({ text: l, color: INDICATIVE, weight: 600 });
  }
  if (draw) {
    ctx.textBaseline = 'alphabetic';
    lines.forEach((l, i) => {
      font(ctx, 10.5 * unit, l.weight);
      ctx.fillStyle = l.color;
      ctx.fillText(l.text, x, y + (i + 1) * lineH - 3 * unit);
    });
  }
  return lines.length * lineH;
}

/** Width of the PNG's side panel (title, legend, small print) in layout units, beside the map. */
export const PNG_PANEL_CSS_PX = 260;

/**
 * A PNG: the map at its own pixel size with only the north arrow and scale bar on it, and a white
 * panel at its right with the title, legend, date, sources and notice, so nothing covers the map.
 */
export function composeWithPanel(map: HTMLCanvasElement, sheet: Sheet, view: SheetView, unit: number, lang: 'zh' | 'en'): HTMLCanvasElement {
  const panelW = Math.round(PNG_PANEL_CSS_PX * unit);
  const canvas = document.createElement('canvas');
  canvas.width = map.width + panelW;
  canvas.height = map.height;
  const ctx = canvas.getContext('2d')!;
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  ctx.drawImage(map, 0, 0);
  ctx.fillStyle = '#c9d1d7';
  ctx.fillRect(map.width, 0, Math.max(1, unit), canvas.height);
  const margin = 12 * unit;
  drawNorthArrow(ctx, map.width - margin - 18 * unit, margin + 18 * unit, view.bearing, sheet.northLabel, unit);
  // Here a layout unit is a CSS pixel of the rendered map, so device pixels per CSS pixel = unit.
  drawScaleBar(ctx, map.width - margin, map.height - margin, view.metersPerCssPx / unit, unit, lang);
  const x = map.width + margin;
  const w = panelW - 2 * margin;
  let y = margin;
  ctx.fillStyle = ACCENT;
  ctx.fillRect(x, y, 34 * unit, 3 * unit);
  y += 10 * unit;
  ctx.textBaseline = 'alphabetic';
  font(ctx, 16 * unit, 700);
  ctx.fillStyle = TEXT;
  for (const line of wrap(ctx, sheet.title, w).slice(0, 3)) {
    y += 20 * unit;
    ctx.fillText(line, x, y);
  }
  font(ctx, 11 * unit);
  ctx.fillStyle = MUTED;
  for (const line of wrap(ctx, sheet.subtitle, w).slice(0, 3)) {
    y += 15 * unit;
    ctx.fillText(line, x, y);
  }
  y += 10 * unit;
  const footerH = drawFooter(ctx, sheet, x, 0, w, unit, false);
  const footerY = canvas.height - margin - footerH;
  drawLegend(ctx, sheet, { x: x - 9 * unit * 0.9, y, w: w + 18 * unit * 0.9, h: footerY - y - 8 * unit }, unit, { anchor: 'top-left', maxHeightShare: 1, maxWidthShare: 1, maxColumns: 2, fillWidth: true, scale: 0.9 });
  drawFooter(ctx, sheet, x, footerY, w, unit);
  return canvas;
}
