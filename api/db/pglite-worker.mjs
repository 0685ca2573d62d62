/**
 * The embedded database's own thread: PGlite (PostgreSQL compiled to WebAssembly) runs every
 * statement synchronously, so on the main thread one long statement would stop all HTTP. Here it
 * runs beside the server; the main thread (pglite-db.ts, which declares the messages) sends
 * statements and terminates this thread when one runs too long. Plain JavaScript, so the thread
 * starts without a TypeScript loader.
 */
import { PGlite } from '@electric-sql/pglite';
import { postgis } from '@electric-sql/pglite-postgis';
import { readFileSync, writeFileSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';

const port = parentPort;
/** `snapshot`: a tarball of a data folder (PGlite's dumpDataDir) that an in-memory database starts from. */
const { dataDir, snapshot } = workerData;

const fail = (id, err) => ({
  id,
  ok: false,
  error: { name: err?.name ?? 'Error', message: String(err?.message ?? err), code: err?.code, detail: err?.detail },
});

try {
  // shared_buffers 16 MB instead of 128 MB: the district's tables are a few MB and the folder's files
  // are in the OS cache anyway; measured −120 MB of resident memory, no loss in scripts/bench-load.ts.
  const startParams = [...PGlite.defaultStartParams, '-c', 'shared_buffers=16MB'];
  const loadDataDir = snapshot ? new Blob([readFileSync(snapshot)]) : undefined;
  const pg = await PGlite.create(dataDir ?? 'memory://', { extensions: { postgis }, startParams, loadDataDir });
  port.on('message', async (m) => {
    try {
      if (m.op === 'query') {
        const r = await pg.query(m.text, m.values);
        port.postMessage({ id: m.id, ok: true, rows: r.rows, command: r.command });
      } else if (m.op === 'exec') {
        await pg.exec(m.text);
        port.postMessage({ id: m.id, ok: true, rows: [], command: 'EXEC' });
      } else if (m.op === 'dump') {
        const tarball = await pg.dumpDataDir('gzip');
        writeFileSync(m.path, Buffer.from(await tarball.arrayBuffer()));
        port.postMessage({ id: m.id, ok: true, rows: [], command: 'DUMP' });
      } else {
        await pg.close();
        port.postMessage({ id: m.id, ok: true, rows: [] });
      }
    } catch (err) {
      port.postMessage(fail(m.id, err));
    }
  });
  port.postMessage({ id: -1, ok: true, ready: true });
} catch (err) {
  port.postMessage(fail(-1, err));
}
