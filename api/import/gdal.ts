/**
 * The one format engine for imports and exports: GDAL (gdal3.js) in a worker thread. Callers ask
 * for a dataset's layers (`gdalInfo`) or run ogr2ogr on it (`ogr2ogr`); requests take turns.
 */
import { Worker } from 'node:worker_threads';

export interface GdalInfo {
  driverName: string;
  layers: { name: string; featureCount: number }[];
}

/** A file GDAL could not read, with GDAL's own words. */
export class GdalError extends Error {}

let worker: Worker | null = null;
let seq = 0;
const pending = new Map<number, { resolve: (v: any) => void; reject: (e: Error) => void }>();
let chain: Promise<unknown> = Promise.resolve();

function thread(): Worker {
  if (worker) return worker;
  const w = new Worker(new URL('./gdal-worker.mjs', import.meta.url));
  w.on('message', (m: { id: number; ok: boolean; result?: unknown; error?: string }) => {
    const p = pending.get(m.id);
    pending.delete(m.id);
    if (m.ok) p?.resolve(m.result);
    else p?.reject(new GdalError(m.error));
  });
  // A thread that fails or ends fails its requests; the next request starts a new one.
  const fail = (err: Error) => {
    for (const p of pending.values()) p.reject(err);
    pending.clear();
    if (worker === w) worker = null;
  };
  w.on('error', (err) => fail(new GdalError(`GDAL stopped: ${err.message}`)));
  w.on('exit', (code) => fail(new GdalError(`GDAL stopped (exit code ${code}).`)));
  // After the listeners (adding one refs the thread again): an idle GDAL thread never keeps the process alive.
  w.unref();
  worker = w;
  return w;
}

/** Longest one GDAL request may take; then its thread is stopped and the request fails. */
const TIMEOUT_MS = 300_000;

function call<T>(msg: Record<string, unknown>): Promise<T> {
  const run = () =>
    new Promise<T>((resolve, reject) => {
      const id = ++seq;
      const w = thread();
      const timer = setTimeout(() => {
        pending.get(id)?.reject(new GdalError(`GDAL took longer than ${TIMEOUT_MS / 1000} s and was stopped.`));
        if (worker === w) worker = null;
        void w.terminate();
      }, TIMEOUT_MS);
      timer.unref();
      // Held while it works (a script awaiting GDAL must not exit), let go when idle.
      const done = () => {
        clearTimeout(timer);
        if (!pending.size) w.unref();
      };
      pending.set(id, {
        resolve: (v) => {
          pending.delete(id);
          done();
          resolve(v);
        },
        reject: (e) => {
          pending.delete(id);
          done();
          reject(e);
        },
      });
      w.ref();
      w.postMessage({ id, ...msg });
    });
  const next = chain.then(run, run);
  chain = next.catch(() => {});
  return next;
}

/** The driver and layers of the dataset at `path` (a file, or a folder such as a .gdb). */
export function gdalInfo(path: string, openOptions: string[] = []): Promise<GdalInfo> {
  return call({ op: 'info', path, openOptions });
}

/** Runs ogr2ogr with `args` on the dataset at `path`; returns the output files by name. */
export async function ogr2ogr(path: string, args: string[], openOptions: string[] = []): Promise<Record<string, Uint8Array>> {
  const r = await call<{ files: Record<string, Uint8Array> }>({ op: 'translate', path, args, openOptions });
  return r.files;
}

/** Stops the thread (its memory is returned); the next call starts a new one. */
export async function stopGdal(): Promise<void> {
  const w = worker;
  worker = null;
  await w?.terminate();
}
