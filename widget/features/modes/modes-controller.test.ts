import { expect } from 'chai';
import type { CallMode, ModeAnswer } from '../../../src/call-modes.js';
import type { ErrorCode } from '../../../src/errors.js';
import type { ModeOffer } from '../../../src/mode-negotiator.js';
import type { Role } from '../../../src/protocol.js';
import { MediaController } from '../../core/media/media-controller.js';
import { ScreenController } from '../../core/media/screen-controller.js';
import type { TrackKind } from '../../core/peer/peer-link.js';
import { MessageRouter } from '../../core/router.js';
import { until } from '../../testing.js';
import { channel, otherRole, PEOPLE, person, type PeerEnd } from '../testing-features.js';
import { mountHost, removeHosts } from '../../core/testing-host.js';
import { ModesController, SILENT } from './modes-controller.js';

afterEach(removeHosts);

/** One person's side: real media and screen controllers (the fake camera), and what came out. */
interface Side {
  role: Role;
  end: PeerEnd;
  media: MediaController;
  screen: ScreenController;
  modes: ModesController;
  /** What the call was last handed to send, by kind (undefined: never). */
  tracks: Partial<Record<TrackKind, MediaStreamTrack | null>>;
  changes: string[];
  offers: (ModeOffer | null)[];
  answered: [CallMode, ModeAnswer][];
  agreed: CallMode[];
  errors: ErrorCode[];
}

function side(role: Role, router: MessageRouter, end: PeerEnd): Side {
  const h = mountHost();
  const s = {
    role,
    end,
    tracks: {},
    changes: [],
    offers: [],
    answered: [],
    agreed: [],
    errors: [],
  } as unknown as Side;
  s.media = new MediaController(h, {
    onTrack: () => s.modes.syncTracks(),
    onError: (code) => s.errors.push(code),
  });
  s.screen = new ScreenController(h, { onTrack: () => s.modes.syncTracks() });
  s.modes = new ModesController(h, {
    router,
    media: s.media,
    screen: s.screen,
    role: () => role,
    send: (message) => end.send(message),
    setTrack: (kind, track) => (s.tracks[kind] = track),
    muted: () => false,
    videoPaused: () => false,
    onChange: (mode, previous, by) => s.changes.push(`${previous} -> ${mode} by ${by}`),
    onOffer: (offer) => s.offers.push(offer),
    onAnswered: (offered, answer) => s.answered.push([offered, answer]),
    onAgreed: (mode) => s.agreed.push(mode),
  });
  return s;
}

/** An agent and a customer whose modes controllers talk over an in-page channel. */
function pair() {
  const routers = { agent: new MessageRouter(), customer: new MessageRouter() };
  const ends = channel(routers);
  return {
    agent: side('agent', routers.agent, ends.agent),
    customer: side('customer', routers.customer, ends.customer),
  };
}

/** Both join (`customerChoice` as the customer chose), then their connection comes up. */
async function connect(
  agent: Side,
  customer: Side,
  customerChoice = { audio: true, video: true },
): Promise<void> {
  await Promise.all([
    agent.modes.prepare({ audio: true, video: true }),
    customer.modes.prepare(customerChoice),
  ]);
  agent.modes.personConnected();
  customer.modes.personConnected();
}

const live = (track: MediaStreamTrack | null | undefined, kind: TrackKind) =>
  !!track && track.kind === kind && track.readyState === 'live';

/** Waits until `s` hands the call exactly what `sends` says: live tracks, or null. */
async function handing(s: Side, sends: { audio: boolean; video: boolean }) {
  await until(
    () =>
      (sends.audio ? live(s.tracks.audio, 'audio') : s.tracks.audio === null) &&
      (sends.video ? live(s.tracks.video, 'video') : s.tracks.video === null),
    10_000,
    `${s.role} hands audio ${String(s.tracks.audio?.readyState ?? s.tracks.audio)}, video ${String(s.tracks.video?.readyState ?? s.tracks.video)}`,
  );
  if (sends.audio) expect(s.tracks.audio, `${s.role}: the microphone`).to.equal(s.media.audioTrack);
  if (sends.video) expect(s.tracks.video, `${s.role}: the camera`).to.equal(s.media.videoTrack);
}

/** Waits until `s` has heard that the other side sends `audio` and `video`. */
async function hears(s: Side, audio: boolean, video: boolean) {
  await until(
    () => s.modes.remoteMedia().audio === audio && s.modes.remoteMedia().video === video,
    10_000,
    `${s.role} hears ${JSON.stringify(s.modes.remoteMedia())}`,
  );
}

describe('ModesController', () => {
  it('agrees two-way on connecting, hands the call live tracks, and hands no video in voice', async () => {
    const { agent, customer } = pair();
    await connect(agent, customer);
    await until(
      () => agent.modes.mode === 'two-way' && customer.modes.mode === 'two-way',
      10_000,
      `modes ${agent.modes.mode} / ${customer.modes.mode}`,
    );
    await Promise.all([
      handing(agent, { audio: true, video: true }),
      handing(customer, { audio: true, video: true }),
    ]);
    // The customer's join choice answered the agent's first offer: nobody was asked.
    expect(customer.offers).to.deep.equal([]);
    expect(agent.answered).to.deep.equal([['two-way', 'accept']]);
    expect(agent.agreed.at(-1)).to.equal('two-way');
    expect(customer.agreed.at(-1)).to.equal('two-way');
    expect(customer.changes).to.deep.equal(['chat -> two-way by agent']);
    expect(agent.modes.pictureSource).to.equal('customer');
    // What each side sends reaches the other (`media-state`).
    await Promise.all([hears(agent, true, true), hears(customer, true, true)]);
    expect(agent.modes.remoteMedia('customer')).to.include({ screen: false });
    expect(agent.modes.remoteMedia('nobody')).to.deep.equal(SILENT);

    expect(await agent.modes.request('voice')).to.equal('voice');
    await until(
      () => customer.modes.mode === 'voice',
      10_000,
      `customer in ${customer.modes.mode}`,
    );
    await Promise.all([
      handing(agent, { audio: true, video: false }),
      handing(customer, { audio: true, video: false }),
    ]);
    // Voice needs nothing new of the customer: no offer.
    expect(agent.answered).to.have.length(1);
    expect(customer.offers).to.deep.equal([]);
    expect(customer.changes).to.deep.equal([
      'chat -> two-way by agent',
      'two-way -> voice by agent',
    ]);
    await Promise.all([hears(agent, true, false), hears(customer, true, false)]);
    expect(agent.modes.pictureSource).to.equal(null);
    expect(agent.errors).to.deep.equal([]);
    expect(customer.errors).to.deep.equal([]);
  });

  it('releases the devices a new mode no longer sends: the camera for voice, the microphone for chat', async () => {
    const { agent, customer } = pair();
    await connect(agent, customer);
    await Promise.all([
      handing(agent, { audio: true, video: true }),
      handing(customer, { audio: true, video: true }),
    ]);
    const cameras = [agent.media.videoTrack!, customer.media.videoTrack!];
    const microphones = [agent.media.audioTrack!, customer.media.audioTrack!];
    const states = (tracks: MediaStreamTrack[]) => tracks.map((t) => t.readyState).join(', ');

    expect(await agent.modes.request('voice')).to.equal('voice');
    await until(
      () => customer.modes.mode === 'voice',
      10_000,
      `customer in ${customer.modes.mode}`,
    );
    // Nothing is sent from the cameras now: they stop (the camera light goes off).
    await until(
      () => cameras.every((t) => t.readyState === 'ended'),
      5000,
      `in voice the cameras are ${states(cameras)}`,
    );
    expect(agent.media.videoTrack).to.equal(null);
    expect(customer.media.videoTrack).to.equal(null);

    expect(await agent.modes.request('chat')).to.equal('chat');
    await until(() => customer.modes.mode === 'chat', 10_000, `customer in ${customer.modes.mode}`);
    await until(
      () => microphones.every((t) => t.readyState === 'ended'),
      5000,
      `in chat the microphones are ${states(microphones)}`,
    );
  });

  it('answers the first offer with one-way for a customer who joined without their camera', async () => {
    const { agent, customer } = pair();
    await connect(agent, customer, { audio: true, video: false });
    await until(
      () => agent.modes.mode === 'one-way-agent' && customer.modes.mode === 'one-way-agent',
      10_000,
      `modes ${agent.modes.mode} / ${customer.modes.mode}`,
    );
    expect(agent.answered).to.deep.equal([['two-way', 'one-way']]);
    expect(customer.offers, 'the join choice answered').to.deep.equal([]);
    await Promise.all([
      handing(agent, { audio: true, video: true }),
      handing(customer, { audio: true, video: false }),
    ]);
    expect(customer.media.videoTrack, 'the customer camera opened').to.equal(null);
    await Promise.all([hears(agent, true, false), hears(customer, true, true)]);
    expect(agent.modes.pictureSource).to.equal('agent');

    // Asked again, the customer is asked (the join choice answered once) and accepts.
    const asked = agent.modes.request('two-way');
    await until(() => customer.modes.offer !== null, 5000, 'the customer was not asked');
    expect(customer.modes.offer).to.include({ mode: 'two-way', from: 'agent' });
    expect(agent.modes.awaitingAnswer).to.equal(true);
    customer.modes.answer('accept');
    expect(await asked).to.equal('two-way');
    expect(customer.offers.at(-1)).to.equal(null);
    await until(
      () => customer.modes.mode === 'two-way',
      5000,
      `customer in ${customer.modes.mode}`,
    );
    await handing(customer, { audio: true, video: true });
    await hears(agent, true, true);
  });

  it('forgets what the other person sends when they go, and stops every device when released', async () => {
    const { agent, customer } = pair();
    await connect(agent, customer);
    await Promise.all([
      handing(agent, { audio: true, video: true }),
      handing(customer, { audio: true, video: true }),
    ]);
    await hears(agent, true, true);
    const tracks = [agent, customer].flatMap((s) => [s.media.audioTrack!, s.media.videoTrack!]);
    expect(tracks.every((t) => t.readyState === 'live')).to.equal(true);

    agent.end.close();
    customer.end.close();
    agent.modes.personDisconnected(person(PEOPLE[otherRole('agent')], agent.end));
    expect(agent.modes.remoteMedia()).to.deep.equal(SILENT);

    for (const s of [agent, customer]) s.modes.callReleased();
    expect(tracks.map((t) => t.readyState)).to.deep.equal(['ended', 'ended', 'ended', 'ended']);
    for (const s of [agent, customer]) {
      expect(s.media.audioTrack, `${s.role} microphone`).to.equal(null);
      expect(s.media.videoTrack, `${s.role} camera`).to.equal(null);
      expect(s.modes.applied).to.equal('chat');
      expect(s.modes.sending).to.deep.equal({ audio: false, video: false });
    }
  });
});
