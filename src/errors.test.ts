import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { errors, problem } from './errors.js';

describe('the error table', () => {
  it('is documented row by row in the README', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    for (const [code, info] of Object.entries(errors)) {
      const row = `| \`${code}\` | ${info.status} | ${info.close} | ${info.fatal ? 'yes' : 'no'} | ${info.message.replaceAll('|', '\\|')} |`;
      expect(readme, code).toContain(row);
    }
    const documented = [...readme.matchAll(/^\| `(ERR_[A-Z_]+)` \|/gm)].map((m) => m[1]);
    expect(documented.sort()).toEqual(Object.keys(errors).sort());
  });

  it('uses application close codes or the standard ones', () => {
    for (const [code, { close, status }] of Object.entries(errors)) {
      expect([1009, 1011].includes(close) || (close >= 4000 && close <= 4999), code).toBe(true);
      expect(status >= 400 && status <= 599, code).toBe(true);
    }
  });

  it('builds RFC 9457 problem objects', () => {
    expect(problem('ERR_SESSION_FULL', 'customer slot taken')).toEqual({
      type: 'about:blank',
      title: errors.ERR_SESSION_FULL.message,
      status: 409,
      code: 'ERR_SESSION_FULL',
      detail: 'customer slot taken',
    });
  });
});
