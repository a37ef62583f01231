import { describe, expect, it } from 'vitest';
import { ShownFrames } from './shown-frames.js';

describe('which camera frame the page shows', () => {
  it('finds the exact frame, though frames reach the reader up to half a frame late', () => {
    const offset = 4_321_000.37; // camera clock - page clock
    const shown = new ShownFrames();
    const wrong: number[] = [];
    for (let i = 0; i < 90; i++) {
      const capture = 1000 + i * 33.33 + Math.sin(i) * 0.4; // page clock
      const at = capture + offset;
      // The reader's estimate of the capture time is late by 1-15 ms.
      shown.frame(at, capture + 1 + ((i * 7) % 15));
      // The page shows each frame a bit later, with its capture time rounded to 0.1 ms.
      const answer = shown.shown(Math.round(capture * 10) / 10)!;
      if (i > 20 && Math.abs(answer - at) > 0.1) wrong.push(i);
    }
    expect(wrong).toEqual([]);
  });

  it('knows nothing before the reader got a frame', () => {
    expect(new ShownFrames().shown(100)).toBe(null);
  });
});
