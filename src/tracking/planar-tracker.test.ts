import { describe, expect, it } from 'vitest';
import { createPlanarTracker } from './index.js';
import { cornerErrors, createSequence, type SceneOptions } from './testing.js';

/** Tracks a synthetic sequence; returns per-frame results and the error at the last frame. */
function run(scene: SceneOptions, feed?: (frame: Uint8Array, region: number[]) => Uint8Array) {
  const seq = createSequence(scene);
  const keyframe = seq.render(0);
  const tracker = createPlanarTracker({
    width: seq.width,
    height: seq.height,
    keyframe,
    region: [...seq.region] as [number, number, number, number],
  });
  const states: string[] = [];
  const errors: number[] = [];
  const frame = new Uint8Array(seq.width * seq.height);
  for (let t = 1; t < seq.frames; t++) {
    seq.render(t, frame);
    const result = tracker.track(feed ? feed(frame, tracker.region()) : frame);
    states.push(result.state);
    errors.push(result.H ? Math.max(...cornerErrors(result.H, seq.truth(t), seq.region)) : NaN);
    if (result.state === 'tracking') expect(result.inliers).toBeGreaterThanOrEqual(8);
    else expect(result.H).toBe(null);
  }
  if (process.env.VS_TRACKER_LOG)
    console.log(
      scene,
      'max',
      Math.max(...errors.filter((e) => e === e)).toFixed(3),
      'last',
      errors[errors.length - 1]!.toFixed(3),
    );
  return { states, errors, last: errors[errors.length - 1]! };
}

const base = { width: 480, height: 360, frames: 120 } as const;

describe('the planar tracker on synthetic sequences with ground truth', () => {
  it('follows translation up to 8 px per frame within 0.25 px', () => {
    const { states, errors, last } = run({ ...base, seed: 1, maxRotation: 0, maxScaleStep: 0 });
    expect(states.every((s) => s === 'tracking')).toBe(true);
    expect(Math.max(...errors)).toBeLessThan(0.5);
    expect(last).toBeLessThan(0.25);
  });

  it('follows rotation and scale, with translation', () => {
    const { states, last } = run({ ...base, seed: 2 });
    expect(states.every((s) => s === 'tracking')).toBe(true);
    expect(last).toBeLessThan(0.25);
  });

  it('follows a perspective tilt under a changing gain', () => {
    const { states, last } = run({ ...base, seed: 3, perspective: 0.08, gain: 0.15 });
    expect(states.every((s) => s === 'tracking')).toBe(true);
    expect(last).toBeLessThan(0.3);
  });

  it('stays on the target through heavy sensor noise and faster motion', () => {
    // Twice the default noise, both in the keyframe and in every frame: the error roughly doubles.
    const { states, last } = run({ ...base, seed: 4, noise: 6, maxTranslation: 12 });
    expect(states.every((s) => s === 'tracking')).toBe(true);
    expect(last).toBeLessThan(0.75);
  });

  it('reports lost while the target is covered and finds it again when uncovered', () => {
    const [w, h] = [base.width, base.height];
    // A flat grey card over the whole middle of the picture for frames 40..69, while the camera moves on.
    const rect = [
      Math.round(0.2 * w),
      Math.round(0.15 * h),
      Math.round(0.6 * w),
      Math.round(0.7 * h),
    ] as const;
    const { states, errors, last } = run({
      ...base,
      seed: 5,
      occluder: { from: 40, to: 70, rect },
    });
    // states[i] is frame i + 1.
    expect(states.slice(0, 39).every((s) => s === 'tracking')).toBe(true);
    const lostAt = states.indexOf('lost') + 1;
    expect(lostAt).toBeGreaterThanOrEqual(40);
    expect(lostAt).toBeLessThanOrEqual(42);
    expect(states.slice(lostAt + 1, 69).every((s) => s === 'lost')).toBe(true);
    const foundAt = states.indexOf('tracking', 69) + 1;
    expect(foundAt).toBeGreaterThanOrEqual(70);
    expect(foundAt).toBeLessThanOrEqual(76);
    expect(states.slice(foundAt).every((s) => s === 'tracking')).toBe(true);
    expect(errors[foundAt - 1]).toBeLessThan(1);
    expect(last).toBeLessThan(0.3);
  });

  it('reads only region() of each frame', () => {
    // Everything outside the announced region is garbage: the result must not change.
    const { states, last } = run({ ...base, seed: 2 }, (frame, [x, y, w, h]) => {
      const partial = new Uint8Array(frame.length).fill(77);
      for (let r = y!; r < y! + h!; r++)
        partial.set(
          frame.subarray(r * base.width + x!, r * base.width + x! + w!),
          r * base.width + x!,
        );
      return partial;
    });
    expect(states.every((s) => s === 'tracking')).toBe(true);
    expect(last).toBeLessThan(0.25);
  });

  it('says lost, not a wrong pose, for a region without texture', () => {
    const flat = new Uint8Array(320 * 240).fill(128);
    const tracker = createPlanarTracker({
      width: 320,
      height: 240,
      keyframe: flat,
      region: [100, 80, 100, 80],
    });
    expect(tracker.track(flat)).toEqual({ H: null, state: 'lost', inliers: 0 });
  });

  it('refuses frames and keyframes of the wrong size', () => {
    const img = new Uint8Array(320 * 240);
    expect(() =>
      createPlanarTracker({
        width: 320,
        height: 240,
        keyframe: img.subarray(10),
        region: [0, 0, 10, 10],
      }),
    ).toThrow(RangeError);
    const tracker = createPlanarTracker({
      width: 320,
      height: 240,
      keyframe: img,
      region: [0, 0, 10, 10],
    });
    expect(() => tracker.track(new Uint8Array(100))).toThrow(RangeError);
  });
});
