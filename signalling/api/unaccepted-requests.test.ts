/**
 * What the customer token of a request (the help button's answer, made with nothing but the public
 * key) may do before an agent accepted it: follow and cancel its request, nothing else (issue 15).
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RequestedSession } from '../../src/rest.js';
import {
  createRestTestApp,
  recordedTypes,
  TEST_AGENT,
  TEST_API_KEY,
  TEST_PUBLIC_KEY,
} from '../testing/service.js';

const at = '2026-11-23T10:00:00.000Z';
const shot = (ref: string) => ({
  kind: 'screenshot',
  ref,
  name: 'still.png',
  type: 'image/png',
  size: 100,
  sha256: 'a'.repeat(64),
});

function requestApp(options: Parameters<typeof createRestTestApp>[0] = {}) {
  const t = createRestTestApp(options);
  const ask = async (body: Record<string, unknown> = {}) => {
    const res = await t.call('POST', '/v1/requests', TEST_PUBLIC_KEY, {
      ticketId: 'T-anything',
      ...body,
    });
    expect(res.status).toBe(201);
    t.tick(60_000); // past the request rate limit of this one client
    return res.body as unknown as RequestedSession;
  };
  const upload = (r: RequestedSession, ref = 'still-1') =>
    t.call('POST', `/v1/sessions/${r.id}/uploads`, r.customerToken, shot(ref));
  const report = (r: RequestedSession, ref: string) =>
    t.call('POST', `/v1/sessions/${r.id}/events`, r.customerToken, {
      ref,
      event: { type: 'recording.consented', at, recordingRef: 'rec-1' },
    });
  const uploadsOnDisk = () => readdirSync(join(t.config.dataDir, 'uploads'));
  return { ...t, ask, upload, report, uploadsOnDisk };
}

describe('a request nobody accepted', () => {
  it('takes no uploads and no reported events while it waits, nor once it ended unanswered', async () => {
    const t = requestApp();
    const waiting = await t.ask();
    expect(await t.upload(waiting)).toMatchObject({
      status: 409,
      body: { code: 'ERR_SESSION_NOT_ACCEPTED' },
    });
    for (let i = 0; i < 5; i++) {
      expect(await t.report(waiting, `consent-${i}-000`)).toMatchObject({
        status: 409,
        body: { code: 'ERR_SESSION_NOT_ACCEPTED' },
      });
    }
    // Declined or cancelled: the request is over, and it never became a call (an expired one
    // ends its token too: below).
    const declined = await t.ask();
    await t.call('POST', `/v1/sessions/${declined.id}/decline`, TEST_API_KEY, {});
    const cancelled = await t.ask();
    await t.call('POST', `/v1/sessions/${cancelled.id}/cancel`, cancelled.customerToken);
    for (const r of [declined, cancelled]) {
      expect((await t.upload(r)).body.code).toBe('ERR_SESSION_NOT_ACCEPTED');
      expect((await t.report(r, 'consent-late-0')).body.code).toBe('ERR_SESSION_NOT_ACCEPTED');
    }
    // Nothing was changed by the refusals: no upload, no event besides the lifecycle's.
    expect(t.uploadsOnDisk()).toEqual([]);
    for (const r of [waiting, declined, cancelled]) {
      expect(await t.store.files.uploadsOfSession(r.id)).toEqual([]);
      expect(
        (await recordedTypes(t.store, r.id)).filter((e) => e.startsWith('recording.')),
      ).toEqual([]);
    }
    expect(await recordedTypes(t.store, waiting.id)).toEqual(['session.requested']);
  });

  it('takes no uploads in a direct call nobody has answered yet', async () => {
    const t = requestApp({ directCalls: true });
    const ring = await t.ask({ direct: true });
    expect(ring.status).toBe('created');
    expect((await t.upload(ring)).body.code).toBe('ERR_SESSION_NOT_ACCEPTED');
    expect((await t.report(ring, 'consent-00001')).body.code).toBe('ERR_SESSION_NOT_ACCEPTED');
    await t.call('POST', `/v1/sessions/${ring.id}/accept`, TEST_API_KEY, { agent: TEST_AGENT });
    expect((await t.upload(ring)).status).toBe(201);
  });

  it("gives its customer token until answerBy; once accepted, the session's lifetime", async () => {
    const t = requestApp();
    const unanswered = await t.ask();
    const accepted = await t.ask();
    await t.call('POST', `/v1/sessions/${accepted.id}/accept`, TEST_API_KEY, {
      agent: TEST_AGENT,
    });
    const read = (r: RequestedSession) => t.call('GET', `/v1/sessions/${r.id}`, r.customerToken);
    expect((await read(unanswered)).status).toBe(200);

    t.tick(Date.parse(unanswered.answerBy) - t.now());
    expect((await read(unanswered)).body).toMatchObject({
      status: 401,
      code: 'ERR_TOKEN_EXPIRED',
    });
    expect((await t.upload(unanswered)).body.code).toBe('ERR_TOKEN_EXPIRED');
    expect((await t.report(unanswered, 'consent-00002')).body.code).toBe('ERR_TOKEN_EXPIRED');
    // The accepted one goes on with the very token the request answered with.
    expect((await read(accepted)).body).toMatchObject({ status: 'created' });
    expect((await t.upload(accepted)).status).toBe(201);
    expect((await t.report(accepted, 'consent-00003')).status).toBe(202);
  });
});
