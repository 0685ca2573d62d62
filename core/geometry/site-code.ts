/**
 * A site geometry (lon/lat) as a short URL-safe code, for share links (issue 13 #17): positions in
 * 1e-7 degrees (about 1 cm), each the difference from the one before, zigzag varints, base64url.
 * Rings are written open (the closing position is the first again). A 20-corner site of ~700 m is ~150
 * characters. Pure: no DOM.
 *
 *   code = <type letter> <base64url bytes>     P Point · L LineString · A Polygon · M MultiPolygon
 *   bytes: counts (rings, positions) then positions as varint(zigzag(Δlon)), varint(zigzag(Δlat))
 */

export type CodedSite =
  | { type: 'Point'; coordinates: [number, number] }
  | { type: 'LineString'; coordinates: [number, number][] }
  | { type: 'Polygon'; coordinates: [number, number][][] }
  | { type: 'MultiPolygon'; coordinates: [number, number][][][] };

const SCALE = 1e7;
const LETTER = { Point: 'P', LineString: 'L', Polygon: 'A', MultiPolygon: 'M' } as const;
/** Most positions a code is decoded to: a link is no way to send a cadastral layer. */
const MAX_POSITIONS = 20_000;

function toBase64Url(bytes: number[]): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x2000) s += String.fromCharCode(...bytes.slice(i, i + 0x2000));
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64Url(text: string): number[] | null {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) return null;
  try {
    const s = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
    return Array.from(s, (c) => c.charCodeAt(0));
  } catch {
    return null;
  }
}

class Writer {
  readonly bytes: number[] = [];
  private last: [number, number] = [0, 0];
  uint(n: number) {
    // Numbers up to 2^53: division, not bit operations (which stop at 32 bits).
    let v = n;
    while (v >= 0x80) {
      this.bytes.push((v % 0x80) | 0x80);
      v = Math.floor(v / 0x80);
    }
    this.bytes.push(v);
  }
  int(n: number) {
    this.uint(n < 0 ? -2 * n - 1 : 2 * n);
  }
  position(p: readonly number[]) {
    const q: [number, number] = [Math.round(p[0] * SCALE), Math.round(p[1] * SCALE)];
    this.int(q[0] - this.last[0]);
    this.int(q[1] - this.last[1]);
    this.last = q;
  }
  ring(ring: readonly (readonly number[])[], closed: boolean) {
    const open = closed && ring.length > 1 && ring[0][0] === ring[ring.length - 1][0] && ring[0][1] === ring[ring.length - 1][1] ? ring.slice(0, -1) : ring;
    this.uint(open.length);
    for (const p of open) this.position(p);
  }
}

class Reader {
  private i = 0;
  private last: [number, number] = [0, 0];
  positions = 0;
  constructor(private readonly bytes: number[]) {}
  get done() {
    return this.i === this.bytes.length;
  }
  uint(): number {
    let v = 0;
    let f = 1;
    for (;;) {
      if (this.i >= this.bytes.length || f > 2 ** 49) throw new Error('truncated');
      const b = this.bytes[this.i++];
      v += (b & 0x7f) * f;
      if (b < 0x80) return v;
      f *= 0x80;
    }
  }
  int(): number {
    const u = this.uint();
    return u % 2 ? -(u + 1) / 2 : u / 2;
  }
  position(): [number, number] {
    if (++this.positions > MAX_POSITIONS) throw new Error('too many');
    const q: [number, number] = [this.last[0] + this.int(), this.last[1] + this.int()];
    this.last = q;
    const p: [number, number] = [q[0] / SCALE, q[1] / SCALE];
    if (Math.abs(p[0]) > 180 || Math.abs(p[1]) > 90) throw new Error('out of range');
    return p;
  }
  ring(closed: boolean): [number, number][] {
    const n = this.uint();
    if (n > MAX_POSITIONS) throw new Error('too many');
    const ring = Array.from({ length: n }, () => this.position());
    if (closed) {
      if (ring.length < 3) throw new Error('ring');
      ring.push([ring[0][0], ring[0][1]]);
    }
    return ring;
  }
  polygon(): [number, number][][] {
    const n = this.uint();
    if (n < 1 || n > MAX_POSITIONS) throw new Error('rings');
    return Array.from({ length: n }, () => this.ring(true));
  }
}

/** The code of a site (lon/lat), e.g. "AAwDg…". */
export function encodeSite(site: CodedSite): string {
  const w = new Writer();
  switch (site.type) {
    case 'Point':
      w.position(site.coordinates);
      break;
    case 'LineString':
      w.ring(site.coordinates, false);
      break;
    case 'Polygon':
      w.uint(site.coordinates.length);
      for (const r of site.coordinates) w.ring(r, true);
      break;
    case 'MultiPolygon':
      w.uint(site.coordinates.length);
      for (const poly of site.coordinates) {
        w.uint(poly.length);
        for (const r of poly) w.ring(r, true);
      }
      break;
  }
  return LETTER[site.type] + toBase64Url(w.bytes);
}

/** The site a code describes, or null for a code that is broken, truncated, too long or out of range. */
export function decodeSite(code: string): CodedSite | null {
  if (typeof code !== 'string' || code.length < 2) return null;
  const bytes = fromBase64Url(code.slice(1));
  if (!bytes) return null;
  const r = new Reader(bytes);
  try {
    let site: CodedSite;
    switch (code[0]) {
      case 'P':
        site = { type: 'Point', coordinates: r.position() };
        break;
      case 'L': {
        const line = r.ring(false);
        if (line.length < 2) return null;
        site = { type: 'LineString', coordinates: line };
        break;
      }
      case 'A':
        site = { type: 'Polygon', coordinates: r.polygon() };
        break;
      case 'M': {
        const n = r.uint();
        if (n < 1 || n > MAX_POSITIONS) return null;
        site = { type: 'MultiPolygon', coordinates: Array.from({ length: n }, () => r.polygon()) };
        break;
      }
      default:
        return null;
    }
    return r.done ? site : null;
  } catch {
    return null;
  }
}
