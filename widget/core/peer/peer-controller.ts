/**
 * Owns the WebRTC connection to the other person (`PeerLink`: one RTCPeerConnection), its data
 * channel, and keeping it alive. Signalling goes out through `onSignal` and comes in through
 * `signal()`; it knows nothing of the transport.
 *
 * When the path breaks (ICE `disconnected`, or nothing heard on the data channel for a while), it
 * restarts ICE on the same connection, so tracks and the data channel survive: the initiator sends a
 * fresh `iceRestart` offer, the answerer asks it to. When restarts do not bring the path back within
 * a window, the connection is closed and `onLost` asks for a rebuild.
 */
import { VideoSessionError, type ErrorCode } from '../../../src/errors.js';
import {
  MAX_BINARY_FRAME_BYTES,
  parsePeerMessage,
  type PeerMessage,
} from '../../../src/peer-messages.js';
import type { IceServer, IceTransportPolicy, SignalData } from '../../../src/protocol.js';
import { PeerLink, type TrackKind } from './peer-link.js';

export interface PeerOptions {
  onSignal(data: SignalData): void;
  /** The connection and its data channel are up. */
  onConnect(): void;
  /** The other person's audio and video (one stream for the life of the connection). */
  onRemoteStream(stream: MediaStream): void;
  /** A parsed message from the other widget (pings are answered here and not passed on). */
  onMessage(message: Exclude<PeerMessage, { type: 'ping' | 'pong' }>): void;
  /** A binary frame from the other widget (its first byte says what it is). */
  onBinary(frame: Uint8Array): void;
  /** The path broke; ICE restarts are under way on the same connection. */
  onRecovering(): void;
  /** The path is back after a restart: same connection, same data channel. */
  onRecovered(): void;
  /** The connection closed, failed, or could not be recovered, without `stop()` being called. */
  onLost(): void;
  onError(code: ErrorCode, fatal: boolean): void;
}

export interface PeerStart {
  initiator: boolean;
  iceServers: IceServer[];
  iceTransportPolicy?: IceTransportPolicy;
  /** What to send from the start (null: nothing of that kind). */
  tracks: Record<TrackKind, MediaStreamTrack | null>;
  /** Each sender, once, before it first sends (e.g. to set an encoded transform). */
  onSender?(sender: RTCRtpSender, kind: TrackKind): void;
}

/**
 * The second data channel: unordered, no retransmissions, for what is stale a frame later (the
 * pointer, tracking poses). Negotiated out of band (the same id on both sides), so adding it needs
 * no renegotiation; both sides open it when the connection is up, and it survives ICE restarts.
 */
const UNRELIABLE_CHANNEL = { label: 'vs-unreliable', id: 7 } as const;

/** Keepalive on the data channel, so silence means a broken path even when no media flows. */
const KEEPALIVE_MS = 400;
/**
 * Nothing heard for this long: the path is suspect. Well above the keepalive, since a background
 * tab's timers fire at most once a second.
 */
const SILENT_MS = 2000;
/** A restart that has not brought the path back is tried again after this long... */
const RESTART_EVERY_MS = 3000;
/** ...until this long after the path broke; then the connection is given up (a rebuild follows). */
const RECOVERY_WINDOW_MS = 12_000;
/** A fresh connection that does not come up in this time is given up too (ICE over TURN takes ~1 s). */
const CONNECT_TIMEOUT_MS = 10_000;
/** Sending waits while this much is queued on the data channel. */
const HIGH_WATER_BYTES = 1024 * 1024;
const LOW_WATER_BYTES = 256 * 1024;

/** The connection to one other person; the call controller owns one per person and stops it. */
export class PeerController {
  private readonly options: PeerOptions;
  private peer: PeerLink | null = null;
  private unreliable: RTCDataChannel | null = null;
  private pingId = 0;
  /** Pings in flight: settled with the round trip, or with null when the connection went away. */
  private readonly pending = new Map<number, (rtt: number | null) => void>();
  private watchdog: ReturnType<typeof setInterval> | undefined;
  private lastHeard = 0;
  private lastKeepalive = 0;
  private startedAt = 0;
  private brokenAt = 0;
  private restartedAt = 0;

  constructor(options: PeerOptions) {
    this.options = options;
  }

  /** True while the data channel is open. */
  get connected(): boolean {
    return this.peer?.open ?? false;
  }

  /** True while ICE restarts try to bring a broken path back. */
  get recovering(): boolean {
    return this.brokenAt > 0;
  }

  /** The underlying connection, for stats and tests (null before `start`). */
  get connection(): RTCPeerConnection | null {
    return this.peer?.pc ?? null;
  }

  /** Bytes queued on the data channel and not yet sent. */
  get bufferedAmount(): number {
    return this.peer?.bufferedAmount ?? 0;
  }

  /** Builds a fresh connection (closing any earlier one). The initiator makes the offer. */
  start({ initiator, iceServers, iceTransportPolicy, tracks, onSender }: PeerStart): void {
    this.stop();
    if (typeof RTCPeerConnection !== 'function') {
      this.options.onError('ERR_WEBRTC_UNSUPPORTED', true);
      return;
    }
    const remote = new MediaStream();
    // Every callback checks it still belongs to the current connection: a replaced one is silent.
    const current = () => this.peer === peer;
    const peer: PeerLink = new PeerLink({
      initiator,
      config: {
        iceServers: iceServers as RTCIceServer[],
        ...(iceTransportPolicy ? { iceTransportPolicy } : {}),
      },
      tracks,
      ...(onSender ? { onSender } : {}),
      onSignal: (data) => current() && this.options.onSignal(data),
      onOpen: () => {
        if (!current()) return;
        this.lastHeard = performance.now();
        peer.dataChannel!.bufferedAmountLowThreshold = LOW_WATER_BYTES;
        this.openUnreliable(peer);
        this.options.onConnect();
      },
      onClose: () => current() && this.lost(),
      onMessage: (data) => current() && this.handleData(data),
      onTrack: (track) => {
        if (!current() || remote.getTracks().includes(track)) return;
        remote.addTrack(track);
        this.options.onRemoteStream(remote);
      },
    });
    this.peer = peer;
    peer.pc.addEventListener('iceconnectionstatechange', () => {
      const ice = peer.pc.iceConnectionState;
      if (current() && (ice === 'disconnected' || ice === 'failed')) this.broken();
    });
    this.startedAt = performance.now();
    this.watchdog = setInterval(() => this.watch(), KEEPALIVE_MS / 2);
  }

  /** Hands signalling data from the other side to the connection. */
  signal(data: SignalData): void {
    const peer = this.peer;
    if (!peer) return;
    if (data.type === 'renegotiate') {
      // The answerer lost the path and asks for an ICE restart (nothing else makes it ask).
      // A restart already under way serves it: a second offer now would cross the first one's
      // answer (an answer to offer 1 applied to offer 2 breaks both).
      if (peer.initiator && !this.recovering) this.broken();
      return;
    }
    peer.signal(data);
  }

  /** Sends `track` (or nothing, for null) as this side's audio or video, without renegotiating. */
  setTrack(kind: TrackKind, track: MediaStreamTrack | null): void {
    this.peer?.setTrack(kind, track);
  }

  /** Sends a message on the data channel; returns false when it is not open. */
  send(message: PeerMessage): boolean {
    if (!this.peer?.open) return false;
    this.peer.send(JSON.stringify(message));
    return true;
  }

  /**
   * Sends on the unreliable, unordered channel (dropped rather than late); returns false when it
   * is not open.
   */
  sendUnreliable(message: PeerMessage): boolean {
    if (this.unreliable?.readyState !== 'open') return false;
    this.unreliable.send(JSON.stringify(message));
    return true;
  }

  /** Sends a binary frame on the data channel; returns false when it is not open. */
  sendBinary(frame: Uint8Array): boolean {
    if (!this.peer?.open) return false;
    this.peer.send(frame);
    return true;
  }

  /** Resolves when the data channel can take more (its queue is below the low-water mark). */
  whenWritable(): Promise<void> {
    const channel = this.peer?.dataChannel;
    if (!channel || channel.bufferedAmount < HIGH_WATER_BYTES) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        channel.removeEventListener('bufferedamountlow', done);
        channel.removeEventListener('close', done);
        resolve();
      };
      channel.addEventListener('bufferedamountlow', done);
      channel.addEventListener('close', done);
    });
  }

  /** The connection's statistics (null without a connection). */
  stats(): Promise<RTCStatsReport | null> {
    return this.connection?.getStats() ?? Promise.resolve(null);
  }

  /** Measures a data-channel round trip in milliseconds. */
  roundTrip(timeoutMs = 5000): Promise<number> {
    const id = ++this.pingId;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new VideoSessionError('ERR_NOT_CONNECTED'));
      }, timeoutMs);
      this.pending.set(id, (rtt) => {
        clearTimeout(timer);
        if (rtt === null) reject(new VideoSessionError('ERR_NOT_CONNECTED'));
        else resolve(rtt);
      });
      if (!this.send({ type: 'ping', id, t: performance.now() })) {
        clearTimeout(timer);
        this.pending.delete(id);
        reject(new VideoSessionError('ERR_NOT_CONNECTED'));
      }
    });
  }

  /** Closes the connection; the one place it stops. */
  stop(): void {
    const peer = this.peer;
    this.peer = null;
    clearInterval(this.watchdog);
    this.watchdog = undefined;
    this.brokenAt = 0;
    this.rejectPings();
    if (this.unreliable) {
      this.unreliable.onmessage = null;
      this.unreliable.close();
      this.unreliable = null;
    }
    peer?.close();
  }

  private openUnreliable(peer: PeerLink): void {
    if (this.unreliable) return; // the channel outlives ICE restarts
    const channel = peer.pc.createDataChannel(UNRELIABLE_CHANNEL.label, {
      negotiated: true,
      id: UNRELIABLE_CHANNEL.id,
      ordered: false,
      maxRetransmits: 0,
    });
    channel.binaryType = 'arraybuffer';
    channel.onmessage = (e: MessageEvent<string | ArrayBuffer>) => {
      if (this.peer === peer) this.handleData(e.data);
    };
    this.unreliable = channel;
  }

  /** Runs every quarter keepalive: sends the keepalive, notices silence, tracks recovery. */
  private watch(): void {
    const peer = this.peer;
    if (!peer) return;
    const now = performance.now();
    if (!peer.open && !this.recovering) {
      if (now - this.startedAt > CONNECT_TIMEOUT_MS) this.lost();
      return;
    }
    if (now - this.lastKeepalive >= KEEPALIVE_MS) {
      this.lastKeepalive = now;
      this.send({ type: 'ping', id: 0, t: now });
    }
    if (!this.recovering) {
      if (now - this.lastHeard > SILENT_MS) this.broken();
      return;
    }
    const ice = peer.pc.iceConnectionState;
    if ((ice === 'connected' || ice === 'completed') && this.lastHeard > this.brokenAt) {
      this.brokenAt = 0;
      this.options.onRecovered();
    } else if (now - this.brokenAt > RECOVERY_WINDOW_MS) {
      this.lost();
    } else if (now - this.restartedAt > RESTART_EVERY_MS) {
      void this.restartIce();
    }
  }

  /** The path broke: start restarting ICE. */
  private broken(): void {
    if (this.recovering || !this.peer?.open) return;
    this.brokenAt = performance.now();
    this.options.onRecovering();
    this.restartIce();
  }

  /** One ICE restart: a fresh offer from the initiator, or a request for one from the answerer. */
  private restartIce(): void {
    const peer = this.peer;
    if (!peer) return;
    this.restartedAt = performance.now();
    if (peer.initiator) peer.restartIce();
    else this.options.onSignal({ type: 'renegotiate', renegotiate: true });
  }

  /** The connection is gone for good: tell the element, which asks for a rebuild. */
  private lost(): void {
    if (!this.peer) return;
    this.stop();
    this.options.onLost();
  }

  private handleData(data: string | ArrayBuffer): void {
    this.lastHeard = performance.now();
    if (typeof data !== 'string') {
      if (data.byteLength > MAX_BINARY_FRAME_BYTES || data.byteLength === 0) {
        this.options.onError('ERR_PEER_MESSAGE_INVALID', false);
        return;
      }
      this.options.onBinary(new Uint8Array(data));
      return;
    }
    const parsed = parsePeerMessage(data);
    if (!parsed.ok) {
      console.warn(`[video-session] ${parsed.code}: ${parsed.reason}`);
      this.options.onError(parsed.code, false);
      return;
    }
    const message = parsed.value;
    if (message.type === 'ping') {
      if (message.id !== 0) this.send({ type: 'pong', id: message.id, t: message.t });
    } else if (message.type === 'pong') {
      this.pending.get(message.id)?.(performance.now() - message.t);
      this.pending.delete(message.id);
    } else {
      this.options.onMessage(message);
    }
  }

  private rejectPings(): void {
    for (const settle of this.pending.values()) settle(null);
    this.pending.clear();
  }
}
