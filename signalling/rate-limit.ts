/**
 * A token bucket per key (a client address): `burst` requests at once, then `perMinute`. Keeps at
 * most `maxKeys` buckets, forgetting the least recently used, so a flood of addresses cannot grow
 * memory without bound.
 */
export interface RateLimitOptions {
  burst: number;
  perMinute: number;
  maxKeys?: number;
  now?: () => number;
}

export interface RateLimiter {
  /** Takes one token for `key`: 0 when allowed, else the milliseconds until one is available. */
  take(key: string): number;
}

export function createRateLimiter(opts: RateLimitOptions): RateLimiter {
  const buckets = new Map<string, { tokens: number; at: number }>();
  const maxKeys = opts.maxKeys ?? 10_000;
  const now = opts.now ?? Date.now;
  const perMs = opts.perMinute / 60_000;
  return {
    take(key) {
      const t = now();
      const bucket = buckets.get(key) ?? { tokens: opts.burst, at: t };
      buckets.delete(key); // re-inserted last: the Map's order is the recency order
      bucket.tokens = Math.min(opts.burst, bucket.tokens + (t - bucket.at) * perMs);
      bucket.at = t;
      buckets.set(key, bucket);
      if (buckets.size > maxKeys) buckets.delete(buckets.keys().next().value!);
      if (bucket.tokens >= 1) {
        bucket.tokens -= 1;
        return 0;
      }
      return Math.ceil((1 - bucket.tokens) / perMs);
    },
  };
}
