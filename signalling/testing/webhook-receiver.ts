/**
 * Test support (used by tests and benches only): a real HTTP webhook receiver on 127.0.0.1 that
 * verifies every delivery with the official `standardwebhooks` package (an implementation that is
 * not ours), parses the body against the event catalogue, and answers as the test tells it. It can
 * stop listening (connection refused) and listen again on the same port.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { Webhook } from 'standardwebhooks';
import { parseSessionEvent, type SessionEvent } from '../../src/events.js';

export interface Delivery {
  id: string;
  /** `webhook-timestamp`, Unix seconds. */
  timestamp: number;
  body: string;
  event: SessionEvent;
  /** When it arrived (ms), and how many times this id had arrived before. */
  at: number;
  attempt: number;
}

/** What to answer: a status, optionally with headers; or `hang` to never answer. */
export type Answer = number | { status: number; headers?: Record<string, string> } | 'hang';

export interface ReceiverOptions {
  /** The `whsec_...` secret to verify with; generated when not given. */
  secret?: string;
  /** Decides the answer to each verified delivery (default 204). */
  answer?: (delivery: Delivery) => Answer | Promise<Answer>;
}

export interface WebhookReceiver {
  readonly url: string;
  readonly secret: string;
  /** Every verified delivery, in arrival order (duplicates included). */
  readonly deliveries: Delivery[];
  /** Requests that failed verification, with the reason `standardwebhooks` gave. */
  readonly rejected: Array<{ reason: string; headers: IncomingMessage['headers'] }>;
  /** Verified deliveries that were answered with a 2xx. */
  acknowledged(): Delivery[];
  /** The first delivery of each id, in arrival order. */
  distinct(): Delivery[];
  /** Resolves when `check` holds for the deliveries; rejects after `ms`. */
  until(check: (r: WebhookReceiver) => boolean, ms?: number): Promise<void>;
  /** Stops listening: the port refuses connections until `listen()`. */
  pause(): Promise<void>;
  listen(): Promise<void>;
  close(): Promise<void>;
}

/** A fresh Standard Webhooks secret. */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

export async function startWebhookReceiver(opts: ReceiverOptions = {}): Promise<WebhookReceiver> {
  const secret = opts.secret ?? newWebhookSecret();
  const verifier = new Webhook(secret);
  const deliveries: Delivery[] = [];
  const acked = new Set<Delivery>();
  const rejected: WebhookReceiver['rejected'] = [];
  const seen = new Map<string, number>();
  const waiters = new Set<() => void>();
  const hanging = new Set<() => void>();
  const changed = () => waiters.forEach((w) => w());

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        const body = Buffer.concat(chunks).toString('utf8');
        try {
          verifier.verify(body, req.headers as Record<string, string>);
        } catch (err) {
          rejected.push({ reason: (err as Error).message, headers: req.headers });
          changed();
          res.writeHead(400).end();
          return;
        }
        const parsed = parseSessionEvent(JSON.parse(body));
        if (!parsed.ok) {
          rejected.push({ reason: `not in the catalogue: ${parsed.reason}`, headers: req.headers });
          changed();
          res.writeHead(422).end();
          return;
        }
        const id = String(req.headers['webhook-id']);
        const attempt = seen.get(id) ?? 0;
        seen.set(id, attempt + 1);
        const delivery: Delivery = {
          id,
          timestamp: Number(req.headers['webhook-timestamp']),
          body,
          event: parsed.value,
          at: Date.now(),
          attempt,
        };
        deliveries.push(delivery);
        const answer = (await opts.answer?.(delivery)) ?? 204;
        if (answer === 'hang') {
          hanging.add(() => res.destroy());
          changed();
          return;
        }
        const { status, headers } =
          typeof answer === 'number' ? { status: answer, headers: {} } : answer;
        if (status >= 200 && status < 300) acked.add(delivery);
        res.writeHead(status, headers).end();
        changed();
      })();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };

  const receiver: WebhookReceiver = {
    url: `http://127.0.0.1:${port}/hooks`,
    secret,
    deliveries,
    rejected,
    acknowledged: () => deliveries.filter((d) => acked.has(d)),
    distinct() {
      const first = new Map<string, Delivery>();
      for (const d of deliveries) if (!first.has(d.id)) first.set(d.id, d);
      return [...first.values()];
    },
    until(check, ms = 15_000) {
      if (check(receiver)) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.delete(test);
          reject(
            new Error(`receiver: condition not met in ${ms} ms (${deliveries.length} deliveries)`),
          );
        }, ms);
        const test = () => {
          if (!check(receiver)) return;
          clearTimeout(timer);
          waiters.delete(test);
          resolve();
        };
        waiters.add(test);
      });
    },
    async pause() {
      for (const h of hanging) h();
      hanging.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
    listen: () => new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve)),
    async close() {
      if (server.listening) await receiver.pause();
    },
  };
  return receiver;
}
