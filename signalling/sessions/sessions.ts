/**
 * The session lifecycle: every change to a session goes through here, is checked by the state
 * machine (`src/session-state.ts`), and is written together with the webhook events it causes.
 * Listeners (the rooms, the outbox dispatcher, long-polling readers) hear of each change after it
 * is stored. Knows nothing of HTTP or sockets.
 */
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import {
  REPORTABLE,
  type EndedBy,
  type Metadata,
  type ReportedEvent,
  type Source,
  type Visibility,
} from '../../src/events.js';
import type { Refused, Result } from '../../src/parse.js';
import type { Role } from '../../src/protocol.js';
import { isFinal, type FinalStatus, type SessionStatus } from '../../src/session-state.js';
import {
  DuplicateEventError,
  type OutboxEvent,
  type SessionRecord,
  type SessionStore,
} from '../store/store.js';
import { SessionDraft, iso, reportedEventId, setupMs } from './session-draft.js';

export interface SessionsOptions {
  store: SessionStore;
  logger: Logger;
  /** Session (and customer invite) lifetime, seconds. */
  inviteTtl: number;
  /** How long a request or an unanswered direct call waits for an agent, seconds. */
  requestTtl: number;
  /** Whether webhook events are written (a webhook URL is configured). */
  recordEvents: boolean;
  now?: () => number;
}

/** A stored change, as listeners hear it. */
export interface SessionChange {
  before: SessionRecord | null;
  after: SessionRecord;
  events: readonly OutboxEvent[];
}

/** What a new session starts from. */
export interface NewSession {
  ticketId: string;
  customerName: string;
  metadata: Metadata | null;
  agent?: { id: string; name: string };
}

/** A request from the help button. */
export interface NewRequest extends NewSession {
  source: 'public-key' | 'request-token';
  requestKey: string | null;
  direct: boolean;
}

export type Mutation = (d: SessionDraft) => Refused | null | void;

export class Sessions {
  private readonly opts: SessionsOptions;
  private readonly listeners = new Set<(change: SessionChange) => void>();
  readonly now: () => number;

  constructor(opts: SessionsOptions) {
    this.opts = opts;
    this.now = opts.now ?? Date.now;
  }

  /** Calls `listener` after every stored change; returns the unsubscribe function. */
  subscribe(listener: (change: SessionChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get(id: string): Promise<SessionRecord | null> {
    return this.opts.store.get(id);
  }

  /**
   * Whether an agent took the session: always for the host's own sessions, after `accept` for a
   * request or a direct call. Until then its customer may follow or cancel it, nothing more.
   */
  async isAccepted(id: string): Promise<boolean> {
    const session = await this.get(id);
    return session !== null && isAccepted(session);
  }

  /** The newest session a request token opened. */
  findByRequestKey(key: string): Promise<SessionRecord | null> {
    return this.opts.store.findByRequestKey(key);
  }

  listByTicket(ticketId: string, limit = 100): Promise<SessionRecord[]> {
    return this.opts.store.listByTicket(ticketId, limit);
  }

  /** The host creates a session for a ticket (`session.created`, origin `api`). */
  create(input: NewSession & { agent: { id: string; name: string } }): Promise<SessionRecord> {
    return this.insert(input, 'created', 'api', 'host', (d) => {
      d.emit('session.created', createdData(d.session));
    });
  }

  /**
   * The help button asks for a session: `session.requested`; or, for a direct call, a session at
   * once (`session.created`, origin `direct`) that rings until an agent accepts it.
   */
  request(input: NewRequest): Promise<SessionRecord> {
    const at = this.now();
    const extra = {
      requestedAt: at,
      answerBy: at + this.opts.requestTtl * 1000,
      requestKey: input.requestKey,
    };
    if (input.direct) {
      return this.insert(input, 'created', 'direct', 'customer', (d) => {
        Object.assign(d.session, extra);
        d.emit('session.created', createdData(d.session));
      });
    }
    return this.insert(input, 'requested', 'request', 'customer', (d) => {
      Object.assign(d.session, extra);
      d.emit('session.requested', {
        customer: { name: d.session.customerName },
        source: input.source,
        answerBy: iso(d.session.answerBy)!,
      });
    });
  }

  /** An agent takes a request (`requested -> created`) or answers a direct call. */
  accept(id: string, agent: { id: string; name: string }): Promise<Result<SessionRecord>> {
    return this.change(id, 'host', (d) => {
      const s = d.session;
      if (s.status === 'requested') {
        const refused = d.move('created');
        if (refused) return refused;
        Object.assign(s, { agent, acceptedAt: d.at, answerBy: null });
        d.emit('session.created', createdData(s));
        return null;
      }
      if (isFinal(s.status))
        return { ok: false, code: 'ERR_SESSION_ENDED', reason: `the session is ${s.status}` };
      if (s.agent !== null)
        return { ok: false, code: 'ERR_TRANSITION_INVALID', reason: 'already accepted' };
      Object.assign(s, { agent, acceptedAt: d.at, answerBy: null });
      return null;
    });
  }

  /** The host turns a request down (`requested -> declined`). */
  decline(id: string, reason = 'declined'): Promise<Result<SessionRecord>> {
    return this.change(id, 'host', (d) => d.finish('declined', 'host', reason));
  }

  /** The customer withdraws their request (`requested -> ended`, reason `cancelled`). */
  cancel(id: string): Promise<Result<SessionRecord>> {
    return this.change(id, 'customer', (d) =>
      d.session.status === 'requested'
        ? d.finish('ended', 'customer', 'cancelled')
        : {
            ok: false,
            code: 'ERR_TRANSITION_INVALID',
            reason: `a ${d.session.status} session cannot be cancelled`,
          },
    );
  }

  /** Ends a session: a hang-up, the host, or a widget that could not go on (`failed`). */
  end(
    id: string,
    by: EndedBy,
    reason: string,
    status: Extract<FinalStatus, 'ended' | 'failed'> = 'ended',
  ): Promise<Result<SessionRecord>> {
    return this.change(id, by, (d) => d.finish(status, by, reason));
  }

  /** Somebody was admitted; `bothPresent` when the other person is there too. */
  joined(id: string, role: Role, name: string, opts: { resumed: boolean; bothPresent: boolean }) {
    return this.change(id, role, (d) => {
      const s = d.session;
      if (isFinal(s.status))
        return { ok: false, code: 'ERR_SESSION_ENDED', reason: `the session is ${s.status}` };
      if (s.status === 'requested')
        return { ok: false, code: 'ERR_SESSION_NOT_ACCEPTED', reason: 'requested' };
      if (s.status === 'created') d.move('waiting');
      if (opts.bothPresent && s.bothPresentAt === null) s.bothPresentAt = d.at;
      d.emit('session.participant_joined', { role, name, resumed: opts.resumed });
      return null;
    });
  }

  /**
   * Somebody left. A dropped connection (`disconnected`, which the service noticed) makes a call
   * that was up `reconnecting`; leaving on purpose (`hang-up`, the session goes on) makes it
   * `waiting`.
   */
  left(id: string, role: Role, reason: 'disconnected' | 'hang-up' = 'disconnected') {
    return this.change(id, reason === 'hang-up' ? role : 'service', (d) => {
      const s = d.session;
      if (isFinal(s.status)) return { ok: false, code: 'ERR_SESSION_ENDED', reason: 'final' };
      d.emit('session.participant_left', { role, reason });
      if (reason === 'hang-up' && (s.status === 'connected' || s.status === 'reconnecting')) {
        d.move('waiting');
      } else if (reason === 'disconnected' && s.status === 'connected') {
        d.move('reconnecting');
        s.reconnects += 1;
        d.emit('session.reconnecting', { role });
      }
      return null;
    });
  }

  /**
   * A widget's peer connection is up: `waiting|reconnecting -> connected` (no-op when already).
   * `source`: the role whose widget said so, when the caller tells; else the service.
   */
  callConnected(id: string, source: Source = 'service') {
    return this.change(id, source, (d) => {
      const s = d.session;
      const from = s.status;
      if (from !== 'waiting' && from !== 'reconnecting') {
        return {
          ok: false,
          code: 'ERR_TRANSITION_INVALID',
          reason: `${from} cannot become connected`,
        };
      }
      d.move('connected');
      const first = s.connectedAt === null;
      if (first) s.connectedAt = d.at;
      d.emit('session.connected', { setupMs: first ? setupMs(s) : null, reconnected: !first });
      return null;
    });
  }

  /** Expires what is overdue: unanswered requests and direct calls, and sessions past their end. */
  async expireDue(): Promise<number> {
    const now = this.now();
    let expired = 0;
    for (const id of await this.opts.store.due(now, 200)) {
      const done = await this.change(id, 'service', (d) => {
        const s = d.session;
        const unanswered = s.answerBy !== null && s.answerBy <= now && s.agent === null;
        if (!unanswered && s.expiresAt > now)
          return { ok: false, code: 'ERR_TRANSITION_INVALID', reason: 'not due' };
        return d.finish('expired', 'service', unanswered ? 'not-answered' : 'session-expired');
      });
      if (done.ok) expired++;
    }
    return expired;
  }

  /** Host only: `public` or `internal` (any status, even after the end). */
  setVisibility(id: string, visibility: Visibility): Promise<Result<SessionRecord>> {
    return this.change(id, 'host', (d) => {
      const previous = d.session.visibility;
      if (previous === visibility) return;
      d.session.visibility = visibility;
      d.emit('session.visibility_changed', { visibility, previous });
    });
  }

  /** The customer's rating, once, once the call has taken place (during the session or after). */
  rate(id: string, score: number, comment: string | null): Promise<Result<SessionRecord>> {
    return this.change(id, 'customer', (d) => {
      const s = d.session;
      if (s.connectedAt === null) {
        return {
          ok: false,
          code: 'ERR_RATING_NOT_OPEN',
          reason: `the call has not taken place (${s.status})`,
        };
      }
      if (s.rating !== null)
        return { ok: false, code: 'ERR_ALREADY_RATED', reason: 'rated before' };
      s.rating = { score, comment, at: d.at };
      d.emit('session.rated', { score, comment });
      return null;
    });
  }

  /**
   * A widget reports an event (the seam for features whose events happen in the browser). The
   * same `ref` from the same role always yields the same event id, and never a second event.
   */
  async report(
    id: string,
    role: Role,
    ref: string,
    event: ReportedEvent,
  ): Promise<Result<{ eventId: string; duplicate: boolean }>> {
    if (!REPORTABLE[event.type].includes(role)) {
      return { ok: false, code: 'ERR_FORBIDDEN', reason: `${role} cannot report ${event.type}` };
    }
    const eventId = reportedEventId(id, role, ref);
    const { type, ...data } = event;
    try {
      const done = await this.change(id, role, (d) => {
        if (!isAccepted(d.session)) return notAccepted(d.session);
        d.emit(type, { ...data, by: role }, eventId);
        return null;
      });
      return done.ok ? { ok: true, value: { eventId, duplicate: false } } : done;
    } catch (err) {
      if (err instanceof DuplicateEventError)
        return { ok: true, value: { eventId, duplicate: true } };
      throw err;
    }
  }

  /**
   * Resolves when the session leaves `status` (or at once if it is not in it), after `ms`, or when
   * `signal` aborts; for long-polling readers.
   */
  async waitWhile(
    id: string,
    status: SessionStatus,
    ms: number,
    signal?: AbortSignal,
  ): Promise<void> {
    const current = await this.get(id);
    if (!current || current.status !== status) return;
    await new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        unsubscribe();
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      const unsubscribe = this.subscribe((c) => {
        if (c.after.id === id && c.after.status !== status) done();
      });
      signal?.addEventListener('abort', done);
    });
  }

  private async insert(
    input: NewSession,
    status: SessionStatus,
    origin: SessionRecord['origin'],
    source: Source,
    mutate: Mutation,
  ): Promise<SessionRecord> {
    const at = this.now();
    const draft = new SessionDraft(
      blank(input, status, origin, at, this.opts.inviteTtl),
      at,
      this.opts.recordEvents,
      source,
    );
    mutate(draft);
    await this.opts.store.insert(draft.session, draft.events);
    this.notify({ before: null, after: draft.session, events: draft.events });
    return draft.session;
  }

  /**
   * Applies `mutate` in one store transaction; a mutation that returns nothing is accepted. Other
   * modules whose writes must be atomic with a session's events (files: `d.files`) use it too.
   * `source`: who told the service of the change (the `source` of the events it emits).
   */
  async change(id: string, source: Source, mutate: Mutation): Promise<Result<SessionRecord>> {
    const at = this.now();
    const result = await this.opts.store.update(id, (current) => {
      const draft = new SessionDraft(current, at, this.opts.recordEvents, source);
      const refused = mutate(draft);
      return refused ?? draft.result();
    });
    if (!result.ok) return result;
    this.notify(result.value);
    return { ok: true, value: result.value.after };
  }

  private notify(change: SessionChange): void {
    for (const listener of this.listeners) {
      try {
        listener(change);
      } catch (err) {
        this.opts.logger.error({ err, sessionId: change.after.id }, 'session listener failed');
      }
    }
  }
}

/** Whether an agent took the session (see `Sessions.isAccepted`). */
export function isAccepted(s: SessionRecord): boolean {
  return s.agent !== null;
}

/** The refusal for what needs an accepted session. */
export function notAccepted(s: SessionRecord): Refused {
  return {
    ok: false,
    code: 'ERR_SESSION_NOT_ACCEPTED',
    reason: isFinal(s.status)
      ? `the request ended (${s.status}) before anybody accepted it`
      : 'nobody has accepted the request yet',
  };
}

function blank(
  input: NewSession,
  status: SessionStatus,
  origin: SessionRecord['origin'],
  at: number,
  inviteTtl: number,
): SessionRecord {
  return {
    id: `ses_${randomBytes(16).toString('base64url')}`,
    ticketId: input.ticketId,
    status,
    visibility: 'public',
    origin,
    metadata: input.metadata,
    agent: input.agent ?? null,
    customerName: input.customerName,
    createdAt: at,
    requestedAt: null,
    acceptedAt: null,
    answerBy: null,
    // Whole seconds, so the invite token's `exp` is exactly the session's end.
    expiresAt: Math.floor(at / 1000 + inviteTtl) * 1000,
    bothPresentAt: null,
    connectedAt: null,
    endedAt: null,
    endedBy: null,
    endReason: null,
    reconnects: 0,
    rating: null,
    requestKey: null,
    eventSeq: 0,
    transitions: [],
  };
}

function createdData(s: SessionRecord) {
  return {
    origin: s.origin,
    agent: s.agent,
    customer: { name: s.customerName },
    expiresAt: iso(s.expiresAt)!,
    answerBy: iso(s.answerBy),
  };
}
