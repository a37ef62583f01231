/**
 * The Node adapter: the only file that touches `node:http`, `ws`, ports and signals. It serves the
 * Hono app, upgrades `/v1/signal` to a WebSocket (Origin and token checked at the upgrade, frames
 * capped at 64 KiB), runs the ping/pong heartbeat, and closes everything in one place.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { Duplex } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { getRequestListener } from '@hono/node-server';
import { pino, type Logger } from 'pino';
import { WebSocketServer, type WebSocket } from 'ws';
import { problem, type ErrorCode } from '../src/errors.js';
import { MAX_FRAME_BYTES, SUBPROTOCOL, TOKEN_PROTOCOL_PREFIX } from '../src/protocol.js';
import { createApp } from './app.js';
import { createTokenService, type VerifiedToken } from './auth.js';
import { resolveConfig, type ServerConfig, type ServerOptions } from './config.js';
import { Outbox } from './outbox.js';
import { Rooms } from './rooms.js';
import { Sessions } from './sessions.js';
import { acceptSignalConnection } from './signal-connection.js';
import { openSqliteStore } from './sqlite-store.js';
import { iceServersFor } from './turn.js';
import { createWebhookSender } from './webhook.js';
import { FileDisk } from './file-disk.js';
import { createFileLinks } from './file-links.js';
import { Files } from './files.js';

/** How often overdue requests and sessions are expired. */
const EXPIRY_SWEEP_MS = 5_000;
/** Delivered events are kept this long (for `GET /v1/webhook/events` and replays), then pruned. */
const DELIVERED_RETENTION_MS = 7 * 24 * 3600_000;
/** How often files past their retention time (and abandoned uploads) are deleted. */
const RETENTION_SWEEP_MS = 3600_000;

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

export interface StartOptions extends ServerOptions {
  /** A logger to use instead of the default pino logger on stdout. */
  logger?: Logger;
  /**
   * The clock of the lifecycle and of file retention (tests move it); default `Date.now`. Webhook
   * deliveries keep the real clock (receivers check their timestamps).
   */
  now?: () => number;
}

/**
 * Starts the signalling service. Options not given fall back to their defaults (see
 * `ServerOptions`); the `video-session-signalling` binary fills them from the environment.
 * Throws `ConfigError` with a message naming the setting when the configuration is wrong.
 */
export async function startServer(options: StartOptions = {}): Promise<RunningServer> {
  const config = resolveConfig(options);
  const logger = options.logger ?? pino({ level: config.logLevel, base: { svc: 'video-session' } });
  const store = openSqliteStore(config.dataDir);
  const tokens = createTokenService(config.tokenSecret, options.now);
  const sessions = new Sessions({
    store,
    logger,
    inviteTtl: config.inviteTtl,
    requestTtl: config.requestTtl,
    recordEvents: config.webhook !== null,
    ...(options.now ? { now: options.now } : {}),
  });
  const links = createFileLinks(config.tokenSecret, () => config.publicUrl);
  const disk = new FileDisk(config.dataDir);
  const files = new Files({
    store,
    sessions,
    disk,
    links,
    config: config.files,
    logger,
    ...(options.now ? { now: options.now } : {}),
  });
  await files.cleanup.reconcile();
  const outbox = config.webhook
    ? new Outbox({
        store: store.outbox,
        logger,
        sender: createWebhookSender({
          url: config.webhook.url,
          secrets: config.webhook.secrets,
          timeoutMs: 10_000,
          maxSockets: 16,
        }),
        concurrency: 16,
        retry: { giveUpAfterMs: config.webhook.retryHours * 3600_000 },
      })
    : null;
  if (outbox) {
    sessions.subscribe(({ events }) => outbox.enqueue(events));
    await outbox.start();
  }
  const rooms = new Rooms({
    store,
    sessions,
    logger,
    heartbeatMs: config.heartbeatMs,
    iceServers: (sessionId, role) =>
      iceServersFor(config.stunUrls, config.turn, `${sessionId}:${role}`),
    iceTransportPolicy: config.iceTransportPolicy,
  });
  const assets = findAssetsDir();
  const app = createApp({
    config,
    store,
    sessions,
    tokens,
    rooms,
    outbox,
    files,
    links,
    logger,
    ...(options.now ? { now: options.now } : {}),
    sdkScript: (name) =>
      assets ? readFile(new URL(name, assets), 'utf8').catch(() => null) : Promise.resolve(null),
  });

  const server = createServer(getRequestListener(app.fetch));
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: MAX_FRAME_BYTES,
    handleProtocols: (protocols) => (protocols.has(SUBPROTOCOL) ? SUBPROTOCOL : false),
  });
  const alive = new WeakMap<WebSocket, boolean>();

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
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
    const raw = offered.find((p) => p.startsWith(TOKEN_PROTOCOL_PREFIX));
    // The token is checked now, while the handshake completes; the verdict (with a close code the
    // browser can read) is delivered as soon as the client says hello.
    const token: Promise<VerifiedToken> = raw
      ? tokens.verify(raw.slice(TOKEN_PROTOCOL_PREFIX.length))
      : Promise.resolve({ ok: false, code: 'ERR_TOKEN_MISSING' });

    wss.handleUpgrade(req, socket, head, (ws) => {
      alive.set(ws, true);
      ws.on('pong', () => alive.set(ws, true));
      const handlers = acceptSignalConnection(
        {
          send: (text) => ws.send(text),
          close: (code, reason) => ws.close(code, reason),
          terminate: () => ws.terminate(),
          get bufferedAmount() {
            return ws.bufferedAmount;
          },
        },
        token,
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
  });

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

  let lastPrune = 0;
  const housekeeping = setInterval(() => {
    void sessions.expireDue().catch((err: unknown) => logger.error({ err }, 'expiry sweep failed'));
    if (Date.now() - lastPrune > 3600_000) {
      lastPrune = Date.now();
      void store.outbox
        .pruneDelivered(Date.now() - DELIVERED_RETENTION_MS)
        .catch((err: unknown) => logger.error({ err }, 'pruning delivered events failed'));
    }
  }, EXPIRY_SWEEP_MS);
  void sessions.expireDue();
  const sweepFiles = () =>
    void files.cleanup
      .sweep()
      .then((swept) => {
        if (swept.files + swept.uploads > 0) logger.info(swept, 'retention sweep');
      })
      .catch((err: unknown) => logger.error({ err }, 'retention sweep failed'));
  const retention = setInterval(sweepFiles, RETENTION_SWEEP_MS);
  sweepFiles();

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
        clearInterval(housekeeping);
        clearInterval(retention);
        for (const ws of wss.clients) ws.close(1001, 'service stopping');
        wss.close();
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
        await outbox?.close();
        await store.close();
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
