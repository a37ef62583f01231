/** The help button's panel while the customer waits for an agent (in the request's chunk). */
import { html } from 'lit';
import type { Messages } from '../messages.js';

export function waitingPanel(t: Messages, requesting: boolean, cancel: () => void) {
  return html`<div part="panel" class="panel" role="status" aria-live="polite">
    <div class="spinner" aria-hidden="true"></div>
    <p class="title">${requesting ? t.help.requesting : t.help.waiting}</p>
    <p class="hint">${t.help.waitingHint}</p>
    <button class="secondary" @click=${cancel}>${t.help.cancel}</button>
  </div>`;
}
