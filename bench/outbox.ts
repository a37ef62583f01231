/**
 * The webhook outbox, beside its ceiling measured in the same run:
 *
 * - outbox: state changes through the session lifecycle into the SQLite outbox (WAL,
 *   synchronous=FULL: each change and its event are on disk before anyone hears of the change),
 *   delivered signed, in order per session, 16 sessions at a time over kept-alive connections;
 * - ceiling: an unpersisted fire-and-forget loop POSTing the same requests (the same kind of
 *   bodies, the same headers, a signature that is not computed) with the same HTTP client (undici)
 *   over the same number of kept-alive connections (no store, no signature, no ordering, no
 *   retries);
 * - for reference, the same loop with `node:http` (the ceiling of earlier runs, when the outbox
 *   posted with it): a slower client makes a lower ceiling.
 *
 * Throughput: EVENTS events, from the first state change to the receiver's acknowledgement of the
 * last, with all the changes asked for at once, as the ceiling asks for all its POSTs at once
 * (each change still waits for its batch to be on disk before its event can go out); and again
 * with 32 changes in flight at a time, the load earlier runs measured (there the figure is bound
 * by how many changes share each disk flush). Rounds interleaved. Latency: from the state change
 * (the ceiling: from the POST) to the arrival at the receiver, once under that saturation, and
 * once paced at PACE events/s, the load of a busy helpdesk. And the two halves of the work on
 * their own, to see where the time goes: the changes committed with their events held back from
 * the dispatcher (from the first change until the last is on disk), then those events handed to
 * the dispatcher at once (until the receiver has them all). The receiver runs in
 * its own thread, as a helpdesk runs in its own process; the service side is one thread and the
 * store's writer thread, as the service is. Processor time per event is the whole process's (every
 * thread, the receiver's too) over a round.
 *
 *   npm run bench:outbox
 *   EVENTS=6000 ROUNDS=5 tsx bench/outbox.ts
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { pino } from 'pino';
import { Pool } from 'undici';
import { Outbox } from '../signalling/webhooks/outbox.js';
import { Sessions } from '../signalling/sessions/sessions.js';
import { openSqliteStore } from '../signalling/store/sqlite/sqlite-store.js';
import type { OutboxEvent } from '../signalling/store/store.js';
import { newWebhookSecret } from '../signalling/testing/webhook-receiver.js';
import { createWebhookSender, parseWebhookSecret } from '../signalling/webhooks/webhook.js';
import { formatRow, summarize } from './stats.js';

const EVENTS = Number(process.env.EVENTS ?? 6000);
const ROUNDS = Number(process.env.ROUNDS ?? 3);
const SESSIONS = Number(process.env.SESSIONS ?? 100);
const PACE = Number(process.env.PACE ?? 500);
const PACED_EVENTS = Number(process.env.PACED_EVENTS ?? 1500);
/** As the service runs: 16 sessions delivered in parallel over 16 kept-alive connections. */
const CONCURRENCY = 16;
/** State changes in flight at a time in the earlier runs' load. */
const IN_FLIGHT = 32;

const now = () => performance.timeOrigin + performance.now();
const sleepUntil = (t: number) => new Promise((r) => setTimeout(r, Math.max(0, t - now())));

/** The receiver runs in its own thread (`receiver-worker.mjs`), as a helpdesk would. */
async function startReceiver() {
  const worker = new Worker(new URL('./receiver-worker.mjs', import.meta.url));
  const port = await new Promise<number>((resolve) =>
    worker.once('message', (m: { port: number }) => resolve(m.port)),
  );
  let latencies: number[] = [];
  return {
    url: `http://127.0.0.1:${port}/hooks`,
    /** Forgets earlier arrivals; resolves once `n` distinct events have arrived. */
    expect(n: number): Promise<void> {
      const arrived = new Promise<void>((resolve) =>
        worker.once('message', (m: { latencies: number[] }) => {
          latencies = m.latencies;
          resolve();
        }),
      );
      worker.postMessage({ expect: n });
      return arrived;
    },
    latencies: () => latencies,
    close: () => {
      worker.postMessage({ close: true });
      return new Promise<void>((r) => worker.once('exit', () => r()));
    },
  };
}
type Receiver = Awaited<ReturnType<typeof startReceiver>>;

interface Result {
  eventsPerSecond: number;
  latencies: number[];
  /** Processor time (user + system, every thread of the process) per event, µs. */
  cpuPerEvent: number;
}

/**
 * Runs `run` (EVENTS events), timed: events/s, and processor time (user + system, every thread of
 * the process) per event; the latencies are the caller's to add.
 */
async function timed(run: () => Promise<unknown>): Promise<Result> {
  const cpu = process.cpuUsage();
  const started = now();
  await run();
  const used = process.cpuUsage(cpu);
  return {
    eventsPerSecond: EVENTS / ((now() - started) / 1000),
    latencies: [],
    cpuPerEvent: (used.user + used.system) / EVENTS,
  };
}

/** A fresh service-side outbox on a fresh data dir, with SESSIONS sessions already delivered. */
async function outboxSetup(receiver: Receiver, secret: string) {
  const dir = mkdtempSync(join(tmpdir(), 'vs-bench-outbox-'));
  const store = openSqliteStore(dir);
  let retries = 0;
  const logger = pino({ level: 'info' }, { write: () => void retries++ });
  const sessions = new Sessions({
    store,
    logger,
    inviteTtl: 3600,
    requestTtl: 600,
    recordEvents: true,
  });
  const outbox = new Outbox({
    store: store.outbox,
    sender: createWebhookSender({
      url: receiver.url,
      secrets: [parseWebhookSecret(secret)!],
      timeoutMs: 10_000,
      maxSockets: CONCURRENCY,
    }),
    logger,
    concurrency: CONCURRENCY,
  });
  /** While held back (`hold`), stored events wait here instead of going to the dispatcher. */
  let held: OutboxEvent[] | null = null;
  sessions.subscribe(({ events }) => (held ? held.push(...events) : outbox.enqueue(events)));
  await outbox.start();
  const created = receiver.expect(SESSIONS);
  const ids: string[] = [];
  for (let i = 0; i < SESSIONS; i++) {
    const s = await sessions.create({
      ticketId: `B-${i}`,
      agent: { id: 'a', name: 'A' },
      customerName: 'C',
      metadata: null,
    });
    ids.push(s.id);
  }
  await created;
  const change = (n: number) =>
    sessions.setVisibility(
      ids[n % SESSIONS]!,
      Math.floor(n / SESSIONS) % 2 === 0 ? 'internal' : 'public',
    );
  return {
    change,
    hold: () => void (held = []),
    /** Hands the events held back to the dispatcher, all at once. */
    release() {
      const events = held ?? [];
      held = null;
      outbox.enqueue(events);
    },
    /** Log lines the outbox wrote (it logs only failed attempts and dead letters). */
    problems: () => retries,
    async close() {
      await outbox.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** EVENTS state changes, `inFlight` of them asked for at a time (EVENTS: all at once). */
async function outboxSaturated(
  receiver: Receiver,
  secret: string,
  inFlight: number,
): Promise<Result> {
  const o = await outboxSetup(receiver, secret);
  const arrived = receiver.expect(EVENTS);
  let next = 0;
  const result = await timed(async () => {
    await Promise.all(
      inFlight >= EVENTS
        ? Array.from({ length: EVENTS }, (_, n) => o.change(n))
        : Array.from({ length: inFlight }, async () => {
            for (let n = next++; n < EVENTS; n = next++) await o.change(n);
          }),
    );
    await arrived;
  });
  result.latencies = receiver.latencies();
  if (o.problems() > 0) throw new Error(`the outbox logged ${o.problems()} failed attempts`);
  await o.close();
  return result;
}

/**
 * The two halves of a round on their own: EVENTS changes asked for at once with their events held
 * back, until all are on disk; then those events given to the dispatcher at once, until all have
 * arrived. (No latency: the events wait on purpose.)
 */
async function outboxHalves(
  receiver: Receiver,
  secret: string,
): Promise<{ commit: Result; delivery: Result }> {
  const o = await outboxSetup(receiver, secret);
  o.hold();
  const commit = await timed(() =>
    Promise.all(Array.from({ length: EVENTS }, (_, n) => o.change(n))),
  );
  const arrived = receiver.expect(EVENTS);
  const delivery = await timed(() => {
    o.release();
    return arrived;
  });
  if (o.problems() > 0) throw new Error(`the outbox logged ${o.problems()} failed attempts`);
  await o.close();
  return { commit, delivery };
}

async function outboxPaced(receiver: Receiver, secret: string): Promise<Result> {
  const o = await outboxSetup(receiver, secret);
  const arrived = receiver.expect(PACED_EVENTS);
  const started = now();
  for (let n = 0; n < PACED_EVENTS; n++) {
    await sleepUntil(started + (n * 1000) / PACE);
    void o.change(n);
  }
  await arrived;
  const result = { eventsPerSecond: PACE, latencies: receiver.latencies(), cpuPerEvent: NaN };
  await o.close();
  return result;
}

type Client = 'undici' | 'node:http';

/**
 * The headers of an outbox delivery, with the same lengths (the signature is not computed): the
 * same request on the wire, for the client to build and the receiver to parse.
 */
const HEADERS = {
  'content-type': 'application/json',
  'user-agent': 'video-session-webhooks/1',
  'webhook-id': 'msg_0mhq4d2kx0123456789abcdef',
  'webhook-timestamp': '1796534471',
  'webhook-signature': `v1,${'A'.repeat(43)}=`,
};

/** Sends one body and forgets it; `close` drops the connections. */
interface Sender {
  send(body: string): void;
  close(): void;
}

/** The outbox's client: undici, `CONCURRENCY` connections, one request at a time on each. */
function undiciSender(target: URL): Sender {
  const pool = new Pool(target.origin, { connections: CONCURRENCY, pipelining: 1 });
  const ignore = {
    onRequestStart() {},
    onResponseStart() {},
    onResponseData() {},
    onResponseEnd() {},
    onResponseError() {},
  };
  return {
    send: (body) =>
      pool.dispatch({ path: target.pathname, method: 'POST', headers: HEADERS, body }, ignore),
    close: () => void pool.destroy(),
  };
}

/** `node:http` with a kept-alive agent of `CONCURRENCY` sockets. */
function httpSender(target: URL): Sender {
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  return {
    send(body) {
      const req = request({
        hostname: target.hostname,
        port: target.port,
        path: target.pathname,
        method: 'POST',
        agent,
        headers: { ...HEADERS, 'content-length': Buffer.byteLength(body) },
      });
      req.on('response', (res) => res.resume());
      req.on('error', () => undefined);
      req.end(body);
    },
    close: () => agent.destroy(),
  };
}

/** The same kind of bodies POSTed with nothing stored, signed or waited on. */
function ceilingPoster(receiver: Receiver, client: Client) {
  const target = new URL(receiver.url);
  const sender = client === 'undici' ? undiciSender(target) : httpSender(target);
  return {
    post(n: number) {
      sender.send(
        JSON.stringify({
          id: `msg_ceiling${n}`,
          type: 'session.visibility_changed',
          occurredAt: new Date().toISOString(),
          sessionId: `ses_${n % SESSIONS}`,
          ticketId: `B-${n % SESSIONS}`,
          sequence: n + 1,
          visibility: 'public',
          metadata: null,
          data: { visibility: 'public', previous: 'internal', madeAt: now() },
        }),
      );
    },
    close: () => sender.close(),
  };
}

async function ceilingSaturated(receiver: Receiver, client: Client): Promise<Result> {
  const poster = ceilingPoster(receiver, client);
  const arrived = receiver.expect(EVENTS);
  const result = await timed(() => {
    for (let n = 0; n < EVENTS; n++) poster.post(n);
    return arrived;
  });
  result.latencies = receiver.latencies();
  poster.close();
  return result;
}

async function ceilingPaced(receiver: Receiver): Promise<Result> {
  const poster = ceilingPoster(receiver, 'undici');
  const arrived = receiver.expect(PACED_EVENTS);
  const started = now();
  for (let n = 0; n < PACED_EVENTS; n++) {
    await sleepUntil(started + (n * 1000) / PACE);
    poster.post(n);
  }
  await arrived;
  poster.close();
  return { eventsPerSecond: PACE, latencies: receiver.latencies(), cpuPerEvent: NaN };
}

const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
process.stdout.write(
  `outbox bench: ${EVENTS} events over ${SESSIONS} sessions x ${ROUNDS} rounds (interleaved), ` +
    `${CONCURRENCY} deliveries in parallel (undici, no pipelining), Node ${process.version}\n` +
    `durability: SQLite WAL, synchronous=FULL, group commit (data dir in ${tmpdir()})\n` +
    `load average before (1, 5, 15 min): ${load()}\n\n`,
);

const receiver = await startReceiver();
const secret = newWebhookSecret();
await outboxSaturated(receiver, secret, EVENTS); // warm-up
await ceilingSaturated(receiver, 'undici');
await ceilingSaturated(receiver, 'node:http');
const ours: Result[] = [];
const ours32: Result[] = [];
const commitHalf: Result[] = [];
const deliveryHalf: Result[] = [];
const ceiling: Result[] = [];
const httpLoop: Result[] = [];
const perSecond = (r: Result[]) => r.at(-1)!.eventsPerSecond.toFixed(0);
for (let r = 0; r < ROUNDS; r++) {
  ours.push(await outboxSaturated(receiver, secret, EVENTS));
  ours32.push(await outboxSaturated(receiver, secret, IN_FLIGHT));
  const halves = await outboxHalves(receiver, secret);
  commitHalf.push(halves.commit);
  deliveryHalf.push(halves.delivery);
  ceiling.push(await ceilingSaturated(receiver, 'undici'));
  httpLoop.push(await ceilingSaturated(receiver, 'node:http'));
  process.stdout.write(
    `round ${r + 1}: outbox ${perSecond(ours)} events/s (${perSecond(ours32)} with ` +
      `${IN_FLIGHT} in flight), ceiling ${perSecond(ceiling)}, ` +
      `node:http loop ${perSecond(httpLoop)}; halves alone: commit ${perSecond(commitHalf)}, ` +
      `delivery ${perSecond(deliveryHalf)}\n`,
  );
}
const pacedOurs = await outboxPaced(receiver, secret);
const pacedCeiling = await ceilingPaced(receiver);
await receiver.close();

const rate = (rounds: Result[]) => summarize(rounds.map((r) => r.eventsPerSecond)).median;
const cpuOf = (rounds: Result[]) => summarize(rounds.map((r) => r.cpuPerEvent)).median;
const lat = (results: Result[]) => summarize(results.flatMap((r) => r.latencies));
const ms = (x: number) => x.toFixed(1);
const row = (label: string, r: Result[], saturated: boolean) => {
  const l = lat(r);
  return formatRow(
    label,
    saturated
      ? [rate(r).toFixed(0), ms(l.median), ms(l.p99), cpuOf(r).toFixed(0)]
      : ['', ms(l.median), ms(l.p99)],
  );
};
const ratio = (of: Result[], to = ours) => `${(rate(to) / rate(of)).toFixed(2)}x`;
/** A half's row: events/s, its ratio to the ceiling, and processor time per event. */
const halfRow = (label: string, r: Result[]) =>
  formatRow(label, [rate(r).toFixed(0), ratio(ceiling, r), '', cpuOf(r).toFixed(0)]);
process.stdout.write(
  `\nsaturated (median of ${ROUNDS} rounds; latency over all of them; CPU: µs of processor time\n` +
    `per event, every thread of the process)\n` +
    `${formatRow('', ['events/s', 'p50 ms', 'p99 ms', 'CPU µs'])}\n` +
    `${row('outbox (durable)', ours, true)}\n` +
    `${row(`  ${IN_FLIGHT} in flight`, ours32, true)}\n` +
    `${row('ceiling (POST loop)', ceiling, true)}\n` +
    `${row('node:http loop', httpLoop, true)}\n` +
    `${formatRow('ratio to ceiling', [ratio(ceiling)])}\n` +
    `${formatRow(`  ${IN_FLIGHT} in flight`, [ratio(ceiling, ours32)])}\n` +
    `${formatRow('ratio to node:http', [ratio(httpLoop)])}\n` +
    `\nthe halves alone (median of ${ROUNDS}): changes committed with their events held back, then\n` +
    `those events delivered all at once\n` +
    `${formatRow('', ['events/s', 'x ceiling', '', 'CPU µs'])}\n` +
    `${halfRow('commit (to disk)', commitHalf)}\n` +
    `${halfRow('delivery', deliveryHalf)}\n` +
    `\npaced at ${PACE} events/s (${PACED_EVENTS} events)\n` +
    `${formatRow('', ['', 'p50 ms', 'p99 ms'])}\n` +
    `${row('outbox (durable)', [pacedOurs], false)}\n` +
    `${row('ceiling (POST loop)', [pacedCeiling], false)}\n` +
    `\nlatency: from the state change (the ceiling: from the POST) to the arrival at the receiver\n` +
    `load average after: ${load()}\n`,
);
