/**
 * `/v1/sessions`: the host backend creates, lists, accepts, declines, ends and hides sessions with
 * its API key; participants read their session, cancel a request, rate it, and report widget
 * events with their join token.
 */
import { Hono, type Context } from 'hono';
import type { ErrorCode } from '../../src/errors.js';
import type { Result } from '../../src/parse.js';
import {
  AcceptSchema,
  CreateSessionSchema,
  DeclineSchema,
  MintTokenSchema,
  PatchSessionSchema,
  RatingSchema,
  ReportSchema,
  type AcceptedSession,
  type CreatedSession,
  type MintedToken,
  type SessionView,
} from '../../src/rest.js';
import { SESSION_STATUSES, isFinal, type SessionStatus } from '../../src/session-state.js';
import type { ServerConfig } from '../config.js';
import { createRateLimiter } from '../rate-limit.js';
import type { Invites } from '../sessions/invites.js';
import { sessionView } from '../sessions/session-view.js';
import type { Sessions } from '../sessions/sessions.js';
import type { TokenService } from '../sessions/tokens.js';
import type { SessionRecord } from '../store/store.js';
import {
  authMiddlewares,
  limit,
  problemResponse,
  readBody,
  sessionIdOf,
  type Caller,
  type Env,
} from './http.js';

export interface SessionsApiDeps {
  config: ServerConfig;
  sessions: Sessions;
  tokens: TokenService;
  invites: Invites;
  /** Whose place in a session is held by a live connection right now (`Rooms.presence`). */
  presence: (sessionId: string) => SessionView['inUse'];
  now: () => number;
}

/** The longest a `?wait=` read holds the request open. */
const LONG_POLL_MS = 25_000;

export function sessionsApi(deps: SessionsApiDeps): Hono<Env> {
  const { config, sessions, tokens, invites, presence, now } = deps;
  const { hostOnly, hostOrParticipant } = authMiddlewares(config.apiKey, tokens, {
    now,
    isAccepted: (id) => sessions.isAccepted(id),
  });
  // Reports become webhooks: a widget (or whoever holds its token) gets a steady allowance.
  const reports = createRateLimiter({
    burst: config.reportRate,
    perMinute: config.reportRate,
    now,
  });
  const api = new Hono<Env>();

  const view = (s: SessionRecord, forHost: boolean) =>
    sessionView(s, forHost, now(), presence(s.id));
  const show = (c: Context<Env>, s: SessionRecord, status: 200 | 201 = 200) =>
    c.json(view(s, c.get('caller').kind === 'host'), status);
  const answer = (c: Context<Env>, outcome: Result<SessionRecord>) =>
    outcome.ok ? show(c, outcome.value) : problemResponse(c, outcome.code, outcome.reason);

  /** Agent tokens are short lived, and never outlive the session. */
  const agentToken = (s: SessionRecord) =>
    tokens.mint(s.id, 'agent', Math.min(now() + config.agentTokenTtl * 1000, s.expiresAt));

  api.post('/', hostOnly, limit, async (c) => {
    const body = await readBody(c, CreateSessionSchema);
    if ('refused' in body) return body.refused;
    const { ticketId, agent, customer, metadata } = body.value;
    const session = await sessions.create({
      ticketId,
      agent,
      customerName: customer?.name ?? 'Customer',
      metadata: metadata ?? null,
    });
    const agentT = await agentToken(session);
    const { token, inviteUrl, shortInviteUrl, longInviteUrl } = await invites.issue(session);
    const created: CreatedSession = {
      ...view(session, true),
      agentToken: agentT.token,
      customerToken: token,
      inviteUrl,
      shortInviteUrl,
      longInviteUrl,
    };
    return c.json(created, 201);
  });

  api.get('/', hostOnly, async (c) => {
    const ticketId = c.req.query('ticketId');
    if (!ticketId || ticketId.length > 200) {
      return problemResponse(c, 'ERR_BODY_INVALID', 'give ?ticketId= (at most 200 characters)');
    }
    const list = await sessions.listByTicket(ticketId);
    return c.json({ sessions: list.map((s) => view(s, true)) });
  });

  api.get('/:id', hostOrParticipant, async (c) => {
    const id = sessionIdOf(c);
    const wait = c.req.query('wait');
    if (wait !== undefined && !(SESSION_STATUSES as readonly string[]).includes(wait)) {
      return problemResponse(
        c,
        'ERR_BODY_INVALID',
        `?wait= takes a status: ${SESSION_STATUSES.join(', ')}`,
      );
    }
    let session = await readable(c, id);
    if (session instanceof Response || wait === undefined) {
      return session instanceof Response ? session : show(c, session);
    }
    await sessions.waitWhile(id, wait as SessionStatus, LONG_POLL_MS, c.req.raw.signal);
    session = await readable(c, id);
    return session instanceof Response ? session : show(c, session);
  });

  api.patch('/:id', hostOnly, limit, async (c) => {
    const body = await readBody(c, PatchSessionSchema);
    if ('refused' in body) return body.refused;
    return answer(c, await sessions.setVisibility(sessionIdOf(c), body.value.visibility));
  });

  api.post('/:id/tokens', hostOnly, limit, async (c) => {
    const body = await readBody(c, MintTokenSchema);
    if ('refused' in body) return body.refused;
    const session = await sessions.get(sessionIdOf(c));
    if (!session) return problemResponse(c, 'ERR_SESSION_NOT_FOUND');
    if (isFinal(session.status)) return problemResponse(c, 'ERR_SESSION_ENDED');
    let minted: MintedToken;
    if (body.value.role === 'agent') {
      if (session.agent === null) {
        return problemResponse(c, 'ERR_SESSION_NOT_ACCEPTED', 'accept it first');
      }
      const { token, expiresAt } = await agentToken(session);
      minted = { role: 'agent', token, expiresAt: expiresAt.toISOString() };
    } else {
      const { token, expiresAt, ...links } = await invites.issue(session);
      minted = { role: 'customer', token, expiresAt: expiresAt.toISOString(), ...links };
    }
    return c.json(minted, 201);
  });

  api.post('/:id/end', hostOnly, async (c) =>
    answer(c, await sessions.end(sessionIdOf(c), 'host', 'ended-by-host')),
  );

  api.post('/:id/accept', hostOnly, limit, async (c) => {
    const body = await readBody(c, AcceptSchema);
    if ('refused' in body) return body.refused;
    const outcome = await sessions.accept(sessionIdOf(c), body.value.agent);
    if (!outcome.ok) return problemResponse(c, outcome.code, outcome.reason);
    const accepted: AcceptedSession = {
      ...view(outcome.value, true),
      agentToken: (await agentToken(outcome.value)).token,
    };
    return c.json(accepted);
  });

  api.post('/:id/decline', hostOnly, limit, async (c) => {
    const body = await readBody(c, DeclineSchema, true);
    if ('refused' in body) return body.refused;
    return answer(c, await sessions.decline(sessionIdOf(c), body.value.reason));
  });

  api.post('/:id/cancel', hostOrParticipant, async (c) => {
    const refused = requireRole(c, 'customer', 'the host declines requests instead');
    if (refused) return refused;
    return answer(c, await sessions.cancel(sessionIdOf(c)));
  });

  api.post('/:id/rating', hostOrParticipant, limit, async (c) => {
    const refused = requireRole(c, 'customer', 'only the customer rates a session');
    if (refused) return refused;
    const body = await readBody(c, RatingSchema);
    if ('refused' in body) return body.refused;
    const session = await readable(c, sessionIdOf(c));
    if (session instanceof Response) return session;
    const { score, comment } = body.value;
    return answer(c, await sessions.rate(session.id, score, comment || null));
  });

  api.post('/:id/events', hostOrParticipant, limit, async (c) => {
    const caller = c.get('caller');
    if (caller.kind !== 'participant') {
      return problemResponse(c, 'ERR_FORBIDDEN', 'widgets report events with their join token');
    }
    const wait = reports.take(`${caller.sessionId}:${caller.role}`);
    if (wait > 0) {
      return problemResponse(
        c,
        'ERR_TOO_MANY_REPORTS',
        `at most ${config.reportRate} a minute per session and role`,
        { 'retry-after': String(Math.ceil(wait / 1000)) },
      );
    }
    const body = await readBody(c, ReportSchema);
    if ('refused' in body) return body.refused;
    const outcome = await sessions.report(
      sessionIdOf(c),
      caller.role,
      body.value.ref,
      body.value.event,
    );
    if (!outcome.ok) return problemResponse(c, outcome.code, outcome.reason);
    return c.json({ id: outcome.value.eventId, duplicate: outcome.value.duplicate }, 202);
  });

  /** The session, unless it is internal and the caller is its customer. */
  async function readable(c: Context<Env>, id: string): Promise<SessionRecord | Response> {
    const session = await sessions.get(id);
    if (!session) return problemResponse(c, 'ERR_SESSION_NOT_FOUND');
    if (isHiddenFrom(c.get('caller'), session)) return problemResponse(c, 'ERR_SESSION_INTERNAL');
    return session;
  }

  return api;
}

/** An internal session is not the customer's to see. */
export function isHiddenFrom(caller: Caller, session: SessionRecord): boolean {
  return (
    session.visibility === 'internal' && caller.kind === 'participant' && caller.role === 'customer'
  );
}

function requireRole(c: Context<Env>, role: 'customer', why: string): Response | null {
  const caller = c.get('caller');
  const code: ErrorCode = 'ERR_FORBIDDEN';
  return caller.kind === 'participant' && caller.role === role
    ? null
    : problemResponse(c, code, why);
}
