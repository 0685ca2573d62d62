/** The popup's content for one feature: names, the layer's own rows, then area, quality and source. */
import { formatAreaSquareMeters } from '../../core/units.ts';
import type { ApiFeature } from './api.ts';
import { h } from './dom.ts';
import { getLang, label, pick, t } from './i18n/index.ts';
import type { MapLayerModule, PopupRow } from './layers/layer.ts';
import { featureName, otherName, unplacedKind, type Store } from './store.ts';

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
  rows.push({ label: m.attr.source, value: String(p.source ?? '') });

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
    otherName(feature) && h('div', { class: 'xc-popup-subtitle' }, otherName(feature)),
    unplaced && h('div', { class: 'xc-popup-note' }, unplaced === 'district-wide' ? m.districtWideNote : m.notLocatedNote),
    h(
      'dl',
      { class: 'xc-popup-attrs' },
      ...rows.filter((r) => r.value !== '').flatMap((r) => [h('dt', {}, r.label), h('dd', {}, r.value)]),
    ),
  );
}
