/** Events the widgets report through the REST API (`POST /v1/sessions/:id/events`). */
import { describe, expect, it } from 'vitest';
import { createRestTestApp, recordedEvents, TEST_API_KEY } from '../testing/service.js';

describe('events reported by widgets', () => {
  it('writes a reported event once per ref, stamped with the reporter', async () => {
    const t = createRestTestApp();
    const s = await t.createSession();
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

    const reported = (await recordedEvents(t.store, s.id)).filter(
      (e) => e.type === 'session.mode_changed',
    );
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
