/**
 * The customer's rating after the call: the `<video-session-rating>` prompt is a chunk of its own,
 * loaded once the call has settled, or when it ends (so the script a page loads first stays small). The element shows it once the call is over; sending goes through `rate`.
 */
import type { VideoSessionError } from '../../../src/errors.js';
import type { Role } from '../../../src/protocol.js';
import type { CallFeature } from '../../core/call/call-controller.js';
import { Lazy } from '../../core/lazy.js';

export interface RatingOptions {
  role(): Role;
  /** The prompt's chunk could not be loaded (the call went on; there is no prompt). */
  onChunkError(error: VideoSessionError): void;
}

export class RatingFeature implements CallFeature {
  private readonly options: RatingOptions;
  private readonly lazy: Lazy<unknown, true>;

  constructor(options: RatingOptions) {
    this.options = options;
    this.lazy = new Lazy({
      name: 'rating',
      import: () => import('./session-rating.js'),
      build: () => true,
      deliver: () => undefined,
      onFailed: (error) => options.onChunkError(error),
    });
  }

  /** The customer rates the call: the prompt is loaded while it runs... */
  callSettled(): void {
    this.load();
  }

  /** ...or as it ends, when it ended before it settled. */
  callReleased(): void {
    this.load();
  }

  private load(): void {
    if (this.options.role() === 'customer') this.lazy.load().catch(() => undefined);
  }
}
