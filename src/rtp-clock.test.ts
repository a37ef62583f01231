import { describe, expect, it } from 'vitest';
import { RtpClock } from './rtp-clock.js';

/** A camera at ~30 fps with jittery capture times; a sender with a random offset near the wrap. */
function stream(frames: number, offset: number, encodeMs: (i: number) => number | null) {
  const clock = new RtpClock();
  let at = 5_000_000.25;
  const events: { t: number; run: () => void }[] = [];
  for (let i = 0; i < frames; i++) {
    at += 33 + ((i * 7919) % 5) * 0.3;
    const capture = at;
    events.push({ t: capture + 1, run: () => clock.raw(capture, capture + 1) });
    const delay = encodeMs(i);
    if (delay !== null) {
      const rtp = (90 * Math.floor(capture) + offset) % 2 ** 32;
      events.push({ t: capture + delay, run: () => clock.encoded(rtp, capture + delay) });
    }
  }
  events.sort((a, b) => a.t - b.t).forEach((e) => e.run());
  return clock;
}

describe('the RTP clock of one’s own frames', () => {
  it('learns the sender’s offset, across the 32-bit wrap', () => {
    const offset = 2 ** 32 - 1_000;
    const clock = stream(40, offset, () => 9);
    expect(clock.offset).toBe(offset);
    expect(clock.rtpOf(5_000_100.7)).toBe((90 * 5_000_100 + offset) % 2 ** 32);
    expect(RtpClock.diff(5, 2 ** 32 - 5)).toBe(10);
  });

  it('shrugs off dropped frames and slow encodes', () => {
    // Every 4th frame is not encoded; every 7th takes longer than a frame to encode.
    const clock = stream(60, 123_456, (i) => (i % 4 === 0 ? null : i % 7 === 0 ? 45 : 12));
    expect(clock.offset).toBe(123_456);
  });

  it('pairs by capture time, not by the order the reports arrive in', () => {
    const clock = new RtpClock();
    // Each encoded frame is reported before the raw frame it came from (a busy frame reader).
    for (let i = 0; i < 20; i++) {
      const capture = 1000 + i * 33.4;
      clock.encoded((90 * Math.floor(capture) + 777) % 2 ** 32, capture + 8);
      clock.raw(capture, capture);
    }
    expect(clock.offset).toBe(777);
  });

  it('is not fooled when the times of the two threads put pairings a frame off', () => {
    const clock = new RtpClock();
    // A perfectly regular 30 fps camera; the reader's capture estimates come 20 ms late, after
    // the encoder's output (so time alone pairs each encoded frame with the frame before its own).
    for (let i = 0; i < 40; i++) {
      const capture = 2000 + (i * 1000) / 30;
      clock.encoded((90 * Math.floor(capture) + 5_000) % 2 ** 32, capture + 12);
      clock.raw(capture, capture + 20);
    }
    expect(clock.offset).toBe(5_000);
  });

  it('knows nothing before a few frames, and forgets on reset', () => {
    const clock = stream(3, 42, () => 5);
    expect(clock.offset).toBe(null);
    expect(clock.rtpOf(1)).toBe(null);
    const learned = stream(20, 42, () => 5);
    learned.reset();
    expect(learned.offset).toBe(null);
  });
});
