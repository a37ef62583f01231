/**
 * The chat panel: both people's messages and files in order (a polite live log), a message field
 * (Enter sends, Shift+Enter is a new line), emoji, and files and photos with their progress; files
 * that arrived can be opened and downloaded.
 */
import { html, nothing, svg } from 'lit';
import type { ChatEntry } from './chat-log.js';
import { icon } from '../../icons.js';
import type { CallActions, CallView } from '../../views/call-view.js';

const emojiIcon = icon(
  svg`<circle cx="12" cy="12" r="9"/><path d="M8.5 14a4 4 0 0 0 7 0M9 9.5h.01M15 9.5h.01"/>`,
);
const paperclipIcon = icon(
  svg`<path d="M21 11.5l-8.6 8.6a5 5 0 0 1-7.1-7.1l8.6-8.6a3.5 3.5 0 0 1 5 5l-8.6 8.6a2 2 0 0 1-2.8-2.8l7.9-7.9"/>`,
);
const sendIcon = icon(svg`<path d="M22 2L11 13M22 2l-7 20-4-9-9-4z"/>`);

const EMOJI = [
  '👍',
  '👎',
  '🙂',
  '😀',
  '😂',
  '😉',
  '😮',
  '😢',
  '🙏',
  '👏',
  '👀',
  '✅',
  '❌',
  '❓',
  '⚠️',
  '🔧',
];

export function chatPanel(v: CallView, a: CallActions) {
  const { t } = v;
  const size = (n: number) =>
    new Intl.NumberFormat(t.locale, {
      style: 'unit',
      unit: n >= 1024 * 1024 ? 'megabyte' : 'kilobyte',
      maximumFractionDigits: 1,
    }).format(n >= 1024 * 1024 ? n / (1024 * 1024) : Math.max(0.1, n / 1024));
  const time = (at: number) =>
    new Intl.DateTimeFormat(t.locale, { hour: 'numeric', minute: '2-digit' }).format(at);
  const insert = (e: Event, text: string) => {
    const field = (e.currentTarget as HTMLElement).closest('section')!.querySelector('textarea')!;
    const at = field.selectionStart ?? field.value.length;
    field.setRangeText(text, at, field.selectionEnd ?? at, 'end');
    field.focus();
  };
  const submit = (e: Event) => {
    e.preventDefault();
    const field = (e.currentTarget as HTMLElement).closest('section')!.querySelector('textarea')!;
    a.sendMessage(field.value);
    field.value = '';
    field.focus();
  };
  return html`<section class="panel chat" part="chat" aria-label=${t.chat}>
    <div class="panel-head">
      <h2>${t.chat}</h2>
      <button class="link" @click=${() => a.togglePanel('chat')}>${t.closeChat}</button>
    </div>
    <div class="messages" role="log" aria-live="polite" aria-label=${t.chat}>
      ${
        v.chat.length === 0
          ? html`<p class="small">${t.chatEmpty}</p>`
          : html`<ol>
              ${v.chat.map((entry) => line(v, entry, size, time))}
            </ol>`
      }
    </div>
    ${
      v.emojiOpen
        ? html`<div class="emoji" role="group" aria-label=${t.emoji}>
            ${EMOJI.map((e) => html`<button type="button" @click=${(ev: Event) => insert(ev, e)}>${e}</button>`)}
          </div>`
        : nothing
    }
    <form class="compose" @submit=${submit}>
      <textarea
        rows="2"
        maxlength="4000"
        aria-label=${t.messageLabel}
        placeholder=${t.messageLabel}
        ?disabled=${v.state !== 'connected'}
        @keydown=${(e: KeyboardEvent) => {
          if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) submit(e);
        }}
      ></textarea>
      <div class="compose-actions">
        <button
          type="button"
          class="handle"
          aria-label=${t.emoji}
          title=${t.emoji}
          aria-expanded=${v.emojiOpen ? 'true' : 'false'}
          @click=${() => a.toggleEmoji()}
        >
          ${emojiIcon}
        </button>
        <button
          type="button"
          class="handle"
          aria-label=${t.attach}
          title=${`${t.attach} (${t.fileLimit(size(v.maxFileSize))})`}
          ?disabled=${v.state !== 'connected'}
          @click=${(e: Event) =>
            (e.currentTarget as HTMLElement).parentElement!.querySelector('input')!.click()}
        >
          ${paperclipIcon}
        </button>
        <input
          type="file"
          multiple
          hidden
          @change=${(e: Event) => {
            const input = e.target as HTMLInputElement;
            a.sendFiles([...(input.files ?? [])]);
            input.value = '';
          }}
        />
        <button
          type="submit"
          class="handle send"
          aria-label=${t.send}
          title=${t.send}
          ?disabled=${v.state !== 'connected'}
        >
          ${sendIcon}
        </button>
      </div>
    </form>
  </section>`;
}

function line(
  v: CallView,
  entry: ChatEntry,
  size: (n: number) => string,
  time: (at: number) => string,
) {
  const { t } = v;
  const mine = entry.role === v.role;
  const who = mine ? t.you : v.peerName;
  const head = html`<span class="who">${who}</span> <time>${time(entry.at)}</time>`;
  if (entry.kind === 'text') {
    return html`<li class="msg ${mine ? 'mine' : 'theirs'}">
      ${head}
      <p>${entry.text}</p>
    </li>`;
  }
  const f = entry.transfer;
  const percent = f.size ? Math.floor((f.loaded / f.size) * 100) : 100;
  const status =
    f.state === 'failed'
      ? t.fileFailed(t.errors[f.code ?? 'ERR_FILE_TRANSFER_FAILED'])
      : f.state === 'done'
        ? f.direction === 'out'
          ? t.fileDelivered
          : t.fileReceived
        : f.direction === 'out'
          ? t.fileSending(percent)
          : t.fileReceiving(percent);
  const image = entry.url && f.mime.startsWith('image/');
  return html`<li class="msg file ${mine ? 'mine' : 'theirs'}" data-state=${f.state}>
    ${head} ${image ? html`<img class="thumb" src=${entry.url!} alt=${f.name} />` : nothing}
    <p>
      ${
        entry.url && f.state !== 'failed'
          ? html`<a href=${entry.url} download=${f.name} title=${t.fileDownload(f.name)}
              >${f.name}</a
            >`
          : html`<span>${f.name}</span>`
      }
      <span class="small">${size(f.size)} · ${status}</span>
    </p>
    ${
      f.state === 'sending' || f.state === 'receiving'
        ? html`<progress max=${f.size} .value=${f.loaded} aria-label=${f.name}></progress>`
        : nothing
    }
  </li>`;
}
