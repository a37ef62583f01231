/**
 * Owns the WebSocket to the signalling service: opens it with the join token in the subprotocol
 * list, says hello (with the resume key when it has one), parses every frame, keeps a heartbeat,
 * and reconnects with jittered backoff when the socket drops, resuming the same slot.
 */
import { backoffDelay } from '../../../src/backoff.js';
import { errors, isErrorCode, type ErrorCode } from '../../../src/errors.js';
import { parseServerMessage } from '../../../src/parse.js';
import { readJoinToken } from './join-token.js';
import {
  DEFAULT_HEARTBEAT_MS,
  PROTOCOL_VERSION,
  SUBPROTOCOL,
  TOKEN_PROTOCOL_PREFIX,
  type ClientMessage,
  type ServerMessage,
} from '../../../src/protocol.js';

/** The socket's life as the element needs to know it. */
export type SignallingStatus = 'connecting' | 'open' | 'reconnecting' | 'closed';

export interface SignallingOptions {
  /** Every parsed frame from the service except errors, which arrive through `onError`. */
  onMessage(message: Exclude<ServerMessage, { type: 'error' }>): void;
  onStatus(status: SignallingStatus): void;
  /** A failure the element should surface; fatal ones end the connection for good. */
  onError(code: ErrorCode, fatal: boolean): void;
  /** Whether the call itself is up, told to the service on a reconnect so it is not rebuilt. */
  isPeerConnected(): boolean;
}

const RECONNECT = { baseMs: 500, maxMs: 10_000, minMs: 250 };

/** The call controller owns it and closes it (`close`). */
export class SignallingController {
  private readonly options: SignallingOptions;
  private ws: WebSocket | null = null;
  private url = '';
  private token = '';
  private resumeKey: string | null = null;
  private attempt = 0;
  private heartbeatMs = DEFAULT_HEARTBEAT_MS;
  private lastHeard = 0;
  private heartbeat: ReturnType<typeof setInterval> | undefined;
  private retry: ReturnType<typeof setTimeout> | undefined;
  private stopped = true;
  private welcomed = false;
  private unreachableReported = false;
  /** A fatal refusal announced by an error frame; the close that follows makes it final. */
  private refusal: ErrorCode | null = null;

  constructor(options: SignallingOptions) {
    this.options = options;
  }

  /** True once the service has admitted this connection (and until it drops). */
  get joined(): boolean {
    return this.welcomed && this.ws?.readyState === WebSocket.OPEN;
  }

  /** Opens the connection for `token`; any earlier one is closed first. */
  connect(url: string, token: string): void {
    this.close();
    this.url = url;
    this.token = token;
    this.resumeKey = readResumeKey(token);
    this.stopped = false;
    this.attempt = 0;
    this.unreachableReported = false;
    this.options.onStatus('connecting');
    this.open();
  }

  /** Sends a frame; returns false when the socket is not open. */
  send(message: ClientMessage): boolean {
    if (this.ws?.readyState !== WebSocket.OPEN) return false;
    this.ws.send(JSON.stringify(message));
    return true;
  }

  /** Closes for good (hang-up, disconnect, a fatal refusal). The one place everything stops. */
  close(): void {
    this.stopped = true;
    clearTimeout(this.retry);
    this.detach();
  }

  private open(): void {
    let ws: WebSocket;
    try {
      ws = new WebSocket(this.url, [SUBPROTOCOL, TOKEN_PROTOCOL_PREFIX + this.token]);
    } catch {
      // A malformed URL is the integrator's mistake and will not fix itself.
      this.stopped = true;
      this.options.onError('ERR_SIGNALLING_UNREACHABLE', true);
      return;
    }
    this.ws = ws;
    this.welcomed = false;
    ws.onopen = () => {
      this.lastHeard = Date.now();
      this.send({
        type: 'hello',
        protocol: PROTOCOL_VERSION,
        ...(this.resumeKey
          ? { resumeKey: this.resumeKey, peerConnected: this.options.isPeerConnected() }
          : {}),
      });
    };
    ws.onmessage = (event) => this.handleFrame(event.data);
    ws.onclose = (event) => this.handleClose(event.reason);
  }

  private handleFrame(data: unknown): void {
    this.lastHeard = Date.now();
    const parsed = parseServerMessage(data);
    if (!parsed.ok) {
      console.warn(`[video-session] ${parsed.code}: ${parsed.reason}`);
      return;
    }
    const message = parsed.value;
    if (message.type === 'error') {
      if (errors[message.code].fatal) this.refusal = message.code;
      else this.options.onError(message.code, false);
      return;
    }
    if (message.type === 'welcome') {
      this.welcomed = true;
      this.attempt = 0;
      this.unreachableReported = false;
      this.resumeKey = message.resumeKey;
      writeResumeKey(this.token, message.resumeKey);
      this.startHeartbeat(message.heartbeatMs);
      this.options.onStatus('open');
    } else if (message.type === 'session-ended') {
      this.stopped = true;
      clearResumeKey(this.token);
    }
    this.options.onMessage(message);
  }

  private handleClose(reason: string): void {
    const wasWelcomed = this.welcomed;
    this.detach();
    if (this.stopped) {
      this.options.onStatus('closed');
      return;
    }
    // A refusal names its code in the close reason (and in the error frame before it): fatal
    // ones are final.
    const refusal = isErrorCode(reason) && errors[reason].fatal ? reason : this.refusal;
    this.refusal = null;
    if (refusal) {
      this.stopped = true;
      if (refusal === 'ERR_SESSION_ENDED') clearResumeKey(this.token);
      this.options.onError(refusal, true);
      this.options.onStatus('closed');
      return;
    }
    // An attempt that never got admitted: say so once, then keep retrying quietly.
    if (!wasWelcomed && !this.unreachableReported) {
      this.unreachableReported = true;
      this.options.onError('ERR_SIGNALLING_UNREACHABLE', false);
    }
    this.options.onStatus('reconnecting');
    const delay = backoffDelay(this.attempt++, RECONNECT);
    this.retry = setTimeout(() => {
      if (!this.stopped) this.open();
    }, delay);
  }

  private startHeartbeat(ms: number): void {
    clearInterval(this.heartbeat);
    this.heartbeatMs = ms;
    this.heartbeat = setInterval(() => {
      // Silence for two intervals means the path is dead even if the socket has not noticed.
      if (Date.now() - this.lastHeard > 2 * this.heartbeatMs) {
        this.handleClose('heartbeat');
        return;
      }
      this.send({ type: 'ping', t: Date.now() });
    }, ms);
  }

  /** Forgets the current socket without reacting to its close. */
  private detach(): void {
    clearInterval(this.heartbeat);
    this.heartbeat = undefined;
    const ws = this.ws;
    this.ws = null;
    this.welcomed = false;
    if (!ws) return;
    ws.onopen = ws.onmessage = ws.onclose = null;
    if (ws.readyState === WebSocket.OPEN || ws.readyState === WebSocket.CONNECTING) ws.close(1000);
  }
}

/**
 * The resume key lives in localStorage under the token's session and role, so a reload or a second
 * tab in the same browser is "the same person" and a forwarded link on another device is not.
 */
function storageKey(token: string): string | null {
  const claims = readJoinToken(token);
  return claims ? `video-session:resume:${claims.sessionId}:${claims.role}` : null;
}

function readResumeKey(token: string): string | null {
  const key = storageKey(token);
  try {
    return key ? localStorage.getItem(key) : null;
  } catch {
    return null; // storage blocked (privacy mode, sandboxed frame): no resume across reloads
  }
}

function writeResumeKey(token: string, value: string): void {
  const key = storageKey(token);
  try {
    if (key) localStorage.setItem(key, value);
  } catch {
    // see readResumeKey
  }
}

function clearResumeKey(token: string): void {
  const key = storageKey(token);
  try {
    if (key) localStorage.removeItem(key);
  } catch {
    // see readResumeKey
  }
}
