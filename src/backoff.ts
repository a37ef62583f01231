/**
 * Exponential backoff with full jitter ("Exponential Backoff And Jitter", AWS Architecture Blog,
 * 2015): the delay before retry `attempt` (0-based) is uniform in [0, min(max, base * 2^attempt)],
 * never below `minMs`.
 */
export interface BackoffOptions {
  baseMs: number;
  maxMs: number;
  minMs?: number;
  /** A source of randomness in [0, 1); injectable for tests. */
  random?: () => number;
}

export function backoffDelay(attempt: number, opts: BackoffOptions): number {
  const ceiling = Math.min(opts.maxMs, opts.baseMs * 2 ** Math.max(0, attempt));
  const min = Math.min(opts.minMs ?? 0, ceiling);
  return Math.round(min + (ceiling - min) * (opts.random ?? Math.random)());
}
