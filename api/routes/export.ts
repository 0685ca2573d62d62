/**
 * Exports (api/export/export.ts does the writing):
 * - GET /api/collections/{id}/export?format=shp|gpkg|geojson|kml|dxf|csv&crs=EPSG:4326|EPSG:4490|EPSG:4546[&encoding=GBK]
 *   every feature of a collection the reader may see, with its provenance in the Shapefile zip;
 * - POST /api/analysis/export?format=…&crs=…&name=… with a GeoJSON FeatureCollection in EPSG:4326
 *   (a compliance review's overlaps, coverage gaps and suggestions, as the client received them).
 */
import { Hono } from 'hono';
import { z } from 'zod';
import type { CollectionDef } from '../../core/catalog.ts';
import type { Db } from '../db/db.ts';
import { apiError } from '../errors.ts';
import { contentDisposition, exportFeatures, parseExportParams, type ExportFile } from '../export/export.ts';
import { datasetsQuery, itemsQuery } from '../sql/collections.ts';
import { readable, shownProperties } from './collections.ts';
import { readJson } from './read-json.ts';

/** The most features one analysis export takes (the request body is limited to 8 MiB besides). */
const MAX_ANALYSIS_FEATURES = 50_000;

const Position = z.array(z.number().finite()).min(2).max(3);
const Geometry = z.discriminatedUnion('type', [
  z.object({ type: z.literal('Point'), coordinates: Position }),
  z.object({ type: z.literal('MultiPoint'), coordinates: z.array(Position) }),
  z.object({ type: z.literal('LineString'), coordinates: z.array(Position).min(2) }),
  z.object({ type: z.literal('MultiLineString'), coordinates: z.array(z.array(Position).min(2)) }),
  z.object({ type: z.literal('Polygon'), coordinates: z.array(z.array(Position).min(4)) }),
  z.object({ type: z.literal('MultiPolygon'), coordinates: z.array(z.array(z.array(Position).min(4))) }),
]);
const AnalysisExport = z.object({
  type: z.literal('FeatureCollection'),
  features: z
    .array(
      z.object({
        type: z.literal('Feature'),
        id: z.union([z.string().max(200), z.number()]).optional(),
        properties: z.record(z.string().max(63), z.unknown()).nullable(),
        geometry: Geometry.nullable(),
      }),
    )
    .max(MAX_ANALYSIS_FEATURES, `at most ${MAX_ANALYSIS_FEATURES} features`),
});

/** The first position of `coords` (any nesting) that is not a longitude/latitude pair. */
function outsideLonLat(coords: unknown): number[] | null {
  if (!Array.isArray(coords)) return null;
  if (typeof coords[0] === 'number') return Math.abs(coords[0]) > 180 || Math.abs(coords[1] as number) > 90 ? (coords as number[]) : null;
  for (const c of coords) {
    const bad = outsideLonLat(c);
    if (bad) return bad;
  }
  return null;
}

function send(file: ExportFile): Response {
  return new Response(file.body as Uint8Array<ArrayBuffer>, {
    headers: { 'content-type': file.type, 'content-disposition': contentDisposition(file.fileName), 'cache-control': 'no-store' },
  });
}

/** Where a collection's data came from, in the Shapefile zip (a .shp carries no metadata of its own). */
function about(def: CollectionDef, prov: Record<string, unknown> | undefined, crs: string): string {
  const p = (prov ?? {}) as { licence?: string; quality?: string; date?: string; method?: string; sources?: { name?: string; url_or_path?: string }[] };
  return [
    `${def.title.zh} / ${def.title.en} (${def.id})`,
    `Exported ${new Date().toISOString()} in ${crs}.`,
    `Licence: ${p.licence ?? 'unknown'}`,
    `Quality: ${p.quality ?? 'unknown'}`,
    `Date: ${p.date ?? 'unknown'}`,
    `Sources: ${(p.sources ?? []).map((s) => `${s.name ?? ''} (${s.url_or_path ?? ''})`).join('; ') || 'unknown'}`,
    p.method ? `Method: ${p.method}` : '',
    'Field names longer than 10 characters are shortened by the Shapefile format (e.g. area_square_meters → area_squar).',
  ]
    .filter(Boolean)
    .join('\r\n');
}

export function exportRoutes(db: Db) {
  const app = new Hono();

  app.get('/collections/:id/export', async (c) => {
    const { def, audience } = readable(db, c);
    const req = parseExportParams(c.req.query());
    if (def.geometry === 'none') apiError(400, 'InvalidParameterValue', `Collection "${def.id}" has no geometry; read it as JSON from /api/collections/${def.id}/items.`);
    const q = itemsQuery(def, { filters: [], limit: 100_000_000, offset: 0 }, shownProperties(def, audience));
    const row = (await db.query<{ features: string }>(q.text, q.values)).rows[0];
    const prov = (await db.query<{ id: string; provenance: Record<string, unknown> }>(datasetsQuery().text)).rows.find((r) => r.id === def.id)?.provenance;
    return send(await exportFeatures(JSON.parse(row.features), def.id, req, about(def, prov, req.crs)));
  });

  app.post('/analysis/export', async (c) => {
    const req = parseExportParams(c.req.query());
    const name = c.req.query('name') ?? 'analysis';
    if (!/^[A-Za-z][A-Za-z0-9_-]{0,59}$/.test(name)) apiError(400, 'InvalidParameterValue', 'name: 1–60 ASCII letters, digits, "_" or "-", starting with a letter (it names the file and the layer).');
    const fc = await readJson(c, AnalysisExport);
    for (const [i, f] of fc.features.entries()) {
      const bad = outsideLonLat(f.geometry?.coordinates);
      if (bad) apiError(400, 'InvalidRequestBody', `features.${i}: coordinates must be longitude/latitude in EPSG:4326 (got ${bad.join(', ')}).`);
    }
    return send(await exportFeatures(fc.features, name, req));
  });

  return app;
}
