import { expect } from 'chai';
import type { ErrorCode } from '../../../src/errors.js';
import { MAX_BINARY_FRAME_BYTES, type PeerMessage } from '../../../src/peer-messages.js';
import { until } from '../../testing.js';
import { PeerController } from './peer-controller.js';
import type { TrackKind } from './peer-link.js';

/** One end of a connection and everything it reported. */
interface End {
  peer: PeerController;
  connects: number;
  messages: PeerMessage[];
  binary: Uint8Array[];
  errors: { code: ErrorCode; fatal: boolean }[];
  streams: MediaStream[];
  recovering: number;
  recovered: number;
  lost: number;
}

const started: PeerController[] = [];
const captured: MediaStreamTrack[] = [];

afterEach(() => {
  for (const peer of started.splice(0)) peer.stop();
  for (const track of captured.splice(0)) track.stop();
});

function end(other: () => End): End {
  const e: End = {
    peer: null!,
    connects: 0,
    messages: [],
    binary: [],
    errors: [],
    streams: [],
    recovering: 0,
    recovered: 0,
    lost: 0,
  };
  e.peer = new PeerController({
    // A transport delivers later, in order: so does this one.
    onSignal: (data) => void setTimeout(() => other().peer.signal(data)),
    onConnect: () => e.connects++,
    onRemoteStream: (stream) => e.streams.push(stream),
    onMessage: (message) => e.messages.push(message),
    onBinary: (frame) => e.binary.push(frame),
    onRecovering: () => e.recovering++,
    onRecovered: () => e.recovered++,
    onLost: () => e.lost++,
    onError: (code, fatal) => e.errors.push({ code, fatal }),
  });
  started.push(e.peer);
  return e;
}

const none: Record<TrackKind, MediaStreamTrack | null> = { audio: null, video: null };

/**
 * Two peer controllers wired to each other in this page (each one's `onSignal` is the other's
 * `signal`), started: `a` initiates.
 */
function pair(tracks = none): { a: End; b: End } {
  const a: End = end(() => b);
  const b: End = end(() => a);
  b.peer.start({ initiator: false, iceServers: [], tracks: none });
  a.peer.start({ initiator: true, iceServers: [], tracks });
  return { a, b };
}

async function connected(): Promise<{ a: End; b: End }> {
  const ends = pair();
  await until(() => ends.a.connects === 1 && ends.b.connects === 1, 15_000, 'not connected');
  return ends;
}

const chat = (text: string): PeerMessage => ({
  type: 'chat',
  id: text.replace(/\W/g, '-'),
  text,
  at: 1,
});

async function rejection(promise: Promise<unknown>): Promise<string> {
  return promise.then(
    () => expect.fail('resolved'),
    (err: { code: string }) => err.code,
  );
}

describe('PeerController', () => {
  it('sends nothing before it is started', async () => {
    const lone = end(() => lone);
    expect(lone.peer.connected).to.equal(false);
    expect(lone.peer.connection).to.equal(null);
    expect(lone.peer.send(chat('early'))).to.equal(false);
    expect(lone.peer.sendUnreliable(chat('early'))).to.equal(false);
    expect(lone.peer.sendBinary(new Uint8Array([1]))).to.equal(false);
    expect(await rejection(lone.peer.roundTrip())).to.equal('ERR_NOT_CONNECTED');
    expect(await lone.peer.stats()).to.equal(null);
  });

  it('connects through its signals; messages cross both ways, in order, pings never passed on', async () => {
    const { a, b } = await connected();
    expect(a.peer.connected && b.peer.connected).to.equal(true);
    // The connection's aggregate state is updated by a task of its own, maybe after the channel opened.
    await until(
      () => a.peer.connection!.connectionState === 'connected',
      10_000,
      `connection ${a.peer.connection!.connectionState}`,
    );
    for (const text of ['one', 'two', 'three']) expect(a.peer.send(chat(text))).to.equal(true);
    expect(b.peer.send(chat('back'))).to.equal(true);
    await until(() => b.messages.length === 3 && a.messages.length === 1, 10_000, 'not delivered');
    expect(b.messages).to.deep.equal([chat('one'), chat('two'), chat('three')]);
    expect(a.messages).to.deep.equal([chat('back')]);
    // A ping and its pong cross (and keepalives all along): answered inside, never handed on.
    await a.peer.roundTrip();
    await b.peer.roundTrip();
    expect([...a.messages, ...b.messages].map((m) => m.type)).to.deep.equal(Array(4).fill('chat'));
    expect([...a.errors, ...b.errors]).to.deep.equal([]);
  });

  it('carries the unreliable channel both ways once connected', async () => {
    const { a, b } = await connected();
    const pointer: PeerMessage = { type: 'pointer', at: [0.25, 0.5] };
    // Unreliable means a message may be dropped: send until one arrives (loopback drops none).
    const through = (from: End, to: End) => () => {
      from.peer.sendUnreliable(pointer);
      return to.messages.length > 0;
    };
    await until(through(a, b), 10_000, 'a -> b');
    await until(through(b, a), 10_000, 'b -> a');
    expect(b.messages[0]).to.deep.equal(pointer);
    expect(a.messages[0]).to.deep.equal(pointer);
  });

  it('measures a round trip; a ping in flight when stop() is called rejects ERR_NOT_CONNECTED', async () => {
    const { a } = await connected();
    const rtt = await a.peer.roundTrip();
    expect(rtt).to.be.a('number').at.least(0).and.below(5000);
    const inFlight = a.peer.roundTrip();
    a.peer.stop();
    expect(await rejection(inFlight)).to.equal('ERR_NOT_CONNECTED');
    expect(await rejection(a.peer.roundTrip())).to.equal('ERR_NOT_CONNECTED');
  });

  it('stop() closes for good: the other side hears onLost, the stopped side hears nothing', async () => {
    const { a, b } = await connected();
    a.peer.stop();
    expect(a.peer.connected).to.equal(false);
    expect(a.peer.connection).to.equal(null);
    expect(a.peer.send(chat('after'))).to.equal(false);
    // The data channel's close, or at worst silence (2 s) and a recovery window (12 s), ends it.
    await until(() => b.lost === 1, 20_000, 'the other side never heard the connection go');
    expect(b.peer.connected).to.equal(false);
    expect(b.peer.connection, 'stopped on its own').to.equal(null);
    expect(a.lost + a.recovering + a.errors.length).to.equal(0);
  });

  it(`refuses binary frames over MAX_BINARY_FRAME_BYTES (${MAX_BINARY_FRAME_BYTES}) and empty ones with ERR_PEER_MESSAGE_INVALID; the largest allowed arrives byte for byte`, async () => {
    const { a, b } = await connected();
    const largest = new Uint8Array(MAX_BINARY_FRAME_BYTES);
    crypto.getRandomValues(largest.subarray(0, 65536));
    expect(a.peer.sendBinary(new Uint8Array(MAX_BINARY_FRAME_BYTES + 1))).to.equal(true);
    expect(a.peer.sendBinary(new Uint8Array(0))).to.equal(true);
    expect(a.peer.sendBinary(largest)).to.equal(true);
    // The channel is ordered: once the good frame is here, the two before it were handled.
    await until(() => b.binary.length === 1, 10_000, 'the good frame did not arrive');
    expect(b.binary[0]).to.deep.equal(largest);
    expect(b.errors).to.deep.equal([
      { code: 'ERR_PEER_MESSAGE_INVALID', fatal: false },
      { code: 'ERR_PEER_MESSAGE_INVALID', fatal: false },
    ]);
    expect(b.peer.connected, 'a bad frame does not end the connection').to.equal(true);
  });

  it('refuses a text message that is no known message with ERR_PEER_MESSAGE_INVALID', async () => {
    const { a, b } = await connected();
    a.peer.send({ type: 'no-such-message' } as unknown as PeerMessage);
    a.peer.send(chat('after'));
    await until(() => b.messages.length === 1, 10_000, 'the good message did not arrive');
    expect(b.messages).to.deep.equal([chat('after')]);
    expect(b.errors).to.deep.equal([{ code: 'ERR_PEER_MESSAGE_INVALID', fatal: false }]);
  });

  it('sends the tracks given at the start; the other side decodes them from one remote stream', async () => {
    const stream = await navigator.mediaDevices.getUserMedia({ audio: true, video: true });
    captured.push(...stream.getTracks());
    const { a, b } = pair({
      audio: stream.getAudioTracks()[0]!,
      video: stream.getVideoTracks()[0]!,
    });
    await until(() => a.connects === 1 && b.connects === 1, 15_000, 'not connected');
    await until(() => b.streams.at(-1)?.getTracks().length === 2, 10_000, 'no remote tracks');
    expect(new Set(b.streams), 'one stream for the connection').to.have.property('size', 1);
    expect(
      b.streams[0]!.getTracks()
        .map((t) => t.kind)
        .sort(),
    ).to.deep.equal(['audio', 'video']);
    await until(
      async () => {
        let decoded = 0;
        (await b.peer.stats())?.forEach((r: RTCStats & Record<string, unknown>) => {
          if (r.type === 'inbound-rtp' && r['kind'] === 'video')
            decoded += Number(r['framesDecoded'] ?? 0);
        });
        return decoded > 0;
      },
      15_000,
      'no video frame decoded',
    );
  });

  it('restarts ICE on the same connection when the answerer asks; the data channel survives', async () => {
    const { a, b } = await connected();
    const pc = a.peer.connection!;
    const ufrag = (sdp = '') => /a=ice-ufrag:(\S+)/.exec(sdp)?.[1];
    const before = ufrag(pc.localDescription?.sdp);
    const remoteBefore = ufrag(pc.remoteDescription?.sdp);
    expect(before).to.be.a('string');
    // What the answerer sends when it loses the path (`renegotiate`), as if it had.
    a.peer.signal({ type: 'renegotiate', renegotiate: true });
    expect(a.recovering).to.equal(1);
    expect(a.peer.recovering).to.equal(true);
    // A fresh offer and answer with new ICE credentials, on the same connection.
    await until(
      () =>
        ufrag(pc.localDescription?.sdp) !== before &&
        ufrag(pc.remoteDescription?.sdp) !== remoteBefore,
      15_000,
      'no ICE restart',
    );
    await until(() => a.recovered === 1, 15_000, 'not recovered');
    expect(a.peer.recovering).to.equal(false);
    expect(a.peer.connection, 'the same connection').to.equal(pc);
    expect(a.peer.send(chat('still here'))).to.equal(true);
    await until(() => b.messages.length === 1, 10_000, 'the data channel did not survive');
    expect(a.connects + b.connects).to.equal(2);
    expect(a.lost + b.lost).to.equal(0);
  });
});
