/**
 * The session lifecycle through the REST API (`app.request()`, an in-memory store): a request from
 * the help button through accept, the call, the end and the rating, with the webhook events each
 * step writes and the host's listing; long-polling; cancel, decline and expiry; the transitions
 * that are refused; leaving the call on purpose.
 */
import { describe, expect, it } from 'vitest';
import type { AcceptedSession, RequestedSession, SessionView } from '../../src/rest.js';
import {
  createRestTestApp,
  recordedEvents,
  recordedTypes,
  TEST_AGENT,
  TEST_API_KEY,
  TEST_PUBLIC_KEY,
} from '../testing/service.js';

const agent = TEST_AGENT;

describe('the session lifecycle', () => {
  it('request -> accept -> join -> connect -> end -> rate, with the webhook sequence', async () => {
    const t = createRestTestApp();
    const req = await t.call('POST', '/v1/requests', TEST_PUBLIC_KEY, {
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

    expect(await recordedTypes(t.store, requested.id)).toEqual([
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
    const all = await recordedEvents(t.store, requested.id);
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
    const t = createRestTestApp();
    const r = (await t.call('POST', '/v1/requests', TEST_PUBLIC_KEY, {}))
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
    const t = createRestTestApp();
    const a = (await t.call('POST', '/v1/requests', TEST_PUBLIC_KEY, {}))
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
    expect((await recordedEvents(t.store, a.id)).at(-1)!.data).toMatchObject({
      status: 'ended',
      reason: 'cancelled',
    });

    const b = (await t.call('POST', '/v1/requests', TEST_PUBLIC_KEY, {}))
      .body as unknown as RequestedSession;
    const declined = await t.call('POST', `/v1/sessions/${b.id}/decline`, TEST_API_KEY, {
      reason: 'no-agents',
    });
    expect(declined.body).toMatchObject({
      status: 'declined',
      endReason: 'no-agents',
      endedBy: 'host',
    });
    expect(await recordedTypes(t.store, b.id)).toEqual(['session.requested', 'session.ended']);
    // A declined request is over: the host can no longer accept it.
    expect(
      (await t.call('POST', `/v1/sessions/${b.id}/accept`, TEST_API_KEY, { agent })).body.code,
    ).toBe('ERR_SESSION_ENDED');
  });

  it('expires a request nobody accepted in time', async () => {
    const t = createRestTestApp({ requestTtl: 60 });
    const r = (await t.call('POST', '/v1/requests', TEST_PUBLIC_KEY, {}))
      .body as unknown as RequestedSession;
    t.tick(59_000);
    expect(await t.sessions.expireDue()).toBe(0);
    t.tick(1000);
    expect(await t.sessions.expireDue()).toBe(1);
    // The request's customer token ended with the request (the widget shows it expired).
    expect((await t.call('GET', `/v1/sessions/${r.id}`, r.customerToken)).body.code).toBe(
      'ERR_TOKEN_EXPIRED',
    );
    const read = await t.call('GET', `/v1/sessions/${r.id}`);
    expect(read.body).toMatchObject({
      status: 'expired',
      endedBy: 'service',
      endReason: 'not-answered',
    });
    expect((await recordedEvents(t.store, r.id)).at(-1)).toMatchObject({
      type: 'session.ended',
      data: { status: 'expired', reason: 'not-answered', durationMs: 0 },
    });
  });

  it('refuses illegal transitions with their codes, and changes nothing', async () => {
    const t = createRestTestApp();
    const s = await t.createSession();
    const before = await recordedTypes(t.store, s.id);
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
    expect(await recordedTypes(t.store, s.id)).toEqual(before);
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
    const t = createRestTestApp();
    const s = await t.createSession();
    await t.sessions.joined(s.id, 'agent', 'Sam', { resumed: false, bothPresent: false });
    await t.sessions.joined(s.id, 'customer', 'Bob', { resumed: false, bothPresent: true });
    await t.sessions.callConnected(s.id);
    await t.sessions.left(s.id, 'customer', 'hang-up');
    expect((await t.call('GET', `/v1/sessions/${s.id}`)).body).toMatchObject({
      status: 'waiting',
      analytics: { reconnects: 0 },
    });
    expect((await recordedEvents(t.store, s.id)).at(-1)).toMatchObject({
      type: 'session.participant_left',
      data: { role: 'customer', reason: 'hang-up' },
    });
    // The customer may rate already: the call took place, the session goes on.
    expect(
      (await t.call('POST', `/v1/sessions/${s.id}/rating`, s.customerToken, { score: 5 })).status,
    ).toBe(200);
  });
});
