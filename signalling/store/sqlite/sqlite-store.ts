/**
 * The embedded store: one SQLite file (better-sqlite3) in the data dir, in WAL mode with full
 * synchronisation, so what was acknowledged survives a crash. A session is one row: the columns
 * the service queries by, and the whole record as JSON. Its webhook events go into the outbox
 * table in the same transaction (`sqlite-outbox.ts`). This thread reads; writes are batched into
 * shared transactions written by a worker thread (group commit, `sqlite-commit.ts`): each is still
 * atomic, and durable before its promise resolves.
 */
import Database from 'better-sqlite3';
import { chmodSync, closeSync, existsSync, openSync } from 'node:fs';
import { join } from 'node:path';
import type { Result } from '../../../src/parse.js';
import type { Role } from '../../../src/protocol.js';
import { isFinal } from '../../../src/session-state.js';
import {
  DuplicateEventError,
  type OutboxEvent,
  type SessionRecord,
  type SessionStore,
  type StoredChange,
} from '../store.js';
import { groupCommit, SqliteWriteError, type Writer } from './sqlite-commit.js';
import { FILE_WRITES, openSqliteFiles } from './sqlite-files.js';
import { INVITE_WRITES, openSqliteInvites } from './sqlite-invites.js';
import { OUTBOX_WRITES, openSqliteOutbox } from './sqlite-outbox.js';
import { migrate } from './sqlite-schema.js';

interface SessionRow {
  doc: string;
}

/**
 * The statements that write sessions and their events, with positional parameters: the writer
 * thread gets a copy of each, and arrays copy faster than objects.
 */
const SESSION_WRITES = {
  insertSession: {
    sql: `INSERT INTO sessions (id, ticket_id, status, deadline, request_key, created_at, doc)
      VALUES (?, ?, ?, ?, ?, ?, ?)`,
    returning: false,
  },
  updateSession: {
    sql: 'UPDATE sessions SET status = ?, deadline = ?, doc = ? WHERE id = ?',
    returning: false,
  },
  insertEvent: {
    sql: `INSERT INTO outbox (id, session_id, sequence, type, body, created_at, next_attempt_at)
      VALUES (?, ?, ?, ?, ?, ?, ?)`,
    returning: false,
  },
  setKey: {
    sql: `INSERT INTO participants (session_id, role, resume_key_hash) VALUES (?, ?, ?)
      ON CONFLICT (session_id, role) DO UPDATE SET resume_key_hash = excluded.resume_key_hash`,
    returning: false,
  },
} as const;

const WRITES = { ...SESSION_WRITES, ...OUTBOX_WRITES, ...FILE_WRITES, ...INVITE_WRITES };

export type WriteName = keyof typeof WRITES;

/**
 * Sessions kept as last committed (the most recently written), so a change starts from the record
 * without reading and parsing it: this process is the only writer of its file.
 */
const REMEMBERED = 1_000;

/** Opens (or creates) `sessions.sqlite` in `dataDir`; `':memory:'` keeps it in memory. */
export function openSqliteStore(dataDir: string | ':memory:'): SessionStore {
  const file = dataDir === ':memory:' ? null : join(dataDir, 'sessions.sqlite');
  if (file) ownOnly(file);
  const db = new Database(file ?? ':memory:');
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  migrate(db);

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
  const getKey = db.prepare<[string, string], { resume_key_hash: string }>(
    'SELECT resume_key_hash FROM participants WHERE session_id = ? AND role = ?',
  );

  const parse = (r: SessionRow | undefined): SessionRecord | null =>
    r ? (JSON.parse(r.doc) as SessionRecord) : null;
  /** Records as last committed, least recently written first. */
  const committed = new Map<string, SessionRecord>();
  const remember = (s: SessionRecord) => {
    committed.delete(s.id);
    committed.set(s.id, s);
    if (committed.size > REMEMBERED) committed.delete(committed.keys().next().value!);
  };
  /** The session as the batch left it so far, else as last committed. */
  const current = (w: Writer<WriteName>, id: string) =>
    (w.local.get(id) as SessionRecord | undefined) ?? committed.get(id) ?? parse(select.get(id));
  const write = (w: Writer<WriteName>, session: SessionRecord, events: readonly OutboxEvent[]) => {
    w.local.set(session.id, session);
    for (const e of events) {
      w.run('insertEvent', e.id, e.sessionId, e.sequence, e.type, e.body, e.createdAt, e.createdAt);
    }
  };
  const duplicateEvent = (err: unknown) => {
    if (
      err instanceof SqliteWriteError &&
      err.code === 'SQLITE_CONSTRAINT_UNIQUE' &&
      err.statement === 'insertEvent'
    ) {
      throw new DuplicateEventError('event id exists', { cause: err });
    }
    throw err;
  };

  const commit = groupCommit(db, file, WRITES);
  const { files, writeFiles } = openSqliteFiles(db, commit);
  const updateNow = (
    w: Writer<WriteName>,
    id: string,
    change: Parameters<SessionStore['update']>[1],
  ): Result<StoredChange> => {
    const before = current(w, id);
    if (!before) return { ok: false, code: 'ERR_SESSION_NOT_FOUND', reason: id };
    const result = change(before);
    if ('ok' in result) return result;
    const after = result.session;
    w.run('updateSession', after.status, deadlineOf(after), JSON.stringify(after), after.id);
    write(w, after, result.events);
    if (result.files) writeFiles(w, result.files);
    return { ok: true, value: { before, after, events: result.events } };
  };

  return {
    insert(session, events) {
      return commit((w) => {
        w.run(
          'insertSession',
          session.id,
          session.ticketId,
          session.status,
          deadlineOf(session),
          session.requestKey,
          session.createdAt,
          JSON.stringify(session),
        );
        write(w, session, events);
      }).then(() => remember(session), duplicateEvent);
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
      // Remembered once on disk: a batch that fails leaves the record as it was committed.
      return commit((w) => updateNow(w, id, change)).then((result) => {
        if (result.ok) remember(result.value.after);
        return result;
      }, duplicateEvent);
    },
    async due(now, limit) {
      return due.all(now, limit).map((r) => r.id);
    },
    async getResumeKeyHash(sessionId: string, role: Role) {
      return getKey.get(sessionId, role)?.resume_key_hash ?? null;
    },
    async setResumeKeyHash(sessionId, role, hash) {
      await commit.run('setKey', sessionId, role, hash);
    },
    outbox: openSqliteOutbox(db, commit),
    files,
    invites: openSqliteInvites(db, commit),
    async close() {
      await commit.close();
      db.close();
    },
  };
}

/**
 * Makes the store's file (created if new) and its `-wal` and `-shm`, if any, readable by this
 * user only. SQLite gives the `-wal` and `-shm` it creates the database file's mode.
 */
function ownOnly(file: string): void {
  closeSync(openSync(file, 'a', 0o600));
  for (const f of [file, `${file}-wal`, `${file}-shm`]) {
    if (existsSync(f)) chmodSync(f, 0o600);
  }
}

/** When a live session expires unless something happens first; null once it is final. */
function deadlineOf(s: SessionRecord): number | null {
  if (isFinal(s.status)) return null;
  return s.answerBy === null ? s.expiresAt : Math.min(s.answerBy, s.expiresAt);
}
