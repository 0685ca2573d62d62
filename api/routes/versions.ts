/**
 * Versions of whole collections (issue 10): GET /collections/{id}/versions lists them (who, when,
 * which file, how many features); POST …/versions/{version}/restore makes one live again (admins).
 */
import { Hono } from 'hono';
import { requireFullRead, writeContext } from '../auth/middleware.ts';
import { collectionOr404 } from '../catalogue.ts';
import type { Db } from '../db/db.ts';
import { apiError } from '../errors.ts';
import { changeReason } from '../features/write.ts';
import { listVersions, restoreVersion } from '../import/versions.ts';

export function versionRoutes(db: Db) {
  const app = new Hono();

  app.get('/collections/:id/versions', async (c) => {
    requireFullRead(c, 'list the versions of a collection');
    const def = collectionOr404(db, c.req.param('id'));
    return c.json({ collection: def.id, versions: await listVersions(db, def) });
  });

  app.post('/collections/:id/versions/:version/restore', async (c) => {
    const def = collectionOr404(db, c.req.param('id'));
    const raw = c.req.param('version');
    if (!/^[1-9]\d{0,8}$/.test(raw)) apiError(400, 'InvalidParameterValue', `The version must be a whole number ≥ 1 (GET /api/collections/${def.id}/versions lists them), not "${raw.slice(0, 20)}".`);
    const result = await restoreVersion(db, writeContext(c, changeReason(c.req.header('x-change-reason'))), def, Number(raw));
    return c.json(result, 200);
  });

  return app;
}
