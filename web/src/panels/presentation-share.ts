/** The share popover: the link that restores this map, copied to the clipboard when the browser allows. */
import { placePopover } from './popover-place.ts';
import { h } from '../dom.ts';
import { t } from '../i18n/index.ts';
import { shareBase } from '../../../core/permalink.ts';
import type { ShareLink } from '../permalink.ts';

export class SharePopover {
  private popover: HTMLElement | null = null;

  constructor(
    private readonly host: HTMLElement,
    /** The link to what is on screen now (and what of it the link carries or leaves out). */
    private readonly link: () => ShareLink,
  ) {}

  toggle(anchor: HTMLElement): void {
    if (this.popover) this.close();
    else void this.open(anchor);
  }

  close(): void {
    this.popover?.remove();
    this.popover = null;
    document.removeEventListener('keydown', this.onKey);
  }

  private onKey = (e: KeyboardEvent) => {
    if (e.key === 'Escape') this.close();
  };

  private async open(anchor: HTMLElement) {
    const m = t().investor;
    const link = this.link();
    const url = link.url;
    const tools = t().tools;
    // The analysis travels with the link; a site too large for one is said, not silently dropped (#17).
    const analysis = link.analysis ? h('p', { class: 'xc-share-analysis', role: 'note' }, tools.shareAnalysis) : null;
    const tooLarge = link.siteTooLarge ? h('p', { class: 'xc-share-warning xc-share-site-too-large', role: 'note' }, tools.shareSiteTooLarge(link.siteTooLarge.positions, link.siteTooLarge.chars)) : null;
    const input = h('input', { type: 'text', class: 'xc-share-url', readonly: true, value: url, 'aria-label': m.share });
    // A link to this machine's loopback address opens nothing on anyone else's (issue 13 #17).
    const local = shareBase(null, new URL(url)).localOnly ? h('p', { class: 'xc-share-warning', role: 'note' }, m.shareLocalOnly) : null;
    const status = h('div', { class: 'xc-share-status', role: 'status' });
    const done = h('button', { type: 'button', class: 'xc-pres-button' }, t().dismiss);
    done.addEventListener('click', () => this.close());
    this.popover = h('div', { class: 'xc-pres-popover xc-share-popover', role: 'dialog', 'aria-label': m.share }, h('div', { class: 'xc-pres-popover-title' }, m.share), h('p', { class: 'xc-share-help' }, m.shareHelp), analysis, tooLarge, local, input, h('div', { class: 'xc-export-actions' }, status, done));
    this.host.append(this.popover);
    placePopover(this.popover, anchor, this.host);
    document.addEventListener('keydown', this.onKey);
    input.select();
    try {
      // Needs a secure context and permission; when refused, the selected field is there to copy by hand.
      await navigator.clipboard.writeText(url);
      status.textContent = m.copied;
    } catch {
      status.textContent = m.copyFailed;
    }
  }
}
