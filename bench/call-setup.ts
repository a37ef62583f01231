/**
 * Call setup: from both peers joined (the service's `peer-joined`, the relay's `ready`) to the
 * first remote frame decoded on both sides, over N calls, interleaved with a bare baseline in the
 * same run: the same peer library over a minimal raw `ws` relay, no auth, no framework.
 *
 *   npm run bench            (builds first; runs in a loopback-only network namespace)
 *   CALLS=20 tsx bench/call-setup.ts
 */
import { loadavg } from 'node:os';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, waitForState } from '../e2e/browser.js';
import { startHostPage } from '../e2e/host-page.js';
import { startServer } from '../signalling/node.js';
import { startBaseline } from './baseline/relay.js';
import { summarize, formatRow } from './stats.js';

const CALLS = Number(process.env.CALLS ?? 20);
const WARMUP = 2;
const API_KEY = 'bench-api-key-0123456789';

/** Marks read by the bench: when "both joined" arrived, and the first remote frame. */
const MARKS = `(() => {
  const marks = (window.__marks = { joined: 0, frame: 0 });
  const now = () => performance.timeOrigin + performance.now();
  const Native = window.WebSocket;
  window.WebSocket = class extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', (e) => {
        if (!marks.joined && typeof e.data === 'string' && /"type":"(peer-joined|ready)"/.test(e.data)) marks.joined = now();
      });
    }
  };
  const find = () =>
    document.querySelector('video-session')?.shadowRoot?.querySelector('[part~="remote-video"]') ??
    document.getElementById('remote');
  const poll = () => {
    const v = find();
    if (v && v.srcObject) v.requestVideoFrameCallback((t) => (marks.frame = performance.timeOrigin + t));
    else setTimeout(poll, 2);
  };
  poll();
})();`;

async function measure(
  browser: Browser,
  open: (page: Page, role: 0 | 1) => Promise<void>,
): Promise<number> {
  const contexts = [await browser.newContext(), await browser.newContext()];
  try {
    const pages = await Promise.all(contexts.map((c) => c.newPage()));
    for (const p of pages) await p.addInitScript(MARKS);
    await open(pages[0]!, 0);
    await open(pages[1]!, 1);
    const marks = await Promise.all(
      pages.map(async (p) => {
        await p.waitForFunction(
          () => (window as never as { __marks: { frame: number } }).__marks.frame > 0,
          null,
          {
            timeout: 20_000,
          },
        );
        return p.evaluate(
          () => (window as never as { __marks: { joined: number; frame: number } }).__marks,
        );
      }),
    );
    return Math.max(...marks.map((m) => m.frame)) - Math.min(...marks.map((m) => m.joined));
  } finally {
    await Promise.all(contexts.map((c) => c.close()));
  }
}

const dataDir = mkdtempSync(join(tmpdir(), 'vs-bench-'));
const host = await startHostPage();
const service = await startServer({
  port: 0,
  host: '127.0.0.1',
  apiKey: API_KEY,
  dataDir,
  allowedOrigins: [host.origin],
  logger: pino({ level: 'silent' }),
});
host.use(service.url, service.signallingUrl);
const baseline = await startBaseline();
const browser = await launchChromium();

const ours = async () => {
  const res = await fetch(`${service.url}/v1/sessions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify({ ticketId: 'BENCH', agent: { id: 'a', name: 'Agent' } }),
  });
  const session = (await res.json()) as { agentToken: string; customerToken: string };
  return measure(browser, async (page, role) => {
    await page.goto(host.url(role === 0 ? session.agentToken : session.customerToken));
    await page.evaluate(() => document.querySelector('video-session')!.start());
    if (role === 0) await waitForState(page, 'waiting');
  });
};
let room = 0;
const bare = async () => {
  const id = `r${++room}`;
  return measure(browser, async (page) => {
    await page.goto(`${baseline.url}/?room=${id}`);
  });
};

const results = { ours: [] as number[], baseline: [] as number[] };
try {
  for (let i = 0; i < WARMUP; i++) {
    await ours();
    await bare();
  }
  for (let i = 0; i < CALLS; i++) {
    // Interleaved, and alternating which goes first, so machine noise hits both alike.
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
  await service.close();
  await host.close();
  rmSync(dataDir, { recursive: true, force: true });
}

const o = summarize(results.ours);
const b = summarize(results.baseline);
console.log(
  `\nCall setup: both joined -> first remote frame on both sides (${CALLS} calls each, interleaved)`,
);
console.log(
  `load average at the end: ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);
console.log(formatRow('', ['median', 'p95', 'min', 'max']));
console.log(
  formatRow(
    'video-session',
    [o.median, o.p95, o.min, o.max].map((v) => `${v.toFixed(0)} ms`),
  ),
);
console.log(
  formatRow(
    'baseline (raw ws)',
    [b.median, b.p95, b.min, b.max].map((v) => `${v.toFixed(0)} ms`),
  ),
);
console.log(
  formatRow(
    'ratio',
    [o.median / b.median, o.p95 / b.p95].map((v) => `${v.toFixed(2)}x`),
  ),
);
console.log(
  `target: median within 1.2x of the baseline -> ${o.median / b.median <= 1.2 ? 'met' : 'NOT met'}\n`,
);
