/**
 * `/j/<code>`: a short invite link, for SMS (see `sessions/invites.ts`). It leads (302) to the long
 * link with a fresh customer token; one that leads nowhere answers with a small page in the
 * browser's language that says why (404 not valid, 410 expired). Rate limited per client address
 * (`VS_INVITE_RATE`), every request counted, so codes cannot be tried in bulk.
 */
import { Hono } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { errors } from '../../src/errors.js';
import type { ServerConfig } from '../config.js';
import { createRateLimiter } from '../rate-limit.js';
import type { Invites } from '../sessions/invites.js';
import { clientAddress, type Env } from './http.js';
import { invitePage, pageHeaders } from './join-page.js';
import { pageLanguage, type InvitePageCode } from './page-language.js';

export interface InviteLinksDeps {
  config: ServerConfig;
  invites: Invites;
  now: () => number;
}

export function inviteLinks(deps: InviteLinksDeps): Hono<Env> {
  const { config, invites, now } = deps;
  const limiter = createRateLimiter({
    burst: config.inviteRate,
    perMinute: config.inviteRate,
    now,
  });
  const api = new Hono<Env>();

  // Any path under /j/ (a code cut short, one with more on it) gets the same page.
  api.get('/:code{.+}', async (c) => {
    const lang = pageLanguage(c.req.header('accept-language'));
    const refuse = (code: InvitePageCode, headers: Record<string, string> = {}) =>
      c.html(invitePage(code, lang), errors[code].status as ContentfulStatusCode, {
        ...pageHeaders(null),
        ...headers,
      });
    const wait = limiter.take(clientAddress(c));
    if (wait > 0) {
      return refuse('ERR_TOO_MANY_INVITES', { 'retry-after': String(Math.ceil(wait / 1000)) });
    }
    const opened = await invites.open(c.req.param('code'));
    if ('refused' in opened) return refuse(opened.refused);
    return c.body(null, 302, {
      location: opened.location,
      'cache-control': 'no-store',
      'referrer-policy': 'no-referrer',
    });
  });

  return api;
}
