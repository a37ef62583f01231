import { describe, expect, it } from 'vitest';
import { DEFAULT_RETRY, retryDelay, retryWait } from './retry-policy.js';

describe('the retry schedule', () => {
  it('grows exponentially with jitter in the upper half, capped at the maximum', () => {
    for (let failures = 1; failures <= 20; failures++) {
      const ceiling = Math.min(DEFAULT_RETRY.maxMs, DEFAULT_RETRY.baseMs * 2 ** (failures - 1));
      expect(retryDelay(failures, DEFAULT_RETRY, () => 0)).toBe(ceiling / 2);
      expect(retryDelay(failures, DEFAULT_RETRY, () => 0.999999)).toBeCloseTo(ceiling, -1);
    }
  });

  it('keeps retrying a failing event for the whole window (72 h by default, never under 24 h)', () => {
    let t = 0;
    let attempts = 1;
    while (t < DEFAULT_RETRY.giveUpAfterMs) {
      t += retryDelay(attempts, DEFAULT_RETRY);
      attempts++;
    }
    expect(attempts).toBeGreaterThan(70); // hourly once the backoff is at its cap
    expect(DEFAULT_RETRY.giveUpAfterMs).toBeGreaterThanOrEqual(24 * 3600_000);
  });

  it('waits as long as a Retry-After asks when that is longer, but never more than a day', () => {
    const backoff = retryDelay(1, DEFAULT_RETRY, () => 0);
    expect(retryWait(1, null, DEFAULT_RETRY, () => 0)).toBe(backoff);
    expect(retryWait(1, 1000, DEFAULT_RETRY, () => 0)).toBe(backoff);
    expect(retryWait(1, 120_000, DEFAULT_RETRY, () => 0)).toBe(120_000);
    expect(retryWait(1, 7 * 24 * 3600_000, DEFAULT_RETRY, () => 0)).toBe(24 * 3600_000);
  });
});
