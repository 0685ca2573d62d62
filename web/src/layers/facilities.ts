/** Service facilities and stations: small squares coloured by facility group. */
import type { ExpressionSpecification, Map as MapLibreMap } from 'maplibre-gl';
import { label } from '../i18n/index.ts';
import { FONT_REGULAR, NAME_FIELD, emptySource, isPolygon, type LegendItem, type MapLayerModule } from './layer.ts';

/** Facility types by group; a type not listed falls in `other`. */
export const FACILITY_GROUPS: Record<string, string[]> = {
  transport: ['rail_station', 'metro_station', 'bus_station', 'station'],
  education: ['primary_school', 'middle_school', 'nine_year_school', 'high_school', 'school', 'kindergarten', 'university'],
  health: ['hospital', 'clinic', 'community_health'],
  elderly: ['elderly_care'],
  sports: ['sports'],
  safety: ['fire_station', 'police'],
  other: [],
};
export const FACILITY_COLORS: Record<string, string> = {
  transport: '#1565c0',
  education: '#ef6c00',
  health: '#c62828',
  elderly: '#8e24aa',
  sports: '#2e7d32',
  safety: '#b71c1c',
  other: '#616161',
};

/** The group a facility type belongs to. */
export function facilityGroup(type: unknown): string {
  for (const [group, types] of Object.entries(FACILITY_GROUPS)) if (types.includes(String(type))) return group;
  return 'other';
}

const GROUP: ExpressionSpecification = [
  'match',
  ['get', 'type'],
  ...Object.entries(FACILITY_GROUPS).flatMap(([group, types]) => (types.length ? [types, group] : [])),
  'other',
] as unknown as ExpressionSpecification;

/** A square marker with a white border, drawn on a canvas (no sprite file). */
function squareIcon(color: string, pixelRatio = 2): ImageData {
  const size = 12 * pixelRatio;
  const canvas = document.createElement('canvas');
  canvas.width = size;
  canvas.height = size;
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('2D canvas is not available');
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, size, size);
  ctx.fillStyle = color;
  const b = 2 * pixelRatio;
  ctx.fillRect(b, b, size - 2 * b, size - 2 * b);
  return ctx.getImageData(0, 0, size, size);
}

export const facilities: MapLayerModule = {
  id: 'facilities',
  searchable: true,
  credits: ['osm'],
  source: () => emptySource(),
  addImages(map: MapLibreMap) {
    for (const [group, color] of Object.entries(FACILITY_COLORS)) {
      const id = `xc-facility-${group}`;
      if (!map.hasImage(id)) map.addImage(id, squareIcon(color), { pixelRatio: 2 });
    }
  },
  layers: () => [
    {
      slot: 'fill',
      spec: {
        id: 'facilities-fill',
        type: 'fill',
        source: 'facilities',
        filter: isPolygon,
        paint: { 'fill-color': '#90a4ae', 'fill-opacity': 0.45 },
      },
    },
    {
      slot: 'point',
      spec: {
        id: 'facilities-icon',
        type: 'symbol',
        source: 'facilities',
        layout: {
          'icon-image': ['concat', 'xc-facility-', GROUP],
          'icon-size': ['interpolate', ['linear'], ['zoom'], 9, 0.7, 14, 1.1],
          'icon-allow-overlap': true,
          'text-field': ['step', ['zoom'], '', 13, NAME_FIELD],
          'text-font': FONT_REGULAR,
          'text-size': 11,
          'text-offset': [0, 1.1],
          'text-anchor': 'top',
          'text-optional': true,
          'text-max-width': 8,
        },
        paint: { 'text-color': '#455a64', 'text-halo-color': '#ffffff', 'text-halo-width': 1.5, 'icon-opacity': 1, 'text-opacity': 1 },
      },
    },
  ],
  interactive: ['facilities-icon', 'facilities-fill'],
  legend: ({ t, features }): LegendItem[] => {
    const counts = new Map<string, number>();
    for (const f of features) counts.set(facilityGroup(f.properties.type), (counts.get(facilityGroup(f.properties.type)) ?? 0) + 1);
    return Object.keys(FACILITY_COLORS)
      .filter((g) => counts.has(g))
      .map((g) => ({ symbol: { kind: 'square', color: FACILITY_COLORS[g] }, label: label(t.facilityGroup, g), count: counts.get(g) }));
  },
  popup: (f, { t }) => [
    { label: t.attr.category, value: label(t.facilityType, f.properties.type) },
    { label: t.attr.status, value: label(t.status, f.properties.status) },
    { label: t.attr.locationQuality, value: label(t.locationQuality, f.properties.location_quality) },
  ],
};
