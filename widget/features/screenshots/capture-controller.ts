/**
 * Takes a still of a local camera (or screen) track at the size the camera delivers, with the
 * marks painted on as they are shown, and encodes it as PNG. Reads the track's next frame with a
 * `MediaStreamTrackProcessor` where the page has one (Chromium), else plays the track in a
 * detached `<video>` and draws its next frame at `videoWidth x videoHeight`. (Chromium's
 * `ImageCapture.grabFrame()` was dropped: about one grab in four took 1.7 s with the fake camera,
 * where the processor delivers every frame in about one frame interval; `bench:screenshot`.) Knows no other controller: the track and the painter come in as
 * arguments; whatever a capture holds (bitmap, video element) is let go when it ends.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { VideoSessionError } from '../../../src/errors.js';

declare const MediaStreamTrackProcessor:
  | (new (init: { track: MediaStreamTrack; maxBufferSize?: number }) => {
      readable: ReadableStream<VideoFrame>;
    })
  | undefined;

/** Paints the marks onto the still (`width` x `height` = the whole camera frame). */
export type Painter = (ctx: CanvasRenderingContext2D, width: number, height: number) => void;

export interface Grabbed {
  blob: Blob;
  width: number;
  height: number;
}

/** How long a camera may take to deliver a frame for a still. */
const FRAME_TIMEOUT_MS = 5000;

export class CaptureController implements ReactiveController {
  /** Releases what the captures under way hold. */
  private readonly running = new Set<() => void>();

  constructor(host: ReactiveControllerHost) {
    host.addController(this);
  }

  hostDisconnected(): void {
    for (const release of this.running) release();
    this.running.clear();
  }

  /**
   * A PNG of `track`'s current frame with `paint` on top. Rejects with `ERR_STILL_UNAVAILABLE`
   * when the track shows nothing (ended, paused, muted) or gives no frame in time.
   */
  async grab(track: MediaStreamTrack | null, paint: Painter | null): Promise<Grabbed> {
    if (!track || track.kind !== 'video' || track.readyState !== 'live' || !track.enabled) {
      throw new VideoSessionError('ERR_STILL_UNAVAILABLE');
    }
    const frame = await this.frame(track);
    try {
      const width = frame instanceof HTMLVideoElement ? frame.videoWidth : frame.displayWidth;
      const height = frame instanceof HTMLVideoElement ? frame.videoHeight : frame.displayHeight;
      if (!width || !height) throw new VideoSessionError('ERR_STILL_UNAVAILABLE');
      const canvas = document.createElement('canvas');
      canvas.width = width;
      canvas.height = height;
      const ctx = canvas.getContext('2d');
      if (!ctx) throw new VideoSessionError('ERR_STILL_UNAVAILABLE');
      ctx.drawImage(frame, 0, 0, width, height);
      paint?.(ctx, width, height);
      const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/png'));
      canvas.width = canvas.height = 0; // let the pixels go now, not at the next collection
      if (!blob) throw new VideoSessionError('ERR_STILL_UNAVAILABLE');
      return { blob, width, height };
    } finally {
      if (frame instanceof HTMLVideoElement) frame.srcObject = null;
      else frame.close();
    }
  }

  /** The track's current frame; gives up after `FRAME_TIMEOUT_MS` or when the host goes. */
  private async frame(track: MediaStreamTrack): Promise<VideoFrame | HTMLVideoElement> {
    let release!: () => void;
    const released = new Promise<never>((_, reject) => {
      release = () => reject(new VideoSessionError('ERR_STILL_UNAVAILABLE'));
    });
    released.catch(() => undefined);
    this.running.add(release);
    const timer = setTimeout(release, FRAME_TIMEOUT_MS);
    const video = document.createElement('video');
    try {
      if (typeof MediaStreamTrackProcessor === 'function') {
        const reader = new MediaStreamTrackProcessor({
          track,
          maxBufferSize: 1,
        }).readable.getReader();
        try {
          const { value } = await Promise.race([reader.read(), released]);
          if (value) return value;
        } finally {
          // Stops this reader only: the track goes on for the call and its other readers.
          reader.cancel().catch(() => undefined);
        }
      }
      video.muted = true;
      video.playsInline = true;
      video.srcObject = new MediaStream([track]);
      await Promise.race([video.play(), released]);
      await Promise.race([
        new Promise<void>((resolve) => video.requestVideoFrameCallback(() => resolve())),
        released,
      ]);
      return video;
    } catch (err) {
      video.srcObject = null;
      throw err instanceof VideoSessionError ? err : new VideoSessionError('ERR_STILL_UNAVAILABLE');
    } finally {
      clearTimeout(timer);
      this.running.delete(release);
    }
  }
}
