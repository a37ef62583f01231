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

/**
 * Marks read by the bench, in wall-clock ms, set from outside the widget (wrapped browser APIs):
 * `start` (the bench calls start()), `camera` (getUserMedia resolved), `welcome` (the service
 * admitted the token), `joined` (both are here: `peer-joined`, or the bare relay's `ready`), `pc`
 * (the peer connection made), `offer` (an offer made or received), `stable` (it was answered),
 * `ice` (ICE connected), `connected` (DTLS up: the connection's state), `sending` (a video track is first
 * handed to a sender), `frame` (the first remote frame decoded), and `chunks` (when each of the
 * widget's lazily loaded scripts finished loading).
 */
const MARKS = `(() => {
  const marks = (window.__marks = { start: 0, camera: 0, welcome: 0, joined: 0, pc: 0, offer: 0, stable: 0, ice: 0, connected: 0, sending: 0, frame: 0 });
  const now = () => performance.timeOrigin + performance.now();
  const once = (name) => { if (!marks[name]) marks[name] = now(); };
  const Native = window.WebSocket;
  window.WebSocket = class extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', (e) => {
        if (typeof e.data !== 'string') return;
        if (/"type":"welcome"/.test(e.data)) once('welcome');
        if (/"type":"(peer-joined|ready)"/.test(e.data)) once('joined');
      });
    }
  };
  const gum = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
  navigator.mediaDevices.getUserMedia = async (c) => { const s = await gum(c); once('camera'); return s; };
  const NativePc = window.RTCPeerConnection;
  window.RTCPeerConnection = class extends NativePc {
    constructor(...args) {
      super(...args);
      once('pc');
      this.addEventListener('signalingstatechange', () => {
        if (this.signalingState === 'have-local-offer' || this.signalingState === 'have-remote-offer') once('offer');
        if (this.signalingState === 'stable' && marks.offer) once('stable');
      });
      this.addEventListener('iceconnectionstatechange', () => {
        if (this.iceConnectionState === 'connected' || this.iceConnectionState === 'completed') once('ice');
      });
      this.addEventListener('connectionstatechange', () => { if (this.connectionState === 'connected') once('connected'); });
    }
    addTrack(track, ...rest) { if (track.kind === 'video') once('sending'); return super.addTrack(track, ...rest); }
    addTransceiver(what, init) {
      if (typeof what !== 'string' && what.kind === 'video') once('sending');
      return super.addTransceiver(what, init);
    }
  };
  const replace = RTCRtpSender.prototype.replaceTrack;
  RTCRtpSender.prototype.replaceTrack = function (track) {
    if (track && track.kind === 'video') once('sending');
    return replace.call(this, track);
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

type Marks = Record<
  | 'start'
  | 'camera'
  | 'welcome'
  | 'joined'
  | 'pc'
  | 'offer'
  | 'stable'
  | 'ice'
  | 'connected'
  | 'sending'
  | 'frame',
  number
> & { chunks: number[] };

/** One call: the headline (both joined -> first frame on both), and each page's marks. */
interface Measured {
  setup: number;
  pages: Marks[];
}

async function measure(
  browser: Browser,
  open: (page: Page, role: 0 | 1) => Promise<void>,
): Promise<Measured> {
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
          { timeout: 20_000 },
        );
        return p.evaluate(() => {
          const m = (window as never as { __marks: Marks }).__marks;
          // The widget's chunks (video-session-*.js, not the tracking worker), when each arrived.
          const chunks = performance
            .getEntriesByType('resource')
            .filter((e) => /\/video-session-(?!tracking)[\w-]+\.js$/.test(e.name))
            .map((e) => performance.timeOrigin + (e as PerformanceResourceTiming).responseEnd);
          return { ...m, chunks };
        });
      }),
    );
    const setup = Math.max(...marks.map((m) => m.frame)) - Math.min(...marks.map((m) => m.joined));
    return { setup, pages: marks };
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
    await page.evaluate(() => {
      (window as never as { __marks: Marks }).__marks.start =
        performance.timeOrigin + performance.now();
      return document.querySelector('video-session')!.start();
    });
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

const results = { ours: [] as Measured[], baseline: [] as Measured[] };
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

const o = summarize(results.ours.map((m) => m.setup));
const b = summarize(results.baseline.map((m) => m.setup));
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

/**
 * Where the time goes, median over the calls. Before joining, per page: camera start and the
 * token check with the welcome (the widget opens the camera first, so the permission prompt is
 * answered before the other person sees it join). After both joined, for the call (the later of
 * the two pages): ICE connected, DTLS up, the first video handed to a sender (the widget agrees the
 * call mode over the data channel first; the baseline sends its camera from the start), and the
 * first frame decoded. Chunks: how many of the widget's lazily loaded scripts arrived before the
 * first frame, on both pages (none is needed for it: they load once the call is set up).
 */
const since = (runs: Measured[], mark: keyof Marks, from: keyof Marks) =>
  summarize(
    runs.map((r) =>
      Math.max(
        ...r.pages.map(
          (p) => (p[mark] as number) - Math.min(...r.pages.map((q) => q[from] as number)),
        ),
      ),
    ),
  ).median;
const perPage = (runs: Measured[], to: keyof Marks, from: keyof Marks) =>
  summarize(runs.flatMap((r) => r.pages.map((p) => (p[to] as number) - (p[from] as number))))
    .median;
const ms = (v: number) => (Number.isFinite(v) ? `${v.toFixed(0)} ms` : '-');
console.log('Where the time goes (median)');
console.log(formatRow('', ['video-session', 'baseline']));
console.log(
  formatRow('camera start (start -> camera)', [ms(perPage(results.ours, 'camera', 'start')), '-']),
);
console.log(
  formatRow('token check + welcome (camera -> welcome)', [
    ms(perPage(results.ours, 'welcome', 'camera')),
    '-',
  ]),
);
for (const [label, mark] of [
  ['both joined -> connection made', 'pc'],
  ['both joined -> offer made/received', 'offer'],
  ['both joined -> offer answered', 'stable'],
  ['both joined -> ICE connected', 'ice'],
  ['both joined -> DTLS up', 'connected'],
  ['both joined -> first video sent', 'sending'],
  ['both joined -> first frame on both', 'frame'],
] as const) {
  console.log(
    formatRow(label, [
      ms(since(results.ours, mark, 'joined')),
      mark === 'sending' ? 'from the start' : ms(since(results.baseline, mark, 'joined')),
    ]),
  );
}
const chunksBefore = results.ours.map((r) => {
  const frame = Math.max(...r.pages.map((p) => p.frame));
  return r.pages.flatMap((p) => p.chunks).filter((at) => at < frame).length;
});
console.log(
  formatRow('chunks loaded before the first frame', [
    `${summarize(chunksBefore).median} (max ${Math.max(...chunksBefore)})`,
    '-',
  ]),
);
console.log('');
