import { describe, expect, it } from 'vitest';
import { addressKey, createRateLimiter } from './rate-limit.js';
import { createRestTestApp, TEST_PUBLIC_KEY } from './testing/service.js';

/** What @hono/node-server hands the app for a request from `address`. */
const from = (address: string) => ({
  incoming: { socket: { remoteAddress: address, remotePort: 40000, remoteFamily: 'IPv6' } },
});

describe('rate limits per client address', () => {
  it('counts one IPv6 /64 as one client, however many addresses it rotates through', async () => {
    const t = createRestTestApp({ requestRate: 3 });
    const ask = async (address: string) => {
      const res = await t.app.request(
        '/v1/requests',
        {
          method: 'POST',
          headers: {
            authorization: `Bearer ${TEST_PUBLIC_KEY}`,
            'content-type': 'application/json',
          },
          body: '{}',
        },
        from(address),
      );
      return { status: res.status, body: (await res.json()) as { code?: string } };
    };
    // One network hands its host any of 2^64 addresses: a new one per request is free.
    for (const address of ['2001:db8:1:2::1', '2001:db8:1:2:a:b:c:d', '2001:db8:1:2:ffff::1']) {
      expect((await ask(address)).status).toBe(201);
    }
    const refused = await ask('2001:db8:1:2:dead:beef:0:7');
    expect(refused).toMatchObject({ status: 429, body: { code: 'ERR_TOO_MANY_REQUESTS' } });
    // Another /64, and IPv4 clients, have buckets of their own.
    expect((await ask('2001:db8:1:3::1')).status).toBe(201);
    expect((await ask('192.0.2.7')).status).toBe(201);
  });

  it('keys an address by its /64 (IPv6) or the whole address (IPv4, also mapped into IPv6)', () => {
    expect(addressKey('2001:db8:1:2::1')).toBe('2001:db8:1:2::/64');
    expect(addressKey('2001:DB8:1:2:aaaa:bbbb:cccc:dddd')).toBe('2001:db8:1:2::/64');
    expect(addressKey('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(addressKey('::1')).toBe('0:0:0:0::/64');
    expect(addressKey('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
    expect(addressKey('::ffff:192.0.2.7')).toBe('192.0.2.7');
    expect(addressKey('192.0.2.7')).toBe('192.0.2.7');
    expect(addressKey('unknown')).toBe('unknown');
  });

  it('takes a cost (bytes), and never allows one over the burst', () => {
    let now = 0;
    const limiter = createRateLimiter({ burst: 100, perMinute: 6000, now: () => now });
    expect(limiter.take('k', 60)).toBe(0);
    expect(limiter.take('k', 60)).toBe(200); // 20 more tokens, at 100 per second
    now += 200;
    expect(limiter.take('k', 60)).toBe(0);
    expect(limiter.take('k', 101)).toBe(Infinity);
  });
});
