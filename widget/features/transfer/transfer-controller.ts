/**
 * The file transfers with one other person, both ways, over the data channel
 * (`src/file-transfer.ts`): sends a file in chunks as fast as the channel drains (never more than its
 * high-water mark is queued), receives into memory up to a size limit, checks size and SHA-256, and
 * reports progress on both sides. Knows nothing of the peer connection: messages and frames go out
 * through the injected `send*` functions. Everything under way fails in one place (`abort`), which
 * the transfer feature calls when the connection goes.
 *
 * What the other side sends is bounded: at most `MAX_INCOMING_TRANSFERS` files on their way at
 * once, together at most `INCOMING_BYTES_FILES` times `maxBytes()` (the file that would pass
 * either is refused at its start with `ERR_TOO_MANY_TRANSFERS`), and a received file's Blob has an
 * inert type (`inert-types.ts`), whatever type its sender announced.
 */
import { VideoSessionError, type ErrorCode } from '../../../src/errors.js';
import {
  CHUNK_BYTES,
  decodeChunk,
  encodeChunk,
  type FileMessage,
  type FilePurpose,
  type FileStart,
} from '../../../src/file-transfer.js';
import { receivedType } from './inert-types.js';

/** One file on its way, in either direction, as the person sees it. */
export interface Transfer {
  /** The sender's id (for an incoming file, the other side's). */
  readonly id: number;
  readonly direction: 'out' | 'in';
  readonly purpose: FilePurpose;
  /** What the file belongs to, for its purpose (a still's id). */
  readonly ref: string | null;
  readonly name: string;
  /** The type its sender announced (a received `blob` has an inert type: `inert-types.ts`). */
  readonly mime: string;
  readonly size: number;
  /** When it was sent, Unix ms (sender's clock). */
  readonly at: number;
  /** Bytes that left this side (out) or arrived (in). */
  loaded: number;
  state: 'sending' | 'receiving' | 'done' | 'failed';
  code: ErrorCode | null;
  /** The file: what was sent, or what arrived once complete and checked. */
  blob: Blob | null;
}

export interface TransferOptions {
  send(message: FileMessage): boolean;
  sendBinary(frame: Uint8Array): boolean;
  /** Resolves when the channel can take more. */
  whenWritable(): Promise<void>;
  /** Bytes queued on the channel, not yet sent. */
  bufferedAmount(): number;
  /** The largest file this side sends or accepts, in bytes. */
  maxBytes(): number;
  /** A transfer started, moved on, or ended (progress at most every 100 ms). */
  onUpdate(transfer: Transfer): void;
}

interface Outgoing {
  transfer: Transfer;
  settle(code: ErrorCode | null): void;
}

interface Incoming {
  transfer: Transfer;
  chunks: Uint8Array[];
  next: number;
}

const PROGRESS_MS = 100;

/** Files the other side may have on their way here at once; one more is refused at its start. */
export const MAX_INCOMING_TRANSFERS = 4;
/**
 * The files on their way here are held in memory until they are whole: together at most this many
 * times `maxBytes()`, counted by the sizes announced (a chunk past its file's size fails it).
 */
export const INCOMING_BYTES_FILES = 2;

export class TransferController {
  private readonly options: TransferOptions;
  private nextId = 1;
  private readonly outgoing = new Map<number, Outgoing>();
  private readonly incoming = new Map<number, Incoming>();
  private readonly reported = new WeakMap<Transfer, number>();

  constructor(options: TransferOptions) {
    this.options = options;
  }

  /**
   * Sends `file`. Resolves with the transfer once the other side has it, complete and checked;
   * rejects with `ERR_FILE_TOO_LARGE` (this side's limit, or the other side's), `ERR_NOT_CONNECTED`
   * or `ERR_FILE_TRANSFER_FAILED`.
   */
  async send(
    file: Blob,
    name: string,
    purpose: FilePurpose,
    ref: string | null = null,
  ): Promise<Transfer> {
    const id = this.nextId++;
    const transfer: Transfer = {
      id,
      direction: 'out',
      purpose,
      ref,
      name: name.slice(0, 255) || 'file',
      mime: /^[\w.+-]+\/[\w.+-]+$/.test(file.type) ? file.type : '',
      size: file.size,
      at: Date.now(),
      loaded: 0,
      state: 'sending',
      code: null,
      blob: file,
    };
    if (file.size > this.options.maxBytes()) {
      // Refused here, before a byte leaves; the person still sees what happened to their file.
      transfer.state = 'failed';
      transfer.code = 'ERR_FILE_TOO_LARGE';
      this.options.onUpdate(transfer);
      throw new VideoSessionError(transfer.code);
    }
    let settle!: (code: ErrorCode | null) => void;
    const settled = new Promise<ErrorCode | null>((resolve) => (settle = resolve));
    this.outgoing.set(id, { transfer, settle });
    this.options.onUpdate(transfer);

    const bytes = new Uint8Array(await file.arrayBuffer());
    const sha256 = await hash(bytes);
    const start: FileStart = {
      type: 'file-start',
      id,
      purpose,
      name: transfer.name,
      size: transfer.size,
      mime: transfer.mime,
      at: transfer.at,
      ...(ref ? { ref } : {}),
    };
    if (!this.options.send(start)) this.finish(id, 'ERR_NOT_CONNECTED');
    let sent = 0;
    for (let index = 0; sent < bytes.byteLength && this.outgoing.has(id); index++) {
      await this.options.whenWritable();
      if (!this.outgoing.has(id)) break; // refused or aborted meanwhile
      const chunk = bytes.subarray(sent, sent + CHUNK_BYTES);
      if (!this.options.sendBinary(encodeChunk(id, index, chunk))) {
        this.finish(id, 'ERR_NOT_CONNECTED');
        break;
      }
      sent += chunk.byteLength;
      this.progress(transfer, Math.max(0, sent - this.options.bufferedAmount()));
    }
    if (this.outgoing.has(id)) this.options.send({ type: 'file-end', id, sha256 });
    // The queue drains while the receiver checks: keep the bar moving until it confirms.
    const timer = setInterval(
      () => this.progress(transfer, Math.max(0, sent - this.options.bufferedAmount())),
      PROGRESS_MS,
    );
    const code = await settled.finally(() => clearInterval(timer));
    if (code) throw new VideoSessionError(code);
    return transfer;
  }

  /** A file message from the other side. */
  handle(message: FileMessage): void {
    switch (message.type) {
      case 'file-start':
        return this.receive(message);
      case 'file-end':
        void this.complete(message.id, message.sha256);
        return;
      case 'file-done':
        return this.finish(message.id, null);
      case 'file-cancel':
        // The receiver refuses one of ours, or the sender stops one of theirs.
        if (message.by === 'receiver') this.finish(message.id, message.code);
        else this.fail(message.id, message.code, false);
        return;
    }
  }

  /** A chunk frame from the other side. */
  handleChunk(frame: Uint8Array): void {
    const chunk = decodeChunk(frame);
    const into = chunk && this.incoming.get(chunk.id);
    if (!chunk || !into) return; // refused, cancelled, or not a chunk we expect
    const t = into.transfer;
    if (chunk.index !== into.next || t.loaded + chunk.bytes.byteLength > t.size) {
      return this.fail(chunk.id, 'ERR_FILE_TRANSFER_FAILED', true);
    }
    into.next++;
    into.chunks.push(chunk.bytes.slice()); // the frame's buffer is not ours to keep
    this.progress(t, t.loaded + chunk.bytes.byteLength);
  }

  /** The data channel went away: everything under way fails. The one place transfers stop. */
  abort(code: ErrorCode = 'ERR_FILE_TRANSFER_FAILED'): void {
    for (const id of [...this.outgoing.keys()]) this.finish(id, code);
    for (const id of [...this.incoming.keys()]) this.fail(id, code, false);
  }

  private receive(start: FileStart): void {
    const transfer: Transfer = {
      id: start.id,
      direction: 'in',
      purpose: start.purpose,
      ref: start.ref ?? null,
      name: start.name,
      mime: start.mime,
      size: start.size,
      at: start.at,
      loaded: 0,
      state: 'receiving',
      code: null,
      blob: null,
    };
    if (this.incoming.has(start.id)) this.fail(start.id, 'ERR_FILE_TRANSFER_FAILED', true);
    const max = this.options.maxBytes();
    let held = start.size;
    for (const { transfer: t } of this.incoming.values()) held += t.size;
    // Refused before any chunk: a file over the limit, or one more than this tab should hold.
    const refused =
      start.size > max
        ? 'ERR_FILE_TOO_LARGE'
        : this.incoming.size >= MAX_INCOMING_TRANSFERS || held > INCOMING_BYTES_FILES * max
          ? 'ERR_TOO_MANY_TRANSFERS'
          : null;
    if (refused) {
      transfer.state = 'failed';
      transfer.code = refused;
      this.options.send({ type: 'file-cancel', id: start.id, by: 'receiver', code: refused });
      this.options.onUpdate(transfer);
      return;
    }
    this.incoming.set(start.id, { transfer, chunks: [], next: 0 });
    this.options.onUpdate(transfer);
  }

  private async complete(id: number, sha256: string): Promise<void> {
    const into = this.incoming.get(id);
    if (!into) return;
    const t = into.transfer;
    // Its object URL is of this page's origin: never a type a browser would run (`inert-types.ts`).
    const blob = new Blob(into.chunks as BlobPart[], { type: receivedType(t.mime) });
    const intact =
      t.loaded === t.size &&
      (sha256 === '' || (await hash(new Uint8Array(await blob.arrayBuffer()))) === sha256);
    if (this.incoming.get(id) !== into) return; // cancelled while checking
    if (!intact) return this.fail(id, 'ERR_FILE_TRANSFER_FAILED', true);
    this.incoming.delete(id);
    t.blob = blob;
    t.state = 'done';
    this.options.send({ type: 'file-done', id });
    this.options.onUpdate(t);
  }

  /** Ends one of our transfers: confirmed (null) or refused/failed with a code. */
  private finish(id: number, code: ErrorCode | null): void {
    const out = this.outgoing.get(id);
    if (!out) return;
    this.outgoing.delete(id);
    const t = out.transfer;
    if (code) {
      t.state = 'failed';
      t.code = code;
    } else {
      t.state = 'done';
      t.loaded = t.size;
    }
    this.options.onUpdate(t);
    out.settle(code);
  }

  /** Ends one of theirs; `tell` the sender when the refusal is ours to announce. */
  private fail(id: number, code: ErrorCode, tell: boolean): void {
    const into = this.incoming.get(id);
    if (!into) return;
    this.incoming.delete(id);
    into.chunks = [];
    into.transfer.state = 'failed';
    into.transfer.code = code;
    if (tell) this.options.send({ type: 'file-cancel', id, by: 'receiver', code });
    this.options.onUpdate(into.transfer);
  }

  /** Records progress; tells at most every 100 ms (and always at the end). */
  private progress(t: Transfer, loaded: number): void {
    // The channel's queue can grow between two reports: progress never goes back.
    t.loaded = Math.max(t.loaded, Math.min(t.size, loaded));
    const now = performance.now();
    if (t.loaded < t.size && now - (this.reported.get(t) ?? 0) < PROGRESS_MS) return;
    this.reported.set(t, now);
    this.options.onUpdate(t);
  }
}

/** Hex SHA-256, or '' where the page has no Web Crypto (an insecure origin). */
async function hash(bytes: Uint8Array): Promise<string> {
  if (!globalThis.crypto?.subtle) return '';
  const digest = await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}
