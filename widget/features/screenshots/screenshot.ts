/**
 * A screenshot ("still") as one side holds it, and the small rules about stills that the
 * controller and the views share: ids, file names, whether this side holds one.
 */
import type { ErrorCode } from '../../../src/errors.js';
import type { Role } from '../../../src/protocol.js';
import type { FileInfo } from '../../../src/rest.js';

/** One screenshot, as this side holds it. */
export interface Screenshot {
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
  /**
   * The service's signed, expiring link to the PNG, for a saved still this page knows only from
   * the service (an earlier page's, or one taken before this person joined again); else null.
   */
  link: string | null;
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

/**
 * A saved still as the service lists it (`GET /v1/sessions/:id/files`): the file's `ref` is the
 * still's id; who took it is who uploaded it (`by`: the taker saves a still; one the host
 * uploaded counts as the agent's side), its size from the file's `meta`.
 */
export function storedStill(file: FileInfo): Screenshot {
  return screenshot({
    id: file.ref,
    name: file.name,
    takenBy: file.by === 'customer' ? 'customer' : 'agent',
    at: Date.parse(file.createdAt),
    width: file.meta.width ?? 0,
    height: file.meta.height ?? 0,
    link: file.url,
    loaded: file.size,
    size: file.size,
    state: 'done',
    save: 'saved',
    uploaded: file.size,
    uploadSize: file.size,
  });
}

/**
 * A screenshot: `fields`, and every other field as a new one has it (no picture, no progress,
 * not decided on). The one place a `Screenshot` is made.
 */
export function screenshot(
  fields: Pick<Screenshot, 'id' | 'name' | 'takenBy' | 'at' | 'state'> & Partial<Screenshot>,
): Screenshot {
  return {
    width: 0,
    height: 0,
    blob: null,
    link: null,
    loaded: 0,
    size: 0,
    code: null,
    save: 'open',
    uploaded: 0,
    uploadSize: 0,
    saveCode: null,
    edited: false,
    ...fields,
  };
}

/** This side holds the still's PNG and is done with its transfer (delivered or not). */
export function isHeld(still: Screenshot): still is Screenshot & { blob: Blob } {
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
