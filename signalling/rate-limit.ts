import { isIPv6 } from 'node:net';

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

/**
 * The rate-limit key of a client address: an IPv4 address as it is (also when mapped into IPv6),
 * an IPv6 address by its /64. One network is handed a /64, and its hosts pick any address in it:
 * keyed by the whole address, each request could come from a fresh bucket.
 */
export function addressKey(address: string): string {
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(address);
  if (mapped) return mapped[1]!;
  const bare = address.split('%')[0]!.toLowerCase(); // without a zone (fe80::1%eth0)
  if (!isIPv6(bare)) return address;
  const [head = '', tail] = bare.split('::');
  const groups = (part: string | undefined) => (part ? part.split(':') : []);
  // A dotted IPv4 tail stands for two groups.
  const width = (gs: string[]) => gs.reduce((n, g) => n + (g.includes('.') ? 2 : 1), 0);
  const front = groups(head);
  const back = groups(tail);
  const all =
    tail === undefined
      ? front
      : [...front, ...Array<string>(8 - width(front) - width(back)).fill('0'), ...back];
  return `${all
    .slice(0, 4)
    .map((g) => parseInt(g, 16).toString(16))
    .join(':')}::/64`;
}
