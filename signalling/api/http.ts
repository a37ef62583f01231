/**
 * What every REST route shares: problem responses with a code from the error table, bounded JSON
 * bodies parsed by a schema, and who is calling (the host with its API key, or a participant with
 * a join token of the session in the path).
 */
import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type * as v from 'valibot';
import { problem, type ErrorCode } from '../../src/errors.js';
import { parseWith } from '../../src/parse.js';
import type { Role } from '../../src/protocol.js';
import { addressKey } from '../rate-limit.js';
import { safeEqual, type TokenService } from '../sessions/tokens.js';

/** Who is calling a REST route. */
export type Caller = { kind: 'host' } | { kind: 'participant'; role: Role; sessionId: string };

export type Env = { Variables: { caller: Caller } };

export const JSON_BODY_LIMIT = 16 * 1024;

/** A refusal with a code from the error table, as an RFC 9457 problem response. */
export function problemResponse(
  c: Context,
  code: ErrorCode,
  detail?: string,
  headers: Record<string, string> = {},
): Response {
  const body = problem(code, detail);
  return c.body(JSON.stringify(body), body.status as ContentfulStatusCode, {
    ...headers,
    'content-type': 'application/problem+json',
  });
}

/** Refuses bodies over 16 KiB before reading them. */
export const limit = bodyLimit({
  maxSize: JSON_BODY_LIMIT,
  onError: (c) => problemResponse(c, 'ERR_BODY_TOO_LARGE', `at most ${JSON_BODY_LIMIT} bytes`),
});

/**
 * Reads the JSON body and runs `schema` on it: the value, or the problem response to return.
 * `optional`: an empty body counts as `{}`.
 */
export async function readBody<S extends v.GenericSchema>(
  c: Context,
  schema: S,
  optional = false,
): Promise<{ value: v.InferOutput<S> } | { refused: Response }> {
  let json: unknown;
  try {
    const text = await c.req.text();
    json = optional && text.trim() === '' ? {} : JSON.parse(text);
  } catch {
    return { refused: problemResponse(c, 'ERR_BODY_INVALID', 'the body must be JSON') };
  }
  const parsed = parseWith(schema, json, 'ERR_BODY_INVALID');
  return parsed.ok
    ? { value: parsed.value }
    : { refused: problemResponse(c, parsed.code, parsed.reason) };
}

export function bearer(c: Context): string | null {
  const header = c.req.header('authorization');
  const match = header?.match(/^Bearer\s+(\S+)\s*$/i);
  return match?.[1] ?? null;
}

/** The `:id` of the session routes. */
export function sessionIdOf(c: Context): string {
  return c.req.param('id') ?? '';
}

/**
 * What the participant middlewares need to know of sessions: a customer token minted for a
 * request nobody had accepted (`answerBy` claim) works past `answerBy` only once it was accepted.
 * Without it such a token is refused from `answerBy` on.
 */
export interface AcceptanceCheck {
  now: () => number;
  isAccepted(sessionId: string): Promise<boolean>;
}

/** Auth middlewares for one API key and one token service. */
export function authMiddlewares(
  apiKey: string,
  tokens: TokenService,
  acceptance: AcceptanceCheck | null = null,
) {
  /** The host backend, by its API key. */
  const hostOnly: MiddlewareHandler<Env> = async (c, next) => {
    const key = bearer(c);
    if (!key) return problemResponse(c, 'ERR_API_KEY_MISSING');
    if (!safeEqual(key, apiKey)) return problemResponse(c, 'ERR_API_KEY_INVALID');
    c.set('caller', { kind: 'host' });
    await next();
  };

  /**
   * The host, or a participant with a join token for the session in the path: live, or (with
   * `grace`) expired less than `grace.ms` ago.
   */
  const hostOrParticipantWithin =
    (grace: { ms: number; now: () => number } | null): MiddlewareHandler<Env> =>
    async (c, next) => {
      const key = bearer(c);
      if (!key) return problemResponse(c, 'ERR_API_KEY_MISSING');
      if (safeEqual(key, apiKey)) {
        c.set('caller', { kind: 'host' });
        return next();
      }
      // Not the API key: a join token if it looks like a JWT, or like the start of one (`{"` in
      // base64url: an invite link cut short), otherwise a wrong key.
      if (key.split('.').length !== 3 && !key.startsWith('eyJ')) {
        return problemResponse(c, 'ERR_API_KEY_INVALID');
      }
      const verified = await tokens.verify(key);
      if (!verified.ok) return problemResponse(c, verified.code);
      if (
        verified.expired &&
        (grace === null || grace.now() - verified.claims.expiresAt >= grace.ms)
      ) {
        return problemResponse(c, 'ERR_TOKEN_EXPIRED');
      }
      const { claims } = verified;
      if (claims.sessionId !== sessionIdOf(c)) {
        return problemResponse(c, 'ERR_TOKEN_SESSION_MISMATCH');
      }
      // A request's token outlives its request only if an agent accepted it.
      if (
        claims.answerBy !== null &&
        (acceptance === null ||
          (acceptance.now() >= claims.answerBy && !(await acceptance.isAccepted(claims.sessionId))))
      ) {
        return problemResponse(c, 'ERR_TOKEN_EXPIRED', 'nobody accepted the request in time');
      }
      c.set('caller', { kind: 'participant', role: claims.role, sessionId: claims.sessionId });
      await next();
    };

  return {
    hostOnly,
    hostOrParticipant: hostOrParticipantWithin(null),
    /** For uploads: a widget recovering a crashed recording comes back after its token expired. */
    hostOrParticipantWithGrace: (ms: number, now: () => number) =>
      hostOrParticipantWithin({ ms, now }),
  };
}

/**
 * The client's address for rate limiting: the socket's peer, an IPv6 one by its /64 (put a limit
 * in your proxy too).
 */
export function clientAddress(c: Context): string {
  try {
    return addressKey(getConnInfo(c).remote.address ?? 'unknown');
  } catch {
    return 'unknown'; // not served by node (tests calling app.request)
  }
}
