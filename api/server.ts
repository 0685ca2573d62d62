import { existsSync } from 'node:fs';
import { loadConfig } from './config.ts';
import { GeodataError } from './import/geodata.ts';
import { openDatabase, StartupError } from './open-db.ts';
import { ensureAdmin } from './auth/accounts.ts';
import { openBasemapPackages } from './basemap-packages.ts';

const started = Date.now();

async function main() {
  const config = loadConfig();
  // The office's basemap packages are checked before anything else opens: a bad one stops the start.
  const basemapPackages = await openBasemapPackages(config.BASEMAP_FILE);
  for (const p of basemapPackages) {
    console.log(`Basemap package ${p.file}: "${p.name}" (${p.kind}, ${p.format}, zoom ${p.minzoom}–${p.maxzoom}) at /api/basemaps/${p.id}`);
  }
  // The app's modules load while the database opens (PGlite compiles its WASM meanwhile).
  const opening = openDatabase(config, (line) => console.log(line));
  opening.catch(() => {}); // Awaited below; reported by main().catch.
  const [{ createApp }, { listen }] = await Promise.all([import('./app.ts'), import('./listen.ts')]);
  const db = await opening;
  if (!existsSync(`${config.WEB_DIR}/index.html`)) {
    console.warn(`No built web app in ${config.WEB_DIR}/ — run "npm run build" (npm start does). Serving the API only.`);
  }
  const app = createApp({ db, config, basemapPackages, webDir: config.WEB_DIR });
  const firstAdmin = await ensureAdmin(db, config.ADMIN_PASSWORD);
  const server = listen(app, { port: config.PORT, hostname: config.HOST, requestTimeoutSeconds: config.REQUEST_TIMEOUT_SECONDS }, (port) => {
    const host = config.HOST === '0.0.0.0' || config.HOST === '127.0.0.1' ? 'localhost' : config.HOST;
    console.log(`Listening on http://${host}:${port}/ (${db.kind}, ready in ${((Date.now() - started) / 1000).toFixed(1)} s)`);
    if (firstAdmin) {
      // Printed once, the way Jupyter prints its token URL: one click from editing.
      console.log(`\nFirst start: created the admin account "${firstAdmin.username}"${firstAdmin.password ? ` with the password  ${firstAdmin.password}  (shown only now; change it with "npm run users -- passwd ${firstAdmin.username}")` : ' with ADMIN_PASSWORD'}.`);
      console.log(`Sign in with this one-time link (valid 24 h):\n    http://${host}:${port}/api/auth/link/${firstAdmin.linkSecret}\n`);
    }
  });
  server.on('error', (err: NodeJS.ErrnoException) => {
    console.error(err.code === 'EADDRINUSE' ? `Port ${config.PORT} is in use; set PORT to another port.` : err.message);
    process.exit(1);
  });
  const stop = async () => {
    server.close();
    await db.close();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((err) => {
  const known = err instanceof StartupError || err instanceof GeodataError || /^Invalid configuration/.test(err?.message);
  console.error(known ? err.message : err);
  process.exit(1);
});
