/**
 * Synthetic parcel layers for the city-scale benchmarks and tests (issue 12): `n` small irregular
 * quadrilaterals filling a block of central Xincheng row by row, the same for the same `n`.
 */

/** The block the parcels fill (lon/lat): central Xincheng, ~6.7 km × 5.5 km. */
export const BLOCK = { west: 111.66, south: 40.80, east: 111.74, north: 40.85 };

/** `n` small irregular quadrilaterals (jittered corners, 55–80 % of their grid cell) filling BLOCK row by row. */
export function parcels(n: number) {
  const cols = Math.ceil(Math.sqrt(n * ((BLOCK.east - BLOCK.west) * Math.cos((40.825 * Math.PI) / 180)) / (BLOCK.north - BLOCK.south)));
  const rows = Math.ceil(n / cols);
  const dx = (BLOCK.east - BLOCK.west) / cols;
  const dy = (BLOCK.north - BLOCK.south) / rows;
  let seed = 42;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const r7 = (v: number) => Math.round(v * 1e7) / 1e7;
  const out = [];
  for (let i = 0; i < n; i++) {
    const x = BLOCK.west + (i % cols) * dx;
    const y = BLOCK.south + Math.floor(i / cols) * dy;
    const s = 0.55 + rnd() * 0.25;
    const j = () => (rnd() - 0.5) * 0.15;
    const ring = [
      [x + dx * j(), y + dy * j()],
      [x + dx * (s + j()), y + dy * j()],
      [x + dx * (s + j()), y + dy * (s + j())],
      [x + dx * j(), y + dy * (s + j())],
    ].map(([a, b]) => [r7(a), r7(b)]);
    out.push({ type: 'Feature', properties: { name_zh: `宗地${i + 1}`, use: ['居住', '商业', '工业', '绿地'][i % 4] }, geometry: { type: 'Polygon', coordinates: [[...ring, ring[0]]] } });
  }
  return out;
}

/** The tile (x, y) at zoom z holding a lon/lat point (WebMercatorQuad). */
export function tileOf(lon: number, lat: number, z: number) {
  const n = 2 ** z;
  const r = (lat * Math.PI) / 180;
  return { x: Math.floor(((lon + 180) / 360) * n), y: Math.floor(((1 - Math.log(Math.tan(r) + 1 / Math.cos(r)) / Math.PI) / 2) * n) };
}

/** The tiles of zoom z over BLOCK, at most `max`, nearest the centre first. */
export function blockTiles(z: number, max = 12) {
  const a = tileOf(BLOCK.west, BLOCK.north, z);
  const b = tileOf(BLOCK.east, BLOCK.south, z);
  const c = tileOf((BLOCK.west + BLOCK.east) / 2, (BLOCK.south + BLOCK.north) / 2, z);
  const all = [];
  for (let x = a.x; x <= b.x; x++) for (let y = a.y; y <= b.y; y++) all.push({ z, x, y });
  return all.sort((p, q) => Math.hypot(p.x - c.x, p.y - c.y) - Math.hypot(q.x - c.x, q.y - c.y)).slice(0, max);
}
