/**
 * The call's screenshots ("stills") on this side: taking one, answering the other side's request,
 * receiving theirs, with progress both ways. A still is always taken where the camera is (at its
 * native size, marks painted on) and travels as a file transfer with purpose `still` and the
 * still's id as `ref` (`src/still-messages.ts`), so both sides hold the same bytes.
 *
 * The side that asked for a still decides what becomes of it (`save` or `discard`); a saved still
 * goes to `persist` (this device's storage, then the service), an edited one replaces the first on
 * both sides, and the upload's progress is reported to the other side, so both galleries agree.
 * What the service has (`stored`) is saved, and joins the gallery when this page did not know it.
 *
 * Knows no other controller: capturing, messages and files go through the options; updates come
 * out through `onUpdate`. What waits for the other side fails in one place (`abort`).
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { VideoSessionError, type ErrorCode } from '../../../src/errors.js';
import type { Role } from '../../../src/protocol.js';
import type { FileInfo } from '../../../src/rest.js';
import {
  isHeld,
  screenshot,
  stillId,
  stillName,
  storedStill,
  type Screenshot,
} from './screenshot.js';
import { assertNever } from '../../../src/parse.js';
import { pngSize, type StillMessage } from '../../../src/still-messages.js';
import type { Grabbed } from './capture-controller.js';
import type { Transfer } from '../transfer/transfer-controller.js';

export interface StillOptions {
  role(): Role;
  /** Whose camera the picture is now (the still's source); null when nobody sends video. */
  source(): Role | null;
  /** A still of this side's camera, marks painted on. */
  capture(): Promise<Grabbed>;
  send(message: StillMessage): boolean;
  /** Sends the PNG to the other side; resolves once they have it, checked. */
  sendFile(blob: Blob, name: string, ref: string): Promise<Transfer>;
  /**
   * Keeps a saved still on this device and sends it to the service; resolves once it is stored
   * here (the upload goes on: `uploadProgress`, `uploaded`, `uploadFailed` follow).
   */
  persist(still: Screenshot & { blob: Blob }): Promise<void>;
  /**
   * Keeps a still this side took on this device while its taker has not decided on it, so a page
   * closed before the decision offers it again on the next join; `forget` drops it (discarded).
   */
  keep(still: Screenshot & { blob: Blob }): Promise<void>;
  forget(id: string): Promise<void>;
  /** A still appeared, moved on, or ended (or was discarded: no longer in `stills`). */
  onUpdate(still: Screenshot): void;
}

/** How long to wait for the other side's still before giving up. */
const ANSWER_TIMEOUT_MS = 30_000;
/** Captures queued at once on the camera's side; more requests are refused. */
const MAX_QUEUED = 3;

interface Waiting {
  resolve(still: Screenshot): void;
  reject(err: VideoSessionError): void;
  timer: ReturnType<typeof setTimeout>;
}

export class StillController implements ReactiveController {
  private readonly options: StillOptions;
  private readonly byId = new Map<string, Screenshot>();
  private readonly waiting = new Map<string, Waiting>();
  private readonly urls = new Map<Screenshot, string>();
  /** Stills the other side saved edited: their edited file is expected (and only then accepted). */
  private readonly awaitingEdit = new Set<string>();
  /** Captures run one after the other. */
  private queue: Promise<unknown> = Promise.resolve();
  private queued = 0;
  /**
   * Undecided stills kept on this device (`keep`), each with its write: saving or forgetting one
   * waits for it, or a write that lands late would bring back what was discarded or saved.
   */
  private readonly kept = new Map<string, Promise<void>>();

  constructor(host: ReactiveControllerHost, options: StillOptions) {
    this.options = options;
    host.addController(this);
  }

  hostDisconnected(): void {
    this.abort();
    this.revokeUrls();
  }

  /** Every still of the session, oldest first. */
  get stills(): Screenshot[] {
    return [...this.byId.values()];
  }

  /** Forgets every still (a new session). */
  clear(): void {
    this.abort();
    this.byId.clear();
    this.awaitingEdit.clear();
    this.kept.clear();
    this.revokeUrls();
  }

  /**
   * Stills this side took and had not decided on when its page went (kept on this device): they
   * join the session's stills, undecided, so their taker decides now.
   */
  restore(kept: readonly (Screenshot & { blob: Blob })[]): void {
    for (const still of kept) {
      if (this.byId.has(still.id)) continue;
      this.byId.set(still.id, still);
      this.kept.set(still.id, Promise.resolve()); // already on the device
      this.update(still);
    }
    this.sort();
  }

  /** The oldest still this side asked for, holds, and has not decided on yet (null: none). */
  get undecided(): (Screenshot & { blob: Blob }) | null {
    const role = this.options.role();
    for (const still of this.byId.values()) {
      if (still.takenBy === role && still.save === 'open' && isHeld(still)) return still;
    }
    return null;
  }

  /**
   * Saves still `id` that this side asked for: `blob` is the PNG to keep (the very same one when
   * `edited` is false, so the bytes stay identical everywhere). An edited PNG replaces the still
   * here and is sent to the other side. Resolves once it is stored on this device; rejects with
   * `ERR_STILL_UNAVAILABLE` (not this side's to decide, or not a PNG) or a storage code.
   */
  async save(id: string, blob: Blob, edited: boolean): Promise<Screenshot> {
    const still = this.byId.get(id);
    if (
      !still ||
      still.takenBy !== this.options.role() ||
      still.save !== 'open' ||
      !isHeld(still)
    ) {
      throw new VideoSessionError('ERR_STILL_UNAVAILABLE');
    }
    if (edited) {
      const size = pngSize(new Uint8Array(await blob.slice(0, 24).arrayBuffer()));
      if (!size) throw new VideoSessionError('ERR_STILL_UNAVAILABLE');
      this.replaceBlob(still, blob, size);
    }
    still.edited = edited;
    still.save = 'uploading';
    still.uploaded = 0;
    still.uploadSize = still.blob.size;
    const delivered = this.options.send({ type: 'still-saved', id, edited });
    if (edited && delivered) {
      still.state = 'sending';
      still.loaded = 0;
      still.size = still.blob.size;
      // Its fate shows in `state` (the transfer's updates); the saving goes on regardless.
      this.options.sendFile(still.blob, still.name, id).catch(() => undefined);
    }
    this.update(still);
    try {
      await this.kept.get(id);
      await this.options.persist(still);
    } catch (err) {
      const code = err instanceof VideoSessionError ? err.code : 'ERR_STORAGE_UNAVAILABLE';
      this.uploadFailed(id, code);
      throw new VideoSessionError(code);
    }
    return still;
  }

  /** Throws away still `id` that this side asked for, on both sides; nothing is stored. */
  discard(id: string): void {
    const still = this.byId.get(id);
    if (!still || still.takenBy !== this.options.role() || still.save !== 'open') {
      throw new VideoSessionError('ERR_STILL_UNAVAILABLE');
    }
    this.options.send({ type: 'still-discarded', id });
    this.forget(still);
    const kept = this.kept.get(id);
    if (this.kept.delete(id)) {
      kept!.then(() => this.options.forget(id)).catch(() => undefined);
    }
  }

  /** The service has `loaded` of `size` bytes of saved still `id` (told to the other side too). */
  uploadProgress(id: string, loaded: number, size: number): void {
    this.uploadState(id, 'uploading', loaded, size, null);
  }

  /**
   * The service has these files (its list of the session's files, or an upload's end): each
   * screenshot among them is saved. One this page does not know joins the stills, shown from its
   * link (ordered by time among the others); a known one becomes `saved` if it was not yet.
   */
  stored(files: readonly FileInfo[]): void {
    let added = false;
    for (const file of files) {
      if (file.kind !== 'screenshot') continue;
      let still = this.byId.get(file.ref);
      // A file under a still's id that someone else uploaded is not that still.
      if (still && storedStill(file).takenBy !== still.takenBy) continue;
      if (!still) {
        still = storedStill(file);
        this.byId.set(still.id, still);
        added = true;
      } else if (!still.blob && (still.link || still.state === 'failed')) {
        // Shown from the service: it never got here, or the last link may be about to expire.
        still.link = file.url;
        still.state = 'done';
        still.code = null;
      }
      if (still.save !== 'saved' && still.takenBy === this.options.role()) {
        this.uploadState(still.id, 'saved', file.size, file.size, null); // tells the other side
        continue;
      }
      still.save = 'saved';
      still.uploaded = still.uploadSize = file.size;
      still.saveCode = null;
      this.update(still);
    }
    if (added) this.sort();
  }

  /** Orders the stills by when they were taken. */
  private sort(): void {
    const byTime = [...this.byId.values()].sort((a, b) => a.at - b.at);
    this.byId.clear();
    for (const still of byTime) this.byId.set(still.id, still);
  }

  /** Tells of a change; a still this side took and now holds, undecided, is kept on the device. */
  private update(still: Screenshot): void {
    const role = this.options.role();
    if (
      still.takenBy === role &&
      still.save === 'open' &&
      isHeld(still) &&
      !this.kept.has(still.id)
    ) {
      this.kept.set(
        still.id,
        this.options
          .keep(still)
          .catch((err: unknown) =>
            console.warn(`[video-session] screenshot not kept on this device: ${String(err)}`),
          ),
      );
    }
    this.options.onUpdate(still);
  }

  /** Saved still `id` did not reach the service (`code`); its local copy stays. */
  uploadFailed(id: string, code: ErrorCode): void {
    const still = this.byId.get(id);
    if (still) this.uploadState(id, 'failed', still.uploaded, still.uploadSize, code);
  }

  private uploadState(
    id: string,
    state: 'uploading' | 'saved' | 'failed',
    loaded: number,
    size: number,
    code: ErrorCode | null,
  ): void {
    const still = this.byId.get(id);
    if (!still || still.takenBy !== this.options.role() || still.save === 'saved') return;
    // Undecided: no upload of it is under way, unless the service says it has it.
    if (still.save === 'open' && state !== 'saved') return;
    still.save = state;
    still.uploaded = loaded;
    still.uploadSize = size;
    still.saveCode = code;
    this.options.send({
      type: 'still-upload',
      id,
      state,
      loaded,
      size,
      ...(code ? { code } : {}),
    });
    this.update(still);
  }

  /** An object URL of the still's PNG, made once, or the service's link (null: neither yet). */
  url(still: Screenshot): string | null {
    if (!still.blob) return still.link;
    let url = this.urls.get(still);
    if (!url) this.urls.set(still, (url = URL.createObjectURL(still.blob)));
    return url;
  }

  private revokeUrls(): void {
    for (const url of this.urls.values()) URL.revokeObjectURL(url);
    this.urls.clear();
  }

  /**
   * Takes a still of the camera that shows the picture: this side's own (captured here), or the
   * other side's (asked for). Resolves once both sides have it; rejects with a code, keeping a
   * still this side captured.
   */
  async take(): Promise<Screenshot> {
    const role = this.options.role();
    const source = this.options.source();
    if (!source) throw new VideoSessionError('ERR_STILL_UNAVAILABLE');
    const id = stillId();
    if (source === role) return this.captureAndSend(id, role);
    const still = this.add(id, role, 'capturing');
    const answer = new Promise<Screenshot>((resolve, reject) => {
      const timer = setTimeout(() => this.settle(id, 'ERR_STILL_UNAVAILABLE'), ANSWER_TIMEOUT_MS);
      this.waiting.set(id, { resolve, reject, timer });
    });
    if (!this.options.send({ type: 'still-request', id })) this.settle(id, 'ERR_NOT_CONNECTED');
    this.update(still);
    return answer;
  }

  /** A still message from the other side. */
  handle(message: StillMessage): void {
    switch (message.type) {
      case 'still-request': {
        const { id } = message;
        const role = this.options.role();
        if (this.byId.has(id)) return; // asked twice: the first answer stands
        if (this.options.source() !== role || this.queued >= MAX_QUEUED) {
          this.options.send({ type: 'still-failed', id, code: 'ERR_STILL_UNAVAILABLE' });
          return;
        }
        this.captureAndSend(id, role === 'agent' ? 'customer' : 'agent').catch(() => undefined);
        return;
      }
      case 'still-failed':
        this.settle(message.id, message.code);
        return;
      case 'still-saved': {
        const still = this.theirs(message.id);
        if (!still || still.save !== 'open') return;
        if (message.edited) this.awaitingEdit.add(still.id);
        still.edited = message.edited;
        still.save = 'uploading';
        this.update(still);
        return;
      }
      case 'still-discarded': {
        const still = this.theirs(message.id);
        if (still && still.save === 'open') this.forget(still);
        return;
      }
      case 'still-upload': {
        const still = this.theirs(message.id);
        if (!still || still.save === 'open' || still.save === 'saved') return;
        still.save = message.state;
        still.uploaded = Math.min(message.loaded, message.size);
        still.uploadSize = message.size;
        still.saveCode = message.code ?? null;
        this.update(still);
        return;
      }
      default:
        assertNever(message);
    }
  }

  /** A still's file moved on, in either direction. */
  handleTransfer(t: Transfer): void {
    const id = t.ref;
    if (!id) return;
    let still = this.byId.get(id);
    if (t.direction === 'out') {
      if (!still || still.state !== 'sending') return;
    } else if (!still) {
      // The other side took one of its own camera.
      still = this.add(id, this.options.role() === 'agent' ? 'customer' : 'agent', 'receiving');
    } else if (
      (still.blob || still.link || still.state === 'failed') &&
      !this.awaitingEdit.has(id)
    ) {
      return; // not one we wait for: a second file for the same still is ignored
    }
    still.name = t.name;
    still.loaded = t.loaded;
    still.size = t.size;
    if (t.state === 'failed') return this.settle(id, t.code ?? 'ERR_FILE_TRANSFER_FAILED');
    if (t.direction === 'out') {
      if (t.state === 'done') still.state = 'done';
      this.update(still);
      return;
    }
    if (t.state !== 'done' || !t.blob) {
      still.state = 'receiving';
      this.update(still);
      return;
    }
    void this.received(still, t.blob);
  }

  /** The call's link went away: what waits for the other side fails. The one place it stops. */
  abort(code: ErrorCode = 'ERR_NOT_CONNECTED'): void {
    for (const id of [...this.waiting.keys()]) this.settle(id, code);
    for (const still of this.byId.values()) {
      if (still.state === 'capturing' || still.state === 'receiving') this.fail(still, code);
    }
  }

  private async received(still: Screenshot, file: Blob): Promise<void> {
    const size = pngSize(new Uint8Array(await file.slice(0, 24).arrayBuffer()));
    this.awaitingEdit.delete(still.id); // one edited file per saved still
    if (!size) return this.settle(still.id, 'ERR_PEER_MESSAGE_INVALID');
    // Bytes that start like a PNG may go on as anything: shown, opened and saved as a PNG only,
    // whatever type the other side gave the file (its object URL is of this page's origin).
    const blob = file.type === 'image/png' ? file : new Blob([file], { type: 'image/png' });
    this.replaceBlob(still, blob, size);
    still.state = 'done';
    this.update(still);
    const waiting = this.waiting.get(still.id);
    if (!waiting) return;
    this.waiting.delete(still.id);
    clearTimeout(waiting.timer);
    waiting.resolve(still);
  }

  /** Captures here (one capture at a time) and sends the still to the other side. */
  private captureAndSend(id: string, takenBy: Role): Promise<Screenshot> {
    const still = this.add(id, takenBy, 'capturing');
    this.update(still);
    this.queued++;
    const run = this.queue.then(async () => {
      let grabbed: Grabbed;
      try {
        grabbed = await this.options.capture();
      } catch (err) {
        const code = err instanceof VideoSessionError ? err.code : 'ERR_STILL_UNAVAILABLE';
        this.fail(still, code);
        if (takenBy !== this.options.role()) this.options.send({ type: 'still-failed', id, code });
        throw new VideoSessionError(code);
      } finally {
        this.queued--;
      }
      still.blob = grabbed.blob;
      still.width = grabbed.width;
      still.height = grabbed.height;
      still.size = grabbed.blob.size;
      still.name = stillName(still.at);
      still.state = 'sending' as Screenshot['state']; // the transfer's updates move it on
      this.update(still);
      try {
        await this.options.sendFile(grabbed.blob, still.name, id);
      } catch (err) {
        // Kept here (the person took it); only the other side does not have it.
        const code = err instanceof VideoSessionError ? err.code : 'ERR_FILE_TRANSFER_FAILED';
        if (still.state !== 'failed') this.fail(still, code);
        throw new VideoSessionError(code);
      }
      if (still.state !== 'done') {
        still.state = 'done';
        this.update(still);
      }
      return still;
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  private add(id: string, takenBy: Role, state: Screenshot['state']): Screenshot {
    const at = Date.now();
    const still = screenshot({ id, name: stillName(at), takenBy, at, state });
    this.byId.set(id, still);
    return still;
  }

  /** A still the other side asked for (theirs to decide on). */
  private theirs(id: string): Screenshot | null {
    const still = this.byId.get(id);
    return still && still.takenBy !== this.options.role() ? still : null;
  }

  /** The still's PNG is now `blob` (its object URL, made for the old one, goes). */
  private replaceBlob(
    still: Screenshot,
    blob: Blob,
    size: { width: number; height: number },
  ): void {
    const url = this.urls.get(still);
    if (url) URL.revokeObjectURL(url);
    this.urls.delete(still);
    still.blob = blob;
    still.width = size.width;
    still.height = size.height;
  }

  /** Drops a discarded still on this side. */
  private forget(still: Screenshot): void {
    this.byId.delete(still.id);
    this.awaitingEdit.delete(still.id);
    const url = this.urls.get(still);
    if (url) URL.revokeObjectURL(url);
    this.urls.delete(still);
    this.update(still);
  }

  /** Ends the wait for `id` with `code` (the still fails unless this side holds it). */
  private settle(id: string, code: ErrorCode): void {
    const still = this.byId.get(id);
    if (still && still.state !== 'done') this.fail(still, code);
    const waiting = this.waiting.get(id);
    if (!waiting) return;
    this.waiting.delete(id);
    clearTimeout(waiting.timer);
    waiting.reject(new VideoSessionError(code));
  }

  private fail(still: Screenshot, code: ErrorCode): void {
    if (still.state === 'failed') return;
    still.state = 'failed';
    still.code = code;
    this.update(still);
  }
}
