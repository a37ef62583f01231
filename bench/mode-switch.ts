/**
 * Mode switch: from the agent's click to the customer seeing the change, over N rounds of
 * "End call" (video off: the customer's view of the agent's video goes away) and "Start video call"
 * (video on: the agent's camera opens again and its first frame is shown on the customer's page).
 *
 * Baseline, interleaved in the same run: the same peer connection wrapper on a bare page, doing the
 * same by hand: stop or reopen the camera, swap the track, and tell the other page in one
 * data-channel message (no agreement, no service, no element).
 *
 *   npm run bench:call      (builds first; runs in a loopback-only network namespace)
 *   ROUNDS=10 tsx bench/mode-switch.ts
 */
import { loadavg } from 'node:os';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, waitForState } from '../e2e/browser.js';
import { startHostPage } from '../e2e/host-page.js';
import { startTestService } from '../signalling/testing/service.js';
import { startBaseline } from './baseline/relay.js';
import { formatRow, summarize } from './stats.js';

const ROUNDS = Number(process.env.ROUNDS ?? 10);

/** In the receiving page: every remote frame's time, and when the remote video was hidden. */
const WATCH = `(() => {
  const w = (window.__watch = { frames: [], hidden: [] });
  let watched = null;
  const find = () =>
    document.querySelector('video-session')?.shadowRoot?.querySelector('[part~="remote-video"]') ??
    document.getElementById('remote');
  const look = () => {
    const v = find();
    if (v && v !== watched) {
      watched = v;
      const tick = (now) => {
        w.frames.push(performance.timeOrigin + now);
        v.requestVideoFrameCallback(tick);
      };
      v.requestVideoFrameCallback(tick);
      new MutationObserver(() => {
        if (v.hidden) w.hidden.push(performance.timeOrigin + performance.now());
      }).observe(v, { attributes: true, attributeFilter: ['hidden'] });
    }
    setTimeout(look, 20);
  };
  look();
})();`;

interface Watch {
  frames: number[];
  hidden: number[];
}

const first = (page: Page, key: keyof Watch, after: number) =>
  page
    .waitForFunction(
      ([k, t]) => (window as unknown as { __watch: Watch }).__watch[k].find((x) => x > t) ?? 0,
      [key, after] as const,
      { timeout: 15_000, polling: 10 },
    )
    .then((h) => h.jsonValue() as Promise<number>);

const settle = () => new Promise((r) => setTimeout(r, 1000));

interface Side {
  off(): Promise<number>;
  on(): Promise<number>;
}

const host = await startHostPage();
const service = await startTestService({ allowedOrigins: [host.origin] });
host.use(service.url, service.signallingUrl);
const baseline = await startBaseline();
const browser: Browser = await launchChromium();

async function pages() {
  const contexts = [await browser.newContext(), await browser.newContext()];
  const [a, c] = await Promise.all(contexts.map((x) => x.newPage()));
  await c!.addInitScript(WATCH);
  return { agent: a!, customer: c! };
}

async function oursSide(): Promise<Side> {
  const session = await service.createSession();
  const { agent, customer } = await pages();
  await agent.goto(host.url(session.agentToken));
  await agent.evaluate(() => document.querySelector('video-session')!.start());
  await waitForState(agent, 'waiting');
  await customer.goto(host.url(session.customerToken));
  await customer.evaluate(() => document.querySelector('video-session')!.start());
  await first(customer, 'frames', 0);
  const click = (label: string) =>
    agent.evaluate((name) => {
      const el = document.querySelector('video-session')!;
      const button = [...el.shadowRoot!.querySelectorAll('button')].find(
        (b) => b.getAttribute('aria-label') === name,
      )!;
      const t0 = performance.timeOrigin + performance.now();
      button.click();
      return t0;
    }, label);
  return {
    async off() {
      const t0 = await click('End call');
      return (await first(customer, 'hidden', t0)) - t0;
    },
    async on() {
      const t0 = await click('Start video call');
      return (await first(customer, 'frames', t0)) - t0;
    },
  };
}

async function bareSide(): Promise<Side> {
  const { agent, customer } = await pages();
  await agent.goto(`${baseline.url}/?room=switch`);
  await customer.goto(`${baseline.url}/?room=switch`);
  await first(customer, 'frames', 0);
  const run = (fn: '__videoOff' | '__videoOn') =>
    agent.evaluate((name) => {
      const t0 = performance.timeOrigin + performance.now();
      void (window as unknown as Record<string, () => unknown>)[name]!();
      return t0;
    }, fn);
  return {
    async off() {
      const t0 = await run('__videoOff');
      return (await first(customer, 'hidden', t0)) - t0;
    },
    async on() {
      const t0 = await run('__videoOn');
      return (await first(customer, 'frames', t0)) - t0;
    },
  };
}

const results = {
  ours: { off: [] as number[], on: [] as number[] },
  baseline: { off: [] as number[], on: [] as number[] },
};
try {
  const sides = { ours: await oursSide(), baseline: await bareSide() };
  for (let i = 0; i < ROUNDS + 1; i++) {
    // Interleaved, alternating which goes first; round 0 warms up and is not counted.
    const order = i % 2 === 0 ? (['ours', 'baseline'] as const) : (['baseline', 'ours'] as const);
    for (const name of order) {
      await settle();
      const off = await sides[name].off();
      await settle();
      const on = await sides[name].on();
      if (i === 0) continue;
      results[name].off.push(off);
      results[name].on.push(on);
    }
  }
} finally {
  await browser.close();
  await baseline.close();
  await service.stop();
  await host.close();
}

console.log(
  `\nMode switch: the agent's click -> the customer sees the change (${ROUNDS} rounds each, interleaved)`,
);
console.log(
  `load average at the end: ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);
console.log(formatRow('', ['median', 'p95', 'min', 'max', 'ratio']));
for (const [what, label] of [
  ['off', 'video off (End call) -> the agent\u2019s video gone'],
  ['on', 'video on (Start video call) -> first frame'],
] as const) {
  console.log(label);
  const o = summarize(results.ours[what]);
  const b = summarize(results.baseline[what]);
  const cells = (s: typeof o, ratio: string) => [
    ...[s.median, s.p95, s.min, s.max].map((v) => `${v.toFixed(0)} ms`),
    ratio,
  ];
  console.log(formatRow('  video-session', cells(o, `${(o.median / b.median).toFixed(2)}x`)));
  console.log(formatRow('  bare baseline', cells(b, '')));
}
console.log();
