/**
 * An integrator's own page on its own origin, as the README tells them to write it: one script
 * tag from the service, one element.
 */
import { createServer, type Server } from 'node:http';

export interface HostPage {
  origin: string;
  /** Points the page at a service (the service must allow this page's origin first). */
  use(serviceUrl: string, signallingUrl: string): void;
  /**
   * The page for `token`; `css` is added to the page (element size, `::part` rules). With `csp`,
   * the page is served with that `Content-Security-Policy` header (`{service}` and `{signal}`
   * stand for the service's origin and its WebSocket origin), and its own CSS is a file.
   */
  url(token: string, css?: string, csp?: string): string;
  close(): Promise<void>;
}

export async function startHostPage(): Promise<HostPage> {
  let serviceUrl = '';
  let signallingUrl = '';
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const params = url.searchParams;
    const token = params.get('token') ?? '';
    const css = `video-session { width: 640px; height: 480px } ${(params.get('css') ?? '').replace(/</g, '')}`;
    if (url.pathname === '/page.css') {
      res.writeHead(200, { 'content-type': 'text/css; charset=utf-8' });
      return void res.end(css);
    }
    const csp = params.get('csp');
    res.writeHead(200, {
      'content-type': 'text/html; charset=utf-8',
      ...(csp
        ? {
            'content-security-policy': csp
              .replaceAll('{service}', new URL(serviceUrl).origin)
              .replaceAll('{signal}', new URL(signallingUrl).origin),
          }
        : {}),
    });
    const style = csp
      ? `<link rel="stylesheet" href="/page.css?css=${encodeURIComponent(params.get('css') ?? '')}">`
      : `<style>${css}</style>`;
    res.end(`<!doctype html><html><head><title>Acme support</title>
${style}
<script type="module" src="${serviceUrl}/sdk/video-session.js"></script></head>
<body><h1>Acme support</h1>
<video-session signalling-url="${signallingUrl}" token="${token}"></video-session>
</body></html>`);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  const origin = `http://127.0.0.1:${port}`;
  return {
    origin,
    use(service, signalling) {
      serviceUrl = service;
      signallingUrl = signalling;
    },
    url: (token, css, csp) =>
      `${origin}/?token=${encodeURIComponent(token)}${css ? `&css=${encodeURIComponent(css)}` : ''}` +
      (csp ? `&csp=${encodeURIComponent(csp)}` : ''),
    close: () => new Promise((r) => server.close(() => r())),
  };
}
