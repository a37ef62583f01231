import { css, html, LitElement, nothing, svg } from 'lit';
import { VideoSessionError, type ErrorCode } from '../../../src/errors.js';
import { icon } from '../../icons.js';
import { languageOf, messagesFor } from '../../localize.js';

const starIcon = icon(
  svg`<path d="M12 3l2.8 5.7 6.2.9-4.5 4.4 1.1 6.2L12 17.3 6.4 20.2l1.1-6.2L3 9.6l6.2-.9z"/>`,
);

/**
 * The rating prompt `<video-session>` shows the customer after the call: 1 to 5 stars and an
 * optional comment, sent once. The owner gives it `submit`, which posts the rating.
 *
 * @csspart star - each of the five star buttons.
 * @csspart comment - the comment field.
 * @csspart send - the send button.
 */
export class SessionRating extends LitElement {
  static override styles = css`
    :host {
      display: block;
      max-width: 22em;
    }
    form {
      display: flex;
      flex-direction: column;
      gap: 10px;
      align-items: center;
    }
    p {
      margin: 0;
    }
    .stars {
      display: flex;
      gap: 4px;
    }
    .stars button {
      padding: 4px;
      color: inherit;
      background: none;
      border: 0;
      border-radius: 6px;
      cursor: pointer;
      opacity: 0.6;
    }
    .stars button[aria-checked='true'] {
      color: #facc15;
      opacity: 1;
    }
    .stars button[aria-checked='true'] svg {
      fill: currentColor;
    }
    .stars button:focus-visible,
    .actions button:focus-visible,
    textarea:focus-visible {
      outline: 2px solid var(--vs-accent, #2563eb);
      outline-offset: 2px;
    }
    textarea {
      box-sizing: border-box;
      width: 100%;
      min-height: 4em;
      font: inherit;
      color: inherit;
      background: rgb(255 255 255 / 0.08);
      border: 1px solid rgb(255 255 255 / 0.25);
      border-radius: 8px;
      padding: 6px 8px;
    }
    .actions {
      display: flex;
      gap: 8px;
    }
    .actions button {
      font: inherit;
      padding: 6px 16px;
      border-radius: 999px;
      border: 1px solid rgb(255 255 255 / 0.35);
      color: inherit;
      background: none;
      cursor: pointer;
    }
    .actions button[type='submit'] {
      color: #fff;
      background: var(--vs-accent, #2563eb);
      border-color: transparent;
    }
    .actions button:disabled {
      opacity: 0.5;
      cursor: default;
    }
    .error {
      color: #fecaca;
    }
  `;

  static override properties = {
    submit: { attribute: false },
    _score: { state: true },
    _phase: { state: true },
    _error: { state: true },
  };

  /** Posts the rating; rejects with a `VideoSessionError` when the service refuses it. */
  declare submit: ((score: number, comment: string) => Promise<void>) | null;
  declare private _score: number;
  declare private _phase: 'open' | 'sending' | 'sent' | 'skipped';
  declare private _error: ErrorCode | null;

  constructor() {
    super();
    this.submit = null;
    this._score = 0;
    this._phase = 'open';
    this._error = null;
  }

  override render() {
    const t = messagesFor(languageOf(this), () => this.requestUpdate());
    if (this._phase === 'skipped') return nothing;
    if (this._phase === 'sent') return html`<p role="status">${t.rating.thanks}</p>`;
    const sending = this._phase === 'sending';
    return html`<form @submit=${this.send}>
      <p id="prompt">${t.rating.prompt}</p>
      <div class="stars" role="radiogroup" aria-labelledby="prompt">
        ${[1, 2, 3, 4, 5].map(
          (n) =>
            html`<button
              type="button"
              part="star"
              role="radio"
              aria-checked=${n <= this._score ? 'true' : 'false'}
              aria-label=${t.rating.star(n)}
              title=${t.rating.star(n)}
              ?disabled=${sending}
              @click=${() => (this._score = n)}
            >
              ${starIcon}
            </button>`,
        )}
      </div>
      <textarea
        part="comment"
        name="comment"
        maxlength="1000"
        aria-label=${t.rating.comment}
        placeholder=${t.rating.comment}
        ?disabled=${sending}
      ></textarea>
      ${this._error ? html`<p class="error" role="alert">${t.errors[this._error]}</p>` : nothing}
      <div class="actions">
        <button type="button" ?disabled=${sending} @click=${() => (this._phase = 'skipped')}>
          ${t.rating.skip}
        </button>
        <button type="submit" part="send" ?disabled=${sending || this._score === 0}>
          ${t.rating.send}
        </button>
      </div>
    </form>`;
  }

  private async send(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    if (!this.submit || this._score === 0) return;
    const comment = (this.renderRoot.querySelector('textarea')?.value ?? '').trim();
    this._phase = 'sending';
    this._error = null;
    try {
      await this.submit(this._score, comment);
      this._phase = 'sent';
    } catch (err) {
      const code = err instanceof VideoSessionError ? err.code : 'ERR_INTERNAL';
      // Rated before (another tab): the feedback is in, which is what the person wanted.
      this._phase = code === 'ERR_ALREADY_RATED' ? 'sent' : 'open';
      if (this._phase === 'open') this._error = code;
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'video-session-rating': SessionRating;
  }
}

if (!customElements.get('video-session-rating')) {
  customElements.define('video-session-rating', SessionRating);
}
