/**
 * The request flow's front door (`POST /v1/requests`, `POST /v1/request-tokens`): public keys and
 * request tokens, the per-client rate limit, and direct calls.
 */
import { describe, expect, it } from 'vitest';
import type { RequestedSession } from '../../src/rest.js';
import {
  createRestTestApp,
  recordedEvents,
  TEST_AGENT,
  TEST_API_KEY,
  TEST_PUBLIC_KEY,
} from '../testing/service.js';

const agent = TEST_AGENT;

describe('request keys, request tokens, rate limits and direct calls', () => {
  it('takes a host-minted request token bound to one ticket, one live request per token', async () => {
    const t = createRestTestApp();
    const minted = await t.call('POST', '/v1/request-tokens', TEST_API_KEY, {
      ticketId: 'T-77',
      customer: { name: 'Lena' },
      metadata: { plan: 'gold' },
    });
    expect(minted.status).toBe(201);
    const token = minted.body.token as string;
    const first = await t.call('POST', '/v1/requests', token, {});
    expect(first.status).toBe(201);
    const again = await t.call('POST', '/v1/requests', token, {});
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(first.body.id);
    const view = await t.call('GET', `/v1/sessions/${first.body.id as string}`);
    expect(view.body).toMatchObject({
      ticketId: 'T-77',
      customer: { name: 'Lena' },
      metadata: { plan: 'gold' },
    });
    expect((await recordedEvents(t.store, first.body.id as string))[0]!.data).toMatchObject({
      source: 'request-token',
    });

    t.tick(60_000); // past the rate limit of this one client
    const sneaky = await t.call('POST', '/v1/requests', token, { ticketId: 'T-1' });
    expect(sneaky.body).toMatchObject({
      code: 'ERR_BODY_INVALID',
      detail: 'the ticket and metadata come from the request token',
    });
    // A join token or a forged one is not a request token.
    const join = (await t.createSession()).customerToken;
    expect((await t.call('POST', '/v1/requests', join, {})).body.code).toBe(
      'ERR_REQUEST_KEY_INVALID',
    );
    expect((await t.call('POST', '/v1/requests', 'pk_wrong_0123456789abcdef', {})).body.code).toBe(
      'ERR_REQUEST_KEY_INVALID',
    );
    expect((await t.call('POST', '/v1/requests', null, {})).body.code).toBe(
      'ERR_REQUEST_KEY_INVALID',
    );
  });

  it('refuses an expired request token with its own code', async () => {
    const t = createRestTestApp();
    const expired = await t.tokens.mintRequest(
      { ticketId: 'T-1', customerName: null, metadata: null },
      t.now() - 60_000,
    );
    expect((await t.call('POST', '/v1/requests', expired.token, {})).body.code).toBe(
      'ERR_REQUEST_TOKEN_EXPIRED',
    );
  });

  it('rate limits requests per client', async () => {
    const t = createRestTestApp();
    for (let i = 0; i < 6; i++)
      expect((await t.call('POST', '/v1/requests', TEST_PUBLIC_KEY, {})).status).toBe(201);
    const res = await t.app.request('/v1/requests', {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_PUBLIC_KEY}` },
    });
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('10');
    expect(await res.json()).toMatchObject({ code: 'ERR_TOO_MANY_REQUESTS' });
    t.tick(10_000);
    expect((await t.call('POST', '/v1/requests', TEST_PUBLIC_KEY, {})).status).toBe(201);
  });

  it('refuses direct calls unless the host enabled them; then rings straight into a session', async () => {
    const off = createRestTestApp();
    expect(
      (await off.call('POST', '/v1/requests', TEST_PUBLIC_KEY, { direct: true })).body.code,
    ).toBe('ERR_DIRECT_CALLS_DISABLED');
    const t = createRestTestApp({ directCalls: true });
    const r = (
      await t.call('POST', '/v1/requests', TEST_PUBLIC_KEY, { direct: true, ticketId: 'T-5' })
    ).body as unknown as RequestedSession;
    expect(r).toMatchObject({ status: 'created', direct: true });
    const [created] = await recordedEvents(t.store, r.id);
    expect(created).toMatchObject({
      type: 'session.created',
      data: { origin: 'direct', agent: null },
    });
    await t.sessions.joined(r.id, 'customer', 'Customer', { resumed: false, bothPresent: false });
    // No agent token before somebody answers; accept assigns the agent and keeps the status.
    expect(
      (await t.call('POST', `/v1/sessions/${r.id}/tokens`, TEST_API_KEY, { role: 'agent' })).body
        .code,
    ).toBe('ERR_SESSION_NOT_ACCEPTED');
    const answered = await t.call('POST', `/v1/sessions/${r.id}/accept`, TEST_API_KEY, { agent });
    expect(answered.body).toMatchObject({ status: 'waiting', agent, answerBy: null });
    // Unanswered direct calls expire like requests.
    const ring = (await t.call('POST', '/v1/requests', TEST_PUBLIC_KEY, { direct: true }))
      .body as unknown as RequestedSession;
    t.tick(900_000);
    await t.sessions.expireDue();
    expect((await t.call('GET', `/v1/sessions/${ring.id}`)).body).toMatchObject({
      status: 'expired',
    });
    expect((await t.call('GET', `/v1/sessions/${r.id}`)).body).toMatchObject({ status: 'waiting' });
  });
});
