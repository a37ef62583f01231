/**
 * What opens on a new screenshot for the person who asked for it: the still, and the choice to
 * save it for the ticket or to discard it (on both sides).
 */
import { html } from 'lit';
import type { Still } from './still.js';
import type { Messages } from '../messages.js';

export interface ReviewView {
  t: Messages;
  still: Still & { blob: Blob };
  /** An object URL of the still's PNG. */
  url: string;
  /** Keeps it: `blob` is the PNG to save (the still's own when unchanged). */
  save(blob: Blob): void;
  discard(): void;
}

export function review(v: ReviewView) {
  const { t, still } = v;
  return html`<section
    class="still-review"
    part="still-review"
    role="dialog"
    aria-labelledby="still-review-title"
  >
    <h2 id="still-review-title">${t.stillSave.review}</h2>
    <img class="review-image" src=${v.url} alt=${t.stillSave.review} />
    <p class="small">${still.width} × ${still.height} · ${t.stillSave.hint}</p>
    <div class="prompt-actions">
      <button class="join" part="still-save" @click=${() => v.save(still.blob)}>
        ${t.stillSave.save}
      </button>
      <button class="secondary" part="still-discard" @click=${() => v.discard()}>
        ${t.stillSave.discard}
      </button>
    </div>
  </section>`;
}
