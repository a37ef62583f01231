/**
 * Every webhook event says its `source`: the role whose widget (or token) told the service, the
 * host's API key, or the service itself (issue 15: reported events reached the helpdesk without
 * saying who reported them).
 */
import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { RequestedSession, UploadCreated } from '../../src/rest.js';
import {
  createRestTestApp,
  recordedEvents,
  TEST_AGENT,
  TEST_API_KEY,
  TEST_PUBLIC_KEY,
} from '../testing/service.js';

describe('the source of an event', () => {
  it('is the reporting role, the host, or the service, for every event of a session', async () => {
    const t = createRestTestApp({ retentionDays: 1 });
    const r = (await t.call('POST', '/v1/requests', TEST_PUBLIC_KEY, { ticketId: 'T-2' }))
      .body as unknown as RequestedSession;
    const accepted = await t.call('POST', `/v1/sessions/${r.id}/accept`, TEST_API_KEY, {
      agent: TEST_AGENT,
    });
    const agentToken = accepted.body.agentToken as string;
    await t.sessions.joined(r.id, 'customer', 'Tom', { resumed: false, bothPresent: false });
    await t.sessions.joined(r.id, 'agent', 'Sam', { resumed: false, bothPresent: true });
    await t.sessions.callConnected(r.id);
    await t.call('POST', `/v1/sessions/${r.id}/events`, r.customerToken, {
      ref: 'mode-0000001',
      event: { type: 'session.mode_changed', mode: 'voice', previous: 'two-way' },
    });
    await t.call('POST', `/v1/sessions/${r.id}/events`, agentToken, {
      ref: 'mode-0000002',
      event: { type: 'session.mode_changed', mode: 'two-way', previous: 'voice' },
    });
    await t.sessions.left(r.id, 'customer', 'disconnected');
    await t.sessions.joined(r.id, 'customer', 'Tom', { resumed: true, bothPresent: true });

    // A screenshot the customer's widget stores, and one the host's backend stores.
    const png = Buffer.concat([
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 13, 10, 26, 10]),
      randomBytes(50),
    ]);
    for (const [key, ref] of [
      [r.customerToken, 'still-c'],
      [TEST_API_KEY, 'still-h'],
    ] as const) {
      const up = (
        await t.call('POST', `/v1/sessions/${r.id}/uploads`, key, {
          kind: 'screenshot',
          ref,
          name: `${ref}.png`,
          type: 'image/png',
          size: png.length,
          sha256: createHash('sha256').update(png).digest('hex'),
        })
      ).body as unknown as UploadCreated;
      const res = await t.app.request(`/v1/sessions/${r.id}/uploads/${up.uploadId}`, {
        method: 'PATCH',
        headers: {
          authorization: `Bearer ${key}`,
          'content-type': 'application/offset+octet-stream',
          'upload-offset': '0',
        },
        body: png,
      });
      expect(res.status).toBe(200);
    }
    await t.call('PATCH', `/v1/sessions/${r.id}`, TEST_API_KEY, { visibility: 'internal' });
    await t.call('DELETE', `/v1/sessions/${r.id}/files`, TEST_API_KEY);
    await t.sessions.end(r.id, 'agent', 'hang-up');
    await t.call('PATCH', `/v1/sessions/${r.id}`, TEST_API_KEY, { visibility: 'public' });
    await t.call('POST', `/v1/sessions/${r.id}/rating`, r.customerToken, { score: 5 });

    // An unanswered request expires on the service's own clock.
    t.tick(60_000);
    const late = (await t.call('POST', '/v1/requests', TEST_PUBLIC_KEY, {}))
      .body as unknown as RequestedSession;
    t.tick(900_000);
    await t.sessions.expireDue();

    const sources = async (id: string) =>
      (await recordedEvents(t.store, id)).map((e) => [e.type, e.source]);
    expect(await sources(r.id)).toEqual([
      ['session.requested', 'customer'],
      ['session.created', 'host'],
      ['session.participant_joined', 'customer'],
      ['session.participant_joined', 'agent'],
      ['session.connected', 'service'],
      ['session.mode_changed', 'customer'],
      ['session.mode_changed', 'agent'],
      ['session.participant_left', 'service'],
      ['session.reconnecting', 'service'],
      ['session.participant_joined', 'customer'],
      ['screenshot.created', 'customer'],
      ['screenshot.created', 'host'],
      ['session.visibility_changed', 'host'],
      ['file.deleted', 'host'],
      ['file.deleted', 'host'],
      ['session.ended', 'agent'],
      ['session.visibility_changed', 'host'],
      ['session.rated', 'customer'],
    ]);
    expect(await sources(late.id)).toEqual([
      ['session.requested', 'customer'],
      ['session.ended', 'service'],
    ]);
  });

  it('is the service for files past their retention', async () => {
    const t = createRestTestApp({ retentionDays: 1 });
    const s = await t.createSession();
    const png = Buffer.concat([
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 13, 10, 26, 10]),
      randomBytes(50),
    ]);
    const up = (
      await t.call('POST', `/v1/sessions/${s.id}/uploads`, s.agentToken, {
        kind: 'screenshot',
        ref: 'old',
        name: 'old.png',
        type: 'image/png',
        size: png.length,
        sha256: createHash('sha256').update(png).digest('hex'),
      })
    ).body as unknown as UploadCreated;
    await t.app.request(`/v1/sessions/${s.id}/uploads/${up.uploadId}`, {
      method: 'PATCH',
      headers: {
        authorization: `Bearer ${s.agentToken}`,
        'content-type': 'application/offset+octet-stream',
        'upload-offset': '0',
      },
      body: png,
    });
    t.tick(2 * 86_400_000);
    await t.files.cleanup.sweep();
    const events = await recordedEvents(t.store, s.id);
    expect(events.map((e) => [e.type, e.source])).toEqual([
      ['session.created', 'host'],
      ['screenshot.created', 'agent'],
      ['file.deleted', 'service'],
    ]);
  });
});
