/** The map layer modules, in drawing order within each slot (see `SLOTS`). */
import { central_area } from './central_area.ts';
import { controls } from './controls.ts';
import { district } from './district.ts';
import { facilities } from './facilities.ts';
import type { CollectionInfo } from '../api.ts';
import { importedLayer } from './imported.ts';
import type { MapLayerModule } from './layer.ts';
import { parks } from './parks.ts';
import { projects } from './projects.ts';
import { villages } from './villages.ts';
import { zones } from './zones.ts';

// Projects come last so their sites draw over the village and facility points they often share.
// Built-in modules first; `addImportedModules` appends one per collection the office imported.
export const LAYER_MODULES: MapLayerModule[] = [district, zones, parks, controls, central_area, facilities, villages, projects];

/** The order the layer panel lists them: what a planner looks for first at the top. */
export const PANEL_ORDER = ['projects', 'zones', 'controls', 'parks', 'facilities', 'villages', 'central_area', 'district'];

export function findLayerModule(id: string): MapLayerModule | undefined {
  return LAYER_MODULES.find((m) => m.id === id);
}

/**
 * Appends a generic module (imported.ts) for each imported collection of `collections` that has
 * none yet, to LAYER_MODULES and, newest office data first after the projects, to `panelModules`.
 * Returns the new modules, for the map to add their sources and style layers.
 */
export function addImportedModules(collections: readonly CollectionInfo[], panelModules: MapLayerModule[]): MapLayerModule[] {
  const added: MapLayerModule[] = [];
  for (const c of collections) {
    if (!c.imported || findLayerModule(c.id)) continue;
    const m = importedLayer(c);
    LAYER_MODULES.push(m);
    const after = panelModules.findIndex((p) => p.id === 'projects');
    panelModules.splice(after + 1, 0, m);
    added.push(m);
  }
  return added;
}
