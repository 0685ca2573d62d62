// Validates every geodata/<dataset>/<dataset>.geojson against the output contract.
// Run: npx tsx scripts/geodata/validate.ts   (exit code 1 on any error)
import * as fs from 'node:fs';
import * as path from 'node:path';
import { GEODATA, readJson, readText, parseCsv, intersect, difference, turf } from './lib.ts';

const errors: string[] = [];
const warn: string[] = [];
const err = (m: string) => errors.push(m);
const QUALITY = new Set(['surveyed', 'approximate', 'indicative']);
const STATUS = new Set(['existing', 'planned', 'under_construction']);
const datasets = fs.readdirSync(GEODATA).filter((d) => fs.existsSync(path.join(GEODATA, d, `${d}.geojson`)));

function coordsOf(g: any): number[][] {
  const out: number[][] = [];
  const walk = (c: any) => (typeof c[0] === 'number' ? out.push(c) : c.forEach(walk));
  if (g) walk(g.coordinates);
  return out;
}
function ringsOf(g: any): { ring: number[][]; exterior: boolean }[] {
  if (!g) return [];
  const polys = g.type === 'Polygon' ? [g.coordinates] : g.type === 'MultiPolygon' ? g.coordinates : [];
  return polys.flatMap((p: number[][][]) => p.map((ring, i) => ({ ring, exterior: i === 0 })));
}

let total = 0;
for (const d of datasets) {
  const fc = readJson(`${d}/${d}.geojson`);
  const prov = readJson(`${d}/provenance.json`);
  for (const k of ['dataset', 'title_zh', 'title_en', 'sources', 'licence', 'attribution', 'crs', 'date', 'method', 'quality', 'notes'])
    if (!(k in prov)) err(`${d}: provenance missing ${k}`);
  if (prov.dataset !== d) err(`${d}: provenance.dataset mismatch`);
  if (prov.crs !== 'EPSG:4326') err(`${d}: crs`);
  if (fc.type !== 'FeatureCollection') err(`${d}: not a FeatureCollection`);
  const ids = new Set<string>();
  for (const f of fc.features) {
    total++;
    const tag = `${d}/${f.id}`;
    if (typeof f.id !== 'string' || !f.id) err(`${d}: feature without string id`);
    if (ids.has(f.id)) err(`${tag}: duplicate id`);
    ids.add(f.id);
    const p = f.properties ?? {};
    for (const k of ['name_zh', 'name_en', 'quality', 'source']) if (typeof p[k] !== 'string' || !p[k]) err(`${tag}: ${k} missing`);
    if (!QUALITY.has(p.quality)) err(`${tag}: bad quality ${p.quality}`);
    if ('status' in p && p.status !== null && !STATUS.has(p.status)) err(`${tag}: bad status ${p.status}`);
    for (const k of Object.keys(p)) if (!/^[a-z][a-z0-9_]*$/.test(k)) err(`${tag}: property not snake_case: ${k}`);
    const g = f.geometry;
    if (!g) continue;
    for (const [x, y] of coordsOf(g)) {
      if (!(x >= 110 && x <= 113 && y >= 40 && y <= 42)) err(`${tag}: coordinate out of range ${x},${y}`);
      if (Math.round(x * 1e6) / 1e6 !== x || Math.round(y * 1e6) / 1e6 !== y) err(`${tag}: more than 6 decimals`);
    }
    for (const { ring, exterior } of ringsOf(g)) {
      const a = ring[0], b = ring[ring.length - 1];
      if (ring.length < 4 || a[0] !== b[0] || a[1] !== b[1]) err(`${tag}: ring not closed`);
      const cw = turf.booleanClockwise(turf.lineString(ring));
      if (exterior && cw) err(`${tag}: exterior ring is clockwise`);
      if (!exterior && !cw) err(`${tag}: hole is counter-clockwise`);
    }
    if (g.type === 'Polygon' || g.type === 'MultiPolygon') {
      const feat = turf.feature(g);
      if (!turf.booleanValid(feat)) err(`${tag}: booleanValid=false`);
      if (turf.kinks(feat as any).features.length) err(`${tag}: self-intersections`);
    }
  }
  console.log(`${d}: ${fc.features.length} features, ${(fs.statSync(path.join(GEODATA, d, `${d}.geojson`)).size / 1024).toFixed(1)} KB`);
}

// --- dataset-specific checks
const xc = readJson('district/district.geojson').features.find((f: any) => String(f.properties.adcode) === '150102');
const XC = turf.feature(xc.geometry) as any;
const zones = readJson('zones/zones.geojson').features;
for (const z of zones) {
  const outside = difference(turf.feature(z.geometry) as any, XC);
  const out = outside ? turf.area(outside) : 0;
  if (out > 50) err(`zones/${z.id}: ${out.toFixed(0)} m² outside the district`);
}
for (let i = 0; i < zones.length; i++) for (let j = i + 1; j < zones.length; j++) {
  const x = intersect(turf.feature(zones[i].geometry) as any, turf.feature(zones[j].geometry) as any);
  const a = x ? turf.area(x) : 0;
  if (a > 50) err(`zones: ${zones[i].id} overlaps ${zones[j].id} by ${a.toFixed(0)} m²`);
}
const ctrls = readJson('controls/controls.geojson').features;
const byKind: Record<string, any[]> = {};
for (const c of ctrls) (byKind[c.properties.kind] ??= []).push(c);
for (const [k, list] of Object.entries(byKind)) for (let i = 0; i < list.length; i++) for (let j = i + 1; j < list.length; j++) {
  const x = intersect(turf.feature(list[i].geometry) as any, turf.feature(list[j].geometry) as any);
  if (x && turf.area(x) > 50) err(`controls: same-kind overlap ${k}`);
}
const res = byKind.nature_reserve?.[0], wat = byKind.water_source?.[0];
if (res && wat) {
  const u = turf.union(turf.featureCollection([turf.feature(res.geometry), turf.feature(wat.geometry)]) as any);
  const km = turf.area(u!) / 1e6;
  console.log(`controls: reserve ∪ water-source = ${km.toFixed(1)} km² of ${(turf.area(XC) / 1e6).toFixed(1)} km²`);
  if (km < 520 || km > 560) warn.push(`controls: union ${km.toFixed(1)} km² outside 520-560`);
}
const csv = parseCsv(readText('projects/source/projects.csv'));
const projects = readJson('projects/projects.geojson').features;
const pid = new Map(projects.map((f: any) => [f.id, f]));
for (const r of csv) {
  const id = `project-${r.column.padStart(2, '0')}-${r.seq.padStart(2, '0')}`;
  const f: any = pid.get(id);
  if (!f) err(`projects: missing ${id}`);
  else if (f.properties.name_zh !== r.name_zh) err(`projects: ${id} name_zh differs from CSV`);
}
const nCsv = projects.filter((f: any) => f.properties.column !== null).length;
if (nCsv !== csv.length) err(`projects: ${nCsv} column projects vs ${csv.length} CSV rows`);
const SECT = new Set(['ecology', 'platform', 'logistics', 'commerce', 'hitech', 'digital', 'culture_tourism', 'education', 'health_sports', 'elderly_care', 'infrastructure', 'public_safety', 'agriculture', 'rural_infrastructure']);
for (const f of projects) {
  if (!SECT.has(f.properties.sector)) err(`projects/${f.id}: bad sector`);
  if (!['known', 'approximate', 'district-wide'].includes(f.properties.location_quality)) err(`projects/${f.id}: bad location_quality`);
  if (f.geometry && !turf.booleanIntersects(turf.feature(f.geometry), XC)) warn.push(`projects/${f.id}: geometry outside Xincheng`);
  if (f.geometry && !f.properties.outside_zones && !zones.some((z: any) => turf.booleanIntersects(turf.feature(f.geometry), turf.feature(z.geometry))))
    warn.push(`projects/${f.id}: located but in no reconstructed zone and not flagged outside_zones (the import's zone check will list it)`);
  if (f.properties.outside_zones && !f.properties.location_note_zh) err(`projects/${f.id}: outside_zones needs a location_note_zh saying so`);
  if ((f.properties.location_quality === 'district-wide') !== (f.geometry === null)) err(`projects/${f.id}: district-wide must have null geometry and vice versa`);
}
for (const f of readJson('villages/villages.geojson').features)
  if (!turf.booleanPointInPolygon(f.geometry, XC)) warn.push(`villages/${f.id}: outside Xincheng`);
const TYPES = new Set(['kindergarten', 'primary_school', 'middle_school', 'nine_year_school', 'hospital', 'clinic', 'elderly_care', 'sports', 'fire_station', 'rail_station', 'metro_station']);
for (const f of readJson('facilities/facilities.geojson').features) if (!TYPES.has(f.properties.type)) err(`facilities/${f.id}: bad type`);
for (const f of readJson('parks/parks.geojson').features) {
  const p = f.properties;
  if (f.geometry) {
    const a = turf.area(f.geometry);
    const want = a >= 5000 ? 500 : a >= 2000 ? 300 : null;
    if (p.service_radius_meters !== want) err(`parks/${f.id}: radius ${p.service_radius_meters} but area ${a.toFixed(0)} m²`);
  }
}
const size = datasets.reduce((s, d) => s + fs.readdirSync(path.join(GEODATA, d), { recursive: true } as any)
  .map((n: any) => path.join(GEODATA, d, String(n))).filter((p: string) => fs.statSync(p).isFile()).reduce((t: number, p: string) => t + fs.statSync(p).size, 0), 0);
console.log(`total ${total} features; geodata/ ≈ ${(size / 1024).toFixed(0)} KB`);
if (size > 2 * 1024 * 1024) err('geodata/ larger than 2 MB');
for (const w of warn) console.warn('WARN', w);
for (const e of errors) console.error('ERROR', e);
if (errors.length) process.exit(1);
console.log('OK');
