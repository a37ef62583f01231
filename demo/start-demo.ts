/**
 * Starts the whole demo in one process: the signalling service (embedded defaults: SQLite in the
 * data dir, no other server) and the demo helpdesk that talks to it over HTTP.
 */
import { serve, type ServerType } from '@hono/node-server';
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { startServer, type RunningServer, type StartOptions } from '../signalling/node.js';
import { createHelpdesk } from './helpdesk.js';
import { openTicketStore } from './ticket-store.js';

export interface DemoOptions {
  /** Where the helpdesk listens (`DEMO_PORT`, default 3000; 0 picks one). */
  port?: number;
  host?: string;
  /** Options for the signalling service (defaults: `PORT` 8080, data in ./data). */
  service?: StartOptions;
}

export interface RunningDemo {
  helpdeskUrl: string;
  service: RunningServer;
  close(): Promise<void>;
}

export async function startDemo(options: DemoOptions = {}): Promise<RunningDemo> {
  const host = options.host ?? '127.0.0.1';
  const dataDir = resolve(options.service?.dataDir ?? 'data');
  mkdirSync(dataDir, { recursive: true });
  const tickets = openTicketStore(dataDir);

  // The helpdesk listens first, so the service can allow its origin.
  let handler: (req: Request) => Response | Promise<Response> = () =>
    new Response('starting', { status: 503 });
  const helpdesk = await new Promise<{ server: ServerType; port: number }>((done) => {
    const server = serve(
      { fetch: (req) => handler(req), port: options.port ?? 3000, hostname: host },
      (info) => done({ server, port: info.port }),
    );
  });
  const helpdeskOrigins = [
    `http://localhost:${helpdesk.port}`,
    `http://127.0.0.1:${helpdesk.port}`,
  ];

  const apiKey = options.service?.apiKey ?? randomBytes(24).toString('base64url');
  const service = await startServer({
    ...options.service,
    apiKey,
    dataDir,
    allowedOrigins: [...(options.service?.allowedOrigins ?? []), ...helpdeskOrigins],
  });
  const app = createHelpdesk({
    tickets,
    serviceUrl: service.url,
    publicServiceUrl: service.config.publicUrl.href,
    apiKey,
  });
  handler = (req) => app.fetch(req);

  return {
    helpdeskUrl: `http://localhost:${helpdesk.port}`,
    service,
    async close() {
      await new Promise<void>((done) => helpdesk.server.close(() => done()));
      await service.close();
      tickets.close();
    },
  };
}
