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
  /** A sender that has this many bytes queued is not reading: it is cut off. */
  maxBufferedBytes?: number;
  /** Token bucket: burst size and refill per second (ICE trickle comes in bursts). */
  burst?: number;
  perSecond?: number;
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
  const limiter = createRateLimiter({
    burst: opts.burst ?? 200,
    perMinute: (opts.perSecond ?? 50) * 60,
    maxKeys: 1,
  });
  let member: Member | null = null;
  let helloSeen = false;
  let closed = false;

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
