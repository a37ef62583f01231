/**
 * A screenshot ("still") as one side holds it, and the small rules about stills that the
 * controller and the views share: ids, file names, whether this side holds one.
 */
import type { ErrorCode } from '../../src/errors.js';
import type { Role } from '../../src/protocol.js';

/** One screenshot, as this side holds it. */
export interface Still {
  readonly id: string;
  /** The file name, e.g. `screenshot-2026-11-22-081503.png`. */
  name: string;
  /** Who asked for it. */
  readonly takenBy: Role;
  /** When it was asked for (this side's clock, Unix ms). */
  readonly at: number;
  /** Pixels, once known (the camera's native size). */
  width: number;
  height: number;
  /** The PNG, once on this side. */
  blob: Blob | null;
  /** Bytes sent to or received from the other side, of `size`. */
  loaded: number;
  size: number;
  /**
   * `capturing` (asked, no bytes yet), `sending` / `receiving`, `done` (both sides have it), or
   * `failed` with `code` (a still this side took is kept with its `blob`: only the delivery failed).
   */
  state: 'capturing' | 'sending' | 'receiving' | 'done' | 'failed';
  code: ErrorCode | null;
  /**
   * Where it is on its way to the ticket: `open` (whoever asked for it has not decided yet),
   * `uploading` (saved: on the saver's device and going to the service, `uploaded` of
   * `uploadSize` bytes confirmed), `saved` (the service has it), or `failed` with `saveCode` (the
   * saver keeps its copy and tries again on the next load). Discarded stills are gone.
   */
  save: 'open' | 'uploading' | 'saved' | 'failed';
  uploaded: number;
  uploadSize: number;
  saveCode: ErrorCode | null;
  /** Edited before it was saved (this side holds the edited PNG once it is here). */
  edited: boolean;
}

/** This side holds the still's PNG and is done with its transfer (delivered or not). */
export function isHeld(still: Still): still is Still & { blob: Blob } {
  return still.blob !== null && (still.state === 'done' || still.state === 'failed');
}

export function stillId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  return btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_');
}

/** `screenshot-2026-11-22-081503.png`, in the person's local time. */
export function stillName(at: number): string {
  const d = new Date(at);
  const p = (n: number) => String(n).padStart(2, '0');
  return `screenshot-${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}-${p(d.getHours())}${p(d.getMinutes())}${p(d.getSeconds())}.png`;
}
