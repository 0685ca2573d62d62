import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

/** The error codes the API answers with, one per kind of problem. */
export type ErrorCode =
  | 'NotFound'
  | 'InvalidParameterValue'
  | 'UnknownParameter'
  | 'InvalidRequestBody'
  | 'PayloadTooLarge'
  | 'MethodNotAllowed'
  | 'ServerError';

/** Throws the JSON error `{ code, description }` with an HTTP status; for use at the edges (routes). */
export function apiError(status: ContentfulStatusCode, code: ErrorCode, description: string, headers: Record<string, string> = {}): never {
  throw new HTTPException(status, {
    res: new Response(JSON.stringify({ code, description }), {
      status,
      headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
    }),
  });
}

/** The single error renderer: HTTP errors as they are, anything else logged and answered as 500. */
export function renderError(err: Error, c: Context): Response {
  if (err instanceof HTTPException) {
    if (err.res) return err.res;
    return c.json({ code: err.status === 404 ? 'NotFound' : 'InvalidRequestBody', description: err.message }, err.status);
  }
  console.error(`500 on ${c.req.method} ${c.req.path}:`, err);
  return c.json({ code: 'ServerError', description: 'Internal server error; the server log has details.' }, 500);
}
