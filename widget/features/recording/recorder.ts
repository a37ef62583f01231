/**
 * The recorder (a lazily loaded chunk): composites the customer's camera picture with the
 * drawings on it onto a canvas, one draw per video frame (`requestVideoFrameCallback`), mixes both
 * voices (WebAudio), and records that with `MediaRecorder` in short timeslices, handing each chunk
 * on as it arrives. Everything it starts (frame callbacks, listeners, the audio graph, the canvas
 * track) is released in one place when it stops or fails.
 */
import { VideoSessionError } from '../../../src/errors.js';

export interface RecorderSources {
  /** The customer's camera track (on the agent's side, the received one). */
  video: MediaStreamTrack;
  /** Paints the drawings, as shown now, onto a frame of that picture (`width` x `height`). */
  paint(ctx: CanvasRenderingContext2D, width: number, height: number): void;
  /** The voices to mix (the customer's received audio, the agent's microphone). */
  audio: MediaStreamTrack[];
}

export interface RecorderCallbacks {
  timesliceMs: number;
  /** The recorder runs (Unix ms); awaited before the first chunk is handed on. */
  onStart(mime: string, at: number): Promise<void>;
  /** A chunk (in order; each awaited before the next). */
  onChunk(blob: Blob, at: number): Promise<void>;
  onError(err: unknown): void;
}

export interface RecorderHandle {
  readonly mime: string;
  /** Stops; resolves with the stop time (Unix ms) once the last chunk has been handed on. */
  stop(): Promise<number>;
}

/** Containers in order of preference: WebM (Chromium, Firefox), then MP4 (Safari). */
const MIME_TYPES = [
  'video/webm;codecs=vp8,opus',
  'video/webm;codecs=vp9,opus',
  'video/webm',
  'video/mp4;codecs=avc1,mp4a.40.2',
  'video/mp4',
];
/** The same without a voice to record (a recorder told to expect one would wait for it). */
const SILENT_MIME_TYPES = [
  'video/webm;codecs=vp8',
  'video/webm;codecs=vp9',
  'video/webm',
  'video/mp4;codecs=avc1',
  'video/mp4',
];

/** A recorder that has not started this long after `start()` never will: it is reported. */
const START_TIMEOUT_MS = 5000;

export function pickMime(withAudio = true): string | null {
  if (typeof MediaRecorder === 'undefined') return null;
  const types = withAudio ? MIME_TYPES : SILENT_MIME_TYPES;
  return types.find((m) => MediaRecorder.isTypeSupported(m)) ?? null;
}

export async function startRecorder(
  sources: RecorderSources,
  callbacks: RecorderCallbacks,
): Promise<RecorderHandle> {
  const withAudio = sources.audio.length > 0;
  const mime = pickMime(withAudio);
  if (!mime) throw new VideoSessionError('ERR_RECORDING_UNSUPPORTED');

  // The picture: a video of the track, drawn with the drawings on a canvas at its own size.
  const video = document.createElement('video');
  video.muted = true;
  video.playsInline = true;
  video.srcObject = new MediaStream([sources.video]);
  await video.play();
  if (!video.videoWidth) {
    await new Promise((r) => video.addEventListener('resize', r, { once: true }));
  }
  const canvas = document.createElement('canvas');
  canvas.width = video.videoWidth;
  canvas.height = video.videoHeight;
  const ctx = canvas.getContext('2d', { alpha: false })!;
  let frameHandle = 0;
  let running = true;
  const draw = () => {
    if (!running) return;
    ctx.drawImage(video, 0, 0, canvas.width, canvas.height);
    sources.paint(ctx, canvas.width, canvas.height);
    frameHandle = video.requestVideoFrameCallback(draw);
  };
  draw();
  const [canvasTrack] = canvas.captureStream().getVideoTracks();

  // The voices, mixed.
  const audio = new AudioContext();
  const mix = audio.createMediaStreamDestination();
  const inputs = sources.audio.map((track) => {
    const node = audio.createMediaStreamSource(new MediaStream([track]));
    node.connect(mix);
    return node;
  });
  void audio.resume();

  const recorder = new MediaRecorder(
    new MediaStream([canvasTrack!, ...(withAudio ? mix.stream.getAudioTracks() : [])]),
    { mimeType: mime, videoBitsPerSecond: 1_500_000, audioBitsPerSecond: 64_000 },
  );
  const listeners = new AbortController();
  let chain = Promise.resolve();
  let stopped: (at: number) => void = () => {};
  const whenStopped = new Promise<number>((r) => (stopped = r));

  const release = () => {
    running = false;
    video.cancelVideoFrameCallback(frameHandle);
    listeners.abort();
    inputs.forEach((n) => n.disconnect());
    void audio.close();
    canvasTrack?.stop();
    mix.stream.getTracks().forEach((t) => t.stop());
    video.srcObject = null;
  };
  const signal = listeners.signal;
  let startTimer: ReturnType<typeof setTimeout> | undefined;
  const started = new Promise<void>((resolve, reject) => {
    startTimer = setTimeout(
      () => reject(new VideoSessionError('ERR_RECORDING_UNSUPPORTED')),
      START_TIMEOUT_MS,
    );
    recorder.addEventListener(
      'start',
      () => {
        chain = chain.then(() => callbacks.onStart(recorder.mimeType || mime, Date.now()));
        chain.then(resolve, reject);
      },
      { signal, once: true },
    );
    recorder.addEventListener(
      'error',
      (e) => {
        const err = (e as ErrorEvent).error ?? new VideoSessionError('ERR_RECORDING_UNSUPPORTED');
        reject(err);
        release();
        callbacks.onError(err);
        stopped(Date.now());
      },
      { signal },
    );
  });
  recorder.addEventListener(
    'dataavailable',
    (e) => {
      const at = Date.now();
      if (e.data.size > 0) chain = chain.then(() => callbacks.onChunk(e.data, at));
    },
    { signal },
  );
  recorder.addEventListener(
    'stop',
    () => {
      const at = Date.now();
      // The last chunk's `dataavailable` came just before; wait until it is handed on.
      const done = chain.then(
        () => at,
        () => at,
      );
      release();
      void done.then(stopped);
    },
    { signal },
  );
  recorder.start(callbacks.timesliceMs);
  try {
    await started;
  } catch (err) {
    if (recorder.state !== 'inactive') recorder.stop();
    release();
    throw err;
  } finally {
    clearTimeout(startTimer);
  }
  return {
    mime: recorder.mimeType || mime,
    stop() {
      if (recorder.state !== 'inactive') recorder.stop();
      return whenStopped;
    },
  };
}
