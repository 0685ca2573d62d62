/**
 * Issue 13 (a planner's walkthrough), the rules that live in core/: compatible (protective) uses
 * in the compliance summary (5), the crs member of an uploaded GeoJSON (7), deterministic and
 * meaningful tie-breaks of suggested sites (10), targets applied only where their area is defined
 * (11), point sites and one percentage rounding in the compliance CSV and panel (14).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DOMParser } from '@xmldom/xmldom';
import { complianceCsvColumns, complianceRows, isCompatibleUse, COMPATIBLE_USE_RULE, zoneSummary, type ProjectCompliance } from '../../core/analysis/compliance-table.ts';
import { greedyMaximalCoverage } from '../../core/analysis/coverage.ts';
import { siteCrsFromGeoJson } from '../../core/crs.ts';
import { readSiteFile } from '../../core/geometry/site-file.ts';
import { readSite } from '../../core/geometry/site-input.ts';
import { findPreset, targetApplies, targetAreaNeeded, targetVerdict } from '../../core/presets.ts';
import { toCsv } from '../../core/export/csv.ts';
import { formatPercent, roundPercent } from '../../core/units.ts';

const parseXml = (s: string) => new DOMParser().parseFromString(s, 'text/xml') as unknown as Document;

const project = (over: Partial<ProjectCompliance> & { geometryType?: string; share?: number }): ProjectCompliance => ({
  projectId: 'p',
  name: '项目',
  nameEn: 'Project',
  column: 8,
  sector: 'digital',
  zoneId: 'zone-qianpo',
  locationQuality: 'known',
  result: {
    site: { areaSquareMeters: over.geometryType === 'POINT' ? 0 : 10000, ...(over.geometryType ? { geometryType: over.geometryType } : {}) } as ProjectCompliance['result']['site'],
    zones: [],
    conflicts: [{ collection: 'controls', id: 'red', name: '红线', kind: 'eco_redline', overlapSquareMeters: over.geometryType === 'POINT' ? 0 : 1950, overlapShare: over.share ?? 0.195 }],
    nearest: null,
  },
  ...over,
});

test('14: one percentage rule, half up, shared by the CSV and the panel', () => {
  // 0.0195 was "2" in the CSV (Math.round) and "1.9 %" in the panel (toFixed on 1.9499…).
  assert.equal(roundPercent(0.0195), 2);
  assert.equal(formatPercent(0.0195, 'zh'), '2.0\u00a0%');
  assert.equal(roundPercent(0.1945), 19.5);
  assert.equal(formatPercent(0.1945, 'en'), '19.5\u00a0%');
  assert.equal(formatPercent(0.0005, 'zh'), '0.05\u00a0%', 'two decimals below 0.1 %');
  assert.equal(formatPercent(0), '0.0\u00a0%');
  const row = complianceRows([project({ share: 0.0195 })])[0];
  const shareColumn = complianceCsvColumns.find((c) => /^占用地比例/.test(c.header))!;
  assert.equal(String(shareColumn.value(row)), formatPercent(0.0195).replace(/\u00a0%$/, ''), 'the CSV cell is the panel figure without the sign');
});

test('14: a point site has no area or overlap in the CSV, and its share says inside / outside', () => {
  const inside = project({ projectId: 'pt', geometryType: 'POINT', share: 1 });
  const outside: ProjectCompliance = { ...project({ projectId: 'pt2', geometryType: 'POINT' }), result: { site: { areaSquareMeters: 0, geometryType: 'POINT' } as ProjectCompliance['result']['site'], zones: [], conflicts: [], nearest: { collection: 'controls', id: 'red', distanceMeters: 820 } } };
  const csv = toCsv(complianceRows([inside, outside]), complianceCsvColumns).slice(1).split('\r\n');
  const header = csv[0].split(',');
  const cells = (line: string) => Object.fromEntries(line.split(',').map((v, i) => [header[i], v]));
  const a = cells(csv.find((l) => l.startsWith('pt,'))!);
  assert.equal(a['用地面积(平方米) Site area (m²)'], '—');
  assert.equal(a['重叠面积(平方米) Overlap (m²)'], '—');
  assert.equal(a['重叠面积(公顷) Overlap (ha)'], '—');
  assert.equal(a['占用地比例(%) Share of site (%)'], '位于其内 inside');
  const b = cells(csv.find((l) => l.startsWith('pt2,'))!);
  assert.equal(b['占用地比例(%) Share of site (%)'], '位于其外 outside');
  assert.equal(b['距最近管控线(米) Distance to nearest (m)'], '820');
  // A polygon keeps its figures.
  const poly = cells(toCsv(complianceRows([project({ projectId: 'pg', geometryType: 'POLYGON' })]), complianceCsvColumns).slice(1).split('\r\n')[1]);
  assert.equal(poly['用地面积(平方米) Site area (m²)'], '10000');
  assert.equal(poly['占用地比例(%) Share of site (%)'], '19.5');
});

test('5: protective projects (sector ecology, the plan’s column 2 生态保护项目) are compatible uses, counted apart', () => {
  assert.deepEqual(COMPATIBLE_USE_RULE.sectors, ['ecology']);
  assert.match(COMPATIBLE_USE_RULE.zh, /生态保护/);
  assert.match(COMPATIBLE_USE_RULE.en, /compatible/);
  assert.equal(isCompatibleUse({ sector: 'ecology' }), true);
  assert.equal(isCompatibleUse({ sector: 'culture_tourism' }), false);
  assert.equal(isCompatibleUse({ sector: '' }), false);
  const forest = project({ projectId: 'forest', sector: 'ecology' });
  const park = project({ projectId: 'park', sector: 'culture_tourism' });
  const s = zoneSummary([forest, park]);
  assert.equal(s.length, 1);
  assert.equal(s[0].sites, 2);
  assert.equal(s[0].conflictingSites, 1, 'the protective project is not a conflict');
  assert.equal(s[0].compatibleSites, 1);
  // The server's per-zone union (clipped to the zone, overlapping projects once) replaces any sum.
  const withAreas = zoneSummary([forest, park], [{ zoneId: 'zone-qianpo', overlapSquareMeters: 1200, conflictSquareMeters: 300, compatibleSquareMeters: 1000 }]);
  assert.equal(withAreas[0].overlapSquareMeters, 1200);
  assert.equal(withAreas[0].conflictSquareMeters, 300);
  assert.equal(withAreas[0].compatibleSquareMeters, 1000);
  const rows = complianceRows([forest, park]);
  assert.deepEqual(rows.map((r) => [r.projectId, r.compatibleUse]).sort(), [['forest', true], ['park', false]]);
  const csv = toCsv(rows, complianceCsvColumns).slice(1).split('\r\n');
  assert.match(csv[0], /性质 Use/);
  assert.ok(csv.some((l) => l.startsWith('forest,') && /相容用途 compatible use/.test(l)));
  assert.ok(csv.some((l) => l.startsWith('park,') && /冲突 conflict/.test(l)));
});

test('7: the crs member of a GeoJSON (as QGIS and GDAL write it) gives the CRS of the site', () => {
  const name = (n: string) => ({ type: 'name', properties: { name: n } });
  assert.equal(siteCrsFromGeoJson(name('urn:ogc:def:crs:EPSG::4546')), 'EPSG:4546');
  assert.equal(siteCrsFromGeoJson(name('EPSG:4525')), 'EPSG:4525');
  assert.equal(siteCrsFromGeoJson(name('urn:ogc:def:crs:OGC:1.3:CRS84')), 'EPSG:4326');
  assert.equal(siteCrsFromGeoJson(name('http://www.opengis.net/def/crs/EPSG/0/4490')), 'EPSG:4326', 'CGCS2000 lon/lat is read as lon/lat');
  assert.equal(siteCrsFromGeoJson(name('urn:ogc:def:crs:EPSG::4326')), 'EPSG:4326');
  assert.equal(siteCrsFromGeoJson(undefined), null);
  assert.equal(siteCrsFromGeoJson(name('urn:ogc:def:crs:EPSG::3857')), undefined, 'declared but not one the review takes');

  const square = [[[563420, 4533150], [563520, 4533150], [563520, 4533050], [563420, 4533050], [563420, 4533150]]];
  const file = JSON.stringify({
    type: 'FeatureCollection',
    name: 'site',
    crs: name('urn:ogc:def:crs:EPSG::4546'),
    features: [{ type: 'Feature', properties: { name: '地块一' }, geometry: { type: 'Polygon', coordinates: square } }],
  });
  const read = readSiteFile('site.geojson', file, parseXml);
  assert.ok(read.valid, JSON.stringify(read));
  assert.equal(read.crs, 'EPSG:4546');
  const site = readSite(read.geometries[0], read.crs!);
  assert.ok(site.valid, JSON.stringify(site));

  const mercator = readSiteFile('m.geojson', JSON.stringify({ type: 'FeatureCollection', crs: name('EPSG:3857'), features: [{ type: 'Feature', properties: {}, geometry: { type: 'Point', coordinates: [12430000, 4990000] } }] }), parseXml);
  assert.ok(!mercator.valid);
  assert.equal(mercator.code, 'unsupported_crs');
  assert.equal(mercator.crsName, 'EPSG:3857');
  const broken = readSiteFile('b.geojson', '{', parseXml);
  assert.ok(!broken.valid && broken.code === 'bad_json', 'every failure has a code the map words in its language');
});

test('10: equal gains are broken by the uncovered area nearby (least: the gap\'s edge), then by position; the order of candidates does not matter', () => {
  // A 2 km × 200 m strip of gap; and a 600 m square block at its east end. Both candidates A and B
  // lie where a 90 m circle is wholly gap (equal gains), but B sits next to the block: A, with less
  // gap around it, closes the strip from its end and leaves the block whole.
  const demand: { x: number; y: number }[] = [];
  for (let x = 0; x < 2000; x += 10) for (let y = 0; y < 200; y += 10) demand.push({ x, y });
  for (let x = 2000; x < 2600; x += 10) for (let y = -200; y < 400; y += 10) demand.push({ x, y });
  const a = { x: 300, y: 100 };
  const b = { x: 1880, y: 100 };
  for (const candidates of [[a, b], [b, a]]) {
    const picks = greedyMaximalCoverage(demand, 100, candidates, 90, 1);
    assert.equal(picks.length, 1);
    assert.deepEqual(candidates[picks[0].index], a, 'the site with less uncovered area around it');
    assert.ok(picks[0].nearbyGapSquareMeters > 0);
  }
  // Fully equal: the western (then southern) site, whatever the candidates' order.
  const flat: { x: number; y: number }[] = [];
  for (let x = 0; x < 4000; x += 10) for (let y = 0; y < 4000; y += 10) flat.push({ x, y });
  const c1 = { x: 2000, y: 2000 };
  const c2 = { x: 1500, y: 2000 };
  for (const candidates of [[c1, c2], [c2, c1]]) {
    const picks = greedyMaximalCoverage(flat, 100, candidates, 200, 1);
    assert.deepEqual(candidates[picks[0].index], c2);
  }
});

test('11: a target applies only where its area is defined; otherwise it needs that boundary, not ✗', () => {
  const parks = findPreset('parks')!;
  const byKind = (k: string) => parks.targets.find((t) => t.appliesTo === k)!;
  const oldCity = byKind('old_city');
  const newArea = byKind('new_area');
  const central = byKind('central_area');
  const overall = byKind('overall');
  assert.equal(targetApplies(oldCity, 'central_area'), false);
  assert.equal(targetApplies(newArea, 'central_area'), false);
  assert.equal(targetApplies(overall, 'central_area'), true);
  assert.equal(targetApplies(central, 'central_area'), true);
  assert.equal(targetApplies(central, 'district'), false);
  assert.equal(targetApplies(oldCity, 'old_city'), true, 'an office layer with that id defines the old city');
  assert.equal(targetVerdict(0.35, oldCity, parks.dataCompleteness, 'central_area'), 'needs_area');
  assert.equal(targetVerdict(0.35, newArea, parks.dataCompleteness, 'central_area'), 'needs_area');
  assert.equal(targetVerdict(0.35, overall, parks.dataCompleteness, 'central_area'), 'not_met');
  assert.equal(targetVerdict(0.85, oldCity, parks.dataCompleteness, 'old_city'), 'met');
  assert.deepEqual(targetAreaNeeded(oldCity), { zh: '需要旧城范围', en: 'needs an old-city boundary' });
  assert.deepEqual(targetAreaNeeded(newArea), { zh: '需要新区范围', en: 'needs a new-area boundary' });
});
