/**
 * Pictures for the screenshot tests (imported by tests only): PNGs whose pixels say where they
 * are, checkerboards, and decoding a PNG back to its pixels.
 */

/** The colour of pixel `(x, y)` of a position picture: R = x mod 256, G = y mod 256, B the rest. */
export function positionColor(x: number, y: number): [number, number, number] {
  return [x & 255, y & 255, ((x >> 8) << 4) | (y >> 8)];
}

/** Which pixel a position picture's colour came from. */
export function positionOf(r: number, g: number, b: number): [number, number] {
  return [((b >> 4) << 8) | r, ((b & 15) << 8) | g];
}

/** A PNG of `width x height` whose every pixel is `color(x, y)` (opaque). */
export async function png(
  width: number,
  height: number,
  color: (x: number, y: number) => readonly [number, number, number],
): Promise<Blob> {
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  const image = new ImageData(width, height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const [r, g, b] = color(x, y);
      image.data.set([r, g, b, 255], (y * width + x) * 4);
    }
  }
  canvas.getContext('2d')!.putImageData(image, 0, 0);
  const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/png'));
  return blob!;
}

export const positionPng = (width: number, height: number) => png(width, height, positionColor);

/** Black and white squares of `cell` pixels. */
export const checker =
  (cell: number) =>
  (x: number, y: number): [number, number, number] =>
    (Math.floor(x / cell) + Math.floor(y / cell)) % 2 ? [255, 255, 255] : [0, 0, 0];

/** The pixels of a PNG (or any picture the browser decodes). */
export async function decode(blob: Blob): Promise<ImageData> {
  const bitmap = await createImageBitmap(blob);
  const canvas = document.createElement('canvas');
  canvas.width = bitmap.width;
  canvas.height = bitmap.height;
  const ctx = canvas.getContext('2d', { willReadFrequently: true })!;
  ctx.drawImage(bitmap, 0, 0);
  bitmap.close();
  return ctx.getImageData(0, 0, canvas.width, canvas.height);
}

/** The RGB of pixel `(x, y)`. */
export function rgb(image: ImageData, x: number, y: number): [number, number, number] {
  const i = (y * image.width + x) * 4;
  return [image.data[i]!, image.data[i + 1]!, image.data[i + 2]!];
}

/** `#rrggbb` as RGB. */
export function hexRgb(hex: string): [number, number, number] {
  const n = parseInt(hex.slice(1), 16);
  return [n >> 16, (n >> 8) & 255, n & 255];
}
