/**
 * A simple default style for a vector basemap package (issue 12, the office's basemap): made from the
 * package's `vector_layers` metadata (and `tilestats` geometry types where the package has them), so an
 * MVT package from the office's GIS shows without a hand-written style. Each source layer is drawn by
 * what its name says — water, parks and green land, buildings, roads and rail, boundaries — or, when the
 * name says nothing, as whatever geometry it holds; labels when the layer has a name field.
 *
 * Pure data (MapLibre style layers as plain objects): used by the server's TileJSON answer and by the map.
 */

/** A `vector_layers` entry of TileJSON / MBTiles metadata. */
export interface VectorLayerInfo {
  id: string;
  fields?: Record<string, string>;
  minzoom?: number;
  maxzoom?: number;
  /** From `tilestats`, when the package has them: Point, LineString or Polygon. */
  geometry?: string;
}

/** A MapLibre style layer, kept as plain data here (core/ does not depend on maplibre-gl). */
export type StyleLayer = Record<string, unknown> & { id: string; type: string };

type Kind = 'water' | 'green' | 'building' | 'road' | 'rail' | 'boundary' | 'label' | 'other';

const KINDS: [Kind, RegExp][] = [
  ['water', /water|river|lake|ocean|sea|hydro|水|河|湖|渠|库/i],
  ['green', /park|green|landuse|landcover|wood|forest|grass|farm|绿|公园|林|耕地|草/i],
  ['building', /build|house|建筑|房屋|楼/i],
  ['rail', /rail|metro|subway|铁路|地铁|轨道/i],
  ['road', /road|street|highway|transport|transportation|way|道路|街|路|交通/i],
  ['boundary', /bound|admin|border|行政|界/i],
  ['label', /place|poi|label|name|地名|注记|兴趣点/i],
];

/** What a source layer holds, from its name. */
export function layerKind(id: string): Kind {
  return KINDS.find(([, re]) => re.test(id))?.[0] ?? 'other';
}

/** Fields that name a feature, best first (the first the layer has is labelled). */
const NAME_FIELDS = ['name_zh', 'name:zh', 'name', 'NAME', 'Name', '名称', 'MC', 'name_en', 'name:en'];

/** The field that names a layer's features, if it has one. */
export function nameField(layer: VectorLayerInfo): string | undefined {
  const fields = Object.keys(layer.fields ?? {});
  return NAME_FIELDS.find((f) => fields.includes(f)) ?? fields.find((f) => /^name|名称/i.test(f));
}

const COLORS = {
  water: '#9cc3e6',
  waterLine: '#6fa8dc',
  green: '#cfe6b8',
  building: '#d9d0c7',
  buildingLine: '#bfb3a6',
  road: '#ffffff',
  roadCasing: '#c9c2b4',
  rail: '#8f8f8f',
  boundary: '#9a7fb5',
  other: '#e4e0d8',
  otherLine: '#b0a99c',
  point: '#7a7a7a',
  text: '#3d3d3d',
  halo: 'rgba(255,255,255,0.9)',
};

const POLYGON = ['==', ['geometry-type'], 'Polygon'];
const LINE = ['==', ['geometry-type'], 'LineString'];
const POINT = ['==', ['geometry-type'], 'Point'];

/**
 * Style layers for a vector package's source `source`, ids prefixed with `prefix`, all with
 * `visibility` as given; drawn in order: areas (green, water, other), buildings, lines, then labels.
 */
export function vectorBasemapLayers(
  vectorLayers: VectorLayerInfo[],
  opts: { source: string; prefix: string; visibility?: 'visible' | 'none'; font?: string[] },
): StyleLayer[] {
  const { source, prefix } = opts;
  const layout = { visibility: opts.visibility ?? 'visible' };
  const font = opts.font ?? ['Noto Sans CJK SC', 'Noto Sans SC', 'sans-serif'];
  const areas: StyleLayer[] = [];
  const buildings: StyleLayer[] = [];
  const lines: StyleLayer[] = [];
  const points: StyleLayer[] = [];
  const labels: StyleLayer[] = [];
  const base = (l: VectorLayerInfo, suffix: string, type: string) => ({
    id: `${prefix}-${l.id}-${suffix}`,
    type,
    source,
    'source-layer': l.id,
    ...(l.minzoom !== undefined ? { minzoom: l.minzoom } : {}),
  });
  const order: Kind[] = ['green', 'water', 'other', 'boundary', 'label', 'building', 'rail', 'road'];
  const sorted = [...vectorLayers].sort((a, b) => order.indexOf(layerKind(a.id)) - order.indexOf(layerKind(b.id)));
  for (const l of sorted) {
    const kind = layerKind(l.id);
    const geom = l.geometry?.replace(/^Multi/, '');
    const has = (g: string) => !geom || geom === g;
    if (has('Polygon') && kind !== 'road' && kind !== 'rail' && kind !== 'boundary' && kind !== 'label') {
      const fill = kind === 'water' ? COLORS.water : kind === 'green' ? COLORS.green : kind === 'building' ? COLORS.building : COLORS.other;
      const outline = kind === 'building' ? COLORS.buildingLine : kind === 'water' ? COLORS.waterLine : kind === 'other' ? COLORS.otherLine : fill;
      (kind === 'building' ? buildings : areas).push({ ...base(l, 'fill', 'fill'), filter: POLYGON, layout, paint: { 'fill-color': fill, 'fill-outline-color': outline, 'fill-opacity': kind === 'other' ? 0.6 : 1 } });
    }
    if (has('LineString')) {
      if (kind === 'road' || kind === 'other') {
        // A casing under a white road reads on any ground.
        lines.push({ ...base(l, 'casing', 'line'), filter: LINE, layout: { ...layout, 'line-cap': 'round', 'line-join': 'round' }, paint: { 'line-color': COLORS.roadCasing, 'line-width': ['interpolate', ['linear'], ['zoom'], 10, 1.5, 16, 10] } });
        lines.push({ ...base(l, 'line', 'line'), filter: LINE, layout: { ...layout, 'line-cap': 'round', 'line-join': 'round' }, paint: { 'line-color': COLORS.road, 'line-width': ['interpolate', ['linear'], ['zoom'], 10, 0.8, 16, 7] } });
      } else {
        const color = kind === 'water' ? COLORS.waterLine : kind === 'rail' ? COLORS.rail : kind === 'boundary' ? COLORS.boundary : COLORS.otherLine;
        lines.push({ ...base(l, 'line', 'line'), filter: LINE, layout, paint: { 'line-color': color, 'line-width': kind === 'boundary' ? 1.2 : 1.5, ...(kind === 'boundary' || kind === 'rail' ? { 'line-dasharray': [3, 2] } : {}) } });
      }
    }
    if (has('Point') && kind !== 'label') {
      points.push({ ...base(l, 'point', 'circle'), filter: POINT, layout, paint: { 'circle-radius': 2.5, 'circle-color': COLORS.point, 'circle-stroke-color': '#ffffff', 'circle-stroke-width': 1 } });
    }
    const name = nameField(l);
    if (name) {
      const text = ['coalesce', ['get', name], ''];
      const paint = { 'text-color': COLORS.text, 'text-halo-color': COLORS.halo, 'text-halo-width': 1.2 };
      if (has('LineString')) {
        labels.push({ ...base(l, 'line-label', 'symbol'), filter: LINE, layout: { ...layout, 'symbol-placement': 'line', 'text-field': text, 'text-font': font, 'text-size': 11 }, paint });
      }
      if (has('Point') || has('Polygon')) {
        labels.push({
          ...base(l, 'label', 'symbol'),
          filter: geom ? (geom === 'Point' ? POINT : POLYGON) : ['!=', ['geometry-type'], 'LineString'],
          layout: { ...layout, 'text-field': text, 'text-font': font, 'text-size': 11, 'text-max-width': 8, 'text-optional': true },
          paint,
        });
      }
    }
  }
  return [...areas, ...buildings, ...lines, ...points, ...labels];
}
