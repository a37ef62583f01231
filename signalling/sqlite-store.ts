/**
 * The embedded store: one SQLite file (better-sqlite3) in the data dir, in WAL mode with full
 * synchronisation, so what was acknowledged survives a crash.
 */
import Database from 'better-sqlite3';
import { join } from 'node:path';
import type { Role } from '../src/protocol.js';
import type { SessionEnd, SessionRecord, SessionStore } from './store.js';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS sessions (
  id TEXT PRIMARY KEY,
  ticket_id TEXT NOT NULL,
  status TEXT NOT NULL,
  agent_id TEXT NOT NULL,
  agent_name TEXT NOT NULL,
  customer_name TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  ended_at INTEGER,
  ended_by TEXT,
  end_reason TEXT
);
CREATE INDEX IF NOT EXISTS sessions_ticket ON sessions (ticket_id);
CREATE TABLE IF NOT EXISTS participants (
  session_id TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
  role TEXT NOT NULL,
  resume_key_hash TEXT NOT NULL,
  PRIMARY KEY (session_id, role)
);
`;

interface SessionRow {
  id: string;
  ticket_id: string;
  status: SessionRecord['status'];
  agent_id: string;
  agent_name: string;
  customer_name: string;
  created_at: number;
  expires_at: number;
  ended_at: number | null;
  ended_by: Role | null;
  end_reason: string | null;
}

/** Opens (or creates) `sessions.sqlite` in `dataDir`; `':memory:'` keeps it in memory. */
export function openSqliteStore(dataDir: string | ':memory:'): SessionStore {
  const db = new Database(dataDir === ':memory:' ? ':memory:' : join(dataDir, 'sessions.sqlite'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  db.exec(SCHEMA);

  const insert = db.prepare(`INSERT INTO sessions
    (id, ticket_id, status, agent_id, agent_name, customer_name, created_at, expires_at)
    VALUES (@id, @ticketId, @status, @agentId, @agentName, @customerName, @createdAt, @expiresAt)`);
  const select = db.prepare<[string], SessionRow>('SELECT * FROM sessions WHERE id = ?');
  const setStatus = db.prepare(`UPDATE sessions SET status = ? WHERE id = ? AND status != 'ended'`);
  const end = db.prepare(`UPDATE sessions SET status = 'ended', ended_at = @at, ended_by = @by,
    end_reason = @reason WHERE id = @id AND status != 'ended'`);
  const getKey = db.prepare<[string, string], { resume_key_hash: string }>(
    'SELECT resume_key_hash FROM participants WHERE session_id = ? AND role = ?',
  );
  const setKey = db.prepare(`INSERT INTO participants (session_id, role, resume_key_hash)
    VALUES (?, ?, ?) ON CONFLICT (session_id, role) DO UPDATE SET resume_key_hash = excluded.resume_key_hash`);

  return {
    async createSession(s) {
      insert.run({
        id: s.id,
        ticketId: s.ticketId,
        status: s.status,
        agentId: s.agentId,
        agentName: s.agentName,
        customerName: s.customerName,
        createdAt: s.createdAt,
        expiresAt: s.expiresAt,
      });
    },
    async getSession(id) {
      const row = select.get(id);
      return row ? fromRow(row) : null;
    },
    async setStatus(id, status) {
      setStatus.run(status, id);
    },
    async endSession(id, e: SessionEnd) {
      return end.run({ id, at: e.at, by: e.by, reason: e.reason }).changes === 1;
    },
    async getResumeKeyHash(sessionId, role) {
      return getKey.get(sessionId, role)?.resume_key_hash ?? null;
    },
    async setResumeKeyHash(sessionId, role, hash) {
      setKey.run(sessionId, role, hash);
    },
    async close() {
      db.close();
    },
  };
}

function fromRow(r: SessionRow): SessionRecord {
  return {
    id: r.id,
    ticketId: r.ticket_id,
    status: r.status,
    agentId: r.agent_id,
    agentName: r.agent_name,
    customerName: r.customer_name,
    createdAt: r.created_at,
    expiresAt: r.expires_at,
    endedAt: r.ended_at,
    endedBy: r.ended_by,
    endReason: r.end_reason,
  };
}
