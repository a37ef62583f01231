/** Events the widgets report through the REST API (`POST /v1/sessions/:id/events`). */
import { describe, expect, it } from 'vitest';
import {
  createRestTestApp,
  recordedEvents,
  recordedTypes,
  TEST_API_KEY,
} from '../testing/service.js';

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

  it('takes at most VS_REPORT_RATE reports a minute per session and role; the rest are 429', async () => {
    const t = createRestTestApp();
    const s = await t.createSession();
    const other = await t.createSession();
    const send = (sessionId: string, token: string, i: number) =>
      t.app.request(`/v1/sessions/${sessionId}/events`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          ref: `flood-${String(i).padStart(6, '0')}`,
          event: { type: 'session.mode_changed', mode: 'voice', previous: 'two-way' },
        }),
      });
    const answers = await Promise.all(
      Array.from({ length: 300 }, (_, i) => send(s.id, s.customerToken, i)),
    );
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((x) => x === 202)).toHaveLength(60);
    const refused = answers.filter((a) => a.status !== 202);
    expect(refused.map((a) => a.status)).toEqual(refused.map(() => 429));
    expect(Number(refused[0]!.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(await refused[0]!.json()).toMatchObject({ code: 'ERR_TOO_MANY_REPORTS' });
    // Only what was taken became events (and webhooks).
    const types = await recordedTypes(t.store, s.id);
    expect(types.filter((x) => x === 'session.mode_changed')).toHaveLength(60);

    // The agent, and the customer of another session, have their own allowance.
    expect((await send(s.id, s.agentToken, 1000)).status).toBe(202);
    expect((await send(other.id, other.customerToken, 1001)).status).toBe(202);
    // One a second comes back.
    expect((await send(s.id, s.customerToken, 1002)).status).toBe(429);
    t.tick(1000);
    expect((await send(s.id, s.customerToken, 1003)).status).toBe(202);
  });
});
