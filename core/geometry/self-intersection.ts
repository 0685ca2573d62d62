/**
 * Where a boundary-point ring crosses itself (界址点 out of order): the crossing points and the two
 * segments of each, so the map can mark them before anything is repaired. Pure; O(n²) on the
 * segments, which is fine for pasted lists (a few hundred points at most are typed by hand).
 */

export interface SelfIntersection {
  /** The crossing point, in the ring's coordinates. */
  point: [number, number];
  /** The two crossing segments as indexes: segment i runs from point i to point i + 1 (0-based, as listed). */
  segments: [number, number];
}

/** Most crossings reported (a scrambled list of many points crosses itself everywhere). */
const MAX_REPORTED = 50;

function cross(ax: number, ay: number, bx: number, by: number): number {
  return ax * by - ay * bx;
}

/**
 * The proper crossings and touchings between non-adjacent segments of a ring (closed or not:
 * the closing segment is included). Positions are shifted to the first point for precision.
 */
export function ringSelfIntersections(ring: readonly (readonly number[])[]): SelfIntersection[] {
  let pts = ring.map((p) => [p[0], p[1]] as [number, number]);
  if (pts.length > 1 && pts[0][0] === pts.at(-1)![0] && pts[0][1] === pts.at(-1)![1]) pts = pts.slice(0, -1);
  const n = pts.length;
  if (n < 4) return [];
  const [ox, oy] = pts[0];
  const p = pts.map(([x, y]) => [x - ox, y - oy]);
  const out: SelfIntersection[] = [];
  for (let i = 0; i < n && out.length < MAX_REPORTED; i++) {
    const [ax, ay] = p[i];
    const [bx, by] = p[(i + 1) % n];
    for (let j = i + 2; j < n && out.length < MAX_REPORTED; j++) {
      if (i === 0 && j === n - 1) continue; // adjacent through the closing point
      const [cx, cy] = p[j];
      const [dx, dy] = p[(j + 1) % n];
      const rx = bx - ax;
      const ry = by - ay;
      const sx = dx - cx;
      const sy = dy - cy;
      const denom = cross(rx, ry, sx, sy);
      if (denom === 0) continue; // parallel (a collinear overlap is left to the server's check)
      const t = cross(cx - ax, cy - ay, sx, sy) / denom;
      const u = cross(cx - ax, cy - ay, rx, ry) / denom;
      if (t >= 0 && t <= 1 && u >= 0 && u <= 1) out.push({ point: [ox + ax + t * rx, oy + ay + t * ry], segments: [i, j] });
    }
  }
  return out;
}
