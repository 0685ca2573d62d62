/**
 * The office's basemap packages over HTTP (issue 12):
 *
 * - `GET /api/basemaps` — the packages, with links;
 * - `GET /api/basemaps/{id}` — TileJSON 3.0.0 from the package's metadata (name, attribution, bounds,
 *   min/max zoom, format, vector_layers);
 * - `GET /api/basemaps/{id}/{z}/{x}/{y}` — one tile (XYZ rows; MBTiles' TMS rows are flipped here):
 *   204 when the package has none there, 400 when z/x/y is not a tile of the grid;
 * - `GET /api/basemaps/{id}/archive.pmtiles` — a PMTiles archive as it is, with range requests (206),
 *   read by the map's `pmtiles` protocol.
 *
 * A basemap is read by whoever may read the map: anonymous users too, unless ANONYMOUS_READ=none
 * (then a sign-in, as for every layer: an office's imagery may be restricted).
 */
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { gunzipSync } from 'node:zlib';
import { Hono, type Context } from 'hono';
import { apiError } from '../errors.ts';
import { readAudience } from '../auth/middleware.ts';
import { apiBase } from '../public-url.ts';
import { CONTENT_TYPES, type BasemapPackage } from '../basemap-packages.ts';

/** How long a browser may keep a tile (a replaced package is read at the next start). */
const TILE_CACHE = 'public, max-age=3600';

function tileJson(c: Context, p: BasemapPackage) {
  const base = `${apiBase(c)}/basemaps/${p.id}`;
  return {
    tilejson: '3.0.0',
    name: p.name,
    ...(p.description ? { description: p.description } : {}),
    attribution: p.attribution,
    scheme: 'xyz',
    tiles: [`${base}/{z}/{x}/{y}`],
    format: p.format,
    minzoom: p.minzoom,
    maxzoom: p.maxzoom,
    bounds: p.bounds,
    center: p.center ?? [(p.bounds[0] + p.bounds[2]) / 2, (p.bounds[1] + p.bounds[3]) / 2, p.minzoom],
    ...(p.vectorLayers ? { vector_layers: p.vectorLayers.map(({ geometry: _g, ...l }) => l) } : {}),
    ...(p.kind === 'pmtiles' ? { pmtiles: `${base}/archive.pmtiles` } : {}),
  };
}

/** A z/x/y path segment as a whole number, or a 400 naming it. */
function tileNumber(name: string, text: string): number {
  if (!/^\d{1,10}$/.test(text)) apiError(400, 'InvalidParameterValue', `Tile ${name} "${text.slice(0, 20)}" must be a whole number ≥ 0.`);
  return Number(text);
}

/** Parses a `Range: bytes=…` header against a file size: the one range, 'whole', or 'unsatisfiable'. */
export function parseRange(header: string | undefined, size: number): { start: number; end: number } | 'whole' | 'unsatisfiable' {
  if (!header) return 'whole';
  const m = header.trim().match(/^bytes=(\d*)-(\d*)$/i);
  // Several ranges, or another unit: the whole file (a server may ignore Range, RFC 9110 §14.2).
  if (!m || (m[1] === '' && m[2] === '')) return 'whole';
  let start: number;
  let end: number;
  if (m[1] === '') {
    const suffix = Number(m[2]);
    if (suffix === 0) return 'unsatisfiable';
    start = Math.max(0, size - suffix);
    end = size - 1;
  } else {
    start = Number(m[1]);
    end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
    if (m[2] !== '' && Number(m[2]) < start) return 'whole';
  }
  if (start >= size) return 'unsatisfiable';
  return { start, end };
}

export function basemapPackageRoutes(packages: BasemapPackage[]) {
  const app = new Hono();
  // 401 for anonymous requests when the server allows no anonymous reading.
  app.use('/basemaps', async (c, next) => (readAudience(c), next()));
  app.use('/basemaps/*', async (c, next) => (readAudience(c), next()));
  const byId = new Map(packages.map((p) => [p.id, p]));
  const find = (id: string) => byId.get(id) ?? apiError(404, 'NotFound', `No basemap package "${id.slice(0, 60)}"; GET /api/basemaps lists them.`);

  app.get('/basemaps', (c) =>
    c.json({
      basemaps: packages.map((p) => ({ id: p.id, name: p.name, attribution: p.attribution, format: p.format, kind: p.kind, tilejson: `${apiBase(c)}/basemaps/${p.id}` })),
    }),
  );

  app.get('/basemaps/:id', (c) => c.json(tileJson(c, find(c.req.param('id')))));

  app.get('/basemaps/:id/archive.pmtiles', (c) => {
    const p = find(c.req.param('id'));
    if (p.kind !== 'pmtiles') apiError(404, 'NotFound', `Basemap package "${p.id}" is MBTiles; read its tiles at /api/basemaps/${p.id}/{z}/{x}/{y}.`);
    const headers: Record<string, string> = {
      'Content-Type': 'application/vnd.pmtiles',
      'Accept-Ranges': 'bytes',
      ETag: p.etag,
      'Cache-Control': 'no-cache',
    };
    if (c.req.header('if-none-match') === p.etag && !c.req.header('range')) return new Response(null, { status: 304, headers });
    // If-Range with another validator: the file changed since the client's last read, so all of it.
    const ifRange = c.req.header('if-range');
    const range = ifRange && ifRange !== p.etag ? 'whole' : parseRange(c.req.header('range'), p.size);
    if (range === 'unsatisfiable') return new Response(null, { status: 416, headers: { ...headers, 'Content-Range': `bytes */${p.size}` } });
    const { start, end } = range === 'whole' ? { start: 0, end: p.size - 1 } : range;
    headers['Content-Length'] = String(end - start + 1);
    if (range !== 'whole') headers['Content-Range'] = `bytes ${start}-${end}/${p.size}`;
    const status = range === 'whole' ? 200 : 206;
    // HEAD: no stream opened (it would never be read).
    if (c.req.method === 'HEAD' || p.size === 0) return new Response(null, { status, headers });
    const body = Readable.toWeb(createReadStream(p.file, { start, end })) as unknown as ReadableStream<Uint8Array>;
    return new Response(body, { status, headers });
  });

  app.get('/basemaps/:id/:z/:x/:y', async (c) => {
    const p = find(c.req.param('id'));
    // The y segment may carry the format's extension (…/12/3350/1547.png), as many clients write it.
    const yText = c.req.param('y').replace(/\.(png|jpe?g|webp|pbf|mvt)$/i, '');
    const z = tileNumber('z', c.req.param('z'));
    const x = tileNumber('x', c.req.param('x'));
    const y = tileNumber('y', yText);
    if (z > 30) apiError(400, 'InvalidParameterValue', `Tile zoom ${z} is out of range: zoom levels go from 0 to 30.`);
    const n = 2 ** z;
    if (x >= n) apiError(400, 'InvalidParameterValue', `Tile x ${x} is out of range at zoom ${z}: columns go from 0 to ${n - 1}.`);
    if (y >= n) apiError(400, 'InvalidParameterValue', `Tile y ${y} is out of range at zoom ${z}: rows go from 0 to ${n - 1}.`);
    const tile = z < p.minzoom || z > p.maxzoom ? null : await p.getTile(z, x, y);
    if (!tile) return new Response(null, { status: 204, headers: { 'Cache-Control': TILE_CACHE } });
    const headers: Record<string, string> = { 'Content-Type': CONTENT_TYPES[p.format], 'Cache-Control': TILE_CACHE };
    let data = tile.data;
    if (tile.gzip) {
      // Gzip-compressed vector tiles go as they are to a client that takes gzip.
      if (/\bgzip\b/i.test(c.req.header('accept-encoding') ?? '')) {
        headers['Content-Encoding'] = 'gzip';
        headers.Vary = 'Accept-Encoding';
      } else data = gunzipSync(data);
    }
    headers['Content-Length'] = String(data.length);
    return new Response(data as Uint8Array<ArrayBuffer>, { headers });
  });

  return app;
}
