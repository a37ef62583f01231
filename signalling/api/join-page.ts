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

/** The join page, in `lang`, for a widget that connects to `signallingUrl`. */
export function joinPage(signallingUrl: string, lang: PageLanguage): string {
  const t = PAGE_STRINGS[lang];
  return `<!doctype html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${escape(t.brand)}</title>
<link rel="stylesheet" href="/sdk/join.css">
<script type="module" src="/sdk/video-session.js"></script>
<script type="module" src="/sdk/join.js"></script>
</head>
<body>
<header><span class="brand">${escape(t.brand)}</span></header>
<main>
<video-session lang="${lang}" signalling-url="${escape(signallingUrl)}"></video-session>
<p class="missing" hidden>${escape(t.incomplete)}</p>
</main>
<noscript>${escape(t.noscript)}</noscript>
</body>
</html>
`;
}

/** What a short invite link answers, in `lang`, when it leads nowhere: why, in plain words. */
export function invitePage(code: InvitePageCode, lang: PageLanguage): string {
  const t = PAGE_STRINGS[lang];
  return `<!doctype html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${escape(t.brand)}</title>
<link rel="stylesheet" href="/sdk/join.css">
</head>
<body>
<header><span class="brand">${escape(t.brand)}</span></header>
<main>
<p class="missing" data-code="${code}">${escape(t.errors[code])}</p>
</main>
</body>
</html>
`;
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
 * Reads `#token=` and hands it to the element; the customer presses Join to start. The token then
 * leaves the address bar and the history entry (a screenshot of the bar, a shared screen, a
 * bookmark or the browser's history no longer carry it); a reload finds it in this tab's session
 * storage.
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
if (token) {
  el.token = token;
} else {
  el.hidden = true;
  document.querySelector('.missing').hidden = false;
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
