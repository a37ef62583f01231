/**
 * The SQLite schema and its migrations, tracked in `PRAGMA user_version`. A data dir written by
 * an older version is upgraded in place at start, keeping every session.
 */
import type { Database } from 'better-sqlite3';
import type { SessionRecord } from '../store.js';

export const SCHEMA_VERSION = 6;

const TABLES = `
CREATE TABLE sessions (
  id TEXT PRIMARY KEY,
  ticket_id TEXT NOT NULL,
  status TEXT NOT NULL,
  deadline INTEGER,
  request_key TEXT,
  created_at INTEGER NOT NULL,
  doc TEXT NOT NULL
);
CREATE INDEX sessions_ticket ON sessions (ticket_id, created_at);
CREATE INDEX sessions_deadline ON sessions (deadline) WHERE deadline IS NOT NULL;
CREATE INDEX sessions_request_key ON sessions (request_key) WHERE request_key IS NOT NULL;
CREATE TABLE IF NOT EXISTS participants (
  session_id TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
  role TEXT NOT NULL,
  resume_key_hash TEXT NOT NULL,
  PRIMARY KEY (session_id, role)
);
CREATE TABLE outbox (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  session_id TEXT NOT NULL,
  sequence INTEGER NOT NULL,
  type TEXT NOT NULL,
  body TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  status TEXT NOT NULL DEFAULT 'pending',
  attempts INTEGER NOT NULL DEFAULT 0,
  first_attempt_at INTEGER,
  next_attempt_at INTEGER NOT NULL,
  last_status INTEGER,
  last_error TEXT,
  delivered_at INTEGER
);
CREATE INDEX outbox_status ON outbox (status, seq);
CREATE INDEX outbox_session ON outbox (session_id, seq);
CREATE TABLE webhook_endpoints (
  url TEXT PRIMARY KEY,
  disabled_at INTEGER,
  disabled_reason TEXT
);
`;

/** 4: files and uploads in progress (issue 5). */
const FILE_TABLES = `
CREATE TABLE IF NOT EXISTS uploads (
  id TEXT PRIMARY KEY,
  session_id TEXT NOT NULL,
  ref TEXT NOT NULL,
  updated_at INTEGER NOT NULL,
  doc TEXT NOT NULL,
  UNIQUE (session_id, ref)
);
CREATE INDEX IF NOT EXISTS uploads_updated ON uploads (updated_at);
CREATE TABLE IF NOT EXISTS files (
  id TEXT PRIMARY KEY,
  session_id TEXT NOT NULL,
  ref TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  doc TEXT NOT NULL,
  UNIQUE (session_id, ref)
);
CREATE INDEX IF NOT EXISTS files_created ON files (created_at);
`;

/**
 * 5: uploads and files keyed on session, uploader and ref (one person's ref is not another's to
 * take over), with their sizes (and an upload's bytes received) as columns, so the caps on a
 * session's bytes, on unfinished uploads and on the disk's free space are checked in the
 * statement that inserts an upload (issue 15).
 */
const FILE_TABLES_V5 = `
CREATE TABLE uploads_v5 (
  id TEXT PRIMARY KEY,
  session_id TEXT NOT NULL,
  uploader TEXT NOT NULL,
  ref TEXT NOT NULL,
  size INTEGER NOT NULL,
  received INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  doc TEXT NOT NULL,
  UNIQUE (session_id, uploader, ref)
);
INSERT INTO uploads_v5
  SELECT id, session_id, json_extract(doc, '$.by'), ref, json_extract(doc, '$.size'),
    json_extract(doc, '$.offset'), updated_at, doc FROM uploads;
DROP TABLE uploads;
ALTER TABLE uploads_v5 RENAME TO uploads;
CREATE INDEX uploads_updated ON uploads (updated_at);
CREATE TABLE files_v5 (
  id TEXT PRIMARY KEY,
  session_id TEXT NOT NULL,
  uploader TEXT NOT NULL,
  ref TEXT NOT NULL,
  size INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  doc TEXT NOT NULL,
  UNIQUE (session_id, uploader, ref)
);
INSERT INTO files_v5
  SELECT id, session_id, json_extract(doc, '$.by'), ref, json_extract(doc, '$.size'), created_at,
    doc FROM files;
DROP TABLE files;
ALTER TABLE files_v5 RENAME TO files;
CREATE INDEX files_created ON files (created_at);
`;

/**
 * 6: short invite links (`/j/<code>`, issue 16): the SHA-256 of each code (never the code), with
 * the session and role it lets in and when it stops working.
 */
const INVITE_TABLES = `
CREATE TABLE IF NOT EXISTS invites (
  code_hash TEXT PRIMARY KEY,
  session_id TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
  role TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS invites_expires ON invites (expires_at);
`;

/** Brings the database to `SCHEMA_VERSION`, one step at a time. */
export function migrate(db: Database): void {
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version === SCHEMA_VERSION) return;
  if (version > SCHEMA_VERSION) {
    throw new Error(
      `the data dir was written by a newer version (schema ${version}); upgrade video-session`,
    );
  }
  if (version < 3) toVersion3(db, version);
  if (version < 4) {
    db.transaction(() => {
      db.exec(FILE_TABLES);
      db.pragma('user_version = 4');
    })();
  }
  if (version < 5) {
    db.transaction(() => {
      db.exec(FILE_TABLES_V5);
      db.pragma('user_version = 5');
    })();
  }
  db.transaction(() => {
    db.exec(INVITE_TABLES);
    db.pragma('user_version = 6');
  })();
}

/** The steps up to schema 3 (as shipped). */
function toVersion3(db: Database, version: number): void {
  if (version === 2) {
    // 3: the head-of-queue index went (the dispatcher reads past its cursor on outbox_session).
    db.exec('DROP INDEX IF EXISTS outbox_pending');
    db.pragma('user_version = 3');
    return;
  }
  const hasV1 =
    version === 0 &&
    db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'sessions'`).get();
  // Rebuilding `sessions` must neither cascade into `participants` nor rewrite its reference.
  db.pragma('foreign_keys = OFF');
  db.pragma('legacy_alter_table = ON');
  db.transaction(() => {
    if (hasV1) db.exec('ALTER TABLE sessions RENAME TO sessions_v1; DROP INDEX sessions_ticket;');
    db.exec(TABLES);
    if (hasV1) {
      const insert = db.prepare(`INSERT INTO sessions
        (id, ticket_id, status, deadline, request_key, created_at, doc)
        VALUES (?, ?, ?, ?, NULL, ?, ?)`);
      for (const r of db.prepare('SELECT * FROM sessions_v1').all() as V1Row[]) {
        const s = fromV1(r);
        insert.run(
          s.id,
          s.ticketId,
          s.status,
          s.status === 'ended' ? null : s.expiresAt,
          s.createdAt,
          JSON.stringify(s),
        );
      }
      db.exec('DROP TABLE sessions_v1');
    }
    db.pragma('user_version = 3');
  })();
  db.pragma('legacy_alter_table = OFF');
  db.pragma('foreign_keys = ON');
  const broken = db.pragma('foreign_key_check') as unknown[];
  if (broken.length > 0) throw new Error(`migration left ${broken.length} broken references`);
}

/** A session row of the first schema (the foundation's). */
interface V1Row {
  id: string;
  ticket_id: string;
  status: 'created' | 'waiting' | 'connected' | 'ended';
  agent_id: string;
  agent_name: string;
  customer_name: string;
  created_at: number;
  expires_at: number;
  ended_at: number | null;
  ended_by: 'agent' | 'customer' | null;
  end_reason: string | null;
}

function fromV1(r: V1Row): SessionRecord {
  return {
    id: r.id,
    ticketId: r.ticket_id,
    status: r.status,
    visibility: 'public',
    origin: 'api',
    metadata: null,
    agent: { id: r.agent_id, name: r.agent_name },
    customerName: r.customer_name,
    createdAt: r.created_at,
    requestedAt: null,
    acceptedAt: null,
    answerBy: null,
    expiresAt: r.expires_at,
    bothPresentAt: null,
    connectedAt: null,
    endedAt: r.ended_at,
    endedBy:
      r.ended_at === null
        ? null
        : (r.ended_by ?? (r.end_reason === 'expired' ? 'service' : 'host')),
    endReason: r.end_reason,
    reconnects: 0,
    rating: null,
    requestKey: null,
    eventSeq: 0,
    transitions: [],
  };
}
