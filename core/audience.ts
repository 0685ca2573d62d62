/**
 * Who may see what: the catalogue marks each collection `public` or `planner` and each property
 * `public` (the default) or `internal`. The presentation (investor) view uses these rules now; the
 * API can enforce the same ones later, from this one place.
 */
import type { PropertyDef } from './catalog.ts';

/** Anything carrying a collection's audience: a catalogue entry or a /api/collections entry. */
export interface HasAudience {
  audience?: 'public' | 'planner';
}

/** Whether a collection may be shown to the public (investors); unknown audience counts as planner-only. */
export function isPublicCollection(c: HasAudience | undefined): boolean {
  return c?.audience === 'public';
}

/** Whether a property may be shown to the public; a property the catalogue does not describe is not. */
export function isPublicProperty(name: string, defs: Record<string, PropertyDef> | undefined): boolean {
  const def = defs?.[name];
  return def !== undefined && def.audience !== 'internal';
}

/** A feature's properties without those marked internal (or not in the catalogue at all). */
export function publicProperties<T extends Record<string, unknown>>(properties: T, defs: Record<string, PropertyDef> | undefined): Partial<T> {
  const out: Partial<T> = {};
  for (const [k, v] of Object.entries(properties)) if (isPublicProperty(k, defs)) (out as Record<string, unknown>)[k] = v;
  return out;
}
