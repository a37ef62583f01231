/**
 * Starts the whole demo in one process: the signalling service (embedded defaults: SQLite in the
 * data dir, no other server) and the demo helpdesk that talks to it over HTTP.
 */
import { serve, type ServerType } from '@hono/node-server';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { startServer, type RunningServer, type StartOptions } from '../signalling/node.js';
import { createHelpdesk } from './helpdesk.js';
import { openTicketStore } from './ticket-store.js';
import { TimelineHub } from './timeline.js';
import { webhookRoutes, type WebhookStats } from './webhooks.js';

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
  /** What the helpdesk's webhook endpoint accepted, ignored as duplicates, and refused. */
  webhooks: WebhookStats;
  close(): Promise<void>;
}

export async function startDemo(options: DemoOptions = {}): Promise<RunningDemo> {
  const host = options.host ?? '127.0.0.1';
  const dataDir = resolve(options.service?.dataDir ?? 'data');
  mkdirSync(dataDir, { recursive: true });
  const tickets = openTicketStore(dataDir);

  // The service signs its webhooks with this secret and posts them to the helpdesk (unless
  // VS_WEBHOOK_URL points elsewhere); it is kept in the data dir so queued events still verify
  // after a restart.
  const webhookSecrets = options.service?.webhookSecrets ?? [readOrCreateWebhookSecret(dataDir)];
  const webhooks = webhookRoutes({ tickets, hub: new TimelineHub(), secrets: webhookSecrets });

  // The helpdesk listens first, so the service can allow its origin and post to it at once.
  let handler: (req: Request) => Response | Promise<Response> = (req) => webhooks.app.fetch(req);
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
    webhookUrl: `http://127.0.0.1:${helpdesk.port}/webhooks`,
    ...options.service,
    webhookSecrets,
    apiKey,
    dataDir,
    allowedOrigins: [...(options.service?.allowedOrigins ?? []), ...helpdeskOrigins],
  });
  const app = createHelpdesk({
    tickets,
    webhooks,
    serviceUrl: service.url,
    publicServiceUrl: service.config.publicUrl.href,
    apiKey,
  });
  handler = (req) => app.fetch(req);

  return {
    helpdeskUrl: `http://localhost:${helpdesk.port}`,
    service,
    webhooks: webhooks.stats,
    async close() {
      await new Promise<void>((done) => helpdesk.server.close(() => done()));
      await service.close();
      tickets.close();
    },
  };
}

/** The demo's webhook secret, generated once into the data dir. */
function readOrCreateWebhookSecret(dataDir: string): string {
  const file = join(dataDir, 'webhook-secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const secret = `whsec_${randomBytes(32).toString('base64')}`;
  writeFileSync(file, secret + '\n', { mode: 0o600, flag: 'wx' });
  return secret;
}
