import { describe, beforeEach, expect, it } from 'vitest';
import type { CreatedSession, MintedToken, SessionView } from '../src/rest.js';
import { createTokenService } from './sessions/tokens.js';
import { createTestApp, TEST_API_KEY } from './testing/service.js';

const KEY = TEST_API_KEY;
const setup = (overrides: { inviteUrlTemplate?: string; allowedOrigins?: string[] } = {}) =>
  createTestApp(overrides);

const json = (body: unknown, key: string | null = KEY) => ({
  method: 'POST',
  headers: {
    'content-type': 'application/json',
    ...(key ? { authorization: `Bearer ${key}` } : {}),
  },
  body: typeof body === 'string' ? body : JSON.stringify(body),
});

const valid = { ticketId: 'T-42', agent: { id: 'a-1', name: 'Alice' }, customer: { name: 'Bob' } };

describe('REST /v1/sessions', () => {
  let t: ReturnType<typeof setup>;
  beforeEach(() => {
    t = setup();
  });

  async function create(): Promise<CreatedSession> {
    const res = await t.app.request('/v1/sessions', json(valid));
    expect(res.status).toBe(201);
    return (await res.json()) as CreatedSession;
  }

  it('creates a session with tokens bound to it and a short invite link to the join page', async () => {
    const s = await create();
    expect(s).toMatchObject({ ticketId: 'T-42', status: 'created', customer: { name: 'Bob' } });
    expect(s.id).toMatch(/^ses_[\w-]{22}$/);
    expect(s.inviteUrl).toMatch(/^https:\/\/video\.example\.com\/j\/[0-9A-Za-z]{12}$/);
    expect(s.shortInviteUrl).toBe(s.inviteUrl);
    expect(s.longInviteUrl).toBe(`https://video.example.com/join/${s.id}#token=${s.customerToken}`);
    const agent = await t.tokens.verify(s.agentToken);
    const customer = await t.tokens.verify(s.customerToken);
    expect(agent).toMatchObject({ ok: true, claims: { sessionId: s.id, role: 'agent' } });
    expect(customer).toMatchObject({ ok: true, claims: { sessionId: s.id, role: 'customer' } });
    // The agent's token is short lived; the invite lasts as long as the session.
    if (agent.ok && customer.ok) {
      expect(agent.claims.expiresAt - Date.now()).toBeLessThanOrEqual(3600_000);
      expect(customer.claims.expiresAt).toBe(Date.parse(s.expiresAt));
    }
  });

  it('points invites at the host page when VS_INVITE_URL_TEMPLATE is set', async () => {
    t = setup({ inviteUrlTemplate: 'https://help.example.com/video?token={token}&s={sessionId}' });
    const s = await create();
    expect(s.inviteUrl).toBe(
      `https://help.example.com/video?token=${s.customerToken}&s=${encodeURIComponent(s.id)}`,
    );
    expect(s.longInviteUrl).toBe(s.inviteUrl);
    // The short link leads to the host's page too, with a fresh token.
    expect(s.shortInviteUrl).toMatch(/^https:\/\/video\.example\.com\/j\/[0-9A-Za-z]{12}$/);
    const res = await t.app.request(new URL(s.shortInviteUrl).pathname);
    expect(res.status).toBe(302);
    const location = new URL(res.headers.get('location')!);
    expect(location.origin + location.pathname).toBe('https://help.example.com/video');
    expect(location.searchParams.get('s')).toBe(s.id);
    expect(await t.tokens.verify(location.searchParams.get('token')!)).toMatchObject({
      ok: true,
      claims: { sessionId: s.id, role: 'customer' },
    });
  });

  it('reads a session with the API key, or with a token of that session', async () => {
    const s = await create();
    for (const key of [KEY, s.agentToken, s.customerToken]) {
      const res = await t.app.request(`/v1/sessions/${s.id}`, {
        headers: { authorization: `Bearer ${key}` },
      });
      expect(res.status).toBe(200);
      expect((await res.json()) as SessionView).toMatchObject({ id: s.id, status: 'created' });
    }
  });

  it.each([
    ['no key', null, 401, 'ERR_API_KEY_MISSING'],
    ['wrong key', 'wrong-key-0123456789', 401, 'ERR_API_KEY_INVALID'],
  ])('refuses creation with %s', async (_name, key, status, code) => {
    const res = await t.app.request('/v1/sessions', json(valid, key));
    expect(res.status).toBe(status);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(await res.json()).toMatchObject({ status, code });
  });

  it.each([
    ['not JSON', '{"ticketId": '],
    ['no ticketId', { agent: { id: 'a', name: 'A' } }],
    ['empty ticketId', { ...valid, ticketId: '  ' }],
    ['agent without a name', { ticketId: 'T', agent: { id: 'a' } }],
    ['a ticketId too long', { ...valid, ticketId: 'x'.repeat(201) }],
    ['an array', [valid]],
  ])('refuses a malformed body: %s', async (_name, body) => {
    const res = await t.app.request('/v1/sessions', json(body));
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ code: 'ERR_BODY_INVALID' });
  });

  it('refuses a body over 16 KiB without reading it', async () => {
    const res = await t.app.request('/v1/sessions', json({ ...valid, pad: 'x'.repeat(17_000) }));
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ code: 'ERR_BODY_TOO_LARGE' });
  });

  it('answers an unknown session with ERR_SESSION_NOT_FOUND', async () => {
    const res = await t.app.request('/v1/sessions/ses_nope', {
      headers: { authorization: `Bearer ${KEY}` },
    });
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ code: 'ERR_SESSION_NOT_FOUND' });
  });

  it('refuses a token of another session, a forged token, and an expired one', async () => {
    const a = await create();
    const b = await create();
    const read = (key: string) =>
      t.app.request(`/v1/sessions/${a.id}`, { headers: { authorization: `Bearer ${key}` } });

    let res = await read(b.customerToken);
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ code: 'ERR_TOKEN_SESSION_MISMATCH' });

    const forged = await createTokenService(new TextEncoder().encode('y'.repeat(40))).mint(
      a.id,
      'agent',
      Date.now() + 60_000,
    );
    res = await read(forged.token);
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ code: 'ERR_TOKEN_INVALID' });

    const expired = await t.tokens.mint(a.id, 'customer', Date.now() - 120_000);
    res = await read(expired.token);
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ code: 'ERR_TOKEN_EXPIRED' });
  });

  it('mints fresh tokens for a live session and ends it', async () => {
    const s = await create();
    let res = await t.app.request(`/v1/sessions/${s.id}/tokens`, json({ role: 'agent' }));
    expect(res.status).toBe(201);
    const minted = (await res.json()) as { token: string };
    expect(await t.tokens.verify(minted.token)).toMatchObject({
      ok: true,
      claims: { role: 'agent' },
    });

    res = await t.app.request(`/v1/sessions/${s.id}/tokens`, json({ role: 'customer' }));
    expect(res.status).toBe(201);
    const invite = (await res.json()) as MintedToken;
    expect(invite).toMatchObject({ role: 'customer', inviteUrl: expect.stringContaining('/j/') });
    if (invite.role === 'customer') {
      expect(invite.shortInviteUrl).toBe(invite.inviteUrl);
      expect(invite.shortInviteUrl).not.toBe(s.shortInviteUrl); // a new code each time
      expect(invite.longInviteUrl).toBe(
        `https://video.example.com/join/${s.id}#token=${invite.token}`,
      );
    }

    res = await t.app.request(`/v1/sessions/${s.id}/tokens`, json({ role: 'boss' }));
    expect(await res.json()).toMatchObject({ code: 'ERR_BODY_INVALID' });

    res = await t.app.request(`/v1/sessions/${s.id}/end`, json({}));
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'ended' });

    res = await t.app.request(`/v1/sessions/${s.id}/tokens`, json({ role: 'customer' }));
    expect(res.status).toBe(410);
    expect(await res.json()).toMatchObject({ code: 'ERR_SESSION_ENDED' });
  });

  it('answers unknown routes and a plain GET of the WebSocket endpoint with problems', async () => {
    let res = await t.app.request('/v1/nothing');
    expect(await res.json()).toMatchObject({ status: 404, code: 'ERR_NOT_FOUND' });
    res = await t.app.request('/v1/signal');
    expect(res.status).toBe(426);
    expect(await res.json()).toMatchObject({ code: 'ERR_UPGRADE_REQUIRED' });
  });
});

describe('join page and widget script', () => {
  it('serves the join page under a strict CSP, pointing at the wss endpoint', async () => {
    const { app } = setup();
    const res = await app.request('/join/ses_abc');
    expect(res.status).toBe(200);
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    const html = await res.text();
    expect(html).toContain('signalling-url="wss://video.example.com/v1/signal"');
    expect(html).not.toMatch(/<script>(?!<\/script>)/);
  });

  it('serves the widget script to pages on other origins', async () => {
    const { app } = setup();
    const res = await app.request('/sdk/video-session.js');
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('content-type')).toContain('javascript');
  });

  it('serves the chunks the widget loads later, and nothing else from the build', async () => {
    const { app } = setup();
    expect((await app.request('/sdk/video-session-chunk-abc123.js')).status).toBe(200);
    expect((await app.request('/sdk/video-session-missing.js')).status).toBe(404);
    for (const path of [
      '/sdk/server.js',
      '/sdk/..%2Fpackage.json',
      '/sdk/video-session-..%2Fbin.js',
    ]) {
      const res = await app.request(path);
      expect(res.status, path).toBe(404);
      expect(await res.json()).toMatchObject({ code: 'ERR_NOT_FOUND' });
    }
  });
});

describe('CORS for widgets on the host pages', () => {
  it('answers CORS preflights only for allowed origins', async () => {
    const t = setup({ allowedOrigins: ['https://shop.example.com'] });
    const preflight = (origin: string) =>
      t.app.request('/v1/requests', {
        method: 'OPTIONS',
        headers: {
          origin,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'authorization',
        },
      });
    expect(
      (await preflight('https://shop.example.com')).headers.get('access-control-allow-origin'),
    ).toBe('https://shop.example.com');
    expect(
      (await preflight('https://evil.example.com')).headers.get('access-control-allow-origin'),
    ).toBeNull();
  });
});
