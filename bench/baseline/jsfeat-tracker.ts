/**
 * The baseline for `bench/tracking.ts`: the same planar tracking pipeline built on jsfeat 0.0.8's
 * pyramidal Lucas-Kanade (an OpenCV port; dev-only dependency). Per frame: jsfeat's pyramid (4
 * levels), its LK from the previous frame (15x15 window, <= 10 iterations; it takes no initial guess,
 * so no prediction), a forward-backward check, and our RANSAC homography from the keyframe
 * positions; lost points come back from the same keyframe corners as in our tracker. What differs
 * is exactly what our tracker adds: prediction, ROI-limited pyramids, keyframe re-measurement.
 */
import jsfeat, { type PyramidT } from 'jsfeat';
import { detectCorners } from '../../src/tracking/corners.js';
import { project } from '../../src/tracking/homography.js';
import { createRandom, ransacHomography } from '../../src/tracking/ransac.js';
import type { TrackResult } from '../../src/tracking/index.js';

const LEVELS = 4;
const WINDOW = 15;
const MAX_POINTS = 80;

export function createJsfeatTracker(o: {
  width: number;
  height: number;
  keyframe: Uint8Array;
  region: readonly [number, number, number, number];
}) {
  const { width: w, height: h } = o;
  const pyramid = () => {
    const p = new jsfeat.pyramid_t(LEVELS);
    p.allocate(w, h, jsfeat.U8_t | jsfeat.C1_t);
    return p;
  };
  let prev: PyramidT = pyramid();
  let curr: PyramidT = pyramid();
  prev.data[0]!.data.set(o.keyframe.subarray(0, w * h));
  prev.build(prev.data[0]!, true);

  // The same keyframe corners as our tracker's pool.
  const [rx, ry, rw, rh] = o.region;
  const min = 0.2 * Math.min(w, h);
  const gw = Math.max(rw * 1.3, min),
    gh = Math.max(rh * 1.3, min);
  const cx = rx + rw / 2,
    cy = ry + rh / 2;
  const [ax0, ay0, ax1, ay1] = [
    Math.max(0, cx - gw / 2),
    Math.max(0, cy - gh / 2),
    Math.min(w, cx + gw / 2),
    Math.min(h, cy + gh / 2),
  ];
  const pool = detectCorners(o.keyframe, w, h, ax0, ay0, ax1, ay1, {
    maxCount: Math.ceil(2.5 * MAX_POINTS),
    minDistance: Math.max(6, Math.sqrt(((ax1 - ax0) * (ay1 - ay0)) / (2.5 * MAX_POINTS))),
    quality: 0.005,
    border: 10,
  });
  const poolSize = pool.length / 2;
  const ids: number[] = [];
  const kfXY = new Float32Array(2 * poolSize);
  const cur = new Float32Array(2 * poolSize);
  for (let p = 0; p < Math.min(MAX_POINTS, poolSize); p++) ids.push(p);
  kfXY.set(pool);
  cur.set(pool);
  const pose = Float64Array.of(1, 0, 0, 0, 1, 0, 0, 0, 1);
  const fit = new Float64Array(9);
  const random = createRandom(0x2545f491);
  const inlier = new Uint8Array(poolSize);
  const all = new Float32Array(2 * poolSize);
  const at = new Float64Array(2);

  return {
    track(luma: Uint8Array): TrackResult {
      curr.data[0]!.data.set(luma.subarray(0, w * h));
      curr.build(curr.data[0]!, true);
      const n = ids.length;
      const a = new Float32Array(2 * n),
        b = new Float32Array(2 * n),
        back = new Float32Array(2 * n);
      ids.forEach((p, k) => {
        a[2 * k] = cur[2 * p]!;
        a[2 * k + 1] = cur[2 * p + 1]!;
      });
      const s1 = new Uint8Array(n),
        s2 = new Uint8Array(n);
      jsfeat.optical_flow_lk.track(prev, curr, a, b, n, WINDOW, 10, s1, 0.02, 1e-4);
      jsfeat.optical_flow_lk.track(curr, prev, b, back, n, WINDOW, 10, s2, 0.02, 1e-4);
      const candidates: number[] = [];
      for (let k = 0; k < n; k++) {
        if (
          !s1[k] ||
          !s2[k] ||
          Math.hypot(back[2 * k]! - a[2 * k]!, back[2 * k + 1]! - a[2 * k + 1]!) > 1
        )
          continue;
        const p = ids[k]!;
        all[2 * p] = b[2 * k]!;
        all[2 * p + 1] = b[2 * k + 1]!;
        candidates.push(p);
      }
      const t = prev;
      prev = curr;
      curr = t;
      const count = ransacHomography(
        kfXY,
        all,
        Int32Array.from(candidates),
        candidates.length,
        { threshold: 2, maxIterations: 200, random },
        fit,
        inlier,
      );
      if (count < 8) return { H: null, state: 'lost', inliers: 0 };
      pose.set(fit);
      ids.length = 0;
      for (const p of candidates)
        if (inlier[p]) {
          ids.push(p);
          cur[2 * p] = all[2 * p]!;
          cur[2 * p + 1] = all[2 * p + 1]!;
        }
      const refill = ids.length < 0.7 * MAX_POINTS;
      for (let p = 0; refill && p < poolSize && ids.length < MAX_POINTS; p++) {
        if (ids.includes(p) || !project(pose, kfXY[2 * p]!, kfXY[2 * p + 1]!, at)) continue;
        if (at[0]! < 10 || at[1]! < 10 || at[0]! > w - 11 || at[1]! > h - 11) continue;
        ids.push(p);
        cur[2 * p] = at[0]!;
        cur[2 * p + 1] = at[1]!;
      }
      return { H: Array.from(pose), state: 'tracking', inliers: count };
    },
  };
}
