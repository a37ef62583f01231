/**
 * A planar tracker: where is the keyframe's annotated region in each new frame? It follows
 * Shi-Tomasi corners of the region frame to frame with pyramidal Lucas-Kanade (predicted by a
 * constant-velocity homography), fits the keyframe -> frame homography with RANSAC, and every
 * `refineEvery` frames re-measures each point against the keyframe itself, which keeps the pose
 * from drifting. When too few points agree it reports `lost` and searches for the region (near the
 * last pose, then over the whole frame) until the keyframe's texture is found again.
 *
 * Input is 8-bit luma, row stride = width. Only the rectangle `region()` of each frame is read,
 * so a caller may copy just that part of the camera frame.
 */
import { byWindowStrength, detectCorners } from './corners.js';
import { searchTranslation, type Rect } from './global-search.js';
import {
  identity,
  invert,
  isPlausible,
  localDeterminant,
  multiply,
  project,
  type Mat3,
} from './homography.js';
import { createRandom, ransacHomography } from './ransac.js';
import { KeyframeAligner } from './keyframe-aligner.js';
import { LkScratch, trackPoints, type LkOptions } from './lucas-kanade.js';
import { Pyramid } from './pyramid.js';

export type TrackingState = 'tracking' | 'lost';

export interface TrackResult {
  /** Keyframe pixels -> this frame's pixels, row-major; null while lost. */
  H: number[] | null;
  state: TrackingState;
  /** Points that agree with `H` (0 while lost). */
  inliers: number;
}

export interface PlanarTrackerOptions {
  width: number;
  height: number;
  /** Luma of the frame the region was marked on, `width * height` bytes. */
  keyframe: Uint8Array;
  /** The region to follow, `[x, y, w, h]` in keyframe pixels. */
  region: readonly [number, number, number, number];
  /** Points followed at once (default 80). */
  maxPoints?: number;
  /** Re-measure against the keyframe every n-th frame (default 1: every frame). */
  refineEvery?: number;
  /** Pyramid levels for frame-to-frame tracking (default 3). */
  levels?: number;
}

export interface PlanarTracker {
  /** Tracks the next frame (`width * height` luma bytes). */
  track(luma: Uint8Array): TrackResult;
  /** `[x, y, w, h]`: the part of the next frame that `track` will read. */
  region(): [number, number, number, number];
  readonly state: TrackingState;
}

const MIN_INLIERS = 8;
/** Fraction of the followed points that must agree, or re-measure against the keyframe. */
const MIN_SUPPORT = 0.3;
/** A re-measured point must correlate this well with the keyframe. */
const MIN_NCC = 0.6;
const KEYFRAME_LEVELS = 5;
const HALF_WINDOW = 7;

/** Creates a tracker for `region` of `keyframe`. */
export function createPlanarTracker(options: PlanarTrackerOptions): PlanarTracker {
  return new Tracker(options);
}

class Tracker implements PlanarTracker {
  private readonly w: number;
  private readonly h: number;
  private readonly maxPoints: number;
  private readonly refineEvery: number;
  private readonly lk: LkOptions;
  private readonly kf: Pyramid;
  private prev: Pyramid;
  private curr: Pyramid;
  /** The region grown by 30% (at least a fifth of the frame): where points come from. */
  private readonly area: Rect;
  private readonly searchLevel: number;
  private readonly margin: number;

  /** Candidate points in the keyframe (strongest first), and where each is now. */
  private readonly kfXY: Float32Array;
  private readonly poolSize: number;
  private readonly weight: Float32Array;
  private readonly cur: Float32Array;
  private readonly next: Float32Array;
  private readonly status: Uint8Array;
  private readonly inlier: Uint8Array;
  private readonly active: Uint8Array;
  private readonly activeIdx: Int32Array;
  private nActive = 0;
  private readonly cooldown: Int32Array;
  private readonly work: Int32Array;

  private readonly pose: Mat3 = identity();
  private readonly lastPose: Mat3 = identity();
  private readonly predicted: Mat3 = identity();
  private readonly fit = new Float64Array(9);
  private readonly box = new Int32Array(4);
  private readonly random = createRandom(0x2545f491);
  private readonly scratch = new LkScratch(HALF_WINDOW);
  private readonly refiner = new KeyframeAligner({
    halfWindow: HALF_WINDOW,
    maxIterations: 6,
    epsilon: 0.01,
    maxShift: 4,
  });
  private readonly searcher = new KeyframeAligner({
    halfWindow: HALF_WINDOW,
    maxIterations: 10,
    epsilon: 0.03,
    maxShift: 8,
  });

  private frame = 0;
  private lostAt = 0;
  state: TrackingState = 'tracking';

  constructor(o: PlanarTrackerOptions) {
    const { width: w, height: h, keyframe, region } = o;
    if (!(w >= 32 && h >= 32 && Number.isInteger(w) && Number.isInteger(h)))
      throw new RangeError('width and height must be integers >= 32');
    if (keyframe.length < w * h)
      throw new RangeError(`keyframe must hold width * height = ${w * h} bytes`);
    this.w = w;
    this.h = h;
    this.maxPoints = Math.max(MIN_INLIERS, Math.round(o.maxPoints ?? 80));
    this.refineEvery = Math.max(1, Math.round(o.refineEvery ?? 1));
    const levels = Math.max(1, Math.min(5, Math.round(o.levels ?? 3)));
    this.lk = {
      halfWindow: HALF_WINDOW,
      levels,
      maxIterations: 10,
      epsilon: 0.02,
      coarseEpsilon: 0.1,
      minEigen: 1e-3,
    };
    this.searchLevel = Math.max(
      1,
      Math.min(KEYFRAME_LEVELS - 1, Math.round(Math.log2(Math.min(w, h) / 48))),
    );
    this.margin = (HALF_WINDOW + 3) * (1 << (levels - 1)) + 24;
    const pyramidLevels = Math.max(levels, this.searchLevel + 1);

    this.kf = new Pyramid(w, h, KEYFRAME_LEVELS);
    this.kf.build(keyframe);
    this.prev = new Pyramid(w, h, pyramidLevels);
    this.curr = new Pyramid(w, h, pyramidLevels);
    this.prev.build(keyframe);

    const [rx, ry, rw, rh] = region;
    if (![rx, ry, rw, rh].every(Number.isFinite) || rw < 0 || rh < 0)
      throw new RangeError('region must be [x, y, w, h]');
    const min = 0.2 * Math.min(w, h);
    const gw = Math.max(rw * 1.3, min),
      gh = Math.max(rh * 1.3, min);
    const cx = rx + rw / 2,
      cy = ry + rh / 2;
    this.area = [
      Math.max(0, cx - gw / 2),
      Math.max(0, cy - gh / 2),
      Math.min(w, cx + gw / 2),
      Math.min(h, cy + gh / 2),
    ];
    const [ax0, ay0, ax1, ay1] = this.area;
    const minDistance = Math.max(
      6,
      Math.sqrt(((ax1 - ax0) * (ay1 - ay0)) / (2.5 * this.maxPoints)),
    );
    this.kfXY = detectCorners(keyframe, w, h, ax0, ay0, ax1, ay1, {
      maxCount: Math.ceil(2.5 * this.maxPoints),
      minDistance,
      quality: 0.005,
      border: HALF_WINDOW + 3,
    });
    const n = (this.poolSize = this.kfXY.length / 2);
    // A point's variance scales with 1 / (its window's gradient energy): strongest first, and
    // weighted by it in the least squares.
    this.weight = byWindowStrength(keyframe, w, this.kfXY, HALF_WINDOW);
    this.cur = new Float32Array(2 * n);
    this.next = new Float32Array(2 * n);
    this.status = new Uint8Array(n);
    this.inlier = new Uint8Array(n);
    this.active = new Uint8Array(n);
    this.activeIdx = new Int32Array(n);
    this.cooldown = new Int32Array(n);
    this.work = new Int32Array(n);
    for (let p = 0; p < n && this.nActive < this.maxPoints; p++)
      this.activate(p, this.kfXY[2 * p]!, this.kfXY[2 * p + 1]!);
    if (this.nActive < MIN_INLIERS) this.state = 'lost';
    this.predictNext(false);
  }

  region(): [number, number, number, number] {
    const b = this.box;
    return [b[0]!, b[1]!, b[2]! - b[0]!, b[3]! - b[1]!];
  }

  track(luma: Uint8Array): TrackResult {
    if (luma.length < this.w * this.h)
      throw new RangeError(`a frame must hold width * height = ${this.w * this.h} bytes`);
    this.frame++;
    if (this.state === 'tracking') {
      this.curr.build(luma, this.box[0]!, this.box[1]!, this.box[2]!, this.box[3]!);
      const inliers = this.follow();
      this.swap();
      if (inliers > 0) {
        this.predictNext(true);
        return { H: Array.from(this.pose), state: 'tracking', inliers };
      }
      this.state = 'lost';
      this.lostAt = this.frame;
      this.nActive = 0;
      this.active.fill(0);
      this.predictNext(false);
      return { H: null, state: 'lost', inliers: 0 };
    }
    this.curr.build(luma);
    const inliers = this.poolSize >= MIN_INLIERS ? this.relocalise() : 0;
    this.swap();
    if (inliers > 0) {
      this.state = 'tracking';
      this.predictNext(false);
      return { H: Array.from(this.pose), state: 'tracking', inliers };
    }
    return { H: null, state: 'lost', inliers: 0 };
  }

  /** One frame while tracking; returns the inlier count, or 0 when the target is lost. */
  private follow(): number {
    const { kfXY, next, cur, activeIdx, status } = this;
    const n = this.nActive;
    for (let k = 0; k < n; k++) {
      const p = activeIdx[k]!;
      if (!project(this.predicted, kfXY[2 * p]!, kfXY[2 * p + 1]!, next, 2 * p)) {
        next[2 * p] = cur[2 * p]!;
        next[2 * p + 1] = cur[2 * p + 1]!;
      }
    }
    trackPoints(this.prev, this.curr, cur, next, status, activeIdx, n, this.lk, this.scratch);
    let m = 0;
    for (let k = 0; k < n; k++) if (status[activeIdx[k]!]) this.work[m++] = activeIdx[k]!;
    const need = Math.max(MIN_INLIERS, Math.ceil(MIN_SUPPORT * n));
    if (m < need) return 0;
    let inliers = ransacHomography(
      kfXY,
      next,
      this.work,
      m,
      { threshold: 2, maxIterations: 200, random: this.random, weights: this.weight },
      this.fit,
      this.inlier,
    );
    if (inliers < need || !this.plausible(this.fit)) return 0;
    if (this.frame % this.refineEvery === 0) {
      inliers = this.remeasure(this.fit, activeIdx, n);
      if (inliers < need || !this.plausible(this.fit)) return 0;
    }
    // Keep the points that agree; the rest rest for a while before they may come back.
    let kept = 0;
    for (let k = 0; k < n; k++) {
      const p = activeIdx[k]!;
      if (this.inlier[p]) {
        cur[2 * p] = next[2 * p]!;
        cur[2 * p + 1] = next[2 * p + 1]!;
        activeIdx[kept++] = p;
      } else {
        this.active[p] = 0;
        this.cooldown[p] = this.frame + 15;
      }
    }
    this.nActive = kept;
    this.lastPose.set(this.pose);
    this.pose.set(this.fit);
    if (kept < 0.7 * this.maxPoints) this.replenish();
    return inliers;
  }

  /**
   * Re-measures the listed points against the keyframe under `h` and refits `h` (in place) to the
   * points that match; `inlier` and `next` are updated. Returns the inlier count.
   */
  private remeasure(h: Mat3, idx: Int32Array, n: number, aligner = this.refiner): number {
    const hInv = invert(h);
    if (!hInv) return 0;
    const { kfXY, next } = this;
    const guess = new Float64Array(2);
    let m = 0;
    for (let k = 0; k < n; k++) {
      const p = idx[k]!;
      if (!project(h, kfXY[2 * p]!, kfXY[2 * p + 1]!, guess)) continue;
      if (
        !aligner.align(this.kf, this.curr, hInv, guess[0]!, guess[1]!, 0) ||
        aligner.ncc < MIN_NCC
      )
        continue;
      next[2 * p] = aligner.x;
      next[2 * p + 1] = aligner.y;
      this.work[m++] = p;
    }
    if (m < Math.max(MIN_INLIERS, Math.ceil(MIN_SUPPORT * n))) return 0;
    return ransacHomography(
      kfXY,
      next,
      this.work,
      m,
      { threshold: 1, maxIterations: 100, random: this.random, weights: this.weight },
      h,
      this.inlier,
    );
  }

  /** While lost: look near the last pose, and every other frame over the whole frame. */
  private relocalise(): number {
    const guesses: Mat3[] = [this.pose];
    const since = this.frame - this.lostAt;
    if (since % 2 === 1) {
      const hInv = invert(this.pose);
      const found =
        hInv && searchTranslation(this.kf, this.curr, this.pose, hInv, this.area, this.searchLevel);
      if (found && found.ncc > 0.5 && Math.hypot(found.dx, found.dy) > 4) {
        guesses.push(multiply(Float64Array.of(1, 0, found.dx, 0, 1, found.dy, 0, 0, 1), this.pose));
      }
    }
    for (const guess of guesses) {
      const inliers = this.tryPose(guess);
      if (inliers > 0) return inliers;
    }
    return 0;
  }

  /** Aligns the strongest visible keyframe points coarse to fine from `guess`; verifies against the keyframe. */
  private tryPose(guess: Mat3): number {
    const hInv = invert(guess);
    if (!hInv) return 0;
    const { kfXY, next } = this;
    const at = new Float64Array(2);
    const top = this.searchLevel;
    let m = 0;
    let tried = 0;
    for (let p = 0; p < this.poolSize && tried < this.maxPoints; p++) {
      if (!project(guess, kfXY[2 * p]!, kfXY[2 * p + 1]!, at)) continue;
      const cx = at[0]!,
        cy = at[1]!;
      if (cx < 0 || cy < 0 || cx >= this.w || cy >= this.h) continue;
      tried++;
      let x = cx,
        y = cy;
      let ok = false;
      for (let l = top; l >= 0; l--) {
        ok = this.searcher.align(this.kf, this.curr, hInv, cx, cy, l, x, y);
        if (ok) {
          x = this.searcher.x;
          y = this.searcher.y;
        }
      }
      if (!ok || this.searcher.ncc < MIN_NCC) continue;
      next[2 * p] = x;
      next[2 * p + 1] = y;
      this.work[m++] = p;
    }
    const need = Math.max(
      MIN_INLIERS,
      Math.ceil(MIN_SUPPORT * Math.min(this.maxPoints, this.poolSize)),
    );
    if (m < need) return 0;
    const fit = this.fit;
    if (
      ransacHomography(
        kfXY,
        next,
        this.work,
        m,
        { threshold: 2, maxIterations: 200, random: this.random, weights: this.weight },
        fit,
        this.inlier,
      ) < need
    )
      return 0;
    if (!this.plausible(fit, false)) return 0;
    // Verify: the strongest pool points that should be visible, re-measured under the new pose.
    const all = new Int32Array(this.poolSize);
    let k = 0;
    for (let p = 0; p < this.poolSize && k < this.maxPoints; p++) {
      if (!project(fit, kfXY[2 * p]!, kfXY[2 * p + 1]!, at)) continue;
      if (this.curr.contains(0, at[0]!, at[1]!, HALF_WINDOW + 4)) all[k++] = p;
    }
    const inliers = this.remeasure(fit, all, k);
    if (inliers < need || !this.plausible(fit, false)) return 0;
    this.nActive = 0;
    this.active.fill(0);
    for (let j = 0; j < k && this.nActive < this.maxPoints; j++) {
      const p = all[j]!;
      if (this.inlier[p]) this.activate(p, next[2 * p]!, next[2 * p + 1]!);
    }
    this.pose.set(fit);
    this.lastPose.set(fit);
    return inliers;
  }

  /** Brings back pool points that should be visible, until `maxPoints` are followed. */
  private replenish(): void {
    const at = new Float64Array(2);
    const border = HALF_WINDOW + 4;
    for (let p = 0; p < this.poolSize && this.nActive < this.maxPoints; p++) {
      if (this.active[p] || this.cooldown[p]! > this.frame) continue;
      if (!project(this.pose, this.kfXY[2 * p]!, this.kfXY[2 * p + 1]!, at)) continue;
      const x = at[0]!,
        y = at[1]!;
      if (!this.curr.contains(0, x, y, border)) continue; // this frame is the next one's previous
      this.activate(p, x, y);
    }
  }

  private activate(p: number, x: number, y: number): void {
    this.active[p] = 1;
    this.activeIdx[this.nActive++] = p;
    this.cur[2 * p] = x;
    this.cur[2 * p + 1] = y;
  }

  /** Rejects poses that fold, explode, or (`continuous`) jump in scale by 1.5x since the last frame. */
  private plausible(h: Mat3, continuous = true): boolean {
    const [x0, y0, x1, y1] = this.area;
    const cx = (x0 + x1) / 2,
      cy = (y0 + y1) / 2;
    if (!isPlausible(h, cx, cy, Math.max(this.w, this.h))) return false;
    if (!continuous) return true;
    const before = localDeterminant(this.pose, cx, cy);
    const after = localDeterminant(h, cx, cy);
    const ratio = after / before;
    return ratio > 1 / 2.25 && ratio < 2.25;
  }

  private swap(): void {
    const t = this.prev;
    this.prev = this.curr;
    this.curr = t;
  }

  /** Predicts the next pose (constant velocity) and the part of the next frame to read. */
  private predictNext(moving: boolean): void {
    const b = this.box;
    if (this.state === 'lost') {
      b.set([0, 0, this.w, this.h]);
      return;
    }
    const inv = moving ? invert(this.lastPose) : null;
    if (inv) multiply(this.pose, multiply(inv, this.pose), this.predicted);
    else this.predicted.set(this.pose);
    const [x0, y0, x1, y1] = this.area;
    const c = new Float64Array(2);
    let bx0 = Infinity,
      by0 = Infinity,
      bx1 = -Infinity,
      by1 = -Infinity;
    for (const [x, y] of [
      [x0, y0],
      [x1, y0],
      [x1, y1],
      [x0, y1],
    ] as const) {
      for (const h of [this.predicted, this.pose]) {
        if (!project(h, x, y, c)) continue;
        bx0 = Math.min(bx0, c[0]!);
        by0 = Math.min(by0, c[1]!);
        bx1 = Math.max(bx1, c[0]!);
        by1 = Math.max(by1, c[1]!);
      }
    }
    const m = this.margin;
    if (!Number.isFinite(bx0 + by0 + bx1 + by1)) b.set([0, 0, this.w, this.h]);
    else
      b.set([
        Math.max(0, Math.floor(bx0 - m)),
        Math.max(0, Math.floor(by0 - m)),
        Math.min(this.w, Math.ceil(bx1 + m)),
        Math.min(this.h, Math.ceil(by1 + m)),
      ]);
  }
}
