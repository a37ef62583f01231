/**
 * What opens on a new screenshot for the person who asked for it: the editor
 * (`<video-session-screenshot-editor>`, its own chunk) on the still, whose Save keeps it for the ticket
 * and whose Discard throws it away on both sides. Should the editor's chunk fail to load, the still
 * is shown with a plain Save and Discard instead.
 */
import { html } from 'lit';
import type { VsScreenshotSaveEvent } from '../../events.js';
import type { Messages } from '../../messages.js';
import type { Screenshot } from './screenshot.js';

export interface ReviewView {
  t: Messages;
  still: Screenshot & { blob: Blob };
  /** An object URL of the still's PNG. */
  url: string;
  /** `ready` once the editor is registered; `failed` when its chunk did not load. */
  editor: 'loading' | 'ready' | 'failed';
  /** Keeps it: `blob` is the PNG to save (the still's own when unchanged). */
  save(blob: Blob): void;
  discard(): void;
}

export function review(v: ReviewView) {
  const { t, still } = v;
  return html`<section
    class="screenshot-review"
    part="screenshot-review"
    role="dialog"
    aria-labelledby="still-review-title"
  >
    <h2 id="still-review-title">${t.stillSave.review}</h2>
    ${
      v.editor === 'ready'
        ? html`<video-session-screenshot-editor
            part="screenshot-editor"
            .src=${still.blob}
            .t=${t}
            @vs-screenshot-save=${(e: VsScreenshotSaveEvent) => v.save(e.blob)}
            @vs-screenshot-discard=${() => v.discard()}
          ></video-session-screenshot-editor>`
        : html`<img class="review-image" src=${v.url} alt=${t.stillSave.review} />
            <p class="small">${still.width} × ${still.height} · ${t.stillSave.hint}</p>
            ${
              v.editor === 'failed'
                ? html`<div class="prompt-actions">
                    <button class="join" part="screenshot-save" @click=${() => v.save(still.blob)}>
                      ${t.stillSave.save}
                    </button>
                    <button class="secondary" part="screenshot-discard" @click=${() => v.discard()}>
                      ${t.stillSave.discard}
                    </button>
                  </div>`
                : html`<p class="small" role="status">${t.stillEditor.loading}</p>`
            }`
    }
  </section>`;
}
