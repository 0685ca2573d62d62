/** A legend swatch drawn with CSS, matching how the map draws the symbol. */
import { h } from '../dom.ts';
import type { LegendSymbol } from '../layers/layer.ts';

export function legendSymbol(s: LegendSymbol): HTMLElement {
  const el = h('span', { class: `xc-sym xc-sym-${s.kind}`, 'aria-hidden': 'true' });
  switch (s.kind) {
    case 'fill':
      el.style.background = withAlpha(s.color, 0.45);
      el.style.borderColor = s.outline ?? s.color;
      if (s.dashed) el.style.borderStyle = 'dashed';
      break;
    case 'line':
      el.style.borderTopColor = s.color;
      el.style.borderTopWidth = `${s.widthPx}px`;
      if (s.dashed) el.style.borderTopStyle = 'dashed';
      break;
    case 'circle':
      if (s.hollow) {
        el.style.background = '#ffffff';
        el.style.borderColor = s.color;
        el.classList.add('xc-sym-hollow');
      } else {
        el.style.background = s.color;
      }
      if (s.sizePx) el.style.width = el.style.height = `${s.sizePx}px`;
      break;
    case 'square':
      el.style.background = s.color;
      break;
    case 'hatch':
      el.style.borderColor = s.color;
      el.style.background = `repeating-linear-gradient(-45deg, ${s.color} 0 1.2px, transparent 1.2px 4.5px)`;
      break;
  }
  return el;
}

/** `#rrggbb` with an alpha, for translucent fills; other colour forms pass unchanged. */
function withAlpha(color: string, alpha: number): string {
  const m = /^#([0-9a-f]{6})$/i.exec(color);
  if (!m) return color;
  const n = parseInt(m[1], 16);
  return `rgba(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255}, ${alpha})`;
}
