/**
 * A feature whose code is a chunk of its own, loaded on first need so the script a page loads
 * first stays small. The one way the widget loads a feature later:
 *
 * - `load()` imports the chunk once and builds the feature from it; concurrent calls share it;
 * - what arrives for the feature meanwhile (`handle`) is kept, at most `EARLY_LIMIT` items (more
 *   are dropped with a warning: a peer that floods a feature still loading cannot grow the page's
 *   memory), and handed over in order once the feature is built;
 * - a chunk that does not arrive rejects with `ERR_CHUNK_LOAD`, whose message names the URL the
 *   browser could not load (the right reason, where a feature's own error would mislead); what had
 *   waited goes to `onFailed` (to answer the other side), and the next need tries again.
 */
import { VideoSessionError } from '../../src/errors.js';

/** Items kept for one feature while its chunk loads. */
export const EARLY_LIMIT = 256;

export interface LazyOptions<M, T, Item> {
  /** What the feature is called in errors and warnings, e.g. `screenshots`. */
  name: string;
  /** Imports the chunk (`() => import('./chunk.js')`). */
  import(): Promise<M>;
  /** Builds the feature from the loaded chunk. */
  build(module: M): T;
  /** Hands an item that arrived to the built feature. */
  deliver(feature: T, item: Item): void;
  /** The chunk did not load: the error (reported once per attempt) and what had waited for it. */
  onFailed(error: VideoSessionError, waited: Item[]): void;
}

export class Lazy<M, T, Item = never> {
  private readonly options: LazyOptions<M, T, Item>;
  private loading: Promise<T> | null = null;
  private feature: T | null = null;
  private readonly early: Item[] = [];
  private dropped = false;

  constructor(options: LazyOptions<M, T, Item>) {
    this.options = options;
  }

  /** The feature once built (null before, and while its chunk loads). */
  get value(): T | null {
    return this.feature;
  }

  /** Loads and builds the feature once; rejects with `ERR_CHUNK_LOAD` when its chunk fails. */
  load(): Promise<T> {
    this.loading ??= this.options.import().then(
      (module) => {
        const feature = this.options.build(module);
        this.feature = feature;
        for (const item of this.early.splice(0)) this.options.deliver(feature, item);
        this.dropped = false;
        return feature;
      },
      (err: unknown) => {
        this.loading = null;
        const error = chunkError(err, this.options.name);
        this.options.onFailed(error, this.early.splice(0));
        throw error;
      },
    );
    return this.loading;
  }

  /** Hands `item` to the feature now, or keeps it (bounded) until the feature is built. */
  handle(item: Item): void {
    if (this.feature) return this.options.deliver(this.feature, item);
    if (this.early.length < EARLY_LIMIT) this.early.push(item);
    else if (!this.dropped) {
      this.dropped = true;
      console.warn(
        `[video-session] ${this.options.name}: too much arrived while it loads; dropped`,
      );
    }
    this.load().catch(() => undefined); // reported through onFailed
  }

  /** Forgets what waited (a new session). */
  clear(): void {
    this.early.length = 0;
  }
}

/** The longest `whenIdle` waits for the page to be idle. */
export const IDLE_WAIT_MS = 2000;

/** Runs `task` when the page is idle, or after `IDLE_WAIT_MS` (Safari has no idle callback). */
export function whenIdle(task: () => void): void {
  if (typeof requestIdleCallback === 'function') {
    requestIdleCallback(task, { timeout: IDLE_WAIT_MS });
  } else setTimeout(task, IDLE_WAIT_MS / 2);
}

/** `ERR_CHUNK_LOAD` for a dynamic import that failed, naming the URL the browser reported. */
export function chunkError(err: unknown, name: string): VideoSessionError {
  const url = /\b(?:https?|file|blob):\/\/[^\s'"]+/.exec(String(err))?.[0];
  const message = `The widget's ${name} could not be loaded${url ? ` from ${url}` : ''}.`;
  return new VideoSessionError('ERR_CHUNK_LOAD', message, { cause: err });
}
