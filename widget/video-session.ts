import { adoptStyles, html, LitElement, nothing, type PropertyValues } from 'lit';
import type { Author } from '../src/annotation-board.js';
import type { AnnotateMessage, PointerMessage } from '../src/annotation-ops.js';
import { errors, type ErrorCode } from '../src/errors.js';
import type { PeerMessage } from '../src/peer-messages.js';
import { assertNever } from '../src/parse.js';
import type { IceServer, Participant, Role, ServerMessage } from '../src/protocol.js';
import { MediaController } from './controllers/media-controller.js';
import type { AnnotationView, OverlayController } from './controllers/overlay-controller.js';
import { PeerController } from './controllers/peer-controller.js';
import {
  SignallingController,
  type SignallingStatus,
} from './controllers/signalling-controller.js';
import { VsErrorEvent, VsStateChangeEvent, type CallState } from './events.js';
import { cameraIcon, cameraOffIcon, hangUpIcon, micIcon, micOffIcon, phoneIcon } from './icons.js';
import { readJoinToken } from './join-token.js';
import { messages } from './messages.js';
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
 *
 * @csspart stage - the area holding both videos.
 * @csspart remote-video - the other person's video.
 * @csspart local-video - your own camera preview (mirrored).
 * @csspart status - the status bar (state, call timer).
 * @csspart toolbar - the call controls.
 * @csspart join-button - the button shown before the call starts.
 * @csspart annotations - the canvas with the drawings, over the customer's camera picture.
 * @csspart annotation-tools - the drawing tools (pointer, pen, arrow, circle, rectangle,
 *   highlighter, text, colour, width, keep-on-object, undo, redo, clear).
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
    _state: { state: true },
    _peer: { state: true },
    _remoteStream: { state: true },
    _remoteMedia: { state: true },
    _error: { state: true },
    _serviceAway: { state: true },
    _role: { state: true },
    _ownLarge: { state: true },
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

  declare private _state: CallState;
  declare private _peer: Participant | null;
  declare private _remoteStream: MediaStream | null;
  declare private _remoteMedia: { audio: boolean; video: boolean };
  declare private _error: ErrorCode | null;
  declare private _serviceAway: boolean;
  /** Our role in the session, from the service's welcome. */
  declare private _role: Role | null;
  /** The customer shows their own camera large (where the agent draws). */
  declare private _ownLarge: boolean;

  private iceServers: IceServer[] = [];
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
      this.overlay?.resync();
      this.setState('connected');
    },
    onRemoteStream: (stream) => (this._remoteStream = stream),
    onMessage: (message) => this.handlePeerMessage(message),
    onLost: () => this.handlePeerLost(),
    onError: (code, fatal) => this.fail(code, fatal),
  });

  /** The drawing feature: loaded (a separate chunk) when the call starts. */
  private overlay: OverlayController | null = null;
  private overlayLoading: Promise<void> | null = null;
  /** Drawing messages that arrived before the drawing feature was loaded. */
  private readonly earlyMarks: (AnnotateMessage | PointerMessage)[] = [];
  private ownLargeShown = false;

  constructor() {
    super();
    this.signallingUrl = '';
    this.token = '';
    this.autoStart = false;
    this.muted = false;
    this.videoPaused = false;
    this._state = 'idle';
    this._peer = null;
    this._remoteStream = null;
    this._remoteMedia = { audio: true, video: true };
    this._error = null;
    this._serviceAway = false;
    this._role = null;
    this._ownLarge = false;
    this.addEventListener('keydown', (e) => {
      if (this.overlay?.handleKeydown(e)) e.preventDefault();
    });
    this.internals = typeof this.attachInternals === 'function' ? this.attachInternals() : null;
  }

  /** Where the call is: `idle`, `connecting`, `waiting`, `connected`, `reconnecting`, `ended`, `failed`. */
  get state(): CallState {
    return this._state;
  }

  /** Joins the call: opens camera and microphone and connects to the service. */
  async start(): Promise<void> {
    if (this._state !== 'idle' && this._state !== 'ended' && this._state !== 'failed') return;
    this._error = null;
    if (!this.token) return this.fail('ERR_TOKEN_MISSING', true);
    if (!this.signallingUrl) return this.fail('ERR_SIGNALLING_UNREACHABLE', true);
    this.setState('connecting');
    void this.loadOverlay();
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

  /** The drawings on the customer's camera picture, both people's, where they are drawn now. */
  get annotations(): AnnotationView[] {
    return this.overlay?.annotations() ?? [];
  }

  /** Undoes your last drawing action (also on the other screen). */
  undoAnnotation(): void {
    this.overlay?.undo();
  }

  /** Redoes the drawing action you last undid. */
  redoAnnotation(): void {
    this.overlay?.redo();
  }

  /** Clears your marks, or (`all`, the agent only) everyone's. */
  clearAnnotations(scope: 'own' | 'all' = 'own'): void {
    this.overlay?.clear(scope);
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
    // The drawings go over the customer's camera: the agent's remote video, the customer's own.
    const surface = this.shadowRoot?.querySelector<HTMLVideoElement>(
      this._role === 'agent' ? 'video.remote' : 'video.local',
    );
    const canvas = this.shadowRoot?.querySelector<HTMLCanvasElement>('canvas.annotations');
    this.overlay?.attach(surface ?? null, canvas ?? null, this._role === 'customer');
  }

  private handleServerMessage(message: Exclude<ServerMessage, { type: 'error' }>): void {
    switch (message.type) {
      case 'welcome':
        this._role = message.you.role;
        this.overlay?.begin(message.you.role);
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
      case 'session-ended':
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
      case 'annotate':
      case 'pointer':
        this.handleDrawingMessage(message);
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
    this.overlay?.end();
    this.earlyMarks.length = 0;
    this._remoteStream = null;
    this._peer = null;
    this._ownLarge = false;
    this.ownLargeShown = false;
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
    const ownLarge = this._ownLarge && live && !!local && this.media.hasVideo;
    const drawing =
      live && this._role !== null && (this._role === 'agent' ? !!this._remoteStream : ownLarge);
    return html`
      <div part="stage" class="stage">
        <video
          part="remote-video"
          class="remote ${ownLarge ? 'pip' : ''}"
          autoplay
          playsinline
          ${srcObject(this._remoteStream)}
          ?hidden=${!this._remoteStream}
          @click=${() => ownLarge && this.toggleOwnLarge()}
        ></video>
        ${this.renderOverlay(peerName)}
        ${
          local && live
            ? html`<video
                part="local-video"
                class="local ${ownLarge ? 'main' : ''}"
                autoplay
                playsinline
                muted
                ${srcObject(local)}
                ?hidden=${!this.media.hasVideo}
                @click=${() => !ownLarge && this._role === 'customer' && this.toggleOwnLarge()}
              ></video>`
            : nothing
        }
        <canvas
          part="annotations"
          class="annotations ${drawing && this.overlay?.tool ? 'active' : ''}"
          aria-label=${messages.annotationCanvas}
          ?hidden=${!drawing}
        ></canvas>
        ${drawing ? (this.overlay?.render() ?? nothing) : nothing}
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

  /** Loads the drawing feature once; the call works without it if it cannot be loaded. */
  private loadOverlay(): Promise<void> {
    this.overlayLoading ??= import('./annotations/drawing.js').then(
      ({ OverlayController, annotationStyles }) => {
        if (this.renderRoot instanceof ShadowRoot) {
          adoptStyles(this.renderRoot, [...VideoSession.elementStyles, annotationStyles]);
        }
        this.overlay = new OverlayController(this, {
          onSend: (message) => this.peer.send(message),
          onPointer: (message) => this.peer.sendUnreliable(message),
          frameRef: () => null,
          onMarksChanged: (marks) => {
            // The customer sees what the agent draws on their own camera: show it large, once.
            if (this._role === 'customer' && marks.some((m) => m.author === 'agent')) {
              this.showOwnLarge();
            }
          },
          onError: (code, fatal) => this.fail(code, fatal),
        });
        if (this._role) this.overlay.begin(this._role);
        for (const message of this.earlyMarks.splice(0)) this.handleDrawingMessage(message);
        this.requestUpdate();
      },
      (err: unknown) => console.warn('[video-session] drawing tools unavailable:', err),
    );
    return this.overlayLoading;
  }

  private handleDrawingMessage(message: AnnotateMessage | PointerMessage): void {
    const overlay = this.overlay;
    if (!overlay) {
      if (this.earlyMarks.length < 1000) this.earlyMarks.push(message);
      return;
    }
    if (message.type === 'annotate') overlay.handleAnnotate(message, this.peerRole());
    else {
      overlay.handlePointer(message, this.peerRole());
      if (this._role === 'customer' && message.at) this.showOwnLarge();
    }
  }

  /** Who sent a data-channel message: the other person, whose role the service told us. */
  private peerRole(): Author {
    return this._peer?.role ?? (this._role === 'agent' ? 'customer' : 'agent');
  }

  private showOwnLarge(): void {
    if (this.ownLargeShown) return;
    this.ownLargeShown = true;
    this._ownLarge = true;
  }

  private toggleOwnLarge(): void {
    this.ownLargeShown = true;
    this._ownLarge = !this._ownLarge;
  }

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
