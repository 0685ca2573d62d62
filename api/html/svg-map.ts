/**
 * A small map of GeoJSON features (CRS84 lon/lat) as inline SVG, for the API's HTML pages: no
 * script, no tiles, nothing fetched, so it works offline and under the app's CSP. Each feature can
 * link to its own page. Plate carrée scaled by cos(latitude) at the centre, which is true to within
 * 0.5 % in scale across a district-sized view; a scale bar in metres and a north arrow.
 */
import type { Feature, Geometry, Position } from 'geojson';

export interface SvgMapOptions {
  widthPx?: number;
  heightPx?: number;
  /** Link of a feature (its HTML page), or none. */
  href?: (f: Feature) => string | undefined;
  /** Tooltip text of a feature. */
  label?: (f: Feature) => string;
}

const METERS_PER_DEGREE = 111_320;

function esc(s: string): string {
  return s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

function eachPosition(g: Geometry, fn: (p: Position) => void): void {
  switch (g.type) {
    case 'Point':
      return fn(g.coordinates);
    case 'MultiPoint':
    case 'LineString':
      return g.coordinates.forEach(fn);
    case 'MultiLineString':
    case 'Polygon':
      return g.coordinates.forEach((r) => r.forEach(fn));
    case 'MultiPolygon':
      return g.coordinates.forEach((p) => p.forEach((r) => r.forEach(fn)));
    case 'GeometryCollection':
      return g.geometries.forEach((x) => eachPosition(x, fn));
  }
}

/** Bounding box [minLon, minLat, maxLon, maxLat] of the features' geometries, or null when none has one. */
export function featuresBbox(features: Feature[]): [number, number, number, number] | null {
  let b: [number, number, number, number] | null = null;
  for (const f of features) {
    if (!f.geometry) continue;
    eachPosition(f.geometry, ([x, y]) => {
      if (!b) b = [x, y, x, y];
      else b = [Math.min(b[0], x), Math.min(b[1], y), Math.max(b[2], x), Math.max(b[3], y)];
    });
  }
  return b;
}

/** A round length (1, 2 or 5 × 10ⁿ metres) close to `meters`. */
function roundMeters(meters: number): number {
  const p = 10 ** Math.floor(Math.log10(meters));
  const m = meters / p;
  return (m >= 5 ? 5 : m >= 2 ? 2 : 1) * p;
}

/** The SVG markup of a map of `features` (geometries in CRS84), or '' when none has a geometry. */
export function svgMap(features: Feature[], opts: SvgMapOptions = {}): string {
  const width = opts.widthPx ?? 640;
  const height = opts.heightPx ?? 400;
  const bbox = featuresBbox(features);
  if (!bbox) return '';
  const pad = 16;
  const cos = Math.cos((((bbox[1] + bbox[3]) / 2) * Math.PI) / 180);
  // A point or a tiny extent still gets a view of ~200 m.
  const minSpan = 200 / METERS_PER_DEGREE;
  const spanX = Math.max((bbox[2] - bbox[0]) * cos, minSpan);
  const spanY = Math.max(bbox[3] - bbox[1], minSpan);
  const scale = Math.min((width - 2 * pad) / spanX, (height - 2 * pad) / spanY); // px per degree of latitude
  const cx = (bbox[0] + bbox[2]) / 2;
  const cy = (bbox[1] + bbox[3]) / 2;
  const px = ([x, y]: Position) => `${(width / 2 + (x - cx) * cos * scale).toFixed(1)},${(height / 2 - (y - cy) * scale).toFixed(1)}`;
  const ring = (r: Position[]) => `M${r.map(px).join('L')}Z`;
  const line = (l: Position[]) => `M${l.map(px).join('L')}`;
  const shape = (g: Geometry): string => {
    switch (g.type) {
      case 'Point': {
        const [x, y] = px(g.coordinates).split(',');
        return `<circle class="pt" r="4" cx="${x}" cy="${y}"/>`;
      }
      case 'MultiPoint':
        return g.coordinates.map((c) => shape({ type: 'Point', coordinates: c })).join('');
      case 'LineString':
        return `<path class="ln" d="${line(g.coordinates)}"/>`;
      case 'MultiLineString':
        return `<path class="ln" d="${g.coordinates.map(line).join('')}"/>`;
      case 'Polygon':
        return `<path class="pg" d="${g.coordinates.map(ring).join('')}"/>`;
      case 'MultiPolygon':
        return `<path class="pg" d="${g.coordinates.flatMap((p) => p.map(ring)).join('')}"/>`;
      case 'GeometryCollection':
        return g.geometries.map(shape).join('');
    }
  };
  // Polygons first, then lines, then points, so small things stay on top and clickable.
  const rank = (f: Feature) => (f.geometry?.type.includes('Polygon') ? 0 : f.geometry?.type.includes('Line') ? 1 : 2);
  const drawn = features
    .filter((f) => f.geometry)
    .sort((a, b) => rank(a) - rank(b))
    .map((f) => {
      const label = opts.label?.(f);
      const inner = `${label ? `<title>${esc(label)}</title>` : ''}${shape(f.geometry!)}`;
      const href = opts.href?.(f);
      return href ? `<a href="${esc(href)}">${inner}</a>` : `<g>${inner}</g>`;
    })
    .join('');
  const metersPerPx = METERS_PER_DEGREE / scale;
  const barMeters = roundMeters(metersPerPx * width * 0.2);
  const barPx = barMeters / metersPerPx;
  const barText = barMeters >= 1000 ? `${barMeters / 1000} km` : `${barMeters} m`;
  const y0 = height - 12;
  return `<svg class="map" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="地图 Map">
<style>.pg{fill:#1565c0;fill-opacity:.18;stroke:#1565c0;stroke-width:1.2;fill-rule:evenodd}.ln{fill:none;stroke:#c62828;stroke-width:2}.pt{fill:#e65100;stroke:#fff;stroke-width:1.5}a:hover .pg{fill-opacity:.45}a:hover .pt{fill:#b71c1c}.sb{fill:none;stroke:#222;stroke-width:2}.t{font:11px sans-serif;fill:#222}</style>
<rect width="100%" height="100%" fill="#f7f7f4"/>${drawn}
<path class="sb" d="M12,${y0 - 5}V${y0}H${(12 + barPx).toFixed(1)}V${y0 - 5}"/><text class="t" x="${(16 + barPx).toFixed(1)}" y="${y0}">${barText}</text>
<text class="t" x="${width - 18}" y="18" text-anchor="middle">N</text><path d="M${width - 18},22l-5,12h10z" fill="#222"/></svg>`;
}
