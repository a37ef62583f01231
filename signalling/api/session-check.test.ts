/**
 * The join page's one request before it asks for the camera (issue 16): `GET /v1/sessions/:id`
 * with the invite's token tells a usable invite from each dead one, and whether the customer's
 * place is taken; the agent hears of a join refused because it was.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION } from '../../src/protocol.js';
import type { RequestedSession, SessionView } from '../../src/rest.js';
import { connect, join, refusal, type TestClient } from '../testing/client.js';
import {
  TEST_API_KEY,
  TEST_PUBLIC_KEY,
  startTestService,
  type TestService,
} from '../testing/service.js';

describe('checking an invite before the camera', () => {
  let clock = Date.now();
  let svc: TestService;
  beforeAll(async () => {
    svc = await startTestService({ now: () => clock, publicKeys: [TEST_PUBLIC_KEY] });
  });
  afterAll(() => svc.stop());

  const check = async (id: string, token: string) => {
    const res = await fetch(`${svc.url}/v1/sessions/${id}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    return { status: res.status, body: (await res.json()) as SessionView & { code?: string } };
  };
  const host = (path: string, body: unknown = {}, key = TEST_API_KEY) =>
    fetch(`${svc.url}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  /** A token from the short link, as the join page gets it. */
  const viaShortLink = async (shortInviteUrl: string) => {
    const res = await fetch(shortInviteUrl.replace(svc.config.publicUrl.origin, svc.url), {
      redirect: 'manual',
    });
    return /#token=(.+)$/.exec(res.headers.get('location')!)![1]!;
  };
  /** Resolves once everything the service sent `client` before now has arrived. */
  const settled = async (client: TestClient) => {
    const t = Math.random();
    client.send({ type: 'ping', t });
    await new Promise<void>((resolve) => {
      const look = () =>
        client.received.some((m) => m.type === 'pong' && m.t === t)
          ? resolve()
          : setTimeout(look, 5);
      look();
    });
  };

  it('answers a usable invite with the session and whose place is held', async () => {
    const s = await svc.createSession();
    const token = await viaShortLink(s.shortInviteUrl);
    expect(await check(s.id, token)).toMatchObject({
      status: 200,
      body: { status: 'created', inUse: { agent: false, customer: false } },
    });
    const agent = await join(svc.signallingUrl, s.agentToken);
    expect((await check(s.id, token)).body.inUse).toEqual({ agent: true, customer: false });
    const customer = await join(svc.signallingUrl, token);
    expect((await check(s.id, token)).body).toMatchObject({
      status: 'waiting',
      inUse: { agent: true, customer: true },
    });
    customer.close();
    await agent.next('peer-left');
    expect((await check(s.id, token)).body.inUse).toEqual({ agent: true, customer: false });
    agent.close();
    await agent.closed;
  });

  it('tells an expired, a cut short and a garbled invite apart', async () => {
    const s = await svc.createSession();
    const token = s.customerToken;
    for (const [bad, code] of [
      [token.slice(0, 60), 'ERR_TOKEN_INVALID'], // cut inside the claims: no dots left
      [token.slice(0, token.lastIndexOf('.') + 5), 'ERR_TOKEN_INVALID'], // cut in the signature
      [`${token.slice(0, -2)}xx`, 'ERR_TOKEN_INVALID'],
      ['not-a-token-at-all-0123', 'ERR_API_KEY_INVALID'],
    ] as const) {
      expect(await check(s.id, bad), bad).toMatchObject({ status: 401, body: { code } });
    }
    const other = await svc.createSession();
    expect(await check(other.id, token)).toMatchObject({
      status: 403,
      body: { code: 'ERR_TOKEN_SESSION_MISMATCH' },
    });
    clock = Date.parse(s.expiresAt) + 60_000; // past the 30 s of clock skew allowed
    try {
      expect(await check(s.id, token)).toMatchObject({
        status: 401,
        body: { code: 'ERR_TOKEN_EXPIRED' },
      });
    } finally {
      clock = Date.now();
    }
  });

  it('answers an ended session and a declined request with their status', async () => {
    const s = await svc.createSession();
    expect((await host(`/v1/sessions/${s.id}/end`)).status).toBe(200);
    expect(await check(s.id, s.customerToken)).toMatchObject({
      status: 200,
      body: { status: 'ended', endedBy: 'host' },
    });

    const asked = (await (
      await host('/v1/requests', {}, TEST_PUBLIC_KEY)
    ).json()) as RequestedSession;
    expect((await host(`/v1/sessions/${asked.id}/decline`)).status).toBe(200);
    expect(await check(asked.id, asked.customerToken)).toMatchObject({
      status: 200,
      body: { status: 'declined' },
    });
  });

  it('tells the agent when the customer place was refused to someone else, every 10 s at most', async () => {
    const s = await svc.createSession();
    const agent = await join(svc.signallingUrl, s.agentToken);
    const customer = await join(svc.signallingUrl, await viaShortLink(s.shortInviteUrl));
    await agent.next('peer-joined');
    const forwarded = await viaShortLink(s.shortInviteUrl);
    expect((await check(s.id, forwarded)).body.inUse.customer).toBe(true);

    const intrude = async () => {
      const intruder = connect(svc.signallingUrl, forwarded);
      intruder.send({ type: 'hello', protocol: PROTOCOL_VERSION });
      expect(await refusal(intruder)).toEqual({ code: 'ERR_SESSION_FULL', close: 4409 });
      await settled(agent);
      return agent.received.filter((m) => m.type === 'invite-in-use');
    };
    expect(await intrude()).toEqual([{ type: 'invite-in-use', role: 'customer' }]);
    expect(await intrude()).toHaveLength(1); // within 10 s: not again
    expect(customer.received.some((m) => m.type === 'invite-in-use')).toBe(false);
    clock += 10_000;
    try {
      expect(await intrude()).toHaveLength(2);
    } finally {
      clock = Date.now();
    }

    // The customer coming back with their resume key replaces their connection: nobody is told.
    const { resumeKey } = await customer.next('welcome');
    const again = await join(svc.signallingUrl, await viaShortLink(s.shortInviteUrl), resumeKey);
    await customer.closed;
    await settled(agent);
    expect(agent.received.filter((m) => m.type === 'invite-in-use')).toHaveLength(2);
    for (const c of [again, agent]) c.close();
    await Promise.all([again.closed, agent.closed]);
  });
});
