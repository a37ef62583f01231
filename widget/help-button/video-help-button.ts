import { html, LitElement, nothing } from 'lit';
import type { ErrorCode, VideoSessionError } from '../../src/errors.js';
import { isFinal } from '../../src/session-state.js';
import { Lazy } from '../core/lazy.js';
import type * as Requests from './request-chunk.js';
import { forgetSaved, loadSaved, type HelpRequest } from './saved-request.js';
import {
  VsHelpStateEvent,
  type CallState,
  type HelpState,
  type VsStateChangeEvent,
} from '../events.js';
import { cameraIcon } from '../icons.js';
import { languageOf, messagesFor } from '../localize.js';
import { signallingUrlOf } from '../core/service-api.js';
import { styles } from './video-help-button.styles.js';
// For the templates' types (index.ts registers the elements).
import '../video-session.js';

/**
 * The customer's "Video help" launcher. A click asks the service for a session (with the page's
 * public key, or a request token your backend minted for the ticket); the customer waits while an
 * agent accepts it (or cancels), and is then moved into the call, a `<video-session>` inside the
 * button's panel. With `direct` (and direct calls enabled on the service) it rings straight in.
 *
 * @example
 *   <video-help-button service-url="https://video.example.com" request-token="…"></video-help-button>
 *
 * @slot - the button's label (default "Video help").
 *
 * @fires vs-help-state - `VsHelpStateEvent` with `state` and `previous` on every change of `state`.
 *
 * @csspart button - the launcher button.
 * @csspart panel - the panel shown while waiting, and for a declined or expired request.
 * @csspart call - the `<video-session>` of the call.
 * @csspart close - the button that closes the panel once the call is over.
 *
 * @cssproperty [--vs-accent=#2563eb] - the launcher and the panel's buttons.
 * @cssproperty [--vs-radius=12px] - corner radius of the panel.
 */
export class VideoHelpButton extends LitElement {
  static override styles = styles;

  static override properties = {
    serviceUrl: { attribute: 'service-url' },
    publicKey: { attribute: 'public-key' },
    requestToken: { attribute: 'request-token' },
    ticketId: { attribute: 'ticket-id' },
    customerName: { attribute: 'customer-name' },
    direct: { type: Boolean },
    _state: { state: true },
    _request: { state: true },
    _error: { state: true },
    _callOver: { state: true },
  };

  /** The service's base URL, e.g. `https://video.example.com`. */
  declare serviceUrl: string;
  /** A public key the service accepts (`VS_PUBLIC_KEY`); or use `request-token`. */
  declare publicKey: string;
  /** A request token your backend minted for this ticket (`POST /v1/request-tokens`). */
  declare requestToken: string;
  /** With a public key only: which ticket the request is about (the helpdesk decides whether to trust it). */
  declare ticketId: string;
  /** The customer's name, as the agent will see it (a request token may carry it instead). */
  declare customerName: string;
  /** Ring straight into a session instead of requesting one (the service must enable direct calls). */
  declare direct: boolean;

  declare private _state: HelpState;
  declare private _request: HelpRequest | null;
  declare private _error: ErrorCode | null;
  declare private _callOver: boolean;

  /** Asking for a session and following it: a chunk, loaded when the customer asks. */
  private readonly requests = new Lazy<
    typeof Requests,
    { controller: Requests.RequestController; waitingPanel: typeof Requests.waitingPanel }
  >({
    name: 'help request',
    import: () => import('./request-chunk.js'),
    build: ({ RequestController, waitingPanel }) => ({
      controller: new RequestController(this, {
        onUpdate: (request) => this.handleUpdate(request),
        onError: (code) => this.fail(code),
      }),
      waitingPanel,
    }),
    deliver: () => undefined,
    onFailed: () => undefined,
  });

  constructor() {
    super();
    this.serviceUrl = '';
    this.publicKey = '';
    this.requestToken = '';
    this.ticketId = '';
    this.customerName = '';
    this.direct = false;
    this._state = 'idle';
    this._request = null;
    this._error = null;
    this._callOver = false;
  }

  /** `idle`, `requesting`, `requested` (waiting for an agent), `in-call`, `declined`, `expired`, `failed`. */
  get state(): HelpState {
    return this._state;
  }

  /** The id of the session asked for, once the service answered. */
  get sessionId(): string | null {
    return this._request?.id ?? null;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    // A reload while waiting (or in the call) keeps the customer's place.
    const base = this.base();
    if (this._state === 'idle' && this.serviceUrl && loadSaved()?.base === base) {
      this.setState('requesting');
      this.requests.load().then(
        ({ controller }) => controller.resume(base) || this.setState('idle'),
        (err: VideoSessionError) => this.fail(err.code),
      );
    }
  }

  /** Asks for a session (what a click on the button does). */
  async request(): Promise<void> {
    if (this._state !== 'idle' && !this.isOver()) return;
    const key = this.requestToken || this.publicKey;
    this._error = null;
    this._callOver = false;
    if (!this.serviceUrl || !key) {
      this._error = 'ERR_REQUEST_KEY_INVALID';
      this.setState('failed');
      return;
    }
    this.setState('requesting');
    let requests: Requests.RequestController;
    try {
      requests = (await this.requests.load()).controller;
    } catch (err) {
      return this.fail((err as VideoSessionError).code);
    }
    await requests.request(this.base(), key, {
      ...(this.customerName ? { customer: { name: this.customerName } } : {}),
      ...(this.ticketId && !this.requestToken ? { ticketId: this.ticketId } : {}),
      ...(this.direct ? { direct: true } : {}),
    });
  }

  /** Withdraws the request while it waits for an agent. */
  async cancel(): Promise<void> {
    if (this._state !== 'requesting' && this._state !== 'requested') return;
    this.setState('idle');
    await this.requests.value?.controller.cancel();
  }

  private fail(code: ErrorCode): void {
    this._error = code;
    this.setState('failed');
  }

  /** Stops following the request and forgets it for this tab. */
  private forget(): void {
    this.requests.value?.controller.forget();
    forgetSaved();
  }

  private handleUpdate(request: HelpRequest): void {
    this._request = request;
    switch (request.status) {
      case 'requested':
        return this.setState('requested');
      case 'declined':
      case 'expired':
        return this.setState(request.status);
      case 'ended':
      case 'failed':
        // Cancelled (maybe in another tab), or over before the call: back to the start.
        this.forget();
        return this.setState('idle');
      default:
        // Accepted (or a direct call): the customer goes into the call.
        if (!isFinal(request.status)) this.setState('in-call');
    }
  }

  private handleCallState(state: CallState): void {
    this._callOver = state === 'ended' || state === 'failed';
    if (this._callOver) this.forget();
  }

  private close(): void {
    this._request = null;
    this._callOver = false;
    this.forget();
    this.setState('idle');
  }

  private isOver(): boolean {
    return this._state === 'declined' || this._state === 'expired' || this._state === 'failed';
  }

  private base(): string {
    return this.serviceUrl.replace(/\/$/, '');
  }

  private setState(next: HelpState): void {
    const previous = this._state;
    if (next === previous) return;
    this._state = next;
    this.dispatchEvent(new VsHelpStateEvent(next, previous));
  }

  override render() {
    const t = messagesFor(languageOf(this), () => this.requestUpdate());
    switch (this._state) {
      case 'idle':
        return html`<button part="button" class="launch" @click=${() => void this.request()}>
          ${cameraIcon}<span><slot>${t.help.button}</slot></span>
        </button>`;
      case 'requesting':
      case 'requested':
        // The waiting panel comes with the request's chunk (loaded by now, or in a moment).
        return (
          this.requests.value?.waitingPanel(
            t,
            this._state === 'requesting',
            () => void this.cancel(),
          ) ?? nothing
        );
      case 'in-call':
        return html`<div class="call-wrap">
          <video-session
            part="call"
            .autoStart=${true}
            .signallingUrl=${signallingUrlOf(this.base())}
            .token=${this._request?.token ?? ''}
            @vs-state-change=${(e: VsStateChangeEvent) => this.handleCallState(e.state)}
          ></video-session>
          ${
            this._callOver
              ? html`<button part="close" class="secondary close" @click=${() => this.close()}>
                  ${t.help.close}
                </button>`
              : nothing
          }
        </div>`;
      case 'declined':
      case 'expired':
      case 'failed':
        return html`<div part="panel" class="panel" role="alert">
          <p class="title">${t.help[this._state]}</p>
          ${this._error ? html`<p class="hint">${t.errors[this._error]}</p>` : nothing}
          <div class="actions">
            <button class="secondary" @click=${() => this.close()}>${t.help.close}</button>
            <button class="primary" @click=${() => void this.request()}>${t.help.tryAgain}</button>
          </div>
        </div>`;
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'video-help-button': VideoHelpButton;
  }
}
