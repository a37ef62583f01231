/**
 * Files over the data channel, in bounded chunks: the sender announces a file (`file-start`),
 * sends it as binary chunk frames, and closes it with its SHA-256 (`file-end`); the receiver checks
 * size and hash and confirms (`file-done`), or refuses with a code (`file-cancel`), which either side
 * can also send to stop a transfer. Used by the chat and by anything else that sends files.
 *
 * A chunk frame: the tag byte `BINARY_TAGS.fileChunk`, the transfer id and the chunk index as
 * big-endian u32, then at most `CHUNK_BYTES` of the file.
 */
import * as v from 'valibot';
import { errors } from './errors.js';

/** Bytes of file per chunk frame: small enough for every browser's data channel. */
export const CHUNK_BYTES = 16 * 1024;
/** The tag byte of a chunk frame (see `BINARY_TAGS` in `peer-messages.ts`). */
export const FILE_CHUNK_TAG = 0x01;
const HEADER_BYTES = 9;

const Id = v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(2 ** 32 - 1));
const codes = Object.keys(errors) as [keyof typeof errors, ...(keyof typeof errors)[]];

/** What a file transfer carries: a file of the chat, or a screenshot (`still-messages.ts`). */
export const FilePurposeSchema = v.picklist(['chat', 'still']);
export type FilePurpose = v.InferOutput<typeof FilePurposeSchema>;

export const FileStartSchema = v.object({
  type: v.literal('file-start'),
  id: Id,
  purpose: FilePurposeSchema,
  name: v.pipe(v.string(), v.minLength(1), v.maxLength(255)),
  /** Bytes; the receiver refuses a file over its limit before any chunk arrives. */
  size: v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(2 ** 40)),
  mime: v.pipe(v.string(), v.maxLength(127), v.regex(/^[\w.+-]*(\/[\w.+-]+)?$/)),
  at: v.number(),
  /** What the file belongs to, for its purpose (a still's id). */
  ref: v.optional(v.pipe(v.string(), v.regex(/^[\w-]{1,64}$/))),
});

export const FileEndSchema = v.object({
  type: v.literal('file-end'),
  id: Id,
  /** Hex SHA-256 of the whole file, checked by the receiver ('' where the browser cannot hash). */
  sha256: v.pipe(v.string(), v.regex(/^([0-9a-f]{64})?$/)),
});

/** The receiver has the whole file, checked. */
export const FileDoneSchema = v.object({ type: v.literal('file-done'), id: Id });

/**
 * Either side stops a transfer: `id` is always the sender's id, `by` says which side stops it (so
 * the two sides' ids never mix up), `code` why.
 */
export const FileCancelSchema = v.object({
  type: v.literal('file-cancel'),
  id: Id,
  by: v.picklist(['sender', 'receiver']),
  code: v.picklist(codes),
});

export type FileStart = v.InferOutput<typeof FileStartSchema>;
export type FileMessage =
  | FileStart
  | v.InferOutput<typeof FileEndSchema>
  | v.InferOutput<typeof FileDoneSchema>
  | v.InferOutput<typeof FileCancelSchema>;

/** Builds a chunk frame. */
export function encodeChunk(id: number, index: number, bytes: Uint8Array): Uint8Array {
  const frame = new Uint8Array(HEADER_BYTES + bytes.byteLength);
  const view = new DataView(frame.buffer);
  view.setUint8(0, FILE_CHUNK_TAG);
  view.setUint32(1, id);
  view.setUint32(5, index);
  frame.set(bytes, HEADER_BYTES);
  return frame;
}

/** Reads a chunk frame; null when it is not one, or its payload is empty or too big. */
export function decodeChunk(
  frame: Uint8Array,
): { id: number; index: number; bytes: Uint8Array } | null {
  if (frame.byteLength <= HEADER_BYTES || frame.byteLength > HEADER_BYTES + CHUNK_BYTES)
    return null;
  const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  if (view.getUint8(0) !== FILE_CHUNK_TAG) return null;
  return { id: view.getUint32(1), index: view.getUint32(5), bytes: frame.subarray(HEADER_BYTES) };
}

/** How many chunks a file of `size` bytes takes. */
export function chunkCount(size: number): number {
  return Math.ceil(size / CHUNK_BYTES);
}
