import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isPublicCollection, isPublicProperty, publicProperties } from '../../core/audience.ts';
import { findCollection } from '../../core/catalog.ts';
import { diagnosePermalink, encodePermalink, parsePermalink, shareBase, validatePermalink, type PermalinkState } from '../../core/permalink.ts';

const KNOWN = {
  layers: ['district', 'zones', 'parks', 'controls', 'central_area', 'facilities', 'villages', 'projects'],
  zones: ['zone-qianpo', 'zone-kejicheng', 'zone-dongkezhan', 'zone-beierhuan', 'zone-jianchengqu'],
  projects: ['project-02-01', 'project-05-03'],
  sectors: ['ecology', 'hitech', 'digital', 'logistics'],
};

/** Reads a link the way the app does: parse, then check the ids against the data. */
const read = (hash: string) => validatePermalink(parsePermalink(hash), KNOWN);

test('a full state survives encode then decode', () => {
  const state: PermalinkState = {
    view: { center: [111.7123, 40.8456], zoom: 13.25, bearing: -20, pitch: 45 },
    layers: ['zones', 'projects', 'parks'],
    zone: 'zone-kejicheng',
    sectors: ['hitech', 'digital'],
    lang: 'en',
    mode: 'presentation',
  };
  const hash = encodePermalink(state);
  assert.match(hash, /^#13\.25\/40\.8456\/111\.7123\/-20\/45&/);
  assert.deepEqual(read(hash), state);
  // Encoding the decoded state gives the same link: it is stable under reload.
  assert.equal(encodePermalink(read(hash)), hash);
});

test('a project selection, planner mode and an empty layer list round-trip', () => {
  const state: PermalinkState = { view: { center: [111.8, 40.9], zoom: 10, bearing: 0, pitch: 0 }, layers: [], project: 'project-02-01', lang: 'zh' };
  const hash = encodePermalink(state);
  assert.ok(!hash.includes('mode='), 'planner is the default and is not written');
  assert.deepEqual(read(hash), state);
});

test('a plain MapLibre hash (the links from before) still opens its view', () => {
  assert.deepEqual(read('#13.25/40.8456/111.7123'), { view: { zoom: 13.25, center: [111.7123, 40.8456] } });
  assert.equal(encodePermalink({ view: { zoom: 13.25, center: [111.7123, 40.8456] } }), '#13.25/40.8456/111.7123');
  assert.deepEqual(read('#11/40.9/111.8/30/60').view, { zoom: 11, center: [111.8, 40.9], bearing: 30, pitch: 60 });
});

test('garbage in the hash gives the default for each bad part, never a throw', () => {
  const cases: [string, PermalinkState][] = [
    ['', {}],
    ['#', {}],
    ['#&&&', {}],
    ['#hello world', {}],
    ['#%E4%B8', {}],
    ['#%zz&lang=en', { lang: 'en' }],
    // An out-of-range zoom or centre drops the whole camera: the default view, not zoom 12 there.
    ['#99/40.9/111.8', {}],
    ['#-5/40.9/111.8', {}],
    ['#-5/40.9/111.8&lang=en', { lang: 'en' }],
    ['#11/95/111.8', {}],
    ['#11/40.9/181', {}],
    ['#NaN/Infinity/1e999', {}],
    ['#11/40.9/111.8/abc/200', { view: { zoom: 11, center: [111.8, 40.9] } }],
    ['#zone=zone-atlantis&lang=fr&mode=kiosk', {}],
    ['#layers=roads,zones,%E4%B8&zone=zone-qianpo', { layers: ['zones'], zone: 'zone-qianpo' }],
    ['#layers=roads,rivers', {}],
    ['#layers=', { layers: [] }],
    ['#sectors=mining,hitech&project=project-99-99', { sectors: ['hitech'] }],
    ['#sectors=%&zone=<script>', {}],
    ['#lang=en&lang=zh&unknown=1&=&==&a=b=c', { lang: 'zh' }],
    ['#map=12/40.9/111.8&mode=presentation', { view: { zoom: 12, center: [111.8, 40.9] }, mode: 'presentation' }],
  ];
  for (const [hash, expected] of cases) assert.deepEqual(read(hash), expected, hash);
});

test('random strings never throw and only yield well-formed parts', () => {
  const alphabet = 'abz019#&=/%.,-_+ 中é\u0000\uffff';
  let seed = 7;
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  for (let i = 0; i < 2000; i++) {
    const s = Array.from({ length: Math.floor(rand() * 40) }, () => alphabet[Math.floor(rand() * alphabet.length)]).join('');
    const state = read(s);
    if (state.view?.zoom !== undefined) assert.ok(state.view.zoom >= 0 && state.view.zoom <= 22);
    if (state.lang) assert.ok(['zh', 'en'].includes(state.lang));
    for (const l of state.layers ?? []) assert.ok(KNOWN.layers.includes(l));
    assert.doesNotThrow(() => encodePermalink(state));
  }
});

test('non-string input is an empty state', () => {
  assert.deepEqual(parsePermalink(undefined as unknown as string), {});
});

test('audience: the catalogue marks planner layers, and internal or unknown properties are not public', () => {
  assert.equal(isPublicCollection(findCollection('zones')), true);
  assert.equal(isPublicCollection(findCollection('controls')), false);
  assert.equal(isPublicCollection(undefined), false);
  const defs = { name_zh: { type: 'string', title: { zh: '', en: '' } }, budget: { type: 'number', title: { zh: '', en: '' }, audience: 'internal' } } as const;
  assert.equal(isPublicProperty('name_zh', defs), true);
  assert.equal(isPublicProperty('budget', defs), false);
  assert.equal(isPublicProperty('unlisted', defs), false);
  assert.deepEqual(publicProperties({ name_zh: 'A', budget: 5, unlisted: 1 }, defs), { name_zh: 'A' });
});

test('diagnosePermalink names what a link loses (issue 13 #15), and nothing for a good link', () => {
  const good = encodePermalink({ view: { center: [111.7, 40.8], zoom: 12 }, layers: ['zones', 'projects'], zone: 'zone-qianpo', sectors: ['hitech'], lang: 'en', mode: 'presentation' });
  assert.deepEqual(diagnosePermalink(good, KNOWN), { problems: [], hidesAllLayers: false });
  const bad = diagnosePermalink('#99/abc/%E4%B8&zone=zone-atlantis&layers=roads,zones,%zz&lang=fr&mode=kiosk&sectors=nope&project=<x>&foo=1&&=', KNOWN);
  assert.deepEqual(bad.problems, [
    { part: 'view', value: '99/abc/%E4%B8' },
    { part: 'zone', value: 'zone-atlantis' },
    { part: 'layer', value: 'roads' },
    { part: 'layer', value: '%zz' },
    { part: 'lang', value: 'fr' },
    { part: 'mode', value: 'kiosk' },
    { part: 'sector', value: 'nope' },
    { part: 'project', value: '<x>' },
    { part: 'param', value: 'foo' },
  ]);
  assert.equal(bad.hidesAllLayers, false);
  // "layers=" is a link to an empty map: not a problem, but said.
  assert.deepEqual(diagnosePermalink('#11/40.9/111.8&layers=', KNOWN), { problems: [], hidesAllLayers: true });
  // A pitch beyond what the map draws is dropped from the view, and said so.
  assert.deepEqual(diagnosePermalink('#11/40.9/111.8/0/120', KNOWN).problems, [{ part: 'view', value: '11/40.9/111.8/0/120' }]);
  // Ids are only checked against the lists given.
  assert.deepEqual(diagnosePermalink('#zone=zone-atlantis').problems, []);
});

test('share links start at PUBLIC_URL when configured, and say when only this machine could open them (issue 13 #17)', () => {
  const local = { origin: 'http://localhost:8080', pathname: '/', search: '' };
  assert.deepEqual(shareBase(null, local), { base: 'http://localhost:8080/', localOnly: true });
  assert.equal(shareBase(null, { ...local, origin: 'http://127.0.0.1:8080' }).localOnly, true);
  assert.equal(shareBase(null, { ...local, origin: 'http://[::1]:8080' }).localOnly, true);
  assert.deepEqual(shareBase(null, { ...local, origin: 'http://192.168.1.20:8080' }), { base: 'http://192.168.1.20:8080/', localOnly: false });
  assert.deepEqual(shareBase('https://gis.example.gov.cn/xincheng', local), { base: 'https://gis.example.gov.cn/xincheng/', localOnly: false });
  assert.deepEqual(shareBase('https://gis.example.gov.cn/', local), { base: 'https://gis.example.gov.cn/', localOnly: false });
});
