/**
 * Pyramidal Lucas-Kanade (Bouguet's formulation): each point's window in the previous frame is
 * aligned with the current frame, coarse to fine, from an initial guess (a prediction). Work is
 * proportional to points x window area, not to the frame size: no derivative images, the window
 * and its Scharr gradients are interpolated once per level, and every window sample shares the
 * same bilinear weights.
 */
import { fromLevel, toLevel, type Pyramid } from './pyramid.js';

export interface LkOptions {
  /** Half the window side: 7 gives 15x15. */
  halfWindow: number;
  /** Pyramid levels used (top level = levels - 1); at most the pyramids' count. */
  levels: number;
  maxIterations: number;
  /** Stop when a step is shorter than this, in pixels of level 0 ... */
  epsilon: number;
  /** ... and of the coarser levels. */
  coarseEpsilon: number;
  /** Minimum eigenvalue of the gradient matrix per window pixel; below it the window is flat. */
  minEigen: number;
}

/** Scratch buffers for one window size. */
export class LkScratch {
  readonly patch: Float32Array;
  readonly ix: Float32Array;
  readonly iy: Float32Array;
  readonly it: Float32Array;
  /** Where the last aligned level ended. */
  outX = 0;
  outY = 0;
  constructor(readonly halfWindow: number) {
    const side = 2 * halfWindow + 1;
    this.patch = new Float32Array((side + 2) * (side + 2));
    this.ix = new Float32Array(side * side);
    this.iy = new Float32Array(side * side);
    this.it = new Float32Array(side * side);
  }
}

/**
 * Tracks the points listed in `idx` (length `n`) from `prevXY` in `prev` to `nextXY` in `curr`.
 * `nextXY` holds the initial guesses on entry and the results on exit; `status[p]` is set to 1 for
 * a tracked point and 0 for a lost one. Coordinates are level-0 pixels, interleaved `x, y`.
 */
export function trackPoints(
  prev: Pyramid,
  curr: Pyramid,
  prevXY: Float32Array,
  nextXY: Float32Array,
  status: Uint8Array,
  idx: Int32Array,
  n: number,
  o: LkOptions,
  s: LkScratch,
): void {
  const top = Math.min(o.levels, prev.count, curr.count) - 1;
  for (let k = 0; k < n; k++) {
    const p = idx[k]!;
    const px = prevXY[2 * p]!,
      py = prevXY[2 * p + 1]!;
    let nx = toLevel(nextXY[2 * p]!, top),
      ny = toLevel(nextXY[2 * p + 1]!, top);
    let ok = true;
    for (let l = top; l >= 0; l--) {
      const result = alignLevel(prev, curr, l, toLevel(px, l), toLevel(py, l), nx, ny, o, s);
      if (result === FAILED) {
        if (l === 0) ok = false;
      } else {
        nx = s.outX;
        ny = s.outY;
      }
      if (!ok) break;
      if (l > 0) {
        nx = fromLevel(nx, 1);
        ny = fromLevel(ny, 1);
      }
    }
    status[p] = ok ? 1 : 0;
    if (ok) {
      nextXY[2 * p] = nx;
      nextXY[2 * p + 1] = ny;
    }
  }
}

const FAILED = 0;
const DONE = 1;

/** One level of LK for one point; the result goes to `s.outX, s.outY`. */
function alignLevel(
  prev: Pyramid,
  curr: Pyramid,
  l: number,
  px: number,
  py: number,
  nx: number,
  ny: number,
  o: LkOptions,
  s: LkScratch,
): number {
  const r = o.halfWindow;
  if (!prev.contains(l, px, py, r + 1)) return FAILED;
  const side = 2 * r + 1;
  const ps = side + 2;
  // The previous window plus a 1-pixel border, interpolated with shared bilinear weights.
  interpolate(prev.levels[l]!, prev.widths[l]!, px - r - 1, py - r - 1, ps, s.patch);
  const patch = s.patch,
    gx = s.ix,
    gy = s.iy,
    tv = s.it;
  let gxx = 0,
    gxy = 0,
    gyy = 0;
  for (let y = 0; y < side; y++) {
    let c = (y + 1) * ps + 1;
    let q = y * side;
    for (let x = 0; x < side; x++, c++, q++) {
      // Scharr, normalised to a unit step.
      const dx =
        (3 * (patch[c - ps + 1]! - patch[c - ps - 1]! + patch[c + ps + 1]! - patch[c + ps - 1]!) +
          10 * (patch[c + 1]! - patch[c - 1]!)) *
        (1 / 32);
      const dy =
        (3 * (patch[c + ps - 1]! - patch[c - ps - 1]! + patch[c + ps + 1]! - patch[c - ps + 1]!) +
          10 * (patch[c + ps]! - patch[c - ps]!)) *
        (1 / 32);
      gx[q] = dx;
      gy[q] = dy;
      tv[q] = patch[c]!;
      gxx += dx * dx;
      gxy += dx * dy;
      gyy += dy * dy;
    }
  }
  const area = side * side;
  const det = gxx * gyy - gxy * gxy;
  const minEig = (gxx + gyy - Math.sqrt((gxx - gyy) * (gxx - gyy) + 4 * gxy * gxy)) / (2 * area);
  if (!(minEig >= o.minEigen) || !(det > 0)) return FAILED;
  const i00 = gyy / det,
    i01 = -gxy / det,
    i11 = gxx / det;
  const eps = l === 0 ? o.epsilon : o.coarseEpsilon;
  const eps2 = eps * eps;
  const J = curr.levels[l]!,
    w = curr.widths[l]!;
  for (let it = 0; it < o.maxIterations; it++) {
    if (!curr.contains(l, nx, ny, r)) return FAILED;
    const fx0 = Math.floor(nx),
      fy0 = Math.floor(ny);
    const ax = nx - fx0,
      ay = ny - fy0;
    const w00 = (1 - ax) * (1 - ay),
      w01 = ax * (1 - ay),
      w10 = (1 - ax) * ay,
      w11 = ax * ay;
    let bx = 0,
      by = 0;
    let q = 0;
    for (let y = 0; y < side; y++) {
      let j = (fy0 - r + y) * w + fx0 - r;
      for (let x = 0; x < side; x++, j++, q++) {
        const v = J[j]! * w00 + J[j + 1]! * w01 + J[j + w]! * w10 + J[j + w + 1]! * w11;
        const diff = tv[q]! - v;
        bx += diff * gx[q]!;
        by += diff * gy[q]!;
      }
    }
    const dx = i00 * bx + i01 * by,
      dy = i01 * bx + i11 * by;
    nx += dx;
    ny += dy;
    if (dx * dx + dy * dy < eps2) break;
  }
  s.outX = nx;
  s.outY = ny;
  return DONE;
}

/** Samples a `size x size` block at `(x0 + i, y0 + j)` with shared bilinear weights. */
function interpolate(
  img: Uint8Array,
  w: number,
  x0: number,
  y0: number,
  size: number,
  out: Float32Array,
): void {
  const fx = Math.floor(x0),
    fy = Math.floor(y0);
  const ax = x0 - fx,
    ay = y0 - fy;
  const w00 = (1 - ax) * (1 - ay),
    w01 = ax * (1 - ay),
    w10 = (1 - ax) * ay,
    w11 = ax * ay;
  let q = 0;
  for (let y = 0; y < size; y++) {
    let j = (fy + y) * w + fx;
    for (let x = 0; x < size; x++, j++, q++) {
      out[q] = img[j]! * w00 + img[j + 1]! * w01 + img[j + w]! * w10 + img[j + w + 1]! * w11;
    }
  }
}
