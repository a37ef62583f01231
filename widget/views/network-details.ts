/**
 * The network bars in the status pill, with the numbers behind them on hover, focus or a tap (in
 * the panels' chunk: they show once a call runs).
 */
import { html } from 'lit';
import type { QualityLevel, QualitySample } from '../../src/network-quality.js';
import type { CallView } from './call-view.js';

/** Signal bars for the link, with the numbers behind them on hover, focus or a tap. */
export function network(v: CallView, level: QualityLevel, s: QualitySample) {
  const { t } = v;
  const number = (n: number, unit?: string, digits = 0) =>
    new Intl.NumberFormat(t.locale, {
      maximumFractionDigits: digits,
      ...(unit ? { style: 'unit', unit } : {}),
    }).format(n);
  const rate = (kbps: number) =>
    kbps >= 1000
      ? number(kbps / 1000, 'megabit-per-second', 1)
      : number(kbps, 'kilobit-per-second');
  const details = t.networkDetails({
    rtt: s.rttMs === null ? '–' : number(s.rttMs, 'millisecond'),
    loss: new Intl.NumberFormat(t.locale, { style: 'percent', maximumFractionDigits: 1 }).format(
      s.lossPercent / 100,
    ),
    inbound: rate(s.inKbps),
    outbound: rate(s.outKbps),
    fps: s.fps === null ? '' : number(s.fps),
  });
  const bars = { good: 4, fair: 3, poor: 2, bad: 1 }[level];
  return html`<span class="net ${level}">
    <button
      type="button"
      part="network"
      aria-label=${t.network[level]}
      aria-describedby="network-details"
      @click=${(e: Event) => (e.currentTarget as HTMLElement).focus()}
    >
      ${[1, 2, 3, 4].map((b) => html`<i class=${b <= bars ? 'on' : ''}></i>`)}
    </button>
    <span id="network-details" role="tooltip">${details}</span>
  </span>`;
}
