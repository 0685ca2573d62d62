/**
 * Where the share and export popovers open: below their button in the investor drawer; beside
 * (left of) it in the planner's tool column on the map's right, so that they cover none of the
 * column's other buttons; always inside the map.
 */
export function placePopover(popover: HTMLElement, anchor: HTMLElement, host: HTMLElement): void {
  const a = anchor.getBoundingClientRect();
  const box = host.getBoundingClientRect();
  const beside = !!anchor.closest('.maplibregl-ctrl-top-right');
  let top = (beside ? a.top : a.bottom + 6) - box.top;
  const right = box.right - (beside ? a.left - 6 : a.right);
  const lowest = box.height - popover.offsetHeight - 8;
  if (top > lowest) top = Math.max(8, lowest);
  popover.style.top = `${top}px`;
  popover.style.right = `${right}px`;
}
