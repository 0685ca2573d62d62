import { z } from 'zod';
import { parseBasemapUrls } from './basemap-urls.ts';

const list = z
  .string()
  .default('')
  .transform((s) => s.split(',').map((v) => v.trim()).filter(Boolean));

const Env = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  HOST: z.string().default('127.0.0.1'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must start with postgres:// or postgresql://')
    .optional()
    .or(z.literal('').transform(() => undefined)),
  DATA_DIR: z.string().default('data/pglite'),
  GEODATA_DIR: z.string().default('geodata'),
  WEB_DIR: z.string().default('dist/web'),
  BASEMAPS: z
    .string()
    .default('')
    .transform((s) => s.split(',').map((b) => b.trim()).filter(Boolean))
    .pipe(z.array(z.enum(['osm', 'tianditu']))),
  TIANDITU_TOKEN: z.string().optional(),
  /** The office's basemap packages (issue 12): PMTiles or MBTiles files, comma-separated; opened and checked at start. */
  BASEMAP_FILE: list.pipe(
    z.array(z.string().regex(/\.(pmtiles|mbtiles)$/i, 'must name .pmtiles or .mbtiles files (a tile package), comma-separated')),
  ),
  /** Custom tile URL templates (issue 12): title|URL template|attribution|tile matrix set[|max zoom], separated by ; or new lines. */
  BASEMAP_URLS: z
    .string()
    .default('')
    .transform((s, ctx) => {
      const r = parseBasemapUrls(s);
      for (const message of r.errors) ctx.addIssue({ code: 'custom', message });
      return r.basemaps;
    }),
  /** The address users reach the server by (behind a proxy or by a name); its host is allowed. */
  PUBLIC_URL: z.string().url('must be a URL such as https://map.example.gov.cn/').optional().or(z.literal('').transform(() => undefined)),
  /** More host names the server answers to (comma-separated); "*" allows any (not recommended). */
  ALLOWED_HOSTS: list,
  /** Web origins allowed to call the API from their pages (comma-separated, scheme://host[:port]). */
  CORS_ORIGINS: list,
  /** Seconds a request may take to arrive (headers and body) before it is dropped with 408. */
  REQUEST_TIMEOUT_SECONDS: z.coerce.number().positive().max(3600).default(30),
  /** Seconds one analysis statement may run before it is stopped (503). */
  ANALYSIS_TIMEOUT_SECONDS: z.coerce.number().positive().max(3600).default(60),
  /** Analyses run at once; more wait in a queue, and a full queue answers 503. */
  ANALYSIS_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(2),
  /** What anonymous users may read: all, public (the investor audience) or none; by default all on loopback, public otherwise. */
  ANONYMOUS_READ: z.enum(['all', 'public', 'none']).optional().or(z.literal('').transform(() => undefined)),
  /** Largest file an import takes, and the most it may unpack to (bytes; default 200 MB → 413 beyond). */
  IMPORT_MAX_BYTES: z.coerce.number().int().positive().default(200 * 1024 * 1024),
  /** Most features in one imported layer (413 beyond). */
  IMPORT_MAX_FEATURES: z.coerce.number().int().positive().default(500_000),
  /** The first admin's password (only used when no admin exists yet); a random one is printed otherwise. */
  ADMIN_PASSWORD: z.string().min(10, 'must have at least 10 characters').optional().or(z.literal('').transform(() => undefined)),
});

export type Config = z.infer<typeof Env>;

/** Reads the configuration from the environment; throws one readable message when a value is wrong. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const r = Env.safeParse(env);
  if (!r.success) {
    const lines = r.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`Invalid configuration:\n${lines.join('\n')}`);
  }
  if (r.data.BASEMAPS.includes('tianditu') && !r.data.TIANDITU_TOKEN) {
    throw new Error('Invalid configuration:\n  BASEMAPS includes tianditu, which needs TIANDITU_TOKEN (a Tianditu browser key).');
  }
  return r.data;
}
