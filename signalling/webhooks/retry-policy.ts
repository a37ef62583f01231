/**
 * When a failed webhook delivery is tried again: exponential backoff with jitter, never sooner
 * than the receiver's `Retry-After`, until the event has been failing long enough to be
 * dead-lettered.
 */
import { backoffDelay } from '../../src/backoff.js';

export interface RetryPolicy {
  /** The first retry comes after about this long; each later one waits twice as long. */
  baseMs: number;
  /** No wait is longer than this. */
  maxMs: number;
  /** An event failing for this long is dead-lettered. */
  giveUpAfterMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = {
  baseMs: 5_000,
  maxMs: 60 * 60_000,
  giveUpAfterMs: 72 * 60 * 60_000,
};

/** A `Retry-After` longer than this is read as this (a day). */
const MAX_RETRY_AFTER_MS = 24 * 60 * 60_000;

/**
 * The wait after the `failures`-th failed attempt (1-based): exponential, with "equal jitter"
 * (uniform in the upper half of the step), so retries spread out yet still grow.
 */
export function retryDelay(failures: number, policy: RetryPolicy, random = Math.random): number {
  const attempt = Math.max(0, failures - 1);
  const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** attempt);
  return backoffDelay(attempt, { ...policy, minMs: ceiling / 2, random });
}

/** The wait before the next attempt: the backoff, or longer when the receiver asked for longer. */
export function retryWait(
  failures: number,
  retryAfterMs: number | null,
  policy: RetryPolicy,
  random = Math.random,
): number {
  const asked = Math.min(retryAfterMs ?? 0, MAX_RETRY_AFTER_MS);
  return Math.max(retryDelay(failures, policy, random), asked);
}
