/**
 * Test support (used by tests only): a `ws` client that speaks the signalling protocol to a service
 * started by `service.ts`, and records every frame it receives.
 */
import WebSocket from 'ws';
import type { ErrorCode } from '../../src/errors.js';
import {
  PROTOCOL_VERSION,
  SUBPROTOCOL,
  TOKEN_PROTOCOL_PREFIX,
  type ClientMessage,
  type ServerMessage,
} from '../../src/protocol.js';

/** A protocol client over a real socket that keeps every frame it got. */
export interface TestClient {
  ws: WebSocket;
  received: ServerMessage[];
  /** Resolves with the first received frame (past or future) that matches. */
  next<T extends ServerMessage['type']>(type: T): Promise<Extract<ServerMessage, { type: T }>>;
  send(message: ClientMessage | string): void;
  closed: Promise<{ code: number; reason: string }>;
  close(): void;
}

export function connect(
  signallingUrl: string,
  token: string | null,
  opts: { origin?: string; protocols?: string[] } = {},
): TestClient {
  const protocols = opts.protocols ?? [
    SUBPROTOCOL,
    ...(token ? [TOKEN_PROTOCOL_PREFIX + token] : []),
  ];
  const ws = new WebSocket(signallingUrl, protocols, opts.origin ? { origin: opts.origin } : {});
  const received: ServerMessage[] = [];
  const waiters: Array<() => void> = [];
  ws.on('message', (data) => {
    received.push(JSON.parse(data.toString()) as ServerMessage);
    for (const w of waiters.splice(0)) w();
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) => {
    ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() }));
    ws.on('error', () => undefined);
  });
  const client: TestClient = {
    ws,
    received,
    next(type) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const hit = received.find((m) => m.type === type);
          if (hit) return resolve(hit as never);
          if (ws.readyState === WebSocket.CLOSED)
            return reject(new Error(`closed before ${type}: ${JSON.stringify(received)}`));
          waiters.push(check);
        };
        void closed.then(() => setTimeout(check, 0));
        check();
      });
    },
    send(message) {
      const text = typeof message === 'string' ? message : JSON.stringify(message);
      if (ws.readyState === WebSocket.OPEN) ws.send(text);
      else ws.once('open', () => ws.send(text));
    },
    closed,
    close: () => ws.close(),
  };
  return client;
}

/** Connects and says hello; resolves once welcomed. */
export async function join(
  signallingUrl: string,
  token: string,
  resumeKey?: string,
  peerConnected?: boolean,
): Promise<TestClient> {
  const client = connect(signallingUrl, token);
  client.send({
    type: 'hello',
    protocol: PROTOCOL_VERSION,
    ...(resumeKey ? { resumeKey } : {}),
    ...(peerConnected !== undefined ? { peerConnected } : {}),
  });
  await client.next('welcome');
  return client;
}

/** The error code a refused client received, and the close code that followed. */
export async function refusal(client: TestClient): Promise<{ code: ErrorCode; close: number }> {
  const error = await client.next('error');
  const { code } = await client.closed;
  return { code: error.code, close: code };
}
