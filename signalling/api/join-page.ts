/**
 * The page a customer's invite link opens: the built widget on a plain branded page, no install.
 * The join token is read from the URL fragment (never sent to the server), then taken out of the
 * address bar and the history entry; scripts and styles are files, so the page runs under a strict
 * Content-Security-Policy with no inline code.
 */

const escape = (s: string) => s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

/** The join page for a widget that connects to `signallingUrl`. */
export function joinPage(signallingUrl: string, brand = 'Video help'): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${escape(brand)}</title>
<link rel="stylesheet" href="/sdk/join.css">
<script type="module" src="/sdk/video-session.js"></script>
<script type="module" src="/sdk/join.js"></script>
</head>
<body>
<header><span class="brand">${escape(brand)}</span></header>
<main>
<video-session signalling-url="${escape(signallingUrl)}"></video-session>
<p class="missing" hidden>This link is incomplete. Open the whole link from your invitation, or ask for a new one.</p>
</main>
<noscript>Video help needs JavaScript.</noscript>
</body>
</html>
`;
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
