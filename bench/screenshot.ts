/**
 * Screenshot timing between two pages (agent and customer, separate browser contexts, the real
 * service), with the customer's fake camera at 1280x720 and at 1920x1080: from the agent's click on
 * the screenshot button to the full-resolution still *saved on both sides* (the customer's widget
 * captured it, the agent's holds the same bytes, and the agent's Save has written it to IndexedDB;
 * Save is pressed the moment the still is there, so no human decision time is counted), and on to
 * the service confirming the upload. Baseline in the same run, interleaved: grabbing the
 * compressed remote frame on the agent's side (the remote `<video>` drawn to a canvas and encoded
 * as PNG), what a widget without native stills would do.
 *
 *   npm run bench:screenshot      (builds first; runs in a loopback-only network namespace)
 *   ROUNDS=10 tsx bench/screenshot.ts
 */
import { loadavg } from 'node:os';
import type { Page } from 'playwright-core';
import { launchChromium, waitForState } from '../e2e/browser.js';
import { startHostPage } from '../e2e/host-page.js';
import { startTestService } from '../signalling/testing/service.js';
import { summarize } from './stats.js';

const ROUNDS = Number(process.env.ROUNDS ?? 10);
const SIZES = [
  [1280, 720],
  [1920, 1080],
] as const;

/**
 * Opens the page's camera at `width` x `height` (the fake device delivers what is asked for; a
 * running track can only be scaled down, so this wraps `getUserMedia` before the widget loads).
 */
const cameraSize = (width: number, height: number) => `(() => {
  const gum = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
  navigator.mediaDevices.getUserMedia = (c) =>
    gum(c && c.video ? { ...c, video: { ...(typeof c.video === 'object' ? c.video : {}),
      width: { ideal: ${width} }, height: { ideal: ${height} } } } : c);
})();`;

/** The size the customer's camera track delivers. */
function cameraSizeOf(customer: Page) {
  return customer.evaluate(() => {
    const el = document.querySelector('video-session')!;
    // The track the widget sends (the bench reaches past the TypeScript `protected`).
    const track = (el as unknown as { media: { videoTrack: MediaStreamTrack } }).media.videoTrack;
    const s = track.getSettings();
    return `${s.width}x${s.height}`;
  });
}

/** On the customer's page: when each still's file starts going out (wall clock, ms). */
const NOTE_SENDING = `(() => {
  window.vsOut = [];
  document.addEventListener('vs-file-progress', (e) => {
    if (e.purpose === 'still' && e.direction === 'out') window.vsOut.push([Date.now(), e.state]);
  });
})();`;

interface Ours {
  /** Wall clock of the click, to line it up with the customer's page. */
  clickedAt: number;
  /** Click to the customer's widget starting to send it (asked, captured, encoded). */
  captured: number;
  arrived: number;
  saved: number;
  uploaded: number;
  bytes: number;
  width: number;
  height: number;
}
interface Grab {
  ms: number;
  bytes: number;
  width: number;
  height: number;
}

/** Clicks the agent's screenshot button and saves the still the moment it is there. */
function screenshot(agent: Page): Promise<Ours> {
  return agent.evaluate(async () => {
    const el = document.querySelector('video-session')!;
    const button = el.shadowRoot!.querySelector<HTMLButtonElement>('[part~="screenshot-button"]')!;
    const arrived = new Promise<CustomEvent & { still: { id: string } }>((resolve) =>
      el.addEventListener('vs-screenshot', (e) => resolve(e as never), { once: true }),
    );
    const clickedAt = Date.now();
    const t0 = performance.now();
    button.click();
    const { still } = await arrived;
    const tArrived = performance.now();
    // Inline listeners only: the bench's TypeScript runner names declared functions with a
    // helper the page does not have.
    const uploaded = new Promise<number>((resolve) =>
      el.addEventListener('vs-upload-progress', (e) => {
        if (e.file?.ref === still.id) resolve(performance.now());
      }),
    );
    const saved = await el.saveScreenshot(still.id);
    const tSaved = performance.now();
    const tUploaded = await uploaded;
    return {
      clickedAt,
      captured: 0,
      arrived: tArrived - t0,
      saved: tSaved - t0,
      uploaded: tUploaded - t0,
      bytes: saved.blob!.size,
      width: saved.width,
      height: saved.height,
    };
  });
}

/** The baseline: the remote video's current frame, drawn to a canvas and encoded as PNG. */
function grabRemote(agent: Page): Promise<Grab> {
  return agent.evaluate(async () => {
    const video = document
      .querySelector('video-session')!
      .shadowRoot!.querySelector<HTMLVideoElement>('[part~="remote-video"]')!;
    const t0 = performance.now();
    const canvas = document.createElement('canvas');
    canvas.width = video.videoWidth;
    canvas.height = video.videoHeight;
    canvas.getContext('2d')!.drawImage(video, 0, 0);
    const blob = await new Promise<Blob>((resolve) =>
      canvas.toBlob((b) => resolve(b!), 'image/png'),
    );
    return {
      ms: performance.now() - t0,
      bytes: blob.size,
      width: canvas.width,
      height: canvas.height,
    };
  });
}

const host = await startHostPage();
const service = await startTestService({ allowedOrigins: [host.origin] });
host.use(service.url, service.signallingUrl);
const browser = await launchChromium();
const results: { size: string; ours: Ours[]; grabs: Grab[] }[] = [];

try {
  for (const [width, height] of SIZES) {
    const session = await service.createSession();
    const contexts = await Promise.all([browser.newContext(), browser.newContext()]);
    const [agent, customer] = (await Promise.all(contexts.map((c) => c.newPage()))) as [Page, Page];
    // Both pages: the browser shares one fake capture device, opened at the size asked first.
    for (const page of [agent, customer]) await page.addInitScript(cameraSize(width, height));
    await customer.addInitScript(NOTE_SENDING);
    await agent.goto(host.url(session.agentToken));
    await agent.evaluate(async () => {
      const el = document.querySelector('video-session')!;
      await el.setPreset('native');
      await el.start();
    });
    await customer.goto(host.url(session.customerToken));
    await customer.evaluate(async () => {
      const el = document.querySelector('video-session')!;
      // The camera's own size (no 720p preset scaling it down): the size the wrapper opens it at.
      await el.setPreset('native');
      await el.start();
    });
    await Promise.all([waitForState(agent, 'connected'), waitForState(customer, 'connected')]);
    await agent.waitForFunction(
      () =>
        (document
          .querySelector('video-session')!
          .shadowRoot!.querySelector<HTMLVideoElement>('[part~="remote-video"]')?.videoWidth ?? 0) >
        0,
      undefined,
      { timeout: 30_000 },
    );
    const camera = await cameraSizeOf(customer);
    if (camera !== `${width}x${height}`) throw new Error(`the camera gives ${camera}`);
    await agent.waitForTimeout(3000); // the encoder ramps up
    const ours: Ours[] = [];
    const grabs: Grab[] = [];
    // Round 0 warms up (the stills and files chunks load, IndexedDB opens) and is not counted.
    for (let i = 0; i <= ROUNDS; i++) {
      const grab = await grabRemote(agent);
      const shot = await screenshot(agent);
      const sending = await customer.evaluate(
        (after) =>
          (window as unknown as { vsOut: [number, string][] }).vsOut.find(([at]) => at >= after),
        shot.clickedAt,
      );
      shot.captured = sending ? sending[0] - shot.clickedAt : Number.NaN;
      if (i === 0) continue;
      grabs.push(grab);
      ours.push(shot);
    }
    results.push({ size: `${width}x${height}`, ours, grabs });
    await Promise.all(contexts.map((c) => c.close()));
  }
} finally {
  await browser.close();
  await service.stop();
  await host.close();
}

const med = (values: number[]) => summarize(values).median;
const kb = (bytes: number) => `${(bytes / 1024).toFixed(0)} KB`;
console.log(
  `\nScreenshot, click -> still saved, median (p95) of ${ROUNDS}, load average ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);
for (const { size, ours, grabs } of results) {
  const p = (values: number[]) => {
    const s = summarize(values);
    return `${s.median.toFixed(0)} ms (${s.p95.toFixed(0)})`;
  };
  const grabSize = `${med(grabs.map((g) => g.width))}x${med(grabs.map((g) => g.height))}`;
  const stillSize = `${ours[0]!.width}x${ours[0]!.height}`;
  console.log(`\ncamera ${size}`);
  console.log(`  customer captured, starts sending  ${p(ours.map((o) => o.captured))}`);
  console.log(`    each: ${ours.map((o) => o.captured.toFixed(0)).join(' ')}`);
  console.log(`  still arrived on both sides        ${p(ours.map((o) => o.arrived))}`);
  console.log(`  saved on both sides (taker's IDB)  ${p(ours.map((o) => o.saved))}`);
  console.log(`  service confirmed the upload       ${p(ours.map((o) => o.uploaded))}`);
  console.log(`  baseline: grab remote frame + PNG  ${p(grabs.map((g) => g.ms))}`);
  console.log(
    `  ratio saved / baseline             ${(med(ours.map((o) => o.saved)) / med(grabs.map((g) => g.ms))).toFixed(1)}x`,
  );
  console.log(
    `  still ${stillSize}, ${kb(med(ours.map((o) => o.bytes)))} PNG; baseline ${grabSize}, ${kb(med(grabs.map((g) => g.bytes)))} PNG (pixels ${((ours[0]!.width * ours[0]!.height) / (med(grabs.map((g) => g.width)) * med(grabs.map((g) => g.height)))).toFixed(1)}x)`,
  );
}
console.log();
