/**
 * Real Chromium for end-to-end tests: Debian's browser through playwright-core, a fake camera and
 * microphone, one context per person (each context is like a separate browser).
 */
import { chromium, type Browser, type Page } from 'playwright-core';
// @ts-expect-error -- a plain .mjs config file without types
import { CHROMIUM_ARGS } from '../web-test-runner.config.mjs';

export function launchChromium(extraArgs: string[] = []): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: [...(CHROMIUM_ARGS as string[]), ...extraArgs],
  });
}

/** Waits until the page's first `<video-session>` (or the one matching `selector`) is in `state`. */
export async function waitForState(
  page: Page,
  state: string,
  selector = 'video-session',
  timeout = 20_000,
) {
  await page.waitForFunction(
    ([sel, want]) => (document.querySelector(sel!) as { state?: string } | null)?.state === want,
    [selector, state] as const,
    { timeout },
  );
}

/**
 * Counts decoded frames of the element's remote video over `ms`; returns the count and the
 * decoded width.
 */
export function remoteFrames(page: Page, ms = 1000, selector = 'video-session') {
  return page.evaluate(
    ([sel, duration]) =>
      new Promise<{ frames: number; width: number }>((resolve) => {
        const video = document
          .querySelector(sel as string)!
          .shadowRoot!.querySelector('[part~="remote-video"]') as HTMLVideoElement;
        let frames = 0;
        const tick = () => {
          frames++;
          video.requestVideoFrameCallback(tick);
        };
        video.requestVideoFrameCallback(tick);
        setTimeout(() => resolve({ frames, width: video.videoWidth }), duration as number);
      }),
    [selector, ms] as const,
  );
}

/** Collects `vs-error` codes fired on the page. */
export async function recordErrors(page: Page): Promise<() => Promise<string[]>> {
  await page.evaluate(() => {
    (window as unknown as { vsErrors: string[] }).vsErrors = [];
    document.addEventListener('vs-error', (e) =>
      (window as unknown as { vsErrors: string[] }).vsErrors.push(
        (e as unknown as { code: string }).code,
      ),
    );
  });
  return () => page.evaluate(() => (window as unknown as { vsErrors: string[] }).vsErrors);
}

/** The width of the other person's video on `page` (0 until its first frame). */
export function remoteVideoWidth(page: Page): Promise<number> {
  return page.evaluate(
    () =>
      document
        .querySelector('video-session')!
        .shadowRoot!.querySelector<HTMLVideoElement>('[part~="remote-video"]')!.videoWidth,
  );
}
