import {
  adoptStyles,
  html,
  LitElement,
  nothing,
  type CSSResult,
  type PropertyDeclarations,
  type PropertyValues,
} from 'lit';
import { isCallMode, sends, type CallMode, type ModeAnswer } from '../src/call-modes.js';
import { VideoSessionError, type ErrorCode } from '../src/errors.js';
import type { SessionStatus } from '../src/session-state.js';
import { CallController, type CallState } from './core/call/call-controller.js';
import { MediaController, type Preset } from './core/media/media-controller.js';
import { ScreenController } from './core/media/screen-controller.js';
import { Lazy } from './core/lazy.js';
import { MessageRouter } from './core/router.js';
import { listFiles, rateSession, serviceBase } from './core/service-api.js';
import { Persistence } from './core/upload/persistence.js';
import {
  VsChatEvent,
  VsErrorEvent,
  VsFileProgressEvent,
  VsModeChangeEvent,
  VsModeOfferEvent,
  VsRatedEvent,
  VsRecordingChangeEvent,
  VsScreenshotEvent,
  VsSessionStatusEvent,
  VsStateChangeEvent,
  VsUploadProgressEvent,
} from './events.js';
import { ChatController } from './features/chat/chat-controller.js';
import type { ChatEntry } from './features/chat/chat-log.js';
import { DrawingFeature, type AnnotationView } from './features/drawing/drawing-feature.js';
import { LayoutController } from './features/layout/layout-controller.js';
import { ModesController } from './features/modes/modes-controller.js';
import { NetworkController, type PoorNetwork } from './features/network/network-controller.js';
import type { RecorderSources } from './features/recording/recorder.js';
import { RecordingFeature, type RecordingStatus } from './features/recording/recording-feature.js';
import type { Screenshot } from './features/screenshots/screenshot.js';
import { RatingFeature } from './features/rating/rating-feature.js';
import { ScreenshotsFeature } from './features/screenshots/screenshots-feature.js';
import { TransferFeature } from './features/transfer/transfer-feature.js';
import { dragIcon, restoreIcon } from './icons.js';
import { languageOf, messagesFor } from './localize.js';
import { styles } from './video-session.styles.js';
import type { CallActions, CallView, DeviceKind, Panel } from './views/call-view.js';
import type * as Panels from './views/panels.js';
import { stage } from './views/stage.js';
import { toolbar } from './views/toolbar.js';

/** Default `max-file-size`: 25 MiB. */
const DEFAULT_MAX_FILE_BYTES = 25 * 1024 * 1024;
/** How long a notice over the stage stays, ms. */
const NOTICE_MS = 12_000;

/**
 * A video call between a support agent and a customer, peer to peer, brokered by the signalling
 * service. The join token decides the session and the role.
 *
 * The *session* lasts until the agent ends it (or it expires); within it the *call* changes mode
 * (two-way, one-way, voice, chat) without a new invitation. The agent's widget decides the mode;
 * the customer answers offers that need their camera or microphone.
 *
 * The element conducts: the call controller holds the connection to the service and to each other
 * person; every feature (modes, network, files, chat, screenshots, recording, drawing, layout) is a
 * controller it creates below, and the data channel's messages reach each feature through one
 * router. This class holds the public API, the views and the `vs-*` events.
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
 * @fires vs-recording-change - `VsRecordingChangeEvent` with `status` (see `recordingStatus`).
 * @fires vs-upload-progress - `VsUploadProgressEvent` with `ref`, `kind`, `loaded`, `size`, and
 *   `file` once the service has the whole screenshot or recording.
 * @fires vs-rated - `VsRatedEvent` with `score` and `comment`, once the customer's rating was sent.
 * @fires vs-chat - `VsChatEvent` with `entry`: a chat message sent or received, or a chat file that
 *   appeared, arrived or failed.
 * @fires vs-file-progress - `VsFileProgressEvent` with `name`, `purpose` (`chat` or `screenshot`),
 *   `direction`, `loaded`, `size`, `state` and `code`, as a file moves (at most every 100 ms).
 * @fires vs-screenshot - `VsScreenshotEvent` with `screenshot`: a screenshot is here, taken on this
 *   side or received complete from the other.
 *
 * @csspart stage - the area holding both videos.
 * @csspart remote-video - the other person's video.
 * @csspart local-video - your own camera preview (mirrored) or shared screen.
 * @csspart status - the status bar (state, mode, call timer).
 * @csspart toolbar - the call controls.
 * @csspart join-button - the button shown before the call starts.
 * @csspart rating - the rating prompt the customer sees after the call.
 * @csspart screen-button - the screen-sharing button.
 * @csspart mode-select - the call-mode picker.
 * @csspart settings - the settings panel (devices, resolution, permissions, layout).
 * @csspart mini-bar - the bar of the minimised window (drag handle, restore).
 * @csspart gallery - the session's screenshots, with their progress and whether each is saved to
 *   the ticket (also after the call has ended).
 * @csspart screenshot-review - a new screenshot waiting for the decision of the person who took it.
 * @csspart screenshot-editor - the editor on it (`<video-session-screenshot-editor>`): Save keeps
 *   it for the ticket (stored on the device, then uploaded), Discard throws it away on both sides.
 * @csspart screenshot-save - keeps the new screenshot when the editor could not be loaded.
 * @csspart screenshot-discard - throws the new screenshot away when the editor could not be loaded.
 * @csspart recording-indicator - shown on both sides while the call is recorded.
 * @csspart recording-prompt - the customer's question whether the call may be recorded.
 * @csspart record-button - asks to record, stops it, or (customer) withdraws consent.
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
 * @cssproperty [--vs-minimized-width=280px] - the minimised window's width.
 *
 * @cssstate idle | connecting | waiting | connected | reconnecting | ended | failed - the call state.
 */
export class VideoSession extends LitElement {
  static override styles = styles;

  static override properties: PropertyDeclarations = {
    signallingUrl: { attribute: 'signalling-url' },
    token: {},
    autoStart: { type: Boolean, attribute: 'auto-start' },
    muted: { type: Boolean, reflect: true },
    videoPaused: { type: Boolean, attribute: 'video-paused', reflect: true },
    mode: { reflect: true, noAccessor: true },
    poorNetwork: { attribute: 'poor-network' },
    maxFileSize: { type: Number, attribute: 'max-file-size' },
    minimized: { type: Boolean, reflect: true },
    noRating: { type: Boolean, attribute: 'no-rating' },
    _panel: { state: true },
    _emoji: { state: true },
    _unread: { state: true },
    _notice: { state: true },
    _ownLarge: { state: true },
  };

  /** The service's WebSocket endpoint, e.g. `wss://video.example.com/v1/signal`. */
  declare signallingUrl: string;
  /** The join token from the service (agent token, or the customer's invite token). */
  declare token: string;
  /** Start as soon as both `signalling-url` and `token` are set, without the Join button. */
  declare autoStart: boolean;
  /** Whether your microphone is muted for the others. */
  declare muted: boolean;
  /** Whether your camera is paused for the others. */
  declare videoPaused: boolean;
  /**
   * On a very poor link: `offer` voice only (default), `switch` to it (the agent's widget decides;
   * video is offered back when the link recovers), or `ignore`.
   */
  declare poorNetwork: PoorNetwork;
  /** The largest file this person sends or accepts in the chat, in bytes (default 25 MiB). */
  declare maxFileSize: number;
  /** Shows the call as a small window over the page that can be dragged (pointer or arrow keys). */
  declare minimized: boolean;
  /** Do not offer the customer the 1-5 rating after the call. */
  declare noRating: boolean;
  declare private _panel: Panel | null;
  declare private _emoji: boolean;
  declare private _unread: number;
  /** A short notice for the person (a declined offer, why a screenshot failed...). */
  private noticeTimer: ReturnType<typeof setTimeout> | undefined;
  /** The notice that tells of the other person's screenshot (it offers View). */
  private stillNotice: string | null = null;
  declare private _notice: string | null;
  /** The customer shows their own camera large: the picture the agent draws on. */
  declare private _ownLarge: boolean;
  /** The customer's view was switched to their own camera once this call (by them or by a mark). */
  private ownLargeShown = false;
  private connectedAt = 0;
  private lastAgreed: CallMode | null = null;
  private clock: ReturnType<typeof setInterval> | undefined;
  /** Styles of the features loaded later (drawing, screenshots). */
  private readonly extraStyles: CSSResult[] = [];
  private readonly internals: ElementInternals | null;

  // ---- The call and its features (the order is the order they hear of the call's life) -------

  private readonly router = new MessageRouter();

  private readonly call: CallController = new CallController(this, {
    router: this.router,
    tracks: () => this.modes.outgoing(),
    onState: (next, previous) => this.stateChanged(next, previous),
    onSessionStatus: (status, previous) =>
      this.dispatchEvent(new VsSessionStatusEvent(status, previous)),
    onError: (code, fatal, message) => this.dispatchEvent(new VsErrorEvent(code, fatal, message)),
    onInviteInUse: (role) => (this._notice = this.t.inviteInUse(role)),
  });

  private readonly media = new MediaController(this, {
    onTrack: () => this.modes.syncTracks(),
    onError: (code, fatal) => this.call.fail(code, fatal),
  });

  private readonly screen = new ScreenController(this, {
    onTrack: () => this.modes.syncTracks(),
  });

  private readonly persistence = new Persistence(this, {
    sessionId: () => this.call.sessionId,
    role: () => this.call.role,
    signallingUrl: () => this.signallingUrl,
    token: () => this.token || null,
    onProgress: (p) => {
      if (p.kind === 'screenshot') this.shots.uploadProgress(p.ref, p.loaded, p.size);
      this.dispatchEvent(new VsUploadProgressEvent(p));
    },
    onDone: (file) => {
      this.shots.stored([file]);
      this.dispatchEvent(
        new VsUploadProgressEvent(
          { ref: file.ref, kind: file.kind, loaded: file.size, size: file.size },
          file,
        ),
      );
    },
    onError: (ref, err) => {
      this.shots.uploadFailed(ref, err.code);
      this.call.fail(err.code, false);
    },
    onChunkError: (error) => this.chunkFailed(error),
  });

  private readonly recording = new RecordingFeature(this, {
    router: this.router,
    role: () => this.call.role,
    sessionId: () => this.call.sessionId,
    send: (message) => this.call.send(message),
    report: (event) => this.call.report(event, true),
    persistence: () => this.persistence.ready(),
    sources: () => this.recordingSources(),
    onChange: (status) => this.dispatchEvent(new VsRecordingChangeEvent(status)),
    onDeclined: () => (this._notice = this.t.recording.declined(this.peerName)),
    onError: (code) => {
      // The agent sees why it stopped (out of space, no recorder), not just the indicator go.
      this._notice = this.t.errors[code];
      this.call.fail(code, false);
    },
    onChunkError: (error) => this.chunkFailed(error),
  });

  private readonly modes: ModesController = new ModesController(this, {
    router: this.router,
    media: this.media,
    screen: this.screen,
    role: () => this.call.role,
    send: (message) => this.call.send(message),
    setTrack: (kind, track) => this.call.setTrack(kind, track),
    muted: () => this.muted,
    videoPaused: () => this.videoPaused,
    onChange: (mode, previous, by) => {
      this.requestUpdate('mode', previous);
      this.dispatchEvent(new VsModeChangeEvent(mode, previous, by));
      this.call.report({ type: 'session.mode_changed', mode, previous });
    },
    onOffer: (offer) => {
      if (offer) this.dispatchEvent(new VsModeOfferEvent(offer.mode, offer.from));
    },
    onAnswered: (offered, answer) => {
      this._notice = answer === 'decline' ? this.t.declined(this.peerName) : null;
      if (answer === 'decline') this.call.report({ type: 'session.offer_declined', mode: offered });
    },
    onAgreed: (mode) => {
      // Chat only: the chat is what is left, so it opens (once each time the call becomes chat).
      if (mode === 'chat' && this.lastAgreed !== 'chat') this.openPanel('chat');
      this.lastAgreed = mode;
    },
  });

  private readonly network = new NetworkController(this, {
    stats: () => this.call.stats(),
    expectsVideo: () => {
      const remote = this.modes.remoteMedia();
      return remote.video && !remote.screen && sends(this.modes.applied, this.otherRole).video;
    },
    role: () => this.call.role,
    policy: () => this.poorNetwork,
    mode: () => this.mode,
    setMode: (mode) => this.setMode(mode),
    onSwitched: () => (this._notice = this.t.switchedToVoice),
  });

  private readonly transfers = new TransferFeature(this, {
    router: this.router,
    people: () => this.call.people.values(),
    maxBytes: () => this.maxFileSize,
    onUpdate: {
      chat: (transfer, from) => {
        this.dispatchEvent(new VsFileProgressEvent(transfer));
        this.chat.handleTransfer(transfer, from);
      },
      still: (transfer) => {
        this.dispatchEvent(new VsFileProgressEvent(transfer));
        this.shots.handleTransfer(transfer);
      },
    },
  });

  private readonly chat = new ChatController(this, {
    router: this.router,
    role: () => this.call.role,
    send: (message) => this.call.send(message),
    sendFile: (file, name) => this.transfers.send(file, name, 'chat'),
    report: (event) => this.call.report(event),
    onEntry: (entry) => {
      this.dispatchEvent(new VsChatEvent(entry));
      if (entry.role !== this.call.role && this._panel !== 'chat') this._unread++;
    },
  });

  private readonly drawing = new DrawingFeature(this, {
    router: this.router,
    role: () => this.call.role,
    send: (message) => this.call.send(message),
    sendUnreliable: (message) => this.call.sendUnreliable(message),
    stats: () => this.call.stats(),
    surfaces: () => {
      // The marks go over the customer's camera: the agent's remote video, the customer's own.
      const customer = this.call.role === 'customer';
      return {
        video: this.renderRoot.querySelector<HTMLVideoElement>(
          customer ? 'video.local' : 'video.remote',
        ),
        canvas: this.renderRoot.querySelector<HTMLCanvasElement>('canvas.annotations'),
        // Anchored marks follow the customer's camera (not a shared screen).
        camera: customer && !this.screen.track ? this.media.videoTrack : null,
      };
    },
    adoptStyles: (s) => this.adopt(s),
    onMarkedHere: () => this.showOwnLarge(),
    onError: (code, fatal) => this.call.fail(code, fatal),
    onChunkError: (error) => this.chunkFailed(error),
  });

  private readonly shots: ScreenshotsFeature = new ScreenshotsFeature(this, {
    router: this.router,
    role: () => this.call.role,
    sessionId: () => this.call.sessionId,
    source: () => this.modes.pictureSource,
    picture: () =>
      this.modes.sending.video && !this.videoPaused
        ? (this.screen.track ?? this.media.videoTrack)
        : null,
    // The marks are drawn on the customer's picture.
    painter: () =>
      this.call.role === 'customer' ? (ctx, w, h) => this.drawing.paintOnto(ctx, w, h) : null,
    send: (message) => this.call.send(message),
    sendFile: (blob, name, ref) => this.transfers.send(blob, name, 'still', ref),
    persistence: () => this.persistence.ready(),
    listFiles: () => listFiles(serviceBase(this.signallingUrl), this.call.sessionId, this.token),
    adoptStyles: (s) => this.adopt(s),
    onScreenshot: (still) => {
      // A picture the other person took is told, with a way to see it.
      if (still.takenBy !== this.call.role && still.state === 'done') {
        this._notice = this.stillNotice = this.t.pictureTaken(this.peerName, this.call.role);
      }
      this.dispatchEvent(new VsScreenshotEvent(still));
    },
    onChunkError: (error) => this.chunkFailed(error),
  });

  private readonly rating = new RatingFeature({
    role: () => this.call.role,
    onChunkError: (error) => this.chunkFailed(error),
  });

  /** The settings and chat panels (a chunk, loaded when a call connects or a panel opens). */
  private readonly panels = new Lazy<typeof Panels, typeof Panels>({
    name: 'panels',
    import: () => import('./views/panels.js'),
    build: (panels) => {
      this.adopt(panels.panelStyles);
      this.requestUpdate();
      return panels;
    },
    deliver: () => undefined,
    onFailed: (error) => this.chunkFailed(error),
  });

  private readonly layout = new LayoutController(this, {
    video: () => this.shadowRoot?.querySelector<HTMLVideoElement>('[part~="remote-video"]') ?? null,
  });

  constructor() {
    super();
    this.signallingUrl = '';
    this.token = '';
    this.autoStart = false;
    this.muted = false;
    this.videoPaused = false;
    this.poorNetwork = 'offer';
    this.maxFileSize = DEFAULT_MAX_FILE_BYTES;
    this.minimized = false;
    this.noRating = false;
    this._panel = null;
    this._emoji = false;
    this._unread = 0;
    this._notice = null;
    this._ownLarge = false;
    this.internals = typeof this.attachInternals === 'function' ? this.attachInternals() : null;
    for (const feature of [
      this.persistence,
      this.recording,
      this.modes,
      this.network,
      this.transfers,
      this.chat,
      this.drawing,
      this.shots,
      this.rating,
      // The settings and chat panels are loaded once the call is set up.
      { callSettled: () => void this.panels.load().catch(() => undefined) },
    ]) {
      this.call.addFeature(feature);
    }
    this.addEventListener('keydown', (e) => {
      if (this.drawing.handleKeydown(e)) e.preventDefault();
    });
  }

  // ---- The call ----------------------------------------------------------------------------------

  /** Where the call is: `idle`, `connecting`, `waiting`, `connected`, `reconnecting`, `ended`, `failed`. */
  get state(): CallState {
    return this.call.state;
  }

  /**
   * The session's status as the service last reported it (`requested`, `created`, `waiting`,
   * `connected`, `reconnecting`, `ended`, `declined`, `expired`, `failed`); null before joining.
   */
  get sessionStatus(): SessionStatus | null {
    return this.call.sessionStatus;
  }

  /**
   * Joins the session: opens camera and microphone and connects to the service. A customer's
   * `video: false` means "without my camera" (they watch), `audio: false, video: false` means chat
   * only; that choice answers the agent's first offer.
   */
  start({ audio = true, video = true }: { audio?: boolean; video?: boolean } = {}): Promise<void> {
    return this.call.join(this.signallingUrl, this.token, () => {
      this._notice = null;
      return this.modes.prepare({ audio, video });
    });
  }

  /**
   * Tries again after `failed` (or comes back after leaving). When the call failed but the session
   * link is up, everyone gets a fresh peer connection; otherwise this joins again like `start()`.
   */
  async retry(): Promise<void> {
    if (!this.call.repair()) await this.start();
  }

  /**
   * The agent ends the session for everyone. The customer leaves it; it stays open until the agent
   * ends it or it expires, and `start()` (or the invite link) brings the customer back.
   */
  hangUp(): Promise<void> {
    this.call.hangUp();
    return Promise.resolve();
  }

  /** Measures the round trip over the data channel to the other widget, in milliseconds. */
  roundTrip(): Promise<number> {
    return this.call.roundTrip();
  }

  /** The peer connection's WebRTC statistics (null when there is no connection), for analytics. */
  getStats(): Promise<RTCStatsReport | null> {
    return this.call.stats();
  }

  // ---- Modes and media ---------------------------------------------------------------------------

  /**
   * The call mode: `two-way`, `one-way-agent`, `one-way-customer`, `voice` or `chat`. The agent's
   * attribute is the mode offered when the call starts (default `two-way`); during the call this is
   * the agreed mode, and setting it asks for a change (see `setMode`).
   */
  get mode(): CallMode {
    return this.modes.mode;
  }

  set mode(value: CallMode) {
    if (!isCallMode(value)) return;
    const old = this.mode;
    this._notice = null;
    this.modes.requested = value;
    this.requestUpdate('mode', old);
  }

  /**
   * Asks for a call mode. The agent decides (asking the customer when the mode needs media they do
   * not send now, unless they agreed to it earlier); the customer's request goes to the agent.
   * Resolves with the mode the call ends up in.
   */
  setMode(mode: CallMode): Promise<CallMode> {
    this._notice = null;
    return this.modes.request(mode);
  }

  /** Answers the offer this person was asked (`vs-mode-offer`). */
  answerOffer(answer: ModeAnswer): void {
    this.modes.answer(answer);
  }

  /** Ends the call but keeps the session: no audio or video, chat goes on; video can resume later. */
  endCall(): Promise<CallMode> {
    return this.setMode('chat');
  }

  /**
   * Follows the suggestion a poor (or recovered) link made: voice only, or video back. `false`
   * dismisses it.
   */
  acceptNetworkOffer(accept = true): Promise<void> {
    return this.network.accept(accept);
  }

  /** Shares a screen, window or tab instead of the camera; false when the person cancelled. */
  async shareScreen(): Promise<boolean> {
    if (this.state !== 'connected') throw new VideoSessionError('ERR_NOT_CONNECTED');
    return this.screen.start();
  }

  /** Stops sharing; the camera comes back if the mode sends it. */
  stopScreenShare(): void {
    this.screen.stop();
  }

  /**
   * Switches the camera or microphone (`videoinput`, `audioinput`) mid-call without renegotiating,
   * or the speaker (`audiooutput`, where the browser can). `deviceId` from `enumerateDevices()`.
   */
  async useDevice(kind: DeviceKind, deviceId: string): Promise<void> {
    if (kind === 'audiooutput') this.media.useSpeaker(deviceId);
    else await this.media.useDevice(kind, deviceId);
  }

  /** Asks the camera for `native`, `720p` or `360p` (the nearest size it has is used). */
  setPreset(preset: Preset): Promise<void> {
    return this.media.setPreset(preset);
  }

  /** Front <-> back camera on phones. */
  flipCamera(): Promise<void> {
    return this.media.flipCamera();
  }

  // ---- Chat ----------------------------------------------------------------------------------------

  /** The chat so far, everyone's messages and files, oldest first. */
  get chatHistory(): readonly ChatEntry[] {
    return this.chat.entries;
  }

  /** Sends a chat message (at most 4000 characters). */
  sendMessage(text: string): void {
    this.chat.sendMessage(text);
  }

  /**
   * Sends a file or photo into the chat, in chunks with progress on both sides. Resolves once the
   * others have it, complete and checked; rejects with `ERR_FILE_TOO_LARGE` (over this side's
   * `max-file-size` or the other side's), `ERR_NOT_CONNECTED` or `ERR_FILE_TRANSFER_FAILED`.
   */
  sendFile(file: Blob, name = (file as File).name ?? 'file'): Promise<void> {
    return this.chat.sendFile(file, name);
  }

  // ---- Screenshots -------------------------------------------------------------------------------

  /**
   * Takes a screenshot of the picture: the customer's camera (the agent's in `one-way-agent`), at
   * the size the camera delivers, with the marks on it as shown, as a PNG. It is taken on the side
   * whose camera it is and sent to the other, so both hold the same bytes (`vs-screenshot` on
   * each side). Resolves once both have it; rejects with `ERR_STILL_UNAVAILABLE` (no camera
   * picture: paused, or not sent in this mode), `ERR_NOT_CONNECTED`, `ERR_CHUNK_LOAD` (the
   * feature's script did not arrive) or a file-transfer code. This side then decides on it:
   * `saveScreenshot` or `discardScreenshot`.
   */
  takeScreenshot(): Promise<Screenshot> {
    if (this.state !== 'connected') {
      return Promise.reject(new VideoSessionError('ERR_NOT_CONNECTED'));
    }
    return this.shots.take();
  }

  /**
   * The session's screenshots on this side, oldest first, with those the service has that this
   * page never held (saved before it joined): `blob` null, `link` to the service's PNG.
   */
  get screenshots(): readonly Screenshot[] {
    return this.shots.stills;
  }

  /**
   * Saves a screenshot this side took (`vs-screenshot`): `blob` is the PNG to keep, the
   * screenshot's own when omitted (then the bytes stay identical on both sides and the service).
   * An edited `blob` replaces it on both sides. It is stored on this device first, then uploaded
   * for the ticket (`vs-upload-progress`); the local copy goes once the service has it. Resolves
   * once stored here; rejects with `ERR_STILL_UNAVAILABLE` (not this side's to save, or already
   * decided) or `ERR_STORAGE_QUOTA` / `ERR_STORAGE_UNAVAILABLE`.
   */
  saveScreenshot(id: string, blob?: Blob): Promise<Screenshot> {
    return this.shots.save(id, blob);
  }

  /** Throws away a screenshot this side took, on both sides; nothing is stored or uploaded. */
  discardScreenshot(id: string): void {
    this.shots.discard(id);
  }

  // ---- Recording ---------------------------------------------------------------------------------

  /**
   * Where recording is on this side: `idle`, `requesting` (the agent waits for the answer), `asked`
   * (the customer must answer), `consented` (it is about to start) or `recording`.
   */
  get recordingStatus(): RecordingStatus {
    return this.recording.status;
  }

  /**
   * The agent asks the customer to consent to recording the call (asking is the agent's consent).
   * Nothing is recorded until the customer agrees.
   */
  requestRecording(): Promise<void> {
    return this.recording.request();
  }

  /** The customer answers the recording question (`vs-recording-change` with status `asked`). */
  answerRecording(consent: boolean): void {
    this.recording.answer(consent);
  }

  /**
   * Stops the recording (agent) or withdraws consent (customer); it stops within one chunk, and
   * what was recorded until then is uploaded for the ticket.
   */
  stopRecording(): Promise<void> {
    return this.recording.stop();
  }

  // ---- Drawing -----------------------------------------------------------------------------------

  /** The drawings on the customer's camera picture, everyone's, where they are drawn now. */
  get annotations(): AnnotationView[] {
    return this.drawing.annotations;
  }

  /** Undoes your last drawing action (on every screen). */
  undoAnnotation(): void {
    this.drawing.undo();
  }

  /** Redoes the drawing action you last undid. */
  redoAnnotation(): void {
    this.drawing.redo();
  }

  /** Clears your marks, or (`all`, the agent only) everyone's. */
  clearAnnotations(scope: 'own' | 'all' = 'own'): void {
    this.drawing.clear(scope);
  }

  // ---- Layout ------------------------------------------------------------------------------------

  /** Enters or leaves fullscreen (call it from a click or key press). */
  toggleFullscreen(): Promise<void> {
    return this.layout.toggleFullscreen();
  }

  /** Shows the other person's video in a picture-in-picture window, or takes it back. */
  togglePictureInPicture(): Promise<void> {
    return this.layout.togglePip();
  }

  // ---- Lit ---------------------------------------------------------------------------------------

  override connectedCallback(): void {
    super.connectedCallback();
    this.syncCustomState();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearTimeout(this.noticeTimer);
    this.stopClock();
  }

  protected override updated(changed: PropertyValues<this>): void {
    super.updated(changed);
    if (
      (changed.has('token') || changed.has('signallingUrl') || changed.has('autoStart')) &&
      this.autoStart &&
      this.token &&
      this.signallingUrl &&
      this.state === 'idle'
    ) {
      void this.start();
    }
    if (changed.has('muted') || changed.has('videoPaused')) {
      this.media.setEnabled('audio', !this.muted);
      this.media.setEnabled('video', !this.videoPaused);
    }
    if (changed.has('minimized') && this.minimized) this.layout.place();
    // A notice says its piece and goes (a new one starts its own time).
    if ((changed as Map<PropertyKey, unknown>).has('_notice')) {
      clearTimeout(this.noticeTimer);
      if (this._notice) this.noticeTimer = setTimeout(() => (this._notice = null), NOTICE_MS);
    }
  }

  override render() {
    const view = this.view();
    // After the call the session's screenshots stay in view (on both sides).
    const panel = view.minimized
      ? null
      : view.live
        ? view.panel
        : view.state === 'ended' && view.panel === 'gallery'
          ? 'gallery'
          : null;
    if (view.minimized) {
      return html`<div class="mini-bar" part="mini-bar">
          <button
            class="handle"
            aria-label=${view.t.moveWindow}
            title=${view.t.moveWindow}
            @pointerdown=${this.actions.startDrag}
            @keydown=${this.actions.nudge}
          >
            ${dragIcon}
          </button>
          <span class="mini-name">${view.peerName}</span>
          <button
            class="handle"
            aria-label=${view.t.restore}
            title=${view.t.restore}
            @click=${this.actions.toggleMinimized}
          >
            ${restoreIcon}
          </button>
        </div>
        ${stage(view, this.actions)}`;
    }
    const shots = this.shots.views;
    const gallery =
      panel === 'gallery'
        ? (shots?.gallery({
            t: view.t,
            role: view.role,
            peerName: view.peerName,
            close: () => this.openPanel(null),
          }) ?? nothing)
        : nothing;
    // After the call the screenshots sit under what the end says (and the rating), not over it.
    if (!view.live) view.after = gallery;
    const side =
      panel === 'gallery'
        ? view.live
          ? gallery
          : nothing
        : panel === 'settings'
          ? (this.panels.value?.settings(view, this.actions) ?? nothing)
          : panel === 'chat'
            ? (this.panels.value?.chatPanel(view, this.actions) ?? nothing)
            : nothing;
    const review =
      shots?.review({
        t: view.t,
        save: (id, blob) =>
          void this.saveScreenshot(id, blob).then(
            () => this.openPanel('gallery'),
            (err: unknown) => {
              this._notice = this.t.errors[codeOf(err, 'ERR_STORAGE_UNAVAILABLE')];
              this.openPanel('gallery');
            },
          ),
        discard: (id) => this.discardScreenshot(id),
      }) ?? nothing;
    return html`${stage(view, this.actions)}${side}${review}${view.live ? toolbar(view, this.actions) : nothing}`;
  }

  // ---- Conducting --------------------------------------------------------------------------------

  /** The table of strings for this element's language. */
  private get t() {
    return messagesFor(languageOf(this), () => this.requestUpdate());
  }

  /** The first other person's name, or how to call them before they are known. */
  private get peerName(): string {
    const [first] = this.call.people.values();
    return first?.name ?? this.t.theOtherPerson(this.otherRole);
  }

  private get otherRole() {
    return this.call.role === 'agent' ? 'customer' : 'agent';
  }

  private stateChanged(next: CallState, previous: CallState): void {
    this.syncCustomState();
    if (next === 'connected') {
      this.startClock();
    } else if (next !== 'reconnecting') this.stopClock();
    if (next === 'ended' || next === 'failed') {
      this._ownLarge = false;
      this.ownLargeShown = false;
    }
    if (next === 'ended' && this.shots.stills.length) this.openPanel('gallery');
    this.dispatchEvent(new VsStateChangeEvent(next, previous));
  }

  /** A feature's chunk did not arrive: say so (the call goes on without it). */
  private chunkFailed(error: VideoSessionError): void {
    this.call.fail(error.code, false, error.message);
  }

  /** What the agent's recorder records: the customer's camera as received, with every voice. */
  private recordingSources(): RecorderSources | null {
    const [person] = this.call.people.values();
    const stream = person?.remoteStream;
    const video = stream?.getVideoTracks().find((t) => t.readyState === 'live');
    if (!stream || !video || !this.modes.remoteMedia(person.id).video) return null;
    const audio = [...stream.getAudioTracks(), this.media.audioTrack].filter(
      (t): t is MediaStreamTrack => t !== null && t.readyState === 'live',
    );
    return { video, audio, paint: (ctx, w, h) => this.drawing.paintOnto(ctx, w, h) };
  }

  /** Adds the styles of a feature loaded later to the element's own. */
  private adopt(styles: CSSResult): void {
    if (this.extraStyles.includes(styles)) return; // two chunks can bring the same styles
    this.extraStyles.push(styles);
    if (this.renderRoot instanceof ShadowRoot) {
      adoptStyles(this.renderRoot, [...VideoSession.elementStyles, ...this.extraStyles]);
    }
  }

  private openPanel(panel: Panel | null): void {
    if (panel === 'settings' || panel === 'chat') this.panels.load().catch(() => undefined);
    this._panel = panel;
    this._emoji = false;
    if (panel === 'chat') this._unread = 0;
  }

  /** The customer's view switches to their own camera (where the agent draws), once a call. */
  private showOwnLarge(): void {
    if (this.ownLargeShown) return;
    this.ownLargeShown = true;
    this._ownLarge = true;
  }

  /** The customer rates a call that took place, once it is over for them, unless the host said not to. */
  private ratingOffered(): boolean {
    return (
      this.state === 'ended' &&
      !this.noRating &&
      this.connectedAt > 0 &&
      this.call.sessionId !== '' &&
      this.call.role === 'customer'
    );
  }

  private readonly rate = async (score: number, comment: string): Promise<void> => {
    await rateSession(serviceBase(this.signallingUrl), this.call.sessionId, this.token, {
      score,
      ...(comment ? { comment } : {}),
    });
    this.dispatchEvent(new VsRatedEvent(score, comment || null));
  };

  private startClock(): void {
    if (this.clock) return; // a reconnect within the call keeps its timer
    this.connectedAt = Date.now();
    this.clock = setInterval(() => this.requestUpdate(), 1000);
  }

  private stopClock(): void {
    clearInterval(this.clock);
    this.clock = undefined;
  }

  private syncCustomState(): void {
    const states = this.internals?.states;
    if (!states) return;
    states.clear();
    try {
      states.add(this.state);
    } catch {
      // Chromium < 125 only accepts the legacy `--name` form of custom states.
      states.add(`--${this.state}`);
    }
  }

  private readonly actions: CallActions = {
    join: (media) => void this.start(media),
    retry: () => void this.retry(),
    answer: (answer) => this.answerOffer(answer),
    setMode: (mode) => void this.setMode(mode),
    cancelOffer: () => void this.setMode(this.mode),
    toggleMute: () => (this.muted = !this.muted),
    togglePause: () => (this.videoPaused = !this.videoPaused),
    toggleScreen: () => void (this.screen.track ? this.stopScreenShare() : this.shareScreen()),
    takeScreenshot: () => {
      this._notice = null;
      this.takeScreenshot().then(
        () => this.openPanel('gallery'),
        (err: unknown) => {
          this._notice = this.t.errors[codeOf(err, 'ERR_STILL_UNAVAILABLE')];
          if (this.shots.stills.length) this.openPanel('gallery');
        },
      );
      this.openPanel('gallery');
    },
    swapVideos: () => {
      // The person's choice stands for the rest of the call.
      this.ownLargeShown = true;
      this._ownLarge = !this._ownLarge;
    },
    endCall: () => void this.endCall(),
    requestRecording: () => {
      // Not connected: the button is disabled then.
      this.requestRecording().catch(() => undefined);
    },
    answerRecording: (consent) => this.answerRecording(consent),
    stopRecording: () => void this.stopRecording(),
    hangUp: () => void this.hangUp(),
    togglePanel: (panel) => this.openPanel(this._panel === panel ? null : panel),
    closeMore: () => {
      if (this._panel === 'more') this.openPanel(null);
    },
    sendMessage: (text) => {
      try {
        this.sendMessage(text);
      } catch {
        // not connected: the field is disabled then; nothing was sent
      }
    },
    sendFiles: (files) => {
      // Each file's fate (sent, refused, failed) shows in the chat itself.
      for (const file of files) this.sendFile(file).catch(() => undefined);
    },
    toggleEmoji: () => (this._emoji = !this._emoji),
    acceptNetwork: (accept) => void this.acceptNetworkOffer(accept),
    useDevice: (kind, id) => void this.useDevice(kind, id),
    setPreset: (preset) => void this.setPreset(preset),
    flipCamera: () => void this.flipCamera(),
    toggleFullscreen: () => void this.toggleFullscreen().catch(warn('fullscreen')),
    togglePip: () => void this.togglePictureInPicture().catch(warn('picture-in-picture')),
    toggleMinimized: () => {
      this.minimized = !this.minimized;
      this._panel = null;
    },
    startDrag: (event) => this.layout.startDrag(event),
    nudge: (event) => this.layout.nudge(event),
  };

  /** Everything the views show, read from the call and the controllers. */
  private view(): CallView {
    const out = this.modes.sending;
    const media = this.media;
    const state = this.state;
    const recording = this.recording.status;
    return {
      t: this.t,
      state,
      role: this.call.role,
      peerName: this.peerName,
      mode: this.mode,
      live: state !== 'idle' && state !== 'ended' && state !== 'failed',
      timer: formatDuration(Date.now() - this.connectedAt),
      serviceAway: this.call.serviceAway,
      error: this.call.error,
      left: this.call.left,
      offer: this.modes.offer,
      awaitingAnswer: this.modes.awaitingAnswer,
      notice: this._notice,
      noticeShowsStill: this._notice !== null && this._notice === this.stillNotice,
      remoteStream: [...this.call.people.values()][0]?.remoteStream ?? null,
      remote: this.modes.remoteMedia(),
      preview: this.screen.stream ?? media.preview,
      sendsAudio: out.audio && media.audioTrack !== null,
      sendsVideo: this.screen.track !== null || (out.video && media.videoTrack !== null),
      wantsAudio: out.audio,
      wantsVideo: out.video,
      sharing: this.screen.track !== null,
      screenSupported: this.screen.supported,
      muted: this.muted,
      videoPaused: this.videoPaused,
      hasCamera: media.hasCamera,
      sinkId: media.choice.audiooutput,
      quality: this.network.quality,
      netOffer: this.network.suggestion,
      after: nothing,
      panel: this._panel,
      fit: this.layout.fit,
      chat: this.chat.entries,
      unread: this._unread,
      emojiOpen: this._emoji,
      maxFileSize: this.maxFileSize,
      devices: media.devices,
      choice: media.choice,
      sinkSupported: 'setSinkId' in HTMLMediaElement.prototype,
      preset: media.preset,
      videoSize: media.videoSize,
      canFlip: media.devices.filter((d) => d.kind === 'videoinput').length > 1,
      permissions: media.status,
      fullscreenSupported: this.layout.fullscreenSupported,
      fullscreen: this.layout.fullscreen,
      pipSupported: this.layout.pipSupported,
      pip: this.layout.pip,
      minimized: this.minimized,
      rate: this.ratingOffered() ? this.rate : null,
      ownLarge: this._ownLarge && state === 'connected',
      canScreenshot: this.modes.pictureSource !== null,
      stillCount: this.shots.stills.length,
      drawing: this.drawing.view(this.t),
      recording,
      panels: this.panels.value,
      recordingViews: this.recording.views,
    };
  }
}

/** The code of an error a promise rejected with, or `fallback`. */
const codeOf = (err: unknown, fallback: ErrorCode): ErrorCode =>
  err instanceof VideoSessionError ? err.code : fallback;

/** A browser that refuses fullscreen or picture-in-picture leaves the call as it was. */
const warn = (what: string) => (err: unknown) =>
  console.warn(`[video-session] ${what}: ${String(err)}`);

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
