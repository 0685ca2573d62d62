/**
 * Synthetic layers for the coverage tests of issue 14, committed through the import path (upload a
 * GeoJSON, commit it as a new collection with a role), placed in metres around an origin outside
 * Xincheng (no built-in feature is near, so only the test's layers count).
 */
import assert from 'node:assert/strict';
import type { createApp } from '../../api/app.ts';

/** Origin of the synthetic world (lon, lat): Inner Mongolia, ~70 km east of Xincheng. */
export const ORIGIN: [number, number] = [112.5, 41.5];
const M_PER_DEG_LAT = 111_045;
const M_PER_DEG_LON = 111_320 * Math.cos((ORIGIN[1] * Math.PI) / 180);

/** lon/lat of a point x m east and y m north of ORIGIN (good to ~0.1 % over a few km). */
export const ll = (x: number, y: number): [number, number] => [
  Math.round((ORIGIN[0] + x / M_PER_DEG_LON) * 1e8) / 1e8,
  Math.round((ORIGIN[1] + y / M_PER_DEG_LAT) * 1e8) / 1e8,
];
export const rect = (x0: number, y0: number, x1: number, y1: number) => ({
  type: 'Polygon',
  coordinates: [[ll(x0, y0), ll(x1, y0), ll(x1, y1), ll(x0, y1), ll(x0, y0)]],
});
export const point = (x: number, y: number) => ({ type: 'Point', coordinates: ll(x, y) });
export const line = (...pts: [number, number][]) => ({ type: 'LineString', coordinates: pts.map(([x, y]) => ll(x, y)) });
export const feature = (geometry: unknown, properties: Record<string, unknown> = {}) => ({ type: 'Feature', properties, geometry });

type App = ReturnType<typeof createApp>;

/** Uploads `features` as a GeoJSON file and commits it as the new collection `id` with `role`; returns the commit's answer. */
export async function commitLayer(
  app: App,
  auth: Record<string, string>,
  id: string,
  role: 'control' | 'facility' | 'area' | 'reference',
  features: unknown[],
  opts: { titleZh?: string; titleEn?: string; date?: string } = {},
): Promise<{ collection: string; version: number; featureCount: number }> {
  const form = new FormData();
  form.append('file', new Blob([JSON.stringify({ type: 'FeatureCollection', features })]), `${id}.geojson`);
  const up = await app.request('/api/imports', { method: 'POST', headers: auth, body: form });
  const upBody = (await up.json()) as { id: string; layers: { name: string }[] };
  assert.equal(up.status, 201, JSON.stringify(upBody));
  const res = await app.request(`/api/imports/${upBody.id}/commit`, {
    method: 'POST',
    headers: { ...auth, 'content-type': 'application/json' },
    body: JSON.stringify({
      layer: upBody.layers[0].name,
      crs: 'EPSG:4326',
      target: { newCollection: { id, title: { zh: opts.titleZh ?? id, en: opts.titleEn ?? id }, role, audience: 'planner' } },
      ...(opts.date ? { date: opts.date } : {}),
    }),
  });
  const body = (await res.json()) as { collection: string; version: number; featureCount: number };
  assert.equal(res.status, 200, JSON.stringify(body));
  return body;
}
