import { adoptStyles, html, LitElement, type PropertyValues } from 'lit';
import type { AnnotateMessage, PointerMessage } from '../src/annotation-ops.js';
import type { PoseMessage } from '../src/tracking-messages.js';
import type { MediaState } from '../src/call-messages.js';
import {
  NOTHING,
  isCallMode,
  sends,
  type CallMode,
  type ModeAnswer,
  type Sends,
} from '../src/call-modes.js';
import { errors, VideoSessionError, type ErrorCode } from '../src/errors.js';
import { ModeNegotiator, type ModeOffer } from '../src/mode-negotiator.js';
import { assertNever } from '../src/parse.js';
import type { PeerMessage } from '../src/peer-messages.js';
import type {
  IceServer,
  IceTransportPolicy,
  Participant,
  Role,
  ServerMessage,
} from '../src/protocol.js';
import { MediaController } from './controllers/media-controller.js';
import type { AnnotationView, OverlayController } from './controllers/overlay-controller.js';
import type { TrackerController } from './controllers/tracker-controller.js';
import { PeerController } from './controllers/peer-controller.js';
import { ScreenController } from './controllers/screen-controller.js';
import {
  SignallingController,
  type SignallingStatus,
} from './controllers/signalling-controller.js';
import type { SessionStatus } from '../src/session-state.js';
import {
  VsErrorEvent,
  VsModeChangeEvent,
  VsModeOfferEvent,
  VsSessionStatusEvent,
  VsStateChangeEvent,
  type CallState,
} from './events.js';
import { readJoinToken } from './join-token.js';
import { languageOf, messagesFor } from './localize.js';
import { styles } from './video-session.styles.js';
import type { CallActions, CallView } from './views/call-view.js';
import { stage } from './views/stage.js';
import { toolbar } from './views/toolbar.js';

/** How often a broken peer connection is rebuilt from scratch before the call counts as failed. */
const MAX_REBUILDS = 2;
/** A rebuild that has not produced a connection after this long counts as failed. */
const REBUILD_TIMEOUT_MS = 12_000;

const SILENT: MediaState = {
  audio: false,
  video: false,
  screen: false,
  camera: 'unknown',
  microphone: 'unknown',
};
const union = (a: Sends, b: Sends): Sends => ({
  audio: a.audio || b.audio,
  video: a.video || b.video,
});

/**
 * A one-on-one video call between a support agent and a customer, peer to peer, brokered by the
 * signalling service. The join token decides the session and the role.
 *
 * The *session* lasts until the agent ends it (or it expires); within it the *call* changes mode
 * (two-way, one-way, voice, chat) without a new invitation. The agent's widget decides the mode;
 * the customer answers offers that need their camera or microphone.
 *
 * @example
 *   <script type="module" src="https://video.example.com/sdk/video-session.js"></script>
 *   <video-session signalling-url="wss://video.example.com/v1/signal" token="…" auto-start></video-session>
 *
 * @fires vs-state-change - `VsStateChangeEvent` with `state` and `previous`, on every state change.
 * @fires vs-mode-change - `VsModeChangeEvent` with `mode`, `previous` and `by` (the role that changed it).
 * @fires vs-mode-offer - `VsModeOfferEvent` with `mode` and `from`: this person is asked to send media (answer with `answerOffer()`).
 * @fires vs-error - `VsErrorEvent` with `code`, `fatal` and `message`; fatal errors end in `failed`.
 * @fires vs-session-status - `VsSessionStatusEvent` with `status` and `previous`: the session's
 *   status as the service reports it (see `sessionStatus`).
 *
 * @csspart stage - the area holding both videos.
 * @csspart remote-video - the other person's video.
 * @csspart local-video - your own camera preview (mirrored) or shared screen.
 * @csspart status - the status bar (state, mode, call timer).
 * @csspart toolbar - the call controls.
 * @csspart join-button - the button shown before the call starts.
 * @csspart screen-button - the screen-sharing button.
 * @csspart mode-select - the call-mode picker.
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
    mode: { reflect: true, noAccessor: true },
    _state: { state: true },
    _peer: { state: true },
    _remoteStream: { state: true },
    _remoteMedia: { state: true },
    _error: { state: true },
    _serviceAway: { state: true },
    _offer: { state: true },
    _notice: { state: true },
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
  declare private _remoteMedia: MediaState;
  declare private _error: ErrorCode | null;
  declare private _serviceAway: boolean;
  declare private _offer: ModeOffer | null;
  declare private _notice: string | null;
  /** The customer shows their own camera large: the picture the agent draws on. */
  declare private _ownLarge: boolean;

  private myRole: Role = 'customer';
  private _sessionStatus: SessionStatus | null = null;
  private modes: ModeNegotiator | null = null;
  private wanted: CallMode = 'two-way';
  /** What flows on the current connection (the negotiator's last agreement). */
  private applied: CallMode = 'chat';
  /** What to keep open before the first agreement (the join choice), so it starts at once. */
  private warm: Sends = NOTHING;
  private left = false;
  private iceServers: IceServer[] = [];
  private iceTransportPolicy: IceTransportPolicy = 'all';
  private pairing = 0;
  private peerPresent = false;
  private rebuilds = 0;
  private rebuildTimer: ReturnType<typeof setTimeout> | undefined;
  private lastMediaState = '';
  private connectedAt = 0;
  private clock: ReturnType<typeof setInterval> | undefined;
  private readonly internals: ElementInternals | null;

  /** The drawing feature: a separate chunk, loaded when the call starts. */
  private overlay: OverlayController | null = null;
  private tracker: TrackerController | null = null;
  private overlayLoading: Promise<void> | null = null;
  /** Drawing messages that arrived before the drawing feature was loaded. */
  private readonly earlyMarks: DrawingMessage[] = [];
  /** The customer's view was switched to their own camera once this call (by them or by a mark). */
  private ownLargeShown = false;

  private readonly media = new MediaController(this, {
    onTrack: () => this.syncTracks(),
    onError: (code, fatal) => this.fail(code, fatal),
  });

  private readonly screen = new ScreenController(this, {
    onTrack: () => this.syncTracks(),
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
      this.rebuilds = 0;
      clearTimeout(this.rebuildTimer);
      this.lastMediaState = '';
      this.setState('connected');
      // The service counts the session connected once a widget's peer connection is up.
      this.signalling.send({ type: 'call-connected', pairing: this.pairing });
      this.modes?.connected();
      this.sendMediaState();
      this.overlay?.resync();
      this.tracker?.connected();
    },
    onRemoteStream: (stream) => (this._remoteStream = stream),
    onMessage: (message) => this.handlePeerMessage(message),
    onBinary: () => undefined,
    onRecovering: () => this.setState('reconnecting'),
    onRecovered: () => {
      this.setState('connected');
      this.signalling.send({ type: 'call-connected', pairing: this.pairing });
    },
    onLost: () => this.handlePeerLost(),
    onError: (code, fatal) => this.fail(code, fatal),
  });

  private readonly actions: CallActions = {
    join: (media) => void this.start(media),
    retry: () => void this.retry(),
    answer: (answer) => this.answerOffer(answer),
    setMode: (mode) => void this.setMode(mode),
    cancelOffer: () => void this.setMode(this.mode),
    toggleMute: () => (this.muted = !this.muted),
    togglePause: () => (this.videoPaused = !this.videoPaused),
    toggleScreen: () => void (this.screen.track ? this.stopScreenShare() : this.shareScreen()),
    swapVideos: () => {
      this.ownLargeShown = true;
      this._ownLarge = !this._ownLarge;
    },
    endCall: () => void this.endCall(),
    hangUp: () => void this.hangUp(),
  };

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
    this._remoteMedia = SILENT;
    this._error = null;
    this._serviceAway = false;
    this._offer = null;
    this._notice = null;
    this._ownLarge = false;
    this.internals = typeof this.attachInternals === 'function' ? this.attachInternals() : null;
    this.addEventListener('keydown', (e) => {
      if (this.overlay?.handleKeydown(e)) e.preventDefault();
    });
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

  /**
   * The call mode: `two-way`, `one-way-agent`, `one-way-customer`, `voice` or `chat`. The agent's
   * attribute is the mode offered when the call starts (default `two-way`); during the call this is
   * the agreed mode, and setting it asks for a change (see `setMode`).
   */
  get mode(): CallMode {
    return this.modes?.mode ?? this.wanted;
  }

  set mode(value: CallMode) {
    if (!isCallMode(value)) return;
    const old = this.mode;
    if (this.modes) void this.setMode(value);
    else this.wanted = value;
    this.requestUpdate('mode', old);
  }

  /**
   * Joins the session: opens camera and microphone and connects to the service. A customer's
   * `video: false` means "without my camera" (they watch), `audio: false, video: false` means chat
   * only; that choice answers the agent's first offer.
   */
  async start({
    audio = true,
    video = true,
  }: { audio?: boolean; video?: boolean } = {}): Promise<void> {
    if (this._state !== 'idle' && this._state !== 'ended' && this._state !== 'failed') return;
    this._error = null;
    this._notice = null;
    this.left = false;
    if (!this.token) return this.fail('ERR_TOKEN_MISSING', true);
    if (!this.signallingUrl) return this.fail('ERR_SIGNALLING_UNREACHABLE', true);
    this.myRole = readJoinToken(this.token)?.role ?? 'customer';
    void this.loadOverlay();
    const consent =
      this.myRole === 'agent' ? sends(this.wanted, 'agent') : { audio, video: video && audio };
    this.warm = consent;
    this.applied = 'chat';
    this.modes = new ModeNegotiator(
      {
        role: this.myRole,
        send: (message) => this.peer.send(message),
        onApply: (mode, agreed) => this.applyMode(mode, agreed),
        onChange: (mode, previous, by) => {
          this.requestUpdate('mode', previous);
          this.dispatchEvent(new VsModeChangeEvent(mode, previous, by));
        },
        onOffer: (offer) => {
          this._offer = offer;
          if (offer) this.dispatchEvent(new VsModeOfferEvent(offer.mode, offer.from));
        },
        onAnswered: (_mode, answer) => {
          this._notice = answer === 'decline' ? this.t.declined(this.peerName) : null;
        },
        onAwaiting: () => this.requestUpdate(),
      },
      {
        initial: this.wanted,
        consent,
        preset:
          this.myRole === 'customer'
            ? consent.video
              ? 'accept'
              : audio
                ? 'one-way'
                : 'decline'
            : null,
      },
    );
    this.setState('connecting');
    // Camera first: the permission prompt is answered before the other person sees us join.
    await this.media.need(this.mediaNeeded());
    if (this.state !== 'connecting') return; // hung up or failed while the prompt was open
    this.signalling.connect(this.signallingUrl, this.token);
  }

  /**
   * Tries again after `failed` (or comes back after leaving). When the call failed but the session
   * link is up, both sides get a fresh peer connection; otherwise this joins again like `start()`.
   */
  async retry(): Promise<void> {
    if (this._state === 'failed' && this._error === 'ERR_CALL_FAILED' && this.signalling.joined) {
      this._error = null;
      this.rebuilds = 0;
      this.setState('reconnecting');
      this.requestRebuild();
      return;
    }
    await this.start();
  }

  /**
   * Asks for a call mode. The agent decides (asking the customer when the mode needs media they do
   * not send now, unless they agreed to it earlier); the customer's request goes to the agent.
   * Resolves with the mode the call ends up in.
   */
  async setMode(mode: CallMode): Promise<CallMode> {
    if (!isCallMode(mode)) throw new TypeError(`not a call mode: ${String(mode)}`);
    if (!this.modes) {
      this.mode = mode;
      return mode;
    }
    this._notice = null;
    return this.modes.request(mode);
  }

  /** Answers the offer this person was asked (`vs-mode-offer`). */
  answerOffer(answer: ModeAnswer): void {
    this.modes?.answer(answer);
  }

  /** Ends the call but keeps the session: no audio or video, chat goes on; video can resume later. */
  endCall(): Promise<CallMode> {
    return this.setMode('chat');
  }

  /**
   * The agent ends the session for both. The customer leaves it; it stays open until the agent ends
   * it or it expires, and `start()` (or the invite link) brings the customer back.
   */
  async hangUp(): Promise<void> {
    if (this._state === 'idle' || this._state === 'ended') return;
    if (this._state === 'failed' && !this.signalling.joined) return;
    this.peer.send({ type: 'bye' });
    this.signalling.send({ type: 'hang-up' });
    this.left = this.myRole === 'customer';
    this.finish('ended');
  }

  /** Shares a screen, window or tab instead of the camera; false when the person cancelled. */
  async shareScreen(): Promise<boolean> {
    if (this._state !== 'connected') throw new VideoSessionError('ERR_NOT_CONNECTED');
    return this.screen.start();
  }

  /** Stops sharing; the camera comes back if the mode sends it. */
  stopScreenShare(): void {
    this.screen.stop();
  }

  /** The drawings on the customer's camera picture, both people's, where they are drawn now. */
  get annotations(): AnnotationView[] {
    return this.overlay?.annotations() ?? [];
  }

  /** Undoes your last drawing action (on both screens). */
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

  /** The peer connection's WebRTC statistics (null when there is no connection), for analytics. */
  getStats(): Promise<RTCStatsReport | null> {
    return this.peer.stats();
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.syncCustomState();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    // Controllers release their resources in hostDisconnected; the element stops its timers.
    this.stopClock();
    clearTimeout(this.rebuildTimer);
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
      this.media.setEnabled('audio', !this.muted);
      this.media.setEnabled('video', !this.videoPaused);
    }
    // Tracks, mute, pause and device permissions all end up here; unchanged states are not resent.
    this.sendMediaState();
    // The drawings go over the customer's camera: the agent's remote video, the customer's own.
    const root = this.renderRoot;
    const surface = root.querySelector<HTMLVideoElement>(
      this.myRole === 'agent' ? 'video.remote' : 'video.local',
    );
    this.overlay?.attach(surface, root.querySelector<HTMLCanvasElement>('canvas.annotations'));
    // Anchored marks follow the customer's camera (not a shared screen).
    const camera = this.myRole === 'customer' && !this.screen.track ? this.media.videoTrack : null;
    this.tracker?.attach(surface, camera);
  }

  /** The table of strings for this element's language. */
  private get t() {
    return messagesFor(languageOf(this));
  }

  private get peerName(): string {
    return (
      this._peer?.name ?? this.t.theOtherPerson(this.myRole === 'customer' ? 'agent' : 'customer')
    );
  }

  private handleServerMessage(message: Exclude<ServerMessage, { type: 'error' }>): void {
    switch (message.type) {
      case 'welcome':
        this.setSessionStatus(message.status);
        this.myRole = message.you.role;
        this.overlay?.begin(this.myRole);
        this.iceServers = message.iceServers;
        this.iceTransportPolicy = message.iceTransportPolicy ?? 'all';
        if (message.peer) this._peer = message.peer;
        // After a service restart the other person may not be back yet, but our call still runs.
        this.peerPresent = message.peer !== null || this.peer.connected;
        if (!this.peer.connected && !this.peer.recovering && !message.peer)
          this.setState('waiting');
        return;
      case 'peer-joined':
        this._peer = message.peer;
        this.peerPresent = true;
        this.pairing = message.pairing;
        clearTimeout(this.rebuildTimer); // the new connection has its own connect timeout
        if (this._state === 'failed') this._error = null; // the other side tried again
        this.modes?.disconnected();
        this._remoteStream = null;
        this._remoteMedia = SILENT;
        if (this._state !== 'reconnecting') this.setState('connecting');
        this.peer.start({
          initiator: message.initiator,
          iceServers: this.iceServers,
          iceTransportPolicy: this.iceTransportPolicy,
          tracks: { audio: null, video: null },
          // The customer's camera frames get their RTP timestamps noted, to name them for tracking.
          onSender: (sender, kind) => {
            if (kind === 'video' && this.myRole === 'customer') this.tracker?.adoptSender(sender);
          },
        });
        return;
      case 'peer-left':
        this.peerPresent = false;
        // Only their link to the service dropped, and the call itself runs: keep it. They resume.
        if (message.reason === 'disconnected' && this.peer.connected) return;
        this.peerGone();
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
        this._remoteMedia = message;
        return;
      case 'mode-offer':
      case 'mode-answer':
      case 'mode-request':
      case 'mode':
        this.modes?.handle(message);
        return;
      case 'annotate':
      case 'pointer':
      case 'pose':
        this.handleDrawingMessage(message);
        return;
      case 'bye':
        // The agent leaving ends the session; the customer leaving leaves it open.
        if (this.myRole === 'customer') this.finish('ended');
        else {
          this.peerPresent = false;
          this.peerGone();
        }
        return;
      default:
        assertNever(message);
    }
  }

  /** The other person is gone from the call: wait for them. */
  private peerGone(): void {
    this.peer.stop();
    this.modes?.disconnected();
    this._remoteStream = null;
    this._remoteMedia = SILENT;
    if (this._state !== 'ended' && this._state !== 'failed') this.setState('waiting');
  }

  /**
   * The peer connection is gone without anyone leaving (ICE restarts did not bring it back, or it
   * never came up): ask the service for a fresh one, up to `MAX_REBUILDS` times in a row. Then the
   * call fails, but the session link stays, so either side's retry (or coming back) starts over.
   */
  private handlePeerLost(): void {
    if (this._state === 'ended' || this._state === 'failed' || this._state === 'idle') return;
    clearTimeout(this.rebuildTimer);
    this.modes?.disconnected();
    this._remoteStream = null;
    this._remoteMedia = SILENT;
    if (!this.peerPresent) {
      this.peer.stop();
      this.setState('waiting');
      return;
    }
    if (this.rebuilds >= MAX_REBUILDS) {
      this.peer.stop();
      this.screen.stop();
      this.media.stop();
      this._error = 'ERR_CALL_FAILED';
      this.dispatchEvent(new VsErrorEvent('ERR_CALL_FAILED', true, errors.ERR_CALL_FAILED.message));
      this.setState('failed');
      return;
    }
    this.rebuilds++;
    this.setState('reconnecting');
    this.requestRebuild();
  }

  /** Asks the service for a fresh peer connection; counts as a failed rebuild if none comes up. */
  private requestRebuild(): void {
    // When the service is away the resume asks for the same thing (it says the call is down).
    this.signalling.send({ type: 'repair', pairing: this.pairing });
    clearTimeout(this.rebuildTimer);
    this.rebuildTimer = setTimeout(() => {
      if (!this.peer.connected) this.handlePeerLost();
    }, REBUILD_TIMEOUT_MS);
  }

  private handleSignallingStatus(status: SignallingStatus): void {
    this._serviceAway = status === 'reconnecting';
    // Media is peer to peer: a connected call goes on while the service is away.
    if (status === 'reconnecting' && (this._state === 'connecting' || this._state === 'waiting')) {
      this.setState('reconnecting');
    }
    if (
      status === 'open' &&
      this._state === 'reconnecting' &&
      this.peer.connected &&
      !this.peer.recovering
    ) {
      this.setState('connected');
    }
  }

  /** A mode was agreed on this connection (or it waits for one): open and send what it needs. */
  private applyMode(mode: CallMode, agreed: boolean): void {
    if (agreed) this.warm = NOTHING;
    this.applied = mode;
    void this.media.need(this.mediaNeeded());
    this.syncTracks();
  }

  /** Devices to keep open: what the agreed mode sends, the mode being re-agreed, the join choice. */
  private mediaNeeded(): Sends {
    const shown = this.modes ? sends(this.modes.mode, this.myRole) : NOTHING;
    return union(union(sends(this.applied, this.myRole), shown), this.warm);
  }

  /** Hands the peer connection exactly what this side sends now. */
  private syncTracks(): void {
    const out = sends(this.applied, this.myRole);
    this.peer.setTrack('audio', out.audio ? this.media.audioTrack : null);
    this.peer.setTrack('video', this.screen.track ?? (out.video ? this.media.videoTrack : null));
    this.sendMediaState();
  }

  private sendMediaState(): void {
    const out = sends(this.applied, this.myRole);
    const state: MediaState = {
      audio: out.audio && this.media.audioTrack !== null && !this.muted,
      video:
        this.screen.track !== null ||
        (out.video && this.media.videoTrack !== null && !this.videoPaused),
      screen: this.screen.track !== null,
      camera: this.media.status.camera,
      microphone: this.media.status.microphone,
    };
    const key = JSON.stringify(state);
    if (key === this.lastMediaState) return;
    if (this.peer.send({ type: 'media-state', ...state })) this.lastMediaState = key;
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
    if (this._state === 'ended') return;
    if (this._state === 'failed' && !this.signalling.joined) return;
    clearTimeout(this.rebuildTimer);
    // An agent who comes back (retry) offers what the call was.
    if (this.myRole === 'agent' && this.modes && this.modes.mode !== 'chat')
      this.wanted = this.modes.mode;
    this.signalling.close();
    this.modes?.disconnected();
    this.peer.stop();
    this.screen.stop();
    this.media.stop();
    this.applied = 'chat';
    this.overlay?.end();
    this.tracker?.stop();
    this.earlyMarks.length = 0;
    this._ownLarge = false;
    this.ownLargeShown = false;
    this._remoteStream = null;
    this._remoteMedia = SILENT;
    this._serviceAway = false;
    this._offer = null;
    this.setState(state);
  }

  /** Loads the drawing feature once; the call works without it if it cannot be loaded. */
  private loadOverlay(): Promise<void> {
    this.overlayLoading ??= import('./annotations/drawing.js').then(
      ({ OverlayController, TrackerController, annotationStyles }) => {
        if (this.renderRoot instanceof ShadowRoot) {
          adoptStyles(this.renderRoot, [...VideoSession.elementStyles, annotationStyles]);
        }
        this.overlay = new OverlayController(this, {
          onSend: (message) => this.peer.send(message),
          onPointer: (message) => this.peer.sendUnreliable(message),
          frameRef: () => this.tracker?.frameRef() ?? null,
          onMarksChanged: (marks) => {
            this.tracker?.syncMarks(marks);
            // The customer sees what the agent draws on their own camera: show it large, once.
            if (this.myRole === 'customer' && marks.some((m) => m.author === 'agent')) {
              this.showOwnLarge();
            }
          },
          onError: (code, fatal) => this.fail(code, fatal),
        });
        this.tracker = new TrackerController(this, {
          role: () => this.myRole,
          onPose: (message) => this.peer.sendUnreliable(message),
          stats: () => this.peer.stats(),
          onFrame: (placements) => {
            for (const [id, p] of placements) this.overlay?.setPlacement('agent', id, p.h, p.state);
            this.overlay?.draw();
          },
        });
        this.overlay.begin(this.myRole);
        if (this.peer.connected) this.tracker.connected();
        for (const message of this.earlyMarks.splice(0)) this.handleDrawingMessage(message);
        this.requestUpdate();
      },
      (err: unknown) => console.warn('[video-session] drawing tools unavailable:', err),
    );
    return this.overlayLoading;
  }

  private handleDrawingMessage(message: DrawingMessage): void {
    const overlay = this.overlay,
      tracker = this.tracker;
    const from = this.myRole === 'agent' ? 'customer' : 'agent';
    if (!overlay || !tracker) {
      if (this.earlyMarks.length < 1000 && message.type !== 'pose') this.earlyMarks.push(message);
      return;
    }
    switch (message.type) {
      case 'annotate':
        overlay.handleAnnotate(message, from);
        return;
      case 'pointer':
        overlay.handlePointer(message, from);
        if (this.myRole === 'customer' && message.at) this.showOwnLarge();
        return;
      case 'pose':
        tracker.handlePose(message);
        return;
      default:
        assertNever(message);
    }
  }

  /** The customer's view switches to their own camera (where the agent draws), once a call. */
  private showOwnLarge(): void {
    if (this.ownLargeShown) return;
    this.ownLargeShown = true;
    this._ownLarge = true;
  }

  private setState(next: CallState): void {
    const previous = this._state;
    if (next === previous) return;
    this._state = next;
    if (next === 'connected') this.startClock();
    else if (next !== 'reconnecting') this.stopClock();
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

  private startClock(): void {
    if (this.clock) return; // a reconnect within the call keeps its timer
    this.connectedAt = Date.now();
    this.clock = setInterval(() => this.requestUpdate(), 1000);
  }

  private stopClock(): void {
    clearInterval(this.clock);
    this.clock = undefined;
  }

  override render() {
    const out = sends(this.applied, this.myRole);
    const view: CallView = {
      t: this.t,
      state: this._state,
      role: this.myRole,
      peerName: this.peerName,
      mode: this.mode,
      live: this._state !== 'idle' && this._state !== 'ended' && this._state !== 'failed',
      timer: formatDuration(Date.now() - this.connectedAt),
      serviceAway: this._serviceAway,
      error: this._error,
      left: this.left,
      offer: this._offer,
      awaitingAnswer: this.modes?.awaitingAnswer ?? false,
      notice: this._notice,
      remoteStream: this._remoteStream,
      remote: this._remoteMedia,
      preview: this.media.preview,
      sendsAudio: out.audio && this.media.audioTrack !== null,
      sendsVideo: this.screen.track !== null || (out.video && this.media.videoTrack !== null),
      sharing: this.screen.track !== null,
      screenSupported: this.screen.supported,
      muted: this.muted,
      videoPaused: this.videoPaused,
      hasCamera: this.media.hasCamera,
      sinkId: this.media.choice.audiooutput,
      ownLarge: this._ownLarge && this._state === 'connected',
      drawing: this.overlay?.role
        ? { tools: this.overlay.render(this.t), active: this.overlay.tool !== null }
        : null,
    };
    return html`${stage(view, this.actions)}${view.live ? toolbar(view, this.actions) : ''}`;
  }
}

/** Data-channel messages of the drawing feature (handled once it is loaded). */
type DrawingMessage = AnnotateMessage | PointerMessage | PoseMessage;

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
