import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { afterEach, describe, expect, it } from 'vitest';
import {
  newWebhookSecret,
  startWebhookReceiver,
  type WebhookReceiver,
} from '../testing/webhook-receiver.js';
import {
  createWebhookSender,
  parseRetryAfter,
  parseWebhookSecret,
  webhookHeaders,
} from './webhook.js';

const body = '{"id":"msg_test0001","type":"session.created","n":1}';
const id = 'msg_test0001';
const key = (s: string) => parseWebhookSecret(s)!;
/** A catalogue event body, as the outbox stores it. */
const sample = (eventId: string) =>
  JSON.stringify({
    id: eventId,
    type: 'session.rated',
    occurredAt: '2026-11-23T10:00:00.000Z',
    sessionId: 'ses_x',
    ticketId: 'T-1',
    sequence: 1,
    visibility: 'public',
    metadata: null,
    data: { score: 5, comment: null },
  });

describe('Standard Webhooks signing, checked by the official package', () => {
  const secret = newWebhookSecret();
  const verifier = new Webhook(secret);

  it('is accepted by standardwebhooks and equals its own signature byte for byte', () => {
    const now = Date.now();
    const headers = webhookHeaders([key(secret)], id, body, now);
    expect(verifier.verify(body, headers)).toEqual(JSON.parse(body));
    const ts = Math.floor(now / 1000);
    expect(headers['webhook-timestamp']).toBe(String(ts));
    expect(headers['webhook-signature']).toBe(verifier.sign(id, new Date(ts * 1000), body));
  });

  it('is rejected with a tampered body, a re-serialised body, or another id', () => {
    const headers = webhookHeaders([key(secret)], id, body, Date.now());
    expect(() => verifier.verify(body.replace('"n":1', '"n":2'), headers)).toThrow(/signature/);
    const pretty = JSON.stringify(JSON.parse(body), null, 2);
    expect(() => verifier.verify(pretty, headers)).toThrow(/signature/);
    expect(() => verifier.verify(body, { ...headers, 'webhook-id': 'msg_other' })).toThrow(
      /signature/,
    );
  });

  it('is rejected when stale or from the future (more than 5 minutes), accepted just inside', () => {
    const now = Date.now();
    const old = webhookHeaders([key(secret)], id, body, now - 301_000);
    expect(() => verifier.verify(body, old)).toThrow(/too old/);
    const future = webhookHeaders([key(secret)], id, body, now + 301_000);
    expect(() => verifier.verify(body, future)).toThrow(/too new/);
    const inside = webhookHeaders([key(secret)], id, body, now - 299_000);
    expect(verifier.verify(body, inside)).toBeTruthy();
  });

  it('is rejected with a wrong secret', () => {
    const headers = webhookHeaders([key(newWebhookSecret())], id, body, Date.now());
    expect(() => verifier.verify(body, headers)).toThrow(/signature/);
  });

  it('signs with every secret while rotating, so old and new receivers both verify', () => {
    const old = newWebhookSecret();
    const fresh = newWebhookSecret();
    const headers = webhookHeaders([key(fresh), key(old)], id, body, Date.now());
    expect(headers['webhook-signature']!.split(' ')).toHaveLength(2);
    expect(new Webhook(old).verify(body, headers)).toBeTruthy();
    expect(new Webhook(fresh).verify(body, headers)).toBeTruthy();
    expect(() => new Webhook(newWebhookSecret()).verify(body, headers)).toThrow();
  });

  it('reads only real whsec_ secrets of 24 to 64 bytes', () => {
    expect(parseWebhookSecret(secret)?.length).toBe(32);
    expect(parseWebhookSecret(`whsec_${Buffer.alloc(23).toString('base64')}`)).toBeNull();
    expect(parseWebhookSecret(`whsec_${Buffer.alloc(65).toString('base64')}`)).toBeNull();
    expect(parseWebhookSecret(Buffer.alloc(32).toString('base64'))).toBeNull();
    expect(parseWebhookSecret('whsec_not base64!')).toBeNull();
  });

  it('reads Retry-After as seconds or as a date', () => {
    const now = Date.parse('2026-11-23T10:00:00Z');
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter('Mon, 23 Nov 2026 10:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('soon', now)).toBeNull();
    expect(parseRetryAfter(undefined, now)).toBeNull();
  });
});

describe('the webhook sender against a real receiver', () => {
  let receiver: WebhookReceiver | null = null;
  afterEach(() => receiver?.close());

  it('posts the exact bytes with headers the receiver verifies, and reads the status', async () => {
    receiver = await startWebhookReceiver({
      answer: () => ({ status: 429, headers: { 'retry-after': '7' } }),
    });
    const sender = createWebhookSender({
      url: receiver.url,
      secrets: [key(receiver.secret)],
      timeoutMs: 2000,
      maxSockets: 2,
    });
    const event = sample('msg_sendertest1');
    const result = await sender.send('msg_sendertest1', event, Date.now());
    expect(result).toEqual({ kind: 'response', status: 429, retryAfterMs: 7000 });
    expect(receiver.deliveries.map((d) => [d.id, d.body])).toEqual([['msg_sendertest1', event]]);
    expect(receiver.rejected).toEqual([]);
    sender.close();
  });

  it('gives up on an attempt that gets no answer within the timeout, and on a refused connection', async () => {
    receiver = await startWebhookReceiver({ answer: () => 'hang' });
    const sender = createWebhookSender({
      url: receiver.url,
      secrets: [key(receiver.secret)],
      timeoutMs: 300,
      maxSockets: 1,
    });
    const started = Date.now();
    const hung = await sender.send('msg_sendertest2', sample('msg_sendertest2'), Date.now());
    expect(hung).toEqual({ kind: 'error', error: 'no answer within 300 ms' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    await receiver.pause();
    expect(await sender.send('msg_sendertest3', '{}', Date.now())).toEqual({
      kind: 'error',
      error: 'ECONNREFUSED',
    });
    sender.close();
  });

  it('sends the credentials in the URL as Basic authentication, keeps its query, follows no redirect', async () => {
    const seen: Array<{ url: string | undefined; headers: IncomingHttpHeaders }> = [];
    const server = createServer((req, res) => {
      seen.push({ url: req.url, headers: req.headers });
      req.resume();
      req.on('end', () => res.writeHead(307, { location: '/elsewhere' }).end('moved'));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const sender = createWebhookSender({
      url: `http://hook:s%3Acret@127.0.0.1:${port}/in?tenant=7`,
      secrets: [key(newWebhookSecret())],
      timeoutMs: 2000,
      maxSockets: 1,
    });
    try {
      expect(await sender.send('msg_sendertest4', '{}', Date.now())).toEqual({
        kind: 'response',
        status: 307,
        retryAfterMs: null,
      });
      expect(seen).toHaveLength(1);
      expect(seen[0]!.url).toBe('/in?tenant=7');
      expect(seen[0]!.headers.authorization).toBe(
        `Basic ${Buffer.from('hook:s:cret').toString('base64')}`,
      );
      expect(seen[0]!.headers['webhook-id']).toBe('msg_sendertest4');
    } finally {
      sender.close();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('ends the attempts in flight as aborted when closed', async () => {
    receiver = await startWebhookReceiver({ answer: () => 'hang' });
    const sender = createWebhookSender({
      url: receiver.url,
      secrets: [key(receiver.secret)],
      timeoutMs: 10_000,
      maxSockets: 1,
    });
    const pending = sender.send('msg_sendertest5', sample('msg_sendertest5'), Date.now());
    await receiver.until((r) => r.deliveries.length === 1);
    sender.close();
    expect(await pending).toEqual({ kind: 'error', error: 'aborted' });
  });
});
