/**
 * The mark under the person's finger or mouse while they draw it: a pen or highlighter stroke
 * collects points (coalesced pointer events, tiny moves skipped, at most `MAX_STROKE_POINTS`), a
 * shape keeps its start and moves its end. `finish` says what to send, if anything.
 */
import { MAX_STROKE_POINTS, type Tool } from '../../../src/annotation-ops.js';

/** Shapes smaller than this (fraction of the frame) are slips, not marks. */
const MIN_SHAPE = 0.005;

export class Stroke {
  readonly points: number[];

  constructor(
    readonly tool: Exclude<Tool, 'text'>,
    readonly pointerId: number,
    at: readonly [number, number],
  ) {
    this.points = [clamp01(at[0]), clamp01(at[1])];
    if (!this.freehand) this.points.push(this.points[0]!, this.points[1]!);
  }

  private get freehand(): boolean {
    return this.tool === 'pen' || this.tool === 'highlighter';
  }

  /** The pointer moved to `at` (frame coordinates; clamped to the frame). */
  extend(at: readonly [number, number]): void {
    const x = clamp01(at[0]),
      y = clamp01(at[1]);
    const p = this.points;
    if (!this.freehand) {
      p[2] = x;
      p[3] = y;
      return;
    }
    const dx = x - p[p.length - 2]!,
      dy = y - p[p.length - 1]!;
    if (dx * dx + dy * dy < 1e-6 || p.length >= 2 * MAX_STROKE_POINTS) return;
    p.push(x, y);
  }

  /** The finished shape (rounded to 1e-5), or null for a shape too small to mean anything. */
  finish(): { tool: Tool; points: number[] } | null {
    const p = this.points;
    if (!this.freehand && Math.hypot(p[2]! - p[0]!, p[3]! - p[1]!) < MIN_SHAPE) return null;
    return { tool: this.tool, points: p.map((v) => Math.round(v * 1e5) / 1e5) };
  }
}

export function clamp01(v: number): number {
  return v < 0 ? 0 : v > 1 ? 1 : v;
}
