import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { GeometryEngineError, StatementCancelledError } from './db/db.ts';

/** The error codes the API answers with, one per kind of problem. */
export type ErrorCode =
  | 'NotFound'
  | 'InvalidParameterValue'
  | 'UnknownParameter'
  | 'InvalidRequestBody'
  | 'PayloadTooLarge'
  | 'MethodNotAllowed'
  | 'MisdirectedRequest'
  | 'Unauthorized'
  | 'Forbidden'
  | 'PreconditionFailed'
  | 'PreconditionRequired'
  | 'Conflict'
  | 'RequestTimeout'
  | 'TooManyRequests'
  | 'ServiceUnavailable'
  | 'ServerError';

/** Throws the JSON error `{ code, description }` with an HTTP status; for use at the edges (routes). */
/** A query parameter given more than once is a 400 naming it (which value would count is not the client's guess). */
export function rejectRepeatedParameters(c: Context): void {
  singleQueryParameters(c);
}

/** The query parameters, each given once (the query string read once); a repeated one is a 400 as in `rejectRepeatedParameters`. */
export function singleQueryParameters(c: Context): Record<string, string> {
  const one: Record<string, string> = Object.create(null);
  for (const [name, values] of Object.entries(c.req.queries())) {
    if (values.length > 1) apiError(400, 'InvalidParameterValue', `Parameter ${name.slice(0, 60)} is given ${values.length} times; give it once.`);
    one[name] = values[0];
  }
  return one;
}

export function apiError(
  status: ContentfulStatusCode,
  code: ErrorCode,
  description: string,
  headers: Record<string, string> = {},
  /** More members of the error body (e.g. the current version on a 412). */
  extra: Record<string, unknown> = {},
): never {
  throw new HTTPException(status, {
    res: new Response(JSON.stringify({ code, description, ...extra }), {
      status,
      headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
    }),
  });
}

/** What a database error means for the client, when it is not a bug: status, code, message, retry. */
export function databaseErrorAnswer(err: Error & { code?: string }): { status: ContentfulStatusCode; code: ErrorCode; description: string; retryAfter?: number; quiet?: boolean } | null {
  const code = typeof err.code === 'string' ? err.code : '';
  if (err instanceof StatementCancelledError && code !== '57014') {
    // The client went away: nobody reads this answer, and it is not a server fault (nginx's 499).
    return { status: 499 as ContentfulStatusCode, code: 'RequestTimeout', description: err.message, quiet: true };
  }
  if (err instanceof GeometryEngineError || (code === 'XX000' && /GEOS|TopologyException|geometry/i.test(err.message))) {
    return {
      status: 422,
      code: 'InvalidRequestBody',
      description: 'The geometry engine (GEOS) could not compute this geometry (too many crossings, holes or near-coincident edges); simplify or repair it and try again.',
    };
  }
  if (code === '57014') {
    return { status: 503, code: 'ServiceUnavailable', description: 'The analysis ran longer than the time limit and was stopped; simplify the geometry or ask for less (fewer facilities, a smaller area).' };
  }
  if (code === '53100') return { status: 503, code: 'ServiceUnavailable', description: 'The database is out of disk space; nothing was changed. Free space on the server and try again.', retryAfter: 60 };
  if (code === '53200') return { status: 503, code: 'ServiceUnavailable', description: 'The database is out of memory for this request; try a smaller one.', retryAfter: 10 };
  if (code === '53300' || code === '57P01' || code === '57P03' || code.startsWith('08') || /timeout exceeded when trying to connect|Connection terminated|ECONNREFUSED/i.test(err.message)) {
    return { status: 503, code: 'ServiceUnavailable', description: 'The database is busy or unreachable; try again shortly.', retryAfter: 5 };
  }
  if (code === '22021' || code === '22P05' || code === '54000') {
    return { status: 400, code: 'InvalidParameterValue', description: `The request holds text the database cannot store: ${err.message.slice(0, 120)}` };
  }
  return null;
}

/** The single error renderer: HTTP errors as they are, known database conditions as 4xx/503, anything else logged and answered as 500. */
export function renderError(err: Error, c: Context): Response {
  if (err instanceof HTTPException) {
    if (err.res) return err.res;
    return c.json({ code: err.status === 404 ? 'NotFound' : 'InvalidRequestBody', description: err.message }, err.status);
  }
  const known = databaseErrorAnswer(err);
  if (known) {
    if (known.status >= 500 && !known.quiet) console.warn(`${known.status} on ${c.req.method} ${c.req.path}: ${err.message}`);
    return c.json({ code: known.code, description: known.description }, known.status, known.retryAfter ? { 'Retry-After': String(known.retryAfter) } : {});
  }
  console.error(`500 on ${c.req.method} ${c.req.path}:`, err);
  return c.json({ code: 'ServerError', description: 'Internal server error; the server log has details.' }, 500);
}
