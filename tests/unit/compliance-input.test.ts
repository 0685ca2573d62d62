import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { DOMParser } from '@xmldom/xmldom';
import { complianceCsvColumns, complianceRows, zoneSummary, type ProjectCompliance } from '../../core/analysis/compliance-table.ts';
import { toGaussKruger, toLonLat } from '../../core/crs.ts';
import { toCsv, UTF8_BOM } from '../../core/export/csv.ts';
import { parseCoordinateText, rowsToGeometry } from '../../core/geometry/coordinate-text.ts';
import { readSiteFile } from '../../core/geometry/site-file.ts';
import { readSite } from '../../core/geometry/site-input.ts';

const parseXml = (xml: string) => new DOMParser().parseFromString(xml, 'text/xml') as unknown as Document;

test('EPSG:4546 and EPSG:4525 round-trip Hohhot East station to a millimetre', () => {
  const station = [111.75822, 40.84972];
  const [e, n] = toGaussKruger(station);
  assert.ok(e > 560_000 && e < 570_000 && n > 4_520_000 && n < 4_530_000, `${e}, ${n}`);
  const back = toLonLat([e, n], 'EPSG:4546');
  assert.ok(Math.abs(back[0] - station[0]) < 1e-8 && Math.abs(back[1] - station[1]) < 1e-8);
  const prefixed = toLonLat([e + 37_000_000, n], 'EPSG:4525');
  assert.ok(Math.abs(prefixed[0] - station[0]) < 1e-8);
});

test('GCJ-02 converts back about 570 m west and 150 m south near Xincheng', () => {
  const [lon, lat] = toLonLat([111.765, 40.851], 'GCJ02');
  const dx = (111.765 - lon) * 111_320 * Math.cos((40.85 * Math.PI) / 180);
  const dy = (40.851 - lat) * 110_950;
  assert.ok(dx > 500 && dx < 650, `east offset ${dx} m`);
  assert.ok(dy > 100 && dy < 220, `north offset ${dy} m`);
});

test('pasted boundary points: names, separators, header, the X = northing convention and swap', () => {
  const text = '点号,X,Y\nJ1, 4524100, 563900\nJ2，4524100，564000\nJ3\t4524200\t564000\n\n# comment\nJ4 4524200 563900\n';
  const parsed = parseCoordinateText(text);
  assert.ok(parsed.valid);
  assert.deepEqual(parsed.rows.map((r) => r.name), ['J1', 'J2', 'J3', 'J4']);
  const g = rowsToGeometry(parsed.rows, 'EPSG:4546');
  assert.equal(g.type, 'Polygon');
  assert.deepEqual(g.coordinates[0][0], [563900, 4524100], 'easting first after the X = northing swap');
  assert.equal(g.coordinates[0].length, 5, 'the ring is closed');
  const site = readSite(g, 'EPSG:4546');
  assert.ok(site.valid);
  const swapped = rowsToGeometry(parsed.rows, 'EPSG:4546', true);
  const bad = readSite(swapped, 'EPSG:4546');
  assert.ok(!bad.valid && /swap X and Y/.test(bad.reason));
  const lonlat = parseCoordinateText('111.75, 40.85');
  assert.ok(lonlat.valid);
  assert.deepEqual(rowsToGeometry(lonlat.rows, 'EPSG:4326'), { type: 'Point', coordinates: [111.75, 40.85] });
});

test('a malformed pasted line is reported by its line number', () => {
  const r = parseCoordinateText('J1, 4524100, 563900\nJ2, 4524100\nJ3, abc, 564000');
  assert.ok(!r.valid);
  assert.equal(r.line, 2);
  assert.match(r.reason, /^Line 2: expected "name, X, Y" or "X, Y"/);
  const two = parseCoordinateText('1,2\n3,4');
  assert.ok(!two.valid && /Two points/.test(two.reason));
  assert.ok(!parseCoordinateText('\n\n').valid);
});

test('site checks: swapped axes, projected metres as degrees, outside China, unclosed rings', () => {
  const cases: [unknown, string, RegExp][] = [
    [{ type: 'Point', coordinates: [40.85, 111.75] }, 'EPSG:4326', /swapped/],
    [{ type: 'Point', coordinates: [563900, 4524100] }, 'EPSG:4326', /EPSG:4546/],
    [{ type: 'Point', coordinates: [111.75, 40.85] }, 'EPSG:4546', /look like degrees.*EPSG:4326/],
    [{ type: 'Point', coordinates: [-74, 40.7] }, 'EPSG:4326', /outside China/],
    [{ type: 'Polygon', coordinates: [[[111.7, 40.8], [111.8, 40.8], [111.8, 40.9], [111.7, 40.9]]] }, 'EPSG:4326', /not closed/],
    [{ type: 'Feature', geometry: null }, 'EPSG:4326', /not a Feature/],
    [null, 'EPSG:4326', /GeoJSON geometry object/],
  ];
  for (const [g, crs, pattern] of cases) {
    const r = readSite(g, crs as 'EPSG:4326');
    assert.ok(!r.valid, JSON.stringify(g));
    assert.match(r.reason, pattern);
    assert.equal(r.status, 400);
  }
});

test('uploaded GeoJSON and KML files give their polygons and points', () => {
  const kmlText = `<?xml version="1.0"?><kml xmlns="http://www.opengis.net/kml/2.2"><Document><Placemark><name>地块A</name>
    <Polygon><outerBoundaryIs><LinearRing><coordinates>111.70,40.85 111.71,40.85 111.71,40.86 111.70,40.86 111.70,40.85</coordinates></LinearRing></outerBoundaryIs></Polygon>
    </Placemark></Document></kml>`;
  const k = readSiteFile('site.kml', kmlText, parseXml);
  assert.ok(k.valid);
  assert.deepEqual(k.names, ['地块A']);
  assert.equal((k.geometries[0] as { type: string }).type, 'Polygon');
  const fc = readSiteFile('s.geojson', JSON.stringify({ type: 'FeatureCollection', features: [{ type: 'Feature', properties: {}, geometry: { type: 'LineString', coordinates: [[1, 2], [3, 4]] } }, { type: 'Feature', properties: { name: 'p' }, geometry: { type: 'Point', coordinates: [111.7, 40.8] } }] }), parseXml);
  assert.ok(fc.valid && fc.geometries.length === 1 && fc.names[0] === 'p');
  assert.match((readSiteFile('a.shp', '', parseXml) as { reason: string }).reason, /Unsupported file type/);
  assert.match((readSiteFile('a.geojson', '{oops', parseXml) as { reason: string }).reason, /not valid JSON/);
  assert.match((readSiteFile('a.kml', '<kml><Document></Document></kml>', parseXml) as { reason: string }).reason, /no Polygon/);
});

test('conflict table rows, zone summary and the CSV with BOM and bilingual header', () => {
  const projects: ProjectCompliance[] = [
    {
      projectId: 'p1', name: '甲, "项目"', nameEn: 'A', column: 2, sector: 'ecology', zoneId: 'zone-qianpo', locationQuality: 'approximate',
      result: { site: { areaSquareMeters: 20000 }, zones: [], conflicts: [{ collection: 'controls', id: 'c1', name: '红线', kind: 'eco_redline', overlapSquareMeters: 5000, overlapShare: 0.25 }], nearest: { collection: 'controls', id: 'c1', distanceMeters: 0 } },
    },
    {
      projectId: 'p2', name: '乙', nameEn: 'B', column: 8, sector: 'digital', zoneId: 'zone-kejicheng', locationQuality: 'known',
      result: { site: { areaSquareMeters: 0 }, zones: [], conflicts: [], nearest: { collection: 'controls', id: 'c1', distanceMeters: 1234.5 } },
    },
  ];
  const rows = complianceRows(projects);
  assert.deepEqual(rows.map((r) => [r.projectId, r.controlId, r.distanceMeters]), [['p1', 'c1', null], ['p2', null, 1234.5]]);
  // Land under two nested control layers (red line ⊃ reserve) counts once: the server's union.
  const nested: ProjectCompliance = {
    ...projects[0],
    projectId: 'p3',
    result: {
      site: { areaSquareMeters: 10000, conflictSquareMeters: 8000 },
      zones: [],
      conflicts: [
        { collection: 'controls', id: 'red', name: '红线', kind: 'eco_redline', overlapSquareMeters: 8000, overlapShare: 0.8 },
        { collection: 'controls', id: 'reserve', name: '保护区', kind: 'nature_reserve', overlapSquareMeters: 8000, overlapShare: 0.8 },
      ],
      nearest: null,
    },
  };
  assert.equal(zoneSummary([nested])[0].overlapSquareMeters, 8000);
  // p1 (sector ecology) is a compatible use, counted apart from conflicts (issue 13).
  assert.deepEqual(zoneSummary(projects).map((z) => [z.zoneId, z.sites, z.conflictingSites, z.compatibleSites, z.overlapSquareMeters]), [
    ['zone-kejicheng', 1, 0, 0, 0],
    ['zone-qianpo', 1, 0, 1, 5000],
  ]);
  const csv = toCsv(rows, complianceCsvColumns);
  assert.ok(csv.startsWith(UTF8_BOM));
  const lines = csv.slice(1).split('\r\n');
  assert.equal(lines[0].split(',')[1], '项目名称 Project');
  // p1 is of sector ecology: a compatible use (issue 13); shares use the panel's rounding (25.0).
  assert.match(lines[1], /^p1,"甲, ""项目""",A,2,zone-qianpo,20000,红线,eco_redline,5000,0.5,25.0,,相容用途 compatible use$/);
  assert.equal(toCsv([{ v: '=1+1' }], [{ header: 'v', value: (r) => r.v }]).split('\r\n')[1], "'=1+1", 'formula injection is neutralised');
  assert.equal(toCsv([{ v: '\t=1+1' }], [{ header: 'v', value: (r) => r.v }]).split('\r\n')[1], "'\t=1+1", 'a leading TAB (skipped by Excel) is neutralised too');
  assert.equal(toCsv([{ v: '\r=1' }], [{ header: 'v', value: (r) => r.v }]).split('\r\n')[1], '"\'\r=1"', 'and a leading CR');
});

test('the compliance fixtures agree with the coordinate conversion: 1 ha in EPSG:4546', () => {
  const input = JSON.parse(readFileSync('tests/fixtures/compliance/in/one-hectare-epsg4546.geojson', 'utf8'));
  const site = readSite(input.features[0].geometry, 'EPSG:4546');
  assert.ok(site.valid && site.geometry.type === 'Polygon');
  const out = JSON.parse(readFileSync('tests/fixtures/compliance/out/one-hectare-epsg4546.geojson', 'utf8'));
  assert.ok(Math.abs(out.result.site.areaSquareMeters - 10_000) / 10_000 < 0.005);
});

test('pathological sites get a named answer: a hole equal to its shell, too many holes', () => {
  const shell = [[111.7, 40.8], [111.71, 40.8], [111.71, 40.81], [111.7, 40.81], [111.7, 40.8]];
  // The same ring, reversed and started elsewhere, as a hole.
  const hole = [[111.71, 40.8], [111.7, 40.8], [111.7, 40.81], [111.71, 40.81], [111.71, 40.8]];
  const same = readSite({ type: 'Polygon', coordinates: [shell, hole] });
  assert.ok(!same.valid && same.status === 400 && /ring 2 \(a hole\) is the same as its outer ring: the polygon has no area/.test(same.reason), JSON.stringify(same));
  const holes = Array.from({ length: 600 }, (_, i) => {
    const x = 111.7 + (i % 30) * 0.0003 + 0.0001;
    const y = 40.8 + Math.floor(i / 30) * 0.0004 + 0.0001;
    return [[x, y], [x, y + 0.0001], [x + 0.0001, y + 0.0001], [x + 0.0001, y], [x, y]];
  });
  const many = readSite({ type: 'Polygon', coordinates: [shell, ...holes] });
  assert.ok(!many.valid && many.status === 413 && /more than 500 rings/.test(many.reason), JSON.stringify(many).slice(0, 200));
  const fine = readSite({ type: 'Polygon', coordinates: [shell, ...holes.slice(0, 100)] });
  assert.ok(fine.valid);
});
