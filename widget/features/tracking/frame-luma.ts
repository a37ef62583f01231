/**
 * The luma (Y) plane of a `VideoFrame`, as `width * height` bytes. YUV frames (I420, NV12 ...)
 * give it as their first plane, copied row by row; RGB frames (a canvas stream, some platforms'
 * cameras) are converted with BT.601 weights.
 */

/** A reusable copy buffer (frames of the same size reuse it). */
let scratch = new Uint8Array(0);

export async function copyLuma(frame: VideoFrame, out: Uint8Array): Promise<void> {
  const width = frame.visibleRect?.width ?? frame.codedWidth;
  const height = frame.visibleRect?.height ?? frame.codedHeight;
  const format = frame.format ?? '';
  const rgb = !format || format.startsWith('RGB') || format.startsWith('BGR');
  const options: VideoFrameCopyToOptions = rgb && !format ? { format: 'RGBA' } : {};
  const size = frame.allocationSize(options);
  if (scratch.length < size) scratch = new Uint8Array(size);
  const layout = await frame.copyTo(scratch, options);
  const { offset, stride } = layout[0]!;
  if (!rgb) {
    for (let y = 0; y < height; y++) {
      out.set(scratch.subarray(offset + y * stride, offset + y * stride + width), y * width);
    }
    return;
  }
  // R and B swap places between RGBA and BGRA; G is always second.
  const bgr = format.startsWith('BGR');
  const wr = bgr ? 29 : 77,
    wb = bgr ? 77 : 29;
  for (let y = 0; y < height; y++) {
    let s = offset + y * stride;
    let d = y * width;
    for (let x = 0; x < width; x++, s += 4, d++) {
      out[d] = (wr * scratch[s]! + 150 * scratch[s + 1]! + wb * scratch[s + 2]!) >> 8;
    }
  }
}
