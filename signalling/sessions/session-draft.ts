/**
 * One change to a session in the making: a copy of the record to modify, the state machine's
 * check on every status move (timestamped), and the webhook events the change causes, encoded
 * once into the exact bytes the outbox will post.
 */
import { createHash } from 'node:crypto';
import { nanoid } from 'nanoid';
import {
  encodeEvent,
  type EndedBy,
  type EventData,
  type SessionEvent,
  type SessionEventType,
  type Source,
} from '../../src/events.js';
import type { Refused } from '../../src/parse.js';
import { checkTransition, type FinalStatus, type SessionStatus } from '../../src/session-state.js';
import type { FileWrites, OutboxEvent, SessionRecord } from '../store/store.js';

/** Older transitions are dropped past this many (a session that flaps keeps the recent ones). */
const MAX_TRANSITIONS = 100;

export class SessionDraft {
  readonly session: SessionRecord;
  readonly events: OutboxEvent[] = [];
  /** File rows to write with this change (a stored upload, erased files). */
  readonly files: FileWrites = { add: [], remove: [], removeUploads: [] };
  readonly at: number;
  /** Who told the service of this change: the `source` of every event it emits. */
  readonly source: Source;
  private readonly record: boolean;

  /** `record`: whether events are written at all (false when no webhook URL is configured). */
  constructor(current: SessionRecord, at: number, record: boolean, source: Source) {
    // A shallow copy: changes replace the record's fields (a new transitions array, a new rating
    // object...) and never modify what they point to, so `current` stays as it was.
    this.session = { ...current };
    this.at = at;
    this.record = record;
    this.source = source;
  }

  /** Moves to `to` through the state machine; returns the refusal when it is not allowed. */
  move(to: SessionStatus): Refused | null {
    const from = this.session.status;
    const check = checkTransition(from, to);
    if (!check.ok) return check;
    this.session.status = to;
    this.session.transitions = [...this.session.transitions, { from, to, at: this.at }].slice(
      -MAX_TRANSITIONS,
    );
    return null;
  }

  /** Ends the session in `status` and emits `session.ended` with the session's figures. */
  finish(status: FinalStatus, by: EndedBy, reason: string): Refused | null {
    const refused = this.move(status);
    if (refused) return refused;
    const s = this.session;
    s.endedAt = this.at;
    s.endedBy = by;
    s.endReason = reason;
    this.emit('session.ended', {
      status,
      reason,
      endedBy: by,
      durationMs: s.connectedAt === null ? 0 : this.at - s.connectedAt,
      setupMs: setupMs(s),
      reconnects: s.reconnects,
      connectedAt: iso(s.connectedAt),
    });
    return null;
  }

  /** Adds an event of `type`; `id` is given for reported events (idempotent by their ref). */
  emit<T extends SessionEventType>(type: T, data: EventData<T>, id: string = newEventId()): void {
    if (!this.record) return;
    const s = this.session;
    s.eventSeq += 1;
    const event = {
      id,
      type,
      occurredAt: new Date(this.at).toISOString(),
      sessionId: s.id,
      ticketId: s.ticketId,
      sequence: s.eventSeq,
      visibility: s.visibility,
      metadata: s.metadata,
      source: this.source,
      data,
    } as SessionEvent;
    this.events.push({
      id,
      sessionId: s.id,
      sequence: s.eventSeq,
      type,
      body: encodeEvent(event),
      createdAt: this.at,
    });
  }

  /** What the store writes. */
  result(): { session: SessionRecord; events: OutboxEvent[]; files: FileWrites } {
    return { session: this.session, events: this.events, files: this.files };
  }
}

/** From both people present to the first connection. */
export function setupMs(s: SessionRecord): number | null {
  return s.connectedAt === null || s.bothPresentAt === null
    ? null
    : Math.max(0, s.connectedAt - s.bothPresentAt);
}

export function iso(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString();
}

/**
 * `msg_`, the time in milliseconds (9 base-36 digits, so ids sort by creation, as KSUIDs do), and
 * 16 random URL-safe characters (96 bits; nanoid draws them from a pooled buffer of the system's
 * randomness instead of asking for 12 bytes per event). Ordered ids keep the outbox's id index
 * appending at its end instead of touching a random page per event.
 */
export function newEventId(): string {
  return `msg_${Date.now().toString(36).padStart(9, '0')}${nanoid(16)}`;
}

/** The id of a reported event: the same session, role and ref always give the same id. */
export function reportedEventId(sessionId: string, role: string, ref: string): string {
  const hash = createHash('sha256').update(`${sessionId}\n${role}\n${ref}`).digest('base64url');
  return `msg_${hash.slice(0, 27)}`;
}
