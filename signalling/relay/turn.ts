/**
 * ICE servers for a participant: the configured STUN URLs, and TURN with ephemeral credentials in
 * the TURN REST API form coturn checks with `use-auth-secret`: username `<expiry>:<user>`,
 * password `base64(HMAC-SHA1(secret, username))`.
 */
import { createHmac } from 'node:crypto';
import type { IceServer } from '../../src/protocol.js';

/** TURN credentials must outlive the call; coturn checks them again when an allocation refreshes. */
export const TURN_CREDENTIAL_TTL_SECONDS = 12 * 3600;

/**
 * How long credentials outlive the session they were handed out for: the service ends the call at
 * the session's expiry; this covers the TURN server's clock running a little behind.
 */
export const TURN_CREDENTIAL_MARGIN_SECONDS = 300;

export interface TurnExpiry {
  /** When the session the credentials are for expires (Unix ms): they expire with it. */
  until?: number;
  /** Now (Unix ms); the TURN server checks against real time. */
  now?: number;
}

/**
 * The ICE servers to hand `user`. TURN credentials expire `TURN_CREDENTIAL_TTL_SECONDS` from now,
 * or `TURN_CREDENTIAL_MARGIN_SECONDS` after the session (`until`) if that is sooner: a participant
 * cannot keep using the TURN server long after their session is over.
 */
export function iceServersFor(
  stunUrls: readonly string[],
  turn: { urls: string[]; secret: string } | null,
  user: string,
  { until, now = Date.now() }: TurnExpiry = {},
): IceServer[] {
  const servers: IceServer[] = [];
  if (stunUrls.length > 0) servers.push({ urls: [...stunUrls] });
  if (turn) {
    let expiry = Math.floor(now / 1000) + TURN_CREDENTIAL_TTL_SECONDS;
    if (until !== undefined) {
      expiry = Math.min(expiry, Math.floor(until / 1000) + TURN_CREDENTIAL_MARGIN_SECONDS);
    }
    const username = `${expiry}:${user}`;
    const credential = createHmac('sha1', turn.secret).update(username).digest('base64');
    servers.push({ urls: [...turn.urls], username, credential });
  }
  return servers;
}
