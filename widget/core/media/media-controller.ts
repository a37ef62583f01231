/**
 * Owns the local camera and microphone: opens exactly what the call needs right now (and stops the
 * rest, so the camera light is off when no video is sent), switches devices and resolution without
 * the other side noticing more than a new track, mutes and pauses by disabling tracks, and watches
 * the devices and the browser's permission state. Every track stops in one place.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { DeviceStatus } from '../../../src/call-messages.js';
import type { Sends } from '../../../src/call-modes.js';
import type { ErrorCode } from '../../../src/errors.js';

export type TrackKind = 'audio' | 'video';
export type InputKind = 'audioinput' | 'videoinput';

/** Video resolutions offered; applied as ideal constraints, so the nearest size the camera has wins. */
export const PRESETS = ['native', '720p', '360p'] as const;
export type Preset = (typeof PRESETS)[number];

const PRESET_CONSTRAINTS: Record<Preset, MediaTrackConstraints> = {
  // The camera's largest mode; the encoder scales down on its own when bandwidth or CPU is short.
  native: { width: { ideal: 4096 }, height: { ideal: 2160 } },
  '720p': { width: { ideal: 1280 }, height: { ideal: 720 } },
  '360p': { width: { ideal: 640 }, height: { ideal: 360 } },
};

export interface MediaOptions {
  /** The track this side sends as `kind` changed (opened, switched, stopped, or ended by the device). */
  onTrack(kind: TrackKind, track: MediaStreamTrack | null): void;
  /** A capture problem the person should know about; the call goes on without that device. */
  onError(code: ErrorCode, fatal: boolean): void;
}

export interface DeviceChoice {
  audioinput: string;
  videoinput: string;
  audiooutput: string;
}

export class MediaController implements ReactiveController {
  private readonly host: ReactiveControllerHost;
  private readonly options: MediaOptions;
  private readonly tracks: Record<TrackKind, MediaStreamTrack | null> = {
    audio: null,
    video: null,
  };
  private want: Sends = { audio: false, video: false };
  private enabled: Record<TrackKind, boolean> = { audio: true, video: true };
  private syncing: Promise<void> | null = null;
  private dirty = false;
  private watching = false;
  private permissions: Partial<Record<'camera' | 'microphone', PermissionStatus>> = {};
  private _preview: MediaStream | null = null;
  /** The chosen devices ('' = the browser's default). */
  readonly choice: DeviceChoice = { audioinput: '', videoinput: '', audiooutput: '' };
  /** Front or back camera on phones; null = whichever the device picks. */
  private facing: 'user' | 'environment' | null = null;
  private _preset: Preset = '720p';
  /** Every capture device the browser lists (labels appear once a permission was granted). */
  devices: MediaDeviceInfo[] = [];
  /** Camera and microphone status as the person and the other side see it. */
  status: Record<'camera' | 'microphone', DeviceStatus> = {
    camera: 'unknown',
    microphone: 'unknown',
  };
  /** The last error opening each kind (cleared once it opens). */
  readonly failed: Record<TrackKind, ErrorCode | null> = { audio: null, video: null };

  constructor(host: ReactiveControllerHost, options: MediaOptions) {
    this.host = host;
    this.options = options;
    host.addController(this);
  }

  hostConnected(): void {
    this.watching = true;
    navigator.mediaDevices?.addEventListener('devicechange', this.handleDeviceChange);
    void this.refresh();
  }

  hostDisconnected(): void {
    this.watching = false;
    navigator.mediaDevices?.removeEventListener('devicechange', this.handleDeviceChange);
    for (const p of Object.values(this.permissions))
      p.removeEventListener('change', this.handleDeviceChange);
    this.permissions = {};
    this.stop();
  }

  /** The local preview: your own tracks, one stream that keeps its identity as tracks change. */
  get preview(): MediaStream {
    return (this._preview ??= new MediaStream());
  }

  get audioTrack(): MediaStreamTrack | null {
    return this.tracks.audio;
  }

  get videoTrack(): MediaStreamTrack | null {
    return this.tracks.video;
  }

  get preset(): Preset {
    return this._preset;
  }

  /** The size the camera actually delivers (null without video). */
  get videoSize(): { width: number; height: number } | null {
    const s = this.tracks.video?.getSettings();
    return s?.width && s.height ? { width: s.width, height: s.height } : null;
  }

  /** True when the browser lists a camera (before any permission, by kind only). */
  get hasCamera(): boolean {
    return this.status.camera !== 'none';
  }

  /** Opens what `want` says and stops the rest. Resolves once the tracks match (or failed). */
  need(want: Sends): Promise<void> {
    this.want = want;
    return this.sync();
  }

  /** Mutes (false) or unmutes the microphone, or pauses/resumes the camera: the track stays. */
  setEnabled(kind: TrackKind, enabled: boolean): void {
    this.enabled[kind] = enabled;
    const track = this.tracks[kind];
    if (track) track.enabled = enabled;
  }

  /** Switches the microphone or camera; the new track is handed on through `onTrack`. */
  async useDevice(kind: InputKind, deviceId: string): Promise<void> {
    this.choice[kind] = deviceId;
    if (kind === 'videoinput') this.facing = null;
    await this.reopen(kind === 'audioinput' ? 'audio' : 'video');
  }

  /** Chooses the speaker; the element applies it to the remote video (`setSinkId`). */
  useSpeaker(deviceId: string): void {
    this.choice.audiooutput = deviceId;
    this.host.requestUpdate();
  }

  /** Front <-> back camera (phones). */
  async flipCamera(): Promise<void> {
    const current =
      this.facing ?? (this.tracks.video?.getSettings().facingMode as 'user' | undefined) ?? 'user';
    this.facing = current === 'user' ? 'environment' : 'user';
    this.choice.videoinput = '';
    await this.reopen('video');
  }

  /** Applies a resolution preset to the running camera (no new track, no renegotiation). */
  async setPreset(preset: Preset): Promise<void> {
    this._preset = preset;
    const track = this.tracks.video;
    if (track) {
      try {
        await track.applyConstraints({ ...track.getConstraints(), ...PRESET_CONSTRAINTS[preset] });
      } catch {
        await this.reopen('video'); // some cameras only change size on a fresh capture
      }
    }
    this.host.requestUpdate();
  }

  /** Stops every track; the one place capture ends. */
  stop(): void {
    this.want = { audio: false, video: false };
    for (const kind of ['audio', 'video'] as const) this.drop(kind);
  }

  private sync(): Promise<void> {
    this.dirty = true;
    this.syncing ??= (async () => {
      try {
        while (this.dirty) {
          this.dirty = false;
          await this.syncOnce();
        }
      } finally {
        this.syncing = null;
      }
    })();
    return this.syncing;
  }

  private async syncOnce(): Promise<void> {
    const want = this.want;
    for (const kind of ['audio', 'video'] as const) if (!want[kind]) this.drop(kind);
    const missing = (['audio', 'video'] as const).filter((k) => want[k] && !this.tracks[k]);
    if (missing.length === 0 || !navigator.mediaDevices?.getUserMedia) {
      if (missing.length > 0) this.report('ERR_MEDIA_NOT_FOUND', missing);
      return;
    }
    // Both at once first (one permission prompt), then each alone: a missing camera must not cost
    // the microphone.
    const attempts = missing.length === 2 ? [missing, ['audio'], ['video']] : [missing];
    let firstError: ErrorCode | null = null;
    for (const kinds of attempts as TrackKind[][]) {
      if (kinds.every((k) => this.tracks[k])) continue;
      try {
        const stream = await navigator.mediaDevices.getUserMedia({
          audio: kinds.includes('audio') ? this.constraints('audio') : false,
          video: kinds.includes('video') ? this.constraints('video') : false,
        });
        for (const track of stream.getTracks()) {
          const kind = track.kind as TrackKind;
          if (this.want[kind] && !this.tracks[kind]) this.adopt(kind, track);
          else track.stop(); // no longer wanted while the prompt was open
        }
        if (missing.length === 2 && kinds.length === 2) break;
      } catch (err) {
        // Even a refusal is tried device by device: a blocked camera must not cost the microphone
        // (a decided permission does not prompt again).
        const code = mediaErrorCode(err);
        firstError ??= code;
        for (const k of kinds) this.failed[k] = code;
      }
    }
    await this.refresh();
    const still = missing.filter((k) => this.want[k] && !this.tracks[k]);
    if (firstError && still.length > 0) this.report(firstError, still);
  }

  private constraints(kind: TrackKind): MediaTrackConstraints | boolean {
    if (kind === 'audio') {
      return this.choice.audioinput ? { deviceId: { exact: this.choice.audioinput } } : true;
    }
    return {
      ...PRESET_CONSTRAINTS[this._preset],
      frameRate: { ideal: 30 },
      ...(this.choice.videoinput ? { deviceId: { exact: this.choice.videoinput } } : {}),
      ...(this.facing ? { facingMode: { ideal: this.facing } } : {}),
    };
  }

  /** Replaces the track of `kind` with a fresh one from the chosen device. */
  private async reopen(kind: TrackKind): Promise<void> {
    if (!this.want[kind] || !this.tracks[kind]) {
      this.host.requestUpdate();
      return;
    }
    const old = this.tracks[kind];
    try {
      const stream = await navigator.mediaDevices.getUserMedia({ [kind]: this.constraints(kind) });
      const track = stream.getTracks()[0]!;
      if (this.tracks[kind] !== old || !this.want[kind]) {
        track.stop();
        return;
      }
      this.drop(kind, false);
      this.adopt(kind, track);
    } catch (err) {
      // Phones often cannot open a second camera while the first runs: stop it, then try again.
      if (kind === 'video' && mediaErrorCode(err) === 'ERR_MEDIA_UNAVAILABLE' && old) {
        this.drop(kind);
        await this.sync();
        return;
      }
      this.report(mediaErrorCode(err), [kind]);
    }
    await this.refresh();
  }

  private adopt(kind: TrackKind, track: MediaStreamTrack): void {
    track.enabled = this.enabled[kind];
    track.addEventListener('ended', () => {
      // The device went away (unplugged, or the permission revoked): drop it and say so.
      if (this.tracks[kind] !== track) return;
      this.drop(kind);
      void this.refresh();
    });
    this.tracks[kind] = track;
    this.failed[kind] = null;
    this.preview.addTrack(track);
    this.options.onTrack(kind, track);
    this.host.requestUpdate();
  }

  private drop(kind: TrackKind, announce = true): void {
    const track = this.tracks[kind];
    if (!track) return;
    this.tracks[kind] = null;
    track.stop();
    this._preview?.removeTrack(track);
    if (announce) this.options.onTrack(kind, null);
    this.host.requestUpdate();
  }

  private report(code: ErrorCode, kinds: TrackKind[]): void {
    for (const k of kinds) this.failed[k] = code;
    this.options.onError(code, false);
    this.host.requestUpdate();
  }

  private readonly handleDeviceChange = () => void this.refresh();

  /** Re-reads the device list and the permission state. */
  private async refresh(): Promise<void> {
    if (!this.watching) return;
    const md = navigator.mediaDevices;
    this.devices = md?.enumerateDevices ? await md.enumerateDevices().catch(() => []) : [];
    for (const [name, kind, track] of [
      ['camera', 'videoinput', 'video'],
      ['microphone', 'audioinput', 'audio'],
    ] as const) {
      let permission = this.permissions[name];
      if (!permission && navigator.permissions) {
        permission = await navigator.permissions
          .query({ name: name as PermissionName })
          .catch(() => undefined);
        if (permission) {
          permission.addEventListener('change', this.handleDeviceChange);
          this.permissions[name] = permission;
        }
      }
      const hasDevice = this.devices.some((d) => d.kind === kind);
      this.status[name] = !hasDevice
        ? 'none'
        : permission
          ? permission.state
          : this.tracks[track]
            ? 'granted'
            : this.failed[track] === 'ERR_MEDIA_DENIED'
              ? 'denied'
              : 'unknown';
    }
    this.host.requestUpdate();
  }
}

function mediaErrorCode(err: unknown): ErrorCode {
  const name = err instanceof DOMException ? err.name : '';
  if (name === 'NotAllowedError' || name === 'SecurityError') return 'ERR_MEDIA_DENIED';
  if (name === 'NotReadableError' || name === 'AbortError') return 'ERR_MEDIA_UNAVAILABLE';
  return 'ERR_MEDIA_NOT_FOUND';
}
