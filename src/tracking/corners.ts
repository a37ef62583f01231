/**
 * Shi-Tomasi ("good features to track") corners in a rectangle of a luma image: the smaller
 * eigenvalue of the 5x5 structure tensor, 3x3 non-maximum suppression, a quality floor relative
 * to the strongest response, then a greedy pick, strongest first, that keeps a minimum distance.
 */

export interface CornerOptions {
  /** At most this many corners. */
  maxCount: number;
  /** Minimum distance between two corners, in pixels. */
  minDistance: number;
  /** Responses below this fraction of the strongest one are ignored. */
  quality: number;
  /** Corners keep this distance from the image edge. */
  border: number;
}

/**
 * Corners inside `[x0, y0, x1, y1)` of `img` (`width x height`), strongest first, as interleaved
 * `x, y` pixel coordinates.
 */
export function detectCorners(
  img: Uint8Array,
  width: number,
  height: number,
  x0: number,
  y0: number,
  x1: number,
  y1: number,
  o: CornerOptions,
): Float32Array {
  x0 = Math.max(Math.floor(x0), o.border, 3);
  y0 = Math.max(Math.floor(y0), o.border, 3);
  x1 = Math.min(Math.ceil(x1), width - o.border, width - 3);
  y1 = Math.min(Math.ceil(y1), height - o.border, height - 3);
  const rw = x1 - x0,
    rh = y1 - y0;
  if (rw < 3 || rh < 3) return new Float32Array(0);
  // Gradient products over the rectangle plus 2 pixels (the 5x5 box needs them).
  const gw = rw + 4,
    gh = rh + 4;
  const xx = new Float32Array(gw * gh),
    xy = new Float32Array(gw * gh),
    yy = new Float32Array(gw * gh);
  for (let y = 0; y < gh; y++) {
    const iy = y0 - 2 + y;
    for (let x = 0; x < gw; x++) {
      const i = iy * width + x0 - 2 + x;
      const dx = (img[i + 1]! - img[i - 1]!) * 0.5;
      const dy = (img[i + width]! - img[i - width]!) * 0.5;
      const q = y * gw + x;
      xx[q] = dx * dx;
      xy[q] = dx * dy;
      yy[q] = dy * dy;
    }
  }
  boxFilter5(xx, gw, gh);
  boxFilter5(xy, gw, gh);
  boxFilter5(yy, gw, gh);
  // Minimum eigenvalue over the rectangle.
  const response = new Float32Array(rw * rh);
  let max = 0;
  for (let y = 0; y < rh; y++) {
    for (let x = 0; x < rw; x++) {
      const q = (y + 2) * gw + x + 2;
      const a = xx[q]!,
        b = xy[q]!,
        c = yy[q]!;
      const m = (a + c) * 0.5 - Math.sqrt((a - c) * (a - c) * 0.25 + b * b);
      response[y * rw + x] = m;
      if (m > max) max = m;
    }
  }
  if (!(max > 0)) return new Float32Array(0);
  const floor = max * o.quality;
  // Local maxima (3x3) above the floor.
  const candidates: number[] = [];
  for (let y = 1; y < rh - 1; y++) {
    for (let x = 1; x < rw - 1; x++) {
      const i = y * rw + x;
      const v = response[i]!;
      if (v < floor) continue;
      if (
        v < response[i - 1]! ||
        v < response[i + 1]! ||
        v < response[i - rw]! ||
        v < response[i + rw]! ||
        v < response[i - rw - 1]! ||
        v < response[i - rw + 1]! ||
        v < response[i + rw - 1]! ||
        v < response[i + rw + 1]!
      )
        continue;
      candidates.push(i);
    }
  }
  candidates.sort((a, b) => response[b]! - response[a]!);
  // Greedy pick with a grid of cells the size of the minimum distance.
  const d = Math.max(1, o.minDistance);
  const d2 = d * d;
  const cw = Math.ceil(rw / d) + 1,
    ch = Math.ceil(rh / d) + 1;
  const grid: number[][] = Array.from({ length: cw * ch }, () => []);
  const out: number[] = [];
  for (const i of candidates) {
    if (out.length >= o.maxCount * 2) break;
    const x = i % rw,
      y = (i / rw) | 0;
    const cx = Math.floor(x / d),
      cy = Math.floor(y / d);
    let free = true;
    for (let gy = Math.max(0, cy - 1); free && gy <= Math.min(ch - 1, cy + 1); gy++) {
      for (let gx = Math.max(0, cx - 1); free && gx <= Math.min(cw - 1, cx + 1); gx++) {
        for (const j of grid[gy * cw + gx]!) {
          const ex = (j % rw) - x,
            ey = ((j / rw) | 0) - y;
          if (ex * ex + ey * ey < d2) {
            free = false;
            break;
          }
        }
      }
    }
    if (!free) continue;
    grid[cy * cw + cx]!.push(i);
    out.push(x + x0, y + y0);
  }
  return Float32Array.from(out);
}

/** In-place 5x5 box sum (separable); the 2-pixel border is left partial. */
function boxFilter5(a: Float32Array, w: number, h: number): void {
  const row = new Float32Array(Math.max(w, h));
  for (let y = 0; y < h; y++) {
    const o = y * w;
    for (let x = 2; x < w - 2; x++)
      row[x] = a[o + x - 2]! + a[o + x - 1]! + a[o + x]! + a[o + x + 1]! + a[o + x + 2]!;
    for (let x = 2; x < w - 2; x++) a[o + x] = row[x]!;
  }
  for (let x = 2; x < w - 2; x++) {
    for (let y = 2; y < h - 2; y++)
      row[y] =
        a[(y - 2) * w + x]! +
        a[(y - 1) * w + x]! +
        a[y * w + x]! +
        a[(y + 1) * w + x]! +
        a[(y + 2) * w + x]!;
    for (let y = 2; y < h - 2; y++) a[y * w + x] = row[y]!;
  }
}

/**
 * The smaller eigenvalue of the gradient matrix over the `(2 r + 1)²` window at integer `(x, y)`,
 * per pixel: how precisely a window there can be located (its inverse scales the variance).
 */
export function windowStrength(
  img: Uint8Array,
  width: number,
  x: number,
  y: number,
  r: number,
): number {
  let a = 0,
    b = 0,
    c = 0;
  for (let j = y - r; j <= y + r; j++) {
    for (let i = x - r; i <= x + r; i++) {
      const k = j * width + i;
      const dx = (img[k + 1]! - img[k - 1]!) * 0.5;
      const dy = (img[k + width]! - img[k - width]!) * 0.5;
      a += dx * dx;
      b += dx * dy;
      c += dy * dy;
    }
  }
  const n = (2 * r + 1) * (2 * r + 1);
  return ((a + c) * 0.5 - Math.sqrt((a - c) * (a - c) * 0.25 + b * b)) / n;
}

/** Reorders `xy` (in place) by the strength of each point's tracking window; returns the strengths. */
export function byWindowStrength(
  img: Uint8Array,
  width: number,
  xy: Float32Array,
  halfWindow: number,
): Float32Array {
  const n = xy.length / 2;
  const strength = new Float32Array(n);
  for (let p = 0; p < n; p++)
    strength[p] = windowStrength(
      img,
      width,
      Math.round(xy[2 * p]!),
      Math.round(xy[2 * p + 1]!),
      halfWindow,
    );
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => strength[b]! - strength[a]!);
  const copy = xy.slice();
  const sorted = new Float32Array(n);
  order.forEach((from, to) => {
    xy[2 * to] = copy[2 * from]!;
    xy[2 * to + 1] = copy[2 * from + 1]!;
    sorted[to] = strength[from]!;
  });
  return sorted;
}
