/**
 * Keeps the agent's anchored marks on the object under them, on both screens.
 *
 * Customer: runs the tracking worker on the local camera (`CameraTracking`), starts a tracker for
 * each anchored mark on the buffered frame the agent drew on, sends every frame's pose to the agent
 * (`onPose`, unreliable) named by its RTP timestamp, and places the marks on each frame the preview
 * shows (by capture time).
 * Agent: names each frame it shows by the RTP timestamp the browser reports for it
 * (`requestVideoFrameCallback` metadata) and places the marks with the pose of exactly that frame;
 * where the browser reports none, with the newest pose.
 *
 * Both: a `requestVideoFrameCallback` loop on the annotated video calls `onFrame` with the
 * placements of the frame being shown. Methods in, `on*` callbacks out; `stop` releases everything.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { BoardMark } from '../../../src/annotation-board.js';
import type { Role } from '../../../src/protocol.js';
import { RtpClock } from '../../../src/rtp-clock.js';
import { ShownFrames } from '../../../src/shown-frames.js';
import type { PoseMessage } from '../../../src/tracking-messages.js';
import type { Region } from './worker-protocol.js';
import { CameraTracking } from './camera-tracking.js';
import { PoseHistory, type Placement } from './pose-history.js';
import { RtpNames } from './rtp-names.js';
import type { RtpTap } from './rtp-tap.js';

/** The frame a mark was drawn on, as the agent names it (`Mark['anchor']`). */
export interface FrameRef {
  rtp?: number;
  age?: number;
}

export type { Placement };

export interface TrackerOptions {
  /** This side's role (known from the join token before anything else happens). */
  role(): Role;
  /** The RTP timestamps of the customer's camera frames as they leave the encoder. */
  tap: RtpTap;
  /** Sends a pose to the agent (unreliable channel). */
  onPose(message: PoseMessage): void;
  /** The connection's statistics: the agent measures the video delay from them. */
  stats(): Promise<RTCStatsReport | null>;
  /** A frame of the annotated video is shown; these are the anchored marks' placements on it. */
  onFrame(placements: ReadonlyMap<string, Placement>): void;
}

/** A missing frame's pose is interpolated from neighbours at most this far apart, or extrapolated this far (ms). */
const POSE_SPAN_MS = 70;
/** Until measured, the agent assumes its picture is this old (capture to display, ms). */
const DEFAULT_AGE_MS = 150;
/** How long a mark named by RTP timestamp waits for the customer to learn the names (ms). */
const NAME_WAIT_MS = 500;

export class TrackerController implements ReactiveController {
  private readonly options: TrackerOptions;
  private video: HTMLVideoElement | null = null;
  private callback = 0;
  private camera: MediaStreamTrack | null = null;
  private tracking: CameraTracking | null = null;
  private readonly names = new RtpNames();
  private shownFrames = new ShownFrames();
  /** Customer: anchored marks waiting for the RTP names of the camera frames. */
  private readonly waiting = new Map<string, { anchor: FrameRef; region: Region; since: number }>();
  private readonly histories = new Map<string, PoseHistory>();
  /** Agent: the RTP timestamp poses are measured from (ms keys are relative to it). */
  private rtpBase: number | null = null;
  private shownRtp: number | null = null;
  private age = DEFAULT_AGE_MS;
  private statsTimer: ReturnType<typeof setInterval> | undefined;

  constructor(host: ReactiveControllerHost, options: TrackerOptions) {
    this.options = options;
    host.addController(this);
    options.tap.listen({
      onStamp: (rtp, wall) => this.names.encoded(rtp, wall),
      onSender: () => this.names.reset(),
    });
  }

  hostDisconnected(): void {
    this.stop();
  }

  private get role(): Role {
    return this.options.role();
  }

  /**
   * Follows `video` (the annotated picture: the agent's remote video, the customer's preview) and,
   * for the customer, `camera` (the track the preview shows; null while none, or while sharing a
   * screen). Call after every render; only changes act.
   */
  attach(video: HTMLVideoElement | null, camera: MediaStreamTrack | null): void {
    if (video !== this.video) {
      this.video?.cancelVideoFrameCallback(this.callback);
      this.video = video;
      if (video) this.watch(video);
    }
    if (this.role === 'customer' && camera !== this.camera) {
      this.tracking?.stop();
      this.tracking = null;
      this.camera = camera;
      if (camera) this.startTracking(camera);
    }
  }

  /** A (new) connection is up: the agent measures how old the frames it shows are. */
  connected(): void {
    clearInterval(this.statsTimer);
    this.rtpBase = null;
    if (this.role !== 'agent') return;
    const measure = () =>
      void this.options.stats().then((report) => {
        const delay = report && videoDelay(report);
        if (delay) this.age = delay;
      });
    measure();
    this.statsTimer = setInterval(measure, 2000);
  }

  /** The marks changed: follow the agent's anchored ones, forget the rest. */
  syncMarks(marks: readonly BoardMark[]): void {
    const anchored = marks.filter((m) => m.author === 'agent' && m.anchor);
    const ids = new Set(anchored.map((m) => m.id));
    for (const id of this.histories.keys()) {
      if (ids.has(id)) continue;
      this.histories.delete(id);
      this.tracking?.untrack(id);
    }
    for (const mark of anchored) {
      if (this.histories.has(mark.id)) continue;
      this.histories.set(mark.id, new PoseHistory());
      if (this.role === 'customer') {
        this.waiting.set(mark.id, {
          anchor: mark.anchor!,
          region: bounds(mark.points),
          since: performance.now(),
        });
        this.startWaiting();
      }
    }
  }

  /** The frame the agent sees now: its RTP timestamp where known, and its age. */
  frameRef(): FrameRef {
    return { ...(this.shownRtp !== null ? { rtp: this.shownRtp } : {}), age: Math.round(this.age) };
  }

  /** A pose from the customer (agent side). */
  handlePose(message: PoseMessage): void {
    if (this.role !== 'agent') return;
    const history = this.histories.get(message.id);
    if (!history) return;
    history.add(message.rtp === null ? null : this.rtpTime(message.rtp), message.h);
  }

  /**
   * Stops the frame loop, the workers, the timers: the one place tracking ends (call it once the
   * connection is closed: a sender whose transform goes away stops sending).
   */
  stop(): void {
    this.video?.cancelVideoFrameCallback(this.callback);
    this.video = null;
    this.tracking?.stop();
    this.tracking = null;
    this.camera = null;
    this.histories.clear();
    this.waiting.clear();
    clearInterval(this.statsTimer);
    this.shownRtp = null;
    this.rtpBase = null;
  }

  private startTracking(camera: MediaStreamTrack): void {
    const tracking = new CameraTracking({
      workerUrl: new URL('./video-session-tracking-worker.js', import.meta.url),
      onFrame: (at, wall) => {
        this.names.raw(at, wall);
        // When the page hears of the frame: later than its capture, in the page's own clock.
        this.shownFrames.frame(at, performance.now());
        this.startWaiting();
      },
      onPose: (id, at, h) => {
        this.histories.get(id)?.add(at, h);
        this.options.onPose({ type: 'pose', id, rtp: this.names.rtpOf(at), h });
      },
      onFailed: (id, reason) =>
        console.warn(`[video-session] mark ${id} is not followed: ${reason}`),
    });
    this.tracking = tracking;
    this.shownFrames = new ShownFrames(); // a new camera, a new clock
    tracking.start(camera).then(
      (ok) => ok || console.warn('[video-session] this browser cannot follow marks on the camera'),
      (err: unknown) => console.warn('[video-session] tracking unavailable:', err),
    );
  }

  /**
   * Starts the waiting marks the camera frames can now be found for: by RTP timestamp once the
   * names are known, else (after a while, or without one) by the age of the agent's picture.
   */
  private startWaiting(): void {
    const tracking = this.tracking;
    if (!tracking) return;
    for (const [id, { anchor, region, since }] of this.waiting) {
      const at = anchor.rtp === undefined ? null : this.names.atOf(anchor.rtp);
      if (at === null && anchor.rtp !== undefined && performance.now() - since < NAME_WAIT_MS)
        continue;
      this.waiting.delete(id);
      // Without a name, by age: the picture the agent drew on, plus the time the mark waited here.
      const age = (anchor.age ?? DEFAULT_AGE_MS) + performance.now() - since;
      tracking.track(id, at === null ? { age } : { at }, region);
    }
  }

  private watch(video: HTMLVideoElement): void {
    const next = (now: number, meta: VideoFrameCallbackMetadata) => {
      if (this.video !== video) return;
      this.callback = video.requestVideoFrameCallback(next);
      // The shown frame's time, in the clock its poses are kept in (null: use the newest pose).
      let at: number | null;
      if (this.role === 'customer') {
        const time = this.tracking?.frame(video, meta);
        at = time === undefined ? null : this.shownFrames.shown(time);
      } else {
        this.shownRtp = meta.rtpTimestamp ?? null;
        at = this.shownRtp === null ? null : this.rtpTime(this.shownRtp);
      }
      const placements = new Map<string, Placement>();
      for (const [id, history] of this.histories) {
        const p = history.placement(at, POSE_SPAN_MS, now);
        if (p) placements.set(id, p);
      }
      this.options.onFrame(placements);
    };
    this.callback = video.requestVideoFrameCallback(next);
  }

  /** An RTP timestamp as ms from the first one seen (so wrapping at 2^32 does not matter). */
  private rtpTime(rtp: number): number {
    this.rtpBase ??= rtp;
    return RtpClock.diff(rtp, this.rtpBase) / 90;
  }
}

/**
 * How old the agent's picture is (capture to display, ms), from the connection's statistics: the
 * jitter buffer's average delay, half the round trip, and a frame's worth for capture and coding.
 */
function videoDelay(report: RTCStatsReport): number | null {
  let jitter: number | null = null,
    rtt = 0;
  report.forEach((s: Record<string, unknown>) => {
    if (s.type === 'inbound-rtp' && s.kind === 'video') {
      const delay = s.jitterBufferDelay as number | undefined,
        count = s.jitterBufferEmittedCount as number | undefined;
      if (delay !== undefined && count) jitter = (delay / count) * 1000;
    }
    if (s.type === 'candidate-pair' && s.nominated && typeof s.currentRoundTripTime === 'number') {
      rtt = s.currentRoundTripTime * 1000;
    }
  });
  return jitter === null ? null : jitter + rtt / 2 + 33;
}

/** The bounding box `[x, y, w, h]` of interleaved points. */
function bounds(points: readonly number[]): Region {
  let x0 = 1,
    y0 = 1,
    x1 = 0,
    y1 = 0;
  for (let i = 0; i + 1 < points.length; i += 2) {
    x0 = Math.min(x0, points[i]!);
    x1 = Math.max(x1, points[i]!);
    y0 = Math.min(y0, points[i + 1]!);
    y1 = Math.max(y1, points[i + 1]!);
  }
  return [x0, y0, Math.max(0, x1 - x0), Math.max(0, y1 - y0)];
}
