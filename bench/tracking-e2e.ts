/**
 * Anchored marks end to end in Chromium: from the agent releasing the pointer (an arrow drawn on
 * the customer's moving camera) to the arrow stuck on the object on the customer's screen (the
 * first frame the customer's preview shows with the mark in state `tracking`), beside the
 * baseline in the same run: the same arrow unanchored, release to its first shown frame on the
 * customer's screen (the data channel and the drawing alone). Trials interleave the two kinds.
 * The customer's camera is Chromium's fake device playing the moving scene of the tracking test.
 *
 *   npm run bench:tracking     (after the tracker figures; builds first, runs in the loopback netns)
 *   TRIALS=10 tsx bench/tracking-e2e.ts
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { launchChromium, waitForState } from '../e2e/browser.js';
import { startHostPage } from '../e2e/host-page.js';
import { SCENE, writeMovingScene } from '../e2e/moving-scene.js';
import { startTestService } from '../signalling/testing/service.js';
import { formatRow, summarize } from './stats.js';

const TRIALS = Number(process.env.TRIALS ?? 10);

/** Agent: the wall-clock time of each pointer release. */
const NOTE_RELEASE = `document.addEventListener('pointerup', () => {
  window.__releaseAt = performance.timeOrigin + performance.now();
}, true);`;

/** Customer: for each mark id, the first shown frame with it, and the first with it tracking. */
const NOTE_SHOWN = `(() => {
  const seen = (window.__seen = {});
  let watched = null;
  // The preview element changes when the view swaps to the customer's own camera: follow it.
  setInterval(() => {
    const el = document.querySelector('video-session');
    const v = el?.shadowRoot?.querySelector('video.local');
    if (!v || v === watched) return;
    watched = v;
    const next = (now) => {
      if (watched !== v) return;
      const at = performance.timeOrigin + now;
      for (const m of el.annotations) {
        const s = (seen[m.id] ??= {});
        s.shown ??= at;
        if (m.state === 'tracking') s.tracking ??= at;
      }
      v.requestVideoFrameCallback(next);
    };
    v.requestVideoFrameCallback(next);
  }, 20);
})();`;

type Seen = Record<string, { shown?: number; tracking?: number }>;

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'vs-bench-scene-'));
  const file = join(dir, 'scene.y4m');
  await writeMovingScene(file, { card: false }); // the object always in view
  const host = await startHostPage();
  const service = await startTestService({ allowedOrigins: [host.origin] });
  host.use(service.url, service.signallingUrl);
  const browser = await launchChromium([`--use-file-for-fake-video-capture=${file}`]);
  try {
    const session = await service.createSession();
    const open = async (token: string, script: string) => {
      const page = await (await browser.newContext()).newPage();
      await page.addInitScript(script);
      await page.goto(host.url(token));
      return page;
    };
    const agent = await open(session.agentToken, NOTE_RELEASE);
    const customer = await open(session.customerToken, NOTE_SHOWN);
    await agent.evaluate(() => document.querySelector('video-session')!.start());
    await customer.evaluate(() => document.querySelector('video-session')!.start());
    await Promise.all([waitForState(agent, 'connected'), waitForState(customer, 'connected')]);
    await agent.waitForFunction(
      (w) =>
        (
          document
            .querySelector('video-session')!
            .shadowRoot!.querySelector('video.remote') as HTMLVideoElement
        ).videoWidth === w,
      SCENE.width,
      { timeout: 20_000 },
    );
    const tools = agent.locator('video-session').getByRole('toolbar', { name: 'Drawing tools' });
    await tools.getByRole('button', { name: 'Arrow (A)' }).click();
    const anchor = tools.getByRole('button', { name: 'Keep marks on the object (K)' });
    const box = (await agent.locator('video-session').locator('video.remote').boundingBox())!;
    const at = (x: number, y: number) => [box.x + x * box.width, box.y + y * box.height] as const;

    const anchored: number[] = [];
    const plain: number[] = [];
    for (let i = 0; i < 2 * (TRIALS + 1); i++) {
      const wantAnchored = i % 2 === 0;
      if ((await anchor.getAttribute('aria-pressed')) !== String(wantAnchored))
        await anchor.click();
      await agent.mouse.move(...at(0.42, 0.42));
      await agent.mouse.down();
      await agent.mouse.move(...at(0.6, 0.56), { steps: 2 });
      await agent.mouse.up();
      const { id, release } = await agent.evaluate(() => {
        const marks = document.querySelector('video-session')!.annotations;
        return {
          id: marks[marks.length - 1]!.id,
          release: (window as unknown as { __releaseAt: number }).__releaseAt,
        };
      });
      const key = wantAnchored ? 'tracking' : 'shown';
      const done = await customer
        .waitForFunction(
          ([markId, k]) => (window as unknown as { __seen: Seen }).__seen[markId!]?.[k as 'shown'],
          [id, key] as const,
          { timeout: 10_000 },
        )
        .catch(async (err: unknown) => {
          const state = await customer.evaluate(() => ({
            seen: (window as unknown as { __seen: Seen }).__seen,
            marks: document.querySelector('video-session')!.annotations.map((m) => [m.id, m.state]),
          }));
          throw new Error(`trial ${i}, mark ${id}: ${JSON.stringify(state)}`, { cause: err });
        });
      const ms = ((await done.jsonValue()) as number) - release;
      if (i >= 2) (wantAnchored ? anchored : plain).push(ms); // the first pair warms up
      await agent.evaluate(() => document.querySelector('video-session')!.clearAnnotations('all'));
      await settle(customer);
    }
    const a = summarize(anchored),
      p = summarize(plain);
    const [l1, l5] = loadavg();
    console.log(
      `\nanchored marks end to end, Chromium, ${TRIALS} trials each, load average ${l1!.toFixed(1)} / ${l5!.toFixed(1)} (1 / 5 min)`,
    );
    console.log(formatRow('', ['median', 'p95', 'min', 'max']));
    const row = (label: string, s: ReturnType<typeof summarize>) =>
      console.log(
        formatRow(
          label,
          [s.median, s.p95, s.min, s.max].map((v) => `${v.toFixed(0)} ms`),
        ),
      );
    row('anchored: stuck', a);
    row('plain: shown', p);
    console.log(
      `release -> stuck on the customer's screen, median ${a.median.toFixed(0)} ms (target < 150 ms); ` +
        `${(a.median - p.median).toFixed(0)} ms over the plain mark (${(a.median / p.median).toFixed(2)}x)`,
    );
  } finally {
    await browser.close();
    await service.stop();
    await host.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Waits until the customer's screen shows no marks (the clear went through). */
async function settle(customer: Page): Promise<void> {
  await customer.waitForFunction(
    () => document.querySelector('video-session')!.annotations.length === 0,
  );
  await customer.waitForTimeout(300);
}

await main();
