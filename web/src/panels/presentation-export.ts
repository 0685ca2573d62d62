/**
 * The export popover (PNG at screen, 2× or 3× size; PDF on A4 or A3, landscape or portrait) and
 * the progress overlay shown while the file renders.
 */
import { placePopover } from './popover-place.ts';
import { download, h } from '../dom.ts';
import { t } from '../i18n/index.ts';
import { exportMap, type ExportContext, type ExportRequest, type ExportStep, type MapScale, type Orientation, type Paper, type PngScale } from '../export/export-map.ts';
import { PNG_PANEL_CSS_PX } from '../export/layout.ts';
import { printText } from '../export/print-text.ts';
import { PRINT_SCALES, scaleText } from '../../../core/print/scale.ts';
import type { TitleBlock } from '../export/print-page.ts';

export class ExportDialog {
  private popover: HTMLElement | null = null;
  private busy = false;
  private request: ExportRequest = { format: 'png', scale: 2 };
  /** The title block's fields, kept for the session. */
  private block: Partial<TitleBlock> = {};
  private mapScale: MapScale = 'view';
  /** An export was made: its choices are kept rather than a caller's preference. */
  private chosen = false;

  constructor(
    private readonly host: HTMLElement,
    private readonly context: () => ExportContext,
  ) {}

  /** Opens the dialog under `anchor`, or closes it; `format` preselects PDF for the planner's 打印 (until a choice is made). */
  toggle(anchor: HTMLElement, format?: 'pdf'): void {
    if (this.popover) return this.close();
    if (format === 'pdf' && !this.chosen) this.request = { format: 'pdf', paper: 'a4', orientation: 'landscape', mapScale: this.mapScale, block: { ...this.block } };
    this.open(anchor);
  }

  close(): void {
    this.popover?.remove();
    this.popover = null;
    document.removeEventListener('keydown', this.onKey);
  }

  private onKey = (e: KeyboardEvent) => {
    if (e.key === 'Escape') this.close();
  };

  private open(anchor: HTMLElement) {
    const m = t().investor;
    const p = printText();
    const map = this.context().map.getContainer();
    const [w, h0] = [map.clientWidth, map.clientHeight];
    const radio = (name: string, value: string, checked: boolean, text: string) => {
      const input = h('input', { type: 'radio', name, value, checked });
      return h('label', { class: 'xc-export-option' }, input, h('span', {}, text));
    };
    const png = this.request.format === 'png';
    const scale = this.request.format === 'png' ? this.request.scale : 2;
    const paper = this.request.format === 'pdf' ? this.request.paper : 'a4';
    const orientation = this.request.format === 'pdf' ? this.request.orientation : 'landscape';
    const form = h(
      'form',
      { class: 'xc-export-form' },
      h('fieldset', {}, h('legend', {}, m.exportFormat), radio('xc-export-format', 'png', png, m.png), radio('xc-export-format', 'pdf', !png, m.pdf)),
      h(
        'fieldset',
        { class: 'xc-export-png' },
        h('legend', {}, m.resolution),
        ...([1, 2, 3] as const).map((s) => radio('xc-export-scale', String(s), s === scale, m.scaleOption(s, (w + PNG_PANEL_CSS_PX) * s, h0 * s))),
      ),
      h(
        'fieldset',
        { class: 'xc-export-pdf' },
        h('legend', {}, m.paper),
        h('div', { class: 'xc-export-row' }, radio('xc-export-paper', 'a4', paper === 'a4', 'A4'), radio('xc-export-paper', 'a3', paper === 'a3', 'A3'), radio('xc-export-paper', 'a1', paper === 'a1', 'A1')),
        h(
          'div',
          { class: 'xc-export-row' },
          radio('xc-export-orientation', 'landscape', orientation === 'landscape', m.landscape),
          radio('xc-export-orientation', 'portrait', orientation === 'portrait', m.portrait),
        ),
        h(
          'label',
          { class: 'xc-export-field' },
          h('span', {}, p.mapScale),
          h(
            'select',
            { name: 'xc-export-map-scale' },
            h('option', { value: 'view', selected: this.mapScale === 'view' }, p.currentView),
            ...PRINT_SCALES.map((n) => h('option', { value: String(n), selected: this.mapScale === n }, scaleText(n))),
          ),
        ),
        h(
          'details',
          { class: 'xc-export-block' },
          h('summary', {}, p.titleBlock),
          ...(['project', 'drawingNo', 'drafted', 'checked', 'approved'] as const).map((k) => {
            const input = h('input', { name: `xc-export-block-${k}`, 'aria-label': p[k], placeholder: p[k] }) as HTMLInputElement;
            input.value = this.block[k] ?? '';
            return h('label', { class: 'xc-export-field' }, h('span', {}, p[k]), input);
          }),
        ),
      ),
      h('div', { class: 'xc-export-actions' }, h('button', { type: 'button', class: 'xc-pres-button xc-export-cancel' }, m.cancel), h('button', { type: 'submit', class: 'xc-pres-button xc-pres-button-primary xc-export-go' }, m.exportGo)),
    );
    const sync = () => {
      const pdf = (form.querySelector('input[name="xc-export-format"]:checked') as HTMLInputElement | null)?.value === 'pdf';
      form.classList.toggle('xc-export-is-pdf', pdf);
    };
    form.addEventListener('change', sync);
    sync();
    form.querySelector('.xc-export-cancel')!.addEventListener('click', () => this.close());
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      const value = (name: string) => (form.querySelector(`input[name="${name}"]:checked`) as HTMLInputElement | null)?.value;
      const chosen = (form.querySelector('select[name="xc-export-map-scale"]') as HTMLSelectElement).value;
      this.mapScale = chosen === 'view' ? 'view' : Number(chosen);
      for (const k of ['project', 'drawingNo', 'drafted', 'checked', 'approved'] as const) {
        this.block[k] = (form.querySelector(`input[name="xc-export-block-${k}"]`) as HTMLInputElement).value.trim();
      }
      this.request =
        value('xc-export-format') === 'pdf'
          ? { format: 'pdf', paper: (value('xc-export-paper') as Paper) ?? 'a4', orientation: (value('xc-export-orientation') as Orientation) ?? 'landscape', mapScale: this.mapScale, block: { ...this.block } }
          : { format: 'png', scale: Number(value('xc-export-scale') ?? 2) as PngScale };
      this.chosen = true;
      this.close();
      void this.run(this.request);
    });
    this.popover = h('div', { class: 'xc-pres-popover xc-export-popover', role: 'dialog', 'aria-label': m.export }, h('div', { class: 'xc-pres-popover-title' }, m.export), form);
    this.host.append(this.popover);
    placePopover(this.popover, anchor, this.host);
    document.addEventListener('keydown', this.onKey);
  }

  /** Renders and downloads one export, with a progress overlay; failures are shown, not thrown. */
  async run(request: ExportRequest): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    const m = t().investor;
    const bar = h('div', { class: 'xc-progress-bar' });
    const text = h('div', { class: 'xc-progress-text' }, m.progress.prepare);
    const overlay = h(
      'div',
      { class: 'xc-export-progress', role: 'progressbar', 'aria-valuemin': '0', 'aria-valuemax': '100', 'aria-valuenow': '0', 'aria-label': m.export },
      h('div', { class: 'xc-progress-card' }, h('div', { class: 'xc-progress-title' }, m.exporting), text, h('div', { class: 'xc-progress-track' }, bar)),
    );
    // Over the whole page: a page export lays the map out at print size behind it for a moment.
    Object.assign(overlay.style, { position: 'fixed', zIndex: '1000' });
    document.body.append(overlay);
    const progress = (step: ExportStep, share: number) => {
      text.textContent = m.progress[step];
      bar.style.width = `${Math.round(share * 100)}%`;
      overlay.setAttribute('aria-valuenow', String(Math.round(share * 100)));
    };
    try {
      const { blob, filename } = await exportMap(this.context(), request, progress);
      download(filename, blob);
      overlay.remove();
    } catch (err) {
      console.warn('Export failed:', err);
      overlay.classList.add('xc-export-failed');
      text.textContent = m.exportFailed((err as Error)?.message ?? String(err));
      const close = h('button', { type: 'button', class: 'xc-pres-button' }, t().dismiss);
      close.addEventListener('click', () => overlay.remove());
      overlay.querySelector('.xc-progress-card')!.append(close);
    } finally {
      this.busy = false;
    }
  }
}
