/**
 * An integrator's own page on its own origin, as the README tells them to write it: one script
 * tag from the service, one element.
 */
import { createServer, type Server } from 'node:http';

export interface HostPage {
  origin: string;
  /** Points the page at a service (the service must allow this page's origin first). */
  use(serviceUrl: string, signallingUrl: string): void;
  /** The page for `token`; `css` is added to the page (element size, `::part` rules). */
  url(token: string, css?: string): string;
  close(): Promise<void>;
}

export async function startHostPage(): Promise<HostPage> {
  let serviceUrl = '';
  let signallingUrl = '';
  const server: Server = createServer((req, res) => {
    const params = new URL(req.url ?? '/', 'http://x').searchParams;
    const token = params.get('token') ?? '';
    const css = (params.get('css') ?? '').replace(/</g, '');
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(`<!doctype html><html><head><title>Acme support</title>
<style>video-session { width: 640px; height: 480px } ${css}</style>
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
    url: (token, css) =>
      `${origin}/?token=${encodeURIComponent(token)}${css ? `&css=${encodeURIComponent(css)}` : ''}`,
    close: () => new Promise((r) => server.close(() => r())),
  };
}
