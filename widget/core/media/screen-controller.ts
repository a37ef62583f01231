/**
 * Owns screen capture (`getDisplayMedia`): one shared screen, window or tab at a time. The element
 * sends its track instead of the camera while it runs; the browser's own "Stop sharing" ends it
 * like `stop()` does.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { VideoSessionError } from '../../../src/errors.js';

export interface ScreenOptions {
  /** Sharing started (a track) or stopped (null). */
  onTrack(track: MediaStreamTrack | null): void;
}

export class ScreenController implements ReactiveController {
  private readonly host: ReactiveControllerHost;
  private readonly options: ScreenOptions;
  private _track: MediaStreamTrack | null = null;
  private _stream: MediaStream | null = null;
  private call = 0;

  constructor(host: ReactiveControllerHost, options: ScreenOptions) {
    this.host = host;
    this.options = options;
    host.addController(this);
  }

  hostDisconnected(): void {
    this.stop();
  }

  /** False in browsers without screen capture (most phone browsers). */
  get supported(): boolean {
    return typeof navigator.mediaDevices?.getDisplayMedia === 'function';
  }

  get track(): MediaStreamTrack | null {
    return this._track;
  }

  /** The shared screen as a stream, for your own preview (null when not sharing). */
  get stream(): MediaStream | null {
    return this._stream;
  }

  /**
   * Asks the person what to share. Resolves true when sharing started, false when they cancelled;
   * rejects with `ERR_SCREEN_SHARE_UNSUPPORTED` where the browser cannot.
   */
  async start(): Promise<boolean> {
    if (!this.supported) throw new VideoSessionError('ERR_SCREEN_SHARE_UNSUPPORTED');
    const call = ++this.call;
    let stream: MediaStream;
    try {
      stream = await navigator.mediaDevices.getDisplayMedia({
        video: { frameRate: { ideal: 15 } },
        audio: false,
      });
    } catch {
      return false; // cancelled in the browser's picker (or refused by policy): nothing to share
    }
    const track = stream.getVideoTracks()[0];
    if (!track || call !== this.call) {
      stream.getTracks().forEach((t) => t.stop());
      return false;
    }
    this.stop();
    // Text and UI stay sharp at a lower frame rate rather than blurred at a higher one.
    track.contentHint = 'detail';
    track.addEventListener('ended', () => {
      if (this._track === track) this.stop();
    });
    this._track = track;
    this._stream = stream;
    this.options.onTrack(track);
    this.host.requestUpdate();
    return true;
  }

  /** Stops sharing; the one place the capture ends. */
  stop(): void {
    this.call++;
    const track = this._track;
    if (!track) return;
    this._track = null;
    this._stream = null;
    track.stop();
    this.options.onTrack(null);
    this.host.requestUpdate();
  }
}
