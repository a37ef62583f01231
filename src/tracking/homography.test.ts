import { describe, expect, it } from 'vitest';
import { fitDlt, invert, isPlausible, multiply, normalise, project } from './homography.js';
import { createRandom, ransacHomography } from './ransac.js';

const H = Float64Array.of(1.08, 0.12, 14, -0.09, 0.95, -7, 2e-4, -1e-4, 1);

function correspondences(n: number, noise = 0, seed = 1) {
  const random = createRandom(seed);
  const src = new Float32Array(2 * n),
    dst = new Float32Array(2 * n);
  const p = new Float64Array(2);
  for (let i = 0; i < n; i++) {
    src[2 * i] = random() * 400;
    src[2 * i + 1] = random() * 300;
    project(H, src[2 * i]!, src[2 * i + 1]!, p);
    dst[2 * i] = p[0]! + (random() - 0.5) * noise;
    dst[2 * i + 1] = p[1]! + (random() - 0.5) * noise;
  }
  return { src, dst, all: Int32Array.from({ length: n }, (_, i) => i) };
}

describe('homographies', () => {
  it('fit exactly from four points and from many', () => {
    for (const n of [4, 50]) {
      const { src, dst, all } = correspondences(n);
      const out = new Float64Array(9);
      expect(fitDlt(src, dst, all, n, out)).toBe(true);
      for (let k = 0; k < 9; k++) expect(out[k]! - H[k]!).toBeCloseTo(0, k < 6 ? 4 : 8);
    }
  });

  it('refuse degenerate (collinear) points', () => {
    const src = Float32Array.of(0, 0, 1, 1, 2, 2, 3, 3),
      dst = Float32Array.of(0, 0, 1, 1, 2, 2, 3, 3);
    expect(fitDlt(src, dst, Int32Array.of(0, 1, 2, 3), 4, new Float64Array(9))).toBe(false);
  });

  it('RANSAC finds the model among 40% gross outliers', () => {
    const n = 100;
    const { src, dst, all } = correspondences(n, 0.2);
    const random = createRandom(9);
    for (let i = 0; i < 40; i++) {
      dst[2 * i] = dst[2 * i]! + 20 + random() * 80;
      dst[2 * i + 1] = dst[2 * i + 1]! - 30 - random() * 50;
    }
    const out = new Float64Array(9);
    const inlier = new Uint8Array(n);
    const count = ransacHomography(
      src,
      dst,
      all,
      n,
      { threshold: 1, maxIterations: 200, random },
      out,
      inlier,
    );
    expect(count).toBe(60);
    expect(inlier.slice(0, 40).every((v) => v === 0)).toBe(true);
    const a = new Float64Array(2),
      b = new Float64Array(2);
    project(out, 200, 150, a);
    project(H, 200, 150, b);
    expect(Math.hypot(a[0]! - b[0]!, a[1]! - b[1]!)).toBeLessThan(0.05);
  });

  it('invert and compose consistently, and judge plausibility', () => {
    const inv = invert(H)!;
    const id = normalise(multiply(H, inv));
    for (let k = 0; k < 9; k++) expect(id[k]).toBeCloseTo([1, 0, 0, 0, 1, 0, 0, 0, 1][k]!, 9);
    expect(isPlausible(H, 200, 150, 640)).toBe(true);
    expect(isPlausible(Float64Array.of(-1, 0, 0, 0, 1, 0, 0, 0, 1), 200, 150, 640)).toBe(false);
    expect(isPlausible(Float64Array.of(1, 0, 0, 0, 1, 0, 0.01, 0, 1), 200, 150, 640)).toBe(false);
  });
});
