import { html, nothing, type PropertyDeclarations, type PropertyValues } from 'lit';
import { sends, type CallMode } from '../src/call-modes.js';
import { VideoSessionError } from '../src/errors.js';
import { DrawingElement } from './drawing-element.js';
import { LayoutController } from './controllers/layout-controller.js';
import type { Preset } from './controllers/media-controller.js';
import { VsRatedEvent, type CallState } from './events.js';
import { rateSession, serviceBase } from './service-api.js';
import { dragIcon, restoreIcon } from './icons.js';
import { styles } from './video-session.styles.js';
import type { CallActions, CallView, DeviceKind, Panel } from './views/call-view.js';
import { chatPanel } from './views/chat-panel.js';
import { settings } from './views/settings.js';
import { stage } from './views/stage.js';
import { toolbar } from './views/toolbar.js';

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
 * @fires vs-recording-change - `VsRecordingChangeEvent` with `status` (see `recordingStatus`).
 * @fires vs-upload-progress - `VsUploadProgressEvent` with `ref`, `kind`, `loaded`, `size`, and
 *   `file` once the service has the whole screenshot or recording.
 * @fires vs-rated - `VsRatedEvent` with `score` and `comment`, once the customer's rating was sent.
 * @fires vs-chat - `VsChatEvent` with `entry`: a chat message sent or received, or a chat file that
 *   appeared, arrived or failed.
 * @fires vs-file-progress - `VsFileProgressEvent` with `name`, `purpose` (`chat` or `still`),
 *   `direction`, `loaded`, `size`, `state` and `code`, as a file moves (at most every 100 ms).
 * @fires vs-screenshot - `VsScreenshotEvent` with `still`: a screenshot is here, taken on this side
 *   or received complete from the other.
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
 * @csspart still-review - a new screenshot waiting for the decision of the person who took it.
 * @csspart still-editor - the editor on it (`<video-session-still-editor>`): Save keeps it for the
 *   ticket (stored on the device, then uploaded), Discard throws it away on both sides.
 * @csspart still-save - keeps the new screenshot when the editor could not be loaded.
 * @csspart still-discard - throws the new screenshot away when the editor could not be loaded.
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
export class VideoSession extends DrawingElement {
  static override styles = styles;

  static override properties: PropertyDeclarations = {
    minimized: { type: Boolean, reflect: true },
    noRating: { type: Boolean, attribute: 'no-rating' },
    _panel: { state: true },
    _emoji: { state: true },
    _editor: { state: true },
    _unread: { state: true },
  };

  /** Shows the call as a small window over the page that can be dragged (pointer or arrow keys). */
  declare minimized: boolean;
  /** Do not offer the customer the 1-5 rating after the call. */
  declare noRating: boolean;
  declare private _panel: Panel | null;
  declare private _emoji: boolean;
  /** The screenshot editor's chunk, loaded when the first new still waits for a decision. */
  declare private _editor: 'loading' | 'ready' | 'failed';
  private editorLoading: Promise<unknown> | null = null;
  declare private _unread: number;

  private connectedAt = 0;
  private lastAgreed: CallMode | null = null;
  private clock: ReturnType<typeof setInterval> | undefined;

  private readonly layout = new LayoutController(this, {
    video: () => this.shadowRoot?.querySelector<HTMLVideoElement>('[part~="remote-video"]') ?? null,
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
    takeScreenshot: () => {
      this._notice = null;
      this.takeScreenshot().then(
        () => this.openPanel('gallery'),
        (err: unknown) => {
          this._notice =
            this.t.errors[err instanceof VideoSessionError ? err.code : 'ERR_STILL_UNAVAILABLE'];
          if (this.screenshots.length) this.openPanel('gallery');
        },
      );
      this.openPanel('gallery');
    },
    swapVideos: () => this.swapVideos(),
    endCall: () => void this.endCall(),
    requestRecording: () => {
      // Not connected: the button is disabled then.
      this.requestRecording().catch(() => undefined);
    },
    answerRecording: (consent) => this.answerRecording(consent),
    stopRecording: () => void this.stopRecording(),
    hangUp: () => void this.hangUp(),
    togglePanel: (panel) => this.openPanel(this._panel === panel ? null : panel),
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

  constructor() {
    super();
    this.minimized = false;
    this.noRating = false;
    this._panel = null;
    this._emoji = false;
    this._editor = 'loading';
    this._unread = 0;
    this.addEventListener('vs-chat', (e) => {
      if (e.entry.role !== this.myRole && this._panel !== 'chat') this._unread++;
    });
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

  /** Enters or leaves fullscreen (call it from a click or key press). */
  toggleFullscreen(): Promise<void> {
    return this.layout.toggleFullscreen();
  }

  /** Shows the other person's video in a picture-in-picture window, or takes it back. */
  togglePictureInPicture(): Promise<void> {
    return this.layout.togglePip();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.stopClock();
  }

  protected override updated(changed: PropertyValues<this>): void {
    super.updated(changed);
    if (changed.has('minimized') && this.minimized) this.layout.place();
  }

  protected override stateChanged(next: CallState): void {
    if (next === 'connected') this.startClock();
    else if (next !== 'reconnecting') this.stopClock();
    if (next === 'ended' && this.screenshots.length) this.openPanel('gallery');
  }

  /** Chat only: the chat is what is left, so it opens (once each time the call becomes chat). */
  protected override modeAgreed(mode: CallMode): void {
    if (mode === 'chat' && this.lastAgreed !== 'chat') this.openPanel('chat');
    this.lastAgreed = mode;
  }

  private openPanel(panel: Panel | null): void {
    this._panel = panel;
    this._emoji = false;
    if (panel === 'chat') this._unread = 0;
  }

  protected override stillsLoaded(): void {
    this.adopt(this.stillsModule!.stillStyles);
    this.requestUpdate();
  }

  /** The customer rates a call that took place, once it is over for them, unless the host said not to. */
  private ratingOffered(): boolean {
    return (
      this._state === 'ended' &&
      !this.noRating &&
      this.connectedAt > 0 &&
      this.sessionId !== '' &&
      this.myRole === 'customer'
    );
  }

  private readonly rate = async (score: number, comment: string): Promise<void> => {
    await rateSession(serviceBase(this.signallingUrl), this.sessionId, this.token, {
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
    const side =
      panel === 'gallery'
        ? this.galleryPanel()
        : panel === 'settings'
          ? settings(view, this.actions)
          : panel === 'chat'
            ? chatPanel(view, this.actions)
            : nothing;
    return html`${stage(view, this.actions)}${side}${this.reviewPanel()}${view.live ? toolbar(view, this.actions) : nothing}`;
  }

  /** A new screenshot this person took waits for their decision: save or discard. */
  private reviewPanel() {
    const stills = this.stills;
    const still = stills?.undecided;
    const module = this.stillsModule;
    if (!stills || !still || !module) return nothing;
    if (!this.editorLoading) {
      // Set after this render (a state change during one would be lost to the next).
      this.editorLoading = module.loadStillEditor().then(
        () => (this._editor = 'ready'),
        (err: unknown) => {
          console.warn('[video-session] screenshot editor unavailable:', err);
          this._editor = 'failed';
        },
      );
    }
    return module.review({
      t: this.t,
      still,
      url: stills.url(still)!,
      editor: this._editor,
      save: (blob) =>
        void this.saveScreenshot(still.id, blob).then(
          () => this.openPanel('gallery'),
          (err: unknown) => {
            this._notice =
              this.t.errors[
                err instanceof VideoSessionError ? err.code : 'ERR_STORAGE_UNAVAILABLE'
              ];
            this.openPanel('gallery');
          },
        ),
      discard: () => this.discardScreenshot(still.id),
    });
  }

  private galleryPanel() {
    const stills = this.stills;
    const module = this.stillsModule;
    if (!stills || !module) return nothing;
    return module.gallery({
      t: this.t,
      role: this.myRole,
      peerName: this.peerName,
      stills: stills.stills,
      url: (still) => stills.url(still),
      close: () => this.openPanel(null),
    });
  }

  /** Everything the views show, read from the call and the controllers. */
  private view(): CallView {
    const out = sends(this.applied, this.myRole);
    const media = this.media;
    return {
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
      quality: this._quality,
      netOffer: this._netOffer,
      panel: this._panel,
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
      ownLarge: this._ownLarge && this._state === 'connected',
      canScreenshot: this.stillSource() !== null,
      stillCount: this.screenshots.length,
      drawing: this.overlay?.role
        ? { tools: this.overlay.render(this.t), active: this.overlay.tool !== null }
        : null,
      recording: this.recordingStatus,
      recordingViews: this.recordingViews,
    };
  }
}

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
