/**
 * The call layer of `<video-session>`, over the link (`CallLink`): what each person sends (camera,
 * microphone, screen), the network's quality, and the call mode the two agree on. The chat layer
 * (`ChatElement`) builds on it.
 */
import type { PropertyDeclarations, PropertyValues } from 'lit';
import type { MediaState } from '../src/call-messages.js';
import {
  NOTHING,
  isCallMode,
  sends,
  type CallMode,
  type ModeAnswer,
  type Sends,
} from '../src/call-modes.js';
import type { ChatMessage } from '../src/chat-messages.js';
import { VideoSessionError } from '../src/errors.js';
import type { ReportedEvent } from '../src/events.js';
import type { QualityLevel, QualitySample } from '../src/network-quality.js';
import type { FileMessage } from '../src/file-transfer.js';
import { ModeNegotiator, type ModeOffer } from '../src/mode-negotiator.js';
import type { StillMessage } from '../src/still-messages.js';
import type { DrawingMessage } from '../src/tracking-messages.js';
import { assertNever } from '../src/parse.js';
import { CallLink, type CallMessage } from './call-link.js';
import { MediaController } from './controllers/media-controller.js';
import { NetworkController } from './controllers/network-controller.js';
import { ScreenController } from './controllers/screen-controller.js';
import type { RecordingMessage } from '../src/recording-messages.js';
import { VsModeChangeEvent, VsModeOfferEvent } from './events.js';
import { reportEvent } from './service-api.js';

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
 * The call over the link: what each person sends. Conducts the media and screen controllers and
 * the mode agreement (`ModeNegotiator`): the session lasts until the agent ends it (or it expires);
 * within it the call changes mode (two-way, one-way, voice, chat) without a new invitation. The
 * agent's widget decides the mode; the customer answers offers that need their camera or
 * microphone. `VideoSession` puts a face on it.
 */
export abstract class CallElement extends CallLink {
  static override properties: PropertyDeclarations = {
    autoStart: { type: Boolean, attribute: 'auto-start' },
    muted: { type: Boolean, reflect: true },
    videoPaused: { type: Boolean, attribute: 'video-paused', reflect: true },
    mode: { reflect: true, noAccessor: true },
    poorNetwork: { attribute: 'poor-network' },
    _quality: { state: true },
    _netOffer: { state: true },
    _remoteMedia: { state: true },
    _offer: { state: true },
    _notice: { state: true },
  };

  /** Start as soon as both `signalling-url` and `token` are set, without the Join button. */
  declare autoStart: boolean;
  /** Whether your microphone is muted for the other person. */
  declare muted: boolean;
  /** Whether your camera is paused for the other person. */
  declare videoPaused: boolean;
  /**
   * On a very poor link: `offer` voice only (default), `switch` to it (the agent's widget decides;
   * video is offered back when the link recovers), or `ignore`.
   */
  declare poorNetwork: 'offer' | 'switch' | 'ignore';

  /** The last network reading and its level (null while no call runs). */
  declare protected _quality: { sample: QualitySample; level: QualityLevel } | null;
  /** What a poor (or recovered) link suggests to this person: `voice`, `video` back, or nothing. */
  declare protected _netOffer: 'voice' | 'video' | null;
  /** The mode before the link forced voice, to offer back when it recovers. */
  private droppedFrom: CallMode | null = null;

  /** What the other person sends, as they said last. */
  declare protected _remoteMedia: MediaState;
  /** An offer this person must answer. */
  declare protected _offer: ModeOffer | null;
  /** A short notice for the person (a declined offer...). */
  declare protected _notice: string | null;

  protected modes: ModeNegotiator | null = null;
  /** The agent's wish before the call (the `mode` attribute), and what a retry offers again. */
  private wanted: CallMode = 'two-way';
  /** What flows on the current connection (the negotiator's last agreement). */
  protected applied: CallMode = 'chat';
  /** What to keep open before the first agreement (the join choice), so it starts at once. */
  private warm: Sends = NOTHING;
  private lastMediaState = '';

  protected readonly media = new MediaController(this, {
    onTrack: () => this.syncTracks(),
    onError: (code, fatal) => this.fail(code, fatal),
  });

  protected readonly screen = new ScreenController(this, {
    onTrack: () => this.syncTracks(),
  });

  protected readonly network = new NetworkController(this, {
    stats: () => this.peer.stats(),
    expectsVideo: () =>
      this._remoteMedia.video &&
      !this._remoteMedia.screen &&
      sends(this.applied, this.myRole === 'agent' ? 'customer' : 'agent').video,
    onSample: (sample, level) => (this._quality = { sample, level }),
    onTrend: (trend) => this.handleTrend(trend),
  });

  constructor() {
    super();
    this.autoStart = false;
    this.muted = false;
    this.videoPaused = false;
    this.poorNetwork = 'offer';
    this._quality = null;
    this._netOffer = null;
    this._remoteMedia = SILENT;
    this._offer = null;
    this._notice = null;
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
  start({ audio = true, video = true }: { audio?: boolean; video?: boolean } = {}): Promise<void> {
    return this.join(async () => {
      this._notice = null;
      this.sessionStarting();
      const role = this.myRole;
      const consent =
        role === 'agent' ? sends(this.wanted, 'agent') : { audio, video: video && audio };
      this.warm = consent;
      this.applied = 'chat';
      this.modes = new ModeNegotiator(
        {
          role,
          send: (message) => this.peer.send(message),
          onApply: (mode, agreed) => this.applyMode(mode, agreed),
          onChange: (mode, previous, by) => {
            this.requestUpdate('mode', previous);
            this.dispatchEvent(new VsModeChangeEvent(mode, previous, by));
            this.report({ type: 'session.mode_changed', mode, previous });
          },
          onOffer: (offer) => {
            this._offer = offer;
            if (offer) this.dispatchEvent(new VsModeOfferEvent(offer.mode, offer.from));
          },
          onAnswered: (offered, answer) => {
            this._notice = answer === 'decline' ? this.t.declined(this.peerName) : null;
            if (answer === 'decline')
              this.report({ type: 'session.offer_declined', mode: offered });
          },
          onAwaiting: () => this.requestUpdate(),
        },
        {
          initial: this.wanted,
          consent,
          preset:
            role === 'customer' ? (consent.video ? 'accept' : audio ? 'one-way' : 'decline') : null,
        },
      );
      await this.media.need(this.mediaNeeded());
    });
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
   * Follows the suggestion a poor (or recovered) link made: voice only, or video back. `false`
   * dismisses it.
   */
  async acceptNetworkOffer(accept = true): Promise<void> {
    const offer = this._netOffer;
    this._netOffer = null;
    if (!accept || !offer) return;
    if (offer === 'voice') {
      this.droppedFrom = this.mode;
      await this.setMode('voice');
    } else {
      const back = this.droppedFrom ?? 'two-way';
      this.droppedFrom = null;
      await this.setMode(back);
    }
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

  protected override updated(changed: PropertyValues<this>): void {
    super.updated(changed);
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
  }

  protected override onConnected(): void {
    this.network.start();
    this.lastMediaState = '';
    this.modes?.connected();
    this.sendMediaState();
  }

  protected override onDisconnected(): void {
    this.network.stop();
    this.network.resetTrend();
    this._quality = null;
    this._netOffer = null;
    this.modes?.disconnected();
    this._remoteMedia = SILENT;
  }

  protected override onMessage(message: CallMessage): void {
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
        this.onDrawing(message);
        return;
      case 'chat':
      case 'file-start':
      case 'file-end':
      case 'file-done':
      case 'file-cancel':
        this.onChatMessage(message);
        return;
      case 'recording-request':
      case 'recording-consent':
      case 'recording-decline':
      case 'recording-withdraw':
      case 'recording-started':
      case 'recording-stopped':
      case 'still-request':
      case 'still-failed':
      case 'still-saved':
      case 'still-discarded':
      case 'still-upload':
        this.onFileMessage(message);
        return;
      default:
        assertNever(message);
    }
  }

  /** A drawing or pointer message from the other person (the face draws them). */
  protected abstract onDrawing(message: DrawingMessage): void;

  /** A chat or file-transfer message from the other person (the chat layer handles them). */
  protected abstract onChatMessage(message: ChatMessage | FileMessage): void;

  /** A screenshot or recording message from the other person (the files layer handles them). */
  protected abstract onFileMessage(message: StillMessage | RecordingMessage): void;

  /** A session is being joined (`start`): what belonged to the last one goes. */
  protected sessionStarting(): void {}

  /** Paints the marks, as shown, onto a still of the customer's camera (the face has them). */
  protected abstract paintMarks(ctx: CanvasRenderingContext2D, width: number, height: number): void;

  protected override released(): void {
    // An agent who comes back (retry) offers what the call was.
    if (this.myRole === 'agent' && this.modes && this.modes.mode !== 'chat') {
      this.wanted = this.modes.mode;
    }
    this.screen.stop();
    this.media.stop();
    this.applied = 'chat';
    this._offer = null;
  }

  /** The link has been very poor for a while, or is fine again after that. */
  private handleTrend(trend: 'drop' | 'recover'): void {
    if (this.poorNetwork === 'ignore') return;
    const mode = this.mode;
    const video = sends(mode, 'agent').video || sends(mode, 'customer').video;
    if (trend === 'drop' && video) {
      // Only the agent's widget switches on its own: it decides the mode.
      if (this.poorNetwork === 'switch' && this.myRole === 'agent') {
        this.droppedFrom = mode;
        void this.setMode('voice');
        this._notice = this.t.switchedToVoice; // after setMode, which clears older notices
      } else this._netOffer = 'voice';
    } else if (trend === 'recover' && this.droppedFrom && mode === 'voice') {
      this._netOffer = 'video';
    }
  }

  /** Reports an event for the ticket: the agent's widget only (it decides; one sender, no doubles). */
  protected report(event: ReportedEvent): void {
    if (this.myRole === 'agent') this.sendReport(event);
  }

  /** Reports an event this side is the witness of (a recording consent step). */
  protected sendReport(event: ReportedEvent): void {
    if (!this.sessionId) return;
    reportEvent(this.signallingUrl, this.sessionId, this.token, event).catch((err: unknown) =>
      console.warn(`[video-session] could not report ${event.type}: ${String(err)}`),
    );
  }

  /** A mode was agreed on this connection (or it waits for one): open and send what it needs. */
  private applyMode(mode: CallMode, agreed: boolean): void {
    if (agreed) this.warm = NOTHING;
    this.applied = mode;
    void this.media.need(this.mediaNeeded());
    this.syncTracks();
    if (agreed) this.modeAgreed(mode);
  }

  /** Both sides agreed `mode` on this connection (also when it did not change). */
  protected modeAgreed(_mode: CallMode): void {}

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
}
