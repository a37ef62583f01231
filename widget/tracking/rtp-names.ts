/**
 * The RTP timestamps of the customer's own camera frames, which is how the agent's browser names
 * the frames it shows. An encoded transform on the customer's video sender (a tiny worker of its
 * own, so tracking work never delays the video) reports each encoded frame's RTP timestamp; the
 * tracking worker reports each raw frame's time; `RtpClock` pairs them.
 *
 * Browsers apply an encoded transform only to a sender that has it before it first sends, and a
 * sender whose transform goes away stops sending: so it is set when the sender is created, and its
 * worker lives until the call ends.
 */
import { RtpClock } from '../../src/rtp-clock.js';
import { workerFrom } from './camera-tracking.js';

/** The transform: encoded frames pass straight through; their RTP timestamps are reported. */
const TRANSFORM = `onrtctransform = ({ transformer: t }) => {
  t.readable.pipeThrough(new TransformStream({ transform(frame, out) {
    const rtp = frame.getMetadata().rtpTimestamp;
    if (rtp !== undefined) postMessage({ rtp, wall: performance.timeOrigin + performance.now() });
    out.enqueue(frame);
  } })).pipeTo(t.writable);
};`;

export class RtpNames {
  private worker: Worker | null = null;
  private readonly clock = new RtpClock();
  private lastAt: number | null = null;

  /** Notes the RTP timestamps `sender` gives its frames (from now on, for this sender). */
  adopt(sender: RTCRtpSender): void {
    if (typeof RTCRtpScriptTransform === 'undefined') return;
    try {
      this.worker ??= workerFrom(TRANSFORM);
      this.worker.onmessage = (e: MessageEvent<{ rtp: number; wall: number }>) =>
        this.clock.encoded(e.data.rtp, e.data.wall);
      sender.transform = new RTCRtpScriptTransform(this.worker);
      this.clock.reset(); // a new sender starts at a new random RTP timestamp
    } catch (err) {
      console.warn('[video-session] camera frames cannot be named by RTP timestamp:', err);
    }
  }

  /** A raw camera frame (time `at`) arrived at `wall`. */
  raw(at: number, wall: number): void {
    this.lastAt = at;
    this.clock.raw(at, wall);
  }

  /** The RTP timestamp of the frame at `at` (null until known). */
  rtpOf(at: number): number | null {
    return this.clock.rtpOf(at);
  }

  /** The time of the frame whose RTP timestamp is `rtp` (null until known). */
  atOf(rtp: number): number | null {
    const recent = this.lastAt === null ? null : this.clock.rtpOf(this.lastAt);
    return recent === null ? null : this.lastAt! + RtpClock.diff(rtp, recent) / 90;
  }

  /** Ends the transform worker (the call is over; its connection is closed). */
  stop(): void {
    this.worker?.terminate();
    this.worker = null;
  }
}
