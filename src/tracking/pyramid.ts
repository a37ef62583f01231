/**
 * An image pyramid of 8-bit luma: level 0 is a copy of the frame, each further level halves it
 * with a 2x2 box filter (so level-l coordinates are `x_l = (x + 0.5) / 2^l - 0.5`). It can be
 * built for a rectangle only (the region being tracked, plus a margin); `valid` records, per level,
 * which rectangle holds current data, and readers must stay inside it.
 */

/** `[x0, y0, x1, y1)` in a level's pixels. */
export type Box = Int32Array;

export class Pyramid {
  readonly levels: Uint8Array[] = [];
  readonly widths: number[] = [];
  readonly heights: number[] = [];
  /** Per level, 4 entries: the valid `[x0, y0, x1, y1)`. */
  readonly valid: Int32Array;

  constructor(width: number, height: number, count: number) {
    let w = width,
      h = height;
    for (let l = 0; l < count; l++) {
      this.levels.push(new Uint8Array(w * h));
      this.widths.push(w);
      this.heights.push(h);
      w = w >> 1;
      h = h >> 1;
    }
    this.valid = new Int32Array(count * 4);
  }

  get count(): number {
    return this.levels.length;
  }

  /**
   * Copies `frame` (full-size luma, row stride = width) inside `[x0, y0, x1, y1)` of level 0
   * (the whole frame when omitted) and builds the coarser levels over the same area.
   */
  build(frame: Uint8Array, x0 = 0, y0 = 0, x1 = this.widths[0]!, y1 = this.heights[0]!): void {
    const w0 = this.widths[0]!;
    x0 = clamp(x0 & ~1, 0, w0);
    y0 = clamp(y0 & ~1, 0, this.heights[0]!);
    x1 = clamp(x1, x0, w0);
    y1 = clamp(y1, y0, this.heights[0]!);
    const l0 = this.levels[0]!;
    if (x0 === 0 && x1 === w0) {
      l0.set(frame.subarray(y0 * w0, y1 * w0), y0 * w0);
    } else {
      for (let y = y0; y < y1; y++) l0.set(frame.subarray(y * w0 + x0, y * w0 + x1), y * w0 + x0);
    }
    this.setValid(0, x0, y0, x1, y1);
    for (let l = 1; l < this.count; l++) {
      // The parent area halves; the child covers only pixels whose 2x2 parents are all valid.
      x0 = x0 >> 1;
      y0 = y0 >> 1;
      x1 = Math.min(this.widths[l]!, x1 >> 1);
      y1 = Math.min(this.heights[l]!, y1 >> 1);
      downsample(
        this.levels[l - 1]!,
        this.widths[l - 1]!,
        this.levels[l]!,
        this.widths[l]!,
        x0,
        y0,
        x1,
        y1,
      );
      this.setValid(l, x0, y0, x1, y1);
      // The next level starts on even coordinates of this one.
      x0 = (x0 + 1) & ~1;
      y0 = (y0 + 1) & ~1;
    }
  }

  private setValid(l: number, x0: number, y0: number, x1: number, y1: number): void {
    this.valid[l * 4] = x0;
    this.valid[l * 4 + 1] = y0;
    this.valid[l * 4 + 2] = x1;
    this.valid[l * 4 + 3] = y1;
  }

  /** True when the square `[x - r, x + r + 1]²` (bilinear footprint included) lies in level `l`'s valid area. */
  contains(l: number, x: number, y: number, r: number): boolean {
    const v = this.valid;
    return (
      x - r >= v[l * 4]! &&
      y - r >= v[l * 4 + 1]! &&
      x + r + 1 < v[l * 4 + 2]! &&
      y + r + 1 < v[l * 4 + 3]!
    );
  }
}

function downsample(
  src: Uint8Array,
  sw: number,
  dst: Uint8Array,
  dw: number,
  x0: number,
  y0: number,
  x1: number,
  y1: number,
): void {
  for (let y = y0; y < y1; y++) {
    let s = 2 * y * sw + 2 * x0;
    let d = y * dw + x0;
    for (let x = x0; x < x1; x++, s += 2, d++) {
      dst[d] = (src[s]! + src[s + 1]! + src[s + sw]! + src[s + sw + 1]! + 2) >> 2;
    }
  }
}

/** Level-`l` coordinate of a level-0 coordinate. */
export function toLevel(v: number, l: number): number {
  return (v + 0.5) / (1 << l) - 0.5;
}

/** Level-0 coordinate of a level-`l` coordinate. */
export function fromLevel(v: number, l: number): number {
  return (v + 0.5) * (1 << l) - 0.5;
}

export function clamp(v: number, lo: number, hi: number): number {
  return v < lo ? lo : v > hi ? hi : v;
}
