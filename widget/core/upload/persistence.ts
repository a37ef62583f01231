/**
 * Local storage and uploads for the features that keep files (screenshots, recordings): loads the
 * persistence chunk once (on joining a session, or on first use), and on every welcome continues
 * the uploads an earlier page of this session left. The features finish their own leftovers (a
 * recording the tab died in, stills saved but not uploaded) with what `ready()` gives them.
 */
import type { ReactiveControllerHost } from 'lit';
import type { VideoSessionError } from '../../../src/errors.js';
import type { CallFeature } from '../call/call-controller.js';
import { Lazy } from '../lazy.js';
import type { StorageController } from '../storage/storage-controller.js';
import type * as PersistenceChunk from './persistence-chunk.js';
import type { UploadController, UploadOptions } from './upload-controller.js';

/** The loaded storage and uploader. */
export interface Kept {
  storage: StorageController;
  uploads: UploadController;
}

export interface PersistenceOptions extends UploadOptions {
  /** The session (`''` before the welcome). */
  sessionId(): string;
  /** The chunk could not be loaded. */
  onChunkError(error: VideoSessionError): void;
}

export class Persistence implements CallFeature {
  private readonly options: PersistenceOptions;
  private readonly lazy: Lazy<typeof PersistenceChunk, Kept>;

  constructor(host: ReactiveControllerHost, options: PersistenceOptions) {
    this.options = options;
    this.lazy = new Lazy({
      name: 'file storage',
      import: () => import('./persistence-chunk.js'),
      build: (chunk) => ({
        storage: new chunk.StorageController(host),
        uploads: new chunk.UploadController(host, options),
      }),
      deliver: () => undefined,
      onFailed: (error) => options.onChunkError(error),
    });
  }

  /** The storage and the uploader, once their chunk is loaded. */
  ready(): Promise<Kept> {
    return this.lazy.load();
  }

  /** Continues the uploads an earlier page of this session left. */
  callSettled(): void {
    const sessionId = this.options.sessionId();
    this.ready()
      .then(({ uploads }) => uploads.resumeUploads(sessionId))
      .catch((err: unknown) =>
        console.warn(`[video-session] uploads left from before not resumed yet: ${String(err)}`),
      );
  }
}
