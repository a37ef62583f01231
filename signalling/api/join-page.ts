/**
 * The page a customer's invite link opens: the built widget on a plain branded page, no install,
 * in the language the browser asks for (`Accept-Language`; the widget inside follows the page's
 * `lang`). The join token is read from the URL fragment (never sent to the server), then taken out
 * of the address bar and the history entry; scripts and styles are files, so the page runs under a
 * strict Content-Security-Policy with no inline code. A short invite link that leads nowhere
 * answers with a page of the same kind, saying why.
 */
import { PAGE_STRINGS, type InvitePageCode, type PageLanguage } from './page-language.js';

const escape = (s: string) => s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

/** One of the service's pages, in `lang`: the brand's frame around `main` (`head`: its scripts). */
function page(lang: PageLanguage, main: string, head = '', after = ''): string {
  const t = PAGE_STRINGS[lang];
  return `<!doctype html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${escape(t.brand)}</title>
<link rel="stylesheet" href="/sdk/join.css">
${head}</head>
<body>
<header><span class="brand">${escape(t.brand)}</span></header>
<main>
${main}
</main>
${after}</body>
</html>
`;
}

/** The join page, in `lang`, for a widget that connects to `signallingUrl`. */
export function joinPage(signallingUrl: string, lang: PageLanguage): string {
  const t = PAGE_STRINGS[lang];
  const dead = Object.entries(t.dead).map(
    ([why, text]) =>
      `<p class="missing" data-dead="${why}" role="alert" hidden>${escape(text)}</p>`,
  );
  return page(
    lang,
    [
      `<video-session lang="${lang}" signalling-url="${escape(signallingUrl)}" hidden></video-session>`,
      `<p class="missing" hidden>${escape(t.incomplete)}</p>`,
      ...dead,
    ].join('\n'),
    '<script type="module" src="/sdk/video-session.js"></script>\n<script type="module" src="/sdk/join.js"></script>\n',
    `<noscript>${escape(t.noscript)}</noscript>\n`,
  );
}

/** What a short invite link answers, in `lang`, when it leads nowhere: why, in plain words. */
export function invitePage(code: InvitePageCode, lang: PageLanguage): string {
  return page(
    lang,
    `<p class="missing" data-code="${code}">${escape(PAGE_STRINGS[lang].errors[code])}</p>`,
  );
}

/**
 * The headers of the service's pages: a strict Content-Security-Policy (`connectOrigin`: the
 * WebSocket's origin, for the join page; none for a page without scripts), nothing cached, no
 * Referer, and the language chosen from `Accept-Language` (so caches keep one per language).
 */
export function pageHeaders(connectOrigin: string | null): Record<string, string> {
  const csp = connectOrigin
    ? [
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        `connect-src 'self' ${connectOrigin}`,
        "img-src 'self' data: blob:",
        "media-src 'self' blob: mediastream:",
        "worker-src 'self' blob:",
        "base-uri 'none'",
        "form-action 'none'",
        "frame-ancestors 'none'",
      ]
    : [
        "default-src 'none'",
        "style-src 'self'",
        "base-uri 'none'",
        "form-action 'none'",
        "frame-ancestors 'none'",
      ];
  return {
    'content-security-policy': csp.join('; '),
    ...(connectOrigin
      ? { 'permissions-policy': 'camera=(self), microphone=(self), display-capture=(self)' }
      : {}),
    'referrer-policy': 'no-referrer',
    'cache-control': 'no-store',
    vary: 'Accept-Language',
  };
}

/**
 * Reads `#token=`, then checks the invite with one request before anything else: a link that is
 * garbled, expired, for a session that ended or was declined, or open in another tab or device
 * says so in plain words (the page's `[data-dead]` paragraphs, in its language), and the element
 * stays hidden, so no camera is asked for. A usable one goes to the element; the customer presses
 * Join to start. When the check cannot be made (service unreachable, busy), the element is shown
 * and says what it meets. The token then leaves the address bar and the history entry (a
 * screenshot of the bar, a shared screen, a bookmark or the browser's history no longer carry it);
 * a reload finds it in this tab's session storage. The same person reloading holds the slot's
 * resume key (localStorage), so their own open link is not "in use".
 */
export const JOIN_SCRIPT = `const el = document.querySelector('video-session');
const key = 'video-session:join-token:' + location.pathname;
const fromLink = new URLSearchParams(location.hash.slice(1)).get('token');
let token = fromLink;
try {
  if (fromLink) sessionStorage.setItem(key, fromLink);
  else token = sessionStorage.getItem(key);
} catch {
  // storage blocked: a reload needs the link again
}
if (fromLink) history.replaceState(history.state, '', location.pathname + location.search);
const say = (why) => {
  el.hidden = true;
  document.querySelector(why ? '[data-dead="' + why + '"]' : '.missing:not([data-dead])').hidden = false;
};
const join = () => {
  el.token = token;
  el.hidden = false;
};
const claims = (() => {
  try {
    const part = token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
    return JSON.parse(atob(part));
  } catch {
    return null;
  }
})();
const resumable = () => {
  try {
    return localStorage.getItem('video-session:resume:' + claims.sid + ':' + claims.role) !== null;
  } catch {
    return false;
  }
};
const DEAD_CODES = {
  ERR_TOKEN_EXPIRED: 'expired',
  ERR_TOKEN_INVALID: 'invalid',
  ERR_TOKEN_SESSION_MISMATCH: 'invalid',
  ERR_API_KEY_INVALID: 'invalid',
  ERR_SESSION_NOT_FOUND: 'invalid',
  ERR_SESSION_ENDED: 'ended',
};
const DEAD_STATUSES = { ended: 'ended', expired: 'ended', failed: 'ended', declined: 'declined' };
if (!token) say(null);
else if (!claims || typeof claims.sid !== 'string') say('invalid');
else {
  fetch('/v1/sessions/' + encodeURIComponent(claims.sid), {
    headers: { authorization: 'Bearer ' + token },
  })
    .then(async (res) => {
      const body = await res.json().catch(() => ({}));
      if (!res.ok) return Object.hasOwn(DEAD_CODES, body.code) ? say(DEAD_CODES[body.code]) : join();
      if (Object.hasOwn(DEAD_STATUSES, body.status)) return say(DEAD_STATUSES[body.status]);
      if (body.inUse && body.inUse[claims.role] && !resumable()) return say('inUse');
      join();
    })
    .catch(join);
}
`;

export const JOIN_STYLES = `*{box-sizing:border-box}
html,body{margin:0;height:100%;font:16px/1.4 system-ui,sans-serif;background:#0f172a;color:#e2e8f0}
body{display:flex;flex-direction:column}
header{padding:12px 20px;font-weight:600;letter-spacing:.02em;border-bottom:1px solid #1e293b}
main{flex:1;display:flex;flex-direction:column;padding:12px;min-height:0}
video-session{flex:1;min-height:0}
.missing{margin:auto;max-width:28em;text-align:center}
`;
