/**
 * The call's screenshots ("stills") on this side: taking one, answering the other side's request,
 * receiving theirs, with progress both ways. A still is always taken where the camera is (at its
 * native size, marks painted on) and travels as a file transfer with purpose `still` and the
 * still's id as `ref` (`src/still-messages.ts`), so both sides hold the same bytes.
 *
 * Knows no other controller: capturing, messages and files go through the options; updates come
 * out through `onUpdate`. What waits for the other side fails in one place (`abort`).
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { VideoSessionError, type ErrorCode } from '../../src/errors.js';
import type { Role } from '../../src/protocol.js';
import { pngSize, type StillMessage } from '../../src/still-messages.js';
import type { Grabbed } from './capture-controller.js';
import type { Transfer } from './transfer-controller.js';

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
}

export interface StillOptions {
  role(): Role;
  /** Whose camera the picture is now (the still's source); null when nobody sends video. */
  source(): Role | null;
  /** A still of this side's camera, marks painted on. */
  capture(): Promise<Grabbed>;
  send(message: StillMessage): boolean;
  /** Sends the PNG to the other side; resolves once they have it, checked. */
  sendFile(blob: Blob, name: string, ref: string): Promise<Transfer>;
  /** A still appeared, moved on, or ended. */
  onUpdate(still: Still): void;
}

/** How long to wait for the other side's still before giving up. */
const ANSWER_TIMEOUT_MS = 30_000;
/** Captures queued at once on the camera's side; more requests are refused. */
const MAX_QUEUED = 3;

interface Waiting {
  resolve(still: Still): void;
  reject(err: VideoSessionError): void;
  timer: ReturnType<typeof setTimeout>;
}

export class StillController implements ReactiveController {
  private readonly options: StillOptions;
  private readonly byId = new Map<string, Still>();
  private readonly waiting = new Map<string, Waiting>();
  private readonly urls = new Map<Still, string>();
  /** Captures run one after the other. */
  private queue: Promise<unknown> = Promise.resolve();
  private queued = 0;

  constructor(host: ReactiveControllerHost, options: StillOptions) {
    this.options = options;
    host.addController(this);
  }

  hostDisconnected(): void {
    this.abort();
    this.revokeUrls();
  }

  /** Every still of the session, oldest first. */
  get stills(): Still[] {
    return [...this.byId.values()];
  }

  /** Forgets every still (a new session). */
  clear(): void {
    this.abort();
    this.byId.clear();
    this.revokeUrls();
  }

  /** An object URL of the still's PNG, made once (null until it is here). */
  url(still: Still): string | null {
    if (!still.blob) return null;
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
  async take(): Promise<Still> {
    const role = this.options.role();
    const source = this.options.source();
    if (!source) throw new VideoSessionError('ERR_STILL_UNAVAILABLE');
    const id = stillId();
    if (source === role) return this.captureAndSend(id, role);
    const still = this.add(id, role, 'capturing');
    const answer = new Promise<Still>((resolve, reject) => {
      const timer = setTimeout(() => this.settle(id, 'ERR_STILL_UNAVAILABLE'), ANSWER_TIMEOUT_MS);
      this.waiting.set(id, { resolve, reject, timer });
    });
    if (!this.options.send({ type: 'still-request', id })) this.settle(id, 'ERR_NOT_CONNECTED');
    this.options.onUpdate(still);
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
    } else if (still.blob || still.state === 'failed') {
      return; // not one we wait for: a second file for the same still is ignored
    }
    still.name = t.name;
    still.loaded = t.loaded;
    still.size = t.size;
    if (t.state === 'failed') return this.settle(id, t.code ?? 'ERR_FILE_TRANSFER_FAILED');
    if (t.direction === 'out') {
      if (t.state === 'done') still.state = 'done';
      this.options.onUpdate(still);
      return;
    }
    if (t.state !== 'done' || !t.blob) {
      still.state = 'receiving';
      this.options.onUpdate(still);
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

  private async received(still: Still, blob: Blob): Promise<void> {
    const size = pngSize(new Uint8Array(await blob.slice(0, 24).arrayBuffer()));
    if (!size) return this.settle(still.id, 'ERR_PEER_MESSAGE_INVALID');
    still.blob = blob;
    still.width = size.width;
    still.height = size.height;
    still.state = 'done';
    this.options.onUpdate(still);
    const waiting = this.waiting.get(still.id);
    if (!waiting) return;
    this.waiting.delete(still.id);
    clearTimeout(waiting.timer);
    waiting.resolve(still);
  }

  /** Captures here (one capture at a time) and sends the still to the other side. */
  private captureAndSend(id: string, takenBy: Role): Promise<Still> {
    const still = this.add(id, takenBy, 'capturing');
    this.options.onUpdate(still);
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
      still.state = 'sending' as Still['state']; // the transfer's updates move it on
      this.options.onUpdate(still);
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
        this.options.onUpdate(still);
      }
      return still;
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  private add(id: string, takenBy: Role, state: Still['state']): Still {
    const at = Date.now();
    const still: Still = {
      id,
      name: stillName(at),
      takenBy,
      at,
      width: 0,
      height: 0,
      blob: null,
      loaded: 0,
      size: 0,
      state,
      code: null,
    };
    this.byId.set(id, still);
    return still;
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

  private fail(still: Still, code: ErrorCode): void {
    if (still.state === 'failed') return;
    still.state = 'failed';
    still.code = code;
    this.options.onUpdate(still);
  }
}

function stillId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  return btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_');
}

/** `screenshot-2026-11-22-081503.png`, in the person's local time. */
function stillName(at: number): string {
  const d = new Date(at);
  const p = (n: number) => String(n).padStart(2, '0');
  return `screenshot-${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}-${p(d.getHours())}${p(d.getMinutes())}${p(d.getSeconds())}.png`;
}
