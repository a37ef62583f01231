/**
 * Where the video *content* is inside a `<video>` element, and the mapping between element pixels
 * and normalised video-frame coordinates (`[0, 1]²`, origin at the frame's top-left, as the camera
 * delivers it). Annotations are stored and sent in normalised coordinates, so both sides place a
 * mark on the same spot of the picture whatever their element size, `object-fit` or mirroring.
 */

/** A rectangle in CSS pixels, relative to the element's box. */
export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export type ObjectFit = 'contain' | 'cover' | 'fill' | 'none' | 'scale-down';

export interface ContentLayout {
  /** The element's box (content box of the `<video>`), CSS pixels. */
  box: { width: number; height: number };
  /** The video's intrinsic size (`videoWidth`, `videoHeight`). */
  video: { width: number; height: number };
  fit: ObjectFit;
  /** `object-position` as fractions of the free space (`0.5, 0.5` = centred, the default). */
  position?: readonly [number, number];
}

/**
 * The rectangle the video frame occupies inside the element (it can be larger than the box with
 * `cover`, or smaller with `contain`: letterboxing). Null until the video has a size.
 */
export function contentRect({
  box,
  video,
  fit,
  position = [0.5, 0.5],
}: ContentLayout): Rect | null {
  if (!(video.width > 0 && video.height > 0 && box.width > 0 && box.height > 0)) return null;
  let width: number, height: number;
  const contain = Math.min(box.width / video.width, box.height / video.height);
  switch (fit) {
    case 'fill':
      return { x: 0, y: 0, width: box.width, height: box.height };
    case 'contain':
      width = video.width * contain;
      height = video.height * contain;
      break;
    case 'cover': {
      const s = Math.max(box.width / video.width, box.height / video.height);
      width = video.width * s;
      height = video.height * s;
      break;
    }
    case 'none':
      width = video.width;
      height = video.height;
      break;
    case 'scale-down': {
      const s = Math.min(1, contain);
      width = video.width * s;
      height = video.height * s;
      break;
    }
  }
  return {
    x: (box.width - width) * position[0],
    y: (box.height - height) * position[1],
    width,
    height,
  };
}

/**
 * Element pixels -> normalised frame coordinates. `mirrored`: the element is flipped horizontally
 * (`transform: scaleX(-1)`, as a self view is), so the frame's left is on the element's right.
 */
export function toFrame(px: number, py: number, rect: Rect, mirrored = false): [number, number] {
  const x = (px - rect.x) / rect.width;
  return [mirrored ? 1 - x : x, (py - rect.y) / rect.height];
}

/** Normalised frame coordinates -> element pixels (the inverse of `toFrame`). */
export function toElement(nx: number, ny: number, rect: Rect, mirrored = false): [number, number] {
  return [rect.x + (mirrored ? 1 - nx : nx) * rect.width, rect.y + ny * rect.height];
}

/** True when the normalised point lies on the frame (not on a letterbox bar or cropped away). */
export function onFrame(nx: number, ny: number): boolean {
  return nx >= 0 && nx <= 1 && ny >= 0 && ny <= 1;
}

/**
 * Parses a computed `object-position` (`"50% 50%"`, `"0px 10px"`, `"left top"` is already
 * resolved to percentages by `getComputedStyle`) into fractions of the free space; lengths are
 * converted with the free space on each axis. Anything else falls back to centred.
 */
export function parseObjectPosition(
  value: string,
  free: { x: number; y: number },
): [number, number] {
  const parts = value.trim().split(/\s+/);
  const one = (part: string | undefined, space: number): number => {
    if (!part) return 0.5;
    const n = parseFloat(part);
    if (!Number.isFinite(n)) return 0.5;
    if (part.endsWith('%')) return n / 100;
    if (part.endsWith('px')) return space !== 0 ? n / space : 0.5;
    return 0.5;
  };
  return [one(parts[0], free.x), one(parts[1], free.y)];
}

/** Applies a 3x3 row-major homography (8 or 9 entries, `h[8] = 1` when omitted) to a point. */
export function applyHomography(h: ArrayLike<number>, x: number, y: number): [number, number] {
  const w = h[6]! * x + h[7]! * y + (h.length > 8 ? h[8]! : 1);
  return [(h[0]! * x + h[1]! * y + h[2]!) / w, (h[3]! * x + h[4]! * y + h[5]!) / w];
}

/**
 * A pixel homography (frame `width x height`) as one in normalised coordinates, 8 entries
 * (`h[8] = 1`): `N⁻¹ H N` with `N = diag(width, height, 1)`.
 */
export function normaliseHomography(h: ArrayLike<number>, width: number, height: number): number[] {
  const m = [
    h[0]!,
    (h[1]! * height) / width,
    h[2]! / width,
    (h[3]! * width) / height,
    h[4]!,
    h[5]! / height,
    h[6]! * width,
    h[7]! * height,
    h[8]!,
  ];
  const s = m[8]!;
  return m.slice(0, 8).map((v) => v / s);
}

/** The inverse of `normaliseHomography`: a normalised homography for a `width x height` frame, 9 entries. */
export function pixelHomography(h: ArrayLike<number>, width: number, height: number): number[] {
  return [
    h[0]!,
    (h[1]! * width) / height,
    h[2]! * width,
    (h[3]! * height) / width,
    h[4]!,
    h[5]! * height,
    h[6]! / width,
    h[7]! / height,
    h.length > 8 ? h[8]! : 1,
  ];
}
