/**
 * The RTP timestamps of the customer's own camera frames, which is how the agent's browser names
 * the frames it shows (the tracker pairs them with the camera frames' capture times).
 *
 * An encoded transform on the video sender, in a tiny worker of its own (so tracking work never
 * delays the video), reports each encoded frame's RTP timestamp and when it left the encoder.
 * Browsers apply an encoded transform only to a sender that has it before it first sends, and a
 * sender whose transform goes away stops sending: so it is set when the sender is created (the
 * customer's widget loads the drawing feature before it joins, so it is there by then), and its
 * worker lives until the call ends.
 */
export interface RtpTapOptions {
  /** An encoded frame: its RTP timestamp, and when (wall-clock ms) it left the encoder. */
  onStamp(rtp: number, wall: number): void;
  /** A new sender (a new connection): its RTP timestamps start somewhere new. */
  onSender(): void;
}

const TRANSFORM = `onrtctransform=({transformer:t})=>t.readable.pipeThrough(new TransformStream({transform(f,o){
const rtp=f.getMetadata().rtpTimestamp;rtp===undefined||postMessage({rtp,wall:performance.timeOrigin+performance.now()});o.enqueue(f)}})).pipeTo(t.writable)`;

export class RtpTap {
  private worker: Worker | null = null;

  constructor(private readonly options: RtpTapOptions) {}

  /** Notes the RTP timestamps `sender` gives its frames; false where browsers cannot. */
  adopt(sender: RTCRtpSender): boolean {
    if (typeof RTCRtpScriptTransform === 'undefined') return false;
    if (sender.transform) return true; // the same sender again (a renegotiation)
    try {
      this.worker ??= workerFrom(TRANSFORM);
      this.worker.onmessage = (e: MessageEvent<{ rtp: number; wall: number }>) =>
        this.options.onStamp(e.data.rtp, e.data.wall);
      sender.transform = new RTCRtpScriptTransform(this.worker);
      this.options.onSender();
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
