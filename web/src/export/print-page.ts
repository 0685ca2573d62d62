/**
 * The page of a map printed at a scale: the map in its frame (图框) with room for the grid labels,
 * and a column (landscape) or band (portrait) with title, north arrow, scale and scale bar, legend,
 * notes and the title block (图签: project, drawing number, date, drawn/checked/approved). Drawn on
 * a canvas at print resolution; the frame, the EPSG:4546 grid and its labels are added as vectors
 * by export-map.ts (Latin digits need no embedded font).
 */
import { drawLegend, drawNorthArrow, font, MUTED, TEXT, ACCENT, INDICATIVE, wrap, fit, type Rect, type Sheet } from './layout.ts';
import { printText } from './print-text.ts';

/** Rectangles on the page in millimetres. */
export interface PageLayout {
  pageMm: [number, number];
  /** The outer border. */
  border: Rect;
  /** The map frame. */
  frame: Rect;
  /** Title, scale, legend. */
  side: Rect;
  /** Notes and title block (below `side` in landscape, at its right in portrait). */
  block: Rect;
}

export interface TitleBlock {
  project: string;
  drawingNo: string;
  date: string;
  drafted: string;
  checked: string;
  approved: string;
}

const MARGIN_MM = 10;
/** Room outside the frame for the grid labels: the 7-digit northings at the sides, eastings above and below. */
const GUTTER_SIDE_MM = 11;
const GUTTER_TOP_MM = 5;

export function pageLayout(pageMm: [number, number], landscape: boolean): PageLayout {
  const [W, H] = pageMm;
  const border: Rect = { x: MARGIN_MM, y: MARGIN_MM, w: W - 2 * MARGIN_MM, h: H - 2 * MARGIN_MM };
  if (landscape) {
    const colW = Math.min(130, Math.max(66, border.w * 0.24));
    const frame: Rect = { x: border.x + GUTTER_SIDE_MM, y: border.y + GUTTER_TOP_MM, w: border.w - colW - 2 * GUTTER_SIDE_MM, h: border.h - 2 * GUTTER_TOP_MM };
    const blockH = Math.min(border.h * 0.5, 78 + (W > 600 ? 30 : 0));
    const col: Rect = { x: border.x + border.w - colW, y: border.y, w: colW, h: border.h };
    return { pageMm, border, frame, side: { ...col, h: col.h - blockH }, block: { x: col.x, y: col.y + col.h - blockH, w: colW, h: blockH } };
  }
  const bandH = Math.min(150, Math.max(72, border.h * 0.24));
  const frame: Rect = { x: border.x + GUTTER_SIDE_MM, y: border.y + GUTTER_TOP_MM, w: border.w - 2 * GUTTER_SIDE_MM, h: border.h - bandH - 2 * GUTTER_TOP_MM };
  const band: Rect = { x: border.x, y: border.y + border.h - bandH, w: border.w, h: bandH };
  const blockW = Math.min(band.w * 0.5, 120);
  return { pageMm, border, frame, side: { ...band, w: band.w - blockW }, block: { x: band.x + band.w - blockW, y: band.y, w: blockW, h: bandH } };
}

export interface PageContent {
  sheet: Sheet;
  /** "1:10 000" */
  scaleText: string;
  /** True when the scale is the current view's (not one chosen). */
  scaleOfView: boolean;
  /** Ground metres per millimetre of paper (for the scale bar). */
  metersPerMm: number;
  gridInterval: number;
  block: TitleBlock;
  lang: 'zh' | 'en';
}

/** The longest 1-2-5 × 10ⁿ metres not over `max`. */
function niceMeters(max: number): number {
  const pow = 10 ** Math.floor(Math.log10(max));
  for (const f of [5, 2, 1]) if (f * pow <= max) return f * pow;
  return pow;
}

/**
 * The page raster: white paper, the map image in the frame, and the column's contents. `pxPerMm`
 * is the page's resolution; a layout unit (as in layout.ts) is 1/96 inch on paper.
 */
export function composePrintPage(layout: PageLayout, pxPerMm: number, map: HTMLCanvasElement, c: PageContent): HTMLCanvasElement {
  const P = (mm: number) => Math.round(mm * pxPerMm);
  const R = (r: Rect): Rect => ({ x: P(r.x), y: P(r.y), w: P(r.w), h: P(r.h) });
  const unit = (pxPerMm * 25.4) / 96;
  const canvas = document.createElement('canvas');
  canvas.width = P(layout.pageMm[0]);
  canvas.height = P(layout.pageMm[1]);
  const ctx = canvas.getContext('2d')!;
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  const frame = R(layout.frame);
  ctx.drawImage(map, frame.x, frame.y, frame.w, frame.h);
  const t = printText();
  const side = R(layout.side);
  const block = R(layout.block);
  const pad = 4 * pxPerMm;
  // Column separators (thin; the border and frame are vectors).
  ctx.fillStyle = '#8d99a3';
  if (layout.side.x > layout.frame.x) ctx.fillRect(side.x, side.y, Math.max(1, unit * 0.6), side.h + block.h);
  else ctx.fillRect(side.x, side.y, side.w + block.w, Math.max(1, unit * 0.6));
  ctx.fillRect(block.x, block.y, layout.side.x > layout.frame.x ? block.w : Math.max(1, unit * 0.6), layout.side.x > layout.frame.x ? Math.max(1, unit * 0.6) : block.h);

  // Title, subtitle.
  const x = side.x + pad;
  const w = side.w - 2 * pad;
  let y = side.y + pad;
  ctx.fillStyle = ACCENT;
  ctx.fillRect(x, y, 30 * unit, 2.5 * unit);
  ctx.textBaseline = 'alphabetic';
  font(ctx, 15 * unit, 700);
  ctx.fillStyle = TEXT;
  const portrait = layout.side.x <= layout.frame.x;
  const textW = portrait ? w * 0.5 : w;
  for (const line of wrap(ctx, c.sheet.title, textW).slice(0, 2)) {
    y += 19 * unit;
    ctx.fillText(line, x, y);
  }
  font(ctx, 10 * unit);
  ctx.fillStyle = MUTED;
  for (const line of wrap(ctx, c.sheet.subtitle, textW).slice(0, 2)) {
    y += 13 * unit;
    ctx.fillText(line, x, y);
  }
  // North arrow, scale and scale bar.
  y += 8 * unit;
  const arrowY = y + 20 * unit;
  drawNorthArrow(ctx, x + 18 * unit, arrowY, 0, c.sheet.northLabel, unit);
  const sx = x + 46 * unit;
  font(ctx, 11 * unit, 700);
  ctx.fillStyle = TEXT;
  const scaleW = x + textW - sx;
  ctx.fillText(fit(ctx, t.scaleLine(c.scaleText), scaleW), sx, arrowY - (c.scaleOfView ? 14 : 6) * unit);
  if (c.scaleOfView) {
    font(ctx, 9 * unit);
    ctx.fillStyle = MUTED;
    ctx.fillText(fit(ctx, t.scaleOfView.replace(/^\s*[（(]|[）)]\s*$/g, ''), scaleW), sx, arrowY - 3 * unit);
    ctx.fillStyle = TEXT;
  }
  const barMaxMm = Math.min(60, (textW - 50 * unit) / pxPerMm);
  const barM = niceMeters(barMaxMm * c.metersPerMm);
  const barPx = (barM / c.metersPerMm) * pxPerMm;
  const by = arrowY + 7 * unit;
  for (let i = 0; i < 4; i++) {
    ctx.fillStyle = i % 2 ? '#ffffff' : TEXT;
    ctx.fillRect(sx + (barPx / 4) * i, by, barPx / 4, 4 * unit);
  }
  ctx.strokeStyle = TEXT;
  ctx.lineWidth = unit * 0.8;
  ctx.strokeRect(sx, by, barPx, 4 * unit);
  font(ctx, 9 * unit);
  ctx.fillStyle = TEXT;
  ctx.fillText('0', sx - 2 * unit, by + 14 * unit);
  ctx.textAlign = 'right';
  ctx.fillText(barM >= 1000 ? `${barM / 1000} ${c.lang === 'zh' ? '公里' : 'km'}` : `${barM} ${c.lang === 'zh' ? '米' : 'm'}`, sx + barPx + 4 * unit, by + 14 * unit);
  ctx.textAlign = 'left';
  y = arrowY + 34 * unit;
  // Legend: the rest of the column (or, on a portrait page, the band's left part).
  const legendArea: Rect = portrait ? { x: x + textW + pad, y: side.y + pad, w: w - textW - pad, h: side.h - 2 * pad } : { x, y, w, h: side.y + side.h - y - pad };
  drawLegend(ctx, c.sheet, legendArea, unit, { anchor: 'top-left', maxHeightShare: 1, maxWidthShare: 1, maxColumns: portrait ? 2 : 1, fillWidth: true, scale: 0.9 });

  // Notes and the title block.
  const bx = block.x + pad;
  const bw = block.w - 2 * pad;
  let byy = block.y + pad;
  const notes: { text: string; color: string; weight: number }[] = [];
  font(ctx, 8.5 * unit);
  const push = (s: string, color: string, weight = 400) => {
    font(ctx, 8.5 * unit, weight);
    for (const l of wrap(ctx, s, bw)) notes.push({ text: l, color, weight });
  };
  push(t.crs, MUTED);
  push(t.gridNote(c.gridInterval), MUTED);
  push(c.sheet.sourceLine, MUTED);
  push(c.sheet.attributionLine, MUTED);
  if (c.sheet.notice) push(c.sheet.notice, INDICATIVE, 600);
  // The title block: 4 rows; the last holds drawn / checked / approved.
  const rowH = 7 * pxPerMm;
  const tableH = rowH * 4;
  const lineH = 11 * unit;
  const maxNotes = Math.max(0, Math.floor((block.h - tableH - 3 * pad) / lineH));
  for (const n of notes.slice(0, maxNotes)) {
    byy += lineH;
    font(ctx, 8.5 * unit, n.weight);
    ctx.fillStyle = n.color;
    ctx.fillText(n.text, bx, byy);
  }
  const top = block.y + block.h - pad - tableH;
  ctx.strokeStyle = TEXT;
  ctx.lineWidth = Math.max(1, unit * 0.8);
  ctx.strokeRect(bx, top, bw, tableH);
  const labelW = Math.min(22 * pxPerMm, bw * 0.22);
  const rows: [string, string][] = [
    [t.project, c.block.project],
    [t.drawingNo, c.block.drawingNo],
    [t.date, c.block.date],
  ];
  font(ctx, 9 * unit);
  ctx.textBaseline = 'middle';
  rows.forEach(([label, value], i) => {
    const ry = top + i * rowH;
    ctx.beginPath();
    ctx.moveTo(bx, ry + rowH);
    ctx.lineTo(bx + bw, ry + rowH);
    ctx.moveTo(bx + labelW, ry);
    ctx.lineTo(bx + labelW, ry + rowH);
    ctx.stroke();
    font(ctx, 9 * unit, 700);
    ctx.fillStyle = MUTED;
    ctx.fillText(fit(ctx, label, labelW - 4 * unit), bx + 2 * unit * 1.5, ry + rowH / 2);
    font(ctx, 9.5 * unit, i === 0 ? 700 : 400);
    ctx.fillStyle = TEXT;
    ctx.fillText(fit(ctx, value, bw - labelW - 6 * unit), bx + labelW + 3 * unit, ry + rowH / 2);
  });
  const ry = top + 3 * rowH;
  const cellW = bw / 3;
  [
    [t.drafted, c.block.drafted],
    [t.checked, c.block.checked],
    [t.approved, c.block.approved],
  ].forEach(([label, value], i) => {
    const cx = bx + i * cellW;
    if (i) {
      ctx.beginPath();
      ctx.moveTo(cx, ry);
      ctx.lineTo(cx, ry + rowH);
      ctx.stroke();
    }
    font(ctx, 9 * unit, 700);
    ctx.fillStyle = MUTED;
    ctx.fillText(label, cx + 3 * unit, ry + rowH / 2);
    const lw = ctx.measureText(label).width;
    font(ctx, 9.5 * unit);
    ctx.fillStyle = TEXT;
    ctx.fillText(fit(ctx, value, cellW - lw - 9 * unit), cx + lw + 6 * unit, ry + rowH / 2);
  });
  ctx.textBaseline = 'alphabetic';
  return canvas;
}

/** A polyline in page millimetres clipped to `r` (Liang–Barsky per segment); returns the pieces. */
export function clipPolyline(points: [number, number][], r: Rect): [number, number][][] {
  const out: [number, number][][] = [];
  let current: [number, number][] = [];
  for (let i = 0; i + 1 < points.length; i++) {
    const [x0, y0] = points[i];
    const [x1, y1] = points[i + 1];
    const dx = x1 - x0;
    const dy = y1 - y0;
    let t0 = 0;
    let t1 = 1;
    let inside = true;
    for (const [p, q] of [
      [-dx, x0 - r.x],
      [dx, r.x + r.w - x0],
      [-dy, y0 - r.y],
      [dy, r.y + r.h - y0],
    ]) {
      if (p === 0) {
        if (q < 0) inside = false;
      } else {
        const t = q / p;
        if (p < 0) t0 = Math.max(t0, t);
        else t1 = Math.min(t1, t);
      }
    }
    if (!inside || t0 > t1) {
      if (current.length > 1) out.push(current);
      current = [];
      continue;
    }
    const a: [number, number] = [x0 + t0 * dx, y0 + t0 * dy];
    const b: [number, number] = [x0 + t1 * dx, y0 + t1 * dy];
    if (!current.length) current.push(a);
    current.push(b);
    if (t1 < 1) {
      out.push(current);
      current = [];
    }
  }
  if (current.length > 1) out.push(current);
  return out;
}
