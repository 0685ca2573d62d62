/**
 * Base of the app's panels, shaped like a MapLibre control: holds the panel's root element and the
 * listeners (language, store) to drop when the panel is removed.
 */
import type { IControl, Map as MapLibreMap } from 'maplibre-gl';

export abstract class Panel implements IControl {
  protected container: HTMLElement | null = null;
  private readonly subscriptions: (() => unknown)[] = [];

  abstract onAdd(map?: MapLibreMap): HTMLElement;

  /** Keeps unsubscribe functions, called when the panel is removed. */
  protected listen(...unsubscribe: (() => unknown)[]): void {
    this.subscriptions.push(...unsubscribe);
  }

  onRemove(): void {
    for (const u of this.subscriptions.splice(0)) u();
    this.container?.remove();
    this.container = null;
  }
}
