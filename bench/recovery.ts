/**
 * Recovery: a relay-only call through a real coturn; the coturn process is killed and started again
 * (its allocations are gone, so the path is broken until ICE is restarted); the figure is the time
 * from the kill to the first remote frame decoded after the gap, on both sides (the later of the
 * two), over N calls.
 *
 * Baseline, interleaved in the same run: the same peer connection wrapper on a bare page over a raw
 * `ws` relay, told to restart ICE the moment the relay is back (an oracle: no detection at all).
 * The difference is what noticing the broken path costs.
 *
 *   npm run bench:call      (builds first; runs in a loopback-only network namespace)
 *   CALLS=10 tsx bench/recovery.ts
 */
import { loadavg } from 'node:os';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, waitForState } from '../e2e/browser.js';
import { startHostPage } from '../e2e/host-page.js';
import { startTurnServer } from '../e2e/turn-server.js';
import { startTestService } from '../signalling/testing/service.js';
import { iceServersFor } from '../signalling/relay/turn.js';
import { startBaseline } from './baseline/relay.js';
import { formatRow, summarize } from './stats.js';

const CALLS = Number(process.env.CALLS ?? 10);

/** Records the presentation time (epoch ms) of every remote frame. */
const FRAMES = `(() => {
  const frames = (window.__frames = []);
  let watched = null;
  const find = () =>
    document.querySelector('video-session')?.shadowRoot?.querySelector('[part~="remote-video"]') ??
    document.getElementById('remote');
  const look = () => {
    const v = find();
    if (v && v !== watched) {
      watched = v;
      const tick = (now) => {
        frames.push(performance.timeOrigin + now);
        v.requestVideoFrameCallback(tick);
      };
      v.requestVideoFrameCallback(tick);
    }
    setTimeout(look, 50);
  };
  look();
})();`;

/**
 * When frames came back: the frame that ends the longest gap between frames since `t0`, once a
 * second's worth of frames (20) has followed it, so the video really runs again.
 */
function recoveredAt(page: Page, t0: number): Promise<number> {
  return page
    .waitForFunction(
      (since) => {
        const f = (window as unknown as { __frames: number[] }).__frames;
        let start = f.findIndex((t) => t > since);
        if (start < 1) return 0;
        let best = start;
        for (let i = start; i < f.length; i++)
          if (f[i]! - f[i - 1]! > f[best]! - f[best - 1]!) best = i;
        start = best;
        return f.length - start >= 20 ? f[start] : 0;
      },
      t0,
      { timeout: 30_000, polling: 50 },
    )
    .then((h) => h.jsonValue() as Promise<number>);
}

function framesFlowing(page: Page) {
  return page.waitForFunction(
    () => (window as unknown as { __frames: number[] }).__frames.length > 20,
    null,
    { timeout: 20_000 },
  );
}

const host = await startHostPage();
const turn = await startTurnServer();
const service = await startTestService({
  allowedOrigins: [host.origin],
  turnUrls: turn.urls,
  turnSecret: turn.secret,
  iceTransportPolicy: 'relay',
});
host.use(service.url, service.signallingUrl);
const baseline = await startBaseline();
const browser: Browser = await launchChromium();

async function pair(open: (page: Page, role: 0 | 1) => Promise<void>) {
  const contexts = [await browser.newContext(), await browser.newContext()];
  const pages = await Promise.all(contexts.map((c) => c.newPage()));
  for (const p of pages) await p.addInitScript(FRAMES);
  await open(pages[0]!, 0);
  await open(pages[1]!, 1);
  await Promise.all(pages.map(framesFlowing));
  return { pages, close: () => Promise.all(contexts.map((c) => c.close())) };
}

/** Breaks the path (kill + start coturn), optionally tells the pages, and times the recovery. */
async function breakAndTime(pages: Page[], afterRestart?: () => Promise<void>): Promise<number> {
  const t0 = Date.now();
  await turn.kill();
  await turn.start();
  await afterRestart?.();
  const back = await Promise.all(pages.map((p) => recoveredAt(p, t0)));
  return Math.max(...back) - t0;
}

const ours = async () => {
  const session = await service.createSession();
  const call = await pair(async (page, role) => {
    await page.goto(host.url(role === 0 ? session.agentToken : session.customerToken));
    await page.evaluate(() => document.querySelector('video-session')!.start());
    if (role === 0) await waitForState(page, 'waiting');
  });
  try {
    return await breakAndTime(call.pages);
  } finally {
    await call.close();
  }
};

let room = 0;
const bare = async () => {
  const id = `r${++room}`;
  const config = {
    iceServers: iceServersFor([], { urls: turn.urls, secret: turn.secret }, id),
    iceTransportPolicy: 'relay',
  };
  const ice = Buffer.from(JSON.stringify(config)).toString('base64');
  const call = await pair(async (page) => {
    await page.goto(`${baseline.url}/?room=${id}&ice=${encodeURIComponent(ice)}`);
  });
  try {
    return await breakAndTime(call.pages, async () => {
      for (const p of call.pages) {
        await p.evaluate(() => (window as unknown as { __restart(): void }).__restart());
      }
    });
  } finally {
    await call.close();
  }
};

const results = { ours: [] as number[], baseline: [] as number[] };
try {
  await ours(); // warm-up
  for (let i = 0; i < CALLS; i++) {
    // Interleaved, alternating which goes first, so machine noise hits both alike.
    if (i % 2 === 0) {
      results.ours.push(await ours());
      results.baseline.push(await bare());
    } else {
      results.baseline.push(await bare());
      results.ours.push(await ours());
    }
  }
} finally {
  await browser.close();
  await baseline.close();
  await service.stop();
  await turn.close();
  await host.close();
}

const o = summarize(results.ours);
const b = summarize(results.baseline);
console.log(
  `\nRecovery: relay killed and restarted -> first remote frame after the gap, both sides (${CALLS} calls each, interleaved)`,
);
console.log(
  `load average at the end: ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);
console.log(formatRow('', ['median', 'p95', 'min', 'max']));
const row = (label: string, s: typeof o) =>
  console.log(
    formatRow(
      label,
      [s.median, s.p95, s.min, s.max].map((v) => `${v.toFixed(0)} ms`),
    ),
  );
row('video-session', o);
row('oracle restart', b);
console.log(formatRow('difference', [`${(o.median - b.median).toFixed(0)} ms`]));
console.log(`target: median under 3000 ms -> ${o.median < 3000 ? 'met' : 'NOT met'}\n`);
