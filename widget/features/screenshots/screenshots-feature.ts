/**
 * Screenshots of the call: taking one (on the side whose camera it is, at the camera's size, the
 * marks painted on), the taker's decision (save for the ticket, or discard on both sides), keeping
 * them on the device until the service has them, and the gallery, also after the call.
 *
 * This front is in the main script; the feature itself is a chunk (`screenshots-chunk.ts`), loaded
 * when a call connects or a screenshot is first asked for. Messages and files that arrive before
 * it is there wait in the `Lazy` helper. What it needs from the rest of the call comes in as
 * options: the picture to capture, the marks to paint on it (the drawing feature's), sending, the
 * device storage, the service's list of files.
 */
import type { CSSResult, ReactiveController, ReactiveControllerHost } from 'lit';
import { VideoSessionError } from '../../../src/errors.js';
import type { PeerMessage } from '../../../src/peer-messages.js';
import type { Role } from '../../../src/protocol.js';
import type { FileInfo, FileList } from '../../../src/rest.js';
import type { StillMessage } from '../../../src/still-messages.js';
import type { CallFeature } from '../../core/call/call-controller.js';
import { chunkError, Lazy } from '../../core/lazy.js';
import type { MessageRouter } from '../../core/router.js';
import type { Kept } from '../../core/upload/persistence.js';
import type { Messages } from '../../messages.js';
import type { Transfer } from '../transfer/transfer-controller.js';
import type { Painter } from './capture-controller.js';
import type { Screenshot } from './screenshot.js';
import type * as ScreenshotsChunk from './screenshots-chunk.js';
import type { SavedFiles } from './saved-files.js';
import type { StillController } from './still-controller.js';

type Chunk = typeof ScreenshotsChunk;

interface Loaded {
  chunk: Chunk;
  stills: StillController;
  saved: SavedFiles;
}

export interface ScreenshotsOptions {
  router: MessageRouter;
  role(): Role;
  /** The session (`''` before the welcome). */
  sessionId(): string;
  /** Whose camera the picture of the call is now; null when nobody sends video. */
  source(): Role | null;
  /** This side's picture while it is sent (the camera, or a shared screen); else null. */
  picture(): MediaStreamTrack | null;
  /** What paints the marks onto a still of this side's picture (null: none to paint). */
  painter(): Painter | null;
  /** Sends to everyone in the call; false when nobody got it. */
  send(message: PeerMessage): boolean;
  /** Sends a still's PNG to everyone; resolves once they have it. */
  sendFile(blob: Blob, name: string, ref: string): Promise<Transfer>;
  /** This device's storage and uploader. */
  persistence(): Promise<Kept>;
  /** The session's files as the service lists them for this person. */
  listFiles(): Promise<FileList>;
  /** Adds the feature's styles to the element once its chunk is loaded. */
  adoptStyles(styles: CSSResult): void;
  /** A screenshot is here (taken on this side, or received complete): once per screenshot. */
  onScreenshot(still: Screenshot): void;
  /** The feature's (or the editor's) chunk could not be loaded. */
  onChunkError(error: VideoSessionError): void;
}

/** What the element renders of the feature. */
export interface ScreenshotViews {
  /** The gallery panel. */
  gallery(v: { t: Messages; role: Role; peerName: string; close(): void }): unknown;
  /** The taker's decision on a new screenshot (null when none waits). */
  review(v: {
    t: Messages;
    save(id: string, blob: Blob): void;
    discard(id: string): void;
  }): unknown;
}

export class ScreenshotsFeature implements ReactiveController, CallFeature {
  private readonly host: ReactiveControllerHost;
  private readonly options: ScreenshotsOptions;
  private readonly lazy: Lazy<Chunk, Loaded, StillMessage | Transfer>;
  private readonly announced = new WeakSet<Screenshot>();
  private editor: 'loading' | 'ready' | 'failed' | null = null;

  constructor(host: ReactiveControllerHost, options: ScreenshotsOptions) {
    this.host = host;
    this.options = options;
    host.addController(this);
    this.lazy = new Lazy({
      name: 'screenshots',
      import: () => import('./screenshots-chunk.js'),
      build: (chunk) => this.build(chunk),
      deliver: ({ stills }, item) => {
        if ('purpose' in item) stills.handleTransfer(item);
        else stills.handle(item);
      },
      onFailed: (error, waited) => {
        // The other side waits for stills it asked for: tell it there will be none.
        for (const item of waited) {
          if (!('purpose' in item) && item.type === 'still-request') {
            options.send({ type: 'still-failed', id: item.id, code: 'ERR_STILL_UNAVAILABLE' });
          }
        }
        options.onChunkError(error);
      },
    });
    options.router.register(
      ['still-request', 'still-failed', 'still-saved', 'still-discarded', 'still-upload'],
      (message) => this.lazy.handle(message),
    );
  }

  hostDisconnected(): void {
    this.lazy.value?.saved.stop();
  }

  /** The session's screenshots on this side, oldest first (see `VideoSession.screenshots`). */
  get stills(): readonly Screenshot[] {
    return this.lazy.value?.stills.stills ?? [];
  }

  /** A screenshot's file moved on, in either direction. */
  handleTransfer(transfer: Transfer): void {
    this.lazy.handle(transfer);
  }

  /** Takes a screenshot of the call's picture (see `VideoSession.takeScreenshot`). */
  async take(): Promise<Screenshot> {
    return (await this.lazy.load()).stills.take();
  }

  /** Saves a screenshot this side took (see `VideoSession.saveScreenshot`). */
  async save(id: string, blob?: Blob): Promise<Screenshot> {
    const { stills } = await this.lazy.load();
    const own = stills.stills.find((s) => s.id === id)?.blob ?? null;
    return stills.save(id, blob ?? own ?? new Blob(), blob !== undefined && blob !== own);
  }

  /** Throws away a screenshot this side took, on both sides. */
  discard(id: string): void {
    const stills = this.lazy.value?.stills;
    if (!stills) throw new VideoSessionError('ERR_STILL_UNAVAILABLE');
    stills.discard(id);
  }

  /** The service has `loaded` of `size` bytes of saved screenshot `id`. */
  uploadProgress(id: string, loaded: number, size: number): void {
    this.lazy.value?.stills.uploadProgress(id, loaded, size);
  }

  /** The service has these files. */
  stored(files: readonly FileInfo[]): void {
    this.lazy.value?.stills.stored(files);
  }

  /** A saved screenshot did not reach the service. */
  uploadFailed(id: string, code: VideoSessionError['code']): void {
    this.lazy.value?.stills.uploadFailed(id, code);
  }

  /** The views, once the feature is loaded (null before). */
  get views(): ScreenshotViews | null {
    const loaded = this.lazy.value;
    if (!loaded) return null;
    const { chunk, stills } = loaded;
    return {
      gallery: (v) =>
        chunk.gallery({ ...v, stills: stills.stills, url: (still) => stills.url(still) }),
      review: (v) => {
        const still = stills.undecided;
        if (!still) return null;
        this.loadEditor(chunk);
        return chunk.review({
          t: v.t,
          still,
          url: stills.url(still)!,
          editor: this.editor ?? 'loading',
          save: (blob) => v.save(still.id, blob),
          discard: () => v.discard(still.id),
        });
      },
    };
  }

  callStarting(): void {
    this.lazy.value?.stills.clear();
    this.lazy.clear();
  }

  /**
   * Offers again the screenshots this side took and had not decided on when its page went, and
   * asks the service for the saved ones (again after a reconnect).
   */
  callSettled(): void {
    const sessionId = this.options.sessionId();
    this.lazy
      .load()
      .then(async ({ chunk, stills, saved }) => {
        void saved.refresh().catch((err: unknown) => {
          // A customer of an internal session is refused the list: as it should be.
          if (!(err instanceof VideoSessionError && err.code === 'ERR_SESSION_INTERNAL')) {
            console.warn(`[video-session] saved screenshots not listed: ${String(err)}`);
          }
        });
        const { storage, uploads } = await this.options.persistence();
        if (sessionId !== this.options.sessionId()) return;
        // Saved ones first: a still offered again and saved now is not taken for a leftover.
        await chunk.resumeStills(storage, uploads, sessionId, this.options.role());
        stills.restore(await chunk.keptStills(storage, sessionId, this.options.role()));
      })
      .catch((err: unknown) =>
        console.warn(`[video-session] screenshots left from before not offered: ${String(err)}`),
      );
  }

  personDisconnected(): void {
    const loaded = this.lazy.value;
    loaded?.stills.abort();
    loaded?.saved.watch();
  }

  private build(chunk: Chunk): Loaded {
    const o = this.options;
    const capture = new chunk.CaptureController(this.host);
    const stills = new chunk.StillController(this.host, {
      role: o.role,
      source: o.source,
      capture: () => capture.grab(o.picture(), o.painter()),
      send: (message) => o.send(message),
      sendFile: (blob, name, ref) => o.sendFile(blob, name, ref),
      persist: async (still) => {
        const { storage, uploads } = await o.persistence();
        await chunk.saveStill(storage, uploads, still, o.sessionId());
      },
      keep: async (still) => chunk.keepStill((await o.persistence()).storage, still, o.sessionId()),
      forget: async (id) => (await o.persistence()).storage.deleteStill(id),
      onUpdate: (still) => {
        if (still.blob && (still.state === 'done' || still.state === 'failed')) {
          if (!this.announced.has(still)) {
            this.announced.add(still);
            o.onScreenshot(still);
          }
        }
        this.host.requestUpdate();
      },
    });
    const saved = new chunk.SavedFiles({
      list: () => o.listFiles(),
      onFiles: (files) => stills.stored(files),
      unconfirmed: () =>
        stills.stills.some((s) => s.takenBy !== o.role() && s.save === 'uploading'),
    });
    o.adoptStyles(chunk.panelStyles);
    o.adoptStyles(chunk.stillStyles);
    this.host.requestUpdate();
    return { chunk, stills, saved };
  }

  /** Loads the editor once a screenshot waits for its taker's decision. */
  private loadEditor(chunk: Chunk): void {
    if (this.editor) return;
    this.editor = 'loading';
    chunk.loadEditor().then(
      () => {
        this.editor = 'ready';
        this.host.requestUpdate();
      },
      (err: unknown) => {
        // The plain Save and Discard stand in for it.
        this.editor = 'failed';
        this.options.onChunkError(chunkError(err, 'screenshot editor'));
        this.host.requestUpdate();
      },
    );
  }
}
