/** The popup's content for one feature: names, the layer's own rows, then area, quality and source. */
import { formatAreaSquareMeters } from '../../core/units.ts';
import type { ApiFeature } from './api.ts';
import { h } from './dom.ts';
import './identify.css';
import { getLang, label, pick, t } from './i18n/index.ts';
import type { MapLayerModule, PopupRow } from './layers/layer.ts';
import { featureName, otherName, unplacedKind, type Store } from './store.ts';

/**
 * A feature's source in the UI's language: `source_zh` in Chinese when the data has it (issue 13 #9),
 * else `source`. Every built-in dataset gives both.
 */
export function featureSource(feature: ApiFeature): string {
  const p = feature.properties;
  const zh = typeof p.source_zh === 'string' && p.source_zh.trim() ? p.source_zh : '';
  return getLang() === 'zh' && zh ? zh : String(p.source ?? '');
}

export function popupContent(module: MapLayerModule, feature: ApiFeature, store: Store): HTMLElement {
  const m = t();
  const ctx = store.context(module.id);
  const p = feature.properties;
  const rows: PopupRow[] = [...module.popup(feature, ctx)];
  const areaSquareMeters = Number(p.area_square_meters);
  if (p.area_square_meters !== undefined && p.area_square_meters !== null && Number.isFinite(areaSquareMeters)) {
    rows.push({ label: m.attr.area, value: formatAreaSquareMeters(areaSquareMeters, getLang()) });
  }
  rows.push({ label: m.attr.quality, value: label(m.quality, p.quality) });
  rows.push({ label: m.attr.source, value: featureSource(feature) });

  const info = store.info.get(module.id);
  const layerTitle = info ? pick(info.titles) : module.id;
  const indicative = p.quality === 'indicative';
  const unplaced = unplacedKind(feature);
  return h(
    'div',
    { class: 'xc-popup', 'data-layer': module.id, 'data-feature': feature.id },
    h(
      'div',
      { class: 'xc-popup-layer' },
      h('span', {}, layerTitle),
      indicative && h('span', { class: 'xc-badge xc-badge-indicative', title: m.indicativeTitle }, m.indicative),
    ),
    h('h3', { class: 'xc-popup-title' }, featureName(feature)),
    // The name in the other language, marked as such (a proper name, not UI text).
    otherName(feature) && h('div', { class: 'xc-popup-subtitle', lang: getLang() === 'zh' ? 'en' : 'zh-CN' }, otherName(feature)),
    unplaced && h('div', { class: 'xc-popup-note' }, unplaced === 'district-wide' ? m.districtWideNote : m.notLocatedNote),
    h(
      'dl',
      { class: 'xc-popup-attrs' },
      ...rows.filter((r) => r.value !== '').flatMap((r) => [h('dt', {}, r.label), h('dd', {}, r.value)]),
    ),
  );
}

/**
 * The popup of a click with several features under it (issue 13 #8): the features grouped by layer
 * (layer title, then each feature's name), the chosen one marked, and its own popup below.
 */
export function identifyList(
  hits: readonly { layerId: string; featureId: string }[],
  chosen: { layerId: string; featureId: string },
  store: Store,
  detail: HTMLElement,
  choose: (hit: { layerId: string; featureId: string }) => void,
): HTMLElement {
  const m = t();
  const groups = new Map<string, string[]>();
  for (const hit of hits) groups.set(hit.layerId, [...(groups.get(hit.layerId) ?? []), hit.featureId]);
  const list = h(
    'div',
    { class: 'xc-identify-list', role: 'list', 'aria-label': m.identify.listLabel },
    ...[...groups].map(([layerId, ids]) => {
      const info = store.info.get(layerId);
      return h(
        'div',
        { class: 'xc-identify-group', role: 'listitem', 'data-layer': layerId },
        h('div', { class: 'xc-identify-layer' }, info ? pick(info.titles) : layerId),
        h(
          'ul',
          {},
          ...ids.map((featureId) => {
            const f = store.feature(layerId, featureId);
            const name = f ? featureName(f) : featureId;
            const current = layerId === chosen.layerId && featureId === chosen.featureId;
            const b = h(
              'button',
              { type: 'button', class: 'xc-identify-item', 'data-layer': layerId, 'data-feature': featureId, 'aria-pressed': String(current), title: m.identify.choose(name) },
              name,
            );
            b.addEventListener('click', () => choose({ layerId, featureId }));
            return h('li', {}, b);
          }),
        ),
      );
    }),
  );
  return h('div', { class: 'xc-identify', 'data-count': String(hits.length) }, h('div', { class: 'xc-identify-head' }, m.identify.heading(hits.length)), list, detail);
}
