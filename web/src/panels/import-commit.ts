/**
 * The commit step of the import tool: a previewed layer becomes a new layer (title, role, audience,
 * style) or a new version of an existing collection (replace or append), with its fields mapped to
 * properties — matched automatically by the same rule the server uses (core/import/field-map.ts),
 * changeable per field. The form's values live in `CommitChoices`, updated on every keystroke, so a
 * re-render (a re-read, a status line) never loses what was typed.
 */
import { LAYER_ROLES, QUALITIES, ROLE_COLORS, type LayerRole, type PropertyDef } from '../../../core/catalog.ts';
import { autoFieldMap } from '../../../core/import/field-map.ts';
import type { CollectionInfo, ImportCommitRequest, ImportLayer } from '../api.ts';
import { h } from '../dom.ts';
import { label, pick, t } from '../i18n/index.ts';

export interface CommitChoices {
  as: 'new' | 'version';
  id: string;
  titleZh: string;
  titleEn: string;
  role: LayerRole;
  audience: 'public' | 'planner';
  color: string;
  /** Whether the user picked the colour (else it follows the role). */
  colorPicked: boolean;
  byField: string;
  collection: string;
  mode: 'replace' | 'append';
  /** Per source field: a property, KEEP (a new layer's own field) or SKIP. */
  fields: Record<string, string>;
  quality: string;
  invalid: 'repair' | 'reject';
  licence: string;
  date: string;
  reason: string;
}

/** A source field kept under its own name (new layers only), or left out. */
const KEEP = '+keep';
const SKIP = '';

/** Properties every new layer has (api/import/commit.ts newCollectionDef), and a facility's type. */
function newLayerProperties(role: LayerRole): Record<string, PropertyDef> {
  const s = (zh: string, en: string): PropertyDef => ({ type: 'string', title: { zh, en } });
  const props: Record<string, PropertyDef> = { name_zh: s('名称', 'Name (Chinese)'), name_en: s('英文名称', 'Name'), quality: { ...s('数据质量', 'Data quality'), enum: QUALITIES }, source: s('来源', 'Source') };
  if (role === 'facility') props.type = s('设施类型', 'Type');
  return props;
}

/** A collection id proposed from the file name: its ASCII letters and digits, else `import_<date>`. */
export function proposedId(fileName: string): string {
  const base = fileName.replace(/\.[^.]+$/, '').toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, '');
  const id = /^[a-z]/.test(base) ? base.slice(0, 40) : `import_${new Date().toISOString().slice(0, 10).replace(/-/g, '')}`;
  return id.length >= 3 ? id : `${id}_layer`;
}

export function initialChoices(fileName: string, layer: ImportLayer): CommitChoices {
  return {
    as: 'new',
    id: proposedId(fileName),
    titleZh: layer.name,
    titleEn: '',
    role: 'reference',
    audience: 'planner',
    color: ROLE_COLORS.reference,
    colorPicked: false,
    byField: '',
    collection: '',
    mode: 'replace',
    fields: {},
    quality: 'approximate',
    invalid: 'repair',
    licence: '',
    date: '',
    reason: '',
  };
}

/** The properties the layer's fields can go to, for the choices made. */
function targetProperties(c: CommitChoices, collections: Map<string, CollectionInfo>): Record<string, PropertyDef> {
  if (c.as === 'new') return newLayerProperties(c.role);
  const info = collections.get(c.collection);
  return Object.fromEntries(Object.entries(info?.properties ?? {}).filter(([, p]) => !p.derived));
}

/** Each source field's target: the user's choice, else the automatic match, else keep (new) or skip. */
export function fieldTargets(layer: ImportLayer, c: CommitChoices, collections: Map<string, CollectionInfo>): Record<string, string> {
  const names = layer.fields.map((f) => f.name);
  const auto = autoFieldMap(names, targetProperties(c, collections));
  return Object.fromEntries(names.map((n) => [n, c.fields[n] ?? auto[n] ?? (c.as === 'new' ? KEEP : SKIP)]));
}

/** The request the form's choices make. */
export function commitRequest(layer: ImportLayer, over: { crs?: string; encoding?: string }, c: CommitChoices, collections: Map<string, CollectionInfo>): ImportCommitRequest {
  const targets = fieldTargets(layer, c, collections);
  const fieldMap = Object.fromEntries(Object.entries(targets).filter(([, v]) => v !== KEEP));
  return {
    layer: layer.name,
    ...over,
    target:
      c.as === 'new'
        ? { newCollection: { id: c.id.trim(), title: { zh: c.titleZh.trim(), en: c.titleEn.trim() }, role: c.role, audience: c.audience, style: { color: c.color, ...(c.byField ? { byField: c.byField } : {}) } } }
        : { collection: c.collection, mode: c.mode },
    fieldMap,
    invalid: c.invalid,
    quality: c.quality,
    ...(c.licence.trim() ? { licence: c.licence.trim() } : {}),
    ...(c.date.trim() ? { date: c.date.trim() } : {}),
    ...(c.reason.trim() ? { reason: c.reason.trim() } : {}),
  };
}

/** Collections a layer can become a new version of: those with geometry the user may edit. */
export function versionTargets(collections: Map<string, CollectionInfo>, canEdit: (role: 'planner' | 'admin') => boolean): CollectionInfo[] {
  return [...collections.values()].filter((c) => c.geometry !== 'none' && canEdit(c.editableBy ?? 'planner'));
}

/**
 * The form. `changed(rerender)` runs after each choice: a choice that changes what the form shows
 * (new/version, role, collection) asks for a re-render, typing does not.
 */
export function commitForm(
  layer: ImportLayer,
  c: CommitChoices,
  collections: Map<string, CollectionInfo>,
  targets: CollectionInfo[],
  changed: (rerender: boolean) => void,
  submit: () => void,
  busy: boolean,
): HTMLElement {
  const m = t().imports;
  const text = (key: 'id' | 'titleZh' | 'titleEn' | 'licence' | 'date' | 'reason', attrs: Record<string, string> = {}) => {
    const input = h('input', { type: 'text', name: key, value: c[key], ...attrs }) as HTMLInputElement;
    input.addEventListener('input', () => {
      c[key] = input.value;
      changed(false);
    });
    return input;
  };
  const select = <K extends 'as' | 'role' | 'audience' | 'collection' | 'mode' | 'quality' | 'invalid' | 'byField'>(key: K, options: [string, string][], rerender = false) => {
    const el = h('select', { name: key }, ...options.map(([v, l]) => h('option', { value: v }, l))) as HTMLSelectElement;
    el.value = String(c[key]);
    el.addEventListener('change', () => {
      (c as unknown as Record<string, string>)[key] = el.value;
      if (key === 'role' && !c.colorPicked) c.color = ROLE_COLORS[c.role];
      changed(rerender);
    });
    return el;
  };
  const row = (labelText: string, control: HTMLElement, hint?: string) =>
    h('label', { class: 'xc-import-row' }, h('span', {}, labelText), control, hint ? h('small', {}, hint) : null);

  const targetRows: HTMLElement[] = [];
  if (c.as === 'new') {
    const color = h('input', { type: 'color', name: 'color', value: c.color }) as HTMLInputElement;
    color.addEventListener('input', () => {
      c.color = color.value;
      c.colorPicked = true;
      changed(false);
    });
    targetRows.push(
      row(m.collectionId, text('id', { pattern: '[a-z][a-z0-9_]{2,39}', spellcheck: 'false', autocomplete: 'off' }), m.collectionIdHint),
      row(m.titleZh, text('titleZh')),
      row(m.titleEn, text('titleEn')),
      row(m.role, select('role', LAYER_ROLES.map((r) => [r, m.roles[r]]), true), m.roleHints[c.role]),
      row(m.audience, select('audience', [['planner', m.audiences.planner], ['public', m.audiences.public]])),
      row(m.color, color),
      row(m.byField, select('byField', [['', m.singleColor], ...layer.fields.map((f): [string, string] => [f.name, f.name])])),
    );
  } else {
    if (!c.collection && targets[0]) c.collection = targets[0].id;
    targetRows.push(
      row(m.intoCollection, select('collection', targets.map((x) => [x.id, `${pick(x.titles)} (${x.id})`]), true)),
      row(m.mode, select('mode', [['replace', m.modes.replace], ['append', m.modes.append]]), m.modeHints[c.mode]),
    );
  }

  const props = targetProperties(c, collections);
  const current = fieldTargets(layer, c, collections);
  const fieldRows = layer.fields.map((f) => {
    const options: [string, string][] = [
      ...(c.as === 'new' ? [[KEEP, m.keepField] as [string, string]] : []),
      ...Object.entries(props).map(([k, p]): [string, string] => [k, `${pick(p.title)} (${k})`]),
      [SKIP, m.skipField],
    ];
    const el = h('select', { name: `field:${f.name}`, 'aria-label': `${m.fieldTo} ${f.name}` }, ...options.map(([v, l]) => h('option', { value: v }, l))) as HTMLSelectElement;
    el.value = current[f.name];
    el.addEventListener('change', () => {
      c.fields[f.name] = el.value;
      changed(true);
    });
    return h('tr', {}, h('td', {}, f.name), h('td', {}, '→'), h('td', {}, el));
  });

  const button = h('button', { type: 'button', class: 'xc-import-commit-button', disabled: busy || (c.as === 'version' && !c.collection) }, c.as === 'new' ? m.commitNew : m.commitVersion) as HTMLButtonElement;
  button.addEventListener('click', submit);
  return h(
    'section',
    { class: 'xc-import-commit', 'data-layer': layer.name },
    h('h4', {}, m.commitTitle),
    row(m.commitAs, select('as', [['new', m.asNew], ['version', m.asVersion]], true)),
    ...targetRows,
    h('h5', {}, m.fieldMap),
    h('table', { class: 'xc-import-fieldmap' }, ...fieldRows),
    row(m.quality, select('quality', QUALITIES.map((q) => [q, label(t().quality, q)])), m.qualityHint),
    row(m.invalid, select('invalid', [['repair', m.invalids.repair], ['reject', m.invalids.reject]])),
    row(m.licence, text('licence', { placeholder: m.licencePlaceholder })),
    row(m.date, text('date', { placeholder: '2026-05-01' })),
    row(m.reason, text('reason', { placeholder: m.reasonPlaceholder })),
    button,
  );
}
