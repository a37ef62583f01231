/**
 * Invites: the customer's join token and the links that carry it. The long link is the join page,
 * `/join/<sessionId>#token=<jwt>` (or the host's own page, `VS_INVITE_URL_TEMPLATE`): about 480
 * characters, which SMS apps cut. The short link, `/j/<code>`, stands for it: the code is 12
 * base62 characters (71 bits from the CSPRNG), and the store keeps only its SHA-256, the session
 * and role it lets in, and when it stops working (the token's expiry). Opening it mints a fresh
 * customer token, under the same rules as every other customer token, and leads to the long link.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { ServerConfig } from '../config.js';
import type { SessionRecord, SessionStore } from '../store/store.js';
import type { TokenService } from './tokens.js';

/** How many characters a short invite code has. */
export const INVITE_CODE_LENGTH = 12;
/** What a short invite code looks like; anything else is not one (and is not looked up). */
export const INVITE_CODE = /^[0-9A-Za-z]{12}$/;
const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** A fresh short invite code: 12 characters of base62 from the CSPRNG. */
export function newInviteCode(): string {
  let code = '';
  while (code.length < INVITE_CODE_LENGTH) {
    for (const byte of randomBytes(16)) {
      // Bytes from 248 on are skipped: 256 is not a multiple of 62, and they would favour 0-7.
      if (byte < 248 && code.length < INVITE_CODE_LENGTH) code += ALPHABET[byte % 62];
    }
  }
  return code;
}

/** What the store keeps of a code. */
export const hashInviteCode = (code: string): string =>
  createHash('sha256').update(code).digest('base64url');

/**
 * A customer token for `session`, valid as long as the session. While a request (or a direct
 * call) waits for an agent, the token also carries `answerBy`: past it, the token is good only
 * once an agent accepted (see `AcceptanceCheck` in `api/http.ts`).
 */
export function mintCustomerToken(
  tokens: TokenService,
  s: SessionRecord,
): Promise<{ token: string; expiresAt: Date }> {
  return tokens.mint(
    s.id,
    'customer',
    s.expiresAt,
    s.agent === null && s.answerBy !== null ? { answerBy: s.answerBy } : {},
  );
}

/** A fresh customer token and the links that carry it. */
export interface IssuedInvite {
  token: string;
  expiresAt: Date;
  /** The link to send: the short one, or the long one when invites go to the host's page. */
  inviteUrl: string;
  /** `/j/<code>`: leads to `longInviteUrl` with a fresh token. */
  shortInviteUrl: string;
  /** The join page (or the host's page) with this token in it. */
  longInviteUrl: string;
}

export interface InvitesDeps {
  config: ServerConfig;
  store: SessionStore;
  tokens: TokenService;
  now: () => number;
}

export interface Invites {
  /** A fresh customer token for `session`, and a new short code that stands for it. */
  issue(session: SessionRecord): Promise<IssuedInvite>;
  /**
   * Where the short link `code` leads: the long link with a fresh customer token; or refused,
   * `ERR_INVITE_NOT_FOUND` (not a code, or not one of ours) or `ERR_INVITE_EXPIRED`.
   */
  open(code: string): Promise<OpenedInvite>;
}

export type OpenedInvite =
  { location: string } | { refused: 'ERR_INVITE_NOT_FOUND' | 'ERR_INVITE_EXPIRED' };

export function createInvites(deps: InvitesDeps): Invites {
  const { config, store, tokens, now } = deps;
  const notFound = { refused: 'ERR_INVITE_NOT_FOUND' } as const;
  return {
    async issue(session) {
      const { token, expiresAt } = await mintCustomerToken(tokens, session);
      const code = newInviteCode();
      await store.invites.insert({
        codeHash: hashInviteCode(code),
        sessionId: session.id,
        role: 'customer',
        createdAt: now(),
        expiresAt: expiresAt.getTime(),
      });
      const shortInviteUrl = new URL(`/j/${code}`, config.publicUrl).href;
      const longInviteUrl = longInviteUrlFor(config, session.id, token);
      return {
        token,
        expiresAt,
        // The host's own page is where the host wants its customers: keep sending them there.
        inviteUrl: config.inviteUrlTemplate ? longInviteUrl : shortInviteUrl,
        shortInviteUrl,
        longInviteUrl,
      };
    },

    async open(code) {
      if (!INVITE_CODE.test(code)) return notFound;
      const invite = await store.invites.get(hashInviteCode(code));
      if (!invite || invite.role !== 'customer') return notFound;
      if (now() >= invite.expiresAt) {
        return { refused: 'ERR_INVITE_EXPIRED' };
      }
      const session = await store.get(invite.sessionId);
      if (!session) return notFound;
      // Whatever became of the session, the join page says it in the customer's words.
      const { token } = await mintCustomerToken(tokens, session);
      return { location: longInviteUrlFor(config, session.id, token) };
    },
  };
}

/** The long invite link: the host's page from `VS_INVITE_URL_TEMPLATE`, or the join page. */
export function longInviteUrlFor(config: ServerConfig, sessionId: string, token: string): string {
  if (config.inviteUrlTemplate) {
    return config.inviteUrlTemplate
      .replaceAll('{token}', encodeURIComponent(token))
      .replaceAll('{sessionId}', encodeURIComponent(sessionId));
  }
  // The token rides in the fragment, which browsers never send to a server or in a Referer.
  return new URL(`/join/${sessionId}#token=${token}`, config.publicUrl).href;
}
