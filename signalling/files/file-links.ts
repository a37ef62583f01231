/**
 * Signed, expiring download links: `/v1/files/:fileId?exp=<unix s>&aud=<agent|customer|host>&sig=`,
 * the signature an HMAC-SHA256 of the file, the expiry and the audience under a key derived from
 * the token secret. The link is the only credential a download needs (an `<img>` or `<video>`
 * cannot send a header); what it does not prove (that a customer may still see the session) is
 * checked again at download time.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { ErrorCode } from '../../src/errors.js';

/** Whom a link was issued to. */
export type LinkAudience = 'agent' | 'customer' | 'host';
const AUDIENCES: readonly string[] = ['agent', 'customer', 'host'];

export interface FileLinks {
  /** A link to `fileId` for `aud`, valid until `expiresAtMs` (rounded down to a second). */
  sign(fileId: string, aud: LinkAudience, expiresAtMs: number): { url: string; expiresAt: Date };
  /** Checks a link's query; the audience it was issued to, or the code to refuse it with. */
  verify(
    fileId: string,
    query: { exp?: string; aud?: string; sig?: string },
    nowMs: number,
  ): { ok: true; aud: LinkAudience } | { ok: false; code: ErrorCode };
}

/** `publicUrl` is read at each signing (it is known only once the port is bound). */
export function createFileLinks(secret: Uint8Array, publicUrl: () => URL): FileLinks {
  const key = createHmac('sha256', secret).update('video-session file links v1').digest();
  const mac = (fileId: string, exp: string, aud: string) =>
    createHmac('sha256', key).update(`${fileId}\n${exp}\n${aud}`).digest();

  return {
    sign(fileId, aud, expiresAtMs) {
      const exp = String(Math.floor(expiresAtMs / 1000));
      const url = new URL(`/v1/files/${encodeURIComponent(fileId)}`, publicUrl());
      url.searchParams.set('exp', exp);
      url.searchParams.set('aud', aud);
      url.searchParams.set('sig', mac(fileId, exp, aud).toString('base64url'));
      return { url: url.href, expiresAt: new Date(Number(exp) * 1000) };
    },

    verify(fileId, { exp, aud, sig }, nowMs) {
      if (!exp || !/^\d{1,12}$/.test(exp) || !aud || !AUDIENCES.includes(aud) || !sig) {
        return { ok: false, code: 'ERR_LINK_INVALID' };
      }
      const given = Buffer.from(sig, 'base64url');
      const expected = mac(fileId, exp, aud);
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
        return { ok: false, code: 'ERR_LINK_INVALID' };
      }
      if (Number(exp) * 1000 <= nowMs) return { ok: false, code: 'ERR_LINK_EXPIRED' };
      return { ok: true, aud: aud as LinkAudience };
    },
  };
}
