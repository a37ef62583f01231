/**
 * The request flow (S2, S3): a customer's help button asks for a session, with the host's public
 * key or a request token the host backend minted for one ticket (`POST /v1/request-tokens`).
 * Requests are rate limited per client address; a request token keeps at most one live request
 * (asking again returns it). With direct calls enabled, the button can ring straight into a
 * session instead.
 */
import { Hono } from 'hono';
import { randomBytes } from 'node:crypto';
import { RequestSessionSchema, RequestTokenSchema, type RequestedSession } from '../../src/rest.js';
import { isFinal } from '../../src/session-state.js';
import type { ServerConfig } from '../config.js';
import { createRateLimiter } from '../rate-limit.js';
import { mintCustomerToken } from '../sessions/invites.js';
import type { NewRequest, Sessions } from '../sessions/sessions.js';
import { safeEqual, type TokenService } from '../sessions/tokens.js';
import {
  authMiddlewares,
  bearer,
  clientAddress,
  limit,
  problemResponse,
  readBody,
  type Env,
} from './http.js';

export interface RequestsApiDeps {
  config: ServerConfig;
  sessions: Sessions;
  tokens: TokenService;
  now: () => number;
}

const DEFAULT_REQUEST_TOKEN_TTL = 3600;

export function requestsApi(deps: RequestsApiDeps): Hono<Env> {
  const { config, sessions, tokens, now } = deps;
  const { hostOnly } = authMiddlewares(config.apiKey, tokens);
  const limiter = createRateLimiter({
    burst: config.requestRate,
    perMinute: config.requestRate,
    now,
  });
  const api = new Hono<Env>();

  api.post('/request-tokens', hostOnly, limit, async (c) => {
    const body = await readBody(c, RequestTokenSchema);
    if ('refused' in body) return body.refused;
    const { ticketId, customer, metadata, ttl } = body.value;
    const minted = await tokens.mintRequest(
      { ticketId, customerName: customer?.name ?? null, metadata: metadata ?? null },
      now() + (ttl ?? DEFAULT_REQUEST_TOKEN_TTL) * 1000,
    );
    return c.json({ token: minted.token, expiresAt: minted.expiresAt.toISOString() }, 201);
  });

  api.post('/requests', limit, async (c) => {
    const wait = limiter.take(clientAddress(c));
    if (wait > 0) {
      return problemResponse(c, 'ERR_TOO_MANY_REQUESTS', undefined, {
        'retry-after': String(Math.ceil(wait / 1000)),
      });
    }
    const key = bearer(c);
    if (!key)
      return problemResponse(
        c,
        'ERR_REQUEST_KEY_INVALID',
        'send the public key or a request token as Bearer',
      );
    const body = await readBody(c, RequestSessionSchema, true);
    if ('refused' in body) return body.refused;
    const input = body.value;
    const direct = input.direct ?? false;
    if (direct && !config.directCalls) return problemResponse(c, 'ERR_DIRECT_CALLS_DISABLED');

    let request: NewRequest;
    if (config.publicKeys.some((k) => safeEqual(k, key))) {
      request = {
        // A page with only the public key may say which ticket it is about; the helpdesk decides
        // whether to trust that (`source: public-key` in the event).
        ticketId: input.ticketId ?? `web-${randomBytes(9).toString('base64url')}`,
        customerName: input.customer?.name ?? 'Customer',
        metadata: input.metadata ?? null,
        source: 'public-key',
        requestKey: null,
        direct,
      };
    } else if (key.split('.').length === 3) {
      const verified = await tokens.verifyRequest(key);
      if (!verified.ok) return problemResponse(c, verified.code);
      if (input.ticketId !== undefined || input.metadata !== undefined) {
        return problemResponse(
          c,
          'ERR_BODY_INVALID',
          'the ticket and metadata come from the request token',
        );
      }
      const { claims } = verified;
      const existing = await sessions.findByRequestKey(claims.tokenId);
      if (existing && !isFinal(existing.status)) return c.json(await answer(existing), 200);
      request = {
        ticketId: claims.ticketId,
        customerName: claims.customerName ?? input.customer?.name ?? 'Customer',
        metadata: claims.metadata,
        source: 'request-token',
        requestKey: claims.tokenId,
        direct,
      };
    } else {
      return problemResponse(c, 'ERR_REQUEST_KEY_INVALID');
    }
    return c.json(await answer(await sessions.request(request)), 201);
  });

  async function answer(s: Awaited<ReturnType<Sessions['request']>>): Promise<RequestedSession> {
    // Until an agent accepts, the token lasts only as long as the request waits (`answerBy`).
    const { token } = await mintCustomerToken(tokens, s);
    return {
      id: s.id,
      status: s.status,
      customerToken: token,
      answerBy: new Date(s.answerBy ?? s.expiresAt).toISOString(),
      direct: s.origin === 'direct',
    };
  }

  return api;
}
