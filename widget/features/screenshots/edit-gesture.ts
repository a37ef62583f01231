/**
 * One drag on the screenshot editor's picture: the stroke of a drawing tool, or the box of a crop
 * or a mask, in fractions of the whole still; and where a pointer is on the still.
 */
import { contentRect, toFrame } from '../../../src/annotation-geometry.js';
import { Stroke } from '../drawing/stroke.js';
import type { EditorTool } from './screenshot-editor-tools.js';
import type { Box, Edit, PixelRect } from './still-edits.js';

export class EditGesture {
  private readonly stroke: Stroke;

  constructor(
    readonly tool: Exclude<EditorTool, 'text'>,
    readonly pointerId: number,
    at: readonly [number, number],
    private readonly style: { color: string; width: number },
  ) {
    const area = tool === 'crop' || tool === 'pixelate' || tool === 'fill';
    this.stroke = new Stroke(area ? 'rectangle' : tool, pointerId, at);
  }

  /** The pointer moved to `at` (fractions of the still). */
  extend(at: readonly [number, number]): void {
    this.stroke.extend(at);
  }

  /** The edit as drawn so far (to show while the pointer is down). */
  get edit(): Edit {
    return this.editOf(this.stroke.points);
  }

  /** The edit to keep, or null for a shape too small to mean anything (a slip). */
  finish(): Edit | null {
    const done = this.stroke.finish();
    return done ? this.editOf(done.points) : null;
  }

  private editOf(p: readonly number[]): Edit {
    const { color, width } = this.style;
    const tool = this.tool;
    if (tool === 'crop' || tool === 'pixelate' || tool === 'fill') {
      const box: Box = [p[0]!, p[1]!, p[2]!, p[3]!];
      return tool === 'crop' ? { kind: 'crop', box } : { kind: 'mask', style: tool, color, box };
    }
    return { kind: 'mark', mark: { tool, color, width, points: [...p] } };
  }
}

/**
 * Where the page point `(clientX, clientY)` is on a still of `size`, as fractions of the whole
 * still, when `canvas` shows its part `crop` fitted (`object-fit: contain`). Off the picture: null,
 * or with `clamp` the nearest point of the picture's edge (a drag that goes past it).
 */
export function pointOnStill(
  canvas: Element,
  crop: PixelRect,
  size: { width: number; height: number },
  clientX: number,
  clientY: number,
  clamp = false,
): [number, number] | null {
  const box = canvas.getBoundingClientRect();
  const rect = contentRect({
    box: { width: box.width, height: box.height },
    video: { width: crop.width, height: crop.height },
    fit: 'contain',
  });
  if (!rect) return null;
  let [nx, ny] = toFrame(clientX - box.left, clientY - box.top, rect);
  if (clamp) {
    nx = Math.max(0, Math.min(1, nx));
    ny = Math.max(0, Math.min(1, ny));
  } else if (nx < 0 || nx > 1 || ny < 0 || ny > 1) return null;
  return [(crop.x + nx * crop.width) / size.width, (crop.y + ny * crop.height) / size.height];
}
