import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { readFileSync, existsSync } from 'node:fs';
import { join as joinPath } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MintedToken } from '../../src/rest.js';
import { join } from '../testing/client.js';
import {
  TEST_API_KEY,
  TEST_PUBLIC_KEY,
  createRestTestApp,
  startTestService,
  type TestService,
} from '../testing/service.js';

/** A GET that does not follow redirects. */
const open = (url: string, headers: Record<string, string> = {}) =>
  fetch(url, { redirect: 'manual', headers });

/** Every row of the tables a short link could change, to prove it changed none. */
function snapshot(dataDir: string): string {
  const db = new Database(joinPath(dataDir, 'sessions.sqlite'), { readonly: true });
  try {
    return JSON.stringify(
      ['sessions', 'participants', 'invites', 'outbox'].map((table) =>
        db.prepare(`SELECT * FROM ${table} ORDER BY rowid`).all(),
      ),
    );
  } finally {
    db.close();
  }
}

describe('short invite links /j/<code>', () => {
  let clock = Date.now();
  let svc: TestService;
  beforeAll(async () => {
    svc = await startTestService({ now: () => clock, inviteTtl: 3600 });
  });
  afterAll(() => svc.stop());

  it('lead to the join page with a fresh customer token that joins and reads the session', async () => {
    const s = await svc.createSession({ customer: { name: 'Carol' } });
    expect(s.inviteUrl).toBe(s.shortInviteUrl);
    expect(s.inviteUrl).toMatch(new RegExp(`^${svc.config.publicUrl.origin}/j/[0-9A-Za-z]{12}$`));
    expect(s.inviteUrl.length).toBeLessThan(60);
    expect(s.longInviteUrl).toBe(
      `${svc.config.publicUrl.origin}/join/${s.id}#token=${s.customerToken}`,
    );

    const res = await open(s.inviteUrl);
    expect(res.status).toBe(302);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    const location = res.headers.get('location')!;
    const match = new RegExp(`^${svc.config.publicUrl.origin}/join/${s.id}#token=([\\w.-]+)$`).exec(
      location,
    );
    expect(match, location).not.toBeNull();
    const token = match![1]!;
    expect(token).not.toBe(s.customerToken); // minted when the link was opened

    const read = await fetch(`${svc.url}/v1/sessions/${s.id}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(read.status).toBe(200);
    expect(await read.json()).toMatchObject({ id: s.id, customer: { name: 'Carol' } });
    const customer = await join(svc.signallingUrl, token);
    expect(customer.received[0]).toMatchObject({
      type: 'welcome',
      sessionId: s.id,
      you: { role: 'customer', name: 'Carol' },
    });
    customer.close();
    await customer.closed;
  });

  it('come with every customer token the host mints, each with a code of its own', async () => {
    const s = await svc.createSession();
    const res = await fetch(`${svc.url}/v1/sessions/${s.id}/tokens`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_API_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ role: 'customer' }),
    });
    expect(res.status).toBe(201);
    const minted = (await res.json()) as MintedToken & { role: 'customer' };
    expect(minted.inviteUrl).toBe(minted.shortInviteUrl);
    expect(minted.shortInviteUrl).not.toBe(s.shortInviteUrl);
    expect(minted.longInviteUrl).toBe(
      `${svc.config.publicUrl.origin}/join/${s.id}#token=${minted.token}`,
    );
    for (const link of [s.shortInviteUrl, minted.shortInviteUrl]) {
      expect((await open(link)).headers.get('location')).toMatch(`/join/${s.id}#token=`);
    }
  });

  it('keep only the SHA-256 of the code, never the code itself', async () => {
    const s = await svc.createSession();
    const code = new URL(s.shortInviteUrl).pathname.slice('/j/'.length);
    const hash = createHash('sha256').update(code).digest('base64url');
    const db = new Database(joinPath(svc.dataDir, 'sessions.sqlite'), { readonly: true });
    const row = db.prepare('SELECT * FROM invites WHERE session_id = ?').get(s.id);
    db.close();
    expect(row).toMatchObject({ code_hash: hash, role: 'customer' });
    expect(row).toMatchObject({ expires_at: Date.parse(s.expiresAt) });
    for (const file of ['sessions.sqlite', 'sessions.sqlite-wal']) {
      const path = joinPath(svc.dataDir, file);
      if (existsSync(path)) expect(readFileSync(path).includes(code), file).toBe(false);
    }
  });

  it('answer a code that is not one (unknown, garbled, overlong) with a 404 page, changing nothing', async () => {
    const s = await svc.createSession();
    const code = new URL(s.shortInviteUrl).pathname.slice('/j/'.length);
    const before = snapshot(svc.dataDir);
    for (const path of [
      `/j/${flip(code)}`,
      `/j/${code.slice(0, 11)}`,
      `/j/${code}0`,
      `/j/${'a'.repeat(5000)}`,
      `/j/${code.slice(0, 6)}-${code.slice(7)}`,
      `/j/${code}/more`,
      `/j/%00${code.slice(1)}`,
    ]) {
      const res = await open(`${svc.url}${path}`);
      expect(res.status, path).toBe(404);
      expect(res.headers.get('location')).toBeNull();
      expect(res.headers.get('content-type')).toContain('text/html');
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
      const html = await res.text();
      expect(html).toContain('<html lang="en">');
      expect(html).toContain('This link is not valid. Ask the person who sent it for a new one.');
    }
    expect(snapshot(svc.dataDir)).toBe(before);
  });

  it('answer an expired code with a 410 page', async () => {
    const s = await svc.createSession();
    clock = Date.parse(s.expiresAt);
    try {
      const res = await open(s.shortInviteUrl);
      expect(res.status).toBe(410);
      expect(res.headers.get('location')).toBeNull();
      expect(await res.text()).toContain(
        'This link has expired. Ask the person who sent it for a new one.',
      );
      clock -= 1000; // the last second it works
      expect((await open(s.shortInviteUrl)).status).toBe(302);
    } finally {
      clock = Date.now();
    }
  });
});

describe('short invite links, rate limited per address', () => {
  let svc: TestService;
  beforeAll(async () => {
    svc = await startTestService({ inviteRate: 3 });
  });
  afterAll(() => svc.stop());

  it('answer 429 with Retry-After once the address used its allowance, good codes too', async () => {
    const s = await svc.createSession();
    const statuses = [];
    for (const path of ['/j/AAAAAAAAAAAA', '/j/nope', new URL(s.shortInviteUrl).pathname]) {
      statuses.push((await open(`${svc.url}${path}`)).status);
    }
    expect(statuses).toEqual([404, 404, 302]);
    const res = await open(s.shortInviteUrl, { 'accept-language': 'de-DE,de;q=0.9' });
    expect(res.status).toBe(429);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(res.headers.get('location')).toBeNull();
    const html = await res.text();
    expect(html).toContain('<html lang="de">');
    expect(html).toContain('data-code="ERR_TOO_MANY_INVITES"');
    expect(html).toContain('Aus diesem Netz wurden zu viele Einladungslinks geöffnet.');
  });
});

describe('a short link to a request nobody accepted yet', () => {
  it('mints its tokens under the request rule: good until answerBy unless accepted', async () => {
    const t = createRestTestApp();
    const asked = await t.call('POST', '/v1/requests', TEST_PUBLIC_KEY, {});
    expect(asked.status).toBe(201);
    const id = asked.body.id as string;
    const minted = await t.call('POST', `/v1/sessions/${id}/tokens`, TEST_API_KEY, {
      role: 'customer',
    });
    expect(minted.status).toBe(201);
    const opened = async () => {
      const res = await t.app.request(new URL(minted.body.shortInviteUrl as string).pathname);
      expect(res.status).toBe(302);
      return /#token=(.+)$/.exec(res.headers.get('location')!)![1]!;
    };
    const token = await opened();
    expect(await t.tokens.verify(token)).toMatchObject({
      ok: true,
      claims: {
        sessionId: id,
        role: 'customer',
        answerBy: Date.parse(asked.body.answerBy as string),
      },
    });
    // The host's own token for the request follows the same rule.
    expect(await t.tokens.verify(minted.body.token as string)).toMatchObject({
      claims: { answerBy: Date.parse(asked.body.answerBy as string) },
    });
    t.tick(Date.parse(asked.body.answerBy as string) - t.now());
    expect(await t.call('GET', `/v1/sessions/${id}`, await opened())).toMatchObject({
      status: 401,
      body: { code: 'ERR_TOKEN_EXPIRED' },
    });
  });
});

/** The code with its first character changed (still well formed). */
function flip(code: string): string {
  return (code[0] === 'A' ? 'B' : 'A') + code.slice(1);
}
