/**
 * Owns the local camera and microphone: asks for them, falls back to what exists (voice only, video
 * only, or watching only), mutes and pauses by disabling tracks, and stops every track in one place.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { ErrorCode } from '../../src/errors.js';

export interface MediaOptions {
  /** A capture problem the person should know about; the call goes on without that device. */
  onError(code: ErrorCode, fatal: boolean): void;
}

/** Asked for first; the browser picks the nearest size the camera supports. */
const VIDEO: MediaTrackConstraints = {
  width: { ideal: 1280 },
  height: { ideal: 720 },
  frameRate: { ideal: 30 },
};

export class MediaController implements ReactiveController {
  private readonly host: ReactiveControllerHost;
  private readonly options: MediaOptions;
  private _stream: MediaStream | null = null;
  private call = 0;

  constructor(host: ReactiveControllerHost, options: MediaOptions) {
    this.host = host;
    this.options = options;
    host.addController(this);
  }

  hostDisconnected(): void {
    this.stop();
  }

  /** The local stream (null before `start` or when no device could be opened). */
  get stream(): MediaStream | null {
    return this._stream;
  }

  get hasAudio(): boolean {
    return (this._stream?.getAudioTracks().length ?? 0) > 0;
  }

  get hasVideo(): boolean {
    return (this._stream?.getVideoTracks().length ?? 0) > 0;
  }

  /**
   * Opens camera and microphone. When one is missing or refused it tries the other alone; when both
   * fail it resolves null (the person can still watch and listen) after reporting why.
   */
  async start(): Promise<MediaStream | null> {
    this.stop();
    const call = ++this.call;
    if (!navigator.mediaDevices?.getUserMedia) {
      this.options.onError('ERR_MEDIA_NOT_FOUND', false);
      return null;
    }
    let firstError: ErrorCode | null = null;
    for (const constraints of [
      { video: VIDEO, audio: true },
      { audio: true },
      { video: VIDEO },
    ] satisfies MediaStreamConstraints[]) {
      try {
        const stream = await navigator.mediaDevices.getUserMedia(constraints);
        if (call !== this.call) {
          // stop() or a newer start() ran meanwhile: this stream is nobody's.
          stream.getTracks().forEach((t) => t.stop());
          return null;
        }
        if (firstError) this.options.onError(firstError, false);
        this._stream = stream;
        this.host.requestUpdate();
        return stream;
      } catch (err) {
        firstError ??= mediaErrorCode(err);
        // A refusal covers both devices; asking again would only prompt again.
        if (firstError === 'ERR_MEDIA_DENIED') break;
      }
    }
    if (call === this.call) this.options.onError(firstError ?? 'ERR_MEDIA_NOT_FOUND', false);
    return null;
  }

  /** Turns the microphone on or off for the other person (the track stays, so no renegotiation). */
  setAudioEnabled(enabled: boolean): void {
    this._stream?.getAudioTracks().forEach((t) => (t.enabled = enabled));
  }

  /** Pauses or resumes the camera for the other person. */
  setVideoEnabled(enabled: boolean): void {
    this._stream?.getVideoTracks().forEach((t) => (t.enabled = enabled));
  }

  /** Stops every track; the one place capture ends. */
  stop(): void {
    this.call++;
    this._stream?.getTracks().forEach((t) => t.stop());
    this._stream = null;
  }
}

function mediaErrorCode(err: unknown): ErrorCode {
  const name = err instanceof DOMException ? err.name : '';
  if (name === 'NotAllowedError' || name === 'SecurityError') return 'ERR_MEDIA_DENIED';
  if (name === 'NotReadableError' || name === 'AbortError') return 'ERR_MEDIA_UNAVAILABLE';
  return 'ERR_MEDIA_NOT_FOUND';
}
