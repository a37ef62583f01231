/** The invites table of the SQLite store: short invite links, kept by the hash of their code. */
import type { Database } from 'better-sqlite3';
import type { Role } from '../../../src/protocol.js';
import type { InviteStore } from '../store.js';
import type { Commit } from './sqlite-commit.js';

interface Row {
  code_hash: string;
  session_id: string;
  role: Role;
  created_at: number;
  expires_at: number;
}

/** The statements that write invites. */
export const INVITE_WRITES = {
  insertInvite: {
    sql: `INSERT INTO invites (code_hash, session_id, role, created_at, expires_at)
      VALUES (?, ?, ?, ?, ?)`,
    returning: false,
  },
  pruneInvites: { sql: 'DELETE FROM invites WHERE expires_at < ?', returning: false },
} as const;

export function openSqliteInvites(
  db: Database,
  commit: Commit<keyof typeof INVITE_WRITES>,
): InviteStore {
  const select = db.prepare<[string], Row>('SELECT * FROM invites WHERE code_hash = ?');
  return {
    async insert(i) {
      await commit.run('insertInvite', i.codeHash, i.sessionId, i.role, i.createdAt, i.expiresAt);
    },
    async get(codeHash) {
      const r = select.get(codeHash);
      return r
        ? {
            codeHash: r.code_hash,
            sessionId: r.session_id,
            role: r.role,
            createdAt: r.created_at,
            expiresAt: r.expires_at,
          }
        : null;
    },
    async prune(before) {
      return (await commit.run('pruneInvites', before)).changes;
    },
  };
}
