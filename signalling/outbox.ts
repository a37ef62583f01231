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
 *
 * One dispatcher per store: the embedded SQLite store is one process's.
 */
import type { Logger } from 'pino';
import { backoffDelay } from '../src/backoff.js';
import type { OutboxRow, OutboxStore } from './store.js';
import type { AttemptResult, WebhookSender } from './webhook.js';

export interface RetryPolicy {
  /** The first retry comes after about this long; each later one waits twice as long. */
  baseMs: number;
  /** No wait is longer than this. */
  maxMs: number;
  /** An event failing for this long is dead-lettered. */
  giveUpAfterMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = {
  baseMs: 5_000,
  maxMs: 60 * 60_000,
  giveUpAfterMs: 72 * 60 * 60_000,
};

/**
 * Deliveries are recorded in batches this often: a record lost in a crash only means the event is
 * sent again (at least once), and one write per batch leaves the disk to the state changes.
 */
const ACK_FLUSH_MS = 20;

/** A `Retry-After` longer than this is read as this (a day). */
const MAX_RETRY_AFTER_MS = 24 * 60 * 60_000;

/**
 * The wait after the `failures`-th failed attempt (1-based): exponential, with "equal jitter"
 * (uniform in the upper half of the step), so retries spread out yet still grow.
 */
export function retryDelay(failures: number, policy: RetryPolicy, random = Math.random): number {
  const attempt = Math.max(0, failures - 1);
  const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** attempt);
  return backoffDelay(attempt, { ...policy, minMs: ceiling / 2, random });
}

export interface OutboxOptions {
  store: OutboxStore;
  sender: WebhookSender;
  logger: Logger;
  /** Sessions delivered in parallel. Default 16. */
  concurrency?: number;
  retry?: Partial<RetryPolicy>;
  now?: () => number;
  random?: () => number;
}

interface Queue {
  /** The `seq` of the last event handled in memory (acks are written in batches). */
  cursor: number;
  busy: boolean;
  notBefore: number;
  /** An event was added while the queue was busy: look again before forgetting it. */
  woken: boolean;
  /** Events were replayed: start again from the oldest pending one. */
  rewind: boolean;
}

export class Outbox {
  private readonly opts: OutboxOptions;
  private readonly retry: RetryPolicy;
  private readonly concurrency: number;
  private readonly now: () => number;
  /** Sessions that may have pending events, in round-robin order. */
  private readonly queues = new Map<string, Queue>();
  private inflight = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private timerAt = Infinity;
  private pumpQueued = false;
  private acks: Array<{ id: string; status: number }> = [];
  private ackTimer: ReturnType<typeof setTimeout> | undefined;
  private flushing: Promise<void> | null = null;
  private disabled = false;
  private closed = false;

  constructor(opts: OutboxOptions) {
    this.opts = opts;
    this.retry = { ...DEFAULT_RETRY, ...opts.retry };
    this.concurrency = opts.concurrency ?? 16;
    this.now = opts.now ?? Date.now;
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
        { url: this.opts.sender.url, since: new Date(state.disabledAt).toISOString() },
        `webhook endpoint disabled (${state.reason}); POST /v1/webhook/enable to resume`,
      );
    }
    for (const id of await this.opts.store.pendingSessions()) this.wake(id);
  }

  /** A session has new (or replayed) events; `replayed` re-reads it from its oldest pending one. */
  wake(sessionId: string, replayed = false): void {
    if (this.closed) return;
    const queue = this.queues.get(sessionId);
    if (!queue) {
      this.queues.set(sessionId, {
        cursor: 0,
        busy: false,
        notBefore: 0,
        woken: false,
        rewind: false,
      });
    } else {
      queue.woken = true;
      if (replayed) {
        queue.rewind = true;
        queue.notBefore = 0;
      }
    }
    this.schedule(0);
  }

  /** Switches delivery back on after a `410 Gone`. */
  async enable(): Promise<void> {
    await this.opts.store.setEndpointState(this.opts.sender.url, null);
    this.disabled = false;
    this.opts.logger.info({ url: this.opts.sender.url }, 'webhook endpoint enabled');
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
    for (const id of sessionIds) this.wake(id, true);
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
      .finally(() => (this.flushing = null));
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
      void this.deliverNext(sessionId, queue)
        .catch((err: unknown) => {
          this.opts.logger.error({ err, sessionId }, 'webhook delivery failed unexpectedly');
          queue.notBefore = this.now() + this.retry.baseMs;
        })
        .finally(() => {
          queue.busy = false;
          this.inflight--;
          this.schedule(0);
        });
    }
    if (next < Infinity) this.schedule(next - now);
  }

  /** Sends the session's oldest pending event once and records the outcome. */
  private async deliverNext(sessionId: string, queue: Queue): Promise<void> {
    queue.woken = false;
    if (queue.rewind) {
      queue.rewind = false;
      queue.cursor = 0;
    }
    const row = await this.opts.store.head(sessionId, queue.cursor);
    if (this.closed) return;
    if (!row) {
      if (!queue.woken) this.queues.delete(sessionId);
      return;
    }
    // Round robin: this session goes to the back of the line.
    this.queues.delete(sessionId);
    this.queues.set(sessionId, queue);
    const now = this.now();
    if (row.nextAttemptAt > now) {
      queue.notBefore = row.nextAttemptAt; // a backoff from before a restart
      return;
    }
    const result = await this.opts.sender.send(row.id, row.body, now);
    if (this.closed) return;
    if (result.kind === 'response' && result.status >= 200 && result.status < 300) {
      advance(queue, row.seq);
      this.acks.push({ id: row.id, status: result.status });
      this.ackTimer ??= setTimeout(() => {
        this.ackTimer = undefined;
        void this.flush();
      }, ACK_FLUSH_MS);
      return;
    }
    await this.failed(row, queue, result);
  }

  private async failed(row: OutboxRow, queue: Queue, result: AttemptResult): Promise<void> {
    const now = this.now();
    const attempt = {
      attempts: row.attempts + 1,
      firstAttemptAt: row.firstAttemptAt ?? now,
      lastStatus: result.kind === 'response' ? result.status : null,
      lastError: result.kind === 'error' ? result.error : `HTTP ${result.status}`,
    };
    const log = {
      id: row.id,
      sessionId: row.sessionId,
      attempt: attempt.attempts,
      error: attempt.lastError,
    };

    if (result.kind === 'response' && result.status === 410) {
      this.disabled = true;
      await this.opts.store.markRetry(row.id, { ...attempt, nextAttemptAt: now });
      await this.opts.store.setEndpointState(this.opts.sender.url, {
        at: now,
        reason: 'HTTP 410 Gone',
      });
      this.opts.logger.warn(
        { url: this.opts.sender.url, ...log },
        'webhook endpoint answered 410 Gone: delivery disabled; POST /v1/webhook/enable to resume',
      );
      return;
    }
    if (now - attempt.firstAttemptAt >= this.retry.giveUpAfterMs) {
      await this.opts.store.markDead(row.id, attempt);
      advance(queue, row.seq);
      this.opts.logger.warn(
        log,
        'webhook event dead-lettered; replay it with POST /v1/webhook/events/:id/replay',
      );
      return;
    }
    const backoff = retryDelay(attempt.attempts, this.retry, this.opts.random);
    const asked = result.kind === 'response' ? (result.retryAfterMs ?? 0) : 0;
    const wait = Math.max(backoff, Math.min(asked, MAX_RETRY_AFTER_MS));
    await this.opts.store.markRetry(row.id, { ...attempt, nextAttemptAt: now + wait });
    queue.notBefore = now + wait;
    this.opts.logger.info({ ...log, retryInMs: wait }, 'webhook attempt failed; will retry');
  }
}

/** Moves past `seq`, unless a replay asked to start over meanwhile. */
function advance(queue: Queue, seq: number): void {
  if (!queue.rewind) queue.cursor = seq;
}
