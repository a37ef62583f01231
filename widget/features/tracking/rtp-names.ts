/**
 * The RTP timestamps of the customer's own camera frames: the encoded frames' stamps (from the
 * RTP tap on the video sender) paired with the raw frames' times (from the tracking worker) by
 * `RtpClock`, to name a frame by its RTP timestamp and find the frame an RTP timestamp names.
 */
import { RtpClock } from '../../../src/rtp-clock.js';

export class RtpNames {
  private readonly clock = new RtpClock();
  private lastAt: number | null = null;

  /** An encoded frame with RTP timestamp `rtp` left the encoder at `wall`. */
  encoded(rtp: number, wall: number): void {
    this.clock.encoded(rtp, wall);
  }

  /** A new sender starts at a new random RTP timestamp. */
  reset(): void {
    this.clock.reset();
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
}
