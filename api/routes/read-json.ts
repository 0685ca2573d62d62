import type { Context } from 'hono';
import type { z } from 'zod';
import { apiError } from '../errors.ts';

/** Reads and validates a JSON request body; throws 400 naming the first problem. */
export async function readJson<S extends z.ZodType>(c: Context, schema: S): Promise<z.infer<S>> {
  const type = c.req.header('content-type') ?? '';
  if (!/application\/(geo\+)?json/.test(type)) {
    apiError(400, 'InvalidRequestBody', `Send the request body as JSON (Content-Type: application/json), not "${type.slice(0, 60) || 'none'}".`);
  }
  let body: unknown;
  try {
    body = await c.req.json();
  } catch (err) {
    apiError(400, 'InvalidRequestBody', `The request body is not valid JSON: ${(err as Error).message.slice(0, 120)}`);
  }
  const r = schema.safeParse(body);
  if (!r.success) {
    const i = r.error.issues[0];
    apiError(400, 'InvalidRequestBody', `${i.path.length ? i.path.join('.') : 'body'}: ${i.message}`);
  }
  return r.data;
}
