import { createApp, type AppDeps } from '../../api/app.ts';
import type { Db } from '../../api/db/db.ts';

export interface Answer {
  status: number;
  headers: Headers;
  body: any;
  text: string;
}

/** The app over `db` (with `jobs`' limits of analysis jobs), and a caller that sends JSON and parses JSON answers. */
export function client(db: Db, config: Partial<AppDeps['config']> = {}, jobs?: AppDeps['jobs']) {
  const app = createApp({ db, config: { BASEMAPS: [], ...config }, jobs });
  const call = async (method: string, path: string, opts: { body?: unknown; headers?: Record<string, string> } = {}): Promise<Answer> => {
    const headers: Record<string, string> = { ...opts.headers };
    let body: string | undefined;
    if (opts.body !== undefined) {
      body = typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body);
      headers['content-type'] ??= 'application/json';
    }
    const res = await app.request(path, { method, headers, body });
    const text = await res.text();
    let parsed: unknown = null;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      parsed = null;
    }
    return { status: res.status, headers: res.headers, body: parsed, text };
  };
  return { app, call };
}

/** The X-Change-Reason header value for a reason (UTF-8, percent-encoded). */
export const reason = (text: string) => ({ 'x-change-reason': encodeURIComponent(text) });
