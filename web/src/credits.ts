/**
 * The attribution line: OpenStreetMap (ODbL) whenever an OSM-derived layer or the OSM basemap is
 * shown, Tianditu while the district boundary is, plus whatever a shown dataset's provenance names.
 */
import { AttributionControl, type Map as MapLibreMap } from 'maplibre-gl';
import type { CollectionInfo } from './api.ts';
import { t } from './i18n/index.ts';
import type { Credit, MapLayerModule } from './layers/layer.ts';
import type { Store } from './store.ts';

const LINKS: Record<Credit, string> = {
  osm: 'https://www.openstreetmap.org/copyright',
  tianditu: 'https://www.tianditu.gov.cn/',
};

/** Credits a dataset's provenance asks for, read from its sources, licence and attribution. */
export function provenanceCredits(info: CollectionInfo | undefined): Credit[] {
  const p = info?.provenance;
  if (!p) return [];
  const text = JSON.stringify([p.sources, p.licence, p.attribution]);
  const credits: Credit[] = [];
  if (/openstreetmap|odbl|\bosm\b/i.test(text)) credits.push('osm');
  if (/tianditu|天地图/i.test(text)) credits.push('tianditu');
  return credits;
}

/** The credits due for what is shown now, in a stable order. */
export function activeCredits(store: Store, modules: readonly MapLayerModule[]): Credit[] {
  const due = new Set<Credit>();
  for (const m of modules) {
    if (!store.layer(m.id).visible || (store.features.get(m.id)?.length ?? 0) === 0) continue;
    for (const c of [...(m.credits ?? []), ...provenanceCredits(store.info.get(m.id))]) due.add(c);
  }
  if (store.basemap === 'osm') due.add('osm');
  if (store.basemap === 'tianditu') due.add('tianditu');
  return (['osm', 'tianditu'] as const).filter((c) => due.has(c));
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * Keeps one AttributionControl in line with the credits due. MapLibre reads `customAttribution`
 * once, so a change of credits or language swaps the control for a new one.
 */
export class Credits {
  private control: AttributionControl | null = null;
  private shown = '';

  constructor(
    private readonly map: MapLibreMap,
    private readonly store: Store,
    private readonly modules: readonly MapLayerModule[],
  ) {}

  update(): void {
    const m = t();
    const html = activeCredits(this.store, this.modules).map(
      (c) => `<a href="${LINKS[c]}" target="_blank" rel="noopener">${escapeHtml(m.credits[c])}</a>`,
    );
    const basemap = this.store.basemaps.find((b) => b.id === this.store.basemap);
    // The OSM basemap's own attribution says the same as our OSM credit; Tianditu's names its service.
    if (basemap && basemap.id !== 'osm') html.push(escapeHtml(basemap.attribution));
    html.push('<a href="https://maplibre.org/" target="_blank" rel="noopener">MapLibre</a>');
    const key = html.join('|');
    if (key === this.shown && this.control) return;
    this.shown = key;
    if (this.control) this.map.removeControl(this.control);
    this.control = new AttributionControl({ compact: false, customAttribution: html });
    this.map.addControl(this.control, 'bottom-right');
  }
}
