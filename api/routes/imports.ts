/**
 * Imports, step 1 (upload and look): POST /api/imports takes a file (multipart field `file`) and
 * answers what it holds, per layer; GET …/layers/{name}/preview re-reads a layer with a chosen CRS
 * or encoding and answers its features in EPSG:4326 with the summary re-made; POST …/commit writes
 * a layer as a new collection or a new version of one (api/import/commit.ts, through `audited`).
 * Planners and admins; nothing is written before the commit.
 */
import { Hono } from 'hono';
import { requireRole } from '../audit/audited.ts';
import type { Db } from '../db/db.ts';
import { checkUrlText } from '../edge.ts';
import { apiError } from '../errors.ts';
import { findUpload, readLayer, receiveUpload, type ImportLimits } from '../import/uploads.ts';
import { commitImport, CommitRequest } from '../import/commit.ts';
import { writeContext } from '../auth/middleware.ts';
import { readJson } from './read-json.ts';

export function importRoutes(db: Db, limits: ImportLimits) {
  const app = new Hono();

  app.post('/imports', async (c) => {
    const actor = requireRole(c.get('actor'), 'planner', 'import data');
    const type = c.req.header('content-type') ?? '';
    if (!/^multipart\/form-data/i.test(type)) apiError(415 as never, 'InvalidRequestBody', 'Send the file as multipart/form-data in a field named "file".');
    let form: Record<string, unknown>;
    try {
      form = await c.req.parseBody();
    } catch {
      apiError(400, 'InvalidRequestBody', 'The multipart body could not be read; send the file in a field named "file".');
    }
    const file = form!.file;
    if (!(file instanceof File)) apiError(400, 'InvalidRequestBody', 'No file: send it in a multipart field named "file".');
    const f = file as File;
    // The file name is request text like any other: the edge's rule applies to it.
    const nameProblem = checkUrlText(f.name, 255);
    if (nameProblem) apiError(400, 'InvalidRequestBody', `The file name ${nameProblem}; rename the file.`);
    const { upload, layers } = await receiveUpload(db, { name: f.name || 'upload', bytes: new Uint8Array(await f.arrayBuffer()) }, actor.username, limits);
    return c.json({ id: upload.id, fileName: upload.fileName, sha256: upload.sha256, bytes: upload.bytes, layers }, 201);
  });

  app.get('/imports/:id/layers/:name/preview', async (c) => {
    const actor = requireRole(c.get('actor'), 'planner', 'import data');
    const upload = findUpload(c.req.param('id'), actor);
    const name = c.req.param('name');
    const layer = upload.layers.find((l) => l.name === name);
    if (!layer) apiError(404, 'NotFound', `The upload has no layer "${name}"; it has ${upload.layers.map((l) => l.name).join(', ')}.`);
    const { summary, features } = await readLayer(db, upload, layer!, { crs: c.req.query('crs'), encoding: c.req.query('encoding') }, limits);
    return c.json({ type: 'FeatureCollection', features, summary }, 200, { 'content-type': 'application/geo+json' });
  });

  // Step 2: the layer becomes a new collection or a new version of one, in one audited transaction.
  app.post('/imports/:id/commit', async (c) => {
    const actor = requireRole(c.get('actor'), 'planner', 'import data');
    const upload = findUpload(c.req.param('id'), actor);
    const body = await readJson(c, CommitRequest);
    const result = await commitImport(db, writeContext(c, body.reason ?? null), upload, body, limits);
    return c.json(result, 200);
  });

  return app;
}
