/**
 * The RTP timestamps of the customer's own camera frames, which is how the agent's browser names
 * the frames it shows (the tracker pairs them with the camera frames' capture times).
 *
 * An encoded transform on the video sender, in a tiny worker of its own (so tracking work never
 * delays the video), reports each encoded frame's RTP timestamp and when it left the encoder.
 * Browsers apply an encoded transform only to a sender that has it before it first sends, and a
 * sender whose transform goes away stops sending: so it is set when the sender is created, and its
 * worker lives until the call ends. The tap is small and in the main script, so no connection waits
 * for the drawing feature's chunk; the tracker in that chunk `listen`s once it is loaded, and is
 * handed the stamps of the last `KEPT_STAMPS` frames that came before.
 */
export interface RtpTapListener {
  /** An encoded frame: its RTP timestamp, and when (wall-clock ms) it left the encoder. */
  onStamp(rtp: number, wall: number): void;
  /** A new sender (a new connection): its RTP timestamps start somewhere new. */
  onSender(): void;
}

/** Stamps kept for a listener that is not there yet (about 4 s of video). */
const KEPT_STAMPS = 120;

const TRANSFORM = `onrtctransform=({transformer:t})=>t.readable.pipeThrough(new TransformStream({transform(f,o){
const rtp=f.getMetadata().rtpTimestamp;rtp===undefined||postMessage({rtp,wall:performance.timeOrigin+performance.now()});o.enqueue(f)}})).pipeTo(t.writable)`;

export class RtpTap {
  private worker: Worker | null = null;
  private listener: RtpTapListener | null = null;
  /** Stamps since the last new sender, while nobody listens. */
  private kept: [number, number][] = [];

  /** Hands the stamps to `listener` from now on, after those kept. */
  listen(listener: RtpTapListener): void {
    this.listener = listener;
    listener.onSender();
    for (const [rtp, wall] of this.kept.splice(0)) listener.onStamp(rtp, wall);
  }

  /** Notes the RTP timestamps `sender` gives its frames; false where browsers cannot. */
  adopt(sender: RTCRtpSender): boolean {
    if (typeof RTCRtpScriptTransform === 'undefined') return false;
    if (sender.transform) return true; // the same sender again (a renegotiation)
    try {
      this.worker ??= workerFrom(TRANSFORM);
      this.worker.onmessage = (e: MessageEvent<{ rtp: number; wall: number }>) =>
        this.stamp(e.data.rtp, e.data.wall);
      sender.transform = new RTCRtpScriptTransform(this.worker);
      this.kept = [];
      this.listener?.onSender();
      return true;
    } catch (err) {
      console.warn('[video-session] camera frames cannot be named by RTP timestamp:', err);
      return false;
    }
  }

  /** Ends the transform worker: only once the connection it serves is closed. */
  stop(): void {
    this.worker?.terminate();
    this.worker = null;
    this.kept = [];
  }

  private stamp(rtp: number, wall: number): void {
    if (this.listener) return this.listener.onStamp(rtp, wall);
    this.kept.push([rtp, wall]);
    if (this.kept.length > KEPT_STAMPS) this.kept.shift();
  }
}

/** A worker from code (workers must be same-origin, and the SDK's origin is usually not the page's). */
export function workerFrom(code: string): Worker {
  const blob = URL.createObjectURL(new Blob([code], { type: 'text/javascript' }));
  try {
    return new Worker(blob);
  } finally {
    URL.revokeObjectURL(blob);
  }
}
