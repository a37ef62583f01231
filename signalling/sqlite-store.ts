/**
 * The embedded store: one SQLite file (better-sqlite3) in the data dir, in WAL mode with full
 * synchronisation, so what was acknowledged survives a crash. A session is one row: the columns
 * the service queries by, and the whole record as JSON. Its webhook events go into the outbox
 * table in the same transaction (`sqlite-outbox.ts`). Writes of one event-loop turn share a
 * transaction (group commit, `sqlite-commit.ts`): each is still atomic, and durable before its
 * promise resolves.
 */
import Database from 'better-sqlite3';
import { join } from 'node:path';
import type { Role } from '../src/protocol.js';
import { isFinal } from '../src/session-state.js';
import { groupCommit } from './sqlite-commit.js';
import { openSqliteFiles } from './sqlite-files.js';
import { openSqliteOutbox } from './sqlite-outbox.js';
import { migrate } from './sqlite-schema.js';
import {
  DuplicateEventError,
  type OutboxEvent,
  type SessionRecord,
  type SessionStore,
  type UpdateResult,
} from './store.js';

interface SessionRow {
  doc: string;
}

/** Opens (or creates) `sessions.sqlite` in `dataDir`; `':memory:'` keeps it in memory. */
export function openSqliteStore(dataDir: string | ':memory:'): SessionStore {
  const db = new Database(dataDir === ':memory:' ? ':memory:' : join(dataDir, 'sessions.sqlite'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  migrate(db);

  const insertSession = db.prepare(`INSERT INTO sessions
    (id, ticket_id, status, deadline, request_key, created_at, doc)
    VALUES (@id, @ticketId, @status, @deadline, @requestKey, @createdAt, @doc)`);
  const updateSession = db.prepare(`UPDATE sessions
    SET status = @status, deadline = @deadline, doc = @doc WHERE id = @id`);
  const select = db.prepare<[string], SessionRow>('SELECT doc FROM sessions WHERE id = ?');
  const byTicket = db.prepare<[string, number], SessionRow>(
    'SELECT doc FROM sessions WHERE ticket_id = ? ORDER BY created_at DESC, id LIMIT ?',
  );
  const byRequestKey = db.prepare<[string], SessionRow>(
    'SELECT doc FROM sessions WHERE request_key = ? ORDER BY created_at DESC LIMIT 1',
  );
  const due = db.prepare<[number, number], { id: string }>(
    'SELECT id FROM sessions WHERE deadline IS NOT NULL AND deadline <= ? ORDER BY deadline LIMIT ?',
  );
  const insertEvent = db.prepare(`INSERT INTO outbox
    (id, session_id, sequence, type, body, created_at, next_attempt_at)
    VALUES (@id, @sessionId, @sequence, @type, @body, @createdAt, @createdAt)`);
  const getKey = db.prepare<[string, string], { resume_key_hash: string }>(
    'SELECT resume_key_hash FROM participants WHERE session_id = ? AND role = ?',
  );
  const setKey = db.prepare(`INSERT INTO participants (session_id, role, resume_key_hash)
    VALUES (?, ?, ?) ON CONFLICT (session_id, role) DO UPDATE SET resume_key_hash = excluded.resume_key_hash`);

  const row = (s: SessionRecord) => ({
    id: s.id,
    ticketId: s.ticketId,
    status: s.status,
    deadline: deadlineOf(s),
    requestKey: s.requestKey,
    createdAt: s.createdAt,
    doc: JSON.stringify(s),
  });
  const parse = (r: SessionRow | undefined): SessionRecord | null =>
    r ? (JSON.parse(r.doc) as SessionRecord) : null;

  const writeEvents = (events: readonly OutboxEvent[]) => {
    try {
      for (const e of events) insertEvent.run(e);
    } catch (err) {
      if ((err as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE') {
        throw new DuplicateEventError('event id exists', { cause: err });
      }
      throw err;
    }
  };
  const commit = groupCommit(db);
  const { files, writeFiles } = openSqliteFiles(db, commit);
  const updateNow = (id: string, change: Parameters<SessionStore['update']>[1]): UpdateResult => {
    const before = parse(select.get(id));
    if (!before) return { ok: false, code: 'ERR_SESSION_NOT_FOUND', reason: id };
    const result = change(before);
    if ('refuse' in result) return { ok: false, code: result.refuse, reason: result.reason };
    updateSession.run(row(result.session));
    writeEvents(result.events);
    if (result.files) writeFiles(result.files);
    return { ok: true, before, after: result.session, events: result.events };
  };

  return {
    insert(session, events) {
      return commit(() => {
        insertSession.run(row(session));
        writeEvents(events);
      });
    },
    async get(id) {
      return parse(select.get(id));
    },
    async listByTicket(ticketId, limit) {
      return byTicket.all(ticketId, limit).map((r) => parse(r)!);
    },
    async findByRequestKey(key) {
      return parse(byRequestKey.get(key));
    },
    update(id, change) {
      return commit(() => updateNow(id, change));
    },
    async due(now, limit) {
      return due.all(now, limit).map((r) => r.id);
    },
    async getResumeKeyHash(sessionId: string, role: Role) {
      return getKey.get(sessionId, role)?.resume_key_hash ?? null;
    },
    async setResumeKeyHash(sessionId, role, hash) {
      setKey.run(sessionId, role, hash);
    },
    outbox: openSqliteOutbox(db, commit),
    files,
    async close() {
      db.close();
    },
  };
}

/** When a live session expires unless something happens first; null once it is final. */
function deadlineOf(s: SessionRecord): number | null {
  if (isFinal(s.status)) return null;
  return s.answerBy === null ? s.expiresAt : Math.min(s.answerBy, s.expiresAt);
}
