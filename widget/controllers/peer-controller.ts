/**
 * Owns the WebRTC connection to the other person (simple-peer over one RTCPeerConnection) and its
 * data channel. Signalling goes out through `onSignal` and comes in through `signal()`; it knows
 * nothing of the transport. Data-channel messages are parsed and bounded on receipt; a malformed
 * one is dropped with its code and never reaches the element.
 */
import SimplePeer from '@thaunknown/simple-peer';
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { VideoSessionError, type ErrorCode } from '../../src/errors.js';
import { parsePeerMessage, type PeerMessage } from '../../src/peer-messages.js';
import type { IceServer, SignalData } from '../../src/protocol.js';

/**
 * The second data channel: unordered, no retransmissions, for what is stale a frame later (the
 * pointer, tracking poses). Negotiated out of band (same id on both sides), so adding it needs no
 * renegotiation; it opens once the connection is up.
 */
const UNRELIABLE_CHANNEL = { label: 'vs-unreliable', id: 7 } as const;

export interface PeerOptions {
  onSignal(data: SignalData): void;
  /** The connection and its data channel are up. */
  onConnect(): void;
  onRemoteStream(stream: MediaStream): void;
  /** A parsed message from the other widget (pings are answered here and not passed on). */
  onMessage(message: Exclude<PeerMessage, { type: 'ping' | 'pong' }>): void;
  /** The connection closed or failed without `stop()` being called. */
  onLost(): void;
  onError(code: ErrorCode, fatal: boolean): void;
}

export interface PeerStart {
  initiator: boolean;
  stream: MediaStream | null;
  iceServers: IceServer[];
}

export class PeerController implements ReactiveController {
  private readonly options: PeerOptions;
  private peer: SimplePeer | null = null;
  private unreliable: RTCDataChannel | null = null;
  private pingId = 0;
  /** Pings in flight: settled with the round trip, or with null when the connection went away. */
  private readonly pending = new Map<number, (rtt: number | null) => void>();

  constructor(host: ReactiveControllerHost, options: PeerOptions) {
    this.options = options;
    host.addController(this);
  }

  hostDisconnected(): void {
    this.stop();
  }

  /** True while the data channel is open. */
  get connected(): boolean {
    return this.peer?.connected ?? false;
  }

  /** The underlying connection, for stats (null before `start`). */
  get connection(): RTCPeerConnection | null {
    return this.peer?._pc ?? null;
  }

  /** Builds a fresh connection (closing any earlier one). The initiator makes the offer. */
  start({ initiator, stream, iceServers }: PeerStart): void {
    this.stop();
    if (!SimplePeer.WEBRTC_SUPPORT) {
      this.options.onError('ERR_WEBRTC_UNSUPPORTED', true);
      return;
    }
    const peer = new SimplePeer({
      initiator,
      trickle: true,
      objectMode: true, // text arrives as text, binary as Uint8Array
      config: { iceServers: iceServers as RTCIceServer[] },
      ...(stream ? { stream } : {}),
    });
    this.peer = peer;
    // Every handler checks it still belongs to the current connection: a replaced one is silent.
    const current = () => this.peer === peer;
    peer.on('signal', (data) => current() && this.options.onSignal(data as SignalData));
    peer.on('connect', () => {
      if (!current()) return;
      this.openUnreliable(peer);
      this.options.onConnect();
    });
    peer.on('stream', (remote) => current() && this.options.onRemoteStream(remote));
    peer.on('data', (data) => current() && this.handleData(data));
    peer.on('error', (err) => {
      if (!current()) return;
      console.warn(`[video-session] peer: ${err.code ?? 'error'}: ${err.message}`);
      this.options.onError('ERR_PEER_FAILED', false);
    });
    peer.on('close', () => {
      if (!current()) return;
      this.peer = null;
      this.rejectPings();
      this.options.onLost();
    });
  }

  /** Hands signalling data from the other side to the connection. */
  signal(data: SignalData): void {
    this.peer?.signal(data);
  }

  /** Sends a message on the data channel; returns false when it is not open. */
  send(message: PeerMessage): boolean {
    if (!this.peer?.connected) return false;
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
    this.rejectPings();
    if (this.unreliable) {
      this.unreliable.onmessage = null;
      this.unreliable.close();
      this.unreliable = null;
    }
    if (peer) {
      peer.removeAllListeners();
      peer.on('error', () => undefined); // late errors from a closing connection are expected
      peer.destroy();
    }
  }

  private openUnreliable(peer: SimplePeer): void {
    const pc = peer._pc;
    if (!pc) return;
    const channel = pc.createDataChannel(UNRELIABLE_CHANNEL.label, {
      negotiated: true,
      id: UNRELIABLE_CHANNEL.id,
      ordered: false,
      maxRetransmits: 0,
    });
    channel.onmessage = (e: MessageEvent) =>
      this.peer === peer && this.handleData(e.data as string);
    this.unreliable = channel;
  }

  private handleData(data: string | Uint8Array): void {
    const parsed = parsePeerMessage(data);
    if (!parsed.ok) {
      console.warn(`[video-session] ${parsed.code}: ${parsed.reason}`);
      this.options.onError(parsed.code, false);
      return;
    }
    const message = parsed.value;
    if (message.type === 'ping') {
      this.send({ type: 'pong', id: message.id, t: message.t });
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
