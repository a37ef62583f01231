/**
 * The Node adapter: the only file that touches `node:http`, `ws`, ports and signals. It serves the
 * Hono app, upgrades `/v1/signal` to a WebSocket (Origin, the socket caps and the token checked at
 * the upgrade, frames capped at 64 KiB), runs the ping/pong heartbeat, and closes everything in
 * one place.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { Duplex } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { getRequestListener } from '@hono/node-server';
import { WebSocketServer, type WebSocket } from 'ws';
import { problem, type ErrorCode } from '../src/errors.js';
import { MAX_FRAME_BYTES, SUBPROTOCOL, TOKEN_PROTOCOL_PREFIX } from '../src/protocol.js';
import { createApp } from './app.js';
import { resolveConfig, type ServerConfig, type ServerOptions } from './config.js';
import { acceptSignalConnection } from './relay/signal-connection.js';
import { createSocketCaps } from './relay/socket-caps.js';
import { createServices, type ServicesOptions } from './services.js';

/** A socket we closed is cut off if its client has not answered the close within this long. */
const CLOSE_GRACE_MS = 2000;

/** A running service. */
export interface RunningServer {
  /** The HTTP base URL it listens on, e.g. `http://127.0.0.1:8080`. */
  readonly url: string;
  /** The WebSocket endpoint, e.g. `ws://127.0.0.1:8080/v1/signal`. */
  readonly signallingUrl: string;
  readonly port: number;
  readonly config: ServerConfig;
  /** Stops accepting, closes every socket and the store. */
  close(): Promise<void>;
}

/** The configuration, and a logger and a clock of your own if you like (see `ServicesOptions`). */
export interface StartOptions extends ServerOptions, Pick<ServicesOptions, 'logger' | 'now'> {}

/**
 * Starts the signalling service. Options not given fall back to their defaults (see
 * `ServerOptions`); the `video-session-signalling` binary fills them from the environment.
 * Throws `ConfigError` with a message naming the setting when the configuration is wrong.
 */
export async function startServer(options: StartOptions = {}): Promise<RunningServer> {
  const config = resolveConfig(options);
  const services = createServices(config, { logger: options.logger, now: options.now });
  const { logger, tokens, rooms } = services;
  await services.start();
  const assets = findAssetsDir();
  const app = createApp({
    ...services,
    sdkScript: (name) =>
      assets ? readFile(new URL(name, assets), 'utf8').catch(() => null) : Promise.resolve(null),
  });

  // The listener answers every request itself (errors become 500s inside it): nothing to await.
  const listener = getRequestListener(app.fetch);
  const server = createServer((req, res) => void listener(req, res));
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: MAX_FRAME_BYTES,
    handleProtocols: (protocols) => (protocols.has(SUBPROTOCOL) ? SUBPROTOCOL : false),
  });
  const alive = new WeakMap<WebSocket, boolean>();

  const caps = createSocketCaps({
    total: config.maxSockets,
    perAddress: config.maxSocketsPerAddress,
  });

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    void upgrade(req, socket, head).catch((err: unknown) => {
      logger.error({ err }, 'upgrade failed');
      refuseUpgrade(socket, 'ERR_INTERNAL');
    });
  });

  async function upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (path !== '/v1/signal') return refuseUpgrade(socket, 'ERR_NOT_FOUND');
    const origin = req.headers.origin;
    // Browsers always send Origin; a page on an origin not in VS_ALLOWED_ORIGINS gets no socket.
    if (origin !== undefined && !config.allowedOrigins.has(origin)) {
      logger.warn({ origin }, 'upgrade refused: origin not allowed');
      return refuseUpgrade(socket, 'ERR_ORIGIN_NOT_ALLOWED', `origin ${origin}`);
    }
    const offered = (req.headers['sec-websocket-protocol'] ?? '').split(',').map((p) => p.trim());
    if (!offered.includes(SUBPROTOCOL)) {
      return refuseUpgrade(socket, 'ERR_PROTOCOL_VERSION', `offer the ${SUBPROTOCOL} subprotocol`);
    }
    // A place among the sockets is taken before any work is done for the upgrade, and given back
    // when the TCP socket closes, however that happens.
    const place = caps.acquire(req.socket.remoteAddress ?? 'unknown');
    if ('refused' in place) {
      logger.warn({ code: place.refused, sockets: caps.size }, 'upgrade refused: too many sockets');
      return refuseUpgrade(socket, place.refused);
    }
    socket.once('close', place.release);
    const raw = offered.find((p) => p.startsWith(TOKEN_PROTOCOL_PREFIX));
    // No token: nothing to switch protocols for.
    if (!raw) return refuseUpgrade(socket, 'ERR_TOKEN_MISSING', 'send the join token');
    // The token is verified before switching protocols. One that is not valid still gets its
    // socket, only to be refused on it at once: a page cannot read why an upgrade failed, and the
    // widget tells the person their link is not valid. An expired one may still resume its slot
    // (the resume key comes with hello).
    const token = await tokens.verify(raw.slice(TOKEN_PROTOCOL_PREFIX.length));
    if (socket.destroyed) return;

    wss.handleUpgrade(req, socket, head, (ws) => {
      alive.set(ws, true);
      ws.on('pong', () => alive.set(ws, true));
      const handlers = acceptSignalConnection(
        {
          send: (text) => ws.send(text),
          close: (code, reason) => {
            ws.close(code, reason);
            const cut = setTimeout(() => ws.terminate(), CLOSE_GRACE_MS);
            ws.once('close', () => clearTimeout(cut));
          },
          terminate: () => ws.terminate(),
          get bufferedAmount() {
            return ws.bufferedAmount;
          },
        },
        Promise.resolve(token),
        { rooms, logger },
      );
      ws.on('message', (data, isBinary) => {
        if (isBinary) handlers.onBinary();
        else handlers.onText(data.toString());
      });
      // Oversized frames: ws closes with 1009 by itself and reports the error here.
      ws.on('error', (err) => logger.info({ err: err.message }, 'socket error'));
      ws.on('close', () => handlers.onClose());
    });
  }

  const heartbeat = setInterval(() => {
    for (const ws of wss.clients) {
      if (!alive.get(ws)) {
        logger.info('heartbeat missed; socket terminated');
        ws.terminate();
        continue;
      }
      alive.set(ws, false);
      ws.ping();
    }
  }, config.heartbeatMs);

  await listen(server, config.port, config.host);
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  if (config.publicUrlFromPort && port !== config.port) {
    // Port 0: the default public URL (and its always-allowed origin) follow the port we got.
    config.allowedOrigins.delete(config.publicUrl.origin);
    config.publicUrl = new URL(`http://localhost:${port}`);
    config.allowedOrigins.add(config.publicUrl.origin);
  }
  const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  logger.info({ url, publicUrl: config.publicUrl.href, dataDir: config.dataDir }, 'listening');

  let closing: Promise<void> | null = null;
  return {
    url,
    signallingUrl: `${url.replace(/^http/, 'ws')}/v1/signal`,
    port,
    config,
    close() {
      closing ??= (async () => {
        clearInterval(heartbeat);
        for (const ws of wss.clients) ws.close(1001, 'service stopping');
        wss.close();
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
        await services.close();
      })();
      return closing;
    },
  };
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

/** Answers a refused upgrade with a problem body and closes the TCP socket. */
function refuseUpgrade(socket: Duplex, code: ErrorCode, detail?: string): void {
  const body = JSON.stringify(problem(code, detail));
  const { status } = problem(code);
  socket.end(
    `HTTP/1.1 ${status} ${code}\r\nContent-Type: application/problem+json\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

/** Where the built widget lives, from source (`signalling/`) or from the build (`dist/`). */
function findAssetsDir(): URL | null {
  for (const rel of ['./', '../', '../dist/']) {
    const dir = new URL(rel, import.meta.url);
    if (existsSync(fileURLToPath(new URL('video-session.js', dir)))) return dir;
  }
  return null;
}
