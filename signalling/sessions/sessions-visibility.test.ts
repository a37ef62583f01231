/** A session's visibility through the REST API: what an internal session hides from the customer. */
import { describe, expect, it } from 'vitest';
import { createRestTestApp, recordedEvents, TEST_API_KEY } from '../testing/service.js';

describe('visibility', () => {
  it('hides an internal session from the customer token, and only the API key changes it', async () => {
    const t = createRestTestApp();
    const s = await t.createSession();
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

    const evs = await recordedEvents(t.store, s.id);
    expect(evs.map((e) => [e.type, e.visibility])).toEqual([
      ['session.created', 'public'],
      ['session.visibility_changed', 'internal'],
    ]);
    expect(evs[1]!.data).toEqual({ visibility: 'internal', previous: 'public' });

    await t.call('PATCH', `/v1/sessions/${s.id}`, TEST_API_KEY, { visibility: 'public' });
    expect((await t.call('GET', `/v1/sessions/${s.id}`, s.customerToken)).status).toBe(200);
  });
});
