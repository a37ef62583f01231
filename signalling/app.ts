/**
 * The HTTP side of the service as a Hono app built from injected parts: the REST API for the host
 * backend (and the widgets' few calls with their tokens), the customer join page, and the widget
 * script. `node.ts` serves it and adds the WebSocket; tests call `app.request()` without a port.
 */
import { Hono } from 'hono';
import { cors } from 'hono/cors';
import type { Logger } from 'pino';
import { filesApi } from './api/files-api.js';
import { problemResponse, type Env } from './api/http.js';
import { inviteLinks } from './api/invite-links.js';
import { joinPage, JOIN_SCRIPT, JOIN_STYLES, pageHeaders } from './api/join-page.js';
import { pageLanguage } from './api/page-language.js';
import { requestsApi } from './api/requests-api.js';
import { sessionsApi } from './api/sessions-api.js';
import { webhooksApi } from './api/webhooks-api.js';
import type { ServerConfig } from './config.js';
import type { FileLinks } from './files/file-links.js';
import type { Files } from './files/files.js';
import type { Rooms } from './relay/rooms.js';
import type { Invites } from './sessions/invites.js';
import type { Sessions } from './sessions/sessions.js';
import type { TokenService } from './sessions/tokens.js';
import type { SessionStore } from './store/store.js';
import type { Outbox } from './webhooks/outbox.js';

export interface AppDeps {
  config: ServerConfig;
  store: SessionStore;
  sessions: Sessions;
  tokens: TokenService;
  /** Customer tokens with their invite links, short and long. */
  invites: Invites;
  rooms: Rooms;
  files: Files;
  links: FileLinks;
  /** The webhook dispatcher; null when no webhook URL is configured. */
  outbox: Outbox | null;
  logger: Logger;
  /**
   * Reads a built widget file by name (`video-session.js`, the script pages load, or one of the
   * `video-session-*.js` chunks and the worker it loads later); null when it does not exist.
   */
  sdkScript(name: string): Promise<string | null>;
  now?: () => number;
}

export function createApp(deps: AppDeps): Hono<Env> {
  const { config, store, sessions, tokens, rooms, logger } = deps;
  const now = deps.now ?? Date.now;
  const app = new Hono<Env>();

  app.onError((err, c) => {
    logger.error({ err, path: c.req.path }, 'request failed');
    return problemResponse(c, 'ERR_INTERNAL');
  });
  app.notFound((c) => problemResponse(c, 'ERR_NOT_FOUND'));

  // Widgets on the host's pages call a few routes with their tokens (request, read, cancel,
  // rate, report, upload): the pages' origins are the ones allowed to open the WebSocket.
  app.use(
    '/v1/*',
    cors({
      origin: (origin) => (config.allowedOrigins.has(origin) ? origin : null),
      allowMethods: ['GET', 'HEAD', 'POST', 'PATCH'],
      allowHeaders: ['authorization', 'content-type', 'upload-offset'],
      exposeHeaders: ['upload-offset', 'upload-length'],
      maxAge: 600,
    }),
  );

  // Not ok (503) while the store's disk takes no writes: a full disk needs somebody.
  app.get('/healthz', async (c) => {
    const storage = await deps.files.health();
    return c.json(
      { ok: storage.writable, connections: rooms.size, storage },
      storage.writable ? 200 : 503,
    );
  });
  app.route(
    '/v1/sessions',
    sessionsApi({
      config,
      sessions,
      tokens,
      invites: deps.invites,
      presence: (id) => rooms.presence(id),
      now,
    }),
  );
  app.route('/v1', requestsApi({ config, sessions, tokens, now }));
  app.route(
    '/v1',
    filesApi({ config, sessions, tokens, files: deps.files, links: deps.links, now }),
  );
  app.route(
    '/v1/webhook',
    webhooksApi({ config, tokens, store: store.outbox, outbox: deps.outbox }),
  );

  // A browser that fetches the signalling endpoint without upgrading gets a clear answer.
  app.get('/v1/signal', (c) => problemResponse(c, 'ERR_UPGRADE_REQUIRED'));

  app.get('/join/:id', (c) => {
    const signallingUrl = new URL('/v1/signal', config.publicUrl);
    signallingUrl.protocol = config.publicUrl.protocol === 'https:' ? 'wss:' : 'ws:';
    const lang = pageLanguage(c.req.header('accept-language'));
    return c.html(joinPage(signallingUrl.href, lang), 200, pageHeaders(signallingUrl.origin));
  });
  app.route('/j', inviteLinks({ config, invites: deps.invites, now }));

  // Module scripts are fetched in CORS mode: host pages on other origins need the header.
  const sdkHeaders = {
    'access-control-allow-origin': '*',
    'cross-origin-resource-policy': 'cross-origin',
    'cache-control': 'public, max-age=300',
  };
  // The widget script and the files it loads later (lazy chunks, the tracking worker), by a
  // name pattern that admits no path.
  app.get('/sdk/:file{video-session(?:-[A-Za-z0-9_-]+)?\\.js}', async (c) => {
    const script = await deps.sdkScript(c.req.param('file'));
    if (script === null) return problemResponse(c, 'ERR_NOT_FOUND', 'run `npm run build` first');
    return c.body(script, 200, { ...sdkHeaders, 'content-type': 'text/javascript; charset=utf-8' });
  });
  app.get('/sdk/join.js', (c) =>
    c.body(JOIN_SCRIPT, 200, { ...sdkHeaders, 'content-type': 'text/javascript; charset=utf-8' }),
  );
  app.get('/sdk/join.css', (c) =>
    c.body(JOIN_STYLES, 200, { ...sdkHeaders, 'content-type': 'text/css; charset=utf-8' }),
  );

  return app;
}
