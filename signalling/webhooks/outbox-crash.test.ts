/**
 * The crash test: 1,000 events through the real service process, `kill -9` while it is delivering,
 * a restart on the same data dir. The receiver must end with all 1,000 distinct ids (duplicates
 * allowed, none missing), each session's events first arriving in order.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, describe, expect, it } from 'vitest';
import type { WebhookStatusView } from '../../src/rest.js';
import { startWebhookReceiver, type WebhookReceiver } from '../testing/webhook-receiver.js';

const API_KEY = 'crash-test-api-key-0123456789';
const SESSIONS = 100;
const EVENTS_PER_SESSION = 10; // session.created + 9 visibility changes

interface Service {
  child: ChildProcess;
  url: string;
  exited: Promise<number | null>;
}

/** Starts `signalling/bin.ts` as its own process and waits for its "listening" log line. */
function startService(dataDir: string, receiver: WebhookReceiver): Promise<Service> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'signalling/bin.ts'], {
    env: {
      ...process.env,
      PORT: '0',
      VS_HOST: '127.0.0.1',
      VS_API_KEY: API_KEY,
      VS_DATA_DIR: dataDir,
      VS_WEBHOOK_URL: receiver.url,
      VS_WEBHOOK_SECRET: receiver.secret,
      VS_LOG_LEVEL: 'info',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      const log = JSON.parse(line) as { msg?: string; url?: string };
      if (log.msg === 'listening') resolve({ child, url: log.url!, exited });
    });
    void exited.then((code) => reject(new Error(`service exited with ${code} before listening`)));
  });
}

async function api(svc: Service, method: string, path: string, body?: unknown): Promise<unknown> {
  const res = await fetch(`${svc.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return res.json();
}

describe('the outbox across kill -9', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'vs-crash-'));
  const services: Service[] = [];
  afterAll(() => {
    for (const s of services) s.child.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  it(
    'delivers all 1,000 events, each session in order, after the service is killed mid-delivery',
    { timeout: 90_000 },
    async () => {
      let open!: () => void;
      const gate = new Promise<void>((resolve) => (open = resolve));
      // Holds deliveries until every event is written, then answers one at a time, slowly enough
      // that the kill lands in the middle.
      const receiver = await startWebhookReceiver({
        answer: async () => {
          await gate;
          await new Promise((r) => setTimeout(r, 15));
          return 204;
        },
      });
      const first = await startService(dataDir, receiver);
      services.push(first);

      for (let batch = 0; batch < SESSIONS; batch += 10) {
        await Promise.all(
          Array.from({ length: 10 }, async (_, i) => {
            const s = (await api(first, 'POST', '/v1/sessions', {
              ticketId: `T-${batch + i}`,
              agent: { id: 'a', name: 'Sam' },
              metadata: { n: batch + i },
            })) as { id: string };
            for (let t = 1; t < EVENTS_PER_SESSION; t++) {
              await api(first, 'PATCH', `/v1/sessions/${s.id}`, {
                visibility: t % 2 ? 'internal' : 'public',
              });
            }
          }),
        );
      }
      const waiting = (await api(first, 'GET', '/v1/webhook')) as WebhookStatusView;
      expect(waiting).toMatchObject({ pending: 1000, delivered: 0 });

      open();
      const distinctAcked = () => new Set(receiver.acknowledged().map((d) => d.id)).size;
      await receiver.until(() => distinctAcked() >= 300, 30_000);
      first.child.kill('SIGKILL');
      await first.exited;
      const atKill = distinctAcked();
      expect(atKill).toBeLessThan(1000);

      const second = await startService(dataDir, receiver);
      services.push(second);
      await receiver.until(() => distinctAcked() === 1000, 60_000);

      expect(receiver.rejected).toEqual([]);
      const firstArrivals = receiver.distinct();
      expect(firstArrivals).toHaveLength(SESSIONS * EVENTS_PER_SESSION);
      const bySession = new Map<string, number[]>();
      for (const d of firstArrivals) {
        bySession.set(d.event.sessionId, [
          ...(bySession.get(d.event.sessionId) ?? []),
          d.event.sequence,
        ]);
      }
      expect(bySession.size).toBe(SESSIONS);
      for (const seqs of bySession.values()) expect(seqs).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
      // A duplicate is the same bytes again.
      for (const d of receiver.deliveries)
        expect(d.body).toBe(firstArrivals.find((f) => f.id === d.id)!.body);
      // While the receiver was away, the queue said since when the oldest event had waited.
      const made = firstArrivals.map((d) => d.event.occurredAt).sort();
      expect(waiting.oldestPendingAt).toBe(made[0]);
      await expect
        .poll(() => api(second, 'GET', '/v1/webhook'), { timeout: 5000 })
        .toMatchObject({ pending: 0, delivered: 1000, dead: 0, oldestPendingAt: null });
      process.stdout.write(
        `crash test: ${atKill} distinct acknowledged at the kill, ${receiver.deliveries.length - 1000} duplicates in all\n`,
      );
      await receiver.close();
    },
  );
});
