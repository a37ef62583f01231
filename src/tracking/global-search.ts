/**
 * Relocalisation's wide search: the keyframe region, warped by the last known pose, is slid over a
 * coarse level of the current frame (every offset, normalised cross-correlation over the pixels that
 * belong to the region). It finds where the target went while it was covered or out of view, as a
 * translation; the pyramidal alignment that follows recovers rotation, scale and perspective.
 */
import { project, type Mat3 } from './homography.js';
import { fromLevel, toLevel, type Pyramid } from './pyramid.js';

/** `[x0, y0, x1, y1]` of the keyframe region, in keyframe pixels. */
export type Rect = readonly [number, number, number, number];

export interface Found {
  /** The translation to apply after `pose`, in level-0 pixels. */
  dx: number;
  dy: number;
  ncc: number;
}

/**
 * Searches `level` of `curr` for the keyframe region `rect` as it would look under `pose`
 * (keyframe -> current, pixels). Returns the best offset, or null when the region is too small at
 * that level or nothing correlates.
 */
export function searchTranslation(
  kf: Pyramid,
  curr: Pyramid,
  pose: Mat3,
  hInv: Mat3,
  rect: Rect,
  level: number,
): Found | null {
  // The region's bounding box under the pose, on the search level.
  const corners = new Float64Array(8);
  const xs = [rect[0], rect[2], rect[2], rect[0]],
    ys = [rect[1], rect[1], rect[3], rect[3]];
  for (let k = 0; k < 4; k++) if (!project(pose, xs[k]!, ys[k]!, corners, 2 * k)) return null;
  let bx0 = Infinity,
    by0 = Infinity,
    bx1 = -Infinity,
    by1 = -Infinity;
  for (let k = 0; k < 4; k++) {
    bx0 = Math.min(bx0, corners[2 * k]!);
    bx1 = Math.max(bx1, corners[2 * k]!);
    by0 = Math.min(by0, corners[2 * k + 1]!);
    by1 = Math.max(by1, corners[2 * k + 1]!);
  }
  const tx0 = Math.floor(toLevel(bx0, level)),
    ty0 = Math.floor(toLevel(by0, level));
  const tw = Math.ceil(toLevel(bx1, level)) - tx0,
    th = Math.ceil(toLevel(by1, level)) - ty0;
  const W = curr.widths[level]!,
    H = curr.heights[level]!;
  if (tw < 6 || th < 6 || tw >= W || th >= H) return null;
  // The template: keyframe values inside the region, sampled at the matching keyframe level.
  const scale = Math.sqrt(Math.abs(hInv[0]! * hInv[4]! - hInv[1]! * hInv[3]!)) * (1 << level);
  const kl = Math.max(0, Math.min(kf.count - 1, Math.round(Math.log2(scale))));
  const K = kf.levels[kl]!,
    kw = kf.widths[kl]!,
    kh = kf.heights[kl]!;
  const offs: number[] = [];
  const vals: number[] = [];
  const p = new Float64Array(2);
  for (let j = 0; j < th; j++) {
    for (let i = 0; i < tw; i++) {
      if (!project(hInv, fromLevel(tx0 + i, level), fromLevel(ty0 + j, level), p)) continue;
      const x = p[0]!,
        y = p[1]!;
      if (x < rect[0] || y < rect[1] || x >= rect[2] || y >= rect[3]) continue;
      const kx = toLevel(x, kl),
        ky = toLevel(y, kl);
      if (kx < 0 || ky < 0 || kx >= kw - 1 || ky >= kh - 1) continue;
      const fx = kx | 0,
        fy = ky | 0,
        ax = kx - fx,
        ay = ky - fy;
      const o = fy * kw + fx;
      const top = K[o]! + (K[o + 1]! - K[o]!) * ax;
      const bottom = K[o + kw]! + (K[o + kw + 1]! - K[o + kw]!) * ax;
      offs.push(j * W + i);
      vals.push(top + (bottom - top) * ay);
    }
  }
  const n = vals.length;
  if (n < 24) return null;
  const t = Float32Array.from(vals);
  const at = Int32Array.from(offs);
  let mean = 0;
  for (let k = 0; k < n; k++) mean += t[k]!;
  mean /= n;
  let v = 0;
  for (let k = 0; k < n; k++) {
    t[k] = t[k]! - mean;
    v += t[k]! * t[k]!;
  }
  if (!(v > n)) return null; // a flat template matches anything
  const tNorm = Math.sqrt(v);
  // Slide it over every placement inside the image.
  const J = curr.levels[level]!;
  let best = -1,
    bestX = 0,
    bestY = 0;
  for (let oy = 0; oy + th <= H; oy++) {
    for (let ox = 0; ox + tw <= W; ox++) {
      const base = oy * W + ox;
      let s1 = 0,
        s2 = 0,
        st = 0;
      for (let k = 0; k < n; k++) {
        const j = J[base + at[k]!]!;
        s1 += j;
        s2 += j * j;
        st += t[k]! * j;
      }
      const jv = s2 - (s1 * s1) / n;
      if (!(jv > n)) continue;
      const ncc = st / (tNorm * Math.sqrt(jv));
      if (ncc > best) {
        best = ncc;
        bestX = ox;
        bestY = oy;
      }
    }
  }
  if (best < 0) return null;
  const step = 1 << level;
  return { dx: (bestX - tx0) * step, dy: (bestY - ty0) * step, ncc: best };
}
