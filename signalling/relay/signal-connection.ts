/**
 * One signalling connection, from its first frame to its close: waits for `hello`, admits it into
 * its room, then parses every frame, rate-limits, and dispatches. Knows nothing of `ws` or HTTP:
 * `node.ts` feeds it text frames and tells it when the socket closed.
 */
import type { Logger } from 'pino';
import { errors, type ErrorCode } from '../../src/errors.js';
import { assertNever, parseClientMessage } from '../../src/parse.js';
import { PROTOCOL_VERSION, type ServerMessage } from '../../src/protocol.js';
import { createRateLimiter } from '../rate-limit.js';
import type { VerifiedToken } from '../sessions/tokens.js';
import type { Connection, Member, Rooms } from './rooms.js';

/** The socket as this handler needs it. */
export interface SignalSocket {
  send(text: string): void;
  close(code: number, reason: string): void;
  readonly bufferedAmount: number;
  terminate(): void;
}

export interface SignalConnectionOptions {
  rooms: Rooms;
  logger: Logger;
  /** Time the client has to send `hello`. */
  helloTimeoutMs?: number;
  /**
   * A connection with this many bytes queued for it is not reading its own messages: it is cut
   * off. Default 1 MiB.
   */
  maxBufferedBytes?: number;
  /**
   * Signals relayed from the other participant are dropped while this many bytes are queued for
   * this connection (a slow reader loses what someone else flooded it with, not its socket).
   * Default 256 KiB.
   */
  relayHighWaterBytes?: number;
  /** Token bucket: burst size and refill per second (ICE trickle comes in bursts). */
  burst?: number;
  perSecond?: number;
  /**
   * Bytes of signals this connection may have relayed: a burst, then so many per second (an offer
   * is a few KiB; a whole negotiation with its candidates some tens). Beyond it, signals are
   * dropped and the sender is told `ERR_RELAY_LIMITED`. Default 256 KiB, then 64 KiB/s.
   */
  relayBurstBytes?: number;
  relayBytesPerSecond?: number;
}

/** What `node.ts` calls as frames arrive and when the socket closes. */
export interface SignalConnectionHandlers {
  onText(raw: string): void;
  onBinary(): void;
  onClose(): void;
}

let nextId = 0;

export function acceptSignalConnection(
  socket: SignalSocket,
  token: Promise<VerifiedToken>,
  opts: SignalConnectionOptions,
): SignalConnectionHandlers {
  const { rooms, logger } = opts;
  const maxBuffered = opts.maxBufferedBytes ?? 1024 * 1024;
  const relayHighWater = opts.relayHighWaterBytes ?? 256 * 1024;
  const limiter = createRateLimiter({
    burst: opts.burst ?? 200,
    perMinute: (opts.perSecond ?? 50) * 60,
    maxKeys: 1,
  });
  const relayBytes = createRateLimiter({
    burst: opts.relayBurstBytes ?? 256 * 1024,
    perMinute: (opts.relayBytesPerSecond ?? 64 * 1024) * 60,
    maxKeys: 1,
  });
  let member: Member | null = null;
  let helloSeen = false;
  let closed = false;
  /** Relays were dropped since the last one that went through (the sender was told once). */
  let relayLimited = false;
  let relaysDropped = 0;

  const conn: Connection = {
    id: ++nextId,
    send(message: ServerMessage) {
      if (closed) return;
      if (socket.bufferedAmount > maxBuffered) {
        logger.warn({ conn: conn.id }, 'client is not reading; terminated');
        closed = true;
        socket.terminate();
        return;
      }
      socket.send(JSON.stringify(message));
    },
    relay(message: ServerMessage) {
      if (closed) return false;
      if (socket.bufferedAmount > relayHighWater) {
        if (relaysDropped++ === 0) {
          logger.warn({ conn: conn.id }, 'client reads slowly; relayed signals dropped');
        }
        return false;
      }
      relaysDropped = 0;
      socket.send(JSON.stringify(message));
      return true;
    },
    refuse(code: ErrorCode) {
      conn.send({ type: 'error', code, message: errors[code].message });
      if (errors[code].fatal || !member) close(errors[code].close, code);
    },
    end(reason = 'session ended') {
      close(1000, reason);
    },
  };

  function close(code: number, reason: string) {
    if (closed) return;
    closed = true;
    socket.close(code, reason);
  }

  const helloTimer = setTimeout(() => {
    if (!helloSeen) conn.refuse('ERR_HELLO_TIMEOUT');
  }, opts.helloTimeoutMs ?? 10_000);
  // A token that cannot be valid is refused at once: there is nothing to wait for hello for.
  void token.then((verified) => {
    if (!verified.ok && !closed) {
      clearTimeout(helloTimer);
      conn.refuse(verified.code);
    }
  });

  function notJoined(): void {
    conn.send({ type: 'error', code: 'ERR_MESSAGE_INVALID', message: 'not joined yet' });
  }

  return {
    onBinary() {
      conn.send({
        type: 'error',
        code: 'ERR_MESSAGE_INVALID',
        message: 'Binary frames are not used.',
      });
    },

    onText(raw) {
      if (closed) return;
      if (limiter.take('frames') > 0) {
        logger.warn({ conn: conn.id }, 'rate limited');
        return conn.refuse('ERR_RATE_LIMITED');
      }
      const parsed = parseClientMessage(raw);
      if (!parsed.ok) {
        logger.debug({ conn: conn.id, code: parsed.code, reason: parsed.reason }, 'frame refused');
        return conn.send({ type: 'error', code: parsed.code, message: parsed.reason });
      }
      const msg = parsed.value;
      switch (msg.type) {
        case 'hello':
          if (helloSeen) {
            return conn.send({
              type: 'error',
              code: 'ERR_MESSAGE_INVALID',
              message: 'hello was already sent',
            });
          }
          helloSeen = true;
          clearTimeout(helloTimer);
          if (msg.protocol !== PROTOCOL_VERSION) return conn.refuse('ERR_PROTOCOL_VERSION');
          void token
            .then((verified) => (closed ? null : rooms.admit(conn, verified, msg)))
            .then((admitted) => {
              member = admitted;
              // The socket closed while the admission was running: give the slot back.
              if (admitted && closed) void rooms.disconnected(admitted);
            })
            .catch((err: unknown) => {
              logger.error({ err, conn: conn.id }, 'admission failed');
              conn.refuse('ERR_INTERNAL');
            });
          return;
        case 'ping':
          return conn.send({ type: 'pong', t: msg.t });
        case 'signal':
          if (!member) return notJoined();
          // Counted in the bytes that arrived: what the receiver would be sent.
          if (relayBytes.take('bytes', raw.length) > 0) {
            if (relayLimited) return;
            relayLimited = true;
            logger.warn({ conn: conn.id }, 'relay limited: too many signal bytes');
            return conn.refuse('ERR_RELAY_LIMITED');
          }
          relayLimited = false;
          return rooms.relay(member, msg.pairing, msg.data);
        case 'call-connected':
          if (!member) return notJoined();
          void rooms.callConnected(member, msg.pairing);
          return;
        case 'hang-up':
          if (!member) return notJoined();
          void rooms.hangUp(member, msg.error);
          return;
        case 'repair':
          if (!member) return notJoined();
          void rooms.repair(member, msg.pairing);
          return;
        default:
          assertNever(msg);
      }
    },

    onClose() {
      closed = true;
      clearTimeout(helloTimer);
      if (member) void rooms.disconnected(member);
    },
  };
}
