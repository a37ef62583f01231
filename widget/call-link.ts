import { LitElement, type PropertyDeclarations } from 'lit';
import { errors, type ErrorCode } from '../src/errors.js';
import { assertNever } from '../src/parse.js';
import type { PeerMessage } from '../src/peer-messages.js';
import type {
  IceServer,
  IceTransportPolicy,
  Participant,
  Role,
  ServerMessage,
} from '../src/protocol.js';
import type { SessionStatus } from '../src/session-state.js';
import { PeerController } from './controllers/peer-controller.js';
import type { TrackKind } from './controllers/peer-link.js';
import {
  SignallingController,
  type SignallingStatus,
} from './controllers/signalling-controller.js';
import {
  VsErrorEvent,
  VsSessionStatusEvent,
  VsStateChangeEvent,
  type CallState,
} from './events.js';
import { readJoinToken } from './join-token.js';
import { languageOf, messagesFor } from './localize.js';

/** How often a broken peer connection is rebuilt from scratch before the call counts as failed. */
const MAX_REBUILDS = 2;
/** A rebuild that has not produced a connection after this long counts as failed. */
const REBUILD_TIMEOUT_MS = 12_000;

/** A data-channel message the call layer above handles (pings and `bye` are handled here). */
export type CallMessage = Exclude<PeerMessage, { type: 'ping' | 'pong' | 'bye' }>;

/**
 * The link under `<video-session>`: the session as the service sees it and the peer connection to
 * the other person. Conducts the signalling and peer controllers, owns the `state` machine, keeps
 * the call alive (ICE restarts happen in the peer controller; rebuilds and `failed` here), and hands
 * what the call is about (media, modes, chat) to the layer above through the `on*` hooks.
 */
export abstract class CallLink extends LitElement {
  static override properties: PropertyDeclarations = {
    signallingUrl: { attribute: 'signalling-url' },
    token: {},
    _state: { state: true },
    _peer: { state: true },
    _remoteStream: { state: true },
    _error: { state: true },
    _serviceAway: { state: true },
  };

  /** The service's WebSocket endpoint, e.g. `wss://video.example.com/v1/signal`. */
  declare signallingUrl: string;
  /** The join token from the service (agent token, or the customer's invite token). */
  declare token: string;

  declare protected _state: CallState;
  declare protected _peer: Participant | null;
  declare protected _remoteStream: MediaStream | null;
  declare protected _error: ErrorCode | null;
  declare protected _serviceAway: boolean;

  /** This person's role (from the token, confirmed by the service's welcome). */
  protected myRole: Role = 'customer';
  /** This person left the session (the customer's hang-up); it is still open. */
  protected left = false;
  /** The session, as the service's welcome named it ('' before). */
  protected sessionId = '';
  private _sessionStatus: SessionStatus | null = null;
  private iceServers: IceServer[] = [];
  private iceTransportPolicy: IceTransportPolicy = 'all';
  private pairing = 0;
  private peerPresent = false;
  private rebuilds = 0;
  private rebuildTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly internals: ElementInternals | null;

  protected readonly signalling = new SignallingController(this, {
    onMessage: (message) => this.handleServerMessage(message),
    onStatus: (status) => this.handleSignallingStatus(status),
    onError: (code, fatal) => this.fail(code, fatal),
    isPeerConnected: () => this.peer.connected,
  });

  protected readonly peer = new PeerController(this, {
    onSignal: (data) => this.signalling.send({ type: 'signal', pairing: this.pairing, data }),
    onConnect: () => {
      this.rebuilds = 0;
      clearTimeout(this.rebuildTimer);
      this.setState('connected');
      // The service counts the session connected once a widget's peer connection is up.
      this.signalling.send({ type: 'call-connected', pairing: this.pairing });
      this.onConnected();
    },
    onRemoteStream: (stream) => (this._remoteStream = stream),
    onMessage: (message) => this.handlePeerMessage(message),
    onBinary: (frame) => this.onBinary(frame),
    onRecovering: () => this.setState('reconnecting'),
    onRecovered: () => {
      this.setState('connected');
      this.signalling.send({ type: 'call-connected', pairing: this.pairing });
    },
    onLost: () => this.handlePeerLost(),
    onError: (code, fatal) => this.fail(code, fatal),
  });

  constructor() {
    super();
    this.signallingUrl = '';
    this.token = '';
    this._state = 'idle';
    this._peer = null;
    this._remoteStream = null;
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

  /** Joins the session (see the subclass for what it opens first). */
  abstract start(): Promise<void>;

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
    // Controllers release their resources in hostDisconnected; the element stops its timer.
    clearTimeout(this.rebuildTimer);
  }

  /** The table of strings for this element's language. */
  protected get t() {
    return messagesFor(languageOf(this), () => this.requestUpdate());
  }

  protected get peerName(): string {
    return (
      this._peer?.name ?? this.t.theOtherPerson(this.myRole === 'customer' ? 'agent' : 'customer')
    );
  }

  /**
   * The steps of joining: checks, `connecting`, then `prepare` (the layer above opens what it
   * needs, e.g. the camera, so the permission prompt is answered before the other person sees us
   * join), then the service.
   */
  protected async join(prepare: () => Promise<void>): Promise<void> {
    if (this._state !== 'idle' && this._state !== 'ended' && this._state !== 'failed') return;
    this._error = null;
    this.left = false;
    if (!this.token) return this.fail('ERR_TOKEN_MISSING', true);
    if (!this.signallingUrl) return this.fail('ERR_SIGNALLING_UNREACHABLE', true);
    this.myRole = readJoinToken(this.token)?.role ?? 'customer';
    this.setState('connecting');
    await Promise.all([prepare(), this.beforeJoin()]);
    if (this.state !== 'connecting') return; // hung up or failed while the prompt was open
    this.signalling.connect(this.signallingUrl, this.token);
  }

  /** A peer connection (and its data channel) came up. */
  protected abstract onConnected(): void;
  /** The peer connection is gone (lost, replaced, or the call ended). */
  protected abstract onDisconnected(): void;
  /** A data-channel message for the call layer. */
  protected abstract onMessage(message: CallMessage): void;
  /** A binary data-channel frame. */
  protected abstract onBinary(frame: Uint8Array): void;
  /** The call stopped for good (ended, failed): release cameras and the like. */
  protected abstract released(): void;
  /** The call state just changed. */
  protected stateChanged(_next: CallState, _previous: CallState): void {}
  /** The service admitted this person (`myRole` and `sessionId` are set). */
  protected welcomed(): void {}
  /** What the layer above needs loaded before joining (run beside `prepare`). */
  protected beforeJoin(): Promise<unknown> {
    return Promise.resolve();
  }
  /** A sender of a new peer connection, before it first sends. */
  protected senderCreated(_sender: RTCRtpSender, _kind: TrackKind): void {}
  /** The session is over (not just this person's part in it): a last word for the ticket. */
  protected sessionEnded(): void {}

  private handleServerMessage(message: Exclude<ServerMessage, { type: 'error' }>): void {
    switch (message.type) {
      case 'welcome':
        this.sessionId = message.sessionId;
        this.setSessionStatus(message.status);
        this.myRole = message.you.role;
        this.welcomed();
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
        this.onDisconnected();
        this._remoteStream = null;
        if (this._state !== 'reconnecting') this.setState('connecting');
        this.peer.start({
          initiator: message.initiator,
          iceServers: this.iceServers,
          iceTransportPolicy: this.iceTransportPolicy,
          tracks: { audio: null, video: null },
          onSender: (sender, kind) => this.senderCreated(sender, kind),
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
    if (message.type !== 'bye') return this.onMessage(message);
    // The agent leaving ends the session; the customer leaving leaves it open.
    if (this.myRole === 'customer') this.finish('ended');
    else {
      this.peerPresent = false;
      this.peerGone();
    }
  }

  /** The other person is gone from the call: wait for them. */
  private peerGone(): void {
    this.peer.stop();
    this.onDisconnected();
    this._remoteStream = null;
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
    this.onDisconnected();
    this._remoteStream = null;
    if (!this.peerPresent) {
      this.peer.stop();
      this.setState('waiting');
      return;
    }
    if (this.rebuilds >= MAX_REBUILDS) {
      this.peer.stop();
      this.released();
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

  /** Reports an error; a fatal one ends the call in `failed`. */
  protected fail(code: ErrorCode, fatal: boolean): void {
    const message = errors[code].message;
    if (fatal || this._state === 'idle') this._error = code;
    this.dispatchEvent(new VsErrorEvent(code, fatal, message));
    if (fatal) this.finish('failed');
  }

  /** Stops everything: the one place a call ends. */
  protected finish(state: 'ended' | 'failed'): void {
    if (this._state === 'ended') return;
    if (this._state === 'failed' && !this.signalling.joined) return;
    clearTimeout(this.rebuildTimer);
    this.signalling.close();
    this.onDisconnected();
    this.peer.stop();
    if (state === 'ended' && !this.left) this.sessionEnded();
    this.released();
    this._remoteStream = null;
    this._serviceAway = false;
    this.setState(state);
  }

  protected setState(next: CallState): void {
    const previous = this._state;
    if (next === previous) return;
    this._state = next;
    this.syncCustomState();
    this.stateChanged(next, previous);
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
}
