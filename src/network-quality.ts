/**
 * Network quality from WebRTC statistics, as one of four levels a person understands, and the
 * rule for when a link is bad enough to drop to voice (and good enough again for video). Pure: the
 * widget feeds it numbers read from `getStats()` every couple of seconds.
 */

export const QUALITY_LEVELS = ['good', 'fair', 'poor', 'bad'] as const;
export type QualityLevel = (typeof QUALITY_LEVELS)[number];

/** One reading over the last interval. */
export interface QualitySample {
  /** Round trip on the path, ms (null when unknown). */
  rttMs: number | null;
  /** Packets lost, in either direction, as a percentage of those sent. */
  lossPercent: number;
  /** What arrives and what leaves, kbit/s. */
  inKbps: number;
  outKbps: number;
  /** Frames per second decoded of the other person's video (null without video). */
  fps: number | null;
}

/**
 * The level of a sample. `bad` means audio is at risk too (heavy loss or a very long round trip):
 * the moment to offer voice only. Video that crawls (under 8 fps) makes a link `poor`.
 */
export function classify(s: QualitySample): QualityLevel {
  const rtt = s.rttMs ?? 0;
  if (s.lossPercent >= 15 || rtt >= 1000) return 'bad';
  if (s.lossPercent >= 5 || rtt >= 400 || (s.fps !== null && s.fps < 8)) return 'poor';
  if (s.lossPercent >= 2 || rtt >= 200 || (s.fps !== null && s.fps < 15)) return 'fair';
  return 'good';
}

/** How many readings in a row make a trend (readings come every ~2 s). */
export const BAD_STREAK = 3;
export const GOOD_STREAK = 4;

/**
 * Follows the levels over time and says when to act: `drop` once the link has been `bad` for
 * `BAD_STREAK` readings, `recover` once it has been `good` or `fair` for `GOOD_STREAK` readings
 * after a drop. Each is said once per episode.
 */
export class QualityTrend {
  private bad = 0;
  private good = 0;
  private dropped = false;

  /** Feeds a level; answers what to do now, if anything. */
  next(level: QualityLevel): 'drop' | 'recover' | null {
    this.bad = level === 'bad' ? this.bad + 1 : 0;
    this.good = level === 'good' || level === 'fair' ? this.good + 1 : 0;
    if (!this.dropped && this.bad >= BAD_STREAK) {
      this.dropped = true;
      return 'drop';
    }
    if (this.dropped && this.good >= GOOD_STREAK) {
      this.dropped = false;
      return 'recover';
    }
    return null;
  }

  /** Forgets the episode (a new connection, or the person chose the mode themselves). */
  reset(): void {
    this.bad = 0;
    this.good = 0;
    this.dropped = false;
  }
}
