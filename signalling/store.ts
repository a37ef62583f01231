/**
 * The session store, one interface for every backend. The embedded default is SQLite
 * (`sqlite-store.ts`, one file in `VS_DATA_DIR`); the rest of the service does not know which
 * store it talks to.
 */
import type { Role, SessionStatus } from '../src/protocol.js';

/** A session as the store keeps it. Times are Unix milliseconds. */
export interface SessionRecord {
  id: string;
  ticketId: string;
  status: SessionStatus;
  agentId: string;
  agentName: string;
  customerName: string;
  createdAt: number;
  expiresAt: number;
  endedAt: number | null;
  endedBy: Role | null;
  endReason: string | null;
}

/** What ending a session records. */
export interface SessionEnd {
  at: number;
  by: Role | null;
  reason: string;
}

export interface SessionStore {
  createSession(session: SessionRecord): Promise<void>;
  getSession(id: string): Promise<SessionRecord | null>;
  /** Moves a live session to `status`; does nothing to an ended one. */
  setStatus(id: string, status: Exclude<SessionStatus, 'ended'>): Promise<void>;
  /** Ends the session once; returns false when it had already ended. */
  endSession(id: string, end: SessionEnd): Promise<boolean>;
  /** The hash of the resume key last handed to `role` in this session. */
  getResumeKeyHash(sessionId: string, role: Role): Promise<string | null>;
  setResumeKeyHash(sessionId: string, role: Role, hash: string): Promise<void>;
  close(): Promise<void>;
}
