import type { Context } from 'hono';
import type { z } from 'zod';
import { checkedJsonBody, isJsonType, mimeEssence } from '../edge.ts';
import { apiError } from '../errors.ts';

/** Validates the JSON request body (parsed and checked by the edge) against `schema`; throws 400 naming the first problem. */
export async function readJson<S extends z.ZodType>(c: Context, schema: S): Promise<z.infer<S>> {
  const type = c.req.header('content-type');
  if (!isJsonType(type)) {
    apiError(400, 'InvalidRequestBody', `Send the request body as JSON (Content-Type: application/json), not "${mimeEssence(type).slice(0, 60) || 'none'}".`);
  }
  const body = checkedJsonBody(c);
  if (body === undefined) apiError(400, 'InvalidRequestBody', 'The request body is empty; send a JSON object.');
  const r = schema.safeParse(body);
  if (!r.success) {
    const i = r.error.issues[0];
    apiError(400, 'InvalidRequestBody', `${i.path.length ? i.path.join('.') : 'body'}: ${i.message}`);
  }
  return r.data;
}
