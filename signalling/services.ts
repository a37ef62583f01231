/**
 * The service's one wiring: the store, the token service, the session lifecycle, files, the
 * webhook outbox and the rooms, built from one resolved configuration. `startServer` (`node.ts`)
 * serves them over HTTP and WebSocket; the test helpers build the same services and call the app
 * with `app.request()`. Knows nothing of `node:http`, `ws` or ports.
 */
import { pino, type Logger } from 'pino';
import type { ServerConfig } from './config.js';
import { FileDisk } from './files/file-disk.js';
import { createFileLinks, type FileLinks } from './files/file-links.js';
import { Files } from './files/files.js';
import { Rooms } from './relay/rooms.js';
import { iceServersFor } from './relay/turn.js';
import { createInvites, type Invites } from './sessions/invites.js';
import { Sessions } from './sessions/sessions.js';
import { createTokenService, type TokenService } from './sessions/tokens.js';
import { openSqliteStore } from './store/sqlite/sqlite-store.js';
import type { SessionStore } from './store/store.js';
import { Outbox } from './webhooks/outbox.js';
import { createWebhookSender } from './webhooks/webhook.js';

/** How often overdue requests and sessions are expired. */
const EXPIRY_SWEEP_MS = 5_000;
/** Delivered events are kept this long (for `GET /v1/webhook/events` and replays), then pruned. */
const DELIVERED_RETENTION_MS = 7 * 24 * 3600_000;
/** How often delivered events past their retention are pruned. */
const PRUNE_EVERY_MS = 3600_000;
/** Short invite links are kept this long after they expired (to answer "expired"), then pruned. */
const INVITE_RETENTION_MS = 30 * 24 * 3600_000;
/** How often files past their retention time (and abandoned uploads) are deleted. */
const RETENTION_SWEEP_MS = 3600_000;

export interface ServicesOptions {
  /** Default: pino on stdout at `config.logLevel`. */
  logger?: Logger;
  /**
   * The clock of the lifecycle, the tokens, the rooms and file retention (tests move it); default
   * `Date.now`. Webhook deliveries keep the real clock (receivers check their timestamps).
   */
  now?: () => number;
  /**
   * The store to use instead of the SQLite file in `config.dataDir` (the REST tests pass an
   * in-memory one). The services close it.
   */
  store?: SessionStore;
  /**
   * Whether webhook events are written. Default: when a webhook URL is configured. The REST tests
   * record them without one, and read them from the store.
   */
  recordEvents?: boolean;
}

/** The parts of a service, and what a running one adds to them. */
export interface Services {
  config: ServerConfig;
  logger: Logger;
  now: () => number;
  store: SessionStore;
  tokens: TokenService;
  sessions: Sessions;
  invites: Invites;
  links: FileLinks;
  disk: FileDisk;
  files: Files;
  /** The webhook dispatcher; null when no webhook URL is configured. */
  outbox: Outbox | null;
  rooms: Rooms;
  /**
   * Starts what a running service does on its own: removes file bytes a crash left without a
   * record, picks up undelivered webhook events, then sweeps (overdue sessions every 5 s,
   * delivered events older than 7 days and invites expired 30 days ago every hour, files past
   * their retention every hour, the first sweeps at once). The REST tests do not start their services: their clock moves only
   * when the test moves it, and nothing happens behind their back.
   */
  start(): Promise<void>;
  /** Stops the sweeps and the dispatcher, and closes the store. */
  close(): Promise<void>;
}

/** Builds the services for `config` (see `Services`); nothing runs until `start()`. */
export function createServices(config: ServerConfig, options: ServicesOptions = {}): Services {
  const now = options.now ?? Date.now;
  const logger = options.logger ?? pino({ level: config.logLevel, base: { svc: 'video-session' } });
  const store = options.store ?? openSqliteStore(config.dataDir);
  const tokens = createTokenService(config.tokenSecret, now);
  const sessions = new Sessions({
    store,
    logger,
    inviteTtl: config.inviteTtl,
    requestTtl: config.requestTtl,
    recordEvents: options.recordEvents ?? config.webhook !== null,
    now,
  });
  const invites = createInvites({ config, store, tokens, now });
  const links = createFileLinks(config.tokenSecret, () => config.publicUrl);
  const disk = new FileDisk(config.dataDir);
  const files = new Files({ store, sessions, disk, links, config: config.files, logger, now });
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
  if (outbox) sessions.subscribe(({ events }) => outbox.enqueue(events));
  const rooms = new Rooms({
    store,
    sessions,
    logger,
    heartbeatMs: config.heartbeatMs,
    iceServers: (sessionId, role, expiresAt) =>
      iceServersFor(config.stunUrls, config.turn, `${sessionId}:${role}`, { until: expiresAt }),
    iceTransportPolicy: config.iceTransportPolicy,
    now,
  });

  const timers: Array<ReturnType<typeof setInterval>> = [];
  const sweepFiles = () =>
    void files.cleanup
      .sweep()
      .then((swept) => {
        if (swept.files + swept.uploads > 0) logger.info(swept, 'retention sweep');
      })
      .catch((err: unknown) => logger.error({ err }, 'retention sweep failed'));

  return {
    config,
    logger,
    now,
    store,
    tokens,
    sessions,
    invites,
    links,
    disk,
    files,
    outbox,
    rooms,
    async start() {
      await files.cleanup.reconcile();
      await outbox?.start();
      let lastPrune = 0;
      timers.push(
        setInterval(() => {
          void sessions
            .expireDue()
            .catch((err: unknown) => logger.error({ err }, 'expiry sweep failed'));
          // Delivery times are real time (see `now`), and so is their retention.
          if (Date.now() - lastPrune > PRUNE_EVERY_MS) {
            lastPrune = Date.now();
            void store.outbox
              .pruneDelivered(Date.now() - DELIVERED_RETENTION_MS)
              .catch((err: unknown) => logger.error({ err }, 'pruning delivered events failed'));
            void store.invites
              .prune(now() - INVITE_RETENTION_MS)
              .catch((err: unknown) => logger.error({ err }, 'pruning invites failed'));
          }
        }, EXPIRY_SWEEP_MS),
      );
      void sessions.expireDue();
      timers.push(setInterval(sweepFiles, RETENTION_SWEEP_MS));
      sweepFiles();
    },
    async close() {
      for (const timer of timers.splice(0)) clearInterval(timer);
      await outbox?.close();
      await store.close();
    },
  };
}
