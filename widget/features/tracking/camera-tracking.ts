/**
 * The customer's camera frames in the tracking worker: starts the worker, feeds it frames, asks
 * it to follow marks, and relays what it reports.
 *
 * Frames reach the worker one of two ways. Where the page can create a `MediaStreamTrackProcessor`
 * (Chromium), its stream goes to the worker and the page never touches a frame. Elsewhere
 * (Firefox, Safari), each frame the preview shows becomes a `VideoFrame` stamped with its capture
 * time and is handed over, one at a time: a frame that arrives while the worker is busy is not
 * taken.
 */
import { workerFrom } from './rtp-tap.js';
import type { FromWorker, Region, ToWorker } from './worker-protocol.js';

export interface CameraTrackingOptions {
  /** Where the built worker is (`video-session-tracking-worker.js`). */
  workerUrl: URL;
  /** The worker got camera frame `at`, captured (it estimates) at `wall`, wall-clock ms. */
  onFrame(at: number, wall: number): void;
  /** Mark `id` in frame `at`: its pose, null while lost. */
  onPose(id: string, at: number, h: number[] | null): void;
  onFailed(id: string, reason: string): void;
}

declare const MediaStreamTrackProcessor:
  | (new (init: { track: MediaStreamTrack; maxBufferSize?: number }) => {
      readable: ReadableStream<VideoFrame>;
    })
  | undefined;

export class CameraTracking {
  private worker: Worker | null = null;
  private source: MediaStreamTrack | null = null;
  /** The worker reads the camera itself (`processor`), or the page hands it frames. */
  private processor = false;
  private ready = true;
  private closed = false;

  constructor(private readonly o: CameraTrackingOptions) {}

  /** Starts the worker on `camera`; resolves false when this browser cannot run it. */
  async start(camera: MediaStreamTrack): Promise<boolean> {
    if (typeof VideoFrame !== 'function' || typeof Worker !== 'function') return false;
    const worker = await loadWorker(this.o.workerUrl);
    if (this.closed) {
      worker.terminate();
      return false;
    }
    this.worker = worker;
    worker.onmessage = (e: MessageEvent<FromWorker>) => this.handle(e.data);
    if (typeof MediaStreamTrackProcessor === 'function') {
      this.source = camera.clone();
      const { readable } = new MediaStreamTrackProcessor({ track: this.source, maxBufferSize: 2 });
      this.post({ type: 'frames', readable }, [readable as unknown as Transferable]);
      this.processor = true;
    }
    return true;
  }

  /**
   * The preview shows the frame described by `meta`; returns the time the page knows it by (its
   * capture time, else when it was presented). Without a processor, the frame is handed to the
   * worker (stamped with that time, as wall-clock µs) if the worker is free.
   */
  frame(video: HTMLVideoElement, meta: VideoFrameCallbackMetadata): number {
    const time = meta.captureTime ?? meta.presentationTime;
    if (this.worker && !this.processor && this.ready) {
      try {
        const frame = new VideoFrame(video, {
          timestamp: Math.round((performance.timeOrigin + time) * 1000),
        });
        this.ready = false;
        this.post({ type: 'frame', frame }, [frame as unknown as Transferable]);
      } catch {
        // No frame to take yet.
      }
    }
    return time;
  }

  /** Starts following `region` (normalised) of the frame at `at`, or the one `age` ms old. */
  track(id: string, frame: { at?: number; age?: number }, region: Region): void {
    this.post({ type: 'track', id, at: frame.at, age: frame.age, region });
  }

  untrack(id: string): void {
    this.post({ type: 'untrack', id });
  }

  /** Stops the worker and the camera clone: the one place this ends. */
  stop(): void {
    this.closed = true;
    this.worker?.terminate();
    this.worker = null;
    this.source?.stop();
    this.source = null;
  }

  private handle(message: FromWorker): void {
    switch (message.type) {
      case 'ready':
        this.ready = true;
        return;
      case 'frame':
        this.o.onFrame(message.at, message.wall);
        return;
      case 'pose':
        this.o.onPose(message.id, message.at, message.h);
        return;
      case 'failed':
        this.o.onFailed(message.id, message.reason);
        return;
    }
  }

  private post(message: ToWorker, transfer: Transferable[] = []): void {
    this.worker?.postMessage(message, transfer);
  }
}

/**
 * A worker from a script on the SDK's origin, which is usually not the page's (and workers must be
 * same-origin): fetched, and started from a blob.
 */
export async function loadWorker(url: URL): Promise<Worker> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url.href}: ${response.status}`);
  return workerFrom(await response.text());
}
