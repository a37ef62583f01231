/**
 * The demo helpdesk's own records: tickets, the video sessions started from them, and every
 * webhook event received (once per `webhook-id`: the de-duplication). A real helpdesk keeps these
 * in its database; the demo keeps them in `demo.sqlite` in the data dir.
 */
import Database from 'better-sqlite3';
import { join } from 'node:path';
import type { SessionEvent } from '../src/events.js';

export interface Ticket {
  id: string;
  subject: string;
  customerName: string;
  createdAt: number;
}

export interface TicketSession {
  id: string;
  ticketId: string;
  /** The customer's invite link; empty for a session the customer requested (they are in already). */
  inviteUrl: string;
  createdAt: number;
}

export interface TicketStore {
  listTickets(): Ticket[];
  getTicket(id: string): Ticket | null;
  createTicket(subject: string, customerName: string): Ticket;
  addSession(session: TicketSession): void;
  sessionsOf(ticketId: string): TicketSession[];
  getSession(id: string): TicketSession | null;
  /** Keeps a webhook event; false when this `webhook-id` was received before (a duplicate). */
  recordEvent(event: SessionEvent, body: string): boolean;
  /** A ticket's events, in the order they happened. */
  timeline(ticketId: string): SessionEvent[];
  close(): void;
}

const SEED: Array<[string, string]> = [
  ['Dishwasher shows error E24 after the last cycle', 'Maria Keller'],
  ['Router lights blink orange, no internet', 'Tom Becker'],
  ['Cannot attach the new filter cartridge', 'Lena Vogel'],
];

export function openTicketStore(dataDir: string): TicketStore {
  const db = new Database(join(dataDir, 'demo.sqlite'));
  db.pragma('journal_mode = WAL');
  db.exec(`
    CREATE TABLE IF NOT EXISTS tickets (
      id TEXT PRIMARY KEY, subject TEXT NOT NULL, customer_name TEXT NOT NULL, created_at INTEGER NOT NULL);
    CREATE TABLE IF NOT EXISTS ticket_sessions (
      id TEXT PRIMARY KEY, ticket_id TEXT NOT NULL REFERENCES tickets (id), invite_url TEXT NOT NULL,
      created_at INTEGER NOT NULL);
    CREATE TABLE IF NOT EXISTS webhook_events (
      id TEXT PRIMARY KEY, ticket_id TEXT NOT NULL, session_id TEXT NOT NULL, type TEXT NOT NULL,
      sequence INTEGER NOT NULL, occurred_at TEXT NOT NULL, received_at INTEGER NOT NULL,
      body TEXT NOT NULL);
    CREATE INDEX IF NOT EXISTS webhook_events_ticket ON webhook_events (ticket_id, occurred_at);
  `);
  const insertEvent = db.prepare(`INSERT OR IGNORE INTO webhook_events
    (id, ticket_id, session_id, type, sequence, occurred_at, received_at, body)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?)`);
  const timeline = db.prepare<[string], { body: string }>(
    `SELECT body FROM webhook_events WHERE ticket_id = ?
     ORDER BY occurred_at, session_id, sequence`,
  );
  const count = db.prepare<[], { n: number }>('SELECT count(*) AS n FROM tickets');
  const insertTicket = db.prepare(
    'INSERT INTO tickets (id, subject, customer_name, created_at) VALUES (?, ?, ?, ?)',
  );
  const toTicket = (r: {
    id: string;
    subject: string;
    customer_name: string;
    created_at: number;
  }) => ({
    id: r.id,
    subject: r.subject,
    customerName: r.customer_name,
    createdAt: r.created_at,
  });
  const toSession = (r: {
    id: string;
    ticket_id: string;
    invite_url: string;
    created_at: number;
  }) => ({
    id: r.id,
    ticketId: r.ticket_id,
    inviteUrl: r.invite_url,
    createdAt: r.created_at,
  });

  const store: TicketStore = {
    listTickets: () =>
      db
        .prepare('SELECT * FROM tickets ORDER BY created_at DESC, id DESC')
        .all()
        .map((r) => toTicket(r as never)),
    getTicket(id) {
      const row = db.prepare('SELECT * FROM tickets WHERE id = ?').get(id);
      return row ? toTicket(row as never) : null;
    },
    createTicket(subject, customerName) {
      const n = count.get()!.n + 1001;
      const ticket = { id: `T-${n}`, subject, customerName, createdAt: Date.now() };
      insertTicket.run(ticket.id, subject, customerName, ticket.createdAt);
      return ticket;
    },
    addSession(s) {
      db.prepare(
        'INSERT INTO ticket_sessions (id, ticket_id, invite_url, created_at) VALUES (?, ?, ?, ?)',
      ).run(s.id, s.ticketId, s.inviteUrl, s.createdAt);
    },
    sessionsOf: (ticketId) =>
      db
        .prepare('SELECT * FROM ticket_sessions WHERE ticket_id = ? ORDER BY created_at DESC')
        .all(ticketId)
        .map((r) => toSession(r as never)),
    getSession(id) {
      const row = db.prepare('SELECT * FROM ticket_sessions WHERE id = ?').get(id);
      return row ? toSession(row as never) : null;
    },
    recordEvent(e, body) {
      const at = Date.now();
      return (
        insertEvent.run(e.id, e.ticketId, e.sessionId, e.type, e.sequence, e.occurredAt, at, body)
          .changes === 1
      );
    },
    timeline: (ticketId) => timeline.all(ticketId).map((r) => JSON.parse(r.body) as SessionEvent),
    close: () => db.close(),
  };
  if (count.get()!.n === 0) for (const [subject, name] of SEED) store.createTicket(subject, name);
  return store;
}
