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
  /**
   * Takes `cost` tokens (default 1) for `key`: 0 when allowed, else the milliseconds until they
   * are available (nothing is taken then). A cost over `burst` is never allowed.
   */
  take(key: string, cost?: number): number;
}

export function createRateLimiter(opts: RateLimitOptions): RateLimiter {
  const buckets = new Map<string, { tokens: number; at: number }>();
  const maxKeys = opts.maxKeys ?? 10_000;
  const now = opts.now ?? Date.now;
  const perMs = opts.perMinute / 60_000;
  return {
    take(key, cost = 1) {
      const t = now();
      const bucket = buckets.get(key) ?? { tokens: opts.burst, at: t };
      buckets.delete(key); // re-inserted last: the Map's order is the recency order
      bucket.tokens = Math.min(opts.burst, bucket.tokens + (t - bucket.at) * perMs);
      bucket.at = t;
      buckets.set(key, bucket);
      if (buckets.size > maxKeys) buckets.delete(buckets.keys().next().value!);
      if (bucket.tokens >= cost) {
        bucket.tokens -= cost;
        return 0;
      }
      return cost > opts.burst ? Infinity : Math.ceil((cost - bucket.tokens) / perMs);
    },
  };
}
