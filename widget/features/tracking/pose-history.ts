/**
 * The recent poses of one anchored mark, by frame time, and its visible state: `tracking`, `lost`
 * (no pose: the mark fades at its last place), and `refound` for a moment after a loss.
 */
import type { TrackingState } from '../drawing/types.js';

/** How long poses are kept: the agent's picture lags the camera by about this much at most. */
const KEEP_MS = 2000;
/** Poses this close (ms) are of the same frame. */
const SAME_MS = 1.5;
/** The time over which the motion is measured for extrapolating (ms). */
const VELOCITY_BASE_MS = 90;
/** How long "found again" is shown. */
const REFOUND_MS = 1500;

export interface Placement {
  h: number[] | null;
  state: TrackingState;
}

export class PoseHistory {
  private readonly poses: { at: number; h: number[] | null }[] = [];
  /** The pose that arrived last, whatever its frame (for frames without a name). */
  private newest: { h: number[] | null; last: number[] | null } | null = null;
  private lastState: 'tracking' | 'lost' = 'tracking';
  private refoundUntil = 0;

  /** A pose (null: lost) of the frame at `at` (null: a frame without a name). */
  add(at: number | null, h: number[] | null): void {
    this.newest = { h, last: h ?? this.newest?.last ?? null };
    if (at === null) return;
    const list = this.poses;
    let i = list.length;
    while (i > 0 && list[i - 1]!.at > at) i--;
    if (list[i - 1]?.at === at) list[i - 1]!.h = h;
    else list.splice(i, 0, { at, h });
    while (list.length > 1 && list[0]!.at < at - KEEP_MS) list.shift();
  }

  /**
   * The placement for the frame at `at`: its own pose when there is one; else, when that frame's
   * pose was dropped or is still to come, the neighbours' interpolated (or the two before it
   * extrapolated, up to `span` ms ahead; farther than that the last one is held, as `starting`).
   * For a frame without a name (`at` null), or without named poses, the newest pose. `now` drives
   * the `refound` moment.
   */
  placement(at: number | null, span: number, now: number): Placement | null {
    const list = this.poses;
    if (at === null || list.length === 0) {
      return this.newest
        ? this.state(this.newest.h ? 'tracking' : 'lost', this.newest.last, now)
        : null;
    }
    let i = list.length; // the first pose after `at`
    while (i > 0 && list[i - 1]!.at > at) i--;
    const before = list[i - 1],
      after = list[i];
    if (!before) return null;
    if (!before.h) {
      // Lost: hold the last pose before this frame (drawn faded).
      let h: number[] | null = null;
      for (let k = i - 1; k >= 0 && !h; k--) h = list[k]!.h;
      return this.state('lost', h, now);
    }
    let h = before.h;
    if (after?.h && after.at - at <= SAME_MS) {
      h = after.h; // the same frame (RTP timestamps are rounded to 1/90 ms)
    } else if (at - before.at > SAME_MS) {
      if (after?.h && after.at - before.at <= 2 * span) {
        h = blend(before.h, after.h, (at - before.at) / (after.at - before.at));
      } else if (at - before.at <= span && velocityBase(list, i - 1)?.h) {
        const base = velocityBase(list, i - 1)!;
        h = blend(base.h!, before.h, (at - base.at) / (before.at - base.at));
      } else {
        // The tracker is behind the picture (catching up): hold the last pose, and say so.
        return { h, state: 'starting' };
      }
    }
    return this.state('tracking', h, now);
  }

  private state(state: 'tracking' | 'lost', h: number[] | null, now: number): Placement {
    if (state === 'tracking' && this.lastState === 'lost') this.refoundUntil = now + REFOUND_MS;
    this.lastState = state;
    return { h, state: state === 'tracking' && now < this.refoundUntil ? 'refound' : state };
  }
}

/**
 * The pose to take the motion from, for extrapolating past `list[last]`: one about 3 frames
 * earlier, so that jitter in the camera's timestamps (a frame stamped 16 ms after the one before,
 * the next 50 ms) does not double or halve the speed.
 */
function velocityBase(list: readonly { at: number; h: number[] | null }[], last: number) {
  const end = list[last]!.at;
  let k = last - 1;
  while (k > 0 && list[k - 1]!.h && end - list[k]!.at < VELOCITY_BASE_MS) k--;
  return k >= 0 ? list[k] : undefined;
}

/** `a + (b - a) t`, entry by entry (poses a frame or two apart differ little). */
function blend(a: readonly number[], b: readonly number[], t: number): number[] {
  return a.map((v, k) => v + (b[k]! - v) * t);
}
