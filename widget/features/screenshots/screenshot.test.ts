import { sendMouse } from '@web/test-runner-commands';
import { expect } from 'chai';
import { VideoSessionError } from '../../../src/errors.js';
import type { Screenshot } from './screenshot.js';
import type { VsFileProgressEvent, VsScreenshotEvent } from '../../events.js';
import { buttonShown, call, frames, inMode, part, reach, until, sha256 } from '../../testing.js';
import type { VideoSession } from '../../video-session.js';

// Every peer connection the page makes, to scale the sent video down like a poor link would.
const connections: RTCPeerConnection[] = [];
const Native = window.RTCPeerConnection;
window.RTCPeerConnection = class extends Native {
  constructor(config?: RTCConfiguration) {
    super(config);
    connections.push(this);
  }
};

afterEach(() => {
  for (const el of document.querySelectorAll('video-session')) el.remove();
  localStorage.clear();
  connections.length = 0;
});

async function connected() {
  const { agent, customer } = await call();
  await Promise.all([agent.start(), customer.start()]);
  await Promise.all([reach(agent, 'connected'), reach(customer, 'connected')]);
  await Promise.all([inMode(agent, 'two-way'), inMode(customer, 'two-way')]);
  return { agent, customer };
}

const video = (el: VideoSession, name: string) => part(el, name) as HTMLVideoElement;

/** Sends every video at a quarter of its size, as a congested link makes a sender do. */
async function scaleDownSentVideo(by: number) {
  for (const pc of connections) {
    for (const sender of pc.getSenders()) {
      if (sender.track?.kind !== 'video') continue;
      const params = sender.getParameters();
      for (const e of params.encodings) e.scaleResolutionDownBy = by;
      await sender.setParameters(params);
    }
  }
}

/** The RGBA of the still's pixel at normalised `(x, y)`, decoded from its PNG bytes. */
async function pixel(blob: Blob, x: number, y: number): Promise<number[]> {
  const bitmap = await createImageBitmap(blob);
  const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
  const ctx = canvas.getContext('2d')!;
  ctx.drawImage(bitmap, 0, 0);
  const px = Math.round(x * bitmap.width),
    py = Math.round(y * bitmap.height);
  return [...ctx.getImageData(px, py, 1, 1).data];
}

const isRed = ([r, g, b]: number[]) => r! > 200 && g! < 90 && b! < 90;

/** Drags the mouse over `el`'s annotation canvas, from and to fractions of its box. */
async function drag(el: VideoSession, from: [number, number], to: [number, number]) {
  const box = part(el, 'annotations')!.getBoundingClientRect();
  const at = ([fx, fy]: [number, number]): [number, number] => [
    Math.round(box.left + fx * box.width),
    Math.round(box.top + fy * box.height),
  ];
  await sendMouse({ type: 'move', position: at(from) });
  await sendMouse({ type: 'down' });
  for (let i = 1; i <= 6; i++) {
    const f = i / 6;
    await sendMouse({
      type: 'move',
      position: at([from[0] + (to[0] - from[0]) * f, from[1] + (to[1] - from[1]) * f]),
    });
  }
  await sendMouse({ type: 'up' });
}

describe('screenshots of the customer’s camera', () => {
  it('arrives at the camera’s native size, byte-identical on both sides, with progress on both', async () => {
    const { agent, customer } = await connected();
    // What the customer's camera delivers: their own preview plays the track itself.
    const own = video(customer, 'local-video');
    await until(() => own.videoWidth > 0);
    const native = { width: own.videoWidth, height: own.videoHeight };
    expect(native.width).to.be.at.least(1280);

    // The stream the agent receives is far smaller than the camera.
    await scaleDownSentVideo(4);
    const remote = video(agent, 'remote-video');
    await until(() => remote.videoWidth > 0 && remote.videoWidth <= native.width / 4, 15_000);
    await frames(remote, 2);

    const progress = { agent: [] as VsFileProgressEvent[], customer: [] as VsFileProgressEvent[] };
    agent.addEventListener('vs-file-progress', (e) => progress.agent.push(e));
    customer.addEventListener('vs-file-progress', (e) => progress.customer.push(e));
    const seen = { agent: [] as Screenshot[], customer: [] as Screenshot[] };
    agent.addEventListener('vs-screenshot', (e: VsScreenshotEvent) =>
      seen.agent.push(e.screenshot),
    );
    customer.addEventListener('vs-screenshot', (e: VsScreenshotEvent) =>
      seen.customer.push(e.screenshot),
    );

    const still = await agent.takeScreenshot();
    expect(still.takenBy).to.equal('agent');
    expect([still.width, still.height]).to.deep.equal([native.width, native.height]);
    expect(still.blob!.type).to.equal('image/png');
    const decoded = await createImageBitmap(still.blob!);
    expect([decoded.width, decoded.height]).to.deep.equal([native.width, native.height]);
    expect(remote.videoWidth, 'the stream stayed small').to.be.at.most(native.width / 4);

    // The customer has the very same bytes (it was taken there).
    await until(() => seen.customer.length === 1);
    const theirs = seen.customer[0]!;
    expect(theirs.id).to.equal(still.id);
    expect(theirs.takenBy).to.equal('agent');
    expect(await sha256(theirs.blob!)).to.equal(await sha256(still.blob!));
    expect(seen.agent).to.have.length(1);
    expect(customer.screenshots.map((s) => s.id)).to.deep.equal([still.id]);

    for (const side of ['agent', 'customer'] as const) {
      const events = progress[side];
      expect(
        events.every((e) => e.purpose === 'screenshot'),
        side,
      ).to.equal(true);
      expect(events.at(-1)!.state, side).to.equal('done');
      expect(events.at(-1)!.loaded, side).to.equal(still.blob!.size);
    }
    expect(progress.customer[0]!.direction).to.equal('out');
    expect(progress.agent[0]!.direction).to.equal('in');
  });

  it('paints the marks on the still where they are drawn', async () => {
    const { agent, customer } = await connected();
    await until(() => video(agent, 'remote-video').videoWidth > 0);
    await agent.updateComplete;
    (await buttonShown(agent, 'Rectangle (R)')).click();
    await agent.updateComplete;
    await drag(agent, [0.3, 0.3], [0.7, 0.7]);
    await until(() => customer.annotations.length === 1);
    const [mark] = agent.annotations;
    expect(mark!.tool).to.equal('rectangle');
    const [ax, ay, bx] = mark!.points as [number, number, number, number];
    // The middle of the rectangle's top edge, in the camera frame.
    const spot: [number, number] = [(ax + bx) / 2, ay];

    const marked = await agent.takeScreenshot();
    expect(isRed(await pixel(marked.blob!, ...spot)), 'the mark’s red at its spot').to.equal(true);

    agent.clearAnnotations('own');
    await until(() => customer.annotations.length === 0);
    const plain = await agent.takeScreenshot();
    expect(isRed(await pixel(plain.blob!, ...spot)), 'no red without the mark').to.equal(false);
  });

  it('takes one from the tool bar; both galleries show it, labelled', async () => {
    const { agent, customer } = await connected();
    await agent.updateComplete;
    part(agent, 'screenshot-button')!.click();
    await until(() => customer.screenshots.some((s) => s.state === 'done'));
    await until(() => agent.screenshots.some((s) => s.state === 'done'));
    await agent.updateComplete;
    const img = part(agent, 'gallery')!.querySelector<HTMLImageElement>('img.thumb')!;
    await until(() => img.complete && img.naturalWidth > 0);
    expect(img.alt).to.match(/^Screenshot by You at /);
    expect(img.closest('a')!.download).to.match(/^screenshot-\d{4}-\d\d-\d\d-\d{6}\.png$/);
    await customer.updateComplete;
    const open = part(customer, 'gallery-button')!;
    expect(open.getAttribute('aria-label')).to.equal('Screenshots (1)');
    open.click();
    await customer.updateComplete;
    const theirs = part(customer, 'gallery')!.querySelector<HTMLImageElement>('img.thumb')!;
    expect(theirs.alt).to.match(/^Screenshot by Alice at /);
  });

  it('refuses when the customer’s camera is paused, and captures nothing', async () => {
    const { agent, customer } = await connected();
    customer.videoPaused = true;
    await customer.updateComplete;
    const refused = await agent.takeScreenshot().catch((e: unknown) => e);
    expect(refused).to.be.instanceOf(VideoSessionError);
    expect((refused as VideoSessionError).code).to.equal('ERR_STILL_UNAVAILABLE');
    expect(customer.screenshots.filter((s) => s.blob !== null)).to.have.length(0);
    expect(agent.screenshots.filter((s) => s.blob !== null)).to.have.length(0);
  });

  it('takes the agent’s own camera when only the agent sends video', async () => {
    const { agent, customer } = await connected();
    await agent.setMode('one-way-agent');
    await Promise.all([inMode(agent, 'one-way-agent'), inMode(customer, 'one-way-agent')]);
    const own = video(agent, 'local-video');
    await until(() => own.videoWidth > 0);
    const still = await customer.takeScreenshot();
    expect(still.takenBy).to.equal('customer');
    expect([still.width, still.height]).to.deep.equal([own.videoWidth, own.videoHeight]);
    await until(() => agent.screenshots.some((s) => s.id === still.id && s.blob));
    const ours = agent.screenshots.find((s) => s.id === still.id)!;
    expect(await sha256(ours.blob!)).to.equal(await sha256(still.blob!));
  });
});
