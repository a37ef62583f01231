/**
 * The outbox dispatcher: delivers the events the store wrote (in the same transaction as their
 * state change) to the webhook endpoint, at least once, in order per session.
 *
 * - Each session is a queue: its next event goes out only once the one before it was delivered or
 *   dead-lettered. Different sessions go out in parallel (`concurrency` at a time, round robin).
 * - A 2xx is success. Anything else (another status, a refused connection, no answer within the
 *   timeout) is retried with exponential backoff and jitter (`src/backoff.ts`), never sooner than
 *   a `Retry-After` asks, until the event has been failing for `giveUpAfterMs` (72 h by default):
 *   then it is dead-lettered, stays queryable, and can be replayed.
 * - `410 Gone` disables the endpoint (persisted, logged) until it is re-enabled.
 * - A retry posts the stored bytes again with the same `webhook-id` and a fresh timestamp. What
 *   was in flight when the process died is simply sent again after the restart.
 * - Each session's queue is held in memory (the events arrive through `enqueue` once stored), so a
 *   delivery reads nothing. The store stays the truth: after a start or a replay, and whenever more
 *   than `maxHeld` events wait, a queue is read from the store until it meets the events in
 *   memory, skipping those acknowledged whose record is not yet written.
 *
 * One dispatcher per store: the embedded SQLite store is one process's.
 */
import type { Logger } from 'pino';
import type { OutboxEvent, OutboxRow, OutboxStore } from '../store/store.js';
import { DEFAULT_RETRY, retryWait, type RetryPolicy } from './retry-policy.js';
import { redactUrl, type AttemptResult, type WebhookSender } from './webhook.js';

/**
 * Deliveries are recorded in batches this often: a record lost in a crash only means the event is
 * sent again (at least once), and one write per batch leaves the disk to the state changes.
 */
const ACK_FLUSH_MS = 20;

export interface OutboxOptions {
  store: OutboxStore;
  sender: WebhookSender;
  logger: Logger;
  /** Sessions delivered in parallel. Default 16. */
  concurrency?: number;
  /** Events held in memory at most (all sessions); past it, queues are read from the store. Default 10,000. */
  maxHeld?: number;
  retry?: Partial<RetryPolicy>;
  now?: () => number;
  random?: () => number;
}

/** An event waiting in a session's queue, with its delivery state so far. */
type Waiting = Pick<
  OutboxRow,
  'id' | 'sessionId' | 'body' | 'attempts' | 'firstAttemptAt' | 'nextAttemptAt'
> & {
  /** Known when the event was read from the store. */
  seq: number | null;
};

interface Queue {
  /** Events in memory, oldest first (when `fromStore`, older ones may be in the store only). */
  events: Waiting[];
  /** Older pending events may be in the store only: read it (past `cursor`) before `events`. */
  fromStore: boolean;
  /** The `seq` of the last event read from the store. */
  cursor: number;
  /** Bumped when the queue is read again from the start (a replay). */
  generation: number;
  busy: boolean;
  notBefore: number;
}

export class Outbox {
  private readonly opts: OutboxOptions;
  private readonly retry: RetryPolicy;
  private readonly concurrency: number;
  private readonly maxHeld: number;
  private readonly now: () => number;
  /** The endpoint as logs show it: without the credentials it may carry. */
  private readonly shownUrl: string;
  /** Sessions that may have pending events, in round-robin order. */
  private readonly queues = new Map<string, Queue>();
  private inflight = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private timerAt = Infinity;
  private pumpQueued = false;
  private acks: Array<{ id: string; status: number }> = [];
  /** Ids acknowledged whose record is not written yet: a read of the store skips them. */
  private readonly unrecorded = new Set<string>();
  /** Events held in all queues' `events`. */
  private held = 0;
  private ackTimer: ReturnType<typeof setTimeout> | undefined;
  private flushing: Promise<void> | null = null;
  private disabled = false;
  private closed = false;

  constructor(opts: OutboxOptions) {
    this.opts = opts;
    this.retry = { ...DEFAULT_RETRY, ...opts.retry };
    this.concurrency = opts.concurrency ?? 16;
    this.maxHeld = opts.maxHeld ?? 10_000;
    this.now = opts.now ?? Date.now;
    this.shownUrl = redactUrl(opts.sender.url);
  }

  /** Whether a `410 Gone` switched delivery off. */
  get enabled(): boolean {
    return !this.disabled;
  }

  /** Picks up what a previous run left pending, and starts delivering. */
  async start(): Promise<void> {
    const state = await this.opts.store.endpointState(this.opts.sender.url);
    if (state) {
      this.disabled = true;
      this.opts.logger.warn(
        { url: this.shownUrl, since: new Date(state.disabledAt).toISOString() },
        `webhook endpoint disabled (${state.reason}); POST /v1/webhook/enable to resume`,
      );
    }
    for (const id of await this.opts.store.pendingSessions()) this.readFromStore(this.queue(id));
    this.schedule(0);
  }

  /** Queues events that were just stored (in the order they were written). */
  enqueue(events: readonly OutboxEvent[]): void {
    if (this.closed) return;
    for (const e of events) {
      const queue = this.queue(e.sessionId);
      if (this.held >= this.maxHeld) {
        this.readFromStore(queue);
        continue;
      }
      queue.events.push({
        id: e.id,
        sessionId: e.sessionId,
        body: e.body,
        attempts: 0,
        firstAttemptAt: null,
        nextAttemptAt: e.createdAt,
        seq: null,
      });
      this.held++;
    }
    this.schedule(0);
  }

  /** Switches delivery back on after a `410 Gone`. */
  async enable(): Promise<void> {
    await this.opts.store.setEndpointState(this.opts.sender.url, null);
    this.disabled = false;
    this.opts.logger.info({ url: this.shownUrl }, 'webhook endpoint enabled');
    for (const q of this.queues.values()) q.notBefore = 0;
    this.schedule(0);
  }

  /**
   * Queues events again (one by id, or every dead letter): due now, attempts reset, same id and
   * bytes. Returns how many.
   */
  async replay(selector: { id: string } | { status: 'dead' }): Promise<number> {
    await this.flush();
    const { count, sessionIds } = await this.opts.store.replay(selector, this.now());
    for (const id of sessionIds) {
      const queue = this.queue(id);
      this.readFromStore(queue);
      queue.cursor = 0;
      queue.generation++;
      queue.notBefore = 0;
    }
    this.schedule(0);
    return count;
  }

  /** Writes the acknowledgements not yet written. */
  flush(): Promise<void> {
    if (this.flushing) return this.flushing.then(() => this.flush());
    if (this.acks.length === 0) return Promise.resolve();
    const batch = this.acks;
    this.acks = [];
    this.flushing = this.opts.store
      .markDelivered(batch, this.now())
      .catch((err: unknown) => {
        // Not written: those events are sent again later, which at-least-once allows.
        this.opts.logger.error({ err }, 'could not record webhook deliveries');
      })
      .finally(() => {
        this.flushing = null;
        for (const { id } of batch) this.unrecorded.delete(id);
      });
    return this.flushing;
  }

  /** Stops delivering; events in flight stay pending and go out after the next start. */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    clearTimeout(this.ackTimer);
    this.opts.sender.close();
    await this.flush();
  }

  /**
   * Runs the pump once after `ms`. With 0 it runs as soon as the current callback is done, so the
   * next request goes out right after a response, before the turn's group commit blocks on disk.
   */
  private schedule(ms: number): void {
    if (this.closed) return;
    if (ms <= 0) {
      if (this.pumpQueued) return;
      this.pumpQueued = true;
      queueMicrotask(() => {
        this.pumpQueued = false;
        this.pump();
      });
      return;
    }
    const at = this.now() + ms;
    if (this.timer !== undefined && this.timerAt <= at) return;
    clearTimeout(this.timer);
    this.timerAt = at;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.timerAt = Infinity;
      this.pump();
    }, ms);
  }

  /** Starts a delivery for every due session, up to the concurrency. */
  private pump(): void {
    if (this.closed || this.disabled) return;
    const now = this.now();
    let next = Infinity;
    for (const [sessionId, queue] of this.queues) {
      if (this.inflight >= this.concurrency) return;
      if (queue.busy) continue;
      if (queue.notBefore > now) {
        next = Math.min(next, queue.notBefore);
        continue;
      }
      queue.busy = true;
      this.inflight++;
      if (queue.fromStore) {
        void this.nextOf(sessionId, queue).then(
          (event) => this.deliver(sessionId, queue, event),
          (err: unknown) => this.crashed(sessionId, queue, err),
        );
      } else {
        this.deliver(sessionId, queue, queue.events[0] ?? null);
      }
    }
    if (next < Infinity) this.schedule(next - now);
  }

  /** The session's delivery is over (whatever came of it): the next may start. */
  private release(queue: Queue): void {
    queue.busy = false;
    this.inflight--;
    this.schedule(0);
  }

  private crashed(sessionId: string, queue: Queue, err: unknown): void {
    this.opts.logger.error({ err, sessionId }, 'webhook delivery failed unexpectedly');
    queue.notBefore = this.now() + this.retry.baseMs;
    this.release(queue);
  }

  /** The session's queue, made when it has none. */
  private queue(sessionId: string): Queue {
    let queue = this.queues.get(sessionId);
    if (!queue) {
      queue = { events: [], fromStore: false, cursor: 0, generation: 0, busy: false, notBefore: 0 };
      this.queues.set(sessionId, queue);
    }
    return queue;
  }

  /** Forgets the queue's events in memory: they (and any older ones) are read from the store. */
  private readFromStore(queue: Queue): void {
    this.held -= queue.events.length;
    queue.events = [];
    queue.fromStore = true;
  }

  /**
   * The session's oldest pending event: from the store while older ones may be there only, until
   * the store has nothing older than the events in memory.
   */
  private async nextOf(sessionId: string, queue: Queue): Promise<Waiting | null> {
    while (queue.fromStore) {
      const generation = queue.generation;
      const row = await this.opts.store.head(sessionId, queue.cursor);
      if (generation !== queue.generation) continue;
      if (row && this.unrecorded.has(row.id)) {
        queue.cursor = row.seq;
        continue;
      }
      const inMemory = row ? queue.events.findIndex((e) => e.id === row.id) : -1;
      if (!row || inMemory >= 0) {
        queue.fromStore = false;
        break;
      }
      return { ...row, seq: row.seq };
    }
    return queue.events[0] ?? null;
  }

  /** Sends the session's oldest pending event once; `attempted` records the outcome. */
  private deliver(sessionId: string, queue: Queue, event: Waiting | null): void {
    if (this.closed) return this.release(queue);
    if (!event) {
      if (!queue.fromStore && queue.events.length === 0) this.queues.delete(sessionId);
      return this.release(queue);
    }
    // Round robin: this session goes to the back of the line.
    this.queues.delete(sessionId);
    this.queues.set(sessionId, queue);
    const now = this.now();
    if (event.nextAttemptAt > now) {
      queue.notBefore = event.nextAttemptAt; // a backoff (maybe from before a restart)
      return this.release(queue);
    }
    const generation = queue.generation;
    this.opts.sender.send(event.id, event.body, now).then(
      (result) => this.attempted(queue, event, generation, result),
      (err: unknown) => this.crashed(sessionId, queue, err),
    );
  }

  private attempted(queue: Queue, event: Waiting, generation: number, result: AttemptResult): void {
    if (this.closed) return this.release(queue);
    if (result.kind === 'response' && result.status >= 200 && result.status < 300) {
      this.handled(queue, event, generation);
      this.acks.push({ id: event.id, status: result.status });
      this.unrecorded.add(event.id);
      this.ackTimer ??= setTimeout(() => {
        this.ackTimer = undefined;
        void this.flush();
      }, ACK_FLUSH_MS);
      return this.release(queue);
    }
    this.failed(event, queue, generation, result).then(
      () => this.release(queue),
      (err: unknown) => this.crashed(event.sessionId, queue, err),
    );
  }

  /** Moves the queue past `event` (unless a replay started it over meanwhile). */
  private handled(queue: Queue, event: Waiting, generation: number): void {
    if (generation !== queue.generation) return;
    if (event.seq !== null) queue.cursor = event.seq;
    if (queue.events[0] === event) {
      queue.events.shift();
      this.held--;
    }
  }

  private async failed(
    event: Waiting,
    queue: Queue,
    generation: number,
    result: AttemptResult,
  ): Promise<void> {
    const now = this.now();
    const attempt = {
      attempts: event.attempts + 1,
      firstAttemptAt: event.firstAttemptAt ?? now,
      lastStatus: result.kind === 'response' ? result.status : null,
      lastError: result.kind === 'error' ? result.error : `HTTP ${result.status}`,
    };
    const log = {
      id: event.id,
      sessionId: event.sessionId,
      attempt: attempt.attempts,
      error: attempt.lastError,
    };
    // The next attempt starts from what this one left (a replay meanwhile starts afresh).
    event.attempts = attempt.attempts;
    event.firstAttemptAt = attempt.firstAttemptAt;

    if (result.kind === 'response' && result.status === 410) {
      this.disabled = true;
      event.nextAttemptAt = now;
      await this.opts.store.markRetry(event.id, { ...attempt, nextAttemptAt: now });
      await this.opts.store.setEndpointState(this.opts.sender.url, {
        at: now,
        reason: 'HTTP 410 Gone',
      });
      this.opts.logger.warn(
        { url: this.shownUrl, ...log },
        'webhook endpoint answered 410 Gone: delivery disabled; POST /v1/webhook/enable to resume',
      );
      return;
    }
    if (now - attempt.firstAttemptAt >= this.retry.giveUpAfterMs) {
      await this.opts.store.markDead(event.id, attempt);
      this.handled(queue, event, generation);
      this.opts.logger.warn(
        log,
        'webhook event dead-lettered; replay it with POST /v1/webhook/events/:id/replay',
      );
      return;
    }
    const asked = result.kind === 'response' ? result.retryAfterMs : null;
    const wait = retryWait(attempt.attempts, asked, this.retry, this.opts.random);
    event.nextAttemptAt = now + wait;
    await this.opts.store.markRetry(event.id, { ...attempt, nextAttemptAt: now + wait });
    queue.notBefore = now + wait;
    this.opts.logger.info({ ...log, retryInMs: wait }, 'webhook attempt failed; will retry');
  }
}
