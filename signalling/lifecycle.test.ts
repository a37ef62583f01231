/**
 * The session lifecycle through the REST API (`app.request()`, an in-memory store): requests,
 * accept, decline, cancel, direct calls, expiry, visibility, rating, analytics, reported events,
 * and the webhook events each step writes to the outbox.
 */
import { describe, expect, it } from 'vitest';
import type { SessionEvent } from '../src/events.js';
import type {
  AcceptedSession,
  CreatedSession,
  RequestedSession,
  SessionView,
} from '../src/rest.js';
import type { SessionStore } from './store.js';
import { createTestApp, TEST_API_KEY } from './testing.js';

const PUBLIC_KEY = 'pk_test_0123456789abcdef';

function setup(options: Parameters<typeof createTestApp>[0] = {}) {
  let clock = Date.parse('2026-11-23T10:00:00Z');
  const t = createTestApp({ publicKeys: [PUBLIC_KEY], now: () => clock, ...options });
  const call = async (
    method: string,
    path: string,
    key: string | null = TEST_API_KEY,
    body?: unknown,
  ) => {
    const res = await t.app.request(path, {
      method,
      headers: {
        ...(key ? { authorization: `Bearer ${key}` } : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return {
      status: res.status,
      body: (await res.json()) as Record<string, unknown> & { code?: string },
    };
  };
  return { ...t, call, tick: (ms: number) => (clock += ms), now: () => clock };
}

/** The webhook events written for a session, oldest first. */
async function events(store: SessionStore, sessionId: string): Promise<SessionEvent[]> {
  const rows = await store.outbox.list({ sessionId, limit: 1000 });
  return rows.reverse().map((r) => JSON.parse(r.body) as SessionEvent);
}
const types = async (store: SessionStore, id: string) =>
  (await events(store, id)).map((e) => e.type);

const agent = { id: 'agent-7', name: 'Sam' };

describe('requests (the help button) and their lifecycle', () => {
  it('request -> accept -> join -> connect -> end -> rate, with the webhook sequence', async () => {
    const t = setup();
    const req = await t.call('POST', '/v1/requests', PUBLIC_KEY, {
      customer: { name: 'Tom' },
      ticketId: 'T-9',
      metadata: { queue: 'returns' },
    });
    expect(req.status).toBe(201);
    const requested = req.body as unknown as RequestedSession;
    expect(requested).toMatchObject({
      status: 'requested',
      direct: false,
      answerBy: '2026-11-23T10:15:00.000Z',
    });

    // The customer can read their request (without the host's metadata).
    const read = await t.call('GET', `/v1/sessions/${requested.id}`, requested.customerToken);
    expect(read.body).toMatchObject({ status: 'requested', ticketId: 'T-9', agent: null });
    expect(read.body).not.toHaveProperty('metadata');

    t.tick(30_000);
    const accepted = await t.call('POST', `/v1/sessions/${requested.id}/accept`, TEST_API_KEY, {
      agent,
    });
    expect(accepted.status).toBe(200);
    expect(accepted.body as unknown as AcceptedSession).toMatchObject({
      status: 'created',
      agent,
      metadata: { queue: 'returns' },
      analytics: { acceptMs: 30_000 },
    });
    expect((accepted.body as unknown as AcceptedSession).agentToken.split('.')).toHaveLength(3);

    // Presence and the call go through the rooms in real life; the lifecycle is the same.
    t.tick(1000);
    await t.sessions.joined(requested.id, 'customer', 'Tom', {
      resumed: false,
      bothPresent: false,
    });
    t.tick(2000);
    await t.sessions.joined(requested.id, 'agent', 'Sam', { resumed: false, bothPresent: true });
    t.tick(800);
    await t.sessions.callConnected(requested.id);
    t.tick(5000);
    await t.sessions.left(requested.id, 'customer');
    t.tick(1000);
    await t.sessions.joined(requested.id, 'customer', 'Tom', { resumed: true, bothPresent: true });
    await t.sessions.callConnected(requested.id);
    t.tick(60_000);
    await t.sessions.end(requested.id, 'customer', 'hang-up');

    const rated = await t.call(
      'POST',
      `/v1/sessions/${requested.id}/rating`,
      requested.customerToken,
      {
        score: 4,
        comment: '  Quick and clear  ',
      },
    );
    expect(rated.status).toBe(200);
    expect(rated.body).toMatchObject({ rating: { score: 4, comment: 'Quick and clear' } });

    expect(await types(t.store, requested.id)).toEqual([
      'session.requested',
      'session.created',
      'session.participant_joined',
      'session.participant_joined',
      'session.connected',
      'session.participant_left',
      'session.reconnecting',
      'session.participant_joined',
      'session.connected',
      'session.ended',
      'session.rated',
    ]);
    const all = await events(t.store, requested.id);
    expect(all.map((e) => e.sequence)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    expect(all.every((e) => e.ticketId === 'T-9' && e.metadata?.queue === 'returns')).toBe(true);
    expect(all[4]!.data).toEqual({ setupMs: 800, reconnected: false });
    expect(all[8]!.data).toEqual({ setupMs: null, reconnected: true });
    expect(all[9]!.data).toEqual({
      status: 'ended',
      reason: 'hang-up',
      endedBy: 'customer',
      durationMs: 66_000,
      setupMs: 800,
      reconnects: 1,
      connectedAt: '2026-11-23T10:00:33.800Z',
    });

    // Analytics and the timestamped transitions, listed by ticket for the host.
    const list = await t.call('GET', '/v1/sessions?ticketId=T-9');
    const [view] = (list.body as { sessions: SessionView[] }).sessions;
    expect(view).toMatchObject({
      status: 'ended',
      endedBy: 'customer',
      endReason: 'hang-up',
      analytics: { acceptMs: 30_000, setupMs: 800, durationMs: 66_000, reconnects: 1 },
    });
    expect(view!.transitions.map((x) => `${x.from}->${x.to}`)).toEqual([
      'requested->created',
      'created->waiting',
      'waiting->connected',
      'connected->reconnecting',
      'reconnecting->connected',
      'connected->ended',
    ]);
    expect(view!.transitions[0]!.at).toBe('2026-11-23T10:00:30.000Z');
  });

  it('answers a long-polling customer as soon as the request is accepted', async () => {
    const t = setup();
    const r = (await t.call('POST', '/v1/requests', PUBLIC_KEY, {}))
      .body as unknown as RequestedSession;
    const started = Date.now();
    const polled = t.call('GET', `/v1/sessions/${r.id}?wait=requested`, r.customerToken);
    await new Promise((resolve) => setTimeout(resolve, 100));
    await t.call('POST', `/v1/sessions/${r.id}/accept`, TEST_API_KEY, { agent });
    expect((await polled).body).toMatchObject({ status: 'created', agent });
    expect(Date.now() - started).toBeLessThan(2000);
    expect(
      (await t.call('GET', `/v1/sessions/${r.id}?wait=nonsense`, r.customerToken)).body.code,
    ).toBe('ERR_BODY_INVALID');
  });

  it('lets the customer cancel a request, and the host decline one', async () => {
    const t = setup();
    const a = (await t.call('POST', '/v1/requests', PUBLIC_KEY, {}))
      .body as unknown as RequestedSession;
    expect((await t.call('POST', `/v1/sessions/${a.id}/cancel`, TEST_API_KEY)).body.code).toBe(
      'ERR_FORBIDDEN',
    );
    const cancelled = await t.call('POST', `/v1/sessions/${a.id}/cancel`, a.customerToken);
    expect(cancelled.body).toMatchObject({
      status: 'ended',
      endReason: 'cancelled',
      endedBy: 'customer',
    });
    expect((await events(t.store, a.id)).at(-1)!.data).toMatchObject({
      status: 'ended',
      reason: 'cancelled',
    });

    const b = (await t.call('POST', '/v1/requests', PUBLIC_KEY, {}))
      .body as unknown as RequestedSession;
    const declined = await t.call('POST', `/v1/sessions/${b.id}/decline`, TEST_API_KEY, {
      reason: 'no-agents',
    });
    expect(declined.body).toMatchObject({
      status: 'declined',
      endReason: 'no-agents',
      endedBy: 'host',
    });
    expect(await types(t.store, b.id)).toEqual(['session.requested', 'session.ended']);
    // The customer cannot join a declined session (the rooms refuse ERR_SESSION_ENDED).
    expect(
      (await t.call('POST', `/v1/sessions/${b.id}/accept`, TEST_API_KEY, { agent })).body.code,
    ).toBe('ERR_SESSION_ENDED');
  });

  it('expires a request nobody accepted in time', async () => {
    const t = setup({ requestTtl: 60 });
    const r = (await t.call('POST', '/v1/requests', PUBLIC_KEY, {}))
      .body as unknown as RequestedSession;
    t.tick(59_000);
    expect(await t.sessions.expireDue()).toBe(0);
    t.tick(1000);
    expect(await t.sessions.expireDue()).toBe(1);
    const read = await t.call('GET', `/v1/sessions/${r.id}`, r.customerToken);
    expect(read.body).toMatchObject({
      status: 'expired',
      endedBy: 'service',
      endReason: 'not-answered',
    });
    expect((await events(t.store, r.id)).at(-1)).toMatchObject({
      type: 'session.ended',
      data: { status: 'expired', reason: 'not-answered', durationMs: 0 },
    });
  });

  it('refuses illegal transitions with their codes, and changes nothing', async () => {
    const t = setup();
    const s = (await t.call('POST', '/v1/sessions', TEST_API_KEY, { ticketId: 'T-1', agent }))
      .body as unknown as CreatedSession;
    const before = await types(t.store, s.id);
    const decline = await t.call('POST', `/v1/sessions/${s.id}/decline`);
    expect(decline).toMatchObject({
      status: 409,
      body: { code: 'ERR_TRANSITION_INVALID', detail: 'created cannot become declined' },
    });
    const cancel = await t.call('POST', `/v1/sessions/${s.id}/cancel`, s.customerToken);
    expect(cancel).toMatchObject({ status: 409, body: { code: 'ERR_TRANSITION_INVALID' } });
    const accept = await t.call('POST', `/v1/sessions/${s.id}/accept`, TEST_API_KEY, { agent });
    expect(accept).toMatchObject({
      status: 409,
      body: { code: 'ERR_TRANSITION_INVALID', detail: 'already accepted' },
    });
    expect(await t.sessions.callConnected(s.id)).toMatchObject({
      ok: false,
      code: 'ERR_TRANSITION_INVALID',
    });
    expect(await types(t.store, s.id)).toEqual(before);
    expect((await t.call('GET', `/v1/sessions/${s.id}`)).body).toMatchObject({
      status: 'created',
      transitions: [],
    });

    await t.call('POST', `/v1/sessions/${s.id}/end`);
    const again = await t.call('POST', `/v1/sessions/${s.id}/end`);
    expect(again).toMatchObject({
      status: 410,
      body: { code: 'ERR_SESSION_ENDED', detail: 'the session is ended' },
    });
  });

  it('goes back to waiting when somebody leaves the call on purpose', async () => {
    const t = setup();
    const s = (await t.call('POST', '/v1/sessions', TEST_API_KEY, { ticketId: 'T-1', agent }))
      .body as unknown as CreatedSession;
    await t.sessions.joined(s.id, 'agent', 'Sam', { resumed: false, bothPresent: false });
    await t.sessions.joined(s.id, 'customer', 'Bob', { resumed: false, bothPresent: true });
    await t.sessions.callConnected(s.id);
    await t.sessions.left(s.id, 'customer', 'hang-up');
    expect((await t.call('GET', `/v1/sessions/${s.id}`)).body).toMatchObject({
      status: 'waiting',
      analytics: { reconnects: 0 },
    });
    expect((await events(t.store, s.id)).at(-1)).toMatchObject({
      type: 'session.participant_left',
      data: { role: 'customer', reason: 'hang-up' },
    });
    // The customer may rate already: the call took place, the session goes on.
    expect(
      (await t.call('POST', `/v1/sessions/${s.id}/rating`, s.customerToken, { score: 5 })).status,
    ).toBe(200);
  });

  it('rates once, only as the customer, only after a call', async () => {
    const t = setup();
    const s = (await t.call('POST', '/v1/sessions', TEST_API_KEY, { ticketId: 'T-1', agent }))
      .body as unknown as CreatedSession;
    const rate = (key: string, body: unknown = { score: 5 }) =>
      t.call('POST', `/v1/sessions/${s.id}/rating`, key, body);
    expect((await rate(s.customerToken)).body.code).toBe('ERR_RATING_NOT_OPEN');
    await t.sessions.joined(s.id, 'agent', 'Sam', { resumed: false, bothPresent: false });
    await t.sessions.joined(s.id, 'customer', 'Bob', { resumed: false, bothPresent: true });
    await t.sessions.callConnected(s.id);
    await t.sessions.end(s.id, 'agent', 'hang-up');
    expect((await rate(s.agentToken)).body.code).toBe('ERR_FORBIDDEN');
    expect((await rate(TEST_API_KEY)).body.code).toBe('ERR_FORBIDDEN');
    expect((await rate(s.customerToken, { score: 6 })).body.code).toBe('ERR_BODY_INVALID');
    expect((await rate(s.customerToken, { score: 3, extra: 1 })).body.code).toBe(
      'ERR_BODY_INVALID',
    );
    expect((await rate(s.customerToken)).status).toBe(200);
    const twice = await rate(s.customerToken, { score: 1 });
    expect(twice).toMatchObject({ status: 409, body: { code: 'ERR_ALREADY_RATED' } });
    expect((await t.call('GET', `/v1/sessions/${s.id}`)).body).toMatchObject({
      rating: { score: 5, comment: null },
    });
    expect((await types(t.store, s.id)).filter((x) => x === 'session.rated')).toHaveLength(1);
  });
});

describe('visibility', () => {
  it('hides an internal session from the customer token, and only the API key changes it', async () => {
    const t = setup();
    const s = (await t.call('POST', '/v1/sessions', TEST_API_KEY, { ticketId: 'T-1', agent }))
      .body as unknown as CreatedSession;
    expect(
      (await t.call('PATCH', `/v1/sessions/${s.id}`, s.agentToken, { visibility: 'internal' })).body
        .code,
    ).toBe('ERR_API_KEY_INVALID');
    expect(
      (await t.call('PATCH', `/v1/sessions/${s.id}`, TEST_API_KEY, { visibility: 'secret' })).body
        .code,
    ).toBe('ERR_BODY_INVALID');
    const patched = await t.call('PATCH', `/v1/sessions/${s.id}`, TEST_API_KEY, {
      visibility: 'internal',
    });
    expect(patched.body).toMatchObject({ visibility: 'internal' });
    // The same value again is no change and no event.
    await t.call('PATCH', `/v1/sessions/${s.id}`, TEST_API_KEY, { visibility: 'internal' });

    const byCustomer = await t.call('GET', `/v1/sessions/${s.id}`, s.customerToken);
    expect(byCustomer).toMatchObject({ status: 403, body: { code: 'ERR_SESSION_INTERNAL' } });
    const waiting = await t.call('GET', `/v1/sessions/${s.id}?wait=created`, s.customerToken);
    expect(waiting.body.code).toBe('ERR_SESSION_INTERNAL');
    expect((await t.call('GET', `/v1/sessions/${s.id}`, s.agentToken)).body).toMatchObject({
      visibility: 'internal',
    });

    const evs = await events(t.store, s.id);
    expect(evs.map((e) => [e.type, e.visibility])).toEqual([
      ['session.created', 'public'],
      ['session.visibility_changed', 'internal'],
    ]);
    expect(evs[1]!.data).toEqual({ visibility: 'internal', previous: 'public' });

    await t.call('PATCH', `/v1/sessions/${s.id}`, TEST_API_KEY, { visibility: 'public' });
    expect((await t.call('GET', `/v1/sessions/${s.id}`, s.customerToken)).status).toBe(200);
  });
});

describe('request keys, request tokens, rate limits and direct calls', () => {
  it('takes a host-minted request token bound to one ticket, one live request per token', async () => {
    const t = setup();
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
    expect((await events(t.store, first.body.id as string))[0]!.data).toMatchObject({
      source: 'request-token',
    });

    t.tick(60_000); // past the rate limit of this one client
    const sneaky = await t.call('POST', '/v1/requests', token, { ticketId: 'T-1' });
    expect(sneaky.body).toMatchObject({
      code: 'ERR_BODY_INVALID',
      detail: 'the ticket and metadata come from the request token',
    });
    // A join token or a forged one is not a request token.
    const join = (await t.call('POST', '/v1/sessions', TEST_API_KEY, { ticketId: 'T-1', agent }))
      .body.customerToken as string;
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
    const t = setup();
    const expired = await t.tokens.mintRequest(
      { ticketId: 'T-1', customerName: null, metadata: null },
      t.now() - 60_000,
    );
    expect((await t.call('POST', '/v1/requests', expired.token, {})).body.code).toBe(
      'ERR_REQUEST_TOKEN_EXPIRED',
    );
  });

  it('rate limits requests per client', async () => {
    const t = setup();
    for (let i = 0; i < 6; i++)
      expect((await t.call('POST', '/v1/requests', PUBLIC_KEY, {})).status).toBe(201);
    const res = await t.app.request('/v1/requests', {
      method: 'POST',
      headers: { authorization: `Bearer ${PUBLIC_KEY}` },
    });
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('10');
    expect(await res.json()).toMatchObject({ code: 'ERR_TOO_MANY_REQUESTS' });
    t.tick(10_000);
    expect((await t.call('POST', '/v1/requests', PUBLIC_KEY, {})).status).toBe(201);
  });

  it('refuses direct calls unless the host enabled them; then rings straight into a session', async () => {
    const off = setup();
    expect((await off.call('POST', '/v1/requests', PUBLIC_KEY, { direct: true })).body.code).toBe(
      'ERR_DIRECT_CALLS_DISABLED',
    );
    const t = setup({ directCalls: true });
    const r = (await t.call('POST', '/v1/requests', PUBLIC_KEY, { direct: true, ticketId: 'T-5' }))
      .body as unknown as RequestedSession;
    expect(r).toMatchObject({ status: 'created', direct: true });
    const [created] = await events(t.store, r.id);
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
    const ring = (await t.call('POST', '/v1/requests', PUBLIC_KEY, { direct: true }))
      .body as unknown as RequestedSession;
    t.tick(900_000);
    await t.sessions.expireDue();
    expect((await t.call('GET', `/v1/sessions/${ring.id}`)).body).toMatchObject({
      status: 'expired',
    });
    expect((await t.call('GET', `/v1/sessions/${r.id}`)).body).toMatchObject({ status: 'waiting' });
  });

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

describe('events reported by widgets', () => {
  it('writes a reported event once per ref, stamped with the reporter', async () => {
    const t = setup();
    const s = (await t.call('POST', '/v1/sessions', TEST_API_KEY, { ticketId: 'T-1', agent }))
      .body as unknown as CreatedSession;
    const report = (key: string, body: unknown) =>
      t.call('POST', `/v1/sessions/${s.id}/events`, key, body);
    const body = {
      ref: 'ref-00000001',
      event: { type: 'session.mode_changed', mode: 'voice', previous: 'two-way' },
    };
    const first = await report(s.customerToken, body);
    expect(first).toMatchObject({ status: 202, body: { duplicate: false } });
    const again = await report(s.customerToken, body);
    expect(again).toMatchObject({ status: 202, body: { id: first.body.id, duplicate: true } });
    // The same ref from the other role is another event.
    const agentReport = await report(s.agentToken, body);
    expect(agentReport.body.id).not.toBe(first.body.id);

    const reported = (await events(t.store, s.id)).filter((e) => e.type === 'session.mode_changed');
    expect(reported.map((e) => [e.id, e.data])).toEqual([
      [first.body.id, { mode: 'voice', previous: 'two-way', by: 'customer' }],
      [agentReport.body.id, { mode: 'voice', previous: 'two-way', by: 'agent' }],
    ]);
    expect(reported.map((e) => e.sequence)).toEqual([2, 3]);

    expect((await report(TEST_API_KEY, body)).body.code).toBe('ERR_FORBIDDEN');
    expect((await report(s.customerToken, { ref: 'x', event: body.event })).body.code).toBe(
      'ERR_BODY_INVALID',
    );
    expect(
      (await report(s.customerToken, { ref: 'ref-00000002', event: { type: 'session.ended' } }))
        .body.code,
    ).toBe('ERR_BODY_INVALID');
  });
});
