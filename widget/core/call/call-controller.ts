/**
 * The call: the session as the service sees it, and the people in it. Owns the signalling
 * connection, one peer connection per other person, and the call's state machine; keeps the call
 * alive (ICE restarts happen in each peer controller; rebuilds and `failed` here).
 *
 * The people in the call are a collection keyed by participant id (`people`), even while the
 * service admits one other person: every per-person fact (the participant, the peer connection,
 * the stream, the pairing, the rebuilds) lives on the person, not on the call.
 *
 * Knows no feature. Data-channel messages go to the `MessageRouter`; what features must hear of the
 * call's life they hear as `CallFeature`s (the way Lit's host tells its controllers), added with
 * `addFeature`; what the element shows comes out through the `on*` options and `requestUpdate`.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { errors, VideoSessionError, type ErrorCode } from '../../../src/errors.js';
import type { ReportedEvent } from '../../../src/events.js';
import { assertNever } from '../../../src/parse.js';
import type { PeerMessage } from '../../../src/peer-messages.js';
import type {
  IceServer,
  IceTransportPolicy,
  Participant,
  Role,
  ServerMessage,
} from '../../../src/protocol.js';
import type { SessionStatus } from '../../../src/session-state.js';
import { whenIdle } from '../lazy.js';
import { PeerController } from '../peer/peer-controller.js';
import type { TrackKind } from '../peer/peer-link.js';
import type { MessageRouter, Sender } from '../router.js';
import { reportEvent } from '../service-api.js';
import { readJoinToken } from '../signalling/join-token.js';
import {
  SignallingController,
  type SignallingStatus,
} from '../signalling/signalling-controller.js';

/** The call's state as the element shows it. */
export type CallState =
  'idle' | 'connecting' | 'waiting' | 'connected' | 'reconnecting' | 'ended' | 'failed';

/** The call counts as set up this long after its first connection came up... */
const SETTLED_CONNECTED_MS = 1000;
/** ...or this long after the welcome when nobody came. */
const SETTLED_ALONE_MS = 4000;

/** How often a broken peer connection is rebuilt from scratch before the call counts as failed. */
const MAX_REBUILDS = 2;
/** A rebuild that has not produced a connection after this long counts as failed. */
const REBUILD_TIMEOUT_MS = 12_000;

/** Another person in the call. */
export interface Person extends Sender {
  name: string;
  participant: Participant;
  /** The connection to them (stopped while they are away). */
  readonly peer: PeerController;
  /** What they send (null while no connection carries it). */
  remoteStream: MediaStream | null;
  /** The pairing (the service's number) of the connection to them. */
  pairing: number;
  /** In the session: their link to the service is up, or the call with them still runs. */
  present: boolean;
  /** Rebuilds in a row that did not bring the connection back. */
  rebuilds: number;
  rebuildTimer: ReturnType<typeof setTimeout> | undefined;
}

/** What a feature hears of the call's life; every member is optional. */
export interface CallFeature {
  /** A session is being joined (`role` is known): forget what belonged to the last one. */
  callStarting?(): void;
  /** The service admitted this person (again, after a reconnect): `sessionId` is set. */
  callWelcomed?(): void;
  /** A connection with `person` came up (its data channel is open). */
  personConnected?(person: Person): void;
  /** The connection with `person` is gone (lost, replaced, or they left). */
  personDisconnected?(person: Person): void;
  /** A sender of a new connection, before it first sends. */
  senderCreated?(sender: RTCRtpSender, kind: TrackKind): void;
  /** The call stopped for good (ended, failed): release devices and the like. */
  callReleased?(): void;
  /** The session is over (not just this person's part in it): a last word for the ticket. */
  sessionEnded?(): void;
  /**
   * The call is set up after a welcome: a connection has been up for a moment (or nobody came for
   * a while), and the page is idle. Work that is not on the way to the first frame (loading a
   * feature's chunk, listing files, finishing what an earlier page left) goes here.
   */
  callSettled?(): void;
}

export interface CallOptions {
  /** Where the other people's data-channel messages go. */
  router: MessageRouter;
  /** What this side sends from the start of a new connection. */
  tracks(): Record<TrackKind, MediaStreamTrack | null>;
  /** The call state changed. */
  onState(next: CallState, previous: CallState): void;
  /** The session's status as the service reports it changed. */
  onSessionStatus(status: SessionStatus, previous: SessionStatus | null): void;
  /** Something went wrong; a fatal error ends the call in `failed`. */
  onError(code: ErrorCode, fatal: boolean, message: string): void;
  /** Someone opened this session's link for `role` while its place was taken, and was refused. */
  onInviteInUse(role: Role): void;
}

/** The service names the people of a session by their role today: that is their id. */
const idOf = (participant: Participant): string => participant.role;

export class CallController implements ReactiveController {
  private readonly host: ReactiveControllerHost;
  private readonly options: CallOptions;
  private readonly features: CallFeature[] = [];
  private readonly people_ = new Map<string, Person>();
  /** The people whose connection is up (features heard `personConnected` and not since lost it). */
  private readonly linked = new Set<Person>();
  private state_: CallState = 'idle';
  private sessionStatus_: SessionStatus | null = null;
  private error_: ErrorCode | null = null;
  private serviceAway_ = false;
  private role_: Role = 'customer';
  private left_ = false;
  private sessionId_ = '';
  private url = '';
  private token = '';
  private iceServers: IceServer[] = [];
  /** A welcome's `callSettled` is still to come (its timer). */
  private settling: ReturnType<typeof setTimeout> | undefined;
  private unsettled = false;
  private iceTransportPolicy: IceTransportPolicy = 'all';

  private readonly signalling = new SignallingController({
    onMessage: (message) => this.handleServerMessage(message),
    onStatus: (status) => this.handleSignallingStatus(status),
    onError: (code, fatal) => this.fail(code, fatal),
    isPeerConnected: () => this.connected,
  });

  constructor(host: ReactiveControllerHost, options: CallOptions) {
    this.host = host;
    this.options = options;
    host.addController(this);
  }

  hostDisconnected(): void {
    // The element left the page: nothing of the call may go on behind it. This page is out of the
    // call (the session goes on): put back in a page, it is `idle` and can join again.
    this.disconnectAll();
    const state = this.state_;
    if (state !== 'idle' && state !== 'ended' && state !== 'failed') {
      this.release();
      this.serviceAway_ = false;
      this.setState('idle');
    }
  }

  /** Tells `feature` of the call's life from now on (features are added once, in order). */
  addFeature(feature: CallFeature): void {
    this.features.push(feature);
  }

  /** Where the call is. */
  get state(): CallState {
    return this.state_;
  }

  /** The session's status as the service last reported it; null before joining. */
  get sessionStatus(): SessionStatus | null {
    return this.sessionStatus_;
  }

  /** The code of what ended the call in `failed` (or stopped it before it began). */
  get error(): ErrorCode | null {
    return this.error_;
  }

  /** The link to the service is down (the call itself may go on: media is peer to peer). */
  get serviceAway(): boolean {
    return this.serviceAway_;
  }

  /** This person's role (from the token, confirmed by the service's welcome). */
  get role(): Role {
    return this.role_;
  }

  /** This person left the session (the customer's hang-up); it is still open. */
  get left(): boolean {
    return this.left_;
  }

  /** The session, as the service's welcome named it ('' before). */
  get sessionId(): string {
    return this.sessionId_;
  }

  /** The service's WebSocket URL and the join token of the current join. */
  get credentials(): { url: string; token: string } {
    return { url: this.url, token: this.token };
  }

  /** The other people of the session this page has met, by id (also while they are away). */
  get people(): ReadonlyMap<string, Person> {
    return this.people_;
  }

  /** A connection to someone is up. */
  get connected(): boolean {
    return this.some((p) => p.peer.connected);
  }

  /** The service has admitted this person and the link is up. */
  get joined(): boolean {
    return this.signalling.joined;
  }

  /**
   * Joins the session of `token`: checks, `connecting`, the features' `callStarting`, then
   * `prepare` (e.g. the camera, so the permission prompt is answered before the other person sees
   * us join), then the service.
   */
  async join(url: string, token: string, prepare: () => Promise<void>): Promise<void> {
    const state = this.state_;
    if (state !== 'idle' && state !== 'ended' && state !== 'failed') return;
    this.error_ = null;
    this.left_ = false;
    if (!token) return this.fail('ERR_TOKEN_MISSING', true);
    if (!url) return this.fail('ERR_SIGNALLING_UNREACHABLE', true);
    this.url = url;
    this.token = token;
    this.role_ = readJoinToken(token)?.role ?? 'customer';
    this.setState('connecting');
    for (const f of this.features) f.callStarting?.();
    await prepare();
    if (this.state_ !== 'connecting') return; // hung up or failed while the prompt was open
    this.signalling.connect(url, token);
  }

  /**
   * After `failed` with the session link up: asks for fresh connections to everyone present and
   * returns true. False when there is nothing to repair (then the caller joins again).
   */
  repair(): boolean {
    if (this.state_ !== 'failed' || this.error_ !== 'ERR_CALL_FAILED' || !this.joined) return false;
    this.error_ = null;
    this.setState(this.people_.size ? 'reconnecting' : 'waiting');
    for (const person of this.people_.values()) {
      // Someone no longer present falls back to waiting when the rebuild times out.
      person.rebuilds = 0;
      this.requestRebuild(person);
    }
    return true;
  }

  /**
   * The agent ends the session for everyone; the customer leaves it (it stays open until the agent
   * ends it or it expires).
   */
  hangUp(): void {
    if (this.state_ === 'idle' || this.state_ === 'ended') return;
    if (this.state_ === 'failed' && !this.joined) return;
    this.send({ type: 'bye' });
    this.signalling.send({ type: 'hang-up' });
    this.left_ = this.role_ === 'customer';
    this.finish('ended');
  }

  /** Sends `message` to everyone connected; false when nobody got it. */
  send(message: PeerMessage): boolean {
    return this.toAll((peer) => peer.send(message));
  }

  /** Sends on the unreliable channel (dropped rather than late) to everyone connected. */
  sendUnreliable(message: PeerMessage): boolean {
    return this.toAll((peer) => peer.sendUnreliable(message));
  }

  /** Sends `track` (or nothing) as this side's audio or video to everyone connected. */
  setTrack(kind: TrackKind, track: MediaStreamTrack | null): void {
    for (const person of this.people_.values()) person.peer.setTrack(kind, track);
  }

  /** The first connected person's connection statistics (null without a connection). */
  stats(): Promise<RTCStatsReport | null> {
    return this.first()?.peer.stats() ?? Promise.resolve(null);
  }

  /** A data-channel round trip to the first connected person, in milliseconds. */
  roundTrip(): Promise<number> {
    const person = this.first();
    return person
      ? person.peer.roundTrip()
      : Promise.reject(new VideoSessionError('ERR_NOT_CONNECTED'));
  }

  /**
   * Reports `event` for the ticket. By default only the agent's widget does (it decides; one
   * sender, no doubles); `witness` reports what this side saw (a recording consent step).
   */
  report(event: ReportedEvent, witness = false): void {
    if (!this.sessionId_ || (!witness && this.role_ !== 'agent')) return;
    reportEvent(this.url, this.sessionId_, this.token, event).catch((err: unknown) =>
      console.warn(`[video-session] could not report ${event.type}: ${String(err)}`),
    );
  }

  /** Reports an error; a fatal one ends the call in `failed`. */
  fail(code: ErrorCode, fatal: boolean, message: string = errors[code].message): void {
    if (fatal || this.state_ === 'idle') this.error_ = code;
    this.options.onError(code, fatal, message);
    if (fatal) this.finish('failed');
  }

  private handleServerMessage(message: Exclude<ServerMessage, { type: 'error' }>): void {
    switch (message.type) {
      case 'welcome': {
        this.sessionId_ = message.sessionId;
        this.setSessionStatus(message.status);
        this.role_ = message.you.role;
        for (const f of this.features) f.callWelcomed?.();
        this.iceServers = message.iceServers;
        this.iceTransportPolicy = message.iceTransportPolicy ?? 'all';
        const there = message.peer ? this.meet(message.peer) : null;
        // After a service restart the others may not be back yet, but our call still runs.
        for (const person of this.people_.values()) {
          person.present = person === there || person.peer.connected;
        }
        if (!there && !this.some((p) => p.peer.connected || p.peer.recovering)) {
          this.setState('waiting');
        }
        this.unsettled = true;
        this.settle(this.connected ? SETTLED_CONNECTED_MS : SETTLED_ALONE_MS);
        this.host.requestUpdate();
        return;
      }
      case 'peer-joined': {
        const person = this.meet(message.peer);
        person.present = true;
        person.pairing = message.pairing;
        clearTimeout(person.rebuildTimer); // the new connection has its own connect timeout
        if (this.state_ === 'failed') this.error_ = null; // the other side tried again
        this.disconnected(person);
        if (this.state_ !== 'reconnecting') this.setState('connecting');
        person.peer.start({
          initiator: message.initiator,
          iceServers: this.iceServers,
          iceTransportPolicy: this.iceTransportPolicy,
          tracks: this.options.tracks(),
          onSender: (sender, kind) => {
            for (const f of this.features) f.senderCreated?.(sender, kind);
          },
        });
        return;
      }
      case 'peer-left': {
        const person = this.people_.get(message.role);
        if (!person) return;
        person.present = false;
        // Only their link to the service dropped, and the call itself runs: keep it. They resume.
        if (message.reason === 'disconnected' && person.peer.connected) return;
        this.gone(person);
        return;
      }
      case 'signal':
        for (const person of this.people_.values()) {
          if (person.pairing === message.pairing) person.peer.signal(message.data);
        }
        return;
      case 'pong':
        return;
      case 'invite-in-use':
        this.options.onInviteInUse(message.role);
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

  /** The person `participant` names: the one met before, or a new one. */
  private meet(participant: Participant): Person {
    const id = idOf(participant);
    const known = this.people_.get(id);
    if (known) {
      known.participant = participant;
      known.name = participant.name;
      this.host.requestUpdate();
      return known;
    }
    const person: Person = {
      id,
      role: participant.role,
      name: participant.name,
      participant,
      remoteStream: null,
      pairing: 0,
      present: false,
      rebuilds: 0,
      rebuildTimer: undefined,
      peer: new PeerController({
        onSignal: (data) => this.signalling.send({ type: 'signal', pairing: person.pairing, data }),
        onConnect: () => this.handleConnect(person),
        onRemoteStream: (stream) => {
          person.remoteStream = stream;
          this.host.requestUpdate();
        },
        onMessage: (message) => this.handlePeerMessage(person, message),
        onBinary: (frame) => this.options.router.dispatchBinary(frame, person),
        onRecovering: () => this.setState('reconnecting'),
        onRecovered: () => {
          this.setState('connected');
          this.signalling.send({ type: 'call-connected', pairing: person.pairing });
        },
        onLost: () => this.handleLost(person),
        onError: (code, fatal) => this.fail(code, fatal),
      }),
    };
    this.people_.set(id, person);
    this.host.requestUpdate();
    return person;
  }

  private handleConnect(person: Person): void {
    this.linked.add(person);
    person.rebuilds = 0;
    clearTimeout(person.rebuildTimer);
    this.setState('connected');
    // The service counts the session connected once a widget's peer connection is up.
    this.signalling.send({ type: 'call-connected', pairing: person.pairing });
    for (const f of this.features) f.personConnected?.(person);
    if (this.unsettled) this.settle(SETTLED_CONNECTED_MS);
  }

  /** Tells the features the call is set up in `ms` (when idle then); null: not at all. */
  private settle(ms: number | null): void {
    clearTimeout(this.settling);
    if (ms === null) {
      this.unsettled = false;
      return;
    }
    this.settling = setTimeout(
      () =>
        whenIdle(() => {
          if (!this.unsettled || !this.joined) return;
          this.unsettled = false;
          for (const f of this.features) f.callSettled?.();
        }),
      ms,
    );
  }

  private handlePeerMessage(
    person: Person,
    message: Exclude<PeerMessage, { type: 'ping' | 'pong' }>,
  ): void {
    if (message.type !== 'bye') {
      this.options.router.dispatch(message, person);
      return;
    }
    // The agent leaving ends the session; the customer leaving leaves it open.
    if (this.role_ === 'customer') this.finish('ended');
    else {
      person.present = false;
      this.gone(person);
    }
  }

  /** `person` is gone from the call: wait for them. */
  private gone(person: Person): void {
    clearTimeout(person.rebuildTimer);
    person.peer.stop();
    this.disconnected(person);
    if (this.state_ !== 'ended' && this.state_ !== 'failed' && !this.connected) {
      this.setState('waiting');
    }
  }

  /**
   * The connection to `person` is gone without anyone leaving (ICE restarts did not bring it back,
   * or it never came up): ask the service for a fresh one, up to `MAX_REBUILDS` times in a row.
   * Then the call fails, but the session link stays, so either side's retry starts over.
   */
  private handleLost(person: Person): void {
    if (this.state_ === 'ended' || this.state_ === 'failed' || this.state_ === 'idle') return;
    clearTimeout(person.rebuildTimer);
    this.disconnected(person);
    if (!person.present) {
      person.peer.stop();
      if (!this.connected) this.setState('waiting');
      return;
    }
    if (person.rebuilds >= MAX_REBUILDS) {
      person.peer.stop();
      this.release();
      this.error_ = 'ERR_CALL_FAILED';
      this.options.onError('ERR_CALL_FAILED', true, errors.ERR_CALL_FAILED.message);
      this.setState('failed');
      return;
    }
    person.rebuilds++;
    this.setState('reconnecting');
    this.requestRebuild(person);
  }

  /** Asks the service for a fresh connection to `person`; a failed rebuild if none comes up. */
  private requestRebuild(person: Person): void {
    // When the service is away the resume asks for the same thing (it says the call is down).
    this.signalling.send({ type: 'repair', pairing: person.pairing });
    clearTimeout(person.rebuildTimer);
    person.rebuildTimer = setTimeout(() => {
      if (!person.peer.connected) this.handleLost(person);
    }, REBUILD_TIMEOUT_MS);
  }

  private handleSignallingStatus(status: SignallingStatus): void {
    this.serviceAway_ = status === 'reconnecting';
    this.host.requestUpdate();
    // Media is peer to peer: a connected call goes on while the service is away.
    if (status === 'reconnecting' && (this.state_ === 'connecting' || this.state_ === 'waiting')) {
      this.setState('reconnecting');
    }
    if (
      status === 'open' &&
      this.state_ === 'reconnecting' &&
      this.connected &&
      !this.some((p) => p.peer.recovering)
    ) {
      this.setState('connected');
    }
  }

  /** Stops everything: the one place a call ends. */
  private finish(state: 'ended' | 'failed'): void {
    if (this.state_ === 'ended') return;
    if (this.state_ === 'failed' && !this.joined) return;
    this.disconnectAll();
    if (state === 'ended' && !this.left_) for (const f of this.features) f.sessionEnded?.();
    this.release();
    this.serviceAway_ = false;
    this.setState(state);
  }

  /** Closes the link to the service and every connection; nothing of the call runs after it. */
  private disconnectAll(): void {
    this.settle(null);
    this.signalling.close();
    for (const person of this.people_.values()) {
      clearTimeout(person.rebuildTimer);
      this.disconnected(person);
      person.peer.stop();
    }
  }

  private release(): void {
    for (const f of this.features) f.callReleased?.();
  }

  /** The connection to `person` is gone: features hear it once per connection that was up. */
  private disconnected(person: Person): void {
    if (this.linked.delete(person)) for (const f of this.features) f.personDisconnected?.(person);
    person.remoteStream = null;
    this.host.requestUpdate();
  }

  private setState(next: CallState): void {
    const previous = this.state_;
    if (next === previous) return;
    this.state_ = next;
    this.host.requestUpdate();
    this.options.onState(next, previous);
  }

  private setSessionStatus(status: SessionStatus): void {
    const previous = this.sessionStatus_;
    if (status === previous) return;
    this.sessionStatus_ = status;
    this.options.onSessionStatus(status, previous);
  }

  private toAll(send: (peer: PeerController) => boolean): boolean {
    let sent = false;
    for (const person of this.people_.values()) {
      if (person.peer.connected && send(person.peer)) sent = true;
    }
    return sent;
  }

  private first(): Person | undefined {
    for (const person of this.people_.values()) if (person.peer.connected) return person;
    return undefined;
  }

  private some(test: (person: Person) => boolean): boolean {
    for (const person of this.people_.values()) if (test(person)) return true;
    return false;
  }
}
