import { html, LitElement, nothing, type PropertyValues } from 'lit';
import { errors, type ErrorCode } from '../src/errors.js';
import type { PeerMessage } from '../src/peer-messages.js';
import { assertNever } from '../src/parse.js';
import type { IceServer, Participant, ServerMessage } from '../src/protocol.js';
import { MediaController } from './controllers/media-controller.js';
import { PeerController } from './controllers/peer-controller.js';
import {
  SignallingController,
  type SignallingStatus,
} from './controllers/signalling-controller.js';
import type { SessionStatus } from '../src/session-state.js';
import {
  VsErrorEvent,
  VsRatedEvent,
  VsSessionStatusEvent,
  VsStateChangeEvent,
  type CallState,
} from './events.js';
import { cameraIcon, cameraOffIcon, hangUpIcon, micIcon, micOffIcon, phoneIcon } from './icons.js';
import { readJoinToken } from './join-token.js';
import { messages } from './messages.js';
import { rateSession, serviceBase } from './service-api.js';
// For the template's types (index.ts registers the elements).
import './session-rating.js';
import { srcObject } from './src-object.js';
import { styles } from './video-session.styles.js';

/**
 * A one-on-one video call between a support agent and a customer, peer to peer, brokered by the
 * signalling service. The join token decides the session and the role.
 *
 * @example
 *   <script type="module" src="https://video.example.com/sdk/video-session.js"></script>
 *   <video-session signalling-url="wss://video.example.com/v1/signal" token="…" auto-start></video-session>
 *
 * @fires vs-state-change - `VsStateChangeEvent` with `state` and `previous`, on every state change.
 * @fires vs-error - `VsErrorEvent` with `code`, `fatal` and `message`; fatal errors end in `failed`.
 * @fires vs-session-status - `VsSessionStatusEvent` with `status` and `previous`: the session's
 *   status as the service reports it (see `sessionStatus`).
 * @fires vs-rated - `VsRatedEvent` with `score` and `comment`, once the customer's rating was sent.
 *
 * @csspart stage - the area holding both videos.
 * @csspart remote-video - the other person's video.
 * @csspart local-video - your own camera preview (mirrored).
 * @csspart status - the status bar (state, call timer).
 * @csspart toolbar - the call controls.
 * @csspart join-button - the button shown before the call starts.
 * @csspart rating - the rating prompt the customer sees after the call.
 *
 * @cssproperty [--vs-accent=#2563eb] - buttons and focus rings.
 * @cssproperty [--vs-danger=#dc2626] - the end-call button.
 * @cssproperty [--vs-background=#0f172a] - behind the videos.
 * @cssproperty [--vs-foreground=#f8fafc] - text and icons.
 * @cssproperty [--vs-radius=12px] - corner radius of the stage and the preview.
 * @cssproperty [--vs-toolbar-background=rgb(15 23 42 / 0.8)] - behind the controls.
 *
 * @cssstate idle | connecting | waiting | connected | reconnecting | ended | failed - the call state.
 */
export class VideoSession extends LitElement {
  static override styles = styles;

  static override properties = {
    signallingUrl: { attribute: 'signalling-url' },
    token: {},
    autoStart: { type: Boolean, attribute: 'auto-start' },
    muted: { type: Boolean, reflect: true },
    videoPaused: { type: Boolean, attribute: 'video-paused', reflect: true },
    noRating: { type: Boolean, attribute: 'no-rating' },
    _state: { state: true },
    _peer: { state: true },
    _remoteStream: { state: true },
    _remoteMedia: { state: true },
    _error: { state: true },
    _serviceAway: { state: true },
  };

  /** The service's WebSocket endpoint, e.g. `wss://video.example.com/v1/signal`. */
  declare signallingUrl: string;
  /** The join token from the service (agent token, or the customer's invite token). */
  declare token: string;
  /** Start as soon as both `signalling-url` and `token` are set, without the Join button. */
  declare autoStart: boolean;
  /** Whether your microphone is muted for the other person. */
  declare muted: boolean;
  /** Whether your camera is paused for the other person. */
  declare videoPaused: boolean;
  /** Do not offer the customer the 1-5 rating after the call. */
  declare noRating: boolean;

  declare private _state: CallState;
  declare private _peer: Participant | null;
  declare private _remoteStream: MediaStream | null;
  declare private _remoteMedia: { audio: boolean; video: boolean };
  declare private _error: ErrorCode | null;
  declare private _serviceAway: boolean;

  private iceServers: IceServer[] = [];
  private _sessionStatus: SessionStatus | null = null;
  private sessionId = '';
  private pairing = 0;
  private connectedAt = 0;
  private clock: ReturnType<typeof setInterval> | undefined;
  private readonly internals: ElementInternals | null;

  private readonly media = new MediaController(this, {
    onError: (code, fatal) => this.fail(code, fatal),
  });

  private readonly signalling = new SignallingController(this, {
    onMessage: (message) => this.handleServerMessage(message),
    onStatus: (status) => this.handleSignallingStatus(status),
    onError: (code, fatal) => this.fail(code, fatal),
    isPeerConnected: () => this.peer.connected,
  });

  private readonly peer = new PeerController(this, {
    onSignal: (data) => this.signalling.send({ type: 'signal', pairing: this.pairing, data }),
    onConnect: () => {
      this.sendMediaState();
      // The service counts the session connected once a widget's peer connection is up.
      this.signalling.send({ type: 'call-connected', pairing: this.pairing });
      this.setState('connected');
    },
    onRemoteStream: (stream) => (this._remoteStream = stream),
    onMessage: (message) => this.handlePeerMessage(message),
    onLost: () => this.handlePeerLost(),
    onError: (code, fatal) => this.fail(code, fatal),
  });

  constructor() {
    super();
    this.signallingUrl = '';
    this.token = '';
    this.autoStart = false;
    this.muted = false;
    this.videoPaused = false;
    this.noRating = false;
    this._state = 'idle';
    this._peer = null;
    this._remoteStream = null;
    this._remoteMedia = { audio: true, video: true };
    this._error = null;
    this._serviceAway = false;
    this.internals = typeof this.attachInternals === 'function' ? this.attachInternals() : null;
  }

  /** Where the call is: `idle`, `connecting`, `waiting`, `connected`, `reconnecting`, `ended`, `failed`. */
  get state(): CallState {
    return this._state;
  }

  /**
   * The session's status as the service last reported it (`requested`, `created`, `waiting`,
   * `connected`, `reconnecting`, `ended`, `declined`, `expired`, `failed`); null before joining.
   */
  get sessionStatus(): SessionStatus | null {
    return this._sessionStatus;
  }

  /** Joins the call: opens camera and microphone and connects to the service. */
  async start(): Promise<void> {
    if (this._state !== 'idle' && this._state !== 'ended' && this._state !== 'failed') return;
    this._error = null;
    if (!this.token) return this.fail('ERR_TOKEN_MISSING', true);
    if (!this.signallingUrl) return this.fail('ERR_SIGNALLING_UNREACHABLE', true);
    this.connectedAt = 0;
    this.setState('connecting');
    // Camera first: the other person sees us join once the permission prompt is answered.
    await this.media.start();
    if (this.state !== 'connecting') return; // hung up or failed while the prompt was open
    this.applyMediaState();
    this.signalling.connect(this.signallingUrl, this.token);
  }

  /** Ends the call for both people. */
  async hangUp(): Promise<void> {
    if (this._state === 'idle' || this._state === 'ended' || this._state === 'failed') return;
    this.peer.send({ type: 'bye' });
    this.signalling.send({ type: 'hang-up' });
    this.finish('ended');
  }

  /** Measures the round trip over the data channel to the other widget, in milliseconds. */
  roundTrip(): Promise<number> {
    return this.peer.roundTrip();
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.syncCustomState();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    // Controllers release their resources in hostDisconnected; the element stops its clock.
    this.stopClock();
  }

  protected override updated(changed: PropertyValues<this>): void {
    if (
      (changed.has('token') || changed.has('signallingUrl') || changed.has('autoStart')) &&
      this.autoStart &&
      this.token &&
      this.signallingUrl &&
      this._state === 'idle'
    ) {
      void this.start();
    }
    if (changed.has('muted') || changed.has('videoPaused')) {
      this.applyMediaState();
      this.sendMediaState();
    }
  }

  private handleServerMessage(message: Exclude<ServerMessage, { type: 'error' }>): void {
    switch (message.type) {
      case 'welcome':
        this.sessionId = message.sessionId;
        this.setSessionStatus(message.status);
        this.iceServers = message.iceServers;
        this._peer = message.peer;
        if (!message.peer) this.setState('waiting');
        else if (this.peer.connected) this.setState('connected');
        return;
      case 'peer-joined':
        this._peer = message.peer;
        this.pairing = message.pairing;
        this._remoteStream = null;
        this.setState('connecting');
        this.peer.start({
          initiator: message.initiator,
          stream: this.media.stream,
          iceServers: this.iceServers,
        });
        return;
      case 'peer-left':
        this.peer.stop();
        this._remoteStream = null;
        if (this._state !== 'ended' && this._state !== 'failed') this.setState('waiting');
        return;
      case 'signal':
        if (message.pairing === this.pairing) this.peer.signal(message.data);
        return;
      case 'pong':
        return;
      case 'session-status':
        this.setSessionStatus(message.status);
        return;
      case 'session-ended':
        this.setSessionStatus(message.status);
        this.finish('ended');
        return;
      default:
        assertNever(message);
    }
  }

  private handlePeerMessage(message: Exclude<PeerMessage, { type: 'ping' | 'pong' }>): void {
    switch (message.type) {
      case 'media-state':
        this._remoteMedia = { audio: message.audio, video: message.video };
        return;
      case 'bye':
        this.finish('ended');
        return;
      default:
        assertNever(message);
    }
  }

  /** The peer connection dropped while both are still in the session: re-pair through the service. */
  private handlePeerLost(): void {
    if (this._state === 'ended' || this._state === 'failed') return;
    this._remoteStream = null;
    this.setState('reconnecting');
    this.signalling.reconnect();
  }

  private handleSignallingStatus(status: SignallingStatus): void {
    this._serviceAway = status === 'reconnecting';
    // Media is peer to peer: a connected call goes on while the service is away.
    if (status === 'reconnecting' && this._state !== 'connected' && this._state !== 'idle') {
      if (this._state !== 'ended' && this._state !== 'failed') this.setState('reconnecting');
    }
  }

  /** Reports an error; a fatal one ends the call in `failed`. */
  private fail(code: ErrorCode, fatal: boolean): void {
    const message = errors[code].message;
    if (fatal || this._state === 'idle') this._error = code;
    this.dispatchEvent(new VsErrorEvent(code, fatal, message));
    if (fatal) this.finish('failed');
  }

  /** Stops everything: the one place a call ends. */
  private finish(state: 'ended' | 'failed'): void {
    if (this._state === 'ended' || this._state === 'failed') return;
    this.signalling.close();
    this.peer.stop();
    this.media.stop();
    this._remoteStream = null;
    this._peer = null;
    this._serviceAway = false;
    this.setState(state);
  }

  private setState(next: CallState): void {
    const previous = this._state;
    if (next === previous) return;
    this._state = next;
    if (next === 'connected') this.startClock();
    else this.stopClock();
    this.syncCustomState();
    this.dispatchEvent(new VsStateChangeEvent(next, previous));
  }

  private setSessionStatus(status: SessionStatus): void {
    const previous = this._sessionStatus;
    if (status === previous) return;
    this._sessionStatus = status;
    this.dispatchEvent(new VsSessionStatusEvent(status, previous));
  }

  private syncCustomState(): void {
    const states = this.internals?.states;
    if (!states) return;
    states.clear();
    try {
      states.add(this._state);
    } catch {
      // Chromium < 125 only accepts the legacy `--name` form of custom states.
      states.add(`--${this._state}`);
    }
  }

  private applyMediaState(): void {
    this.media.setAudioEnabled(!this.muted);
    this.media.setVideoEnabled(!this.videoPaused);
  }

  private sendMediaState(): void {
    this.peer.send({
      type: 'media-state',
      audio: this.media.hasAudio && !this.muted,
      video: this.media.hasVideo && !this.videoPaused,
    });
  }

  private startClock(): void {
    this.stopClock();
    this.connectedAt = Date.now();
    this.clock = setInterval(() => this.requestUpdate(), 1000);
  }

  private stopClock(): void {
    clearInterval(this.clock);
    this.clock = undefined;
  }

  override render() {
    const live = this._state !== 'idle' && this._state !== 'ended' && this._state !== 'failed';
    const local = this.media.stream;
    const peerName = this._peer?.name ?? messages.theOtherPerson(this.expectedPeerRole());
    return html`
      <div part="stage" class="stage">
        <video
          part="remote-video"
          class="remote"
          autoplay
          playsinline
          ${srcObject(this._remoteStream)}
          ?hidden=${!this._remoteStream}
        ></video>
        ${this.renderOverlay(peerName)}
        ${
          local && live
            ? html`<video
                part="local-video"
                class="local"
                autoplay
                playsinline
                muted
                ${srcObject(local)}
                ?hidden=${!this.media.hasVideo}
              ></video>`
            : nothing
        }
        <div part="status" class="status" role="status" aria-live="polite">
          <span class="dot ${this._state}"></span>${this.statusText(peerName)}
          ${
            this._serviceAway && this._state === 'connected'
              ? html`<span class="away">· ${messages.serviceReconnecting}</span>`
              : nothing
          }
        </div>
      </div>
      ${live ? this.renderToolbar() : nothing}
    `;
  }

  private renderOverlay(peerName: string) {
    if (this._state === 'idle') {
      return html`<div class="overlay">
        <button part="join-button" class="join" @click=${() => void this.start()}>
          ${phoneIcon}<span>${messages.join}</span>
        </button>
        <p class="hint">${messages.joinHint}</p>
      </div>`;
    }
    if (this._state === 'ended' || this._state === 'failed') {
      return html`<div class="overlay">
        <p class="final">${messages.state[this._state]}</p>
        ${this._error ? html`<p class="error" role="alert">${errors[this._error].message}</p>` : nothing}
        ${
          this.ratingOffered()
            ? html`<video-session-rating part="rating" .submit=${this.rate}></video-session-rating>`
            : nothing
        }
      </div>`;
    }
    if (this._remoteStream && this._state === 'connected') {
      const notes = [
        !this._remoteMedia.video ? messages.remoteVideoPaused(peerName) : null,
        !this._remoteMedia.audio ? messages.remoteMuted(peerName) : null,
      ].filter((n) => n !== null);
      return notes.length
        ? html`<div class="notes">${notes.map((n) => html`<span class="note">${n}</span>`)}</div>`
        : nothing;
    }
    return html`<div class="overlay"><div class="spinner" aria-hidden="true"></div></div>`;
  }

  private renderToolbar() {
    const hasAudio = this.media.hasAudio;
    const hasVideo = this.media.hasVideo;
    return html`<div part="toolbar" class="toolbar" role="toolbar" aria-label=${messages.toolbar}>
      <button
        class="control"
        aria-pressed=${this.muted ? 'true' : 'false'}
        aria-label=${this.muted ? messages.unmute : messages.mute}
        title=${this.muted ? messages.unmute : messages.mute}
        ?disabled=${!hasAudio}
        @click=${() => (this.muted = !this.muted)}
      >
        ${this.muted || !hasAudio ? micOffIcon : micIcon}
      </button>
      <button
        class="control"
        aria-pressed=${this.videoPaused ? 'true' : 'false'}
        aria-label=${this.videoPaused ? messages.resumeVideo : messages.pauseVideo}
        title=${this.videoPaused ? messages.resumeVideo : messages.pauseVideo}
        ?disabled=${!hasVideo}
        @click=${() => (this.videoPaused = !this.videoPaused)}
      >
        ${this.videoPaused || !hasVideo ? cameraOffIcon : cameraIcon}
      </button>
      <button
        class="control hang-up"
        aria-label=${messages.hangUp}
        title=${messages.hangUp}
        @click=${() => void this.hangUp()}
      >
        ${hangUpIcon}
      </button>
    </div>`;
  }

  private statusText(peerName: string): string {
    if (this._state === 'waiting') return messages.state.waiting(peerName);
    if (this._state === 'connected')
      return `${messages.state.connected} · ${formatDuration(Date.now() - this.connectedAt)}`;
    return messages.state[this._state];
  }

  /** The customer rates a call that took place, unless the host said not to. */
  private ratingOffered(): boolean {
    return (
      this._state === 'ended' &&
      !this.noRating &&
      this.connectedAt > 0 &&
      this.sessionId !== '' &&
      readJoinToken(this.token)?.role === 'customer'
    );
  }

  private readonly rate = async (score: number, comment: string): Promise<void> => {
    await rateSession(serviceBase(this.signallingUrl), this.sessionId, this.token, {
      score,
      ...(comment ? { comment } : {}),
    });
    this.dispatchEvent(new VsRatedEvent(score, comment || null));
  };

  /** The role of the other person, read from the token (display only; the service decides). */
  private expectedPeerRole(): 'agent' | 'customer' {
    return readJoinToken(this.token)?.role === 'customer' ? 'agent' : 'customer';
  }
}

/** `m:ss`, or `h:mm:ss` past an hour. */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

declare global {
  interface HTMLElementTagNameMap {
    'video-session': VideoSession;
  }
}
