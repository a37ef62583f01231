/**
 * One RTCPeerConnection between the two widgets, the part of the peer controller that speaks
 * WebRTC: the initiator makes every offer (so offers never cross), the answerer answers; ICE
 * candidates trickle both ways; one ordered data channel carries the widgets' messages.
 *
 * Media never renegotiates: the initiator creates one audio and one video transceiver before its
 * first offer, the answerer turns its copies to send-and-receive before answering, and `setTrack`
 * swaps what is sent with `replaceTrack`. Later offers are ICE restarts only.
 *
 * Signals are the shapes simple-peer used (`{type: 'offer'|'answer', sdp}`, `{type: 'candidate',
 * candidate}`, `{type: 'renegotiate'}`), so the wire protocol did not change when it was replaced.
 */
import type { SignalData } from '../../../src/protocol.js';

export type TrackKind = 'audio' | 'video';

export interface PeerLinkOptions {
  initiator: boolean;
  config: RTCConfiguration;
  tracks: Record<TrackKind, MediaStreamTrack | null>;
  onSignal(data: SignalData): void;
  /** The data channel opened. */
  onOpen(): void;
  /** The data channel closed without `close()` (the other side went away, or the transport died). */
  onClose(): void;
  onMessage(data: string | ArrayBuffer): void;
  onTrack(track: MediaStreamTrack): void;
  /**
   * Called for each sender before it first sends (and again at each offer the answerer takes):
   * the place to set an encoded transform (browsers apply one set later only to a renegotiated
   * sender, if at all).
   */
  onSender?(sender: RTCRtpSender, kind: TrackKind): void;
}

/** The data channel's label; both sides see the same one. */
const CHANNEL = 'video-session';

export class PeerLink {
  readonly pc: RTCPeerConnection;
  readonly initiator: boolean;
  private readonly o: PeerLinkOptions;
  private channel: RTCDataChannel | null = null;
  private readonly tracks: Record<TrackKind, MediaStreamTrack | null>;
  private pendingCandidates: RTCIceCandidateInit[] = [];
  /** Signals are handled one after another: an offer's candidates wait for the offer. */
  private queue: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(options: PeerLinkOptions) {
    this.o = options;
    this.initiator = options.initiator;
    this.tracks = { ...options.tracks };
    const pc = new RTCPeerConnection(options.config);
    this.pc = pc;
    pc.addEventListener('icecandidate', ({ candidate }) => {
      if (!candidate || this.closed) return; // null: gathering finished; nothing to send
      const { candidate: line, sdpMid, sdpMLineIndex, usernameFragment } = candidate;
      options.onSignal({
        type: 'candidate',
        candidate: { candidate: line, sdpMid, sdpMLineIndex, usernameFragment },
      });
    });
    pc.addEventListener('track', ({ track }) => !this.closed && options.onTrack(track));
    if (options.initiator) {
      this.attach(pc.createDataChannel(CHANNEL, { ordered: true }));
      for (const kind of ['audio', 'video'] as const) {
        this.hook(
          pc.addTransceiver(this.tracks[kind] ?? kind, { direction: 'sendrecv' }).sender,
          kind,
        );
      }
      this.run(() => this.offer(false));
    } else {
      pc.addEventListener('datachannel', ({ channel }) => {
        if (channel.label === CHANNEL && !this.channel) this.attach(channel);
      });
    }
  }

  /** True while the data channel is open. */
  get open(): boolean {
    return this.channel?.readyState === 'open';
  }

  /** Bytes queued on the data channel and not yet sent. */
  get bufferedAmount(): number {
    return this.channel?.bufferedAmount ?? 0;
  }

  /** The data channel (null until the answerer receives it). */
  get dataChannel(): RTCDataChannel | null {
    return this.channel;
  }

  /** Hands signalling data from the other side to the connection. */
  signal(data: SignalData): void {
    this.run(() => this.handle(data));
  }

  /** The initiator's ICE restart: a fresh offer with new ICE credentials on the same connection. */
  restartIce(): void {
    if (this.initiator) this.run(() => this.offer(true));
  }

  send(data: string | Uint8Array): void {
    if (!this.open) return;
    if (typeof data === 'string') this.channel!.send(data);
    else this.channel!.send(data as Uint8Array<ArrayBuffer>);
  }

  /** Sends `track` (or nothing) as this side's `kind`, without renegotiating. */
  setTrack(kind: TrackKind, track: MediaStreamTrack | null): void {
    this.tracks[kind] = track;
    const transceiver = this.pc
      .getTransceivers()
      .find((t) => t.receiver.track.kind === kind && t.direction === 'sendrecv');
    if (transceiver && transceiver.sender.track !== track) {
      transceiver.sender.replaceTrack(track).catch((err: unknown) => {
        console.warn(`[video-session] replaceTrack(${kind}): ${String(err)}`);
      });
    }
  }

  /** Closes the data channel and the connection; no callback fires after this. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.channel?.close();
    this.pc.close();
  }

  private attach(channel: RTCDataChannel): void {
    this.channel = channel;
    channel.binaryType = 'arraybuffer';
    channel.addEventListener('open', () => !this.closed && this.o.onOpen());
    channel.addEventListener('close', () => !this.closed && this.o.onClose());
    channel.addEventListener('message', ({ data }) => {
      if (!this.closed) this.o.onMessage(data as string | ArrayBuffer);
    });
  }

  private hook(sender: RTCRtpSender, kind: TrackKind): void {
    this.o.onSender?.(sender, kind);
  }

  private run(step: () => Promise<void>): void {
    this.queue = this.queue.then(step).catch((err: unknown) => {
      if (!this.closed) console.warn(`[video-session] signalling step failed: ${String(err)}`);
    });
  }

  private async offer(iceRestart: boolean): Promise<void> {
    const pc = this.pc;
    if (this.closed) return;
    // An earlier offer whose answer never came (the service was away): take it back first.
    if (pc.signalingState === 'have-local-offer')
      await pc.setLocalDescription({ type: 'rollback' });
    const offer = await pc.createOffer({ iceRestart });
    if (this.closed) return;
    await pc.setLocalDescription(offer);
    if (this.closed) return;
    this.o.onSignal({ type: 'offer', sdp: pc.localDescription!.sdp });
  }

  private async handle(data: SignalData): Promise<void> {
    const pc = this.pc;
    if (this.closed) return;
    switch (data.type) {
      case 'offer': {
        if (this.initiator) return; // the answerer never offers
        await pc.setRemoteDescription({ type: 'offer', sdp: data.sdp });
        for (const t of pc.getTransceivers()) {
          if (t.direction !== 'sendrecv') t.direction = 'sendrecv';
          const kind = t.receiver.track.kind as TrackKind;
          this.hook(t.sender, kind);
          const track = this.tracks[kind];
          if (t.sender.track !== track) await t.sender.replaceTrack(track);
        }
        await this.flushCandidates();
        const answer = await pc.createAnswer();
        if (this.closed) return;
        await pc.setLocalDescription(answer);
        this.o.onSignal({ type: 'answer', sdp: pc.localDescription!.sdp });
        return;
      }
      case 'answer':
        if (!this.initiator || pc.signalingState !== 'have-local-offer') return; // stale
        await pc.setRemoteDescription({ type: 'answer', sdp: data.sdp });
        await this.flushCandidates();
        return;
      case 'candidate':
        if (pc.remoteDescription) await this.addCandidate(data.candidate);
        else this.pendingCandidates.push(data.candidate);
        return;
      default:
        return; // renegotiation requests are the controller's; nothing else is sent any more
    }
  }

  private async flushCandidates(): Promise<void> {
    const pending = this.pendingCandidates;
    this.pendingCandidates = [];
    for (const c of pending) await this.addCandidate(c);
  }

  private async addCandidate(candidate: RTCIceCandidateInit): Promise<void> {
    try {
      await this.pc.addIceCandidate(candidate);
    } catch {
      // A candidate of an older ICE generation, or an address this browser cannot use (mDNS).
    }
  }
}
