/**
 * Screenshots ("stills") over the data channel. The still is always taken where the camera is:
 * the side whose camera shows the picture grabs the frame at its native resolution and sends the
 * PNG over the chunked file transfer (purpose `still`, `ref` = the still's id). The other side asks
 * for one with `still-request`; the camera's side answers with the file, or with `still-failed`
 * and a code (no camera picture: paused, not sent in this mode, no frame).
 *
 * The side that asked for a still (its taker) then decides: `still-saved` (it keeps it for the
 * ticket; `edited` says an edited PNG follows as a second file with the same `ref`, which the other
 * side accepts only after this message and which replaces the first), or `still-discarded` (both
 * sides forget it). The taker stores and uploads what it saved and reports how far the service has
 * it with `still-upload`, so both galleries show the same state.
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

/** The taker keeps still `id` for the ticket; when `edited`, the edited PNG follows as a file. */
export const StillSavedSchema = v.object({
  type: v.literal('still-saved'),
  id: StillIdSchema,
  edited: v.boolean(),
});

/** The taker threw still `id` away: the other side forgets it too; nothing is stored. */
export const StillDiscardedSchema = v.object({
  type: v.literal('still-discarded'),
  id: StillIdSchema,
});

/** The largest still either side uploads or accepts as a size, in bytes (the service's own cap). */
export const MAX_STILL_BYTES = 1024 ** 3;

/**
 * How far the service has the saved still `id`: `uploading` (`loaded` of `size` bytes confirmed),
 * `saved` (the service has all of it: it is on the ticket), or `failed` with `code` (the service
 * refused it; the taker keeps its local copy).
 */
export const StillUploadSchema = v.object({
  type: v.literal('still-upload'),
  id: StillIdSchema,
  state: v.picklist(['uploading', 'saved', 'failed']),
  loaded: v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(MAX_STILL_BYTES)),
  size: v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(MAX_STILL_BYTES)),
  code: v.optional(v.picklist(codes)),
});

export type StillMessage =
  | v.InferOutput<typeof StillRequestSchema>
  | v.InferOutput<typeof StillFailedSchema>
  | v.InferOutput<typeof StillSavedSchema>
  | v.InferOutput<typeof StillDiscardedSchema>
  | v.InferOutput<typeof StillUploadSchema>;

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
