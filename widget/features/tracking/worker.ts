/**
 * The tracking worker (built as its own file, `video-session-tracking-worker.js`): takes the
 * customer's camera frames, keeps the last second of them (luma only), and follows each anchored
 * mark with a planar tracker. A mark starts on the buffered frame the agent drew on, catches up
 * through the frames since, then follows every new frame; each frame's pose goes to the page with
 * the frame's time and capture time. When the camera outpaces the tracker, the processor's small
 * buffer (or the page's one-frame-in-flight rule) drops the stale frames: the latest is taken.
 */
import { normaliseHomography } from '../../../src/annotation-geometry.js';
import { createPlanarTracker, type PlanarTracker } from '../../../src/tracking/index.js';
import { copyLuma } from './frame-luma.js';
import type { FromWorker, Region, ToWorker } from './worker-protocol.js';

/** About a second of frames: the agent's view lags the camera by the video delay and a round trip. */
const RING = 40;
/** A mark starts on the buffered frame nearest its time, if it is at most this far (ms). */
const MAX_MISS_MS = 40;
/** Anchored marks followed at once; more would not keep up with the camera. */
const MAX_TRACKERS = 4;

interface Slot {
  at: number;
  luma: Uint8Array;
}

const scope = self as unknown as {
  postMessage(message: FromWorker): void;
  onmessage: ((e: MessageEvent<ToWorker>) => void) | null;
};

let width = 0,
  height = 0;
let ring: Slot[] = [];
let next = 0;
/** Frame time minus wall-clock arrival, at most: frame time -> capture time (wall clock). */
let lag = -Infinity;
const trackers = new Map<string, PlanarTracker>();

const post = (message: FromWorker) => scope.postMessage(message);
const wallNow = () => performance.timeOrigin + performance.now();

scope.onmessage = (e) => {
  const message = e.data;
  switch (message.type) {
    case 'frames':
      void pump(message.readable);
      return;
    case 'frame':
      void take(message.frame).finally(() => post({ type: 'ready' }));
      return;
    case 'track':
      start(message.id, message.at, message.age, message.region);
      return;
    case 'untrack':
      trackers.delete(message.id);
      return;
  }
};

async function pump(readable: ReadableStream<VideoFrame>): Promise<void> {
  const reader = readable.getReader();
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    await take(value);
  }
}

/** Buffers one frame and tracks every anchored mark on it. */
async function take(frame: VideoFrame): Promise<void> {
  try {
    const at = frame.timestamp / 1000;
    // Frames read late (the worker was busy) say nothing about the lag: the maximum is the truth.
    lag = Math.max(lag, at - wallNow());
    post({ type: 'frame', at, wall: at - lag });
    const w = frame.visibleRect?.width ?? frame.codedWidth;
    const h = frame.visibleRect?.height ?? frame.codedHeight;
    if (w !== width || h !== height) resize(w, h);
    const slot = ring[next]!;
    next = (next + 1) % RING;
    slot.at = -Infinity; // not a frame until its copy is complete
    await copyLuma(frame, slot.luma);
    slot.at = at;
    for (const [id, tracker] of trackers) follow(id, tracker, slot);
  } catch (err) {
    console.warn('[video-session] tracking worker: frame skipped:', err);
  } finally {
    frame.close();
  }
}

/** A new picture size: the buffered frames and every tracker are of the old one. */
function resize(w: number, h: number): void {
  for (const id of trackers.keys())
    post({ type: 'failed', id, reason: 'the picture changed size' });
  trackers.clear();
  width = w;
  height = h;
  ring = Array.from({ length: RING }, () => ({ at: -Infinity, luma: new Uint8Array(w * h) }));
  next = 0;
}

function start(id: string, at: number | undefined, age: number | undefined, region: Region): void {
  // The buffered frames, oldest first, and the one the mark was drawn on.
  const frames = [...ring.slice(next), ...ring.slice(0, next)].filter((s) => s.at > -Infinity);
  const target = at ?? (frames[frames.length - 1]?.at ?? 0) - (age ?? 0);
  const miss = (s: Slot) => Math.abs(s.at - target);
  let key = -1;
  for (let i = 0; i < frames.length; i++)
    if (key < 0 || miss(frames[i]!) < miss(frames[key]!)) key = i;
  if (key < 0 || miss(frames[key]!) > MAX_MISS_MS) {
    post({ type: 'failed', id, reason: 'its frame is no longer buffered' });
    return;
  }
  if (trackers.size >= MAX_TRACKERS) {
    post({ type: 'failed', id, reason: `at most ${MAX_TRACKERS} marks are followed at once` });
    return;
  }
  const [x, y, w, h] = region;
  const tracker = createPlanarTracker({
    width,
    height,
    keyframe: frames[key]!.luma,
    region: [x * width, y * height, w * width, h * height],
  });
  trackers.set(id, tracker);
  pose(id, frames[key]!, [1, 0, 0, 0, 1, 0, 0, 0]);
  // Catch up: the frames since, in order (the agent is still looking at some of them).
  for (const slot of frames.slice(key + 1)) follow(id, tracker, slot);
}

function follow(id: string, tracker: PlanarTracker, slot: Slot): void {
  const { H } = tracker.track(slot.luma);
  pose(id, slot, H ? normaliseHomography(H, width, height) : null);
}

function pose(id: string, slot: Slot, h: number[] | null): void {
  post({ type: 'pose', id, at: slot.at, h });
}
