/**
 * A ticket's screenshots and recordings on the ticket page: rendered from the service's files
 * list (fresh signed links on each page load), and kept live from the webhook events
 * (`screenshot.created` and `recording.available` add one, `file.deleted` takes it away).
 */
import { html } from 'hono/html';
import type { SessionEvent } from '../src/events.js';
import type { FileInfo } from '../src/rest.js';

/** A stored file as the page shows it. */
export interface MediaItem {
  id: string;
  sessionId: string;
  kind: 'screenshot' | 'recording';
  name: string;
  type: string;
  size: number;
  url: string;
}

export function mediaOfFile(f: FileInfo): MediaItem {
  const { id, sessionId, kind, name, type, size, url } = f;
  return { id, sessionId, kind, name, type, size, url };
}

/** What an event does to the media shown: a file to add, or the id of one to remove. */
export function mediaChange(e: SessionEvent): { add: MediaItem } | { remove: string } | null {
  switch (e.type) {
    case 'screenshot.created':
    case 'recording.available': {
      const { fileId: id, name, type, size, url } = e.data;
      const kind = e.type === 'screenshot.created' ? 'screenshot' : 'recording';
      return { add: { id, sessionId: e.sessionId, kind, name, type, size, url } };
    }
    case 'file.deleted':
      return { remove: e.data.fileId };
    default:
      return null;
  }
}

export function mediaSection(items: MediaItem[]) {
  return html`<section class="card">
    <h2>Screenshots and recordings</h2>
    <p class="muted" data-media-empty ${items.length === 0 ? '' : 'hidden'}>None yet.</p>
    <ul class="media" data-media>
      ${items.map(mediaItem)}
    </ul>
  </section>`;
}

function mediaItem(m: MediaItem) {
  return html`<li data-file="${m.id}" data-kind="${m.kind}">
    <figure>
      ${
        m.kind === 'screenshot'
          ? html`<a href="${m.url}" target="_blank" rel="noopener"
              ><img src="${m.url}" alt="Screenshot ${m.name}" loading="lazy"
            /></a>`
          : html`<video
              src="${m.url}"
              controls
              preload="metadata"
              aria-label="Recording ${m.name}"
            ></video>`
      }
      <figcaption>${m.name} <span class="muted">${sizeText(m.size)}</span></figcaption>
    </figure>
  </li>`;
}

export function sizeText(bytes: number): string {
  return bytes < 1024 * 1024
    ? `${Math.ceil(bytes / 1024)} KB`
    : `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** The page script's half: the same markup built with DOM calls for an entry's `media`. */
export const MEDIA_SCRIPT = `
const mediaList = document.querySelector('[data-media]');
const mediaEmpty = document.querySelector('[data-media-empty]');
const sizeText = (b) => b < 1048576 ? Math.ceil(b / 1024) + ' KB' : (b / 1048576).toFixed(1) + ' MB';
function applyMedia(change) {
  if (change.remove) {
    mediaList.querySelector('li[data-file="' + CSS.escape(change.remove) + '"]')?.remove();
  } else if (change.add && !mediaList.querySelector('li[data-file="' + CSS.escape(change.add.id) + '"]')) {
    const m = change.add;
    const li = document.createElement('li');
    li.dataset.file = m.id;
    li.dataset.kind = m.kind;
    const figure = document.createElement('figure');
    let shown;
    if (m.kind === 'screenshot') {
      shown = document.createElement('a');
      shown.href = m.url;
      shown.target = '_blank';
      shown.rel = 'noopener';
      const img = document.createElement('img');
      img.src = m.url;
      img.alt = 'Screenshot ' + m.name;
      shown.append(img);
    } else {
      shown = document.createElement('video');
      shown.src = m.url;
      shown.controls = true;
      shown.preload = 'metadata';
      shown.setAttribute('aria-label', 'Recording ' + m.name);
    }
    const caption = document.createElement('figcaption');
    const size = document.createElement('span');
    size.className = 'muted';
    size.textContent = sizeText(m.size);
    caption.append(m.name + ' ', size);
    figure.append(shown, caption);
    li.append(figure);
    mediaList.append(li);
  }
  mediaEmpty.hidden = mediaList.children.length > 0;
}
`;
