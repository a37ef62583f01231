/**
 * Rooms: who is connected to which session, and the relay between the two of them. A one-on-one
 * session has exactly two slots, one per role. A slot is taken by a valid join token when it is
 * free, or by the holder of the slot's resume key (the same person reconnecting, which replaces
 * their old connection). Anyone else is refused with `ERR_SESSION_FULL`, and the agent is told
 * (`invite-in-use`).
 *
 * Presence changes go to the session lifecycle (`sessions/sessions.ts`); every status change it stores
 * comes back here and is pushed to the people in the room (`session-status`, and `session-ended`
 * with the sockets closed once the session is final), whoever caused it (a hang-up, the host's
 * REST call, expiry).
 *
 * Transport-agnostic: a connection is anything with `send` and `refuse`.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { ErrorCode } from '../../src/errors.js';
import type {
  IceServer,
  IceTransportPolicy,
  Participant,
  Role,
  ServerMessage,
  SignalData,
} from '../../src/protocol.js';
import { PROTOCOL_VERSION } from '../../src/protocol.js';
import { isFinal, type SessionStatus } from '../../src/session-state.js';
import type { SessionChange, Sessions } from '../sessions/sessions.js';
import { safeEqual, type VerifiedToken } from '../sessions/tokens.js';
import type { SessionRecord, SessionStore } from '../store/store.js';

/** One WebSocket (or any other transport) as the rooms see it. */
export interface Connection {
  readonly id: number;
  send(message: ServerMessage): void;
  /**
   * Sends what the other participant sent; false when it was dropped because this connection
   * reads too slowly (it is not cut off for someone else's burst).
   */
  relay(message: ServerMessage): boolean;
  /** Sends `{type: 'error', code}` and, when the code is fatal for the connection, closes it. */
  refuse(code: ErrorCode): void;
  /** Closes normally (the session ended, or this participant left it). */
  end(reason?: string): void;
}

/** An admitted connection. */
export interface Member {
  readonly conn: Connection;
  readonly sessionId: string;
  readonly role: Role;
  readonly name: string;
  /** The session status this connection was last told. */
  told: SessionStatus;
}

export interface RoomsOptions {
  /** For resume keys; status changes go through `sessions`. */
  store: SessionStore;
  sessions: Sessions;
  logger: Logger;
  heartbeatMs: number;
  /** For one participant of a session that expires at `expiresAt` (Unix ms). */
  iceServers(sessionId: string, role: Role, expiresAt: number): IceServer[];
  /** Handed to both browsers in `welcome`; `relay` keeps their IP addresses from each other. */
  iceTransportPolicy?: IceTransportPolicy;
  now?: () => number;
}

interface Room {
  slots: Partial<Record<Role, Member>>;
  /** Counts peer connections built in this room; signals carry it so stale ones are dropped. */
  pairing: number;
  /** When the agent was last told of a refused join, per role (`invite-in-use`). */
  inUseToldAt: Partial<Record<Role, number>>;
}

/** Whose place in a session is held by a live connection right now. */
export type Presence = Record<Role, boolean>;

/** The agent hears of refused joins to one place at most this often. */
const IN_USE_NOTICE_MS = 10_000;

/** What the client's hello says that admission needs. */
export interface Hello {
  resumeKey?: string;
  peerConnected?: boolean;
}

const other = (role: Role): Role => (role === 'agent' ? 'customer' : 'agent');
const hashKey = (key: string) => createHash('sha256').update(key).digest('base64url');

export class Rooms {
  private readonly rooms = new Map<string, Room>();
  private readonly locks = new Map<string, Promise<unknown>>();
  private readonly opts: RoomsOptions;
  private readonly now: () => number;

  constructor(opts: RoomsOptions) {
    this.opts = opts;
    this.now = opts.now ?? Date.now;
    opts.sessions.subscribe((change) => {
      if (change.before?.status === change.after.status) return;
      // After any admission in progress, so whoever it admits hears of the change too.
      void this.serial(change.after.id, async () => this.tell(change));
    });
  }

  /** How many connections are admitted right now (for health and tests). */
  get size(): number {
    let n = 0;
    for (const room of this.rooms.values()) n += Object.keys(room.slots).length;
    return n;
  }

  /** Whose place in `sessionId` is held by a live connection right now (one map lookup). */
  presence(sessionId: string): Presence {
    const slots = this.rooms.get(sessionId)?.slots;
    return { agent: slots?.agent !== undefined, customer: slots?.customer !== undefined };
  }

  /**
   * Admits `conn` into the session its token names. Sends `welcome` (and `peer-joined` to both when
   * the other participant is there) or refuses with a code. Admissions to one session run one at a
   * time, so two connections can never win the same slot.
   */
  admit(conn: Connection, token: VerifiedToken, hello: Hello = {}): Promise<Member | null> {
    if (!token.ok) {
      conn.refuse(token.code);
      return Promise.resolve(null);
    }
    const sessionId = token.claims.sessionId;
    return this.serial(sessionId, () => this.admitNow(conn, token, hello));
  }

  private async admitNow(
    conn: Connection,
    token: Extract<VerifiedToken, { ok: true }>,
    { resumeKey, peerConnected }: Hello,
  ): Promise<Member | null> {
    const { sessionId, role } = token.claims;
    const refuse = (code: ErrorCode, why: string) => {
      this.opts.logger.info({ sessionId, role, conn: conn.id, code }, `join refused: ${why}`);
      conn.refuse(code);
      return null;
    };

    const { sessions } = this.opts;
    const session = await sessions.get(sessionId);
    if (!session) return refuse('ERR_SESSION_NOT_FOUND', 'unknown session');
    if (isFinal(session.status)) return refuse('ERR_SESSION_ENDED', `session ${session.status}`);
    if (session.status === 'requested') return refuse('ERR_SESSION_NOT_ACCEPTED', 'not accepted');
    if (session.expiresAt <= this.now()) {
      void sessions.expireDue();
      return refuse('ERR_SESSION_ENDED', 'session expired');
    }

    const storedHash = await this.opts.store.getResumeKeyHash(sessionId, role);
    const resuming =
      resumeKey !== undefined && storedHash !== null && safeEqual(hashKey(resumeKey), storedHash);
    if (token.expired && !resuming) return refuse('ERR_TOKEN_EXPIRED', 'token expired');

    const room = this.rooms.get(sessionId) ?? { slots: {}, pairing: 0, inUseToldAt: {} };
    const { slots } = room;
    const current = slots[role];
    if (current && !resuming) {
      this.tellInUse(room, role);
      return refuse('ERR_SESSION_FULL', `${role} slot taken`);
    }

    const key = resuming ? resumeKey : randomBytes(24).toString('base64url');
    if (!resuming) await this.opts.store.setResumeKeyHash(sessionId, role, hashKey(key));

    const name = nameOf(session, role);
    let status: SessionStatus = session.status;
    // A replacement (the same person in another tab) is not a new arrival.
    if (!current) {
      const bothPresent = slots[other(role)] !== undefined;
      const joined = await sessions.joined(sessionId, role, name, {
        resumed: resuming,
        bothPresent,
      });
      if (!joined.ok) return refuse(joined.code, joined.reason);
      status = joined.value.status;
    }
    if (current) {
      // The same person again (another tab, a reload, a network change): the new connection wins.
      delete slots[role];
      current.conn.refuse('ERR_CONNECTION_REPLACED');
      this.opts.logger.info({ sessionId, role, conn: current.conn.id }, 'connection replaced');
    }

    const member: Member = { conn, sessionId, role, name, told: status };
    slots[role] = member;
    this.rooms.set(sessionId, room);
    const peer = slots[other(role)];

    conn.send({
      type: 'welcome',
      protocol: PROTOCOL_VERSION,
      sessionId,
      ticketId: session.ticketId,
      status,
      you: participant(member),
      peer: peer ? participant(peer) : null,
      resumeKey: key,
      iceServers: this.opts.iceServers(sessionId, role, session.expiresAt),
      ...(this.opts.iceTransportPolicy === 'relay' ? { iceTransportPolicy: 'relay' as const } : {}),
      heartbeatMs: this.opts.heartbeatMs,
    });
    if (peer && resuming && peerConnected) {
      // Only the signalling socket dropped while the call kept running: it is still up.
      if (status === 'reconnecting') void sessions.callConnected(sessionId);
    } else if (peer) {
      // Both are here: each builds a fresh peer connection and the agent makes the offer.
      this.pair(room, member, peer);
    }
    this.opts.logger.info({ sessionId, role, conn: conn.id, resumed: resuming }, 'joined');
    return member;
  }

  /** Tells the agent that a join to `role`'s place was refused (not more than every 10 s). */
  private tellInUse(room: Room, role: Role): void {
    const agent = room.slots.agent;
    const at = this.now();
    const last = room.inUseToldAt[role];
    if (!agent || (last !== undefined && at - last < IN_USE_NOTICE_MS)) return;
    room.inUseToldAt[role] = at;
    agent.conn.send({ type: 'invite-in-use', role });
  }

  /** Tells both to build a fresh peer connection, numbered by a new pairing. */
  private pair(room: Room, a: Member, b: Member): void {
    const pairing = ++room.pairing;
    for (const [me, them] of [
      [a, b],
      [b, a],
    ] as const) {
      me.conn.send({
        type: 'peer-joined',
        peer: participant(them),
        initiator: me.role === 'agent',
        pairing,
      });
    }
  }

  /**
   * A participant's peer connection for `pairing` could not be recovered: both build a fresh one.
   * Only while `pairing` is current, so two requests for the same broken connection make one.
   */
  repair(member: Member, pairing: number): Promise<void> {
    return this.serial(member.sessionId, async () => {
      if (!this.isCurrent(member)) return;
      const room = this.rooms.get(member.sessionId)!;
      const peer = room.slots[other(member.role)];
      if (!peer || pairing !== room.pairing) return;
      this.pair(room, member, peer);
      this.opts.logger.info(
        { sessionId: member.sessionId, role: member.role, pairing: room.pairing },
        'peer connection rebuilt',
      );
    });
  }

  /**
   * Forwards signalling data to the other participant; dropped when nobody is there, and when the
   * other one reads too slowly to take it (see `Connection.relay`).
   */
  relay(member: Member, pairing: number, data: SignalData): void {
    if (!this.isCurrent(member)) return;
    const room = this.rooms.get(member.sessionId)!;
    if (pairing !== room.pairing) return; // for a peer connection that no longer exists
    room.slots[other(member.role)]?.conn.relay({
      type: 'signal',
      from: member.role,
      pairing,
      data,
    });
  }

  /** A widget says its peer connection of `pairing` is up: the session is connected. */
  callConnected(member: Member, pairing: number): Promise<void> {
    return this.serial(member.sessionId, async () => {
      const room = this.rooms.get(member.sessionId);
      if (!this.isCurrent(member) || !room || pairing !== room.pairing) return;
      if (!room.slots[other(member.role)]) return;
      await this.opts.sessions.callConnected(member.sessionId);
    });
  }

  /**
   * The participant hung up. The agent ends the session for both (with `error`, their widget could
   * not go on, and the session ends as `failed`). The customer only leaves it: the session goes
   * back to `waiting` until the agent ends it or it expires, and the same invite brings them back.
   */
  hangUp(member: Member, error?: ErrorCode): Promise<void> {
    return this.serial(member.sessionId, async () => {
      if (!this.isCurrent(member)) return;
      if (member.role === 'customer' && !error) {
        await this.leaveNow(member, 'hang-up');
        member.conn.end('left');
        return;
      }
      await this.opts.sessions.end(
        member.sessionId,
        member.role,
        error ?? 'hang-up',
        error ? 'failed' : 'ended',
      );
    });
  }

  /** The connection closed (or stopped answering). Frees its slot and tells the other side. */
  disconnected(member: Member): Promise<void> {
    return this.serial(member.sessionId, () => this.leaveNow(member, 'disconnected'));
  }

  private async leaveNow(member: Member, reason: 'disconnected' | 'hang-up'): Promise<void> {
    if (!this.isCurrent(member)) return; // already replaced or the session ended
    const { slots } = this.rooms.get(member.sessionId)!;
    delete slots[member.role];
    const peer = slots[other(member.role)];
    if (peer) peer.conn.send({ type: 'peer-left', role: member.role, reason });
    else this.rooms.delete(member.sessionId);
    await this.opts.sessions.left(member.sessionId, member.role, reason);
    this.opts.logger.info(
      { sessionId: member.sessionId, role: member.role, conn: member.conn.id },
      'left',
    );
  }

  /** Pushes a stored status change to the room; a final one ends the room. */
  private tell({ after }: SessionChange): void {
    const room = this.rooms.get(after.id);
    if (!room) return;
    const members = Object.values(room.slots);
    if (isFinal(after.status)) {
      this.rooms.delete(after.id);
      const by = after.endedBy === 'agent' || after.endedBy === 'customer' ? after.endedBy : null;
      for (const m of members) {
        m.conn.send({
          type: 'session-ended',
          status: after.status,
          by,
          reason: after.endReason ?? '',
        });
        m.conn.end();
      }
      this.opts.logger.info({ sessionId: after.id, status: after.status }, 'session over');
      return;
    }
    for (const m of members) {
      if (m.told === after.status) continue;
      m.told = after.status;
      m.conn.send({ type: 'session-status', status: after.status });
    }
  }

  private isCurrent(member: Member): boolean {
    return this.rooms.get(member.sessionId)?.slots[member.role] === member;
  }

  /** Runs `fn` after every earlier call for the same session has settled. */
  private serial<T>(sessionId: string, fn: () => Promise<T>): Promise<T> {
    const before = this.locks.get(sessionId) ?? Promise.resolve();
    const run = before.then(fn, fn);
    const settled = run.catch(() => undefined);
    this.locks.set(sessionId, settled);
    void settled.then(() => {
      if (this.locks.get(sessionId) === settled) this.locks.delete(sessionId);
    });
    return run;
  }
}

function nameOf(session: SessionRecord, role: Role): string {
  return role === 'agent' ? (session.agent?.name ?? 'Agent') : session.customerName;
}

function participant(m: Member): Participant {
  return { role: m.role, name: m.name };
}
