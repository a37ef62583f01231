/**
 * Messages between the customer's widget and its tracking worker. A frame's time (`at`) is its
 * `VideoFrame.timestamp` in ms; `wall` is when it was captured, in wall-clock ms
 * (`performance.timeOrigin + now()` terms, comparable between the page and its workers).
 */

/** `[x, y, w, h]` in normalised frame coordinates. */
export type Region = [number, number, number, number];

export type ToWorker =
  /** Camera frames straight from a MediaStreamTrackProcessor (transferred). */
  | { type: 'frames'; readable: ReadableStream<VideoFrame> }
  /** One camera frame from the page, stamped with its wall-clock capture time (transferred). */
  | { type: 'frame'; frame: VideoFrame }
  /**
   * Start following `region` of a buffered frame as mark `id`: the frame at `at`, or the one `age`
   * ms older than the newest.
   */
  | { type: 'track'; id: string; at?: number | undefined; age?: number | undefined; region: Region }
  | { type: 'untrack'; id: string };

export type FromWorker =
  /** The page may send the next frame (one in flight, so only the latest is taken). */
  | { type: 'ready' }
  /** A frame arrived (its time, and when it was captured): paired with the encoded frames. */
  | { type: 'frame'; at: number; wall: number }
  /** Mark `id` in frame `at`: keyframe -> frame, normalised, 8 entries; null while lost. */
  | { type: 'pose'; id: string; at: number; h: number[] | null }
  /** Mark `id` cannot be followed (its frame is no longer buffered, or the picture changed size). */
  | { type: 'failed'; id: string; reason: string };
