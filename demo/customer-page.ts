/**
 * The customer's side of the demo: their ticket in a customer portal, with the `<video-help-button>`
 * the helpdesk backend armed with a request token for this ticket (minted per page view, so the key
 * never sits in the page's source for long and names the ticket and customer itself).
 */
import { html } from 'hono/html';
import { layout, type Html } from './pages.js';
import type { Ticket } from './ticket-store.js';

export interface CustomerPageView {
  ticket: Ticket;
  requestToken: string;
  serviceUrl: string;
  widgetScriptUrl: string;
}

export function customerPage(v: CustomerPageView): Html {
  return layout(
    `Help with ${v.ticket.id}`,
    html`<script type="module" src="${v.widgetScriptUrl}"></script>
      <section class="card">
        <p class="muted">Customer portal · ${v.ticket.customerName}</p>
        <h1>${v.ticket.subject}</h1>
        <p>
          Ticket ${v.ticket.id}. Easier to show than to explain? Ask for a video call: an agent
          accepts it as soon as one is free, and you see each other in the browser.
        </p>
        <video-help-button
          service-url="${v.serviceUrl}"
          request-token="${v.requestToken}"
        ></video-help-button>
      </section>`,
  );
}
