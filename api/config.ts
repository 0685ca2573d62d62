import { z } from 'zod';

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
