/** Which representation of an OGC API resource a request asks for: `f`, else the Accept header. */
import type { Context } from 'hono';
import { accepts } from 'hono/accepts';
import { apiError } from '../errors.ts';

export type OutputFormat = 'json' | 'html';

/** The media types JSON clients (GDAL, QGIS, OWSLib) ask for, besides HTML for browsers. */
const SUPPORTS = ['application/json', 'application/geo+json', 'application/schema+json', 'application/vnd.oai.openapi+json', 'text/html'];

/**
 * `f=html` or `f=json`/`geojson` decides; otherwise HTML only when the Accept header prefers it (a
 * browser's `text/html,…,*\/*;q=0.8`), JSON for everything else, including no Accept and `*\/*`.
 */
export function outputFormat(c: Context, query?: Record<string, string>): OutputFormat {
  // `query`: the parameters the route already read (the query string is then not read again).
  const f = query ? query.f : c.req.query('f');
  if (f !== undefined) {
    if (f === 'html') return 'html';
    if (f === 'json' || f === 'geojson') return 'json';
    apiError(400, 'InvalidParameterValue', `Parameter f must be "json", "geojson" or "html", not "${f.length > 40 ? `${f.slice(0, 40)}…` : f}".`);
  }
  return accepts(c, { header: 'Accept', supports: SUPPORTS, default: 'application/json' }) === 'text/html' ? 'html' : 'json';
}
