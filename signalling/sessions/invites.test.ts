import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { INVITE_CODE, hashInviteCode, newInviteCode } from './invites.js';

describe('short invite codes', () => {
  it('are 12 characters of base62, each drawn evenly from all 62', () => {
    const counts = new Map<string, number>();
    const codes = new Set<string>();
    for (let i = 0; i < 5000; i++) {
      const code = newInviteCode();
      expect(code).toMatch(INVITE_CODE);
      codes.add(code);
      for (const ch of code) counts.set(ch, (counts.get(ch) ?? 0) + 1);
    }
    expect(codes.size).toBe(5000);
    expect(counts.size).toBe(62);
    // 60,000 characters: about 968 each (a standard deviation of 31). Bytes 248-255 taken modulo
    // 62 would put 0-7 near 1,170.
    for (const [ch, n] of counts) {
      expect(n, ch).toBeGreaterThan(810);
      expect(n, ch).toBeLessThan(1125);
    }
  });

  it('are kept as their SHA-256, base64url', () => {
    expect(hashInviteCode('AbC123xyz789')).toBe(
      createHash('sha256').update('AbC123xyz789').digest('base64url'),
    );
  });
});
