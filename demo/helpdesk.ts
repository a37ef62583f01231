/**
 * The demo helpdesk: a little ticket system that uses the service as a real customer would, with
 * its API key over HTTP. Start a video session from a ticket (or accept a customer's request), get
 * the agent console and the invite; receive the service's webhooks and show each ticket's timeline.
 */
import { Hono } from 'hono';
import type { AcceptedSession, CreatedSession, FileList } from '../src/rest.js';
import { customerPage } from './customer-page.js';
import { agentConsolePage, errorPage, ticketListPage } from './pages.js';
import { ticketPage } from './ticket-page.js';
import type { TicketStore } from './ticket-store.js';
import type { WebhookStats } from './webhooks.js';

const AGENT = { id: 'agent-1', name: 'Sam (Support)' };

export interface HelpdeskOptions {
  tickets: TicketStore;
  /** The webhook endpoint and live timeline (`webhookRoutes`), made before the service starts. */
  webhooks: { app: Hono; stats: WebhookStats };
  /** The service's base URL as the helpdesk backend reaches it (for REST). */
  serviceUrl: string;
  /** The service's base URL as browsers reach it (for the widget script and the WebSocket). */
  publicServiceUrl: string;
  apiKey: string;
}

export function createHelpdesk(opts: HelpdeskOptions): Hono {
  const { tickets, webhooks } = opts;
  const app = new Hono();
  app.route('/', webhooks.app);
  const publicUrl = new URL(opts.publicServiceUrl);
  const signallingUrl = new URL('/v1/signal', publicUrl);
  signallingUrl.protocol = publicUrl.protocol === 'https:' ? 'wss:' : 'ws:';

  const api = async <T>(path: string, body: unknown, method = 'POST'): Promise<T> => {
    const res = await fetch(new URL(path, opts.serviceUrl), {
      method,
      headers: {
        authorization: `Bearer ${opts.apiKey}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  };

  app.get('/', (c) => c.html(ticketListPage(tickets.listTickets())));

  app.post('/tickets', async (c) => {
    const form = await c.req.parseBody();
    const subject = String(form.subject ?? '')
      .trim()
      .slice(0, 200);
    const customer = String(form.customer ?? '')
      .trim()
      .slice(0, 120);
    if (!subject || !customer)
      return c.html(errorPage(400, 'Subject and customer are required.'), 400);
    const ticket = tickets.createTicket(subject, customer);
    return c.redirect(`/tickets/${ticket.id}`, 303);
  });

  app.get('/tickets/:id', async (c) => {
    const ticket = tickets.getTicket(c.req.param('id'));
    if (!ticket) return c.html(errorPage(404, 'No such ticket.'), 404);
    const sessions = tickets.sessionsOf(ticket.id);
    // Each session's screenshots and recordings, with links fresh for this page view.
    const files = await Promise.all(
      sessions.map((s) =>
        api<FileList>(`/v1/sessions/${s.id}/files`, undefined, 'GET')
          .then((l) => l.files)
          .catch(() => []),
      ),
    );
    return c.html(
      ticketPage({
        ticket,
        sessions,
        events: tickets.timeline(ticket.id),
        files: files.flat().sort((x, y) => x.createdAt.localeCompare(y.createdAt)),
        webhooks: webhooks.stats,
      }),
    );
  });

  // The agent takes a customer's request: the customer, waiting on their page, joins the call.
  app.post('/tickets/:id/requests/:sid/accept', async (c) => {
    const ticket = tickets.getTicket(c.req.param('id'));
    if (!ticket) return c.html(errorPage(404, 'No such ticket.'), 404);
    const id = c.req.param('sid');
    const accepted = await api<AcceptedSession>(`/v1/sessions/${id}/accept`, {
      agent: AGENT,
    }).catch(() => null);
    if (!accepted || accepted.ticketId !== ticket.id) {
      return c.html(errorPage(409, 'This request is no longer waiting for an agent.'), 409);
    }
    tickets.addSession({ id, ticketId: ticket.id, inviteUrl: '', createdAt: Date.now() });
    return c.redirect(`/tickets/${ticket.id}/sessions/${id}`, 303);
  });

  app.post('/tickets/:id/requests/:sid/decline', async (c) => {
    await api(`/v1/sessions/${c.req.param('sid')}/decline`, { reason: 'no-agent-free' }).catch(
      () => null,
    );
    return c.redirect(`/tickets/${c.req.param('id')}`, 303);
  });

  app.post('/tickets/:id/sessions/:sid/visibility', async (c) => {
    const form = await c.req.parseBody();
    const visibility = form.visibility === 'internal' ? 'internal' : 'public';
    await api(`/v1/sessions/${c.req.param('sid')}`, { visibility }, 'PATCH');
    return c.redirect(`/tickets/${c.req.param('id')}`, 303);
  });

  // The customer's portal page for a ticket, with the help button.
  app.get('/help/:id', async (c) => {
    const ticket = tickets.getTicket(c.req.param('id'));
    if (!ticket) return c.html(errorPage(404, 'No such ticket.'), 404);
    const { token } = await api<{ token: string }>('/v1/request-tokens', {
      ticketId: ticket.id,
      customer: { name: ticket.customerName },
    });
    return c.html(
      customerPage({
        ticket,
        requestToken: token,
        serviceUrl: publicUrl.origin,
        widgetScriptUrl: new URL('/sdk/video-session.js', publicUrl).href,
      }),
    );
  });

  app.post('/tickets/:id/sessions', async (c) => {
    const ticket = tickets.getTicket(c.req.param('id'));
    if (!ticket) return c.html(errorPage(404, 'No such ticket.'), 404);
    const created = await api<CreatedSession>('/v1/sessions', {
      ticketId: ticket.id,
      agent: AGENT,
      customer: { name: ticket.customerName },
    });
    tickets.addSession({
      id: created.id,
      ticketId: ticket.id,
      inviteUrl: created.inviteUrl,
      createdAt: Date.parse(created.createdAt),
    });
    return c.redirect(`/tickets/${ticket.id}/sessions/${created.id}`, 303);
  });

  app.get('/tickets/:id/sessions/:sid', async (c) => {
    const ticket = tickets.getTicket(c.req.param('id'));
    const session = tickets.getSession(c.req.param('sid'));
    if (!ticket || !session || session.ticketId !== ticket.id) {
      return c.html(errorPage(404, 'No such session.'), 404);
    }
    // Agent tokens are short lived: mint a fresh one each time the console opens.
    const minted = await api<{ token: string }>(`/v1/sessions/${session.id}/tokens`, {
      role: 'agent',
    }).catch(() => null);
    if (!minted) return c.html(errorPage(410, 'This video session has ended.'), 410);
    return c.html(
      agentConsolePage({
        ticket,
        session,
        agentToken: minted.token,
        signallingUrl: signallingUrl.href,
        widgetScriptUrl: new URL('/sdk/video-session.js', publicUrl).href,
      }),
    );
  });

  return app;
}
