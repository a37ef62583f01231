/**
 * The network's quality while a call runs: every two seconds it turns `getStats()` into round
 * trip, loss (both directions), bitrates and the other person's frame rate, and grades it
 * (`src/network-quality.ts`). When the link has been very poor for a while it suggests voice only
 * (or, with `poor-network="switch"`, the agent's widget switches), and when the link is good again
 * it offers video back. Knows nothing of the peer connection or the modes: `stats()`, the mode and
 * the change of mode are injected.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { sends, type CallMode } from '../../../src/call-modes.js';
import {
  QualityTrend,
  classify,
  type QualityLevel,
  type QualitySample,
} from '../../../src/network-quality.js';
import type { Role } from '../../../src/protocol.js';
import type { CallFeature } from '../../core/call/call-controller.js';

/** What a very poor link does: `offer` voice only, `switch` to it (the agent's widget), `ignore`. */
export type PoorNetwork = 'offer' | 'switch' | 'ignore';

export interface NetworkOptions {
  stats(): Promise<RTCStatsReport | null>;
  /** Whether the other person's video should be arriving (their frame rate counts then). */
  expectsVideo(): boolean;
  role(): Role;
  /** The `poor-network` setting. */
  policy(): PoorNetwork;
  /** The agreed mode, and a change of it. */
  mode(): CallMode;
  setMode(mode: CallMode): Promise<unknown>;
  /** The agent's widget switched to voice on its own (the person is told why). */
  onSwitched(): void;
}

/** A reading and its level. */
export interface Quality {
  sample: QualitySample;
  level: QualityLevel;
}

const EVERY_MS = 2000;

interface Totals {
  at: number;
  received: number;
  lost: number;
  bytesIn: number;
  bytesOut: number;
  frames: number;
}

export class NetworkController implements ReactiveController, CallFeature {
  private readonly host: ReactiveControllerHost;
  private readonly options: NetworkOptions;
  private timer: ReturnType<typeof setInterval> | undefined;
  private last: Totals | null = null;
  private readonly trend = new QualityTrend();
  private reading = false;
  private quality_: Quality | null = null;
  private suggestion_: 'voice' | 'video' | null = null;
  /** The mode before the link forced voice, to offer back when it recovers. */
  private droppedFrom: CallMode | null = null;

  constructor(host: ReactiveControllerHost, options: NetworkOptions) {
    this.host = host;
    this.options = options;
    host.addController(this);
  }

  hostDisconnected(): void {
    this.stop();
  }

  /** The last reading and its level (null while no call runs). */
  get quality(): Quality | null {
    return this.quality_;
  }

  /** What a poor (or recovered) link suggests to this person: `voice`, `video` back, or nothing. */
  get suggestion(): 'voice' | 'video' | null {
    return this.suggestion_;
  }

  /** Follows the suggestion (voice only, or video back); `false` dismisses it. */
  async accept(accept = true): Promise<void> {
    const suggestion = this.suggestion_;
    this.suggestion_ = null;
    this.host.requestUpdate();
    if (!accept || !suggestion) return;
    if (suggestion === 'voice') {
      this.droppedFrom = this.options.mode();
      await this.options.setMode('voice');
    } else {
      const back = this.droppedFrom ?? 'two-way';
      this.droppedFrom = null;
      await this.options.setMode(back);
    }
  }

  personConnected(): void {
    this.start();
  }

  personDisconnected(): void {
    this.stop();
    this.trend.reset();
    this.quality_ = null;
    this.suggestion_ = null;
  }

  /** Starts reading (a connected call); a running reader keeps going. */
  start(): void {
    if (this.timer) return;
    this.last = null;
    this.timer = setInterval(() => void this.read(), EVERY_MS);
  }

  /** Stops reading; the one place the timer stops. */
  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.last = null;
  }

  private async read(): Promise<void> {
    if (this.reading) return; // a slow getStats must not pile up
    this.reading = true;
    try {
      const report = await this.options.stats();
      if (!report || !this.timer) return;
      const now = totals(report);
      const before = this.last;
      this.last = now.totals;
      if (!before) return;
      const seconds = Math.max(0.001, (now.totals.at - before.at) / 1000);
      const received = now.totals.received - before.received;
      const lost = Math.max(0, now.totals.lost - before.lost);
      const inboundLoss = received + lost > 0 ? (lost / (received + lost)) * 100 : 0;
      const frames = now.totals.frames - before.frames;
      const sample: QualitySample = {
        rttMs: now.rttMs,
        lossPercent: Math.max(inboundLoss, now.remoteLossPercent),
        inKbps: ((now.totals.bytesIn - before.bytesIn) * 8) / 1000 / seconds,
        outKbps: ((now.totals.bytesOut - before.bytesOut) * 8) / 1000 / seconds,
        fps: this.options.expectsVideo() ? frames / seconds : null,
      };
      const level = classify(sample);
      this.quality_ = { sample, level };
      this.host.requestUpdate();
      const trend = this.trend.next(level);
      if (trend) this.handleTrend(trend);
    } finally {
      this.reading = false;
    }
  }

  /** The link has been very poor for a while, or is fine again after that. */
  private handleTrend(trend: 'drop' | 'recover'): void {
    const policy = this.options.policy();
    if (policy === 'ignore') return;
    const mode = this.options.mode();
    const video = sends(mode, 'agent').video || sends(mode, 'customer').video;
    if (trend === 'drop' && video) {
      // Only the agent's widget switches on its own: it decides the mode.
      if (policy === 'switch' && this.options.role() === 'agent') {
        this.droppedFrom = mode;
        void this.options.setMode('voice');
        this.options.onSwitched();
      } else this.suggestion_ = 'voice';
    } else if (trend === 'recover' && this.droppedFrom && mode === 'voice') {
      this.suggestion_ = 'video';
    }
    this.host.requestUpdate();
  }
}

/** Sums what a report says about the whole connection. */
function totals(report: RTCStatsReport) {
  const t: Totals = {
    at: performance.now(),
    received: 0,
    lost: 0,
    bytesIn: 0,
    bytesOut: 0,
    frames: 0,
  };
  let rttMs: number | null = null;
  let remoteLossPercent = 0;
  let pairId: string | undefined;
  report.forEach((r: RTCStats & Record<string, unknown>) => {
    const n = (key: string) => Number(r[key] ?? 0);
    if (r.type === 'transport') pairId = r['selectedCandidatePairId'] as string | undefined;
    if (r.type === 'inbound-rtp') {
      t.received += n('packetsReceived');
      t.lost += n('packetsLost');
      t.bytesIn += n('bytesReceived');
      if (r['kind'] === 'video') t.frames += n('framesDecoded');
    }
    if (r.type === 'outbound-rtp') t.bytesOut += n('bytesSent');
    // What the other side reports about what we send (RTCP): loss on the way out.
    if (r.type === 'remote-inbound-rtp' && typeof r['fractionLost'] === 'number') {
      remoteLossPercent = Math.max(remoteLossPercent, n('fractionLost') * 100);
    }
  });
  const pair = pairId ? (report.get(pairId) as Record<string, unknown> | undefined) : undefined;
  if (typeof pair?.['currentRoundTripTime'] === 'number')
    rttMs = pair['currentRoundTripTime'] * 1000;
  return { totals: t, rttMs, remoteLossPercent };
}
