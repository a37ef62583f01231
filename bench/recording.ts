/**
 * Recording cost on the recording side (the agent's page) during a 720p call: main-thread busy
 * time per second (the renderer's task time from the DevTools protocol's `Performance` domain,
 * and long tasks from a PerformanceObserver), and the whole browser's CPU (all its processes,
 * from /proc: encoding runs off the main thread). Baseline in the same run: the same call, not
 * recording. Phases are interleaved (not recording, recording, ...), ROUNDS each.
 *
 *   npm run bench:recording      (builds first; runs in a loopback-only network namespace)
 *   ROUNDS=3 SECONDS=5 tsx bench/recording.ts
 */
import { readdirSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import type { Page } from 'playwright-core';
import { launchChromium, waitForState } from '../e2e/browser.js';
import { startHostPage } from '../e2e/host-page.js';
import { startTestService } from '../signalling/testing/service.js';
import { formatRow, summarize } from './stats.js';

const ROUNDS = Number(process.env.ROUNDS ?? 3);
const SECONDS = Number(process.env.SECONDS ?? 5);
const TICKS = 100; // USER_HZ on Linux

/** CPU seconds (user + system) of this script's descendants: the browser and its processes. */
function browserCpuSeconds(): number {
  const procs = new Map<number, { ppid: number; ticks: number }>();
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      // After the command: state, ppid, ... utime (14th field of the line), stime (15th).
      procs.set(Number(pid), {
        ppid: Number(fields[1]),
        ticks: Number(fields[11]) + Number(fields[12]),
      });
    } catch {
      // the process ended meanwhile
    }
  }
  const mine = (pid: number): boolean => {
    for (let p = pid, hops = 0; p > 1 && hops < 20; hops++) {
      if (p === process.pid) return true;
      p = procs.get(p)?.ppid ?? 0;
    }
    return false;
  };
  let ticks = 0;
  for (const [pid, proc] of procs) if (pid !== process.pid && mine(pid)) ticks += proc.ticks;
  return ticks / TICKS;
}

const LONG_TASKS = `(() => {
  window.__long = 0;
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) window.__long += e.duration;
  }).observe({ type: 'longtask', buffered: false });
})();`;

interface Sample {
  busy: number; // main-thread ms per s
  long: number; // long-task ms per s
  cpu: number; // browser CPU %, all processes
}

const host = await startHostPage();
const service = await startTestService({ allowedOrigins: [host.origin] });
host.use(service.url, service.signallingUrl);
const browser = await launchChromium();
const samples = { idle: [] as Sample[], recording: [] as Sample[] };
let videoSize = '';

try {
  const session = await service.createSession();
  const [agent, customer] = (await Promise.all(
    [0, 1].map(async () => (await browser.newContext()).newPage()),
  )) as [Page, Page];
  await agent.addInitScript(LONG_TASKS);
  await agent.goto(host.url(session.agentToken));
  await agent.evaluate(() => document.querySelector('video-session')!.start());
  await waitForState(agent, 'waiting');
  await customer.goto(host.url(session.customerToken));
  await customer.evaluate(() => document.querySelector('video-session')!.start());
  await Promise.all([waitForState(agent, 'connected'), waitForState(customer, 'connected')]);
  await agent.waitForFunction(
    () => {
      const v = document
        .querySelector('video-session')!
        .shadowRoot!.querySelector<HTMLVideoElement>('[part~="remote-video"]');
      return !!v && !v.hidden && v.videoWidth > 0;
    },
    undefined,
    { timeout: 30_000 },
  );
  // Both send the 720p preset; give the encoder time to ramp up, then report what arrives.
  await agent.waitForTimeout(3000);
  videoSize = await agent.evaluate(() => {
    const v = document
      .querySelector('video-session')!
      .shadowRoot!.querySelector<HTMLVideoElement>('[part~="remote-video"]')!;
    return `${v.videoWidth}x${v.videoHeight}`;
  });
  const cdp = await agent.context().newCDPSession(agent);
  await cdp.send('Performance.enable');
  const taskSeconds = async () => {
    const { metrics } = await cdp.send('Performance.getMetrics');
    return metrics.find((m) => m.name === 'TaskDuration')!.value;
  };

  const measure = async (): Promise<Sample> => {
    const [t0, l0, c0, w0] = [
      await taskSeconds(),
      await agent.evaluate(() => (window as unknown as { __long: number }).__long),
      browserCpuSeconds(),
      Date.now(),
    ];
    await agent.waitForTimeout(SECONDS * 1000);
    const [t1, l1, c1, w1] = [
      await taskSeconds(),
      await agent.evaluate(() => (window as unknown as { __long: number }).__long),
      browserCpuSeconds(),
      Date.now(),
    ];
    const s = (w1 - w0) / 1000;
    return { busy: ((t1 - t0) * 1000) / s, long: (l1 - l0) / s, cpu: ((c1 - c0) / s) * 100 };
  };

  for (let i = 0; i < ROUNDS + 1; i++) {
    // Round 0 warms up (the recorder chunk loads, encoders start) and is not counted.
    await agent.waitForTimeout(1000);
    const idle = await measure();
    await agent.evaluate(() => document.querySelector('video-session')!.requestRecording());
    await customer.waitForFunction(
      () => document.querySelector('video-session')!.recordingStatus === 'asked',
    );
    await customer.evaluate(() => document.querySelector('video-session')!.answerRecording(true));
    await agent.waitForFunction(
      () => document.querySelector('video-session')!.recordingStatus === 'recording',
    );
    await agent.waitForTimeout(1000);
    const recording = await measure();
    await agent.evaluate(() => document.querySelector('video-session')!.stopRecording());
    if (i === 0) continue;
    samples.idle.push(idle);
    samples.recording.push(recording);
  }
} finally {
  await browser.close();
  await service.stop();
  await host.close();
}

console.log(
  `\nRecording cost on the agent's page, 720p preset (received ${videoSize}), ${ROUNDS} rounds of ${SECONDS} s each, interleaved`,
);
console.log(
  `load average at the end: ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);
console.log(formatRow('', ['not rec.', 'recording', 'ratio']));
for (const [key, label, unit] of [
  ['busy', 'main-thread busy (ms/s, median)', 'ms'],
  ['long', 'long tasks (ms/s, median)', 'ms'],
  ['cpu', 'browser CPU, all processes (%, median)', '%'],
] as const) {
  const idle = summarize(samples.idle.map((s) => s[key])).median;
  const rec = summarize(samples.recording.map((s) => s[key])).median;
  console.log(label);
  console.log(
    formatRow('', [
      `${idle.toFixed(1)} ${unit}`,
      `${rec.toFixed(1)} ${unit}`,
      idle > 0 ? `${(rec / idle).toFixed(2)}x` : '-',
    ]),
  );
}
console.log();
