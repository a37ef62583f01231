import { expect } from 'chai';
import { sends, type CallMode } from '../../../src/call-modes.js';
import { BAD_STREAK, GOOD_STREAK } from '../../../src/network-quality.js';
import type { Role } from '../../../src/protocol.js';
import { until } from '../../testing.js';
import { mountHost, removeHosts } from '../../core/testing-host.js';
import { NetworkController, type PoorNetwork } from './network-controller.js';

afterEach(removeHosts);

/** What the link does from now on, for every meter: each reading adds one interval of it. */
let weather: 'good' | 'bad' = 'good';

/**
 * A peer connection's counters as `getStats()` reports them (an RTCStatsReport-like Map), growing
 * with each reading by one interval of the weather: good (no loss, 40 ms, 40 frames a second's
 * worth), or very poor (20 % lost on the way in, 30 % reported lost on the way out, 1.2 s).
 */
class Link {
  /** Readings taken in each weather. */
  readonly reads = { good: 0, bad: 0 };
  private received = 0;
  private lost = 0;
  private bytesIn = 0;
  private bytesOut = 0;
  private frames = 0;

  report(): RTCStatsReport {
    const now = weather;
    this.reads[now]++;
    this.received += now === 'good' ? 500 : 400;
    this.lost += now === 'good' ? 0 : 100;
    this.bytesIn += 250_000;
    this.bytesOut += 200_000;
    this.frames += 80;
    const rtt = now === 'good' ? 0.04 : 1.2;
    const stats: [string, Record<string, unknown>][] = [
      ['T01', { id: 'T01', type: 'transport', selectedCandidatePairId: 'CP1' }],
      ['CP1', { id: 'CP1', type: 'candidate-pair', currentRoundTripTime: rtt }],
      // A pair that is not the selected one: its round trip must not count.
      ['CP2', { id: 'CP2', type: 'candidate-pair', currentRoundTripTime: 5 }],
      [
        'IA',
        {
          type: 'inbound-rtp',
          kind: 'audio',
          packetsReceived: this.received / 2,
          packetsLost: this.lost / 2,
          bytesReceived: this.bytesIn / 5,
        },
      ],
      [
        'IV',
        {
          type: 'inbound-rtp',
          kind: 'video',
          packetsReceived: this.received / 2,
          packetsLost: this.lost / 2,
          bytesReceived: (this.bytesIn * 4) / 5,
          framesDecoded: this.frames,
        },
      ],
      ['OV', { type: 'outbound-rtp', kind: 'video', bytesSent: this.bytesOut }],
      [
        'RIV',
        { type: 'remote-inbound-rtp', kind: 'video', fractionLost: now === 'good' ? 0 : 0.3 },
      ],
    ];
    return new Map(stats) as unknown as RTCStatsReport;
  }
}

/** A network controller with `policy` on `role`'s side, its mode, and what it asked for. */
function meter(policy: PoorNetwork, role: Role) {
  const link = new Link();
  const m = { link, mode: 'two-way' as CallMode, setModes: [] as CallMode[], switched: 0 };
  const net = new NetworkController(mountHost(), {
    stats: () => Promise.resolve(link.report()),
    expectsVideo: () => sends(m.mode, role === 'agent' ? 'customer' : 'agent').video,
    role: () => role,
    policy: () => policy,
    mode: () => m.mode,
    setMode: (mode) => {
      m.setModes.push(mode);
      m.mode = mode;
      return Promise.resolve(mode);
    },
    onSwitched: () => m.switched++,
  });
  return Object.assign(m, { net });
}

describe('NetworkController', () => {
  it('grades the link from getStats, suggests (or switches to) voice when very poor, and offers video back', async function () {
    // Readings come every 2 s: a baseline, one good, BAD_STREAK bad, GOOD_STREAK good again.
    this.timeout(2000 * (2 + BAD_STREAK + GOOD_STREAK) + 30_000);
    weather = 'good';
    const offer = meter('offer', 'agent');
    const switching = meter('switch', 'agent');
    const customer = meter('switch', 'customer');
    const ignore = meter('ignore', 'agent');
    const all = [offer, switching, customer, ignore];
    for (const m of all) {
      expect(m.net.quality).to.equal(null);
      m.net.personConnected();
    }

    await until(
      () => all.every((m) => m.net.quality !== null),
      10_000,
      'no reading after the baseline',
    );
    for (const { net } of all) {
      expect(net.quality!.level).to.equal('good');
      const s = net.quality!.sample;
      expect(s.rttMs).to.be.closeTo(40, 0.001);
      expect(s.lossPercent).to.equal(0);
      expect(s.fps).to.be.greaterThan(15);
      expect(s.inKbps).to.be.greaterThan(0);
      expect(s.outKbps).to.be.greaterThan(0);
      expect(net.suggestion).to.equal(null);
    }

    weather = 'bad';
    await until(
      () => all.every((m) => m.net.quality?.level === 'bad'),
      10_000,
      `levels ${all.map((m) => m.net.quality?.level).join(', ')}`,
    );
    expect(offer.net.quality!.sample.rttMs).to.be.closeTo(1200, 0.001);
    // The worse of the two directions: 20 % lost coming in, 30 % reported lost going out.
    expect(offer.net.quality!.sample.lossPercent).to.be.closeTo(30, 0.001);

    await until(
      () =>
        offer.net.suggestion === 'voice' &&
        switching.mode === 'voice' &&
        customer.net.suggestion === 'voice' &&
        ignore.link.reads.bad >= BAD_STREAK,
      2000 * (BAD_STREAK + 2),
      `after ${offer.link.reads.bad} bad readings: ${offer.net.suggestion}, ${switching.mode}, ${customer.net.suggestion}`,
    );
    // `offer`: suggested only; `switch` on the agent's side: switched and said so, nothing to
    // accept; `switch` on the customer's side: only suggested (the agent decides the mode).
    expect(offer.setModes).to.deep.equal([]);
    expect(switching.setModes).to.deep.equal(['voice']);
    expect(switching.switched).to.equal(1);
    expect(switching.net.suggestion).to.equal(null);
    expect(customer.setModes).to.deep.equal([]);
    expect(customer.switched).to.equal(0);
    // `ignore`: nothing, after as many bad readings.
    expect(ignore.net.quality!.level).to.equal('bad');
    expect(ignore.net.suggestion).to.equal(null);
    expect(ignore.setModes).to.deep.equal([]);
    expect(ignore.switched).to.equal(0);

    await offer.net.accept();
    expect(offer.setModes).to.deep.equal(['voice']);
    expect(offer.net.suggestion).to.equal(null);
    // The customer dismisses it: nothing changes, and the same episode does not ask again.
    await customer.net.accept(false);
    expect(customer.net.suggestion).to.equal(null);
    expect(customer.setModes).to.deep.equal([]);

    weather = 'good';
    await until(
      () => offer.net.suggestion === 'video' && switching.net.suggestion === 'video',
      2000 * (GOOD_STREAK + 3),
      `after ${offer.link.reads.good} readings: ${offer.net.suggestion}, ${switching.net.suggestion}`,
    );
    expect(offer.net.quality!.level).to.equal('good');
    expect(ignore.net.suggestion).to.equal(null);
    // The customer's mode never left two-way: there is no video to offer back.
    expect(customer.net.suggestion).to.equal(null);
    expect(customer.mode).to.equal('two-way');
    // Video back means the mode the link took away.
    await offer.net.accept();
    await switching.net.accept();
    expect(offer.setModes).to.deep.equal(['voice', 'two-way']);
    expect(switching.setModes).to.deep.equal(['voice', 'two-way']);
    expect(offer.net.suggestion).to.equal(null);

    // The connection goes: no reading, no suggestion.
    offer.net.personDisconnected();
    expect(offer.net.quality).to.equal(null);
    expect(offer.net.suggestion).to.equal(null);
  });
});
