// GDAL (gdal3.js: GDAL 3 + PROJ compiled to WebAssembly) in a worker thread, so reading or writing a
// large file never stops the HTTP server. One request at a time; messages:
//   { id, op: 'info', path, openOptions }                  → { driverName, layers: [{ name, featureCount }] }
//   { id, op: 'translate', path, openOptions, args, files } → { files: { name: Uint8Array } }
// `path` is a file or folder on disk (its folder is mounted read-only at /input); `args` are
// ogr2ogr arguments; the output files are returned and removed from the in-memory file system.
import { parentPort } from 'node:worker_threads';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
let gdal = null;
/** GDAL's messages during the current request (kept off the server log; failures quote them). */
let said = [];
const collect = (line) => said.push(String(line));
const ready = () => (gdal ??= require('gdal3.js/node.js')({ useWorker: false, logHandler: collect, errorHandler: collect }));

/** GDAL's own words for a failure: its ERROR lines (continuations joined), without the follow-on null-pointer noise. */
function message(err) {
  const lines = [];
  for (const l of said) {
    if (/^ERROR \d+: /.test(l)) lines.push(l.replace(/^ERROR \d+: /, ''));
    else if (lines.length && l.trim()) lines[lines.length - 1] += ` ${l.trim()}`;
  }
  const own = lines.filter((l) => !/Pointer '\w+' is NULL/.test(l));
  if (own.length) return [...new Set(own)].slice(0, 3).join('; ');
  if (Array.isArray(err)) return err.map((e) => e.message).filter(Boolean).join('; ') || 'GDAL could not read the file';
  return err?.message ?? String(err);
}

async function handle(msg) {
  const Gdal = await ready();
  const opened = await Gdal.open(msg.path, msg.openOptions ?? []);
  const ds = opened.datasets[0];
  if (!ds) throw new Error(opened.errors?.map((e) => e.message).join('; ') || 'GDAL could not open the file');
  try {
    if (msg.op === 'info') {
      const info = await Gdal.getInfo(ds);
      return { driverName: info.driverName, layers: info.layers ?? [] };
    }
    const out = await Gdal.ogr2ogr(ds, msg.args);
    const FS = Gdal.Module.FS;
    const dir = out.local.slice(0, out.local.lastIndexOf('/'));
    const base = out.local.slice(dir.length + 1).replace(/\.[^.]+$/, '');
    const files = {};
    for (const name of FS.readdir(dir)) {
      if (name === '.' || name === '..' || !name.startsWith(base)) continue;
      const p = `${dir}/${name}`;
      if (FS.isDir(FS.stat(p).mode)) continue;
      files[name] = FS.readFile(p);
      FS.unlink(p);
    }
    return { files };
  } finally {
    Gdal.close(ds);
  }
}

parentPort.on('message', async (msg) => {
  said = [];
  try {
    const result = await handle(msg);
    const transfer = result.files ? Object.values(result.files).map((b) => b.buffer) : [];
    parentPort.postMessage({ id: msg.id, ok: true, result }, transfer);
  } catch (err) {
    parentPort.postMessage({ id: msg.id, ok: false, error: message(err) });
  }
});
