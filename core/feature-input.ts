/**
 * Checks the properties of a feature a user writes against the catalogue's declared schema: names,
 * types, allowed values. Pure: the API's write path and the web app's edit form share it.
 * Problems come back as values, never as exceptions.
 */
import type { CollectionDef, PropertyDef } from './catalog.ts';

export type PropertiesCheck =
  | { valid: true; properties: Record<string, unknown> }
  | { valid: false; reason: string };

function typeProblem(name: string, def: PropertyDef, v: unknown): string | null {
  if (v === null) return null; // no value
  const label = `property "${name}" (${def.title.en})`;
  switch (def.type) {
    case 'string':
      if (typeof v !== 'string') return `${label} must be text, not ${JSON.stringify(v).slice(0, 40)}.`;
      if (def.enum && !def.enum.includes(v)) return `${label} must be one of ${def.enum.join(', ')}, not "${v.slice(0, 40)}".`;
      return null;
    case 'integer':
      return Number.isSafeInteger(v) ? null : `${label} must be a whole number, not ${JSON.stringify(v).slice(0, 40)}.`;
    case 'number':
      return typeof v === 'number' && Number.isFinite(v) ? null : `${label} must be a finite number, not ${JSON.stringify(v).slice(0, 40)}.`;
    case 'boolean':
      return typeof v === 'boolean' ? null : `${label} must be true or false.`;
    case 'array':
      return Array.isArray(v) && v.every((x) => typeof x === 'string' || (typeof x === 'number' && Number.isFinite(x)))
        ? null
        : `${label} must be a list of texts or numbers.`;
  }
}

/**
 * The properties to store: `input` checked against `c`'s schema, derived properties dropped (the
 * database recomputes them). Unknown names are refused, so a typo cannot create a stray attribute.
 */
export function checkProperties(c: CollectionDef, input: unknown): PropertiesCheck {
  if (input === null || input === undefined) return { valid: true, properties: {} };
  if (typeof input !== 'object' || Array.isArray(input)) return { valid: false, reason: '"properties" must be a JSON object.' };
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(input as Record<string, unknown>)) {
    const def = c.properties[name];
    if (!def) {
      return {
        valid: false,
        reason: `Collection "${c.id}" has no property "${name.slice(0, 60)}"; its properties are ${Object.keys(c.properties).join(', ')}.`,
      };
    }
    if (def.derived) continue;
    const problem = typeProblem(name, def, value);
    if (problem) return { valid: false, reason: problem };
    out[name] = value;
  }
  return { valid: true, properties: out };
}

/** Applies a JSON merge patch (RFC 7396) of properties: null removes a property. */
export function mergeProperties(current: Record<string, unknown>, patch: Record<string, unknown>): Record<string, unknown> {
  const out = { ...current };
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = v;
  }
  return out;
}

/** Derived properties of a stored feature, which a write keeps until the database recomputes them. */
export function withoutDerived(c: CollectionDef, properties: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(properties).filter(([k]) => !c.properties[k]?.derived));
}
