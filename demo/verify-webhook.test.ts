import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { newWebhookSecret } from '../signalling/testing/webhook-receiver.js';
import { verifyWebhook } from './verify-webhook.js';

describe("the demo helpdesk's verifier, against deliveries signed by the official package", () => {
  const secret = newWebhookSecret();
  const body = '{"id":"msg_demo0001","type":"session.created"}';
  const signed = (id: string, at: Date, payload = body, key = secret) => ({
    id,
    timestamp: String(Math.floor(at.getTime() / 1000)),
    signature: new Webhook(key).sign(id, at, payload),
  });

  it('accepts a valid delivery, also among several signatures (rotation)', () => {
    const now = new Date();
    expect(verifyWebhook(secret, signed('msg_1', now), body)).toEqual({ ok: true });
    const other = newWebhookSecret();
    const both = signed('msg_1', now);
    both.signature = `${signed('msg_1', now, body, other).signature} ${both.signature}`;
    expect(verifyWebhook(secret, both, body)).toEqual({ ok: true });
  });

  it('refuses a tampered body, another id, a wrong secret, a stale timestamp, missing headers', () => {
    const now = new Date();
    expect(verifyWebhook(secret, signed('msg_1', now), body.replace('created', 'ended')).ok).toBe(
      false,
    );
    expect(verifyWebhook(secret, { ...signed('msg_1', now), id: 'msg_2' }, body).ok).toBe(false);
    expect(verifyWebhook(newWebhookSecret(), signed('msg_1', now), body).ok).toBe(false);
    expect(verifyWebhook(secret, signed('msg_1', new Date(now.getTime() - 301_000)), body)).toEqual(
      {
        ok: false,
        reason: 'timestamp too far from now',
      },
    );
    expect(
      verifyWebhook(secret, { id: 'msg_1', timestamp: undefined, signature: 'v1,x' }, body).ok,
    ).toBe(false);
  });
});
