import { expect } from 'chai';
import type { ErrorCode } from '../../../src/errors.js';
import { until } from '../../testing.js';
import { mountHost, removeHosts, type TestHost } from '../testing-host.js';
import { MediaController, type TrackKind } from './media-controller.js';

/** A media controller on a minimal host, and what it reported. */
interface Capture {
  host: TestHost;
  media: MediaController;
  /** `onTrack` calls: the kind and the track's id (null: none sent any more). */
  tracks: { kind: TrackKind; id: string | null }[];
  errors: { code: ErrorCode; fatal: boolean }[];
}

/** Every track a test was handed, to check (and make sure) they end. */
const seen = new Set<MediaStreamTrack>();

afterEach(() => {
  removeHosts();
  for (const track of seen) track.stop();
  seen.clear();
});

function capture(): Capture {
  const c: Capture = { host: mountHost(), media: null!, tracks: [], errors: [] };
  c.media = new MediaController(c.host, {
    onTrack: (kind, track) => {
      if (track) seen.add(track);
      c.tracks.push({ kind, id: track?.id ?? null });
    },
    onError: (code, fatal) => c.errors.push({ code, fatal }),
  });
  return c;
}

const on = (kind: TrackKind, track: MediaStreamTrack | null) => ({ kind, id: track?.id ?? null });
const ids = (tracks: MediaStreamTrack[]) => tracks.map((t) => t.id);

const kinds = (stream: MediaStream) =>
  stream
    .getTracks()
    .map((t) => t.kind)
    .sort();

describe('MediaController, with the fake camera and microphone', () => {
  it('opens exactly what need() asks for, and stops what it no longer asks for', async () => {
    const { media, tracks, errors } = capture();
    await media.need({ audio: true, video: false });
    const mic = media.audioTrack!;
    expect(mic.readyState).to.equal('live');
    expect(media.videoTrack).to.equal(null);
    expect(tracks).to.deep.equal([on('audio', mic)]);
    expect(kinds(media.preview)).to.deep.equal(['audio']);

    await media.need({ audio: true, video: true });
    const camera = media.videoTrack!;
    expect(camera.readyState).to.equal('live');
    expect(media.audioTrack, 'the microphone is kept, not reopened').to.equal(mic);
    expect(tracks.slice(1)).to.deep.equal([on('video', camera)]);
    expect(kinds(media.preview)).to.deep.equal(['audio', 'video']);
    expect(media.videoSize).to.deep.equal({ width: 1280, height: 720 }); // the 720p preset

    await media.need({ audio: false, video: true });
    expect(mic.readyState, 'the microphone is released').to.equal('ended');
    expect(media.audioTrack).to.equal(null);
    expect(media.videoTrack).to.equal(camera);
    expect(tracks.slice(2)).to.deep.equal([on('audio', null)]);
    expect(kinds(media.preview)).to.deep.equal(['video']);
    expect(errors).to.deep.equal([]);
  });

  it('mutes and pauses by disabling the track, which stays; a track opened later starts so', async () => {
    const { media, tracks } = capture();
    await media.need({ audio: true, video: false });
    const mic = media.audioTrack!;
    media.setEnabled('audio', false);
    expect(mic.enabled).to.equal(false);
    expect(mic.readyState).to.equal('live');
    media.setEnabled('video', false); // nothing open yet: remembered
    await media.need({ audio: true, video: true });
    expect(media.videoTrack!.enabled).to.equal(false);
    media.setEnabled('audio', true);
    media.setEnabled('video', true);
    expect([mic.enabled, media.videoTrack!.enabled]).to.deep.equal([true, true]);
    expect(media.audioTrack).to.equal(mic);
    expect(tracks.map((t) => t.kind)).to.deep.equal(['audio', 'video']);
  });

  it('stop() ends every track and says so', async () => {
    const { media, tracks } = capture();
    await media.need({ audio: true, video: true });
    const [mic, camera] = [media.audioTrack!, media.videoTrack!];
    media.stop();
    expect([mic.readyState, camera.readyState]).to.deep.equal(['ended', 'ended']);
    expect([media.audioTrack, media.videoTrack]).to.deep.equal([null, null]);
    expect(tracks.slice(2)).to.deep.equal([on('audio', null), on('video', null)]);
    expect(media.preview.getTracks()).to.deep.equal([]);
    // Stopped means not wanted: nothing comes back on its own.
    await media.need({ audio: false, video: false });
    expect(tracks).to.have.length(4);
  });

  it('ends every track when its host leaves the page', async () => {
    const { host, media } = capture();
    await media.need({ audio: true, video: true });
    const [mic, camera] = [media.audioTrack!, media.videoTrack!];
    host.remove();
    expect([mic.readyState, camera.readyState]).to.deep.equal(['ended', 'ended']);
  });

  it('reports the camera and microphone status, granted once open', async () => {
    const { media } = capture();
    // hostConnected reads the devices and the permissions on its own.
    await until(() => media.devices.length > 0, 10_000, 'no devices listed');
    expect(media.devices.filter((d) => d.kind === 'videoinput')).to.have.length(3);
    expect(media.hasCamera).to.equal(true);
    await media.need({ audio: true, video: true });
    expect(media.status).to.deep.equal({ camera: 'granted', microphone: 'granted' });
    expect(media.failed).to.deep.equal({ audio: null, video: null });
  });

  it('a camera that cannot be opened costs only the camera: the microphone opens, the code is reported', async () => {
    const { media, tracks, errors } = capture();
    media.choice.videoinput = 'no-such-camera';
    await media.need({ audio: true, video: true });
    expect(media.audioTrack!.readyState).to.equal('live');
    expect(media.videoTrack).to.equal(null);
    expect(media.failed).to.deep.equal({ audio: null, video: 'ERR_MEDIA_NOT_FOUND' });
    expect(errors).to.deep.equal([{ code: 'ERR_MEDIA_NOT_FOUND', fatal: false }]);
    expect(tracks.map((t) => t.kind)).to.deep.equal(['audio']);
  });

  it('switches the camera: a new track from that device is handed on, the old one ends', async () => {
    const { media, tracks } = capture();
    await media.need({ audio: false, video: true });
    const old = media.videoTrack!;
    const devices = await navigator.mediaDevices.enumerateDevices();
    // fake_device_1 is a depth camera WebRTC cannot send; fake_device_2 is a second real one.
    const other = devices.find((d) => d.kind === 'videoinput' && d.label === 'fake_device_2')!;
    expect(old.getSettings().deviceId).to.not.equal(other.deviceId);
    await media.useDevice('videoinput', other.deviceId);
    const camera = media.videoTrack!;
    expect(camera.getSettings().deviceId).to.equal(other.deviceId);
    expect(old.readyState).to.equal('ended');
    // Handed on as a replacement: no "no video" in between.
    expect(tracks).to.deep.equal([on('video', old), on('video', camera)]);
    expect(ids(media.preview.getVideoTracks())).to.deep.equal([camera.id]);
  });
});
