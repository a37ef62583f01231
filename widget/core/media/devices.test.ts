import { expect } from 'chai';
import { VideoSessionError } from '../../../src/errors.js';
import { button, call, arrives, inMode, part, text, until } from '../../testing.js';
import type { VideoSession } from '../../video-session.js';

afterEach(() => {
  for (const el of document.querySelectorAll('video-session')) el.remove();
  localStorage.clear();
});

/** The track this element's peer connection really sends as `kind` (from its stats). */
async function sentTrackId(el: VideoSession, kind: 'audio' | 'video'): Promise<string | null> {
  let id: string | null = null;
  (await el.getStats())?.forEach((r: RTCStats & Record<string, unknown>) => {
    if (r.type === 'media-source' && r['kind'] === kind) id = String(r['trackIdentifier']);
  });
  return id;
}

const preview = (el: VideoSession) =>
  (part(el, 'local-video') as HTMLVideoElement).srcObject as MediaStream;
const remote = (el: VideoSession) =>
  (part(el, 'remote-video') as HTMLVideoElement).srcObject as MediaStream;

async function twoWay() {
  const { agent, customer } = await call();
  await Promise.all([agent.start(), customer.start()]);
  await Promise.all([inMode(agent, 'two-way'), inMode(customer, 'two-way')]);
  return { agent, customer };
}

describe('devices, resolution and screen sharing', () => {
  it('switches camera and microphone mid-call without a new connection; frames keep decoding', async () => {
    const { agent, customer } = await twoWay();
    const devices = await navigator.mediaDevices.enumerateDevices();
    const mics = devices.filter((d) => d.kind === 'audioinput' && d.deviceId !== 'default');
    // fake_device_1 is a depth camera WebRTC cannot send; fake_device_2 is a second real one.
    const other = devices.find((d) => d.kind === 'videoinput' && d.label === 'fake_device_2')!;
    const seenByAgent = remote(agent);
    const oldCamera = preview(customer).getVideoTracks()[0]!;
    expect(oldCamera.getSettings().deviceId).to.not.equal(other.deviceId);

    await customer.useDevice('videoinput', other.deviceId);
    const newCamera = preview(customer).getVideoTracks()[0]!;
    expect(newCamera.getSettings().deviceId).to.equal(other.deviceId);
    expect(oldCamera.readyState).to.equal('ended'); // the first camera is released
    await until(async () => (await sentTrackId(customer, 'video')) === newCamera.id);

    const oldMic = preview(customer).getAudioTracks()[0]!;
    await customer.useDevice('audioinput', mics[1]!.deviceId);
    const newMic = preview(customer).getAudioTracks()[0]!;
    expect(newMic.getSettings().deviceId).to.equal(mics[1]!.deviceId);
    expect(oldMic.readyState).to.equal('ended');

    // Same peer connection (no rebuild), still connected, and the new camera's frames arrive.
    expect(remote(agent)).to.equal(seenByAgent);
    expect(agent.state).to.equal('connected');
    await arrives(agent, { videoIn: 6, audioIn: 11 });
    // The settings panel shows the device in use.
    await customer.updateComplete;
    button(customer, 'Settings').click();
    await until(() => part(customer, 'settings') !== null, 5000, 'no settings panel');
    const select = part(customer, 'settings')!.querySelector<HTMLSelectElement>(
      'select[data-device="videoinput"]',
    )!;
    expect(select.value).to.equal(other.deviceId);
  });

  it('applies resolution presets as ideal sizes and shows the size really sent', async () => {
    const { agent, customer } = await twoWay();
    await customer.updateComplete;
    button(customer, 'Settings').click();
    await until(() => part(customer, 'settings') !== null, 5000, 'no settings panel');
    await customer.setPreset('360p');
    await customer.updateComplete;
    const camera = preview(customer).getVideoTracks()[0]!;
    expect([camera.getSettings().width, camera.getSettings().height]).to.deep.equal([640, 360]);
    expect(part(customer, 'settings')!.textContent).to.contain('Your camera sends 640 × 360');
    // The agent's decoder gets at most that.
    await until(() => {
      const v = part(agent, 'remote-video') as HTMLVideoElement;
      return v.videoWidth > 0 && v.videoWidth <= 640 && v.videoHeight <= 360;
    });
    await customer.setPreset('720p');
    await customer.updateComplete;
    expect(preview(customer).getVideoTracks()[0]!.getSettings().height).to.equal(720);
    expect(part(customer, 'settings')!.textContent).to.contain('1280 × 720');
    expect(part(customer, 'settings')!.textContent).to.contain('Camera: allowed');
  });

  it('plays the other person on the chosen speaker', async () => {
    const { agent } = await twoWay();
    const outputs = (await navigator.mediaDevices.enumerateDevices()).filter(
      (d) => d.kind === 'audiooutput' && d.deviceId !== 'default',
    );
    expect(outputs.length).to.be.greaterThan(0);
    await agent.useDevice('audiooutput', outputs[0]!.deviceId);
    await agent.updateComplete;
    const video = part(agent, 'remote-video') as HTMLVideoElement & { sinkId: string };
    await until(() => video.sinkId === outputs[0]!.deviceId);
  });

  it('shares a screen instead of the camera, and returns to the camera', async () => {
    const { agent, customer } = await twoWay();
    const camera = preview(agent).getVideoTracks()[0]!;
    expect(await agent.shareScreen()).to.equal(true);
    await agent.updateComplete;
    const screen = preview(agent).getVideoTracks()[0]!; // your preview shows what you share
    expect(screen).to.not.equal(camera);
    expect(screen.getSettings().displaySurface).to.be.a('string'); // a display capture
    await until(async () => (await sentTrackId(agent, 'video')) === screen.id);
    await arrives(customer, { videoIn: 6 }); // the customer decodes the screen
    await until(() => text(customer).includes('Alice is sharing their screen'));
    expect(part(agent, 'local-video')!.classList.contains('screen')).to.equal(true);

    agent.stopScreenShare();
    expect(screen.readyState).to.equal('ended');
    await until(async () => (await sentTrackId(agent, 'video')) === camera.id);
    await arrives(customer, { videoIn: 6 });
    await until(() => !text(customer).includes('sharing their screen'));
  });

  it('says clearly where the browser cannot share a screen', async () => {
    const md = navigator.mediaDevices as unknown as { getDisplayMedia?: unknown };
    const original = md.getDisplayMedia;
    md.getDisplayMedia = undefined; // as in most phone browsers
    try {
      const { agent, customer } = await twoWay();
      await agent.updateComplete;
      const share = part(agent, 'screen-button') as HTMLButtonElement;
      expect(share.disabled).to.equal(true);
      expect(share.getAttribute('aria-label')).to.equal('This browser cannot share its screen.');
      const refused = await agent.shareScreen().catch((e: unknown) => e);
      expect(refused).to.be.instanceOf(VideoSessionError);
      expect((refused as VideoSessionError).code).to.equal('ERR_SCREEN_SHARE_UNSUPPORTED');
      expect(customer.state).to.equal('connected');
    } finally {
      md.getDisplayMedia = original;
    }
  });
});
