/**
 * The bench's baseline: the bare path with nothing of ours in it. A raw `ws` relay for rooms of
 * two (no auth, no framework, no validation) and a page that uses the same peer library directly.
 */
import { build } from 'esbuild';
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import { WebSocketServer, type WebSocket } from 'ws';

export interface Baseline {
  url: string;
  close(): Promise<void>;
}

export async function startBaseline(): Promise<Baseline> {
  const bundle = await build({
    entryPoints: [fileURLToPath(new URL('./page.ts', import.meta.url))],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    write: false,
    minify: true,
    define: { global: 'globalThis', 'process.env.NODE_ENV': '"production"' },
  });
  const script = bundle.outputFiles[0]!.text;
  const server = createServer((req, res) => {
    if (req.url?.startsWith('/page.js')) {
      res.writeHead(200, { 'content-type': 'text/javascript' });
      return res.end(script);
    }
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end(
      '<!doctype html><video id="remote" autoplay playsinline></video><script type="module" src="/page.js"></script>',
    );
  });
  const rooms = new Map<string, Set<WebSocket>>();
  const wss = new WebSocketServer({ server });
  wss.on('connection', (ws, req) => {
    const room = new URL(req.url ?? '/', 'http://x').searchParams.get('room') ?? '';
    const peers = rooms.get(room) ?? new Set<WebSocket>();
    rooms.set(room, peers);
    peers.add(ws);
    if (peers.size === 2) {
      let initiator = true;
      for (const p of peers) {
        p.send(JSON.stringify({ type: 'ready', initiator }));
        initiator = false;
      }
    }
    ws.on('message', (data) => {
      for (const p of peers) if (p !== ws) p.send(data.toString());
    });
    ws.on('close', () => peers.delete(ws));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((r) => {
        for (const ws of wss.clients) ws.terminate();
        wss.close();
        server.close(() => r());
      }),
  };
}
