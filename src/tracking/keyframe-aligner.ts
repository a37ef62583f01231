/**
 * Keyframe re-measurement: a patch of the keyframe (the frame the annotation was drawn on) is
 * warped into the current frame with the current homography and aligned there with a gain- and
 * bias-normalised Lucas-Kanade. Measuring every point against the keyframe, not against the
 * previous frame, is what stops drift; the normalised cross-correlation it ends with tells a point
 * that still shows the keyframe's texture from one that is covered (by a hand, say).
 *
 * With `level > 0` the same alignment runs on a coarser level of the current frame, which is how a
 * lost target is searched for from a guessed pose.
 */
import { localDeterminant, type Mat3 } from './homography.js';
import { fromLevel, toLevel, type Pyramid } from './pyramid.js';

export interface AlignOptions {
  /** Half the window side: 7 gives a 15x15 window (a 17x17 patch with its gradient border). */
  halfWindow: number;
  maxIterations: number;
  /** Stop when a step is shorter than this (pixels of the level aligned on). */
  epsilon: number;
  /** Give up when the point moves farther than this from where it started (pixels of the level). */
  maxShift: number;
}

export class KeyframeAligner {
  private readonly side: number;
  private readonly patch: Float32Array;
  private readonly gx: Float32Array;
  private readonly gy: Float32Array;
  private readonly tv: Float32Array;
  private readonly jv: Float32Array;
  /** Result of the last `align`: position in level-0 pixels, and the final correlation. */
  x = 0;
  y = 0;
  ncc = 0;

  constructor(private readonly o: AlignOptions) {
    this.side = 2 * o.halfWindow + 1;
    const ps = this.side + 2;
    this.patch = new Float32Array(ps * ps);
    this.gx = new Float32Array(this.side * this.side);
    this.gy = new Float32Array(this.side * this.side);
    this.tv = new Float32Array(this.side * this.side);
    this.jv = new Float32Array(this.side * this.side);
  }

  /**
   * Aligns a keyframe patch on `level` of `curr`. The patch is the keyframe around the point that
   * `hInv` (current -> keyframe) maps `(x0, y0)` to, warped into the current frame's geometry; the
   * search starts at `(sx, sy)` (both level-0 pixels; the same point unless a coarser level already
   * moved it). Returns false when the patch leaves either image, is flat, or does not converge
   * within `maxShift`; otherwise the result is in `x`, `y`, `ncc`.
   */
  align(
    kf: Pyramid,
    curr: Pyramid,
    hInv: Mat3,
    x0: number,
    y0: number,
    level: number,
    sx = x0,
    sy = y0,
  ): boolean {
    const r = this.o.halfWindow;
    const side = this.side;
    const ps = side + 2;
    const step = 1 << level;
    // Keyframe level from the local scale: keyframe pixels per current pixel at this level.
    const det = localDeterminant(hInv, x0, y0);
    if (!(det > 0)) return false;
    const scale = Math.sqrt(det) * step;
    const kl = Math.max(0, Math.min(kf.count - 1, Math.round(Math.log2(scale))));
    const K = kf.levels[kl]!,
      kw = kf.widths[kl]!;
    const kv = kf.valid;
    const kx0 = kv[kl * 4]!,
      ky0 = kv[kl * 4 + 1]!,
      kx1 = kv[kl * 4 + 2]! - 1,
      ky1 = kv[kl * 4 + 3]! - 1;
    const kScale = 1 / (1 << kl),
      kOff = 0.5 * kScale - 0.5;
    // The template: for each pixel of the patch on the current level, the keyframe's value there.
    const cx = toLevel(x0, level),
      cy = toLevel(y0, level);
    const bx = fromLevel(cx - r - 1, level),
      by = fromLevel(cy - r - 1, level);
    const patch = this.patch;
    let q = 0;
    for (let j = 0; j < ps; j++) {
      const yy = by + j * step;
      let X = hInv[0]! * bx + hInv[1]! * yy + hInv[2]!;
      let Y = hInv[3]! * bx + hInv[4]! * yy + hInv[5]!;
      let W = hInv[6]! * bx + hInv[7]! * yy + hInv[8]!;
      const dX = hInv[0]! * step,
        dY = hInv[3]! * step,
        dW = hInv[6]! * step;
      for (let i = 0; i < ps; i++, q++, X += dX, Y += dY, W += dW) {
        const kx = (X / W) * kScale + kOff,
          ky = (Y / W) * kScale + kOff;
        if (!(kx >= kx0 && ky >= ky0 && kx < kx1 && ky < ky1)) return false;
        const fx = kx | 0,
          fy = ky | 0;
        const ax = kx - fx,
          ay = ky - fy;
        const o = fy * kw + fx;
        const top = K[o]! + (K[o + 1]! - K[o]!) * ax;
        const bottom = K[o + kw]! + (K[o + kw + 1]! - K[o + kw]!) * ax;
        const v = top + (bottom - top) * ay;
        patch[q] = v;
      }
    }
    // Normalise (zero mean, unit deviation over the window) and take Scharr gradients.
    const area = side * side;
    let tMean = 0;
    for (let j = 1; j <= side; j++) for (let i = 1; i <= side; i++) tMean += patch[j * ps + i]!;
    tMean /= area;
    let tVar = 0;
    for (let j = 1; j <= side; j++)
      for (let i = 1; i <= side; i++) {
        const d = patch[j * ps + i]! - tMean;
        tVar += d * d;
      }
    if (!(tVar > area * 4)) return false; // flat: nothing to align on
    const tInv = 1 / Math.sqrt(tVar / area);
    const gx = this.gx,
      gy = this.gy,
      tv = this.tv;
    let gxx = 0,
      gxy = 0,
      gyy = 0;
    q = 0;
    for (let y = 0; y < side; y++) {
      let c = (y + 1) * ps + 1;
      for (let x = 0; x < side; x++, c++, q++) {
        const dx =
          (3 * (patch[c - ps + 1]! - patch[c - ps - 1]! + patch[c + ps + 1]! - patch[c + ps - 1]!) +
            10 * (patch[c + 1]! - patch[c - 1]!)) *
          (tInv / 32);
        const dy =
          (3 * (patch[c + ps - 1]! - patch[c - ps - 1]! + patch[c + ps + 1]! - patch[c - ps + 1]!) +
            10 * (patch[c + ps]! - patch[c - ps]!)) *
          (tInv / 32);
        gx[q] = dx;
        gy[q] = dy;
        tv[q] = (patch[c]! - tMean) * tInv;
        gxx += dx * dx;
        gxy += dx * dy;
        gyy += dy * dy;
      }
    }
    const gDet = gxx * gyy - gxy * gxy;
    if (!(gDet > 1e-6 * area * area)) return false;
    const i00 = gyy / gDet,
      i01 = -gxy / gDet,
      i11 = gxx / gDet;
    // Align: the current window, normalised, against the template.
    const J = curr.levels[level]!,
      w = curr.widths[level]!;
    const jv = this.jv;
    const eps2 = this.o.epsilon * this.o.epsilon;
    const maxShift2 = this.o.maxShift * this.o.maxShift;
    const startX = toLevel(sx, level),
      startY = toLevel(sy, level);
    let nx = startX,
      ny = startY;
    let ncc = 0;
    for (let it = 0; it < this.o.maxIterations; it++) {
      if (!curr.contains(level, nx, ny, r)) return false;
      const fx0 = Math.floor(nx),
        fy0 = Math.floor(ny);
      const ax = nx - fx0,
        ay = ny - fy0;
      const w00 = (1 - ax) * (1 - ay),
        w01 = ax * (1 - ay),
        w10 = (1 - ax) * ay,
        w11 = ax * ay;
      let s1 = 0,
        s2 = 0;
      q = 0;
      for (let y = 0; y < side; y++) {
        let j = (fy0 - r + y) * w + fx0 - r;
        for (let x = 0; x < side; x++, j++, q++) {
          const v = J[j]! * w00 + J[j + 1]! * w01 + J[j + w]! * w10 + J[j + w + 1]! * w11;
          jv[q] = v;
          s1 += v;
          s2 += v * v;
        }
      }
      const jMean = s1 / area;
      const jVar = s2 / area - jMean * jMean;
      if (!(jVar > 1)) return false;
      const jInv = 1 / Math.sqrt(jVar);
      let bx = 0,
        by = 0,
        cross = 0;
      for (q = 0; q < area; q++) {
        const jn = (jv[q]! - jMean) * jInv;
        const t = tv[q]!;
        const diff = t - jn;
        bx += diff * gx[q]!;
        by += diff * gy[q]!;
        cross += t * jn;
      }
      ncc = cross / area;
      const dx = i00 * bx + i01 * by,
        dy = i01 * bx + i11 * by;
      nx += dx;
      ny += dy;
      const mx = nx - startX,
        my = ny - startY;
      if (mx * mx + my * my > maxShift2) return false;
      if (dx * dx + dy * dy < eps2) break;
    }
    this.x = fromLevel(nx, level);
    this.y = fromLevel(ny, level);
    this.ncc = ncc;
    return true;
  }
}
