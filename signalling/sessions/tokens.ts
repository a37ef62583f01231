/**
 * Join tokens: HS256 JWTs (jose) bound to one session and one role, with `exp` always set and
 * checked. The algorithm, issuer and audience are pinned, so a token minted for anything else is
 * refused. Request tokens (what a host page gives its help button) are the same kind of JWT for
 * another audience, bound to one ticket.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { SignJWT, errors as joseErrors, jwtVerify } from 'jose';
import type { ErrorCode } from '../../src/errors.js';
import { MetadataSchema, type Metadata } from '../../src/events.js';
import { parseWith } from '../../src/parse.js';
import type { Role } from '../../src/protocol.js';

const ISSUER = 'video-session';
const AUDIENCE = 'video-session:join';
const REQUEST_AUDIENCE = 'video-session:request';
/** Clock skew allowed between the service and the clock that minted the token, in seconds. */
const CLOCK_TOLERANCE = 30;

/** What a verified join token says. */
export interface JoinClaims {
  sessionId: string;
  role: Role;
  tokenId: string;
  expiresAt: number;
  /**
   * Set on a customer token minted for a request nobody had accepted yet (Unix ms): the token
   * works after this time only once the session was accepted (the caller checks the session).
   */
  answerBy: number | null;
}

/** A verified token, or the code to refuse it with. Expired tokens keep their claims, for resume. */
export type VerifiedToken =
  { ok: true; claims: JoinClaims; expired: boolean } | { ok: false; code: ErrorCode };

/** Mints and verifies join tokens with one secret. */
export interface TokenService {
  /**
   * A token for `role` in `sessionId`, valid until `expiresAtMs` (rounded down to a second).
   * `answerBy` (a request nobody accepted yet): after that time the token is good only once the
   * session was accepted.
   */
  mint(
    sessionId: string,
    role: Role,
    expiresAtMs: number,
    opts?: { answerBy?: number },
  ): Promise<{ token: string; expiresAt: Date }>;
  verify(token: string): Promise<VerifiedToken>;
  /** A token that lets a help button request a session for one ticket. */
  mintRequest(
    claims: Omit<RequestClaims, 'tokenId' | 'expiresAt'>,
    expiresAtMs: number,
  ): Promise<{ token: string; expiresAt: Date }>;
  verifyRequest(
    token: string,
  ): Promise<{ ok: true; claims: RequestClaims } | { ok: false; code: ErrorCode }>;
}

/** What a request token says. */
export interface RequestClaims {
  ticketId: string;
  customerName: string | null;
  metadata: Metadata | null;
  tokenId: string;
  expiresAt: number;
}

/**
 * The token service for `secret`. `now` is the service's clock (Unix ms): tokens are minted and
 * checked against the same clock as the sessions they belong to.
 */
export function createTokenService(secret: Uint8Array, now: () => number = Date.now): TokenService {
  const seconds = () => Math.floor(now() / 1000);
  return {
    async mint(sessionId, role, expiresAtMs, opts = {}) {
      const issuedAt = seconds();
      const exp = Math.floor(expiresAtMs / 1000);
      const abt = opts.answerBy === undefined ? {} : { abt: Math.ceil(opts.answerBy / 1000) };
      const token = await new SignJWT({ sid: sessionId, role, ...abt })
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
        .setIssuer(ISSUER)
        .setAudience(AUDIENCE)
        .setSubject(`${sessionId}:${role}`)
        .setJti(randomBytes(12).toString('base64url'))
        .setIssuedAt(issuedAt)
        .setNotBefore(issuedAt - 1)
        .setExpirationTime(exp)
        .sign(secret);
      return { token, expiresAt: new Date(exp * 1000) };
    },

    async verify(token) {
      if (!token || token.length > 4096) return { ok: false, code: 'ERR_TOKEN_INVALID' };
      try {
        const { payload } = await jwtVerify(token, secret, {
          algorithms: ['HS256'],
          issuer: ISSUER,
          audience: AUDIENCE,
          requiredClaims: ['exp', 'iat', 'jti', 'sid', 'role'],
          clockTolerance: CLOCK_TOLERANCE,
          currentDate: new Date(now()),
        });
        const claims = toClaims(payload);
        return claims
          ? { ok: true, claims, expired: false }
          : { ok: false, code: 'ERR_TOKEN_INVALID' };
      } catch (err) {
        // The signature was good and only `exp` failed: keep the claims so a participant holding
        // the session's resume key can still reconnect (the key is checked by the caller).
        if (err instanceof joseErrors.JWTExpired) {
          const claims = toClaims(err.payload);
          if (claims) return { ok: true, claims, expired: true };
        }
        return { ok: false, code: 'ERR_TOKEN_INVALID' };
      }
    },

    async mintRequest({ ticketId, customerName, metadata }, expiresAtMs) {
      const issuedAt = seconds();
      const exp = Math.floor(expiresAtMs / 1000);
      const token = await new SignJWT({
        tid: ticketId,
        ...(customerName ? { cname: customerName } : {}),
        ...(metadata ? { md: metadata } : {}),
      })
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
        .setIssuer(ISSUER)
        .setAudience(REQUEST_AUDIENCE)
        .setJti(randomBytes(12).toString('base64url'))
        .setIssuedAt(issuedAt)
        .setNotBefore(issuedAt - 1)
        .setExpirationTime(exp)
        .sign(secret);
      return { token, expiresAt: new Date(exp * 1000) };
    },

    async verifyRequest(token) {
      if (!token || token.length > 8192) return { ok: false, code: 'ERR_REQUEST_KEY_INVALID' };
      try {
        const { payload } = await jwtVerify(token, secret, {
          algorithms: ['HS256'],
          issuer: ISSUER,
          audience: REQUEST_AUDIENCE,
          requiredClaims: ['exp', 'iat', 'jti', 'tid'],
          clockTolerance: CLOCK_TOLERANCE,
          currentDate: new Date(now()),
        });
        const { tid, cname, md, jti, exp } = payload;
        const metadata =
          md === undefined ? null : parseWith(MetadataSchema, md, 'ERR_REQUEST_KEY_INVALID');
        if (typeof tid !== 'string' || typeof jti !== 'string' || typeof exp !== 'number') {
          return { ok: false, code: 'ERR_REQUEST_KEY_INVALID' };
        }
        if ((cname !== undefined && typeof cname !== 'string') || (metadata && !metadata.ok)) {
          return { ok: false, code: 'ERR_REQUEST_KEY_INVALID' };
        }
        return {
          ok: true,
          claims: {
            ticketId: tid,
            customerName: cname ?? null,
            metadata: metadata?.ok ? metadata.value : null,
            tokenId: jti,
            expiresAt: exp * 1000,
          },
        };
      } catch (err) {
        if (err instanceof joseErrors.JWTExpired)
          return { ok: false, code: 'ERR_REQUEST_TOKEN_EXPIRED' };
        return { ok: false, code: 'ERR_REQUEST_KEY_INVALID' };
      }
    },
  };
}

function toClaims(payload: Record<string, unknown>): JoinClaims | null {
  const { sid, role, jti, exp, abt } = payload;
  if (typeof sid !== 'string' || typeof jti !== 'string' || typeof exp !== 'number') return null;
  if (role !== 'agent' && role !== 'customer') return null;
  if (abt !== undefined && typeof abt !== 'number') return null;
  return {
    sessionId: sid,
    role,
    tokenId: jti,
    expiresAt: exp * 1000,
    answerBy: abt === undefined ? null : abt * 1000,
  };
}

/** Constant-time comparison of two secrets of any length. */
export function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
