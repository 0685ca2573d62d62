import { Hono, type Context } from 'hono';
import { z } from 'zod';
import type { CollectionDef } from '../../core/catalog.ts';
import { collectionOr404 } from '../catalogue.ts';
import type { SiteCrs } from '../../core/crs.ts';
import type { Db } from '../db/db.ts';
import { checkedJsonBody, isJsonType, mimeEssence } from '../edge.ts';
import { apiError } from '../errors.ts';
import { readAudience, writeContext } from '../auth/middleware.ts';
import * as write from '../features/write.ts';
import { featureHistoryQuery } from '../sql/audit.ts';
import { featureVersionQuery } from '../sql/features.ts';
import { readJson } from './read-json.ts';
import { apiBase } from '../public-url.ts';

/** The Content-Crs values a write may declare (OGC API – Features Part 4 / Part 2 URIs or EPSG codes). */
const CONTENT_CRS: Record<string, SiteCrs> = {
  'http://www.opengis.net/def/crs/OGC/1.3/CRS84': 'EPSG:4326',
  'http://www.opengis.net/def/crs/EPSG/0/4326': 'EPSG:4326',
  'http://www.opengis.net/def/crs/EPSG/0/4490': 'EPSG:4326',
  'http://www.opengis.net/def/crs/EPSG/0/4546': 'EPSG:4546',
  'http://www.opengis.net/def/crs/EPSG/0/4525': 'EPSG:4525',
  'EPSG:4326': 'EPSG:4326',
  'EPSG:4490': 'EPSG:4326',
  'EPSG:4546': 'EPSG:4546',
  'EPSG:4525': 'EPSG:4525',
};

/** The CRS of a write body's coordinates; CRS84 (lon/lat) when no Content-Crs is given. */
export function contentCrs(header: string | undefined): SiteCrs {
  if (header === undefined) return 'EPSG:4326';
  const v = header.trim().replace(/^<|>$/g, '');
  const crs = CONTENT_CRS[v];
  if (!crs) {
    apiError(400, 'InvalidParameterValue', `Content-Crs "${v.slice(0, 80)}" is not supported; use CRS84 (default), EPSG:4490, EPSG:4546 or EPSG:4525 (e.g. <http://www.opengis.net/def/crs/EPSG/0/4546>).`);
  }
  return crs;
}

const Restore = z.object({ version: z.number().int().positive() }).strict();

/** OGC API – Features Part 4 (create, replace, update, delete) plus each feature's history and restore. */
export function featureRoutes(db: Db) {
  const app = new Hono();

  const lookup = (c: Context): CollectionDef => {
    return collectionOr404(db, c.req.param('id') ?? '');
  };
  /** Who writes what, checked before the body is read: 401/403 first, then the reason and the CRS. */
  const request = (c: Context, def: CollectionDef): write.WriteRequest => {
    const r = { def, ctx: writeContext(c, write.changeReason(c.req.header('x-change-reason'))), crs: contentCrs(c.req.header('content-crs')) };
    write.requireWriter(r);
    return r;
  };
  const body = (c: Context): unknown => {
    if (!isJsonType(c.req.header('content-type'))) {
      apiError(415, 'InvalidRequestBody', `Send the feature as GeoJSON (Content-Type: application/geo+json or application/json), not "${mimeEssence(c.req.header('content-type')).slice(0, 60) || 'none'}".`);
    }
    const b = checkedJsonBody(c);
    if (b === undefined) apiError(400, 'InvalidRequestBody', 'The request body is empty; send a GeoJSON Feature.');
    return b;
  };
  const answer = (c: Context, r: write.WriteResult, status: 200 | 201) => {
    c.header('ETag', write.versionTag(r.version));
    c.header('Content-Crs', '<http://www.opengis.net/def/crs/OGC/1.3/CRS84>');
    if (status === 201) c.header('Location', `${apiBase(c)}/collections/${c.req.param('id')}/items/${encodeURIComponent(r.id)}`);
    return c.json(r.feature ?? { id: r.id, version: r.version, deleted: true }, status, { 'content-type': 'application/geo+json; charset=utf-8' });
  };

  app.post('/collections/:id/items', async (c) => {
    const def = lookup(c);
    return answer(c, await write.createFeature(db, request(c, def), body(c)), 201);
  });

  app.put('/collections/:id/items/:featureId', async (c) => {
    const def = lookup(c);
    const r = await write.replaceFeature(db, request(c, def), c.req.param('featureId'), body(c), write.ifMatchVersion(c.req.header('if-match')));
    return answer(c, r, 200);
  });

  app.patch('/collections/:id/items/:featureId', async (c) => {
    const def = lookup(c);
    const r = await write.patchFeature(db, request(c, def), c.req.param('featureId'), body(c), write.ifMatchVersion(c.req.header('if-match')));
    return answer(c, r, 200);
  });

  app.delete('/collections/:id/items/:featureId', async (c) => {
    const def = lookup(c);
    const r = await write.deleteFeature(db, request(c, def), c.req.param('featureId'), write.ifMatchVersion(c.req.header('if-match')));
    return answer(c, r, 200);
  });

  app.post('/collections/:id/items/:featureId/restore', async (c) => {
    const def = lookup(c);
    const { version } = await readJson(c, Restore);
    const r = await write.restoreFeature(db, request(c, def), c.req.param('featureId'), version, write.ifMatchVersion(c.req.header('if-match')));
    return answer(c, r, 200);
  });

  app.get('/collections/:id/items/:featureId/history', async (c) => {
    const def = lookup(c);
    // History holds who changed what: signed-in readers only, whatever anonymous users may read.
    if (!c.get('actor')) {
      readAudience(c);
      apiError(401, 'Unauthorized', 'Sign in to see the history of a feature.');
    }
    const id = c.req.param('featureId');
    const q = featureHistoryQuery(def.id, id);
    const versions = JSON.parse((await db.query<{ versions: string }>(q.text, q.values)).rows[0].versions) as HistoryRow[];
    // The imported version has no row of its own: it is the "before" of the first change.
    const first = versions[versions.length - 1];
    if (first && first.action !== 'create' && first.before) {
      versions.push({ version: first.versionBefore!, at: null, actor: 'import', action: 'import', reason: 'imported from geodata/', ...first.before });
    }
    if (versions.length === 0) {
      const live = (await db.query(featureVersionQuery(def, id).text, [id])).rows.length;
      if (!live) apiError(404, 'NotFound', `Collection "${def.id}" has no feature "${id.slice(0, 80)}" and never had.`);
    }
    return c.json({ collection: def.id, featureId: id, versions: versions.map(({ before, versionBefore, ...v }) => (void before, void versionBefore, v)) });
  });

  return app;
}

interface HistoryRow {
  version: number;
  at: string | null;
  actor: string | null;
  action: string;
  reason: string | null;
  properties?: unknown;
  geometry?: unknown;
  versionBefore?: number | null;
  before?: { properties: unknown; geometry: unknown } | null;
}
