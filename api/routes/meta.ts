import { Hono } from 'hono';
import type { Config } from '../config.ts';
import type { Db } from '../db/db.ts';

/** An online basemap the user switched on by configuration. */
export interface BasemapConfig {
  id: 'osm' | 'tianditu';
  title: { zh: string; en: string };
  tiles: string[];
  /** Overlay tiles drawn above the base (Tianditu's annotation layer). */
  labelTiles?: string[];
  attribution: string;
  maxzoom: number;
}

/** Tile endpoints of the online basemaps that the configuration enables (none by default: offline). */
export function basemaps(config: Pick<Config, 'BASEMAPS' | 'TIANDITU_TOKEN'>): BasemapConfig[] {
  return config.BASEMAPS.map((id): BasemapConfig => {
    if (id === 'osm') {
      return {
        id,
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
      title: { zh: '天地图', en: 'Tianditu' },
      tiles: wmts('vec'),
      labelTiles: wmts('cva'),
      attribution: '天地图 © 国家地理信息公共服务平台',
      maxzoom: 18,
    };
  });
}

/** /api/health and /api/config: service status and what the web app needs to know at run time. */
export function metaRoutes(db: Db, config: Pick<Config, 'BASEMAPS' | 'TIANDITU_TOKEN'>) {
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
    return c.json({ basemaps: basemaps(config), user: actor ? { username: actor.username, role: actor.role } : null });
  });
  return app;
}
