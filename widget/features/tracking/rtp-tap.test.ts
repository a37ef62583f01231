import { expect } from 'chai';
import { until } from '../../testing.js';
import { RtpTap } from './rtp-tap.js';

/** The documented number of stamps kept for a listener that is not there yet (`KEPT_STAMPS`). */
const KEPT_STAMPS = 120;

/** What a test started, released after it. */
const cleanups: (() => void)[] = [];

afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

/** The fake camera (as fast as it goes), stopped after the test. */
async function camera(): Promise<MediaStreamTrack> {
  const stream = await navigator.mediaDevices.getUserMedia({ video: { frameRate: { ideal: 60 } } });
  cleanups.push(() => stream.getTracks().forEach((t) => t.stop()));
  return stream.getVideoTracks()[0]!;
}

/**
 * Two connections in the page: `track` goes out on the first one's sender, which `beforeSending`
 * gets before the connection is negotiated (as a new connection's sender is handed to the tap).
 */
async function connection(track: MediaStreamTrack, beforeSending: (s: RTCRtpSender) => void) {
  const a = new RTCPeerConnection();
  const b = new RTCPeerConnection();
  cleanups.push(() => {
    a.close();
    b.close();
  });
  a.onicecandidate = (e) => void (e.candidate && b.addIceCandidate(e.candidate));
  b.onicecandidate = (e) => void (e.candidate && a.addIceCandidate(e.candidate));
  const sender = a.addTrack(track, new MediaStream([track]));
  beforeSending(sender);
  await a.setLocalDescription();
  await b.setRemoteDescription(a.localDescription!);
  await b.setLocalDescription();
  await a.setRemoteDescription(b.localDescription!);
  const framesEncoded = async () => {
    let n = 0;
    (await a.getStats()).forEach((r: RTCStats & Record<string, unknown>) => {
      if (r.type === 'outbound-rtp' && r['kind'] === 'video') n += Number(r['framesEncoded'] ?? 0);
    });
    return n;
  };
  return { sender, framesEncoded };
}

function listener() {
  const heard = { senders: 0, stamps: [] as [number, number][] };
  return {
    heard,
    onSender: () => heard.senders++,
    onStamp: (rtp: number, wall: number) => heard.stamps.push([rtp, wall]),
  };
}

describe('RtpTap', () => {
  it('hands a late listener the last stamps kept (at most the documented number), then live ones', async function () {
    this.timeout(40_000);
    const tap = new RtpTap();
    cleanups.push(() => tap.stop());
    const track = await camera();
    let adopted = false;
    const { framesEncoded } = await connection(track, (sender) => (adopted = tap.adopt(sender)));
    expect(adopted, 'this browser has encoded transforms').to.equal(true);
    // More frames than are kept have left the encoder before anybody listens.
    await until(
      async () => (await framesEncoded()) >= KEPT_STAMPS + 60,
      30_000,
      'too few frames encoded',
    );

    const late = listener();
    tap.listen(late);
    // The new sender first, then the kept stamps at once.
    expect(late.heard.senders).to.equal(1);
    const kept = late.heard.stamps.length;
    expect(kept).to.equal(KEPT_STAMPS);
    const stamps = late.heard.stamps;
    for (let i = 1; i < stamps.length; i++) {
      const [rtp, wall] = stamps[i]!;
      const [rtpBefore, wallBefore] = stamps[i - 1]!;
      // Consecutive frames: RTP time (90 kHz, wrapping at 2^32) and wall time go forward.
      expect((rtp - rtpBefore + 2 ** 32) % 2 ** 32, `stamp ${i}`).to.be.within(1, 90_000);
      expect(wall).to.be.at.least(wallBefore);
    }
    const newest = stamps.at(-1)![1];
    expect(Math.abs(Date.now() - newest)).to.be.below(10_000);

    // After the kept ones, the stamps come as frames are encoded.
    await until(() => late.heard.stamps.length > kept + 10, 10_000, 'no live stamps');
    expect(late.heard.stamps[kept]![1]).to.be.at.least(newest);
  });

  it('tells the listener of a new sender, not of the same sender again', async () => {
    const tap = new RtpTap();
    cleanups.push(() => tap.stop());
    const heard = listener();
    tap.listen(heard);
    expect(heard.heard.senders).to.equal(1);
    const track = await camera();
    const first = await connection(track, (sender) => expect(tap.adopt(sender)).to.equal(true));
    expect(heard.heard.senders).to.equal(2);
    await until(() => heard.heard.stamps.length > 5, 10_000, 'no stamps');
    // The same sender again (a renegotiation): it keeps its transform, nothing new.
    expect(tap.adopt(first.sender)).to.equal(true);
    expect(heard.heard.senders).to.equal(2);
    // A new connection's sender starts its RTP timestamps somewhere new.
    const second = track.clone();
    cleanups.push(() => second.stop());
    await connection(second, (sender) => expect(tap.adopt(sender)).to.equal(true));
    expect(heard.heard.senders).to.equal(3);
  });
});
