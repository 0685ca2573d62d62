import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

/** The web app: sources in web/, built into dist/web/ which the API server serves at `/`. */
export default defineConfig({
  root,
  base: '/',
  build: {
    outDir: fileURLToPath(new URL('../dist/web', import.meta.url)),
    emptyOutDir: true,
    // Top-level await in main.ts; every browser that runs MapLibre's WebGL 2 has it.
    target: 'es2022',
    // MapLibre alone is ~800 kB minified; one chunk for it is expected, not a warning.
    chunkSizeWarningLimit: 1200,
    rollupOptions: {
      output: {
        // MapLibre changes far less often than the app: its own chunk stays cached across releases.
        manualChunks: (id: string) => (id.includes('node_modules/maplibre-gl') ? 'maplibre' : undefined),
      },
    },
  },
  server: {
    proxy: { '/api': `http://localhost:${process.env.API_PORT ?? 8080}` },
  },
});
