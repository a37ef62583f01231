/** The demo helpdesk's pages: plain server-rendered HTML (hono/html escapes every value). */
import { html, raw } from 'hono/html';
import type { HtmlEscapedString } from 'hono/utils/html';
import type { Ticket, TicketSession } from './ticket-store.js';

export type Html = HtmlEscapedString | Promise<HtmlEscapedString>;

const STYLE = raw(`<style>
*{box-sizing:border-box}body{margin:0;font:15px/1.5 system-ui,sans-serif;color:#0f172a;background:#f1f5f9}
header{background:#0f172a;color:#fff;padding:12px 24px;display:flex;gap:16px;align-items:baseline}
header a{color:#fff;text-decoration:none;font-weight:600}header small{opacity:.7}
main{max-width:1100px;margin:24px auto;padding:0 24px}
.card{background:#fff;border-radius:12px;padding:20px;box-shadow:0 1px 3px rgb(0 0 0/.08);margin-bottom:20px}
table{width:100%;border-collapse:collapse}td,th{text-align:left;padding:8px;border-bottom:1px solid #e2e8f0}
a{color:#2563eb}button,.button{font:inherit;padding:8px 16px;border-radius:8px;border:0;background:#2563eb;color:#fff;cursor:pointer;text-decoration:none;display:inline-block}
input{font:inherit;padding:7px 10px;border:1px solid #cbd5e1;border-radius:8px}
form.inline{display:flex;gap:8px;flex-wrap:wrap}
.console{display:grid;grid-template-columns:minmax(0,2fr) minmax(260px,1fr);gap:20px}
video-session{height:520px}.invite{word-break:break-all;font-family:ui-monospace,monospace;font-size:13px;background:#f8fafc;padding:8px;border-radius:8px}
.muted{color:#64748b}
.secondary{background:#fff;color:#0f172a;border:1px solid #cbd5e1}button.small,.button.small{padding:4px 10px;font-size:13px}
.timeline{list-style:none;padding:0;margin:0}.timeline li{display:flex;gap:12px;align-items:baseline;flex-wrap:wrap;padding:8px 0;border-bottom:1px solid #e2e8f0}
.timeline time{color:#64748b;font-variant-numeric:tabular-nums;min-width:6em}.timeline .tag{font-size:12px;padding:1px 8px;border-radius:999px;background:#fef3c7;color:#92400e}
.timeline form{display:inline-flex;gap:6px}.sessions li{display:flex;gap:12px;align-items:center;flex-wrap:wrap;padding:4px 0}
video-help-button{margin-top:8px}
.media{list-style:none;padding:0;margin:0;display:grid;grid-template-columns:repeat(auto-fill,minmax(240px,1fr));gap:16px}
.media figure{margin:0}.media img,.media video{width:100%;border-radius:8px;background:#0f172a;display:block}
.media figcaption{font-size:13px;margin-top:4px;word-break:break-all}
@media (max-width:800px){.console{grid-template-columns:1fr}}
</style>`);

export function layout(title: string, body: Html): Html {
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>${title} · Demo helpdesk</title>
        ${STYLE}
      </head>
      <body>
        <header>
          <a href="/">Demo helpdesk</a><small>a stand-in for your ticket system</small>
        </header>
        <main>${body}</main>
      </body>
    </html>`;
}

export function ticketListPage(tickets: Ticket[]): Html {
  return layout(
    'Tickets',
    html`<section class="card">
        <h1>Tickets</h1>
        <table>
          <thead>
            <tr>
              <th>Ticket</th>
              <th>Subject</th>
              <th>Customer</th>
            </tr>
          </thead>
          <tbody>
            ${tickets.map(
              (t) =>
                html`<tr>
                  <td><a href="/tickets/${t.id}">${t.id}</a></td>
                  <td>${t.subject}</td>
                  <td>${t.customerName}</td>
                </tr>`,
            )}
          </tbody>
        </table>
      </section>
      <section class="card">
        <h2>New ticket</h2>
        <form class="inline" method="post" action="/tickets">
          <input name="subject" placeholder="Subject" required maxlength="200" />
          <input name="customer" placeholder="Customer name" required maxlength="120" />
          <button>Create ticket</button>
        </form>
      </section>`,
  );
}

export interface ConsoleView {
  ticket: Ticket;
  session: TicketSession;
  agentToken: string;
  signallingUrl: string;
  widgetScriptUrl: string;
}

export function agentConsolePage(v: ConsoleView): Html {
  return layout(
    `${v.ticket.id} video`,
    html`<script type="module" src="${v.widgetScriptUrl}"></script>
      <p class="muted">
        <a href="/">Tickets</a> / <a href="/tickets/${v.ticket.id}">${v.ticket.id}</a> / video
      </p>
      <div class="console">
        <section class="card">
          <video-session
            auto-start
            signalling-url="${v.signallingUrl}"
            token="${v.agentToken}"
          ></video-session>
        </section>
        <aside class="card">
          ${
            v.session.inviteUrl
              ? html`<h2>Invite ${v.ticket.customerName}</h2>
                  <p>
                    Send this link by SMS, e-mail or chat. It opens the call in the browser, no
                    install.
                  </p>
                  <p class="invite" data-invite>${v.session.inviteUrl}</p>
                  <p>
                    <button type="button" data-copy>Copy link</button>
                    <a class="button" href="${v.session.inviteUrl}" target="_blank" rel="noopener"
                      >Open as customer</a
                    >
                  </p>`
              : html`<h2>${v.ticket.customerName} asked for this call</h2>
                  <p>They wait on their page and join as soon as you accepted: no link to send.</p>`
          }
          <p class="muted">Session ${v.session.id}</p>
        </aside>
      </div>
      <script type="module">
        const button = document.querySelector('[data-copy]');
        button?.addEventListener('click', async () => {
          await navigator.clipboard.writeText(
            document.querySelector('[data-invite]').textContent.trim(),
          );
          button.textContent = 'Copied';
        });
      </script>`,
  );
}

export function errorPage(status: number, message: string): Html {
  return layout(
    'Error',
    html`<section class="card">
      <h1>${status}</h1>
      <p>${message}</p>
    </section>`,
  );
}
