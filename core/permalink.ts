/**
 * The shareable link: what is on screen (view, visible layers, selected zone or project, sector
 * filter, language, view mode) written to and read from a URL hash. Reading never throws: each part
 * that is missing, malformed or out of range is left out, and the app uses its default for it.
 *
 * Format (the view first, in MapLibre's own `hash: true` form, so older links keep working):
 *   #<zoom>/<lat>/<lon>[/<bearing>/<pitch>][&mode=presentation][&lang=en][&layers=zones,projects]
 *     [&zone=<zone id>|&project=<project id>][&sectors=hitech,digital]
 *     [&tool=compliance|coverage][&check=<project id>|&site=<site code>]
 *     [&cov=<preset>[&cov.r=<m>][&cov.area=<area>][&cov.planned=1][&cov.den=<layer>][&cov.pop=<layer>|<field>][&cov.net=<layer>]]
 *
 * The analysis parts (issue 13 #17) carry what the planner view's tools showed: the site a compliance
 * review checked (a project by id, or the site itself as a short code, core/geometry/site-code.ts)
 * and the coverage settings; the link reruns them.
 */
import { decodeSite, encodeSite, type CodedSite } from './geometry/site-code.ts';

export type PermalinkLang = 'zh' | 'en';
export type ViewMode = 'planner' | 'presentation';

/** The camera: centre as [lon, lat] (EPSG:4326 degrees), zoom, bearing and pitch in degrees. */
export interface PermalinkView {
  center?: [number, number];
  zoom?: number;
  bearing?: number;
  pitch?: number;
}

/** The analysis tools a link can open (the planner view's dock tabs). */
export const LINK_TOOLS = ['compliance', 'coverage'] as const;
export type LinkTool = (typeof LINK_TOOLS)[number];

/** Coverage settings in a link: the request the coverage tool runs (see web/src/coverage/types.ts). */
export interface CoverageLink {
  preset: string;
  /** Own radius in metres (else the preset's). */
  radius?: number;
  /** 'central_area', 'district' or 'zone:<id>' (absent: the tool's default). */
  area?: string;
  includePlanned?: boolean;
  /** Denominator layer id, '__whole__' for the whole area (absent: the server's default). */
  denominator?: string;
  /** Population layer and its number field. */
  population?: { collection: string; field: string };
  /** Walking distance on this line layer (absent: straight-line radius). */
  network?: string;
}

/** Longest site code a link carries (~2 kB links stay whole in mail, chat and QR codes); a larger site is left out, and said so. */
export const MAX_LINK_SITE_CHARS = 1800;
/** Largest own radius a link may ask for, as the coverage tool allows. */
const MAX_LINK_RADIUS_METERS = 50_000;

/** What a link says; every part is optional (absent = the app's default). */
export interface PermalinkState {
  view?: PermalinkView;
  /** Ids of the visible layers; an empty array means every layer hidden. */
  layers?: string[];
  zone?: string;
  project?: string;
  /** Project sectors shown; absent or empty = every sector. */
  sectors?: string[];
  lang?: PermalinkLang;
  mode?: ViewMode;
  /** The analysis tab open in the planner view. */
  tool?: LinkTool;
  /** A project whose site the compliance review checked. */
  check?: string;
  /** A site (lon/lat) the compliance review checked. */
  site?: CodedSite;
  coverage?: CoverageLink;
}

/** What the app knows, to check ids against; a list left out is not checked. */
export interface PermalinkKnown {
  layers?: readonly string[];
  zones?: readonly string[];
  projects?: readonly string[];
  sectors?: readonly string[];
}

export const ZOOM_MIN = 0;
export const ZOOM_MAX = 22;
export const PITCH_MAX = 85;

/** Ids as the data writes them (`zone-qianpo`, `project-02-01`, `central_area`): nothing else is read. */
const ID = /^[A-Za-z0-9_.:-]{1,80}$/;
const LIST_MAX = 64;

/** Decimal places that keep a position to about 1 m at any zoom the map allows. */
function round(value: number, places: number): number {
  const f = 10 ** places;
  return Math.round(value * f) / f;
}

/** `decodeURIComponent` that answers null for broken encoding ("%E4%B8" or "%zz") instead of throwing. */
function safeDecode(text: string): string | null {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return null;
  }
}

/** A finite number from text, or undefined (empty, "NaN", "1e999", "12abc"). */
function toNumber(text: string | undefined): number | undefined {
  if (text === undefined || text.trim() === '' || !/^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(text.trim())) return undefined;
  const n = Number(text);
  return Number.isFinite(n) ? n : undefined;
}

/** The view part (`zoom/lat/lon[/bearing[/pitch]]`): none unless zoom and centre are in range; bearing and pitch kept only when valid. */
export function parseView(text: string): PermalinkView | undefined {
  const parts = text.split('/');
  if (parts.length < 3 || parts.length > 5) return undefined;
  const [zoom, lat, lon, bearing, pitch] = parts.map(toNumber);
  const view: PermalinkView = {};
  // Zoom and centre are one camera: a link with either missing or out of range opens the default
  // view (the district fitted), not a made-up zoom at its centre or its zoom somewhere else.
  const zoomOk = zoom !== undefined && zoom >= ZOOM_MIN && zoom <= ZOOM_MAX;
  const centerOk = lat !== undefined && lon !== undefined && Math.abs(lat) <= 85.06 && Math.abs(lon) <= 180;
  if (!zoomOk || !centerOk) return undefined;
  view.zoom = zoom;
  view.center = [lon, lat];
  // Bearing wraps; any finite angle means something. Pitch beyond what MapLibre draws does not.
  if (bearing !== undefined) view.bearing = ((((bearing + 180) % 360) + 360) % 360) - 180;
  if (pitch !== undefined && pitch >= 0 && pitch <= PITCH_MAX) view.pitch = pitch;
  return Object.keys(view).length ? view : undefined;
}

/** A comma-separated list of ids, each decoded on its own so one broken item does not spoil the rest. */
function parseList(raw: string): string[] | undefined {
  if (raw === '') return [];
  const ids = raw
    .split(',')
    .map(safeDecode)
    .filter((s): s is string => s !== null && ID.test(s));
  // A list where nothing is readable says nothing; an explicitly empty one says "none".
  return ids.length ? [...new Set(ids)].slice(0, LIST_MAX) : undefined;
}

/**
 * Reads a URL hash (with or without the leading `#`) into the parts that are well formed. Ids are
 * only checked for shape here; `validatePermalink` checks them against the data.
 */
export function parsePermalink(hash: string): PermalinkState {
  const state: PermalinkState = {};
  const coverageParts = new Map<string, string>();
  if (typeof hash !== 'string') return state;
  const text = hash.startsWith('#') ? hash.slice(1) : hash;
  if (!text) return state;
  for (const [index, segment] of text.split('&').entries()) {
    if (!segment) continue;
    const eq = segment.indexOf('=');
    if (eq < 0) {
      // The bare first segment is the view (MapLibre's hash form).
      if (index === 0) {
        const decoded = safeDecode(segment);
        const view = decoded === null ? undefined : parseView(decoded);
        if (view) state.view = view;
      }
      continue;
    }
    const key = safeDecode(segment.slice(0, eq));
    const raw = segment.slice(eq + 1);
    if (key === 'layers' || key === 'sectors') {
      const list = parseList(raw);
      if (list) state[key] = list;
      continue;
    }
    const value = safeDecode(raw);
    if (key === null || value === null) continue;
    if (key.startsWith('cov')) {
      coverageParts.set(key, value);
      continue;
    }
    switch (key) {
      case 'map': {
        const view = parseView(value);
        if (view) state.view = view;
        break;
      }
      case 'mode':
        if (value === 'planner' || value === 'presentation') state.mode = value;
        break;
      case 'lang':
        if (value === 'zh' || value === 'en') state.lang = value;
        break;
      case 'zone':
        if (ID.test(value)) state.zone = value;
        break;
      case 'project':
        if (ID.test(value)) state.project = value;
        break;
      case 'tool':
        if ((LINK_TOOLS as readonly string[]).includes(value)) state.tool = value as LinkTool;
        break;
      case 'check':
        if (ID.test(value)) state.check = value;
        break;
      case 'site': {
        const site = value.length <= MAX_LINK_SITE_CHARS * 2 ? decodeSite(value) : null;
        if (site) state.site = site;
        break;
      }
      default:
      // Unknown keys (a later version's, or hand-typed) are ignored, not an error.
    }
  }
  const coverage = readCoverage(coverageParts);
  if (coverage.link) state.coverage = coverage.link;
  return state;
}

/** Field names of imported layers are free text (Chinese too): anything printable, short. */
const FIELD = /^[^\u0000-\u001f|&#]{1,80}$/;

/** The coverage settings of a link's `cov*` parameters, and the keys that were unreadable. */
function readCoverage(parts: Map<string, string>): { link?: CoverageLink; bad: string[] } {
  const bad: string[] = [];
  const preset = parts.get('cov');
  if (preset === undefined || !ID.test(preset)) return { bad: [...parts.keys()] };
  const link: CoverageLink = { preset };
  for (const [key, value] of parts) {
    switch (key) {
      case 'cov':
        break;
      case 'cov.r': {
        const r = toNumber(value);
        if (r !== undefined && r > 0 && r <= MAX_LINK_RADIUS_METERS) link.radius = r;
        else bad.push(key);
        break;
      }
      case 'cov.area':
        if (ID.test(value)) link.area = value;
        else bad.push(key);
        break;
      case 'cov.planned':
        if (value === '1' || value === '0') link.includePlanned = value === '1';
        else bad.push(key);
        break;
      case 'cov.den':
        if (ID.test(value)) link.denominator = value;
        else bad.push(key);
        break;
      case 'cov.pop': {
        const bar = value.indexOf('|');
        const collection = value.slice(0, bar);
        const field = value.slice(bar + 1);
        if (bar > 0 && ID.test(collection) && FIELD.test(field)) link.population = { collection, field };
        else bad.push(key);
        break;
      }
      case 'cov.net':
        if (ID.test(value)) link.network = value;
        else bad.push(key);
        break;
      default:
        bad.push(key);
    }
  }
  return { link, bad };
}

/** The `cov*` parameters of coverage settings. */
function writeCoverage(c: CoverageLink): string[] {
  const out = [`cov=${encodeURIComponent(c.preset)}`];
  if (c.radius !== undefined) out.push(`cov.r=${round(c.radius, 1)}`);
  if (c.area) out.push(`cov.area=${encodeURIComponent(c.area)}`);
  if (c.includePlanned) out.push('cov.planned=1');
  if (c.denominator) out.push(`cov.den=${encodeURIComponent(c.denominator)}`);
  if (c.population) out.push(`cov.pop=${encodeURIComponent(c.population.collection)}|${encodeURIComponent(c.population.field)}`);
  if (c.network) out.push(`cov.net=${encodeURIComponent(c.network)}`);
  return out;
}

/** A site's link code, or why it is left out: longer than MAX_LINK_SITE_CHARS (with its size, to say so). */
export function siteLinkCode(site: CodedSite): { code: string } | { tooLarge: { chars: number; positions: number } } {
  const code = encodeSite(site);
  if (code.length <= MAX_LINK_SITE_CHARS) return { code };
  const positions = JSON.stringify(site.coordinates).match(/\[-?\d/g)?.length ?? 0;
  return { tooLarge: { chars: code.length, positions } };
}

/** Drops ids the app does not know (unknown layer, zone, project or sector); the rest is kept. */
export function validatePermalink(state: PermalinkState, known: PermalinkKnown): PermalinkState {
  const out: PermalinkState = { ...state };
  const keep = (list: string[] | undefined, allowed: readonly string[] | undefined): string[] | undefined => {
    if (!list || !allowed) return list;
    const ok = list.filter((id) => allowed.includes(id));
    // "Only unknown layers" is not "no layers": fall back to the default then.
    return ok.length || list.length === 0 ? ok : undefined;
  };
  const layers = keep(state.layers, known.layers);
  const sectors = keep(state.sectors, known.sectors);
  if (layers) out.layers = layers;
  else delete out.layers;
  if (sectors && sectors.length) out.sectors = sectors;
  else delete out.sectors;
  if (out.zone !== undefined && known.zones && !known.zones.includes(out.zone)) delete out.zone;
  if (out.project !== undefined && known.projects && !known.projects.includes(out.project)) delete out.project;
  if (out.check !== undefined && known.projects && !known.projects.includes(out.check)) delete out.check;
  return out;
}

/** Writes a state as a URL hash (with the leading `#`); the inverse of `parsePermalink`. */
export function encodePermalink(state: PermalinkState): string {
  const params: string[] = [];
  if (state.mode && state.mode !== 'planner') params.push(`mode=${state.mode}`);
  if (state.lang) params.push(`lang=${state.lang}`);
  if (state.layers) params.push(`layers=${state.layers.map(encodeURIComponent).join(',')}`);
  if (state.zone) params.push(`zone=${encodeURIComponent(state.zone)}`);
  if (state.project) params.push(`project=${encodeURIComponent(state.project)}`);
  if (state.sectors?.length) params.push(`sectors=${state.sectors.map(encodeURIComponent).join(',')}`);
  if (state.tool) params.push(`tool=${state.tool}`);
  if (state.check) params.push(`check=${encodeURIComponent(state.check)}`);
  else if (state.site) {
    const site = siteLinkCode(state.site);
    // Too large for a link: left out here; the share dialog says so (siteLinkCode).
    if ('code' in site) params.push(`site=${site.code}`);
  }
  if (state.coverage) params.push(...writeCoverage(state.coverage));

  let view = '';
  const v = state.view;
  if (v?.center && v.zoom !== undefined) {
    const zoom = round(v.zoom, 2);
    // 10^-(zoom/4 + 1) degrees is finer than a screen pixel, as in MapLibre's own hash.
    const places = Math.max(0, Math.ceil((zoom * Math.LN2 + Math.log(512 / 360 / 0.5)) / Math.LN10));
    const bearing = round(v.bearing ?? 0, 1);
    const pitch = round(v.pitch ?? 0, 1);
    view = `${zoom}/${round(v.center[1], places)}/${round(v.center[0], places)}`;
    // Bearing and pitch are always written before other parameters, so `split('/')` of the hash reads the view.
    if (bearing !== 0 || pitch !== 0 || params.length) view += `/${bearing}/${pitch}`;
  }
  const parts = view ? [view, ...params] : params;
  return parts.length ? `#${parts.join('&')}` : '';
}

/** A part of a link that the app could not use, as the link wrote it. */
export interface PermalinkProblem {
  part: 'view' | 'layer' | 'zone' | 'project' | 'sector' | 'mode' | 'lang' | 'param' | 'tool' | 'check' | 'site' | 'coverage';
  value: string;
}

/** What a link says that is not applied, and whether it hides every layer (`layers=`). */
export interface PermalinkDiagnosis {
  problems: PermalinkProblem[];
  /** `layers=` with nothing after it: a valid link to an empty map, worth saying so. */
  hidesAllLayers: boolean;
}

/** Longest value quoted back to the user. */
const SHOWN_MAX = 40;

function shown(text: string): string {
  return text.length > SHOWN_MAX ? `${text.slice(0, SHOWN_MAX - 1)}…` : text;
}

/**
 * The parts of a link that `parsePermalink` and `validatePermalink` leave out — an unreadable view,
 * unknown layer, zone, project or sector ids, a mode or language the app does not have, keys it does
 * not know — so the app can say what it dropped rather than fall back silently. Lists in `known`
 * that are left out are not checked.
 */
export function diagnosePermalink(hash: string, known: PermalinkKnown = {}): PermalinkDiagnosis {
  const problems: PermalinkProblem[] = [];
  let hidesAllLayers = false;
  const add = (part: PermalinkProblem['part'], value: string) => {
    const v = shown(value);
    if (!problems.some((p) => p.part === part && p.value === v)) problems.push({ part, value: v });
  };
  const text = typeof hash === 'string' ? (hash.startsWith('#') ? hash.slice(1) : hash) : '';
  const coverageParts = new Map<string, string>();
  const viewProblem = (raw: string, decoded: string | null) => {
    const view = decoded === null ? undefined : parseView(decoded);
    const parts = (decoded ?? '').split('/');
    // Unreadable, or a pitch that was given but dropped (out of range).
    if (!view || (parts.length === 5 && parts[4] !== '' && view.pitch === undefined)) add('view', decoded ?? raw);
  };
  for (const [index, segment] of text.split('&').entries()) {
    if (!segment) continue;
    const eq = segment.indexOf('=');
    if (eq < 0) {
      if (index === 0) viewProblem(segment, safeDecode(segment));
      else add('param', safeDecode(segment) ?? segment);
      continue;
    }
    const key = safeDecode(segment.slice(0, eq));
    const raw = segment.slice(eq + 1);
    if (key === 'layers' || key === 'sectors') {
      const part = key === 'layers' ? 'layer' : 'sector';
      const allowed = key === 'layers' ? known.layers : known.sectors;
      if (raw === '') {
        if (key === 'layers') hidesAllLayers = true;
        continue;
      }
      for (const item of raw.split(',')) {
        const id = safeDecode(item);
        if (id === null || !ID.test(id) || (allowed && !allowed.includes(id))) add(part, id ?? item);
      }
      continue;
    }
    const value = safeDecode(raw);
    if (key === null || value === null) {
      add('param', safeDecode(segment) ?? segment);
      continue;
    }
    if (key.startsWith('cov')) {
      coverageParts.set(key, value);
      continue;
    }
    switch (key) {
      case 'map':
        viewProblem(raw, value);
        break;
      case 'mode':
        if (value !== 'planner' && value !== 'presentation') add('mode', value);
        break;
      case 'lang':
        if (value !== 'zh' && value !== 'en') add('lang', value);
        break;
      case 'zone':
      case 'project': {
        const allowed = key === 'zone' ? known.zones : known.projects;
        if (!ID.test(value) || (allowed && !allowed.includes(value))) add(key, value);
        break;
      }
      case 'tool':
        if (!(LINK_TOOLS as readonly string[]).includes(value)) add('tool', value);
        break;
      case 'check':
        if (!ID.test(value) || (known.projects && !known.projects.includes(value))) add('check', value);
        break;
      case 'site':
        if (value.length > MAX_LINK_SITE_CHARS * 2 || !decodeSite(value)) add('site', value);
        break;
      default:
        // `&=` and the like carry nothing; a named key the app does not know is worth a mention.
        if (key !== '' || value !== '') add('param', key || segment);
    }
  }
  if (coverageParts.size) for (const key of readCoverage(coverageParts).bad) add('coverage', `${key}=${coverageParts.get(key)}`);
  return { problems, hidesAllLayers };
}

/**
 * Where a share link starts: the configured public address (PUBLIC_URL) when there is one, else the
 * page's own; `localOnly` when others could not open it (a loopback host such as localhost).
 */
export function shareBase(publicUrl: string | null | undefined, page: { origin: string; pathname: string; search: string }): { base: string; localOnly: boolean } {
  let base = `${page.origin}${page.pathname}${page.search}`;
  if (publicUrl) {
    const u = new URL(publicUrl);
    base = `${u.origin}${u.pathname.endsWith('/') ? u.pathname : `${u.pathname}/`}`;
  }
  const host = new URL(base).hostname.replace(/^\[|\]$/g, '').toLowerCase();
  const localOnly = host === 'localhost' || host.endsWith('.localhost') || host === '::1' || /^127\./.test(host);
  return { base, localOnly };
}
