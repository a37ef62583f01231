/**
 * The gallery: the session's screenshots, newest first, each with who took it, when, its size,
 * where it is on its way (taking, sending or receiving with progress, or why it failed), whether
 * it is saved to the ticket (with the upload's progress, as its saver reports it), and a link to
 * download it (or, for one shown from the service's link, to open it).
 */
import { html, nothing } from 'lit';
import type { Role } from '../../../src/protocol.js';
import type { Screenshot } from './screenshot.js';
import type { Messages } from '../../messages.js';

export interface GalleryView {
  t: Messages;
  role: Role;
  peerName: string;
  stills: readonly Screenshot[];
  /** An object URL of the still's PNG, or the service's link to it (null: neither yet). */
  url(still: Screenshot): string | null;
  close(): void;
}

export function gallery(v: GalleryView) {
  const { t } = v;
  const time = (at: number) =>
    new Intl.DateTimeFormat(t.locale, { hour: 'numeric', minute: '2-digit' }).format(at);
  return html`<section class="panel gallery" part="gallery" aria-label=${t.screenshots}>
    <div class="panel-head">
      <h2>${t.screenshots}</h2>
      <button class="link" @click=${() => v.close()}>${t.closeScreenshots}</button>
    </div>
    <ol class="stills" aria-live="polite">
      ${v.stills.length === 0 ? html`<li class="small">${t.screenshotsEmpty}</li>` : nothing}
      ${[...v.stills].reverse().map((still) => {
        const url = v.url(still);
        const by = still.takenBy === v.role ? t.you : v.peerName;
        const img = url
          ? html`<img class="thumb" src=${url} alt=${t.screenshotAlt(by, time(still.at))} />`
          : nothing;
        return html`<li class="still" data-id=${still.id}>
          ${
            !url
              ? html`<div class="thumb placeholder" aria-hidden="true"></div>`
              : still.blob
                ? html`<a href=${url} download=${still.name} title=${t.fileDownload(still.name)}
                    >${img}</a
                  >`
                : html`<a
                    href=${url}
                    target="_blank"
                    rel="noopener"
                    title=${t.screenshotOpen(still.name)}
                    >${img}</a
                  >`
          }
          <span class="small"
            >${by} ·
            ${time(still.at)}${still.width ? ` · ${still.width} × ${still.height}` : ''}</span
          >
          ${status(t, still)} ${saved(t, still, still.takenBy === v.role, by)}
        </li>`;
      })}
    </ol>
  </section>`;
}

function status(t: Messages, still: Screenshot) {
  const percent = still.size ? Math.floor((100 * still.loaded) / still.size) : 0;
  switch (still.state) {
    case 'capturing':
      return html`<span class="small">${t.screenshotTaking}</span>`;
    case 'sending':
    case 'receiving':
      return html`<progress max="100" .value=${percent}></progress>
        <span class="small"
          >${still.state === 'sending' ? t.fileSending(percent) : t.fileReceiving(percent)}</span
        >`;
    case 'done':
      return nothing;
    case 'failed':
      return html`<span class="small" role="alert"
        >${still.blob ? t.fileFailed(t.errors[still.code!]) : t.errors[still.code!]}</span
      >`;
  }
}

/** Where the still is on its way to the ticket. */
function saved(t: Messages, still: Screenshot, mine: boolean, by: string) {
  if (!still.blob && still.save === 'open') return nothing;
  const percent = still.uploadSize ? Math.floor((100 * still.uploaded) / still.uploadSize) : 0;
  const edited = still.edited ? html`<span class="small">${t.stillSave.edited}</span>` : nothing;
  switch (still.save) {
    case 'open':
      return html`<span class="small save-state"
        >${mine ? t.stillSave.unsaved : t.stillSave.waiting(by)}</span
      >`;
    case 'uploading':
      return html`${edited}<progress class="upload" max="100" .value=${percent}></progress>
        <span class="small save-state">${t.stillSave.uploading(percent)}</span>`;
    case 'saved':
      return html`${edited}<span class="small save-state saved">${t.stillSave.saved}</span>`;
    case 'failed':
      return html`${edited}<span class="small save-state" role="alert"
          >${t.stillSave.failed(t.errors[still.saveCode ?? 'ERR_INTERNAL'])}</span
        >`;
  }
}
