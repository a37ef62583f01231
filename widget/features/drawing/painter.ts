/**
 * Finds the picture on the annotation canvas and paints a scene (marks, the stroke being drawn,
 * the pointer) onto it, clipped to the picture so nothing spills onto letterbox bars.
 */
import type { BoardMark } from '../../../src/annotation-board.js';
import {
  contentRect,
  parseObjectPosition,
  type ObjectFit,
} from '../../../src/annotation-geometry.js';
import { drawMark, drawPointer, type Placement, type Surface } from './draw-mark.js';

export interface Scene {
  marks: readonly BoardMark[];
  /** How an anchored mark is placed on the frame shown now. */
  placement(mark: BoardMark): Placement;
  /** The stroke under the person's finger, not yet sent. */
  drawing: BoardMark | null;
  pointer: { at: readonly [number, number]; alpha: number } | null;
}

/**
 * Where `video`'s picture is, in CSS pixels of `canvas` (which covers the stage): its box, its
 * object-fit and object-position, its intrinsic size, and whether it is shown mirrored (a self
 * view's `transform: scaleX(-1)`). Null before the video has a size.
 */
export function measureSurface(video: HTMLVideoElement, canvas: HTMLCanvasElement): Surface | null {
  if (!video.isConnected) return null;
  const v = video.getBoundingClientRect(),
    c = canvas.getBoundingClientRect();
  const style = getComputedStyle(video);
  const rect = contentRect({
    box: { width: v.width, height: v.height },
    video: { width: video.videoWidth, height: video.videoHeight },
    fit: (style.objectFit || 'contain') as ObjectFit,
    position: parseObjectPosition(style.objectPosition || '50% 50%', {
      x: v.width - video.videoWidth,
      y: v.height - video.videoHeight,
    }),
  });
  if (!rect) return null;
  const mirrored =
    new DOMMatrixReadOnly(style.transform === 'none' ? undefined : style.transform).a < 0;
  return { rect: { ...rect, x: rect.x + v.left - c.left, y: rect.y + v.top - c.top }, mirrored };
}

/** Sizes the canvas to its box at the device pixel ratio and paints `scene` on `surface`. */
export function paint(canvas: HTMLCanvasElement, surface: Surface | null, scene: Scene): void {
  const dpr = window.devicePixelRatio || 1;
  const width = Math.round(canvas.clientWidth * dpr),
    height = Math.round(canvas.clientHeight * dpr);
  if (canvas.width !== width || canvas.height !== height) {
    canvas.width = width;
    canvas.height = height;
  }
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  ctx.setTransform(1, 0, 0, 1, 0, 0);
  ctx.clearRect(0, 0, width, height);
  if (!surface) return;
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.save();
  const r = surface.rect;
  ctx.beginPath();
  ctx.rect(r.x, r.y, r.width, r.height);
  ctx.clip();
  for (const mark of scene.marks) drawMark(ctx, mark, surface, scene.placement(mark));
  if (scene.drawing) drawMark(ctx, scene.drawing, surface, { h: null, alpha: 1 });
  if (scene.pointer) drawPointer(ctx, scene.pointer.at, surface, scene.pointer.alpha);
  ctx.restore();
}
