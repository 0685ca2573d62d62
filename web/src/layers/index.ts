/** The map layer modules, in drawing order within each slot (see `SLOTS`). */
import { central_area } from './central_area.ts';
import { controls } from './controls.ts';
import { district } from './district.ts';
import { facilities } from './facilities.ts';
import type { MapLayerModule } from './layer.ts';
import { parks } from './parks.ts';
import { projects } from './projects.ts';
import { villages } from './villages.ts';
import { zones } from './zones.ts';

// Projects come last so their sites draw over the village and facility points they often share.
export const LAYER_MODULES: readonly MapLayerModule[] = [district, zones, parks, controls, central_area, facilities, villages, projects];

/** The order the layer panel lists them: what a planner looks for first at the top. */
export const PANEL_ORDER = ['projects', 'zones', 'controls', 'parks', 'facilities', 'villages', 'central_area', 'district'];

export function findLayerModule(id: string): MapLayerModule | undefined {
  return LAYER_MODULES.find((m) => m.id === id);
}
