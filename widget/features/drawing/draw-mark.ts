/**
 * Canvas drawing of marks and of the pointer. Geometry arrives in normalised frame coordinates
 * (optionally moved by an anchored mark's pose) and is mapped onto the video content rectangle;
 * sizes scale with the content's height, so a mark covers the same part of the picture on both
 * screens.
 */
import { applyHomography, toElement, type Rect } from '../../../src/annotation-geometry.js';
import type { Author } from '../../../src/annotation-board.js';
import type { Mark } from '../../../src/annotation-ops.js';

/** Where the picture is on the canvas (CSS pixels) and whether it is shown mirrored. */
export interface Surface {
  rect: Rect;
  mirrored: boolean;
}

/** How an anchored mark is shown: its pose (keyframe -> displayed frame) and how present it is. */
export interface Placement {
  h: readonly number[] | null;
  /** 1 while tracked, lower while the object is lost. */
  alpha: number;
}

/**
 * What `drawMark` needs of a mark. A mark of the call has an author; an edit of a screenshot has
 * none and gets the agent's plain dark outline, which keeps it readable on any picture.
 */
export type DrawnMark = Pick<Mark, 'tool' | 'color' | 'width' | 'points' | 'text'> & {
  readonly author?: Author;
};

/** Outline that tells the two people's marks apart whatever colour they pick. */
const HALO: Record<Author, { color: string; dash: number[] }> = {
  agent: { color: 'rgb(0 0 0 / 0.55)', dash: [] },
  customer: { color: 'rgb(255 255 255 / 0.9)', dash: [6, 4] },
};

/** The mark's points as canvas CSS pixels, after its pose. */
export function placePoints(
  points: readonly number[],
  surface: Surface,
  h: readonly number[] | null,
): number[] {
  const out: number[] = [];
  for (let i = 0; i + 1 < points.length; i += 2) {
    let x = points[i]!,
      y = points[i + 1]!;
    if (h) [x, y] = applyHomography(h, x, y);
    const [px, py] = toElement(x, y, surface.rect, surface.mirrored);
    out.push(px, py);
  }
  return out;
}

export function drawMark(
  ctx: CanvasRenderingContext2D,
  mark: DrawnMark,
  surface: Surface,
  placement: Placement,
): void {
  const h = placement.h;
  const px = surface.rect.height * mark.width;
  ctx.save();
  ctx.globalAlpha = placement.alpha;
  ctx.lineCap = 'round';
  ctx.lineJoin = 'round';
  const halo = HALO[mark.author ?? 'agent'];
  switch (mark.tool) {
    case 'pen':
    case 'highlighter': {
      const pts = placePoints(mark.points, surface, h);
      const path = polyline(pts);
      if (mark.tool === 'highlighter') {
        ctx.globalAlpha = placement.alpha * 0.4;
        ctx.lineCap = 'butt';
        stroke(ctx, path, mark.color, px * 3, null);
      } else stroke(ctx, path, mark.color, px, halo);
      break;
    }
    case 'arrow': {
      const [x0, y0, x1, y1] = placePoints(mark.points, surface, h) as [
        number,
        number,
        number,
        number,
      ];
      const head = Math.max(10, px * 4);
      const a = Math.atan2(y1 - y0, x1 - x0);
      const path = new Path2D();
      path.moveTo(x0, y0);
      path.lineTo(x1, y1);
      path.moveTo(x1 - head * Math.cos(a - 0.45), y1 - head * Math.sin(a - 0.45));
      path.lineTo(x1, y1);
      path.lineTo(x1 - head * Math.cos(a + 0.45), y1 - head * Math.sin(a + 0.45));
      stroke(ctx, path, mark.color, px, halo);
      break;
    }
    case 'rectangle': {
      const [ax, ay, bx, by] = mark.points as [number, number, number, number];
      const pts = placePoints([ax, ay, bx, ay, bx, by, ax, by], surface, h);
      const path = polyline(pts);
      path.closePath();
      stroke(ctx, path, mark.color, px, halo);
      break;
    }
    case 'ellipse': {
      const [ax, ay, bx, by] = mark.points as [number, number, number, number];
      const cx = (ax + bx) / 2,
        cy = (ay + by) / 2,
        rx = Math.abs(bx - ax) / 2,
        ry = Math.abs(by - ay) / 2;
      // As a polygon, so that a pose (perspective) bends it the way the object is seen.
      const ring: number[] = [];
      for (let k = 0; k < 64; k++) {
        const t = (k / 64) * 2 * Math.PI;
        ring.push(cx + rx * Math.cos(t), cy + ry * Math.sin(t));
      }
      const path = polyline(placePoints(ring, surface, h));
      path.closePath();
      stroke(ctx, path, mark.color, px, halo);
      break;
    }
    case 'text': {
      const [x, y] = placePoints(mark.points, surface, h) as [number, number];
      const size = Math.max(12, px * 6 * localScale(h, mark.points[0]!, mark.points[1]!));
      ctx.font = `600 ${size}px system-ui, sans-serif`;
      ctx.textBaseline = 'top';
      ctx.lineWidth = Math.max(2, size / 6);
      ctx.strokeStyle = halo.color;
      ctx.setLineDash(halo.dash);
      ctx.strokeText(mark.text ?? '', x, y);
      ctx.fillStyle = mark.color;
      ctx.fillText(mark.text ?? '', x, y);
      break;
    }
  }
  ctx.restore();
}

/** The agent's "look here" marker: a ring with a dot, fading out as `alpha` drops. */
export function drawPointer(
  ctx: CanvasRenderingContext2D,
  at: readonly [number, number],
  surface: Surface,
  alpha: number,
): void {
  const [x, y] = toElement(at[0], at[1], surface.rect, surface.mirrored);
  const r = Math.max(10, surface.rect.height * 0.025);
  ctx.save();
  ctx.globalAlpha = alpha;
  ctx.lineWidth = Math.max(2, r / 4);
  ctx.strokeStyle = 'rgb(0 0 0 / 0.5)';
  ctx.beginPath();
  ctx.arc(x, y, r + ctx.lineWidth / 2, 0, 2 * Math.PI);
  ctx.stroke();
  ctx.strokeStyle = '#ffcc00';
  ctx.beginPath();
  ctx.arc(x, y, r, 0, 2 * Math.PI);
  ctx.stroke();
  ctx.fillStyle = '#ffcc00';
  ctx.beginPath();
  ctx.arc(x, y, r / 4, 0, 2 * Math.PI);
  ctx.fill();
  ctx.restore();
}

function polyline(pts: number[]): Path2D {
  const path = new Path2D();
  if (pts.length < 2) return path;
  path.moveTo(pts[0]!, pts[1]!);
  if (pts.length === 2) path.lineTo(pts[0]! + 0.01, pts[1]!); // a dot
  for (let i = 2; i + 1 < pts.length; i += 2) path.lineTo(pts[i]!, pts[i + 1]!);
  return path;
}

function stroke(
  ctx: CanvasRenderingContext2D,
  path: Path2D,
  color: string,
  width: number,
  halo: { color: string; dash: number[] } | null,
): void {
  if (halo) {
    ctx.setLineDash(halo.dash);
    ctx.strokeStyle = halo.color;
    ctx.lineWidth = width + 4;
    ctx.stroke(path);
    ctx.setLineDash([]);
  }
  ctx.strokeStyle = color;
  ctx.lineWidth = width;
  ctx.stroke(path);
}

/** How much a pose scales the picture around a point (for text size). */
function localScale(h: readonly number[] | null, x: number, y: number): number {
  if (!h) return 1;
  const d = 1e-3;
  const [ax, ay] = applyHomography(h, x, y);
  const [bx, by] = applyHomography(h, x + d, y);
  const [cx, cy] = applyHomography(h, x, y + d);
  const det = ((bx - ax) * (cy - ay) - (by - ay) * (cx - ax)) / (d * d);
  return Math.sqrt(Math.abs(det)) || 1;
}
