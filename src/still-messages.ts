/**
 * Screenshots ("stills") over the data channel. The still is always taken where the camera is:
 * the side whose camera shows the picture grabs the frame at its native resolution and sends the
 * PNG over the chunked file transfer (purpose `still`, `ref` = the still's id). The other side asks
 * for one with `still-request`; the camera's side answers with the file, or with `still-failed`
 * and a code (no camera picture: paused, not sent in this mode, no frame).
 */
import * as v from 'valibot';
import { errors } from './errors.js';

const codes = Object.keys(errors) as [keyof typeof errors, ...(keyof typeof errors)[]];

/** A still's id: chosen by whoever asks for it, unique within the session. */
export const StillIdSchema = v.pipe(v.string(), v.regex(/^[\w-]{8,64}$/));

/** Please take a still of your camera and send it to me. */
export const StillRequestSchema = v.object({
  type: v.literal('still-request'),
  id: StillIdSchema,
});

/** The still `id` cannot be taken (`code` says why); nothing was captured. */
export const StillFailedSchema = v.object({
  type: v.literal('still-failed'),
  id: StillIdSchema,
  code: v.picklist(codes),
});

export type StillMessage =
  v.InferOutput<typeof StillRequestSchema> | v.InferOutput<typeof StillFailedSchema>;

/** Width and height from a PNG's header; null when `bytes` do not start like a PNG. */
export function pngSize(bytes: Uint8Array): { width: number; height: number } | null {
  const signature = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  if (bytes.byteLength < 24 || signature.some((b, i) => bytes[i] !== b)) return null;
  const view = new DataView(bytes.buffer, bytes.byteOffset, 24);
  // The first chunk is IHDR: length (4), type (4), then width and height.
  if (view.getUint32(12) !== 0x49484452) return null;
  const width = view.getUint32(16),
    height = view.getUint32(20);
  return width > 0 && height > 0 ? { width, height } : null;
}
