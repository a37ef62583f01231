/**
 * `/v1/webhook` (API key): the endpoint's state and queue, every event's delivery record, replays
 * of dead letters (or of any event, e.g. one the helpdesk lost), and switching delivery back on
 * after a `410 Gone`.
 */
import { Hono } from 'hono';
import type { WebhookEventView, WebhookStatusView } from '../../src/rest.js';
import type { ServerConfig } from '../config.js';
import type { TokenService } from '../sessions/tokens.js';
import type { DeliveryStatus, OutboxRow, OutboxStore } from '../store/store.js';
import type { Outbox } from '../webhooks/outbox.js';
import { redactUrl } from '../webhooks/webhook.js';
import { authMiddlewares, problemResponse, type Env } from './http.js';

export interface WebhooksApiDeps {
  config: ServerConfig;
  tokens: TokenService;
  store: OutboxStore;
  /** Null when no webhook URL is configured. */
  outbox: Outbox | null;
}

const STATUSES: readonly DeliveryStatus[] = ['pending', 'delivered', 'dead'];

export function webhooksApi({ config, tokens, store, outbox }: WebhooksApiDeps): Hono<Env> {
  const { hostOnly } = authMiddlewares(config.apiKey, tokens);
  const api = new Hono<Env>();
  api.use(hostOnly);

  const status = async (): Promise<WebhookStatusView> => {
    const state = config.webhook ? await store.endpointState(config.webhook.url) : null;
    const oldest = await store.oldestPending();
    return {
      // Basic credentials in the URL are the helpdesk's secret: never shown.
      url: config.webhook ? redactUrl(config.webhook.url) : null,
      enabled: outbox?.enabled ?? false,
      disabledAt: state ? new Date(state.disabledAt).toISOString() : null,
      disabledReason: state?.reason ?? null,
      ...(await store.counts()),
      oldestPendingAt: oldest === null ? null : new Date(oldest).toISOString(),
    };
  };

  api.get('/', async (c) => c.json(await status()));

  api.post('/enable', async (c) => {
    if (!outbox)
      return problemResponse(
        c,
        'ERR_NOT_FOUND',
        'no webhook endpoint is configured (VS_WEBHOOK_URL)',
      );
    await outbox.enable();
    return c.json(await status());
  });

  api.get('/events', async (c) => {
    const wanted = c.req.query('status');
    if (wanted !== undefined && !STATUSES.includes(wanted as DeliveryStatus)) {
      return problemResponse(c, 'ERR_BODY_INVALID', `?status= is one of ${STATUSES.join(', ')}`);
    }
    const limit = Number(c.req.query('limit') ?? 100);
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000) {
      return problemResponse(c, 'ERR_BODY_INVALID', '?limit= is 1 to 1000');
    }
    const rows = await store.list({
      ...(wanted ? { status: wanted as DeliveryStatus } : {}),
      ...(c.req.query('sessionId') ? { sessionId: c.req.query('sessionId')! } : {}),
      limit,
    });
    return c.json({ events: rows.map(eventView) });
  });

  api.get('/events/:id', async (c) => {
    const row = await store.get(c.req.param('id'));
    if (!row) return problemResponse(c, 'ERR_NOT_FOUND', 'no such event');
    return c.json({ ...eventView(row), body: JSON.parse(row.body) as unknown });
  });

  api.post('/events/:id/replay', async (c) => {
    if (!outbox)
      return problemResponse(
        c,
        'ERR_NOT_FOUND',
        'no webhook endpoint is configured (VS_WEBHOOK_URL)',
      );
    const replayed = await outbox.replay({ id: c.req.param('id') });
    if (replayed === 0) return problemResponse(c, 'ERR_NOT_FOUND', 'no such event');
    return c.json(eventView((await store.get(c.req.param('id')))!), 202);
  });

  api.post('/replay', async (c) => {
    if (!outbox)
      return problemResponse(
        c,
        'ERR_NOT_FOUND',
        'no webhook endpoint is configured (VS_WEBHOOK_URL)',
      );
    return c.json({ replayed: await outbox.replay({ status: 'dead' }) }, 202);
  });

  return api;
}

function eventView(r: OutboxRow): WebhookEventView {
  const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
  return {
    id: r.id,
    type: r.type,
    sessionId: r.sessionId,
    sequence: r.sequence,
    status: r.status,
    attempts: r.attempts,
    createdAt: iso(r.createdAt)!,
    nextAttemptAt: r.status === 'pending' ? iso(r.nextAttemptAt) : null,
    deliveredAt: iso(r.deliveredAt),
    lastStatus: r.lastStatus,
    lastError: r.lastError,
  };
}
