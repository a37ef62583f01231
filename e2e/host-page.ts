/**
 * An integrator's own page on its own origin, as the README tells them to write it: one script
 * tag from the service, one element.
 */
import { createServer, type Server } from 'node:http';

export interface HostPage {
  origin: string;
  /** Points the page at a service (the service must allow this page's origin first). */
  use(serviceUrl: string, signallingUrl: string): void;
  url(token: string): string;
  close(): Promise<void>;
}

export async function startHostPage(): Promise<HostPage> {
  let serviceUrl = '';
  let signallingUrl = '';
  const server: Server = createServer((req, res) => {
    const token = new URL(req.url ?? '/', 'http://x').searchParams.get('token') ?? '';
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(`<!doctype html><html><head><title>Acme support</title>
<script type="module" src="${serviceUrl}/sdk/video-session.js"></script></head>
<body><h1>Acme support</h1>
<video-session signalling-url="${signallingUrl}" token="${token}" style="width:640px;height:480px"></video-session>
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
    url: (token) => `${origin}/?token=${encodeURIComponent(token)}`,
    close: () => new Promise((r) => server.close(() => r())),
  };
}
