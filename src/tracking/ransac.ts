/**
 * Robust fitting: RANSAC over 4-point samples with an adaptive iteration count, then least
 * squares and Gauss-Newton on the inliers. Seeded, so the same input always does the same work.
 */
import { fitDlt, refineGeometric, type Mat3 } from './homography.js';

/** A small seeded PRNG (xorshift32), so RANSAC does the same work on the same input. */
export function createRandom(seed = 0x9e3779b9): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 4294967296;
  };
}

export interface RansacOptions {
  /** Inlier distance in pixels of `dst`. */
  threshold: number;
  maxIterations: number;
  /** Confidence for the adaptive iteration count. */
  confidence?: number;
  random: () => number;
  /** Per-point weights for the final least squares (indexed like the points), e.g. texture strength. */
  weights?: Float32Array;
}

/**
 * RANSAC over 4-point samples of `src -> dst` for the entries listed in `candidates` (length
 * `n`), then least squares and Gauss-Newton on the inliers. Writes the model to `out`, the
 * inlier flags (1/0, indexed like the points) to `inlier`, and returns the inlier count (0 when no
 * model was found).
 */
export function ransacHomography(
  src: Float32Array,
  dst: Float32Array,
  candidates: Int32Array,
  n: number,
  options: RansacOptions,
  out: Mat3,
  inlier: Uint8Array,
): number {
  if (n < 4) return 0;
  const t2 = options.threshold * options.threshold;
  const confidence = options.confidence ?? 0.995;
  const sample = new Int32Array(4);
  const model = new Float64Array(9);
  const best = new Float64Array(9);
  let bestCount = 0;
  let needed = options.maxIterations;
  for (let it = 0; it < needed && it < options.maxIterations; it++) {
    if (!drawSample(candidates, n, sample, src, options.random)) continue;
    if (!fitDlt(src, dst, sample, 4, model)) continue;
    const count = countInliers(model, src, dst, candidates, n, t2);
    if (count > bestCount) {
      bestCount = count;
      best.set(model);
      const w = count / n;
      const p = Math.pow(w, 4);
      needed =
        p >= 1
          ? 0
          : Math.min(options.maxIterations, Math.ceil(Math.log(1 - confidence) / Math.log(1 - p)));
    }
  }
  if (bestCount < 4) return 0;
  // Polish: least squares on the inliers, twice (the inlier set can grow), then Gauss-Newton.
  out.set(best);
  const set = new Int32Array(n);
  let m = 0;
  for (let pass = 0; pass < 3; pass++) {
    m = collectInliers(out, src, dst, candidates, n, t2, set);
    if (m < 4) {
      out.set(best);
      m = collectInliers(out, src, dst, candidates, n, t2, set);
      break;
    }
    if (pass < 2) {
      if (!fitDlt(src, dst, set, m, model, options.weights)) break;
      out.set(model);
    } else {
      refineGeometric(src, dst, set, m, out, options.weights);
      m = collectInliers(out, src, dst, candidates, n, t2, set);
    }
  }
  inlier.fill(0);
  for (let k = 0; k < m; k++) inlier[set[k]!] = 1;
  return m;
}

function drawSample(
  candidates: Int32Array,
  n: number,
  sample: Int32Array,
  src: Float32Array,
  random: () => number,
): boolean {
  for (let k = 0; k < 4; k++) {
    let pick = 0;
    let tries = 0;
    do {
      pick = candidates[Math.floor(random() * n)]!;
      tries++;
    } while (tries < 20 && sample.subarray(0, k).includes(pick));
    if (sample.subarray(0, k).includes(pick)) return false;
    sample[k] = pick;
  }
  // Reject near-collinear triples: they make the fit ill-conditioned.
  for (let a = 0; a < 4; a++) {
    const i = sample[(a + 1) % 4]! * 2,
      j = sample[(a + 2) % 4]! * 2,
      k = sample[(a + 3) % 4]! * 2;
    const area =
      (src[j]! - src[i]!) * (src[k + 1]! - src[i + 1]!) -
      (src[j + 1]! - src[i + 1]!) * (src[k]! - src[i]!);
    if (Math.abs(area) < 4) return false;
  }
  return true;
}

function countInliers(
  h: Mat3,
  src: Float32Array,
  dst: Float32Array,
  candidates: Int32Array,
  n: number,
  t2: number,
): number {
  let count = 0;
  const h0 = h[0]!,
    h1 = h[1]!,
    h2 = h[2]!,
    h3 = h[3]!,
    h4 = h[4]!,
    h5 = h[5]!,
    h6 = h[6]!,
    h7 = h[7]!,
    h8 = h[8]!;
  for (let k = 0; k < n; k++) {
    const i = candidates[k]! * 2;
    const x = src[i]!,
      y = src[i + 1]!;
    const w = h6 * x + h7 * y + h8;
    if (!(w > 0)) continue;
    const du = (h0 * x + h1 * y + h2) / w - dst[i]!;
    const dv = (h3 * x + h4 * y + h5) / w - dst[i + 1]!;
    if (du * du + dv * dv <= t2) count++;
  }
  return count;
}

function collectInliers(
  h: Mat3,
  src: Float32Array,
  dst: Float32Array,
  candidates: Int32Array,
  n: number,
  t2: number,
  set: Int32Array,
): number {
  let m = 0;
  for (let k = 0; k < n; k++) {
    const p = candidates[k]!;
    const i = p * 2;
    const x = src[i]!,
      y = src[i + 1]!;
    const w = h[6]! * x + h[7]! * y + h[8]!;
    if (!(w > 0)) continue;
    const du = (h[0]! * x + h[1]! * y + h[2]!) / w - dst[i]!;
    const dv = (h[3]! * x + h[4]! * y + h[5]!) / w - dst[i + 1]!;
    if (du * du + dv * dv <= t2) set[m++] = p;
  }
  return m;
}
