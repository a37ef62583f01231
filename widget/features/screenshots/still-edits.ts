/**
 * The edits of a screenshot and how they are painted, at the still's own resolution: marks (the
 * call's drawing tools, painted by the same `drawMark`), masks that pixelate or cover an area, and
 * crops. Geometry is in fractions of the whole still (`[0, 1]²`), as the call's marks are in
 * fractions of the camera frame; widths are fractions of the still's height.
 *
 * A mask replaces every pixel under it (block averages, or one colour), so the saved PNG keeps
 * none of the original pixels there; a crop only chooses what is kept (the last crop wins, and
 * each crop lies inside the one before it).
 */
import type { Mark } from '../../../src/annotation-ops.js';
import { assertNever } from '../../../src/parse.js';
import { drawMark, type Surface } from '../drawing/draw-mark.js';

/** An area as fractions of the whole still: `[left, top, right, bottom]` (in any order). */
export type Box = readonly [number, number, number, number];

/** A mark of the editor: a call mark without id, author or anchor. */
export type EditMark = Pick<Mark, 'tool' | 'color' | 'width' | 'points' | 'text'>;

export type Edit =
  | { readonly kind: 'mark'; readonly mark: EditMark }
  | {
      readonly kind: 'mask';
      /** `pixelate`: blocks of the area's average colour; `fill`: the area in `color`. */
      readonly style: 'pixelate' | 'fill';
      readonly color: string;
      readonly box: Box;
    }
  | { readonly kind: 'crop'; readonly box: Box };

/** An area in whole pixels of the still. */
export interface PixelRect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * `box` in pixels of a `width x height` still, clamped to it. `cover`: grow to whole pixels so
 * every pixel the box touches is inside (a mask); otherwise round to the nearest (a crop).
 */
export function pixelRect(box: Box, width: number, height: number, cover = false): PixelRect {
  const lo = cover ? Math.floor : Math.round,
    hi = cover ? Math.ceil : Math.round;
  const clamp = (v: number, max: number) => Math.max(0, Math.min(max, v));
  const x0 = clamp(lo(Math.min(box[0], box[2]) * width), width),
    x1 = clamp(hi(Math.max(box[0], box[2]) * width), width),
    y0 = clamp(lo(Math.min(box[1], box[3]) * height), height),
    y1 = clamp(hi(Math.max(box[1], box[3]) * height), height);
  return { x: x0, y: y0, width: x1 - x0, height: y1 - y0 };
}

/** What the edits keep of a `width x height` still: the last crop, or all of it. */
export function cropRect(edits: readonly Edit[], width: number, height: number): PixelRect {
  for (let i = edits.length - 1; i >= 0; i--) {
    const edit = edits[i]!;
    if (edit.kind !== 'crop') continue;
    const rect = pixelRect(edit.box, width, height);
    if (rect.width > 0 && rect.height > 0) return rect;
  }
  return { x: 0, y: 0, width, height };
}

/**
 * The side of a pixelation block for a `width x height` still: about 1/64 of its longer side,
 * at least 8 pixels, so nothing of the size of a face or a line of text survives.
 */
export function blockSize(width: number, height: number): number {
  return Math.max(8, Math.round(Math.max(width, height) / 64));
}

/**
 * Replaces the pixels of `image` by blocks of about `block x block`, each the exact average of the
 * pixels it covers. The blocks share the area evenly (none is much smaller than `block`), so no
 * sliver at an edge keeps a pixel as it was.
 */
export function pixelate(image: ImageData, block: number): void {
  const { width, height, data } = image;
  const cols = cuts(width, block),
    rows = cuts(height, block);
  for (let r = 0; r + 1 < rows.length; r++) {
    const y0 = rows[r]!,
      y1 = rows[r + 1]!;
    for (let c = 0; c + 1 < cols.length; c++) {
      const x0 = cols[c]!,
        x1 = cols[c + 1]!;
      const sum = [0, 0, 0, 0];
      for (let y = y0; y < y1; y++) {
        for (let i = (y * width + x0) * 4, end = (y * width + x1) * 4; i < end; i += 4) {
          sum[0]! += data[i]!;
          sum[1]! += data[i + 1]!;
          sum[2]! += data[i + 2]!;
          sum[3]! += data[i + 3]!;
        }
      }
      const n = (x1 - x0) * (y1 - y0);
      const [red, green, blue, alpha] = sum.map((v) => Math.round(v / n)) as [
        number,
        number,
        number,
        number,
      ];
      for (let y = y0; y < y1; y++) {
        for (let i = (y * width + x0) * 4, end = (y * width + x1) * 4; i < end; i += 4) {
          data[i] = red;
          data[i + 1] = green;
          data[i + 2] = blue;
          data[i + 3] = alpha;
        }
      }
    }
  }
}

/** Where blocks of about `block` start along `length` (and `length` itself, the end). */
function cuts(length: number, block: number): number[] {
  const n = Math.max(1, Math.round(length / block));
  return Array.from({ length: n + 1 }, (_, i) => Math.round((i * length) / n));
}

/**
 * Paints `image` (the still, `width x height`) and `edits` in order onto `ctx`, whose canvas is
 * the still's size (crops are not applied here: see `cropRect`). Later edits paint over earlier
 * ones, so a mask also hides the marks under it.
 */
export function paintEdits(
  ctx: CanvasRenderingContext2D,
  image: CanvasImageSource,
  width: number,
  height: number,
  edits: readonly Edit[],
): void {
  ctx.save();
  ctx.setTransform(1, 0, 0, 1, 0, 0);
  ctx.clearRect(0, 0, width, height);
  ctx.drawImage(image, 0, 0, width, height);
  ctx.restore();
  for (const edit of edits) paintEdit(ctx, edit, width, height);
}

/** Paints one edit onto `ctx` (a `width x height` still). */
export function paintEdit(
  ctx: CanvasRenderingContext2D,
  edit: Edit,
  width: number,
  height: number,
): void {
  switch (edit.kind) {
    case 'mark': {
      const surface: Surface = { rect: { x: 0, y: 0, width, height }, mirrored: false };
      drawMark(ctx, edit.mark, surface, { h: null, alpha: 1 });
      return;
    }
    case 'mask': {
      const r = pixelRect(edit.box, width, height, true);
      if (r.width === 0 || r.height === 0) return;
      if (edit.style === 'fill') {
        ctx.save();
        ctx.setTransform(1, 0, 0, 1, 0, 0);
        ctx.fillStyle = edit.color; // opaque (#rrggbb): nothing shows through
        ctx.fillRect(r.x, r.y, r.width, r.height);
        ctx.restore();
        return;
      }
      // getImageData/putImageData work in canvas pixels whatever the transform.
      const pixels = ctx.getImageData(r.x, r.y, r.width, r.height);
      pixelate(pixels, blockSize(width, height));
      ctx.putImageData(pixels, r.x, r.y);
      return;
    }
    case 'crop':
      return;
    default:
      assertNever(edit);
  }
}

/** The outline of an area being chosen (`r`); a crop also dims what it would cut away. */
export function outlineArea(ctx: CanvasRenderingContext2D, r: PixelRect, crop: boolean): void {
  const { width, height } = ctx.canvas;
  const line = Math.max(2, Math.round(Math.max(width, height) / 400));
  ctx.save();
  if (crop) {
    ctx.fillStyle = 'rgb(0 0 0 / 0.5)';
    ctx.beginPath();
    ctx.rect(-1e5, -1e5, 2e5, 2e5);
    ctx.rect(r.x, r.y, r.width, r.height);
    ctx.fill('evenodd');
  }
  ctx.lineWidth = line;
  ctx.setLineDash([line * 4, line * 3]);
  ctx.strokeStyle = '#fff';
  ctx.strokeRect(r.x, r.y, r.width, r.height);
  ctx.lineDashOffset = line * 4;
  ctx.strokeStyle = '#000';
  ctx.strokeRect(r.x, r.y, r.width, r.height);
  ctx.restore();
}

/** The part `rect` of `canvas` as a PNG. */
export async function encodePng(canvas: HTMLCanvasElement, rect: PixelRect): Promise<Blob> {
  const out = document.createElement('canvas');
  out.width = rect.width;
  out.height = rect.height;
  out.getContext('2d')!.drawImage(canvas, -rect.x, -rect.y);
  try {
    const blob = await new Promise<Blob | null>((resolve) => out.toBlob(resolve, 'image/png'));
    if (!blob) throw new Error('the canvas gave no PNG');
    return blob;
  } finally {
    out.width = out.height = 0; // let the pixels go now, not at the next collection
  }
}
