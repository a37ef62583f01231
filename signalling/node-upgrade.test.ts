/**
 * What an upgrade to `/v1/signal` costs someone without a valid join token, and how many sockets
 * one address (and the whole process) may hold: real sockets against a real service on port 0.
 */
import { connect as netConnect } from 'node:net';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SUBPROTOCOL, TOKEN_PROTOCOL_PREFIX } from '../src/protocol.js';
import { connect, refusal } from './testing/client.js';
import { startTestService, type TestService } from './testing/service.js';

/** How an upgrade ended: refused with an HTTP status (and problem body), or a socket opened. */
function upgrade(
  url: string,
  protocols: string[],
): Promise<{ status: number; code?: string; ws?: WebSocket }> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, protocols);
    ws.on('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, code: (JSON.parse(body) as { code: string }).code }),
      );
    });
    ws.on('open', () => resolve({ status: 101, ws }));
    ws.on('error', () => undefined);
  });
}

const closed = (ws: WebSocket) =>
  new Promise<void>((resolve) => {
    if (ws.readyState === WebSocket.CLOSED) resolve();
    else ws.once('close', () => resolve());
  });

describe('upgrades without a valid token', () => {
  let svc: TestService;
  beforeAll(async () => {
    svc = await startTestService();
  });
  afterAll(() => svc.stop());

  it('answers 100 upgrades without a token with 401 ERR_TOKEN_MISSING, before switching protocols', async () => {
    const outcomes = await Promise.all(
      Array.from({ length: 100 }, () => upgrade(svc.signallingUrl, [SUBPROTOCOL])),
    );
    for (const o of outcomes) o.ws?.terminate();
    expect(outcomes.filter((o) => o.status === 101)).toHaveLength(0);
    expect(new Set(outcomes.map((o) => `${o.status} ${o.code}`))).toEqual(
      new Set(['401 ERR_TOKEN_MISSING']),
    );
    // The service still takes a real participant.
    const s = await svc.createSession();
    const agent = connect(svc.signallingUrl, s.agentToken);
    agent.send({ type: 'hello', protocol: 1 });
    await agent.next('welcome');
    agent.close();
  });

  it('refuses a token that cannot be valid at once, without waiting for hello', async () => {
    // The socket opens so a browser can read why (a refused upgrade tells a page nothing), and is
    // closed straight away: nobody holds it by staying silent.
    const client = connect(svc.signallingUrl, 'not.a.jwt');
    const started = Date.now();
    expect(await refusal(client)).toEqual({ code: 'ERR_TOKEN_INVALID', close: 4402 });
    expect(Date.now() - started).toBeLessThan(2000);
  });
});

describe('sockets per address and per process', () => {
  it('refuses the upgrade past VS_MAX_SOCKETS_PER_ADDRESS with 429 ERR_TOO_MANY_CONNECTIONS, and takes one again once a socket closes', async () => {
    const svc = await startTestService({ maxSocketsPerAddress: 3 });
    try {
      const s = await svc.createSession();
      const protocols = [SUBPROTOCOL, TOKEN_PROTOCOL_PREFIX + s.customerToken];
      const held = await Promise.all([1, 2, 3].map(() => upgrade(svc.signallingUrl, protocols)));
      expect(held.map((o) => o.status)).toEqual([101, 101, 101]);
      expect(await upgrade(svc.signallingUrl, protocols)).toEqual({
        status: 429,
        code: 'ERR_TOO_MANY_CONNECTIONS',
      });
      held[0]!.ws!.close();
      await closed(held[0]!.ws!);
      const again = await upgrade(svc.signallingUrl, protocols);
      expect(again.status).toBe(101);
      for (const o of [...held, again]) o.ws!.terminate();
    } finally {
      await svc.stop();
    }
  });

  it('gives the place back when a refused client never answers the close', async () => {
    const svc = await startTestService({ maxSocketsPerAddress: 1 });
    try {
      const protocols = [SUBPROTOCOL, `${TOKEN_PROTOCOL_PREFIX}not.a.jwt`];
      // A client that completes the handshake, then reads nothing and answers nothing.
      const { port } = new URL(svc.url);
      const silent = netConnect(Number(port), '127.0.0.1');
      silent.write(
        'GET /v1/signal HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n' +
          'Connection: Upgrade\r\nSec-WebSocket-Version: 13\r\n' +
          `Sec-WebSocket-Key: ${Buffer.alloc(16, 1).toString('base64')}\r\n` +
          `Sec-WebSocket-Protocol: ${protocols.join(', ')}\r\n\r\n`,
      );
      const ended = new Promise<number>((resolve) => silent.on('close', () => resolve(Date.now())));
      silent.on('error', () => undefined);
      const switched = Date.now();
      await new Promise((resolve) => silent.once('data', resolve));
      expect((await upgrade(svc.signallingUrl, protocols)).status).toBe(429);
      // The service cuts it off after its close grace (2 s): then the address has its place again.
      expect((await ended) - switched).toBeGreaterThan(1500);
      const next = await upgrade(svc.signallingUrl, protocols);
      expect(next.status).toBe(101);
      next.ws!.terminate();
    } finally {
      await svc.stop();
    }
  });

  it('refuses the upgrade past VS_MAX_SOCKETS with 503 ERR_SERVICE_BUSY', async () => {
    const svc = await startTestService({ maxSockets: 2, maxSocketsPerAddress: 2 });
    try {
      const s = await svc.createSession();
      const protocols = [SUBPROTOCOL, TOKEN_PROTOCOL_PREFIX + s.agentToken];
      const held = await Promise.all([1, 2].map(() => upgrade(svc.signallingUrl, protocols)));
      expect(held.map((o) => o.status)).toEqual([101, 101]);
      // Refused before its token is even looked at.
      expect(await upgrade(svc.signallingUrl, [SUBPROTOCOL])).toEqual({
        status: 503,
        code: 'ERR_SERVICE_BUSY',
      });
      for (const o of held) o.ws!.terminate();
    } finally {
      await svc.stop();
    }
  });
});
