/**
 * The demo helpdesk: a little ticket system that uses the service as a real customer would, with
 * its API key over HTTP. Start a video session from a ticket, get the agent console and the invite.
 */
import { Hono } from 'hono';
import type { CreatedSession } from '../src/rest.js';
import { agentConsolePage, errorPage, ticketListPage, ticketPage } from './pages.js';
import type { TicketStore } from './ticket-store.js';

export interface HelpdeskOptions {
  tickets: TicketStore;
  /** The service's base URL as the helpdesk backend reaches it (for REST). */
  serviceUrl: string;
  /** The service's base URL as browsers reach it (for the widget script and the WebSocket). */
  publicServiceUrl: string;
  apiKey: string;
}

export function createHelpdesk(opts: HelpdeskOptions): Hono {
  const { tickets } = opts;
  const app = new Hono();
  const publicUrl = new URL(opts.publicServiceUrl);
  const signallingUrl = new URL('/v1/signal', publicUrl);
  signallingUrl.protocol = publicUrl.protocol === 'https:' ? 'wss:' : 'ws:';

  const api = async <T>(path: string, body: unknown): Promise<T> => {
    const res = await fetch(new URL(path, opts.serviceUrl), {
      method: 'POST',
      headers: { authorization: `Bearer ${opts.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
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

  app.get('/tickets/:id', (c) => {
    const ticket = tickets.getTicket(c.req.param('id'));
    if (!ticket) return c.html(errorPage(404, 'No such ticket.'), 404);
    return c.html(ticketPage(ticket, tickets.sessionsOf(ticket.id)));
  });

  app.post('/tickets/:id/sessions', async (c) => {
    const ticket = tickets.getTicket(c.req.param('id'));
    if (!ticket) return c.html(errorPage(404, 'No such ticket.'), 404);
    const created = await api<CreatedSession>('/v1/sessions', {
      ticketId: ticket.id,
      agent: { id: 'agent-1', name: 'Sam (Support)' },
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
