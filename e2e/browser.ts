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

/**
 * How long a test polls for what the browsers do next (a message across, a redraw, a state
 * change): two Chromium pages on two busy cores can take seconds for what takes milliseconds on a
 * quiet machine. A poll that never sees it still fails, after this long.
 */
export const PATIENT = { timeout: 15_000, interval: 100 } as const;

/**
 * Clicks the call control named `name` as a person would: in the tool bar, or, when the element is
 * too narrow for it, through the More menu.
 */
export async function clickControl(page: Page, name: string, selector = 'video-session') {
  const el = page.locator(selector);
  const control = el.getByRole('button', { name, exact: true });
  if (!(await control.isVisible()))
    await el.getByRole('button', { name: 'More', exact: true }).click();
  await control.click();
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
 * Waits until the element's remote video has shown `count` new frames (counted from now), for at
 * most `timeout` ms; returns how many came and the decoded width. Fails, saying how many came, if
 * fewer did: frames that keep coming, however slowly the machine decodes them.
 */
export async function waitForFrames(
  page: Page,
  count = 10,
  { timeout = 20_000, selector = 'video-session' } = {},
) {
  const seen = await page.evaluate(
    ([sel, want, limit]) =>
      new Promise<{ frames: number; width: number }>((resolve) => {
        const video = document
          .querySelector(sel as string)!
          .shadowRoot!.querySelector('[part~="remote-video"]') as HTMLVideoElement;
        let frames = 0;
        const done = () => resolve({ frames, width: video.videoWidth });
        const timer = setTimeout(done, limit as number);
        const tick = () => {
          if (++frames < (want as number)) return void video.requestVideoFrameCallback(tick);
          clearTimeout(timer);
          done();
        };
        video.requestVideoFrameCallback(tick);
      }),
    [selector, count, timeout] as const,
  );
  if (seen.frames < count) {
    throw new Error(
      `${count} new frames of the remote video within ${timeout / 1000} s: ${seen.frames} came (width ${seen.width})`,
    );
  }
  return seen;
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
