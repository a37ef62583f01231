/**
 * The HTTP side of the service as a Hono app built from injected parts: the REST API for the host
 * backend, the customer join page, and the widget script. `node.ts` serves it and adds the
 * WebSocket; tests call `app.request()` without a port.
 */
import { randomBytes } from 'node:crypto';
import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { Logger } from 'pino';
import { problem, type ErrorCode } from '../src/errors.js';
import { parseWith } from '../src/parse.js';
import {
  CreateSessionSchema,
  MintTokenSchema,
  type CreatedSession,
  type Role,
  type SessionView,
} from '../src/protocol.js';
import { safeEqual, type TokenService } from './auth.js';
import type { ServerConfig } from './config.js';
import { joinPage, JOIN_SCRIPT, JOIN_STYLES } from './join-page.js';
import type { Rooms } from './rooms.js';
import type { SessionRecord, SessionStore } from './store.js';

export interface AppDeps {
  config: ServerConfig;
  store: SessionStore;
  tokens: TokenService;
  rooms: Rooms;
  logger: Logger;
  /**
   * Reads a built widget file by name (`video-session.js`, the script pages load, or one of the
   * `video-session-*.js` chunks and the worker it loads later); null when it does not exist.
   */
  sdkScript(name: string): Promise<string | null>;
  now?: () => number;
}

/** Who is calling a REST route. */
type Caller = { kind: 'host' } | { kind: 'participant'; role: Role; sessionId: string };

type Env = { Variables: { caller: Caller } };

const JSON_BODY_LIMIT = 16 * 1024;

/** A refusal with a code from the error table, as an RFC 9457 problem response. */
export function problemResponse(c: Context, code: ErrorCode, detail?: string): Response {
  const body = problem(code, detail);
  return c.body(JSON.stringify(body), body.status as ContentfulStatusCode, {
    'content-type': 'application/problem+json',
  });
}

export function createApp(deps: AppDeps): Hono<Env> {
  const { config, store, tokens, rooms, logger } = deps;
  const now = deps.now ?? Date.now;
  const app = new Hono<Env>();

  app.onError((err, c) => {
    logger.error({ err, path: c.req.path }, 'request failed');
    return problemResponse(c, 'ERR_INTERNAL');
  });
  app.notFound((c) => problemResponse(c, 'ERR_NOT_FOUND'));

  const limit = bodyLimit({
    maxSize: JSON_BODY_LIMIT,
    onError: (c) => problemResponse(c, 'ERR_BODY_TOO_LARGE', `at most ${JSON_BODY_LIMIT} bytes`),
  });

  /** The host backend, by its API key. */
  const hostOnly = async (c: Context<Env>, next: () => Promise<void>) => {
    const key = bearer(c);
    if (!key) return problemResponse(c, 'ERR_API_KEY_MISSING');
    if (!safeEqual(key, config.apiKey)) return problemResponse(c, 'ERR_API_KEY_INVALID');
    c.set('caller', { kind: 'host' });
    await next();
  };

  /** The host, or a participant with a join token for the session in the path. */
  const hostOrParticipant = async (c: Context<Env>, next: () => Promise<void>) => {
    const key = bearer(c);
    if (!key) return problemResponse(c, 'ERR_API_KEY_MISSING');
    if (safeEqual(key, config.apiKey)) {
      c.set('caller', { kind: 'host' });
      return next();
    }
    // Not the API key: a join token if it looks like a JWT, otherwise a wrong key.
    if (key.split('.').length !== 3) return problemResponse(c, 'ERR_API_KEY_INVALID');
    const verified = await tokens.verify(key);
    if (!verified.ok) return problemResponse(c, verified.code);
    if (verified.expired) return problemResponse(c, 'ERR_TOKEN_EXPIRED');
    if (verified.claims.sessionId !== sessionIdOf(c)) {
      return problemResponse(c, 'ERR_TOKEN_SESSION_MISMATCH');
    }
    c.set('caller', { kind: 'participant', ...verified.claims });
    await next();
  };

  app.get('/healthz', (c) => c.json({ ok: true, connections: rooms.size }));

  app.post('/v1/sessions', hostOnly, limit, async (c) => {
    const body = await readJson(c);
    if (body === INVALID) return problemResponse(c, 'ERR_BODY_INVALID', 'the body must be JSON');
    const parsed = parseWith(CreateSessionSchema, body, 'ERR_BODY_INVALID');
    if (!parsed.ok) return problemResponse(c, parsed.code, parsed.reason);
    const input = parsed.value;

    const createdAt = now();
    const session: SessionRecord = {
      id: `ses_${randomBytes(16).toString('base64url')}`,
      ticketId: input.ticketId,
      status: 'created',
      agentId: input.agent.id,
      agentName: input.agent.name,
      customerName: input.customer?.name ?? 'Customer',
      createdAt,
      // Whole seconds, so the invite token's `exp` is exactly the session's end.
      expiresAt: Math.floor(createdAt / 1000 + config.inviteTtl) * 1000,
      endedAt: null,
      endedBy: null,
      endReason: null,
    };
    await store.createSession(session);
    const agent = await tokens.mint(session.id, 'agent', agentExpiry(session));
    const customer = await tokens.mint(session.id, 'customer', session.expiresAt);
    logger.info({ sessionId: session.id, ticketId: session.ticketId }, 'session created');
    const created: CreatedSession = {
      ...view(session),
      agentToken: agent.token,
      customerToken: customer.token,
      inviteUrl: inviteUrl(session.id, customer.token),
    };
    return c.json(created, 201);
  });

  app.get('/v1/sessions/:id', hostOrParticipant, async (c) => {
    const session = await store.getSession(sessionIdOf(c));
    if (!session) return problemResponse(c, 'ERR_SESSION_NOT_FOUND');
    return c.json(view(session));
  });

  app.post('/v1/sessions/:id/tokens', hostOnly, limit, async (c) => {
    const body = await readJson(c);
    if (body === INVALID) return problemResponse(c, 'ERR_BODY_INVALID', 'the body must be JSON');
    const parsed = parseWith(MintTokenSchema, body, 'ERR_BODY_INVALID');
    if (!parsed.ok) return problemResponse(c, parsed.code, parsed.reason);
    const session = await store.getSession(sessionIdOf(c));
    if (!session) return problemResponse(c, 'ERR_SESSION_NOT_FOUND');
    if (session.status === 'ended') return problemResponse(c, 'ERR_SESSION_ENDED');
    const { role } = parsed.value;
    const until = role === 'agent' ? agentExpiry(session) : session.expiresAt;
    const { token, expiresAt } = await tokens.mint(session.id, role, until);
    return c.json(
      {
        role,
        token,
        expiresAt: expiresAt.toISOString(),
        ...(role === 'customer' ? { inviteUrl: inviteUrl(session.id, token) } : {}),
      },
      201,
    );
  });

  app.post('/v1/sessions/:id/end', hostOnly, async (c) => {
    const id = sessionIdOf(c);
    const session = await store.getSession(id);
    if (!session) return problemResponse(c, 'ERR_SESSION_NOT_FOUND');
    if (session.status === 'ended') return problemResponse(c, 'ERR_SESSION_ENDED');
    await rooms.endSession(id, null, 'ended-by-host');
    return c.json(view((await store.getSession(id))!));
  });

  // A browser that fetches the signalling endpoint without upgrading gets a clear answer.
  app.get('/v1/signal', (c) => problemResponse(c, 'ERR_UPGRADE_REQUIRED'));

  app.get('/join/:id', (c) => {
    const signallingUrl = new URL('/v1/signal', config.publicUrl);
    signallingUrl.protocol = config.publicUrl.protocol === 'https:' ? 'wss:' : 'ws:';
    return c.html(joinPage(signallingUrl.href), 200, {
      'content-security-policy': [
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        `connect-src 'self' ${signallingUrl.origin}`,
        "img-src 'self' data: blob:",
        "media-src 'self' blob: mediastream:",
        "worker-src 'self' blob:",
        "base-uri 'none'",
        "form-action 'none'",
        "frame-ancestors 'none'",
      ].join('; '),
      'permissions-policy': 'camera=(self), microphone=(self), display-capture=(self)',
      'referrer-policy': 'no-referrer',
      'cache-control': 'no-store',
    });
  });

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

  /** Agent tokens are short lived, and never outlive the session. */
  function agentExpiry(session: SessionRecord): number {
    return Math.min(now() + config.agentTokenTtl * 1000, session.expiresAt);
  }

  function inviteUrl(sessionId: string, token: string): string {
    if (config.inviteUrlTemplate) {
      return config.inviteUrlTemplate
        .replaceAll('{token}', encodeURIComponent(token))
        .replaceAll('{sessionId}', encodeURIComponent(sessionId));
    }
    // The token rides in the fragment, which browsers never send to a server or in a Referer.
    return new URL(`/join/${sessionId}#token=${token}`, config.publicUrl).href;
  }

  return app;
}

function view(s: SessionRecord): SessionView {
  return {
    id: s.id,
    ticketId: s.ticketId,
    status: s.status,
    agent: { id: s.agentId, name: s.agentName },
    customer: { name: s.customerName },
    createdAt: new Date(s.createdAt).toISOString(),
    expiresAt: new Date(s.expiresAt).toISOString(),
    endedAt: s.endedAt === null ? null : new Date(s.endedAt).toISOString(),
  };
}

function bearer(c: Context): string | null {
  const header = c.req.header('authorization');
  const match = header?.match(/^Bearer\s+(\S+)\s*$/i);
  return match?.[1] ?? null;
}

const INVALID = Symbol('invalid');

async function readJson(c: Context): Promise<unknown> {
  try {
    return await c.req.json();
  } catch {
    return INVALID;
  }
}

/** The `:id` of the session routes. */
function sessionIdOf(c: Context): string {
  return c.req.param('id') ?? '';
}
