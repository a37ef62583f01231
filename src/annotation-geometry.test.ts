import { describe, expect, it } from 'vitest';
import {
  applyHomography,
  contentRect,
  normaliseHomography,
  parseObjectPosition,
  pixelHomography,
  toElement,
  toFrame,
} from './annotation-geometry.js';

const video = { width: 640, height: 480 };

describe('video content geometry', () => {
  it('letterboxes with contain, crops with cover, stretches with fill', () => {
    expect(contentRect({ box: { width: 800, height: 400 }, video, fit: 'contain' })).toEqual({
      x: (800 - 533.3333333333334) / 2,
      y: 0,
      width: 533.3333333333334,
      height: 400,
    });
    expect(contentRect({ box: { width: 800, height: 400 }, video, fit: 'cover' })).toEqual({
      x: 0,
      y: -100,
      width: 800,
      height: 600,
    });
    expect(contentRect({ box: { width: 800, height: 400 }, video, fit: 'fill' })).toEqual({
      x: 0,
      y: 0,
      width: 800,
      height: 400,
    });
    expect(contentRect({ box: { width: 800, height: 400 }, video, fit: 'none' })).toEqual({
      x: 80,
      y: -40,
      width: 640,
      height: 480,
    });
    expect(contentRect({ box: { width: 1000, height: 1000 }, video, fit: 'scale-down' })).toEqual({
      x: 180,
      y: 260,
      width: 640,
      height: 480,
    });
    expect(
      contentRect({
        box: { width: 800, height: 400 },
        video: { width: 0, height: 0 },
        fit: 'contain',
      }),
    ).toBe(null);
  });

  it('honours object-position', () => {
    const rect = contentRect({
      box: { width: 800, height: 400 },
      video,
      fit: 'contain',
      position: [0, 1],
    })!;
    expect(rect.x).toBe(0);
    expect(parseObjectPosition('25% 100%', { x: 10, y: 10 })).toEqual([0.25, 1]);
    expect(parseObjectPosition('20px 0px', { x: 40, y: 0 })).toEqual([0.5, 0.5]);
    expect(parseObjectPosition('bogus', { x: 40, y: 0 })).toEqual([0.5, 0.5]);
  });

  it('maps element pixels to frame coordinates and back, mirrored or not', () => {
    const rect = contentRect({ box: { width: 800, height: 400 }, video, fit: 'contain' })!;
    for (const mirrored of [false, true]) {
      const [nx, ny] = toFrame(300, 100, rect, mirrored);
      const [px, py] = toElement(nx, ny, rect, mirrored);
      expect(px).toBeCloseTo(300, 9);
      expect(py).toBeCloseTo(100, 9);
    }
    // A mirrored self view shows the frame's left edge on the element's right.
    expect(toElement(0, 0.5, rect, true)[0]).toBeCloseTo(rect.x + rect.width, 9);
  });

  it('converts homographies between pixels and normalised coordinates', () => {
    const h = [1.1, 0.05, 12, -0.03, 0.97, -4, 1e-4, -2e-4, 1];
    const n = normaliseHomography(h, 640, 480);
    expect(n).toHaveLength(8);
    const [px, py] = applyHomography(h, 320, 100);
    const [nx, ny] = applyHomography(n, 0.5, 100 / 480);
    expect(nx * 640).toBeCloseTo(px, 9);
    expect(ny * 480).toBeCloseTo(py, 9);
    const back = pixelHomography(n, 640, 480);
    back.forEach((v, i) => expect(v).toBeCloseTo(h[i]!, 12));
  });
});
