/**
 * The demo helpdesk's webhook endpoint and the live timeline: every delivery's signature is
 * verified over the raw body before anything else, each `webhook-id` is kept once (a retry or a
 * replay is answered 2xx and changes nothing), and new events are pushed to the ticket pages that
 * are open, as server-sent events.
 */
import { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import { parseSessionEvent } from '../src/events.js';
import { timelineEntry, type TimelineEntry, type TimelineHub } from './timeline.js';
import type { TicketStore } from './ticket-store.js';
import { verifyWebhook } from './verify-webhook.js';

export interface WebhookRoutesOptions {
  tickets: TicketStore;
  hub: TimelineHub;
  /** The `whsec_...` secrets the service signs with (several while rotating). */
  secrets: readonly string[];
}

/** What the endpoint saw, for the curious (and the tests). */
export interface WebhookStats {
  accepted: number;
  duplicates: number;
  rejected: number;
}

export function webhookRoutes(opts: WebhookRoutesOptions): { app: Hono; stats: WebhookStats } {
  const { tickets, hub } = opts;
  const stats: WebhookStats = { accepted: 0, duplicates: 0, rejected: 0 };
  const app = new Hono();

  app.post('/webhooks', async (c) => {
    const body = await c.req.text();
    const headers = {
      id: c.req.header('webhook-id'),
      timestamp: c.req.header('webhook-timestamp'),
      signature: c.req.header('webhook-signature'),
    };
    const verdicts = opts.secrets.map((s) => verifyWebhook(s, headers, body));
    if (!verdicts.some((v) => v.ok)) {
      stats.rejected++;
      const reason = verdicts.map((v) => (v.ok ? '' : v.reason)).join('; ');
      return c.json({ error: `signature refused: ${reason}` }, 400);
    }
    const parsed = parseSessionEvent(JSON.parse(body));
    if (!parsed.ok) {
      stats.rejected++;
      return c.json({ error: parsed.reason }, 422);
    }
    const event = parsed.value;
    if (!tickets.recordEvent(event, body)) {
      stats.duplicates++;
      return c.body(null, 200);
    }
    stats.accepted++;
    hub.publish(event.ticketId, timelineEntry(event));
    return c.body(null, 204);
  });

  // The ticket page listens here: first what is known, then each new line as it arrives.
  app.get('/tickets/:id/timeline/stream', (c) => {
    const ticketId = c.req.param('id');
    return streamSSE(c, async (stream) => {
      const queue: TimelineEntry[] = tickets.timeline(ticketId).map(timelineEntry);
      let wake: (() => void) | null = null;
      const stop = hub.watch(ticketId, (entry) => {
        queue.push(entry);
        wake?.();
      });
      stream.onAbort(() => {
        stop();
        wake?.();
      });
      while (!stream.aborted) {
        for (const entry of queue.splice(0)) {
          await stream.writeSSE({ event: 'timeline', id: entry.id, data: JSON.stringify(entry) });
        }
        await new Promise<void>((resolve) => {
          // A comment every 15 s keeps proxies from closing an idle stream.
          const timer = setTimeout(resolve, 15_000);
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        wake = null;
        if (queue.length === 0 && !stream.aborted) await stream.write(': keep-alive\n\n');
      }
      stop();
    });
  });

  return { app, stats };
}
