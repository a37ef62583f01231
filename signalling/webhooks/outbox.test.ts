import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { webhooksApi } from '../api/webhooks-api.js';
import { resolveConfig } from '../config.js';
import { Sessions } from '../sessions/sessions.js';
import { createTokenService } from '../sessions/tokens.js';
import { openSqliteStore } from '../store/sqlite/sqlite-store.js';
import type { SessionStore } from '../store/store.js';
import { TEST_API_KEY } from '../testing/service.js';
import {
  startWebhookReceiver,
  type Answer,
  type Delivery,
  type WebhookReceiver,
} from '../testing/webhook-receiver.js';
import { Outbox } from './outbox.js';
import type { RetryPolicy } from './retry-policy.js';
import { createWebhookSender, parseWebhookSecret } from './webhook.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `check` every 20 ms until it holds; rejects after `ms`. */
async function until(check: () => Promise<boolean>, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await sleep(20);
  }
}

interface Harness {
  receiver: WebhookReceiver;
  store: SessionStore;
  sessions: Sessions;
  outbox: Outbox;
  logs: Array<{ level: number; msg: string; error?: string }>;
  /** Creates `count` sessions with `toggles` visibility changes each: 1 + toggles events per session. */
  emit(count: number, toggles: number): Promise<string[]>;
  /** A new dispatcher on the same store (as after a restart). */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

const harnesses: Harness[] = [];
afterEach(async () => {
  for (const h of harnesses.splice(0)) await h.stop();
});

async function harness(
  answer?: (d: Delivery) => Answer | Promise<Answer>,
  retry: Partial<RetryPolicy> = {},
  timeoutMs = 2000,
  maxHeld?: number,
): Promise<Harness> {
  const dataDir = mkdtempSync(join(tmpdir(), 'vs-outbox-'));
  const receiver = await startWebhookReceiver(answer ? { answer } : {});
  const store = openSqliteStore(dataDir);
  const logs: Harness['logs'] = [];
  const logger = pino(
    { level: 'info' },
    { write: (line: string) => void logs.push(JSON.parse(line)) },
  );
  const sessions = new Sessions({
    store,
    logger,
    inviteTtl: 3600,
    requestTtl: 600,
    recordEvents: true,
  });
  const make = () =>
    new Outbox({
      store: store.outbox,
      sender: createWebhookSender({
        url: receiver.url,
        secrets: [parseWebhookSecret(receiver.secret)!],
        timeoutMs,
        maxSockets: 4,
      }),
      logger,
      concurrency: 4,
      retry: { baseMs: 40, maxMs: 200, giveUpAfterMs: 60_000, ...retry },
      ...(maxHeld === undefined ? {} : { maxHeld }),
    });
  const h: Harness = {
    receiver,
    store,
    sessions,
    outbox: make(),
    logs,
    async emit(count, toggles) {
      const ids: string[] = [];
      for (let i = 0; i < count; i++) {
        const s = await sessions.create({
          ticketId: `T-${i}`,
          agent: { id: 'a', name: 'Sam' },
          customerName: 'Bob',
          metadata: { n: i },
        });
        ids.push(s.id);
        for (let t = 0; t < toggles; t++) {
          await sessions.setVisibility(s.id, t % 2 === 0 ? 'internal' : 'public');
        }
      }
      return ids;
    },
    async restart() {
      await h.outbox.close();
      h.outbox = make();
      await h.outbox.start();
    },
    async stop() {
      await h.outbox.close();
      await receiver.close();
      await store.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  sessions.subscribe(({ events }) => h.outbox.enqueue(events));
  await h.outbox.start();
  harnesses.push(h);
  return h;
}

/** Each session's deliveries (every attempt) in arrival order, as sequence numbers. */
function attemptsBySession(deliveries: readonly Delivery[]): Map<string, number[]> {
  const by = new Map<string, number[]>();
  for (const d of deliveries)
    by.set(d.event.sessionId, [...(by.get(d.event.sessionId) ?? []), d.event.sequence]);
  return by;
}

const acked = (r: WebhookReceiver) => new Set(r.acknowledged().map((d) => d.id)).size;

describe('the outbox dispatcher, against a real receiver that verifies every delivery', () => {
  it('delivers every event once the receiver acknowledges, in order per session', async () => {
    const h = await harness();
    const ids = await h.emit(6, 5);
    await h.receiver.until((r) => acked(r) === 36);
    await until(async () => (await h.store.outbox.counts()).delivered === 36);
    expect(h.receiver.rejected).toEqual([]);
    for (const id of ids)
      expect(attemptsBySession(h.receiver.deliveries).get(id)).toEqual([1, 2, 3, 4, 5, 6]);
    // Every event echoes the session's ticket and metadata.
    expect(
      h.receiver.deliveries
        .filter((d) => d.event.ticketId === 'T-3')
        .every((d) => d.event.metadata?.n === 3),
    ).toBe(true);
    expect(await h.store.outbox.counts()).toEqual({ pending: 0, delivered: 36, dead: 0 });
    // Each delivery is recorded: one attempt, the receiver's status, when.
    const rows = await h.store.outbox.list({ status: 'delivered', limit: 100 });
    expect(rows).toHaveLength(36);
    for (const r of rows) {
      expect(r).toMatchObject({ attempts: 1, lastStatus: 204, lastError: null });
      expect(r.deliveredAt).toBeGreaterThanOrEqual(r.createdAt);
      expect(r.firstAttemptAt).toBe(r.deliveredAt);
    }
  });

  it('sends an acknowledged event once, even when the session changes again right after', async () => {
    const h = await harness();
    const [id] = await h.emit(1, 0);
    for (let n = 1; n <= 5; n++) {
      // The next change comes while the last acknowledgement is not yet written down.
      await h.receiver.until((r) => acked(r) === n);
      await sleep(2);
      await h.sessions.setVisibility(id!, n % 2 === 1 ? 'internal' : 'public');
    }
    await h.receiver.until((r) => acked(r) === 6);
    await sleep(100);
    expect(attemptsBySession(h.receiver.deliveries).get(id!)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('reads the store for what does not fit in memory, and loses nothing', async () => {
    let down = true;
    const h = await harness(() => (down ? 503 : 204), {}, 2000, 4);
    const ids = await h.emit(5, 4);
    down = false;
    await h.receiver.until((r) => acked(r) === 25, 10_000);
    for (const id of ids) {
      const seqs = attemptsBySession(h.receiver.acknowledged()).get(id);
      expect(seqs).toEqual([1, 2, 3, 4, 5]);
    }
  });

  it('survives a receiver that fails (5xx), then refuses connections, then recovers', async () => {
    let phase: 'failing' | 'ok' = 'failing';
    const h = await harness(() => (phase === 'failing' ? 503 : 204));
    const ids = await h.emit(5, 3);
    await h.receiver.until((r) => r.deliveries.length >= 10); // several 503s answered
    await h.receiver.pause(); // now: connection refused
    await h.emit(2, 3);
    await sleep(400);
    phase = 'ok';
    await h.receiver.listen();
    await h.receiver.until((r) => acked(r) === 28, 20_000);

    expect(h.receiver.rejected).toEqual([]);
    expect(h.receiver.deliveries.length).toBeGreaterThan(28); // there were retries
    expect(h.logs.some((l) => l.msg.includes('will retry') && l.error === 'ECONNREFUSED')).toBe(
      true,
    );
    expect(h.logs.some((l) => l.msg.includes('will retry') && l.error === 'HTTP 503')).toBe(true);
    // A retry is the same id with the same bytes; the timestamp is fresh.
    const byId = new Map<string, Delivery[]>();
    for (const d of h.receiver.deliveries) byId.set(d.id, [...(byId.get(d.id) ?? []), d]);
    for (const attempts of byId.values()) {
      expect(new Set(attempts.map((a) => a.body)).size).toBe(1);
      const stamps = attempts.map((a) => a.timestamp);
      expect(stamps).toEqual([...stamps].sort((a, b) => a - b));
    }
    // In order per session: event n+1 is never sent before event n was acknowledged.
    for (const [, seqs] of attemptsBySession(h.receiver.deliveries)) {
      expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
      expect(new Set(seqs)).toEqual(new Set([1, 2, 3, 4]));
    }
    expect(ids).toHaveLength(5);
  });

  it('honours Retry-After', async () => {
    const h = await harness((d) =>
      d.attempt === 0 ? { status: 503, headers: { 'retry-after': '1' } } : 204,
    );
    await h.emit(1, 0);
    await h.receiver.until((r) => acked(r) === 1, 5000);
    const [first, second] = h.receiver.deliveries;
    // The backoff alone would retry after 20-40 ms.
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(1000);
    expect(second!.id).toBe(first!.id);
  });

  it('retries an attempt that got no answer within the timeout', async () => {
    const h = await harness(
      (d) => (d.event.sequence === 1 && d.attempt === 0 ? 'hang' : 204),
      {},
      300,
    );
    await h.emit(1, 1);
    await h.receiver.until((r) => acked(r) === 2, 5000);
    expect(h.logs.some((l) => l.error === 'no answer within 300 ms')).toBe(true);
    expect(attemptsBySession(h.receiver.deliveries).values().next().value).toEqual([1, 1, 2]);
  });

  it('stops delivering to an endpoint that answers 410 Gone, says so, and resumes when enabled', async () => {
    let gone = true;
    const h = await harness(() => (gone ? 410 : 204));
    await h.emit(1, 2);
    await h.receiver.until((r) => r.deliveries.length === 1);
    await sleep(50);
    expect(h.outbox.enabled).toBe(false);
    expect(h.logs.some((l) => l.level === 40 && l.msg.includes('410 Gone'))).toBe(true);
    await h.emit(1, 0);
    await sleep(400);
    expect(h.receiver.deliveries).toHaveLength(1);
    // Disabled is remembered across a restart.
    await h.restart();
    expect(h.outbox.enabled).toBe(false);
    gone = false;
    await h.outbox.enable();
    await h.receiver.until((r) => acked(r) === 4);
    expect(await h.store.outbox.endpointState(h.receiver.url)).toBeNull();
  });

  it('dead-letters an event that keeps failing, moves on, and replays it through the REST API', async () => {
    let failFirst = true;
    const h = await harness(
      (d) => (failFirst && d.event.sequence === 1 && d.event.ticketId === 'T-0' ? 500 : 204),
      { giveUpAfterMs: 300 },
    );
    const [a] = await h.emit(2, 2);
    await h.receiver.until((r) => acked(r) === 5, 5000);
    const config = resolveConfig({
      apiKey: TEST_API_KEY,
      dataDir: mkdtempSync(join(tmpdir(), 'vs-cfg-')),
    });
    const api = webhooksApi({
      config,
      tokens: createTokenService(config.tokenSecret),
      store: h.store.outbox,
      outbox: h.outbox,
    });
    const auth = { headers: { authorization: `Bearer ${TEST_API_KEY}` } };

    const dead = (await (await api.request('/events?status=dead', auth)).json()) as {
      events: Array<{
        id: string;
        sessionId: string;
        sequence: number;
        attempts: number;
        lastStatus: number;
      }>;
    };
    expect(dead.events).toHaveLength(1);
    expect(dead.events[0]).toMatchObject({ sessionId: a, sequence: 1, lastStatus: 500 });
    expect(dead.events[0]!.attempts).toBeGreaterThanOrEqual(2);
    // The session went on after the dead letter: 2 and 3 were delivered, in order.
    expect(attemptsBySession(h.receiver.acknowledged()).get(a!)).toEqual([2, 3]);

    failFirst = false;
    const replay = await api.request('/replay', { method: 'POST', ...auth });
    expect(replay.status).toBe(202);
    expect(await replay.json()).toEqual({ replayed: 1 });
    await h.receiver.until((r) => acked(r) === 6, 5000);
    const copies = h.receiver.deliveries.filter((d) => d.id === dead.events[0]!.id);
    expect(new Set(copies.map((c) => c.body)).size).toBe(1);
    await until(async () => (await h.store.outbox.counts()).delivered === 6);
    const status = await (await api.request('/', auth)).json();
    expect(status).toMatchObject({ url: null, pending: 0, dead: 0, delivered: 6 });
  });

  it('picks up what was pending after a restart', async () => {
    const h = await harness();
    await h.receiver.pause();
    await h.emit(3, 2);
    await sleep(100);
    await h.restart();
    await h.receiver.listen();
    await h.receiver.until((r) => acked(r) === 9, 10_000);
    for (const [, seqs] of attemptsBySession(h.receiver.acknowledged()))
      expect(seqs).toEqual([1, 2, 3]);
  });
});
