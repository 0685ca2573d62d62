/**
 * `npm start`: builds the web app with Vite (progress on the console), then starts the server
 * (database, import, API and the built app on one port).
 */
import { build } from 'vite';

const t = Date.now();
console.log('Building the web app (Vite)…');
try {
  await build({ configFile: 'web/vite.config.ts', logLevel: 'warn' });
} catch (err) {
  console.error(`The web app did not build: ${(err as Error).message}`);
  process.exit(1);
}
console.log(`Web app built in ${((Date.now() - t) / 1000).toFixed(1)} s`);
await import('../api/server.ts');
