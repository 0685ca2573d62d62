import { Hono } from 'hono';
import type { Config } from '../config.ts';
import type { Db } from '../db/db.ts';
import type { BasemapPackage } from '../basemap-packages.ts';
import type { VectorLayerInfo } from '../../core/basemap-style.ts';

/** A basemap the configuration switched on: online (osm, tianditu), a custom URL template, or the office's package. */
export interface BasemapConfig {
  /** `osm`, `tianditu`, `custom-N` (BASEMAP_URLS) or a package's id (BASEMAP_FILE). */
  id: string;
  kind?: 'online' | 'custom' | 'package';
  title: { zh: string; en: string };
  /** Tile URL templates; a package's are this server's (`/api/basemaps/{id}/{z}/{x}/{y}`, relative). */
  tiles: string[];
  /** Overlay tiles drawn above the base (Tianditu's annotation layer). */
  labelTiles?: string[];
  attribution: string;
  minzoom?: number;
  maxzoom: number;
  /** `tms`: rows counted from the south. */
  scheme?: 'xyz' | 'tms';
  bounds?: [number, number, number, number];
  /** Packages: the tile format; `pbf` is a vector basemap drawn with a default style made from `vectorLayers`. */
  format?: string;
  vectorLayers?: VectorLayerInfo[];
  /** PMTiles packages: the archive, read by the map's pmtiles protocol with range requests. */
  pmtiles?: string;
}

/** Tile endpoints of the online basemaps that the configuration enables (none by default: offline). */
export function basemaps(config: Pick<Config, 'BASEMAPS' | 'TIANDITU_TOKEN'> & Partial<Pick<Config, 'BASEMAP_URLS'>>): BasemapConfig[] {
  const custom = (config.BASEMAP_URLS ?? []).map(
    (b, i): BasemapConfig => ({
      id: `custom-${i + 1}`,
      kind: 'custom',
      title: { zh: b.title, en: b.title },
      tiles: [b.url],
      attribution: b.attribution,
      maxzoom: b.maxzoom,
      ...(b.scheme === 'tms' ? { scheme: 'tms' as const } : {}),
    }),
  );
  return [...onlineBasemaps(config), ...custom];
}

/** The office's packages as the map reads them (tiles from this server). */
export function packageBasemaps(packages: BasemapPackage[]): BasemapConfig[] {
  return packages.map((p) => ({
    id: p.id,
    kind: 'package',
    title: { zh: p.name, en: p.name },
    tiles: [`/api/basemaps/${p.id}/{z}/{x}/{y}`],
    attribution: p.attribution,
    minzoom: p.minzoom,
    maxzoom: p.maxzoom,
    bounds: p.bounds,
    format: p.format,
    ...(p.vectorLayers ? { vectorLayers: p.vectorLayers } : {}),
    ...(p.kind === 'pmtiles' ? { pmtiles: `/api/basemaps/${p.id}/archive.pmtiles` } : {}),
  }));
}

function onlineBasemaps(config: Pick<Config, 'BASEMAPS' | 'TIANDITU_TOKEN'>): BasemapConfig[] {
  return config.BASEMAPS.map((id): BasemapConfig => {
    if (id === 'osm') {
      return {
        id,
        kind: 'online',
        title: { zh: 'OpenStreetMap', en: 'OpenStreetMap' },
        tiles: ['https://tile.openstreetmap.org/{z}/{x}/{y}.png'],
        attribution: '© OpenStreetMap contributors',
        maxzoom: 19,
      };
    }
    // Tianditu's "_w" tile matrix set is Web Mercator on CGCS2000, which lines up with WGS84 overlays.
    const wmts = (layer: string) =>
      [0, 1, 2, 3, 4, 5, 6, 7].map(
        (s) =>
          `https://t${s}.tianditu.gov.cn/${layer}_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0&LAYER=${layer}&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}&tk=${encodeURIComponent(config.TIANDITU_TOKEN ?? '')}`,
      );
    return {
      id,
      kind: 'online',
      title: { zh: '天地图', en: 'Tianditu' },
      tiles: wmts('vec'),
      labelTiles: wmts('cva'),
      attribution: '天地图 © 国家地理信息公共服务平台',
      maxzoom: 18,
    };
  });
}

/** /api/health and /api/config: service status and what the web app needs to know at run time. */
export function metaRoutes(db: Db, config: Pick<Config, 'BASEMAPS' | 'TIANDITU_TOKEN'> & Partial<Pick<Config, 'BASEMAP_URLS' | 'PUBLIC_URL'>>, packages: BasemapPackage[] = []) {
  // The office's packages first: configured for this district, they are the default basemap.
  const all = [...packageBasemaps(packages), ...basemaps(config)];
  const app = new Hono();
  app.get('/health', async (c) => {
    // Answered without waiting behind running analyses (the embedded database reports how busy it is).
    const h = await db.health();
    return c.json({
      status: h.busyForMs > 10_000 ? 'busy' : 'ok',
      database: db.kind,
      postgis: h.postgis,
      datasets: h.datasets,
      busyForMs: h.busyForMs,
      waiting: h.waiting,
      restarts: h.restarts,
    });
  });
  app.get('/config', (c) => {
    // The signed-in user too: the web app learns it without a 401 from /api/auth/me in the console.
    const actor = c.get('actor');
    // PUBLIC_URL: the address others reach the map by, for share links (issue 13 #17).
    return c.json({ basemaps: all, user: actor ? { username: actor.username, role: actor.role } : null, publicUrl: config.PUBLIC_URL ?? null });
  });
  return app;
}
