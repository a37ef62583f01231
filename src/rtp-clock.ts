/**
 * The RTP timestamps of one's own camera frames. A WebRTC sender stamps each frame with
 * `90 * capture ms + offset` (90 kHz, a random start); the offset is learned by pairing each
 * encoded frame (seen by an encoded transform, with its RTP timestamp, when it came out of the
 * encoder) with the newest raw frame captured before that (seen by a frame reader): encoding takes
 * less than a frame's interval, so that is the frame it was encoded from. The median of recent
 * pairings wins, so a frame the encoder dropped, or one slow encode, changes nothing. Times from
 * two threads can put a pairing a frame off, so the median is then checked against the stamps
 * themselves: the offset within a frame or so of it under which most RTP timestamps are exactly
 * `90 * floor(capture ms)` of a frame seen.
 */
const WRAP = 2 ** 32;
const KEEP = 31;
/** How far (ms) around the paired offset the stamps are checked. */
const CHECK_MS = 45;

export class RtpClock {
  private readonly raws: { at: number; arrived: number }[] = [];
  /** Encoded frames waiting until every raw frame that could be theirs has been seen. */
  private readonly pending: { rtp: number; arrived: number }[] = [];
  private readonly samples: number[] = [];
  /** Recent stamps: raw frames as `90 * floor(ms)` (mod 2^32), encoded frames' RTP timestamps. */
  private readonly rawStamps: number[] = [];
  private readonly rtpStamps: number[] = [];
  private base: number | null = null;
  /** The learned offset (RTP ticks), or null before enough pairings. */
  offset: number | null = null;

  /**
   * A raw frame: `at` (ms of the capture clock, as the sender stamps it) was captured at
   * `arrived` (ms of the clock `encoded` is told times in).
   */
  raw(at: number, arrived: number): void {
    // Raw frames come in capture order: encoded frames from before this capture can be paired now.
    while (this.pending.length && this.pending[0]!.arrived < arrived) {
      const { rtp, arrived: when } = this.pending.shift()!;
      this.pair(rtp, when);
    }
    this.raws.push({ at, arrived });
    if (this.raws.length > 8) this.raws.shift();
    keep(this.rawStamps, mod(90 * Math.floor(at)));
  }

  /**
   * An encoded frame with RTP timestamp `rtp` came out of the encoder at `arrived` (it is paired
   * once a later raw frame shows that its own has been seen, whatever order the reports come in).
   */
  encoded(rtp: number, arrived: number): void {
    this.pending.push({ rtp, arrived });
    if (this.pending.length > KEEP) this.pending.shift();
    keep(this.rtpStamps, rtp);
  }

  private pair(rtp: number, arrived: number): void {
    let source: { at: number; arrived: number } | undefined;
    for (const r of this.raws) if (r.arrived <= arrived) source = r;
    if (!source || arrived - source.arrived > 200) return;
    const sample = mod(rtp - 90 * Math.floor(source.at));
    // Relative to the first sample, so the median is not torn apart by the 2^32 wrap.
    this.base ??= sample;
    this.samples.push(signed(sample - this.base));
    if (this.samples.length > KEEP) this.samples.shift();
    if (this.samples.length >= 5) {
      const sorted = [...this.samples].sort((a, b) => a - b);
      this.offset = this.check(mod(this.base + sorted[sorted.length >> 1]!));
    }
  }

  /** The offset near `paired` under which the most encoded stamps match a raw frame exactly. */
  private check(paired: number): number {
    const raws = new Set(this.rawStamps);
    let best = paired,
      bestCount = -1;
    for (let d = 0; d <= CHECK_MS; d++) {
      for (const offset of d === 0 ? [paired] : [mod(paired + 90 * d), mod(paired - 90 * d)]) {
        let count = 0;
        for (const rtp of this.rtpStamps) if (raws.has(mod(rtp - offset))) count++;
        if (count > bestCount) [best, bestCount] = [offset, count];
      }
    }
    return best;
  }

  /** The RTP timestamp of the frame captured at `at` (null until the offset is known). */
  rtpOf(at: number): number | null {
    return this.offset === null ? null : mod(90 * Math.floor(at) + this.offset);
  }

  /** Ticks from `b` to `a` (signed, for timestamps less than 6 hours apart). */
  static diff(a: number, b: number): number {
    return signed(a - b);
  }

  /** A new sender (a new connection): a new random offset. */
  reset(): void {
    this.raws.length = 0;
    this.pending.length = 0;
    this.samples.length = 0;
    this.rawStamps.length = 0;
    this.rtpStamps.length = 0;
    this.base = null;
    this.offset = null;
  }
}

function keep(list: number[], v: number): void {
  list.push(v);
  if (list.length > 2 * KEEP) list.shift();
}

function mod(v: number): number {
  return ((v % WRAP) + WRAP) % WRAP;
}

function signed(v: number): number {
  const m = mod(v);
  return m >= WRAP / 2 ? m - WRAP : m;
}
