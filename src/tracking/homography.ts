/**
 * Homographies as 3x3 row-major arrays (`h[8]` is the bottom-right entry): applying, composing,
 * inverting, and fitting one to point correspondences (normalised DLT, then Gauss-Newton on the
 * reprojection error; `ransac.ts` makes that robust). Pure arithmetic over typed arrays.
 */

/** A 3x3 matrix, row-major. */
export type Mat3 = Float64Array;

export const identity = (): Mat3 => Float64Array.of(1, 0, 0, 0, 1, 0, 0, 0, 1);

/** `a · b` (apply `b` first), into `out` (which may alias neither input). */
export function multiply(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  out: Mat3 = new Float64Array(9),
): Mat3 {
  for (let r = 0; r < 3; r++) {
    const a0 = a[r * 3]!,
      a1 = a[r * 3 + 1]!,
      a2 = a[r * 3 + 2]!;
    out[r * 3] = a0 * b[0]! + a1 * b[3]! + a2 * b[6]!;
    out[r * 3 + 1] = a0 * b[1]! + a1 * b[4]! + a2 * b[7]!;
    out[r * 3 + 2] = a0 * b[2]! + a1 * b[5]! + a2 * b[8]!;
  }
  return out;
}

/** The inverse, scaled so that the bottom-right entry is 1 when it can be; null when singular. */
export function invert(h: ArrayLike<number>, out: Mat3 = new Float64Array(9)): Mat3 | null {
  const [a, b, c, d, e, f, g, i, j] = [
    h[0]!,
    h[1]!,
    h[2]!,
    h[3]!,
    h[4]!,
    h[5]!,
    h[6]!,
    h[7]!,
    h[8]!,
  ];
  const A = e * j - f * i,
    B = -(d * j - f * g),
    C = d * i - e * g;
  const det = a * A + b * B + c * C;
  if (!Number.isFinite(det) || Math.abs(det) < 1e-12) return null;
  out[0] = A;
  out[1] = -(b * j - c * i);
  out[2] = b * f - c * e;
  out[3] = B;
  out[4] = a * j - c * g;
  out[5] = -(a * f - c * d);
  out[6] = C;
  out[7] = -(a * i - b * g);
  out[8] = a * e - b * d;
  return normalise(out);
}

/** Scales `h` in place so that `h[8] = 1` (left as is when `h[8]` is about 0). */
export function normalise(h: Mat3): Mat3 {
  const s = h[8]!;
  if (Math.abs(s) > 1e-12) for (let k = 0; k < 9; k++) h[k]! /= s;
  return h;
}

/** Maps `(x, y)` through `h`, writing the result to `out[o], out[o + 1]`; false at infinity. */
export function project(
  h: ArrayLike<number>,
  x: number,
  y: number,
  out: Float32Array | Float64Array,
  o = 0,
): boolean {
  const w = h[6]! * x + h[7]! * y + h[8]!;
  if (!(Math.abs(w) > 1e-12)) return false;
  out[o] = (h[0]! * x + h[1]! * y + h[2]!) / w;
  out[o + 1] = (h[3]! * x + h[4]! * y + h[5]!) / w;
  return true;
}

/**
 * Sanity of a homography fitted from the keyframe: finite, orientation-preserving where the points
 * are, not degenerate (local scale within `[minScale, maxScale]` at `(cx, cy)`), and a bounded
 * perspective part (the horizon stays far outside `extent` pixels around the centre).
 */
export function isPlausible(
  h: ArrayLike<number>,
  cx: number,
  cy: number,
  extent: number,
  minScale = 0.2,
  maxScale = 5,
): boolean {
  for (let k = 0; k < 9; k++) if (!Number.isFinite(h[k]!)) return false;
  const w = h[6]! * cx + h[7]! * cy + h[8]!;
  if (!(w > 1e-9)) return false;
  // The horizon must stay well away: |w| changes by less than half over `extent` pixels.
  if ((Math.abs(h[6]!) + Math.abs(h[7]!)) * extent > 0.5 * w) return false;
  const scale = Math.sqrt(Math.max(0, localDeterminant(h, cx, cy)));
  return scale >= minScale && scale <= maxScale;
}

/** Determinant of the Jacobian of `h` at `(x, y)`: the local area scale (negative when mirrored). */
export function localDeterminant(h: ArrayLike<number>, x: number, y: number): number {
  const w = h[6]! * x + h[7]! * y + h[8]!;
  const u = (h[0]! * x + h[1]! * y + h[2]!) / w;
  const v = (h[3]! * x + h[4]! * y + h[5]!) / w;
  const j00 = (h[0]! - h[6]! * u) / w,
    j01 = (h[1]! - h[7]! * u) / w;
  const j10 = (h[3]! - h[6]! * v) / w,
    j11 = (h[4]! - h[7]! * v) / w;
  return j00 * j11 - j01 * j10;
}

// ---- Fitting -----------------------------------------------------------------------------------

/** Scratch for the 8x8 normal equations (one set per module: fitting is not re-entrant). */
const ata = new Float64Array(64);
const atb = new Float64Array(8);
const sol = new Float64Array(8);
const norm = new Float64Array(6);

/**
 * Least-squares homography from `src[k] -> dst[k]` for the `idx` entries (all when omitted),
 * with Hartley normalisation and `h[8] = 1` in normalised coordinates. Points are interleaved
 * `x, y`. Returns false when the points are degenerate.
 */
export function fitDlt(
  src: Float32Array,
  dst: Float32Array,
  idx: Int32Array,
  n: number,
  out: Mat3,
  weights?: Float32Array,
): boolean {
  if (n < 4) return false;
  normalisation(src, idx, n, norm, 0);
  normalisation(dst, idx, n, norm, 3);
  const [sm, sx, sy, dm, dx, dy] = norm as unknown as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  ata.fill(0);
  atb.fill(0);
  for (let k = 0; k < n; k++) {
    const i = idx[k]! * 2;
    const x = (src[i]! - sx) * sm,
      y = (src[i + 1]! - sy) * sm;
    const u = (dst[i]! - dx) * dm,
      v = (dst[i + 1]! - dy) * dm;
    const wt = weights ? weights[idx[k]!]! : 1;
    // Row 1: [x y 1 0 0 0 -xu -yu] · h = u;  row 2: [0 0 0 x y 1 -xv -yv] · h = v.
    accumulateRow(wt, x, y, 1, 0, 0, 0, -x * u, -y * u, u);
    accumulateRow(wt, 0, 0, 0, x, y, 1, -x * v, -y * v, v);
  }
  if (!solveSymmetric8(ata, atb, sol)) return false;
  // Hn maps normalised src to normalised dst; H = Td⁻¹ Hn Ts.
  const hn = Float64Array.of(
    sol[0]!,
    sol[1]!,
    sol[2]!,
    sol[3]!,
    sol[4]!,
    sol[5]!,
    sol[6]!,
    sol[7]!,
    1,
  );
  const ts = Float64Array.of(sm, 0, -sx * sm, 0, sm, -sy * sm, 0, 0, 1);
  const tdInv = Float64Array.of(1 / dm, 0, dx, 0, 1 / dm, dy, 0, 0, 1);
  multiply(tdInv, multiply(hn, ts), out);
  normalise(out);
  for (let k = 0; k < 9; k++) if (!Number.isFinite(out[k]!)) return false;
  return true;
}

const row = new Float64Array(9);
function accumulateRow(
  wt: number,
  a0: number,
  a1: number,
  a2: number,
  a3: number,
  a4: number,
  a5: number,
  a6: number,
  a7: number,
  b: number,
): void {
  row[0] = a0;
  row[1] = a1;
  row[2] = a2;
  row[3] = a3;
  row[4] = a4;
  row[5] = a5;
  row[6] = a6;
  row[7] = a7;
  for (let r = 0; r < 8; r++) {
    const ar = row[r]! * wt;
    if (ar === 0) continue;
    for (let c = r; c < 8; c++) ata[r * 8 + c]! += ar * row[c]!;
    atb[r]! += ar * b;
  }
}

/** Centroid and isotropic scale (mean distance √2) of the selected points, into `out[o..o+2]`. */
function normalisation(
  p: Float32Array,
  idx: Int32Array,
  n: number,
  out: Float64Array,
  o: number,
): void {
  let mx = 0,
    my = 0;
  for (let k = 0; k < n; k++) {
    const i = idx[k]! * 2;
    mx += p[i]!;
    my += p[i + 1]!;
  }
  mx /= n;
  my /= n;
  let d = 0;
  for (let k = 0; k < n; k++) {
    const i = idx[k]! * 2;
    d += Math.hypot(p[i]! - mx, p[i + 1]! - my);
  }
  d /= n;
  out[o] = d > 1e-9 ? Math.SQRT2 / d : 1;
  out[o + 1] = mx;
  out[o + 2] = my;
}

/**
 * Solves the symmetric positive system `A x = b` (8x8, upper triangle filled) by Cholesky.
 * Returns false when it is not positive definite (degenerate points).
 */
function solveSymmetric8(a: Float64Array, b: Float64Array, x: Float64Array): boolean {
  const n = 8;
  for (let r = 0; r < n; r++) for (let c = 0; c < r; c++) a[r * n + c] = a[c * n + r]!;
  // In-place Cholesky: lower triangle holds L.
  for (let j = 0; j < n; j++) {
    let s = a[j * n + j]!;
    for (let k = 0; k < j; k++) s -= a[j * n + k]! * a[j * n + k]!;
    if (!(s > 1e-12)) return false;
    const ljj = Math.sqrt(s);
    a[j * n + j] = ljj;
    for (let i = j + 1; i < n; i++) {
      let t = a[i * n + j]!;
      for (let k = 0; k < j; k++) t -= a[i * n + k]! * a[j * n + k]!;
      a[i * n + j] = t / ljj;
    }
  }
  for (let i = 0; i < n; i++) {
    let t = b[i]!;
    for (let k = 0; k < i; k++) t -= a[i * n + k]! * x[k]!;
    x[i] = t / a[i * n + i]!;
  }
  for (let i = n - 1; i >= 0; i--) {
    let t = x[i]!;
    for (let k = i + 1; k < n; k++) t -= a[k * n + i]! * x[k]!;
    x[i] = t / a[i * n + i]!;
  }
  return true;
}

/**
 * Gauss-Newton on the reprojection error `Σ |H(src) - dst|²` over the `idx` entries, starting
 * from `h` (updated in place, `h[8]` kept at 1). A few iterations polish a DLT fit.
 */
export function refineGeometric(
  src: Float32Array,
  dst: Float32Array,
  idx: Int32Array,
  n: number,
  h: Mat3,
  weights?: Float32Array,
  iterations = 2,
): void {
  if (n < 5) return;
  // Work around the centroid so that the 8 parameters are well scaled.
  normalisation(src, idx, n, norm, 0);
  normalisation(dst, idx, n, norm, 3);
  const sm = norm[0]!,
    sx = norm[1]!,
    sy = norm[2]!,
    dm = norm[3]!,
    dx = norm[4]!,
    dy = norm[5]!;
  const ts = Float64Array.of(sm, 0, -sx * sm, 0, sm, -sy * sm, 0, 0, 1);
  const tsInv = Float64Array.of(1 / sm, 0, sx, 0, 1 / sm, sy, 0, 0, 1);
  const td = Float64Array.of(dm, 0, -dx * dm, 0, dm, -dy * dm, 0, 0, 1);
  const tdInv = Float64Array.of(1 / dm, 0, dx, 0, 1 / dm, dy, 0, 0, 1);
  const hn = normalise(multiply(td, multiply(h, tsInv)));
  const cand = new Float64Array(9);
  let cost = reprojectionCost(hn, src, dst, idx, n, norm, weights);
  for (let it = 0; it < iterations; it++) {
    ata.fill(0);
    atb.fill(0);
    for (let k = 0; k < n; k++) {
      const i = idx[k]! * 2;
      const x = (src[i]! - sx) * sm,
        y = (src[i + 1]! - sy) * sm;
      const u = (dst[i]! - dx) * dm,
        v = (dst[i + 1]! - dy) * dm;
      const w = hn[6]! * x + hn[7]! * y + 1;
      const pu = (hn[0]! * x + hn[1]! * y + hn[2]!) / w;
      const pv = (hn[3]! * x + hn[4]! * y + hn[5]!) / w;
      const iw = 1 / w;
      const wt = weights ? weights[idx[k]!]! : 1;
      // Residuals pu - u, pv - v; rows of the Jacobian over h0..h7.
      accumulateRow(wt, x * iw, y * iw, iw, 0, 0, 0, -x * pu * iw, -y * pu * iw, u - pu);
      accumulateRow(wt, 0, 0, 0, x * iw, y * iw, iw, -x * pv * iw, -y * pv * iw, v - pv);
    }
    if (!solveSymmetric8(ata, atb, sol)) return;
    for (let k = 0; k < 8; k++) cand[k] = hn[k]! + sol[k]!;
    cand[8] = 1;
    const next = reprojectionCost(cand, src, dst, idx, n, norm, weights);
    if (!(next < cost)) break;
    cost = next;
    hn.set(cand);
  }
  multiply(tdInv, multiply(hn, ts), h);
  normalise(h);
}

function reprojectionCost(
  hn: ArrayLike<number>,
  src: Float32Array,
  dst: Float32Array,
  idx: Int32Array,
  n: number,
  nm: Float64Array,
  weights?: Float32Array,
): number {
  const sm = nm[0]!,
    sx = nm[1]!,
    sy = nm[2]!,
    dm = nm[3]!,
    dx = nm[4]!,
    dy = nm[5]!;
  let c = 0;
  for (let k = 0; k < n; k++) {
    const i = idx[k]! * 2;
    const x = (src[i]! - sx) * sm,
      y = (src[i + 1]! - sy) * sm;
    const w = hn[6]! * x + hn[7]! * y + hn[8]!;
    const eu = (hn[0]! * x + hn[1]! * y + hn[2]!) / w - (dst[i]! - dx) * dm;
    const ev = (hn[3]! * x + hn[4]! * y + hn[5]!) / w - (dst[i + 1]! - dy) * dm;
    c += (eu * eu + ev * ev) * (weights ? weights[idx[k]!]! : 1);
  }
  return c;
}
