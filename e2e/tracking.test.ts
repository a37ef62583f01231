/**
 * Anchored marks in real browsers: the customer's camera (Chromium's fake capture device playing a
 * Y4M file) films a textured plane moving by a known transform, each frame numbered by a barcode,
 * with a grey card over the object for part of every loop. The agent anchors an arrow; for 10
 * seconds both pages record, on every frame they show, where the arrow is, and this test compares
 * that with where the object under the arrow really is in that frame.
 *
 * Which frame is shown is what the browser reports to `requestVideoFrameCallback` (the customer's
 * capture time, the agent's RTP timestamp), as the widget uses it; the test reads each shown
 * frame's barcode (16 pixels) to tie those clocks to frame numbers, and measures a frame's place
 * only where its barcode and its clock agree.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestService, type TestService } from '../signalling/testing/service.js';
import { launchChromium, recordErrors, remoteVideoWidth, waitForState } from './browser.js';
import { startHostPage, type HostPage } from './host-page.js';
import { COVERED, movePoint, READ_BARCODE, SCENE, writeMovingScene } from './moving-scene.js';

/** The agent's page notes the frame it showed (as of the last frame callback) at each release. */
export const NOTE_RELEASE = `(() => {
  let shown = -1;
  const watch = () => {
    const v = document.querySelector('video-session')?.shadowRoot?.querySelector('video.remote');
    if (!v) return setTimeout(watch, 50);
    const next = () => { shown = window.__readBarcode(v); v.requestVideoFrameCallback(next); };
    v.requestVideoFrameCallback(next);
  };
  window.__shown = () => shown;
  addEventListener('DOMContentLoaded', watch);
  document.addEventListener('pointerup', () => {
    window.__releaseFrame = shown;
    window.__releaseAt = performance.timeOrigin + performance.now();
  }, true);
})();`;

interface Sample {
  /** The browser's name of the shown frame: capture time (ms) or RTP timestamp. */
  key: number;
  /** Its barcode, as drawn from the video in the same callback (-1: none). */
  barcode: number;
  state: string;
  placed: number[];
}

type Marks = {
  annotations: { state: string; anchored: boolean; points: number[]; placed: number[] }[];
};
const marks = (page: Page) =>
  page.evaluate(() => (document.querySelector('video-session') as unknown as Marks).annotations);

/** Every frame `selector` shows for `ms`: its name, and the first mark's state and place. */
function sample(page: Page, selector: string, ms: number): Promise<Sample[]> {
  return page.evaluate(
    ([sel, duration]) =>
      new Promise<Sample[]>((resolve) => {
        const el = document.querySelector('video-session')!;
        const video = el.shadowRoot!.querySelector(sel as string) as HTMLVideoElement;
        const read = (window as unknown as { __readBarcode(v: HTMLVideoElement): number })
          .__readBarcode;
        const out: Sample[] = [];
        const end = performance.now() + (duration as number);
        const next = (_now: number, meta: VideoFrameCallbackMetadata) => {
          const mark = (el as unknown as Marks).annotations[0];
          const key = sel === 'video.local' ? meta.captureTime : meta.rtpTimestamp;
          if (mark && key !== undefined) {
            const barcode = read(video);
            out.push({ key, barcode, state: mark.state, placed: mark.placed });
          }
          if (performance.now() < end) video.requestVideoFrameCallback(next);
          else resolve(out);
        };
        video.requestVideoFrameCallback(next);
      }),
    [selector, ms] as const,
  );
}

/**
 * The frame number of each sample, where it is certain: its clock (capture ms, or RTP ticks / 90)
 * in frames of the 30 fps camera, plus the offset most nearby barcodes agree on; `certain` when its
 * own barcode says the same. (A barcode can be read off a frame that already replaced the one the
 * callback was for, and capture clocks jitter: where the two disagree, the sample's place is not
 * measured; its state, a frame either way, still is.)
 */
function frameNumbers(
  samples: Sample[],
  rtp: boolean,
): ({ frame: number; certain: boolean } | null)[] {
  const period = 1000 / SCENE.fps;
  const base = samples[0]!.key;
  const count = (s: Sample) =>
    (rtp ? ((((s.key - base) % 2 ** 32) + 2 ** 32) % 2 ** 32) / 90 : s.key - base) / period;
  const wrap = (v: number) => ((v % SCENE.frames) + SCENE.frames) % SCENE.frames;
  return samples.map((s, i) => {
    const votes = new Map<number, number>();
    for (const r of samples.slice(Math.max(0, i - 15), i + 16)) {
      if (r.barcode < 0) continue;
      const o = wrap(Math.round(r.barcode - count(r)));
      votes.set(o, (votes.get(o) ?? 0) + 1);
    }
    const offset = [...votes].sort((a, b) => b[1] - a[1])[0]?.[0];
    const frame = offset === undefined ? null : wrap(Math.round(count(s)) + offset);
    return frame === null ? null : { frame, certain: frame === s.barcode };
  });
}

/** Worst distance (px of the 640x480 frame) of the arrow's two ends from the truth in frame `f`. */
function error(placed: number[], points: number[], keyframe: number, f: number): number {
  let worst = 0;
  for (let i = 0; i < 4; i += 2) {
    const [tx, ty] = movePoint(points[i]!, points[i + 1]!, keyframe, f);
    worst = Math.max(
      worst,
      Math.hypot(placed[i]! * SCENE.width - tx, placed[i + 1]! * SCENE.height - ty),
    );
  }
  return worst;
}

const inCard = (f: number, margin = 0) => f >= COVERED.from - margin && f < COVERED.to + margin;
const tracked = (state: string) => state === 'tracking' || state === 'refound';

describe('anchored marks stay on the object', () => {
  let browser: Browser;
  let service: TestService;
  let host: HostPage;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'vs-scene-'));
    const file = join(dir, 'scene.y4m');
    await writeMovingScene(file);
    host = await startHostPage();
    service = await startTestService({ allowedOrigins: [host.origin] });
    host.use(service.url, service.signallingUrl);
    browser = await launchChromium([`--use-file-for-fake-video-capture=${file}`]);
  });
  afterAll(async () => {
    await browser?.close();
    await service?.stop();
    await host?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('keeps the agent’s arrow on the moving object on both screens, lost under a card and found after', async () => {
    const session = await service.createSession();
    const open = async (token: string, scripts: string[]) => {
      const page = await (await browser.newContext()).newPage();
      for (const s of scripts) await page.addInitScript(s);
      await page.goto(host.url(token));
      return page;
    };
    const agent = await open(session.agentToken, [READ_BARCODE, NOTE_RELEASE]);
    const customer = await open(session.customerToken, [READ_BARCODE]);
    const errs = { agent: await recordErrors(agent), customer: await recordErrors(customer) };
    await agent.evaluate(() => document.querySelector('video-session')!.start());
    await customer.evaluate(() => document.querySelector('video-session')!.start());
    await Promise.all([waitForState(agent, 'connected'), waitForState(customer, 'connected')]);
    await expect.poll(() => remoteVideoWidth(agent), { timeout: 20_000 }).toBe(SCENE.width);
    const tools = agent.locator('video-session').getByRole('toolbar', { name: 'Drawing tools' });
    await tools.getByRole('button', { name: 'Keep marks on the object (K)' }).click();
    await tools.getByRole('button', { name: 'Arrow (A)' }).click();
    // Draw while the object is in plain view, well before the card comes.
    const shown = () =>
      agent.evaluate(() => (window as unknown as { __shown(): number }).__shown());
    await expect
      .poll(async () => ((f) => f >= 10 && f < 60)(await shown()), {
        timeout: 15_000,
        interval: 30,
      })
      .toBe(true);
    const box = (await agent.locator('video-session').locator('video.remote').boundingBox())!;
    const at = (x: number, y: number) => [box.x + x * box.width, box.y + y * box.height] as const;
    await agent.mouse.move(...at(0.42, 0.42));
    await agent.mouse.down();
    await agent.mouse.move(...at(0.6, 0.56), { steps: 4 });
    await agent.mouse.up();
    const keyframe = await agent.evaluate(
      () => (window as unknown as { __releaseFrame: number }).__releaseFrame,
    );
    const [mark] = await marks(agent);
    expect(mark!.anchored).toBe(true);

    await expect
      .poll(async () => (await marks(customer))[0]?.state, { timeout: 5000 })
      .toBe('tracking');
    await expect
      .poll(async () => (await marks(agent))[0]?.state, { timeout: 5000 })
      .toBe('tracking');
    const [onCustomer, onAgent] = await Promise.all([
      sample(customer, 'video.local', 10_000),
      sample(agent, 'video.remote', 10_000),
    ]);
    const figures: Record<
      string,
      { p95: number; max: number; tracked: number; certain: number; lost: number }
    > = {};
    for (const [side, samples, rtp] of [
      ['customer', onCustomer, false],
      ['agent', onAgent, true],
    ] as const) {
      const frames = frameNumbers(samples, rtp);
      const numbered = samples.flatMap((s, i) => (frames[i] ? [{ ...s, ...frames[i] }] : []));
      const seen = numbered.filter((s) => s.certain);
      const clear = seen.filter((s) => !inCard(s.frame, 12));
      const onObject = clear.filter((s) => tracked(s.state));
      const errors = onObject
        .map((s) => error(s.placed, mark!.points, keyframe, s.frame))
        .sort((a, b) => a - b);
      const covered = numbered.filter((s) => s.frame >= COVERED.from + 4 && s.frame < COVERED.to);
      figures[side] = {
        certain: seen.length,
        tracked: onObject.length / clear.length,
        p95: errors[Math.floor(errors.length * 0.95)]!,
        max: errors.at(-1)!,
        lost: covered.filter((s) => s.state === 'lost').length / covered.length,
      };
      console.log(
        `${side}: ${samples.length} frames shown, ${seen.length} numbered for sure (load ${loadavg()[0]!.toFixed(1)}): ${JSON.stringify(figures[side])}`,
      );
      expect(covered.length, side).toBeGreaterThan(3);
    }
    // Both screens: the frames in view are tracked, the arrow on the object (95% of frames within
    // 2 px on the customer's, 4 px on the agent's; none far off), lost under the card.
    expect(figures.customer!.certain).toBeGreaterThan(30);
    expect(figures.agent!.certain).toBeGreaterThan(30);
    expect(figures.customer!.tracked).toBeGreaterThan(0.85);
    expect(figures.agent!.tracked).toBeGreaterThan(0.85);
    expect(figures.customer!.p95).toBeLessThan(2);
    expect(figures.agent!.p95).toBeLessThan(4);
    expect(figures.customer!.max).toBeLessThan(6);
    expect(figures.agent!.max).toBeLessThan(10);
    expect(figures.customer!.lost).toBeGreaterThan(0.8);
    expect(figures.agent!.lost).toBeGreaterThan(0.8);
    // The customer is told, while the card is there.
    const told = customer
      .locator('video-session')
      .getByRole('status')
      .filter({ hasText: 'Lost sight of the marked object' });
    await expect.poll(() => told.count(), { timeout: 10_000, interval: 50 }).toBe(1);
    expect(await errs.customer()).toEqual([]);
    expect(await errs.agent()).toEqual([]);
  });
});
