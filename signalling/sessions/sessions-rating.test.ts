/** The customer's rating of a session through the REST API: who may rate, when, and how often. */
import { describe, expect, it } from 'vitest';
import { createRestTestApp, recordedTypes, TEST_API_KEY } from '../testing/service.js';

describe('rating', () => {
  it('rates once, only as the customer, only after a call', async () => {
    const t = createRestTestApp();
    const s = await t.createSession();
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
    expect((await recordedTypes(t.store, s.id)).filter((x) => x === 'session.rated')).toHaveLength(
      1,
    );
  });
});
