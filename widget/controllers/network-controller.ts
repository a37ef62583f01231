/**
 * Owns the reading of the peer connection's statistics while a call runs: every two seconds it
 * turns `getStats()` into round trip, loss (both directions), bitrates and the other person's
 * frame rate, grades it (`src/network-quality.ts`), and says when the link has been bad long enough
 * to drop to voice, or good again. Knows nothing of the peer connection: `stats()` is injected.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import {
  QualityTrend,
  classify,
  type QualityLevel,
  type QualitySample,
} from '../../src/network-quality.js';

export interface NetworkOptions {
  stats(): Promise<RTCStatsReport | null>;
  /** Whether the other person's video should be arriving (their frame rate counts then). */
  expectsVideo(): boolean;
  /** A new reading (and its level). */
  onSample(sample: QualitySample, level: QualityLevel): void;
  /** The link has been bad for a while (`drop`), or is good again after that (`recover`). */
  onTrend(trend: 'drop' | 'recover'): void;
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

export class NetworkController implements ReactiveController {
  private readonly options: NetworkOptions;
  private timer: ReturnType<typeof setInterval> | undefined;
  private last: Totals | null = null;
  private readonly trend = new QualityTrend();
  private reading = false;

  constructor(host: ReactiveControllerHost, options: NetworkOptions) {
    this.options = options;
    host.addController(this);
  }

  hostDisconnected(): void {
    this.stop();
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

  /** Forgets a bad or good streak (the person chose a mode themselves, or a new connection). */
  resetTrend(): void {
    this.trend.reset();
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
      this.options.onSample(sample, level);
      const trend = this.trend.next(level);
      if (trend) this.options.onTrend(trend);
    } finally {
      this.reading = false;
    }
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
