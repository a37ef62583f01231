/**
 * Which camera frame the page shows, in the frame reader's clock. The page knows the shown frame
 * by the time the browser gives it (`requestVideoFrameCallback` capture time); the reader stamps
 * frames in the camera's clock. The two differ by a constant: first guessed from when frames
 * reach the reader (a few milliseconds late at worst), then measured exactly by pairing each shown
 * frame with the reader's frame nearest the guess, and taking the difference most pairs agree on.
 */
const KEEP = 60;
const PAIRS = 30;
/** The guess is early by the smallest delivery delay, under a frame's interval (ms). */
const LATE_MS = 30;
/** Differences within this window are the same one (the page's times are rounded to 0.1 ms). */
const SAME_MS = 1;

export class ShownFrames {
  private readonly frames: number[] = [];
  private readonly diffs: number[] = [];
  private guess: number | null = null;
  private exact: number | null = null;

  /**
   * The reader got the frame `at`, and the page heard of it at `heard` (its own clock, later than
   * the capture): `at - heard` is the guess, the largest seen (frames are only ever heard of late).
   */
  frame(at: number, heard: number): void {
    this.frames.push(at);
    if (this.frames.length > KEEP) this.frames.shift();
    this.guess = Math.max(this.guess ?? -Infinity, at - heard);
  }

  /** The reader's time of the frame the page shows, captured at `pageTime`; null before any frame. */
  shown(pageTime: number): number | null {
    if (this.guess === null) return null;
    // Pair with the guess, never with an earlier measurement, so one bad start cannot stick: the
    // frame is the first one at or after the guess (which is early, never late).
    const target = pageTime + this.guess;
    let pair: number | null = null;
    for (const f of this.frames) {
      if (f >= target - 1 && f < target + LATE_MS && (pair === null || f < pair)) pair = f;
    }
    if (pair !== null) {
      this.diffs.push(pair - pageTime);
      if (this.diffs.length > PAIRS) this.diffs.shift();
      this.exact = agreed(this.diffs) ?? this.exact;
    }
    return pageTime + (this.exact ?? this.guess);
  }
}

/** The mean of the largest group of values within `SAME_MS` of each other, if it is most of them. */
function agreed(values: readonly number[]): number | null {
  const sorted = [...values].sort((a, b) => a - b);
  let best = 0,
    from = 0;
  for (let i = 0, j = 0; i < sorted.length; i++) {
    while (sorted[i]! - sorted[j]! > SAME_MS) j++;
    if (i - j + 1 > best) [best, from] = [i - j + 1, j];
  }
  if (best < 5 || best < values.length / 2) return null;
  const group = sorted.slice(from, from + best);
  return group.reduce((a, b) => a + b, 0) / group.length;
}
