/**
 * The office's basemap packages (issue 12): PMTiles or MBTiles files named by `BASEMAP_FILE`, opened
 * and checked once at start. A file that is not a valid package stops the start with one line naming
 * it and the reason, like any other configuration error (a basemap the office configured but the map
 * silently lacks would be found out only by a user).
 *
 * - MBTiles is SQLite: read with sql.js (SQLite compiled to WebAssembly, nothing native), which holds
 *   the whole file in memory — fine for a district's package (tens to hundreds of MB); a file over
 *   MBTILES_MAX_BYTES is refused with the advice to convert it to PMTiles. Rows are TMS (y from the south).
 * - PMTiles is read where it lies: the header and metadata here (the `pmtiles` package over a file
 *   handle), tiles by range requests — the browser's `pmtiles` protocol reads the archive itself, and
 *   the server's z/x/y route reads single tiles for other clients.
 */
import { open, stat, type FileHandle } from 'node:fs/promises';
import { basename } from 'node:path';
import initSqlJs, { type Database, type SqlJsStatic } from 'sql.js';
import { PMTiles, TileType, type Source, type RangeResponse } from 'pmtiles';
import type { VectorLayerInfo } from '../core/basemap-style.ts';

/** Largest MBTiles file read into memory (sql.js); larger packages should be PMTiles. */
export const MBTILES_MAX_BYTES = 1536 * 1024 * 1024;

export type TileFormat = 'png' | 'jpg' | 'webp' | 'pbf';

export interface BasemapPackage {
  /** URL-safe id, from the file name. */
  id: string;
  file: string;
  kind: 'mbtiles' | 'pmtiles';
  name: string;
  description?: string;
  attribution: string;
  format: TileFormat;
  /** West, south, east, north in degrees. */
  bounds: [number, number, number, number];
  center?: [number, number, number];
  minzoom: number;
  maxzoom: number;
  /** Vector packages: their source layers (from `vector_layers`, with `tilestats` geometry types). */
  vectorLayers?: VectorLayerInfo[];
  size: number;
  /** Strong validator of the file (size and modification time). */
  etag: string;
  /** A tile's bytes (z/x/y in XYZ, y from the north), or null when the package has none. `gzip`: the bytes are gzip-compressed. */
  getTile(z: number, x: number, y: number): Promise<{ data: Uint8Array; gzip: boolean } | null>;
  close(): Promise<void>;
}

export const CONTENT_TYPES: Record<TileFormat, string> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  webp: 'image/webp',
  pbf: 'application/vnd.mapbox-vector-tile',
};

class PackageError extends Error {}

let sqlJs: Promise<SqlJsStatic> | null = null;

/** The format a tile's first bytes say (for packages whose metadata lacks `format`). */
function sniff(data: Uint8Array): TileFormat | null {
  if (data[0] === 0x89 && data[1] === 0x50) return 'png';
  if (data[0] === 0xff && data[1] === 0xd8) return 'jpg';
  if (data[0] === 0x52 && data[1] === 0x49 && data[8] === 0x57 && data[9] === 0x45) return 'webp';
  if (data[0] === 0x1f && data[1] === 0x8b) return 'pbf'; // gzip: vector tiles, as MBTiles writers store them
  return null;
}

function normaliseFormat(f: string | undefined): TileFormat | null {
  const v = f?.toLowerCase().trim();
  if (v === 'png' || v === 'webp' || v === 'pbf') return v;
  if (v === 'jpg' || v === 'jpeg') return 'jpg';
  if (v === 'mvt') return 'pbf';
  return null;
}

const WORLD: [number, number, number, number] = [-180, -85.0511, 180, 85.0511];

function parseBounds(text: string | undefined): [number, number, number, number] | null {
  const b = text?.split(',').map(Number);
  if (!b || b.length !== 4 || b.some((v) => !Number.isFinite(v))) return null;
  if (b[0] >= b[2] || b[1] >= b[3] || b[0] < -180 || b[2] > 180 || b[1] < -90 || b[3] > 90) return null;
  return b as [number, number, number, number];
}

/** `vector_layers` with the geometry type `tilestats` gives each layer, when it does. */
function vectorLayersOf(json: Record<string, unknown>): VectorLayerInfo[] | undefined {
  const layers = json.vector_layers;
  if (!Array.isArray(layers)) return undefined;
  const stats = (json.tilestats as { layers?: { layer?: string; geometry?: string }[] } | undefined)?.layers ?? [];
  return layers
    .filter((l): l is Record<string, unknown> => typeof l?.id === 'string')
    .map((l) => {
      const geometry = stats.find((s) => s.layer === l.id)?.geometry;
      return {
        id: l.id as string,
        fields: typeof l.fields === 'object' && l.fields ? (l.fields as Record<string, string>) : {},
        ...(typeof l.minzoom === 'number' ? { minzoom: l.minzoom } : {}),
        ...(typeof l.maxzoom === 'number' ? { maxzoom: l.maxzoom } : {}),
        ...(geometry ? { geometry } : {}),
      };
    });
}

/** Tile x/y range to bounds in degrees (for a package without `bounds`). */
function tileBounds(z: number, minX: number, maxX: number, minY: number, maxY: number): [number, number, number, number] {
  const lon = (x: number) => (x / 2 ** z) * 360 - 180;
  const lat = (y: number) => (Math.atan(Math.sinh(Math.PI * (1 - (2 * y) / 2 ** z))) * 180) / Math.PI;
  return [lon(minX), lat(maxY + 1), lon(maxX + 1), lat(minY)];
}

async function openMbtiles(file: string, size: number): Promise<Omit<BasemapPackage, 'id' | 'file' | 'size' | 'etag'>> {
  if (size > MBTILES_MAX_BYTES) {
    throw new PackageError(`is ${(size / 1024 / 1024).toFixed(0)} MB, more than the ${MBTILES_MAX_BYTES / 1024 / 1024} MB an MBTiles package may have here (it is read into memory); convert it to PMTiles (pmtiles convert ${basename(file)} ${basename(file).replace(/\.mbtiles$/i, '.pmtiles')}), which is served from disk`);
  }
  const fh = await open(file, 'r');
  const bytes = await fh.readFile().finally(() => fh.close());
  if (bytes.subarray(0, 16).toString('latin1') !== 'SQLite format 3\0') throw new PackageError('is not an MBTiles package: not an SQLite database');
  sqlJs ??= initSqlJs();
  const SQL = await sqlJs;
  let db: Database;
  try {
    db = new SQL.Database(bytes);
  } catch (err) {
    throw new PackageError(`is not an MBTiles package: ${(err as Error).message}`);
  }
  try {
    const tables = db.exec("SELECT name FROM sqlite_master WHERE type IN ('table', 'view')")[0]?.values.map((r) => String(r[0])) ?? [];
    if (!tables.includes('tiles')) throw new PackageError('is not an MBTiles package: it has no "tiles" table');
    if (!tables.includes('metadata')) throw new PackageError('is not an MBTiles package: it has no "metadata" table');
    const meta: Record<string, string> = Object.fromEntries((db.exec('SELECT name, value FROM metadata')[0]?.values ?? []).map(([k, v]) => [String(k), String(v ?? '')]));
    const zooms = db.exec('SELECT min(zoom_level), max(zoom_level) FROM tiles')[0]?.values[0] ?? [];
    if (zooms[0] === null || zooms[0] === undefined) throw new PackageError('has no tiles');
    const first = db.exec('SELECT tile_data FROM tiles LIMIT 1')[0]?.values[0]?.[0] as Uint8Array | undefined;
    const format = normaliseFormat(meta.format) ?? (first ? sniff(first) : null);
    if (!format) throw new PackageError(`has tiles of an unknown format${meta.format ? ` "${meta.format}"` : ''}; PNG, JPEG, WebP and vector (pbf/MVT) tiles can be shown`);
    // The metadata's zooms when it states them, else the tiles' own.
    const zoom = (text: string | undefined, fallback: unknown) => (text && /^\d{1,2}$/.test(text.trim()) ? Number(text) : Number(fallback));
    const minzoom = zoom(meta.minzoom, zooms[0]);
    const maxzoom = zoom(meta.maxzoom, zooms[1]);
    let bounds = parseBounds(meta.bounds);
    if (!bounds) {
      const e = db.exec('SELECT min(tile_column), max(tile_column), min(tile_row), max(tile_row) FROM tiles WHERE zoom_level = ?', [maxzoom])[0]?.values[0];
      // Rows are TMS: the largest row is the northernmost.
      bounds = e && e[0] !== null ? tileBounds(maxzoom, Number(e[0]), Number(e[1]), 2 ** maxzoom - 1 - Number(e[3]), 2 ** maxzoom - 1 - Number(e[2])) : WORLD;
    }
    const center = meta.center?.split(',').map(Number);
    let json: Record<string, unknown> = {};
    if (meta.json) {
      try {
        json = JSON.parse(meta.json);
      } catch {
        throw new PackageError('has a "json" metadata row that is not JSON');
      }
    }
    const vectorLayers = format === 'pbf' ? vectorLayersOf(json) : undefined;
    if (format === 'pbf' && !vectorLayers?.length) throw new PackageError('is a vector package without "vector_layers" in its metadata, so no style can be made for it');
    const statement = db.prepare('SELECT tile_data FROM tiles WHERE zoom_level = ? AND tile_column = ? AND tile_row = ?');
    return {
      kind: 'mbtiles',
      name: meta.name || basename(file),
      description: meta.description || undefined,
      attribution: meta.attribution ?? '',
      format,
      bounds,
      center: center?.length === 3 && center.every(Number.isFinite) ? (center as [number, number, number]) : undefined,
      minzoom,
      maxzoom,
      vectorLayers,
      async getTile(z, x, y) {
        // MBTiles rows are TMS: row 0 is the southernmost.
        statement.bind([z, x, 2 ** z - 1 - y]);
        try {
          if (!statement.step()) return null;
          const data = statement.get()[0] as Uint8Array;
          return { data, gzip: data[0] === 0x1f && data[1] === 0x8b };
        } finally {
          statement.reset();
        }
      },
      async close() {
        statement.free();
        db.close();
      },
    };
  } catch (err) {
    db.close();
    throw err;
  }
}

/** A `pmtiles` source over a file handle. */
class FileHandleSource implements Source {
  constructor(
    private fh: FileHandle,
    private key: string,
  ) {}
  getKey() {
    return this.key;
  }
  async getBytes(offset: number, length: number): Promise<RangeResponse> {
    const buf = Buffer.alloc(length);
    const { bytesRead } = await this.fh.read(buf, 0, length, offset);
    return { data: buf.buffer.slice(buf.byteOffset, buf.byteOffset + bytesRead) as ArrayBuffer };
  }
}

const PMTILES_FORMATS: Partial<Record<TileType, TileFormat>> = { [TileType.Png]: 'png', [TileType.Jpeg]: 'jpg', [TileType.Webp]: 'webp', [TileType.Mvt]: 'pbf' };

async function openPmtiles(file: string): Promise<Omit<BasemapPackage, 'id' | 'file' | 'size' | 'etag'>> {
  const fh = await open(file, 'r');
  try {
    const head = Buffer.alloc(8);
    await fh.read(head, 0, 8, 0);
    if (head.subarray(0, 7).toString('latin1') !== 'PMTiles') throw new PackageError('is not a PMTiles archive (no "PMTiles" signature)');
    if (head[7] !== 3) throw new PackageError(`is a PMTiles version ${head[7]} archive; only version 3 is read (convert it with pmtiles convert)`);
    const archive = new PMTiles(new FileHandleSource(fh, file));
    let header;
    let metadata: Record<string, unknown>;
    try {
      header = await archive.getHeader();
      metadata = ((await archive.getMetadata()) ?? {}) as Record<string, unknown>;
    } catch (err) {
      throw new PackageError(`is not a readable PMTiles archive: ${(err as Error).message}`);
    }
    const format = PMTILES_FORMATS[header.tileType];
    if (!format) throw new PackageError(`has tiles of type ${TileType[header.tileType] ?? header.tileType}; PNG, JPEG, WebP and vector (MVT) tiles can be shown`);
    const vectorLayers = format === 'pbf' ? vectorLayersOf(metadata) : undefined;
    if (format === 'pbf' && !vectorLayers?.length) throw new PackageError('is a vector package without "vector_layers" in its metadata, so no style can be made for it');
    const bounds = parseBounds([header.minLon, header.minLat, header.maxLon, header.maxLat].join(',')) ?? WORLD;
    return {
      kind: 'pmtiles',
      name: typeof metadata.name === 'string' && metadata.name ? metadata.name : basename(file),
      description: typeof metadata.description === 'string' ? metadata.description : undefined,
      attribution: typeof metadata.attribution === 'string' ? metadata.attribution : '',
      format,
      bounds,
      center: [header.centerLon, header.centerLat, header.centerZoom],
      minzoom: header.minZoom,
      maxzoom: header.maxZoom,
      vectorLayers,
      async getTile(z, x, y) {
        // getZxy gives the tile decompressed.
        const r = await archive.getZxy(z, x, y);
        return r ? { data: new Uint8Array(r.data), gzip: false } : null;
      },
      async close() {
        await fh.close();
      },
    };
  } catch (err) {
    await fh.close();
    throw err;
  }
}

/** An id for the URL from a file name: lower-case letters, digits and dashes, unique among `taken`. */
function packageId(file: string, taken: Set<string>): string {
  const stem = basename(file).replace(/\.(pmtiles|mbtiles)$/i, '');
  let base = stem.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 40);
  if (!base || base === 'osm' || base === 'tianditu' || /^custom-\d+$/.test(base)) base = `package${base ? `-${base}` : ''}`;
  let id = base;
  for (let n = 2; taken.has(id); n++) id = `${base}-${n}`;
  taken.add(id);
  return id;
}

/**
 * Opens every package of BASEMAP_FILE; throws one "Invalid configuration" message with a line per
 * file that cannot be served (missing, unreadable, not a package, an unknown tile format).
 */
export async function openBasemapPackages(files: string[]): Promise<BasemapPackage[]> {
  const taken = new Set<string>();
  const problems: string[] = [];
  const packages: BasemapPackage[] = [];
  for (const file of files) {
    try {
      let st;
      try {
        st = await stat(file);
      } catch (err) {
        throw new PackageError((err as NodeJS.ErrnoException).code === 'ENOENT' ? 'does not exist' : `cannot be read: ${(err as Error).message}`);
      }
      if (!st.isFile()) throw new PackageError('is not a file');
      const opened = /\.pmtiles$/i.test(file) ? await openPmtiles(file) : await openMbtiles(file, st.size);
      packages.push({ ...opened, id: packageId(file, taken), file, size: st.size, etag: `"${st.size.toString(36)}-${Math.floor(st.mtimeMs).toString(36)}"` });
    } catch (err) {
      if (!(err instanceof PackageError) && !(err as NodeJS.ErrnoException).code) throw err;
      problems.push(`  BASEMAP_FILE: ${file} ${err instanceof PackageError ? err.message : `cannot be read: ${(err as Error).message}`}`);
    }
  }
  if (problems.length) {
    await Promise.all(packages.map((p) => p.close()));
    throw new Error(`Invalid configuration:\n${problems.join('\n')}`);
  }
  return packages;
}
