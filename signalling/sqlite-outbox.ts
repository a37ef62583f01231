/**
 * The outbox table of the SQLite store: events are inserted by `sqlite-store.ts` in the same
 * transaction as their state change; this reads them for the dispatcher and records attempts.
 */
import type { Database } from 'better-sqlite3';
import type { Commit } from './sqlite-commit.js';
import type { DeliveryStatus, OutboxRow, OutboxStore } from './store.js';

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

/** `commit`: the store's group commit, so delivery records share the state changes' flushes. */
export function openSqliteOutbox(db: Database, commit: Commit): OutboxStore {
  const pendingSessions = db.prepare<[], { session_id: string }>(
    `SELECT DISTINCT session_id FROM outbox WHERE status = 'pending'`,
  );
  const head = db.prepare<[string, number], Row>(
    `SELECT * FROM outbox WHERE session_id = ? AND status = 'pending' AND seq > ?
     ORDER BY seq LIMIT 1`,
  );
  const delivered = db.prepare(
    `UPDATE outbox SET status = 'delivered', delivered_at = ?, last_status = ?, attempts = attempts + 1,
     first_attempt_at = coalesce(first_attempt_at, ?) WHERE id = ? AND status = 'pending'`,
  );

  const retry = db.prepare(
    `UPDATE outbox SET attempts = @attempts, first_attempt_at = @firstAttemptAt,
     next_attempt_at = @nextAttemptAt, last_status = @lastStatus, last_error = @lastError
     WHERE id = @id AND status = 'pending'`,
  );
  const dead = db.prepare(
    `UPDATE outbox SET status = 'dead', attempts = @attempts, first_attempt_at = @firstAttemptAt,
     last_status = @lastStatus, last_error = @lastError WHERE id = @id AND status = 'pending'`,
  );
  const get = db.prepare<[string], Row>('SELECT * FROM outbox WHERE id = ?');
  const list = db.prepare<
    [{ status: DeliveryStatus | null; sessionId: string | null; limit: number }],
    Row
  >(
    `SELECT * FROM outbox WHERE (@status IS NULL OR status = @status)
     AND (@sessionId IS NULL OR session_id = @sessionId) ORDER BY seq DESC LIMIT @limit`,
  );
  const replayOne = db.prepare<[number, string], { session_id: string }>(
    `UPDATE outbox SET status = 'pending', attempts = 0, first_attempt_at = NULL,
     next_attempt_at = ?, delivered_at = NULL WHERE id = ? RETURNING session_id`,
  );
  const replayDead = db.prepare<[number], { session_id: string }>(
    `UPDATE outbox SET status = 'pending', attempts = 0, first_attempt_at = NULL,
     next_attempt_at = ? WHERE status = 'dead' RETURNING session_id`,
  );
  const counts = db.prepare<[], { status: DeliveryStatus; n: number }>(
    'SELECT status, count(*) AS n FROM outbox GROUP BY status',
  );
  const endpoint = db.prepare<[string], { disabled_at: number | null; disabled_reason: string }>(
    'SELECT disabled_at, disabled_reason FROM webhook_endpoints WHERE url = ?',
  );
  const setEndpoint = db.prepare(
    `INSERT INTO webhook_endpoints (url, disabled_at, disabled_reason) VALUES (?, ?, ?)
     ON CONFLICT (url) DO UPDATE SET disabled_at = excluded.disabled_at,
     disabled_reason = excluded.disabled_reason`,
  );
  const prune = db.prepare(`DELETE FROM outbox WHERE status = 'delivered' AND delivered_at < ?`);

  return {
    async pendingSessions() {
      return pendingSessions.all().map((r) => r.session_id);
    },
    async head(sessionId, afterSeq) {
      const r = head.get(sessionId, afterSeq);
      return r ? fromRow(r) : null;
    },
    markDelivered(acks, at) {
      return commit(() => {
        for (const { id, status } of acks) delivered.run(at, status, at, id);
      });
    },
    markRetry(id, a) {
      return commit(() => void retry.run({ id, ...a }));
    },
    markDead(id, a) {
      return commit(() => void dead.run({ id, ...a }));
    },
    async get(id) {
      const r = get.get(id);
      return r ? fromRow(r) : null;
    },
    async list({ status, sessionId, limit }) {
      return list.all({ status: status ?? null, sessionId: sessionId ?? null, limit }).map(fromRow);
    },
    async replay(selector, now) {
      const rows = 'id' in selector ? replayOne.all(now, selector.id) : replayDead.all(now);
      return { count: rows.length, sessionIds: [...new Set(rows.map((r) => r.session_id))] };
    },
    async counts() {
      const result: Record<DeliveryStatus, number> = { pending: 0, delivered: 0, dead: 0 };
      for (const { status, n } of counts.all()) result[status] = n;
      return result;
    },
    async endpointState(url) {
      const r = endpoint.get(url);
      return r && r.disabled_at !== null
        ? { disabledAt: r.disabled_at, reason: r.disabled_reason }
        : null;
    },
    async setEndpointState(url, disabled) {
      setEndpoint.run(url, disabled?.at ?? null, disabled?.reason ?? null);
    },
    async pruneDelivered(before) {
      return prune.run(before).changes;
    },
  };
}
