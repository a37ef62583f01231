import { describe, expect, it } from 'vitest';
import { backoffDelay } from './backoff.js';

describe('backoffDelay', () => {
  it('grows exponentially up to the cap, jittered below the ceiling', () => {
    const top = (attempt: number) =>
      backoffDelay(attempt, { baseMs: 500, maxMs: 8000, random: () => 0.999999 });
    expect([0, 1, 2, 3, 4, 5, 10].map(top)).toEqual([500, 1000, 2000, 4000, 8000, 8000, 8000]);
    expect(backoffDelay(3, { baseMs: 500, maxMs: 8000, random: () => 0 })).toBe(0);
    expect(backoffDelay(3, { baseMs: 500, maxMs: 8000, minMs: 250, random: () => 0 })).toBe(250);
  });

  it('spreads retries of many clients over the window', () => {
    const delays = Array.from({ length: 1000 }, () =>
      backoffDelay(2, { baseMs: 500, maxMs: 8000 }),
    );
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...delays)).toBeLessThanOrEqual(2000);
    expect(new Set(delays.map((d) => Math.floor(d / 200))).size).toBeGreaterThanOrEqual(9);
  });
});
