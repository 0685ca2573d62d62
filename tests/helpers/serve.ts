import type { ServerType } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import { createApp } from '../../api/app.ts';
import type { Db } from '../../api/db/db.ts';
import { listen } from '../../api/listen.ts';

export interface ServedApi {
  /** The API base, e.g. `http://127.0.0.1:41234/api` (what OAPIF clients are given). */
  base: string;
  close(): Promise<void>;
}

/**
 * Serves the app over `db` on 127.0.0.1 and a free port, for clients outside this process (GDAL,
 * OWSLib, QGIS). They must be run asynchronously (execFile, not execFileSync): the server answering
 * them runs in this process.
 */
export async function serveApi(db: Db): Promise<ServedApi> {
  const app = createApp({ db, config: { BASEMAPS: [] } });
  const server = await new Promise<ServerType>((resolve) => {
    const s = listen(app, { port: 0, hostname: '127.0.0.1' }, () => resolve(s));
  });
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
