/**
 * The call mode and what each person sends: the agreement between the widgets (`ModeNegotiator`,
 * `src/mode-negotiator.ts`), the devices the agreed mode needs (through the media controller), the
 * tracks handed to the call, and what each side tells the other it sends (`media-state`).
 *
 * The session lasts until the agent ends it (or it expires); within it the call changes mode
 * (two-way, one-way, voice, chat) without a new invitation. The agent's widget decides the mode; the
 * customer answers offers that need their camera or microphone.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { MediaState } from '../../../src/call-messages.js';
import {
  NOTHING,
  isCallMode,
  sends,
  type CallMode,
  type ModeAnswer,
  type Sends,
} from '../../../src/call-modes.js';
import { ModeNegotiator, type ModeOffer } from '../../../src/mode-negotiator.js';
import type { PeerMessage } from '../../../src/peer-messages.js';
import type { Role } from '../../../src/protocol.js';
import type { CallFeature, Person } from '../../core/call/call-controller.js';
import type { MediaController } from '../../core/media/media-controller.js';
import type { ScreenController } from '../../core/media/screen-controller.js';
import type { TrackKind } from '../../core/peer/peer-link.js';
import type { MessageRouter } from '../../core/router.js';

/** What the other person sends before they said (and after they left). */
export const SILENT: MediaState = {
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

export interface ModesOptions {
  router: MessageRouter;
  media: MediaController;
  screen: ScreenController;
  role(): Role;
  /** Sends to everyone in the call; false when nobody got it. */
  send(message: PeerMessage): boolean;
  /** Hands the call what this side sends as `kind` now. */
  setTrack(kind: TrackKind, track: MediaStreamTrack | null): void;
  /** This person's mute and pause choices. */
  muted(): boolean;
  videoPaused(): boolean;
  /** The mode the person sees changed (`by` is the role whose wish it was). */
  onChange(mode: CallMode, previous: CallMode, by: Role): void;
  /** An offer this person must answer appeared (or went away: null). */
  onOffer(offer: ModeOffer | null): void;
  /** The agent's side: the other person answered an offer of ours. */
  onAnswered(offered: CallMode, answer: ModeAnswer): void;
  /** Both sides agreed `mode` on this connection (also when it did not change). */
  onAgreed(mode: CallMode): void;
}

export class ModesController implements ReactiveController, CallFeature {
  private readonly host: ReactiveControllerHost;
  private readonly options: ModesOptions;
  private negotiator: ModeNegotiator | null = null;
  /** The agent's wish before the call (the `mode` attribute), and what a retry offers again. */
  private wanted: CallMode = 'two-way';
  /** What flows on the current connection (the negotiator's last agreement). */
  private applied_: CallMode = 'chat';
  /**
   * The join choice: what this person agreed to send when joining. Until the first agreement it is
   * kept open and sent from the start of the first connection, so the first frame does not wait
   * for the agreement (the agent's wish for the agent, the customer's own choice for the customer).
   */
  private warm: Sends = NOTHING;
  /** A mode was agreed on the current connection (until then, the join choice is sent). */
  private agreed = false;
  private lastMediaState = '';
  private offer_: ModeOffer | null = null;
  /** What each other person sends, as they said last (by person id). */
  private readonly remote = new Map<string, MediaState>();

  constructor(host: ReactiveControllerHost, options: ModesOptions) {
    this.host = host;
    this.options = options;
    host.addController(this);
    options.router.register(['media-state'], ({ type: _, ...state }, from) => {
      this.remote.set(from.id, state);
      host.requestUpdate();
    });
    options.router.register(['mode-offer', 'mode-answer', 'mode-request', 'mode'], (message) =>
      this.negotiator?.handle(message),
    );
  }

  hostUpdated(): void {
    // Tracks, mute, pause and device permissions all end up here; unchanged states are not resent.
    this.sendMediaState();
  }

  /** The agreed mode during a call; before it, the mode the agent will offer. */
  get mode(): CallMode {
    return this.negotiator?.mode ?? this.wanted;
  }

  /** What flows on the current connection. */
  get applied(): CallMode {
    return this.applied_;
  }

  /** An offer this person must answer. */
  get offer(): ModeOffer | null {
    return this.offer_;
  }

  /** The agent waits for the other person's answer to an offer. */
  get awaitingAnswer(): boolean {
    return this.negotiator?.awaitingAnswer ?? false;
  }

  /** What `person` (the first other person when omitted) sends, as they said last. */
  remoteMedia(personId?: string): MediaState {
    const id = personId ?? [...this.remote.keys()][0];
    return (id !== undefined && this.remote.get(id)) || SILENT;
  }

  /**
   * What this side sends now: what the agreed mode says, or before the first agreement the join
   * choice (a blocked camera then sends nothing).
   */
  get sending(): Sends {
    return this.agreed ? sends(this.applied_, this.options.role()) : this.warm;
  }

  /** The tracks this side sends now (the camera, or a shared screen instead of it). */
  outgoing(): Record<TrackKind, MediaStreamTrack | null> {
    const out = this.sending;
    const { media, screen } = this.options;
    return {
      audio: out.audio ? media.audioTrack : null,
      video: screen.track ?? (out.video ? media.videoTrack : null),
    };
  }

  /** Whose camera the picture of the call is: the customer's, or the agent's when only theirs is sent. */
  get pictureSource(): Role | null {
    if (sends(this.applied_, 'customer').video) return 'customer';
    return sends(this.applied_, 'agent').video ? 'agent' : null;
  }

  /**
   * The mode to offer when the call starts (the agent's attribute). Before a call this is kept;
   * during one it asks for a change (`request`).
   */
  set requested(mode: CallMode) {
    if (this.negotiator) void this.request(mode);
    else this.wanted = mode;
  }

  /**
   * A session is being joined with the person's choice (`video: false`: without my camera, `audio:
   * false, video: false`: chat only; that choice answers the agent's first offer): opens what it
   * needs. Resolves once the devices are open (or refused).
   */
  async prepare({ audio, video }: { audio: boolean; video: boolean }): Promise<void> {
    const role = this.options.role();
    const consent =
      role === 'agent' ? sends(this.wanted, 'agent') : { audio, video: video && audio };
    this.warm = consent;
    this.agreed = false;
    this.applied_ = 'chat';
    this.remote.clear();
    this.negotiator = new ModeNegotiator(
      {
        role,
        send: (message) => this.options.send(message),
        onApply: (mode, agreed) => this.apply(mode, agreed),
        onChange: (mode, previous, by) => {
          // The mode shown moved on after it was applied: what it no longer sends is released.
          void this.options.media.need(this.needed());
          this.host.requestUpdate();
          this.options.onChange(mode, previous, by);
        },
        onOffer: (offer) => {
          this.offer_ = offer;
          this.host.requestUpdate();
          this.options.onOffer(offer);
        },
        onAnswered: (offered, answer) => this.options.onAnswered(offered, answer),
        onAwaiting: () => this.host.requestUpdate(),
      },
      {
        initial: this.wanted,
        consent,
        preset:
          role === 'customer' ? (consent.video ? 'accept' : audio ? 'one-way' : 'decline') : null,
      },
    );
    await this.options.media.need(this.needed());
  }

  /**
   * Asks for `mode`: the agent decides (asking the customer when it needs media they do not send
   * now, unless they agreed earlier); the customer's request goes to the agent. Resolves with the
   * mode the call ends up in.
   */
  async request(mode: CallMode): Promise<CallMode> {
    if (!isCallMode(mode)) throw new TypeError(`not a call mode: ${String(mode)}`);
    if (!this.negotiator) {
      this.wanted = mode;
      return mode;
    }
    return this.negotiator.request(mode);
  }

  /** Answers the offer this person was asked. */
  answer(answer: ModeAnswer): void {
    this.negotiator?.answer(answer);
  }

  /** Hands the call exactly what this side sends now (camera, microphone, or a shared screen). */
  syncTracks(): void {
    const tracks = this.outgoing();
    this.options.setTrack('audio', tracks.audio);
    this.options.setTrack('video', tracks.video);
    this.sendMediaState();
  }

  personConnected(): void {
    this.lastMediaState = '';
    this.negotiator?.connected();
    this.sendMediaState();
  }

  personDisconnected(person: Person): void {
    this.agreed = false;
    this.negotiator?.disconnected();
    this.remote.delete(person.id);
  }

  callReleased(): void {
    // An agent who comes back (retry) offers what the call was.
    if (this.options.role() === 'agent' && this.negotiator && this.negotiator.mode !== 'chat') {
      this.wanted = this.negotiator.mode;
    }
    this.options.screen.stop();
    this.options.media.stop();
    this.applied_ = 'chat';
    this.agreed = false;
    this.warm = NOTHING; // the join choice was this join's; the next start() makes its own
    this.offer_ = null;
  }

  /** A mode was agreed on this connection (or it waits for one): open and send what it needs. */
  private apply(mode: CallMode, agreed: boolean): void {
    if (agreed) this.warm = NOTHING;
    this.agreed = agreed;
    this.applied_ = mode;
    void this.options.media.need(this.needed());
    this.syncTracks();
    if (agreed) this.options.onAgreed(mode);
  }

  /** Devices to keep open: what the agreed mode sends, the mode being re-agreed, the join choice. */
  private needed(): Sends {
    const role = this.options.role();
    const shown = this.negotiator ? sends(this.negotiator.mode, role) : NOTHING;
    return union(union(sends(this.applied_, role), shown), this.warm);
  }

  private sendMediaState(): void {
    const out = this.sending;
    const { media, screen } = this.options;
    const state: MediaState = {
      audio: out.audio && media.audioTrack !== null && !this.options.muted(),
      video:
        screen.track !== null ||
        (out.video && media.videoTrack !== null && !this.options.videoPaused()),
      screen: screen.track !== null,
      camera: media.status.camera,
      microphone: media.status.microphone,
    };
    const key = JSON.stringify(state);
    if (key === this.lastMediaState) return;
    if (this.options.send({ type: 'media-state', ...state })) this.lastMediaState = key;
  }
}
