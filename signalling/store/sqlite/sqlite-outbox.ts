/**
 * The outbox table of the SQLite store: events are inserted by `sqlite-store.ts` in the same
 * transaction as their state change; this reads them for the dispatcher and records attempts.
 */
import type { Database } from 'better-sqlite3';
import type { DeliveryStatus, OutboxRow, OutboxStore } from '../store.js';
import type { Commit } from './sqlite-commit.js';

interface Row {
  seq: number;
  id: string;
  session_id: string;
  sequence: number;
  type: string;
  body: string;
  created_at: number;
  status: DeliveryStatus;
  attempts: number;
  first_attempt_at: number | null;
  next_attempt_at: number;
  last_status: number | null;
  last_error: string | null;
  delivered_at: number | null;
}

function fromRow(r: Row): OutboxRow {
  return {
    seq: r.seq,
    id: r.id,
    sessionId: r.session_id,
    sequence: r.sequence,
    type: r.type,
    body: r.body,
    createdAt: r.created_at,
    status: r.status,
    attempts: r.attempts,
    firstAttemptAt: r.first_attempt_at,
    nextAttemptAt: r.next_attempt_at,
    lastStatus: r.last_status,
    lastError: r.last_error,
    deliveredAt: r.delivered_at,
  };
}

/** The statements that record attempts and replays. */
export const OUTBOX_WRITES = {
  /**
   * A batch of acknowledgements in one statement (`acks`: a JSON array of `[id, status]`); `+status`
   * keeps each event looked up by its id, not found among the pending ones.
   */
  delivered: {
    sql: `UPDATE outbox SET status = 'delivered', delivered_at = @at, last_status = a.value ->> 1,
      attempts = attempts + 1, first_attempt_at = coalesce(first_attempt_at, @at)
      FROM json_each(@acks) AS a WHERE outbox.id = a.value ->> 0 AND +outbox.status = 'pending'`,
    returning: false,
  },
  retry: {
    sql: `UPDATE outbox SET attempts = @attempts, first_attempt_at = @firstAttemptAt,
      next_attempt_at = @nextAttemptAt, last_status = @lastStatus, last_error = @lastError
      WHERE id = @id AND status = 'pending'`,
    returning: false,
  },
  dead: {
    sql: `UPDATE outbox SET status = 'dead', attempts = @attempts, first_attempt_at = @firstAttemptAt,
      last_status = @lastStatus, last_error = @lastError WHERE id = @id AND status = 'pending'`,
    returning: false,
  },
  replayOne: {
    sql: `UPDATE outbox SET status = 'pending', attempts = 0, first_attempt_at = NULL,
      next_attempt_at = ?, delivered_at = NULL WHERE id = ? RETURNING session_id`,
    returning: true,
  },
  replayDead: {
    sql: `UPDATE outbox SET status = 'pending', attempts = 0, first_attempt_at = NULL,
      next_attempt_at = ? WHERE status = 'dead' RETURNING session_id`,
    returning: true,
  },
  setEndpoint: {
    sql: `INSERT INTO webhook_endpoints (url, disabled_at, disabled_reason) VALUES (?, ?, ?)
      ON CONFLICT (url) DO UPDATE SET disabled_at = excluded.disabled_at,
      disabled_reason = excluded.disabled_reason`,
    returning: false,
  },
  prune: {
    sql: `DELETE FROM outbox WHERE status = 'delivered' AND delivered_at < ?`,
    returning: false,
  },
} as const;

/** `commit`: the store's group commit, so delivery records share the state changes' flushes. */
export function openSqliteOutbox(
  db: Database,
  commit: Commit<keyof typeof OUTBOX_WRITES>,
): OutboxStore {
  const pendingSessions = db.prepare<[], { session_id: string }>(
    `SELECT DISTINCT session_id FROM outbox WHERE status = 'pending'`,
  );
  const head = db.prepare<[string, number], Row>(
    `SELECT * FROM outbox WHERE session_id = ? AND status = 'pending' AND seq > ?
     ORDER BY seq LIMIT 1`,
  );
  const get = db.prepare<[string], Row>('SELECT * FROM outbox WHERE id = ?');
  const list = db.prepare<
    [{ status: DeliveryStatus | null; sessionId: string | null; limit: number }],
    Row
  >(
    `SELECT * FROM outbox WHERE (@status IS NULL OR status = @status)
     AND (@sessionId IS NULL OR session_id = @sessionId) ORDER BY seq DESC LIMIT @limit`,
  );
  const counts = db.prepare<[], { status: DeliveryStatus; n: number }>(
    'SELECT status, count(*) AS n FROM outbox GROUP BY status',
  );
  const oldestPending = db.prepare<[], { created_at: number }>(
    `SELECT created_at FROM outbox WHERE status = 'pending' ORDER BY seq LIMIT 1`,
  );
  const endpoint = db.prepare<[string], { disabled_at: number | null; disabled_reason: string }>(
    'SELECT disabled_at, disabled_reason FROM webhook_endpoints WHERE url = ?',
  );

  return {
    async pendingSessions() {
      return pendingSessions.all().map((r) => r.session_id);
    },
    async head(sessionId, afterSeq) {
      const r = head.get(sessionId, afterSeq);
      return r ? fromRow(r) : null;
    },
    async markDelivered(acks, at) {
      await commit.run('delivered', {
        at,
        acks: JSON.stringify(acks.map(({ id, status }) => [id, status])),
      });
    },
    async markRetry(id, a) {
      await commit.run('retry', { id, ...a });
    },
    async markDead(id, a) {
      await commit.run('dead', { id, ...a });
    },
    async get(id) {
      const r = get.get(id);
      return r ? fromRow(r) : null;
    },
    async list({ status, sessionId, limit }) {
      return list.all({ status: status ?? null, sessionId: sessionId ?? null, limit }).map(fromRow);
    },
    async replay(selector, now) {
      const { rows } =
        'id' in selector
          ? await commit.run('replayOne', now, selector.id)
          : await commit.run('replayDead', now);
      const ids = (rows as Array<{ session_id: string }>).map((r) => r.session_id);
      return { count: ids.length, sessionIds: [...new Set(ids)] };
    },
    async counts() {
      const result: Record<DeliveryStatus, number> = { pending: 0, delivered: 0, dead: 0 };
      for (const { status, n } of counts.all()) result[status] = n;
      return result;
    },
    async oldestPending() {
      return oldestPending.get()?.created_at ?? null;
    },
    async endpointState(url) {
      const r = endpoint.get(url);
      return r && r.disabled_at !== null
        ? { disabledAt: r.disabled_at, reason: r.disabled_reason }
        : null;
    },
    async setEndpointState(url, disabled) {
      await commit.run('setEndpoint', url, disabled?.at ?? null, disabled?.reason ?? null);
    },
    async pruneDelivered(before) {
      return (await commit.run('prune', before)).changes;
    },
  };
}
