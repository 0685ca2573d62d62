/**
 * Which field of an imported file goes to which property of a collection: matched by the
 * property's name, its Chinese or English title, or the names Chinese offices commonly give it
 * (项目名称 → name_zh). Pure: the API's commit and the web's import form share it.
 */
import type { PropertyDef } from '../catalog.ts';

/** Field names offices use for the properties every collection has (lower case, no spaces). */
const SYNONYMS: Record<string, string[]> = {
  name_zh: ['name_zh', '名称', '项目名称', '名字', '地块名称', '设施名称', '公园名称', '单位名称', 'mc', 'xmmc', 'name', 'zh_name', 'cname'],
  name_en: ['name_en', '英文名称', '英文名', 'ename', 'en_name', 'english'],
  type: ['type', '类型', '设施类型', '类别', 'lx', 'lb'],
  status: ['status', '状态', '建设状态', 'zt'],
  quality: ['quality', '数据质量', '精度'],
  source: ['source', '来源', '数据来源', 'ly'],
};

const norm = (s: string) => s.toLowerCase().replace(/[\s_\-（）()]/g, '');

/**
 * The automatic map of source fields to target properties: `{ sourceField: property }`. Each
 * property takes at most one field, the best match (its own name before its titles before the
 * synonyms); derived properties are never targets.
 */
export function autoFieldMap(sourceFields: readonly string[], target: Record<string, PropertyDef>): Record<string, string> {
  const out: Record<string, string> = {};
  const taken = new Set<string>();
  const candidates = (prop: string, def: PropertyDef): string[][] => [
    [prop],
    [def.title.zh, def.title.en],
    SYNONYMS[prop] ?? [],
  ];
  for (const [prop, def] of Object.entries(target)) {
    if (def.derived) continue;
    for (const names of candidates(prop, def)) {
      const wanted = new Set(names.map(norm));
      const hit = sourceFields.find((f) => !(f in out) && wanted.has(norm(f)));
      if (hit && !taken.has(prop)) {
        out[hit] = prop;
        taken.add(prop);
        break;
      }
    }
  }
  return out;
}

/**
 * A source value as the property's declared type, or `undefined` when it cannot be one (the
 * commit keeps no value then and counts it). Text loses NUL and other control characters.
 */
export function coerceValue(value: unknown, def: Pick<PropertyDef, 'type' | 'enum'>): unknown {
  if (value === null || value === undefined || value === '') return null;
  switch (def.type) {
    case 'string': {
      const text = cleanText(String(value));
      if (def.enum && !def.enum.includes(text)) return undefined;
      return text;
    }
    case 'integer': {
      const n = typeof value === 'number' ? value : Number(String(value).trim());
      return Number.isSafeInteger(n) ? n : undefined;
    }
    case 'number': {
      const n = typeof value === 'number' ? value : Number(String(value).trim());
      return Number.isFinite(n) ? n : undefined;
    }
    case 'boolean': {
      if (typeof value === 'boolean') return value;
      const t = String(value).trim().toLowerCase();
      if (['true', '1', 'yes', 'y', '是', 't'].includes(t)) return true;
      if (['false', '0', 'no', 'n', '否', 'f'].includes(t)) return false;
      return undefined;
    }
    case 'array':
      return Array.isArray(value) ? value.map((x) => cleanText(String(x))) : cleanText(String(value)).split(/[、,，;；]/).map((x) => x.trim()).filter(Boolean);
  }
}

/** Text without NUL and other control characters (PostgreSQL refuses NUL in jsonb). */
export function cleanText(s: string): string {
  return s.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '').trim();
}
