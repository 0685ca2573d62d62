/**
 * `npm run import`: loads every dataset of geodata/ into the configured database (embedded, or
 * DATABASE_URL), replacing only what changed and never an office version (README, "Seed data").
 *
 * `npm run import -- FILE --as NEW_ID | --into COLLECTION [options]`: imports an office file the
 * way the map's 导入数据 tool does — the same reading, checks and one audited commit — as an admin:
 *   --layer NAME        the layer of a file with several (default: the only one)
 *   --crs EPSG:4546     override the detected coordinate system (also GCJ02)
 *   --encoding GBK      override the detected attribute encoding (Shapefiles)
 *   --mode replace      with --into: replace (default; the old version is kept) or append
 *   --title-zh, --title-en, --role control|facility|area|reference, --audience planner|public,
 *   --color '#c62828'   with --as: the new layer's title, role, audience and colour
 *   --map FIELD=PROP    map a field to a property ("FIELD=" leaves it out); repeatable
 *   --quality approximate, --licence TEXT, --date YYYY-MM-DD, --reason TEXT, --reject-invalid
 *   --user NAME         the admin the audit names (default: the only active admin)
 *   --dry-run           read and describe the file; write nothing
 * Prints what it read and what it wrote; exits 1 with a reason on failure, 2 on a usage error.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import { HTTPException } from 'hono/http-exception';
import { listUsers } from '../api/auth/accounts.ts';
import { loadConfig } from '../api/config.ts';
import type { Db } from '../api/db/db.ts';
import { commitImport, CommitRequest } from '../api/import/commit.ts';
import { GeodataError, importGeodata } from '../api/import/geodata.ts';
import { receiveUpload, type LayerSummary } from '../api/import/uploads.ts';
import { openDatabase, StartupError } from '../api/open-db.ts';

/** A failure the user can fix, told in one line (anything else is a bug, printed whole). */
class CliError extends Error {}

const usage = (why: string): never => {
  console.error(`${why}\nUsage: npm run import                       (the geodata/ seed)\n       npm run import -- FILE --as NEW_ID | --into COLLECTION [--layer NAME] [--crs EPSG:…] [--encoding GBK] [--mode replace|append] [--title-zh …] [--role …] [--map FIELD=PROP] [--user ADMIN] [--dry-run]\n(see the head of scripts/import.ts)`);
  process.exit(2);
};

let args: ReturnType<typeof parse>;
function parse() {
  return parseArgs({
    allowPositionals: true,
    options: {
      as: { type: 'string' },
      into: { type: 'string' },
      layer: { type: 'string' },
      crs: { type: 'string' },
      encoding: { type: 'string' },
      mode: { type: 'string', default: 'replace' },
      'title-zh': { type: 'string' },
      'title-en': { type: 'string' },
      role: { type: 'string', default: 'reference' },
      audience: { type: 'string', default: 'planner' },
      color: { type: 'string' },
      map: { type: 'string', multiple: true },
      quality: { type: 'string' },
      licence: { type: 'string' },
      date: { type: 'string' },
      reason: { type: 'string' },
      'reject-invalid': { type: 'boolean' },
      user: { type: 'string' },
      'dry-run': { type: 'boolean' },
    },
  });
}
try {
  args = parse();
} catch (err) {
  usage((err as Error).message);
}
const file = args!.positionals[0];
if (args!.positionals.length > 1) usage(`One file at a time (got ${args!.positionals.length}).`);
if (file && !args!.values.as === !args!.values.into && !args!.values['dry-run']) usage('Give --as NEW_ID (a new layer) or --into COLLECTION (a new version), one of them.');

function describe(l: LayerSummary): string {
  const problems = l.problems.map((p) => `    ! ${p.en}`).join('\n');
  return [
    `  layer ${l.name}: ${l.featureCount} features (${l.geometryTypes.join(', ') || 'no geometry'})`,
    `    CRS ${l.crs.detected ?? 'unknown'} (from ${l.crs.how}); encoding ${l.encoding.detected} (from ${l.encoding.how})`,
    `    fields: ${l.fields.map((f) => `${f.name} [${f.type}] e.g. ${f.samples.slice(0, 2).join(' · ')}`).join('; ') || 'none'}`,
    problems,
  ]
    .filter(Boolean)
    .join('\n');
}

async function importFile(db: Db, path: string, limits: { maxBytes: number; maxFeatures: number }) {
  const v = args.values;
  const admins = ((await listUsers(db)) as { username: string; role: string; disabled: boolean }[]).filter((u) => u.role === 'admin' && !u.disabled);
  const admin = v.user ? admins.find((u) => u.username === v.user) : admins.length === 1 ? admins[0] : undefined;
  if (!admin) {
    throw new CliError(
      v.user
        ? `"${v.user}" is not an active admin of this database (admins: ${admins.map((a) => a.username).join(', ') || 'none'}).`
        : `Say which admin imports with --user NAME (active admins: ${admins.map((a) => a.username).join(', ') || 'none; create one with npm run users -- add NAME --role admin'}).`,
    );
  }
  const { upload, layers } = await receiveUpload(db, { name: basename(path), bytes: readFileSync(path) }, admin.username, limits);
  console.log(`${upload.fileName} (${upload.bytes} bytes, sha256 ${upload.sha256.slice(0, 16)}…):`);
  for (const l of layers) console.log(describe(l));
  if (v['dry-run']) return;
  const layer = v.layer ?? (layers.length === 1 ? layers[0].name : undefined);
  if (!layer) throw new CliError(`The file has ${layers.length} layers; choose one with --layer (${layers.map((l) => l.name).join(', ')}).`);
  const fieldMap = Object.fromEntries(
    (v.map ?? []).map((m) => {
      const i = m.indexOf('=');
      if (i < 1) usage(`--map "${m}": give FIELD=PROPERTY (or FIELD= to leave the field out).`);
      return [m.slice(0, i), m.slice(i + 1)];
    }),
  );
  const parsed = CommitRequest.safeParse({
    layer,
    ...(v.crs ? { crs: v.crs } : {}),
    ...(v.encoding ? { encoding: v.encoding } : {}),
    target: v.into
      ? { collection: v.into, mode: v.mode }
      : { newCollection: { id: v.as, title: { zh: v['title-zh'] ?? layer, en: v['title-en'] ?? '' }, role: v.role, audience: v.audience, ...(v.color ? { style: { color: v.color } } : {}) } },
    ...(Object.keys(fieldMap).length ? { fieldMap } : {}),
    invalid: v['reject-invalid'] ? 'reject' : 'repair',
    ...(v.quality ? { quality: v.quality } : {}),
    ...(v.licence ? { licence: v.licence } : {}),
    ...(v.date ? { date: v.date } : {}),
    reason: v.reason ?? `npm run import -- ${upload.fileName}`,
  });
  if (!parsed.success) {
    const i = parsed.error.issues[0];
    usage(`${i.path.join('.') || 'options'}: ${i.message}`);
  }
  const r = await commitImport(db, { actor: { username: admin.username, role: 'admin', via: 'system' }, requestId: 'cli', clientAddress: null, reason: null }, upload, parsed.data!, limits);
  console.log(`Committed ${r.collection} version ${r.version}: ${r.featureCount} features; ${r.repaired} repaired, ${r.rejected} left out (audit #${r.auditId}).`);
  console.log(`  fields: ${Object.entries(r.fieldMap).map(([f, p]) => `${f} → ${p}`).join(', ') || 'none mapped'}`);
  for (const x of r.rejections) console.log(`  left out #${x.feature}: ${x.reason}`);
  for (const [f, n] of Object.entries(r.droppedValues)) console.log(`  ${n} value(s) of ${f} did not fit the property's type and were left empty`);
}

try {
  const config = loadConfig();
  const db = await openDatabase(config, (line) => console.log(line), { importGeodata: !!file });
  try {
    if (file) await importFile(db, file, { maxBytes: config.IMPORT_MAX_BYTES, maxFeatures: config.IMPORT_MAX_FEATURES });
    else {
      const report = await importGeodata(db, { geodataDir: config.GEODATA_DIR, log: (line) => console.log(line) });
      console.table(report.map((r) => ({ dataset: r.id, features: r.features, state: r.action === 'unchanged' ? 'up to date' : r.action })));
    }
  } finally {
    await db.close();
  }
} catch (err) {
  if (err instanceof HTTPException) {
    const body = (await err.getResponse().json().catch(() => ({}))) as { description?: string; descriptionZh?: string };
    console.error(`${body.description ?? err.message}${body.descriptionZh ? `\n${body.descriptionZh}` : ''}`);
    process.exit(1);
  }
  const known = err instanceof StartupError || err instanceof GeodataError || err instanceof CliError || /^Invalid configuration/.test((err as Error).message);
  console.error(known ? (err as Error).message : err);
  process.exit(1);
}
