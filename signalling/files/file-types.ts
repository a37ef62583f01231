/**
 * Which files the service stores: per kind, the allowed media types (an optional `codecs`
 * parameter, as `MediaRecorder.mimeType` gives it), and the magic bytes each must start with, so
 * a file is what it says it is.
 */
import type { FileKind } from '../../src/events.js';

const ALLOWED: Record<FileKind, readonly string[]> = {
  screenshot: ['image/png', 'image/jpeg'],
  recording: ['video/webm', 'video/mp4'],
};

const TYPE =
  /^([a-z]+\/[a-z0-9.+-]+)\s*(?:;\s*codecs\s*=\s*(?:"[\w.,+\- ]{1,200}"|[\w.,+-]{1,200})\s*)?$/i;

/** The base media type (`video/webm`) when `type` is allowed for `kind`, else null. */
export function allowedType(kind: FileKind, type: string): string | null {
  const base = TYPE.exec(type.trim())?.[1]?.toLowerCase();
  return base && ALLOWED[kind].includes(base) ? base : null;
}

/** The allowed types of a kind, for error messages. */
export function allowedTypes(kind: FileKind): string {
  return ALLOWED[kind].join(', ');
}

/** How many leading bytes `hasMagic` needs. */
export const MAGIC_BYTES = 12;

/** Whether `head` (the file's first bytes) starts the way a `base` type file does. */
export function hasMagic(base: string, head: Uint8Array): boolean {
  const starts = (bytes: number[], at = 0) => bytes.every((b, i) => head[at + i] === b);
  switch (base) {
    case 'image/png':
      return starts([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    case 'image/jpeg':
      return starts([0xff, 0xd8, 0xff]);
    case 'video/webm':
      // An EBML header (WebM is Matroska's profile).
      return starts([0x1a, 0x45, 0xdf, 0xa3]);
    case 'video/mp4':
      // ISO base media: a box size, then `ftyp`.
      return starts([0x66, 0x74, 0x79, 0x70], 4);
    default:
      return false;
  }
}
