/**
 * ICE servers for a participant: the configured STUN URLs, and TURN with ephemeral credentials in
 * the TURN REST API form coturn checks with `use-auth-secret`: username `<expiry>:<user>`,
 * password `base64(HMAC-SHA1(secret, username))`.
 */
import { createHmac } from 'node:crypto';
import type { IceServer } from '../../src/protocol.js';

/** TURN credentials must outlive the call; coturn checks them again when an allocation refreshes. */
export const TURN_CREDENTIAL_TTL_SECONDS = 12 * 3600;

export function iceServersFor(
  stunUrls: readonly string[],
  turn: { urls: string[]; secret: string } | null,
  user: string,
  nowMs: number = Date.now(),
): IceServer[] {
  const servers: IceServer[] = [];
  if (stunUrls.length > 0) servers.push({ urls: [...stunUrls] });
  if (turn) {
    const username = `${Math.floor(nowMs / 1000) + TURN_CREDENTIAL_TTL_SECONDS}:${user}`;
    const credential = createHmac('sha1', turn.secret).update(username).digest('base64');
    servers.push({ urls: [...turn.urls], username, credential });
  }
  return servers;
}
