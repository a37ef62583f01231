/**
 * A ticket, as the agent sees it: its video sessions (with their visibility), the requests waiting
 * for an agent (accept or decline), and the timeline the webhooks tell, kept live by server-sent
 * events. Values are escaped by hono/html on the server and set as text by the page's script.
 */
import { html, raw } from 'hono/html';
import type { SessionEvent } from '../src/events.js';
import type { FileInfo } from '../src/rest.js';
import { MEDIA_SCRIPT, mediaOfFile, mediaSection } from './media.js';
import { layout, type Html } from './pages.js';
import { timelineEntry, type TimelineEntry } from './timeline.js';
import type { Ticket, TicketSession } from './ticket-store.js';
import type { WebhookStats } from './webhooks.js';

export interface TicketPageView {
  ticket: Ticket;
  sessions: TicketSession[];
  events: SessionEvent[];
  /** The files of the ticket's sessions, from the service (with fresh links). */
  files: FileInfo[];
  webhooks: WebhookStats;
}

/** Requests nobody has accepted, declined or cancelled yet. */
function pendingRequests(events: SessionEvent[]): Set<string> {
  const pending = new Set<string>();
  for (const e of events) {
    if (e.type === 'session.requested') pending.add(e.sessionId);
    else if (e.type === 'session.created' || e.type === 'session.ended')
      pending.delete(e.sessionId);
  }
  return pending;
}

function visibilityOf(events: SessionEvent[], sessionId: string): string {
  let visibility = 'public';
  for (const e of events) if (e.sessionId === sessionId) visibility = e.visibility;
  return visibility;
}

function requestActions(ticketId: string, sessionId: string) {
  return html`<form method="post" action="/tickets/${ticketId}/requests/${sessionId}/accept">
      <button class="small" data-action="accept">Accept</button>
    </form>
    <form method="post" action="/tickets/${ticketId}/requests/${sessionId}/decline">
      <button class="small secondary">Decline</button>
    </form>`;
}

function entryItem(ticketId: string, entry: TimelineEntry, pending: boolean) {
  return html`<li data-id="${entry.id}" data-session="${entry.sessionId}" data-type="${entry.type}">
    <time datetime="${entry.at}">${new Date(entry.at).toLocaleTimeString('en-GB')}</time>
    <span>${entry.text}</span>
    ${entry.internal ? html`<span class="tag">internal</span>` : ''}
    ${pending ? requestActions(ticketId, entry.sessionId) : ''}
  </li>`;
}

export function ticketPage(v: TicketPageView): Html {
  const { ticket, events } = v;
  const pending = pendingRequests(events);
  return layout(
    ticket.id,
    html`<section class="card">
        <p class="muted"><a href="/">Tickets</a> / ${ticket.id}</p>
        <h1>${ticket.subject}</h1>
        <p>Customer: <strong>${ticket.customerName}</strong></p>
        <form class="inline" method="post" action="/tickets/${ticket.id}/sessions">
          <button data-action="start-video">Start video session</button>
          <a class="button secondary" href="/help/${ticket.id}" target="_blank" rel="noopener"
            >Open the customer's page</a
          >
        </form>
        <h2>Video sessions</h2>
        ${
          v.sessions.length === 0
            ? html`<p class="muted">None yet.</p>`
            : html`<ul class="sessions">
                ${v.sessions.map((s) => {
                  const visibility = visibilityOf(events, s.id);
                  const next = visibility === 'internal' ? 'public' : 'internal';
                  return html`<li>
                    <a href="/tickets/${ticket.id}/sessions/${s.id}">${s.id}</a>
                    <span class="muted">${new Date(s.createdAt).toLocaleString('en-GB')}</span>
                    <span class="tag">${visibility}</span>
                    <form method="post" action="/tickets/${ticket.id}/sessions/${s.id}/visibility">
                      <input type="hidden" name="visibility" value="${next}" />
                      <button class="small secondary">Make ${next}</button>
                    </form>
                  </li>`;
                })}
              </ul>`
        }
      </section>
      ${mediaSection(v.files.map(mediaOfFile))}
      <section class="card">
        <h2>Timeline</h2>
        <ol class="timeline" data-timeline data-ticket="${ticket.id}">
          ${events.map((e) => entryItem(ticket.id, timelineEntry(e), pending.has(e.sessionId) && e.type === 'session.requested'))}
        </ol>
        <p class="muted" data-webhook-stats>
          Webhooks: ${v.webhooks.accepted} verified and kept, ${v.webhooks.duplicates} duplicates
          ignored, ${v.webhooks.rejected} refused (since the demo started).
        </p>
      </section>
      ${raw(LIVE_SCRIPT)}`,
  );
}

/**
 * Appends lines as the service's webhooks arrive; offers Accept/Decline on open requests; shows
 * new screenshots and recordings and takes deleted ones away.
 */
const LIVE_SCRIPT = `<script type="module">${MEDIA_SCRIPT}
const list = document.querySelector('[data-timeline]');
const ticket = list.dataset.ticket;
const source = new EventSource('/tickets/' + encodeURIComponent(ticket) + '/timeline/stream');
const button = (text, action, secondary) => {
  const form = document.createElement('form');
  form.method = 'post';
  form.action = '/tickets/' + encodeURIComponent(ticket) + '/requests/' + encodeURIComponent(action.session) + '/' + action.verb;
  const b = document.createElement('button');
  b.className = secondary ? 'small secondary' : 'small';
  if (!secondary) b.dataset.action = 'accept';
  b.textContent = text;
  form.append(b);
  return form;
};
source.addEventListener('timeline', (message) => {
  const entry = JSON.parse(message.data);
  if (entry.media) applyMedia(entry.media);
  if (entry.type === 'session.created' || entry.type === 'session.ended') {
    for (const form of list.querySelectorAll('li[data-session="' + CSS.escape(entry.sessionId) + '"] form')) form.remove();
  }
  if (list.querySelector('li[data-id="' + CSS.escape(entry.id) + '"]')) return;
  const li = document.createElement('li');
  li.dataset.id = entry.id;
  li.dataset.session = entry.sessionId;
  li.dataset.type = entry.type;
  const time = document.createElement('time');
  time.dateTime = entry.at;
  time.textContent = new Date(entry.at).toLocaleTimeString('en-GB');
  const text = document.createElement('span');
  text.textContent = entry.text;
  li.append(time, text);
  if (entry.internal) {
    const tag = document.createElement('span');
    tag.className = 'tag';
    tag.textContent = 'internal';
    li.append(tag);
  }
  if (entry.type === 'session.requested') {
    li.append(button('Accept', { session: entry.sessionId, verb: 'accept' }), button('Decline', { session: entry.sessionId, verb: 'decline' }, true));
  }
  list.append(li);
});
</script>`;
