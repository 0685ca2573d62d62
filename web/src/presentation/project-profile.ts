/**
 * A project's short profile for investors: name in both languages, sector, zone, status, the plan
 * column it comes from and where it is. Every row names the property it shows, and a property the
 * catalogue marks internal (or does not describe) is left out.
 */
import { isPublicProperty } from '../../../core/audience.ts';
import type { ApiFeature } from '../api.ts';
import { h } from '../dom.ts';
import { getLang, label, t } from '../i18n/index.ts';
import { OTHER_SECTOR_COLOR, SECTOR_COLORS, isDistrictWide } from '../layers/projects.ts';
import { featureName, otherName, type Store } from '../store.ts';

interface ProfileRow {
  /** The property shown: the row is dropped when the catalogue says it is not public. */
  property: string;
  label: string;
  value: string;
}

export function projectProfile(f: ApiFeature, store: Store, selectZone: (zoneId: string) => void): HTMLElement {
  const m = t();
  const p = f.properties;
  const defs = store.info.get('projects')?.properties;
  const en = getLang() === 'en';
  const zoneId = p.zone_id ? String(p.zone_id) : '';
  const column = Number(p.column);
  const columnTitle = String((en ? p.column_title_en : p.column_title_zh) ?? p.column_title_zh ?? '');
  const rows: ProfileRow[] = [
    { property: 'status', label: m.attr.status, value: label(m.status, p.status) },
    { property: 'column', label: m.attr.column, value: Number.isFinite(column) ? m.attr.columnValue(column, undefined, columnTitle) : '' },
    { property: 'location_quality', label: m.attr.locationQuality, value: label(m.locationQuality, p.location_quality) },
    // The note is written in Chinese only; in English it would be untranslated, so it is left out.
    { property: 'location_note_zh', label: m.attr.locationNote, value: en ? '' : String(p.location_note_zh ?? '') },
  ];
  const shown = rows.filter((r) => r.value && isPublicProperty(r.property, defs));
  const sector = isPublicProperty('sector', defs) ? String(p.sector ?? '') : '';
  const zoneButton =
    zoneId && isPublicProperty('zone_id', defs)
      ? h('button', { type: 'button', class: 'xc-link xc-profile-zone', 'data-zone': zoneId }, store.zoneName(zoneId) ?? zoneId)
      : null;
  zoneButton?.addEventListener('click', () => selectZone(zoneId));
  const sectorChip = sector ? h('span', { class: 'xc-profile-sector' }, h('i', { 'aria-hidden': 'true' }), label(m.sector, sector)) : null;
  sectorChip?.style.setProperty('--xc-sector', SECTOR_COLORS[sector] ?? OTHER_SECTOR_COLOR);
  return h(
    'div',
    { class: 'xc-profile', 'data-layer': 'projects', 'data-feature': f.id },
    h('div', { class: 'xc-profile-kicker' }, sectorChip, p.quality === 'indicative' && h('span', { class: 'xc-badge xc-badge-indicative', title: m.indicativeTitle }, m.indicative)),
    h('h3', { class: 'xc-profile-title' }, featureName(f)),
    otherName(f) && h('div', { class: 'xc-profile-subtitle' }, otherName(f)),
    h(
      'dl',
      { class: 'xc-profile-attrs' },
      ...(zoneButton ? [h('dt', {}, m.attr.zone), h('dd', {}, zoneButton)] : isDistrictWide(f) ? [h('dt', {}, m.attr.zone), h('dd', {}, m.investor.districtWide)] : []),
      ...shown.flatMap((r) => [h('dt', {}, r.label), h('dd', {}, r.value)]),
    ),
  );
}
