import { en } from './en.ts';
import { zh, type Messages } from './zh.ts';

export type Lang = 'zh' | 'en';
export type { Messages };

const messages: Record<Lang, Messages> = { zh, en };
const STORAGE_KEY = 'xc-lang';
let current: Lang = initialLang();
const listeners = new Set<(lang: Lang) => void>();

/** `?lang=` in the URL, then the last choice, then Chinese. */
function initialLang(): Lang {
  const fromUrl = new URLSearchParams(globalThis.location?.search ?? '').get('lang');
  if (fromUrl === 'zh' || fromUrl === 'en') return fromUrl;
  try {
    const stored = globalThis.localStorage?.getItem(STORAGE_KEY);
    if (stored === 'zh' || stored === 'en') return stored;
  } catch {
    // Storage can be blocked (privacy mode); the default is fine then.
  }
  return 'zh';
}

/** The strings of the current language. */
export function t(): Messages {
  return messages[current];
}

export function getLang(): Lang {
  return current;
}

/** Switches the language and tells every listener (panels, map labels, popup). */
export function setLang(lang: Lang): void {
  if (lang === current) return;
  current = lang;
  try {
    globalThis.localStorage?.setItem(STORAGE_KEY, lang);
  } catch {
    // Not remembered across visits; still switched now.
  }
  for (const fn of listeners) fn(lang);
}

/** Calls `fn` after every language switch; returns the function that unsubscribes. */
export function onLangChange(fn: (lang: Lang) => void): () => void {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

/** A bilingual value in the current language. */
export function pick(b: { zh: string; en: string }): string {
  return b[current];
}

/** A label from a lookup table, falling back to the raw code so unknown values still show. */
export function label(table: Record<string, string>, code: unknown): string {
  if (code === null || code === undefined || code === '') return '';
  const key = String(code);
  return table[key] ?? key;
}

/** A message with its `{name}` placeholders filled in. */
export function fill(template: string, values: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (_, k) => String(values[k] ?? ''));
}
