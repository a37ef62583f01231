/**
 * What pages holding the widget must allow and what they keep, in real Chromium through the real
 * service: a host page under exactly the Content-Security-Policy the README gives runs a call and
 * loads the parts of the widget it loads later; a policy that blocks those parts gets the error
 * that says so; the join page speaks the browser's language, and its token leaves the address bar
 * and the history.
 */
import { readFileSync } from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestService, type TestService } from '../signalling/testing/service.js';
import { launchChromium, PATIENT, waitForFrames, waitForState } from './browser.js';
import { startHostPage, type HostPage } from './host-page.js';

/** The policy of the README's "The help button", with `{service}` and `{signal}` for the service. */
function readmePolicy(): string {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const section = readme.slice(readme.indexOf('### The help button'));
  const policy = /^```\nContent-Security-Policy: (.+)\n```$/m.exec(section)?.[1];
  if (!policy) throw new Error('no Content-Security-Policy block under "The help button"');
  return policy
    .replaceAll('https://video.example.com', '{service}')
    .replaceAll('wss://video.example.com', '{signal}');
}

interface Seen {
  violations: string[];
  errors: Array<{ code: string; message: string }>;
}

/** A page that records CSP violations and `vs-error`s from its very start. */
async function watched(page: Page): Promise<() => Promise<Seen>> {
  await page.addInitScript(() => {
    const seen: Seen = { violations: [], errors: [] };
    (window as unknown as { seen: Seen }).seen = seen;
    document.addEventListener('securitypolicyviolation', (e) =>
      seen.violations.push(`${e.effectiveDirective} ${e.blockedURI}`),
    );
    document.addEventListener('vs-error', (e) => {
      const { code, message } = e as unknown as { code: string; message: string };
      seen.errors.push({ code, message });
    });
  });
  return () => page.evaluate(() => (window as unknown as { seen: Seen }).seen);
}

describe("a host page's Content-Security-Policy", () => {
  let browser: Browser;
  let service: TestService;
  let host: HostPage;
  const contexts: BrowserContext[] = [];
  const person = async () => {
    const context = await browser.newContext();
    contexts.push(context);
    return context.newPage();
  };

  beforeAll(async () => {
    host = await startHostPage();
    service = await startTestService({ allowedOrigins: [host.origin] });
    host.use(service.url, service.signallingUrl);
    browser = await launchChromium();
  });
  afterEach(async () => {
    for (const c of contexts.splice(0)) await c.close();
  });
  afterAll(async () => {
    await browser?.close();
    await service?.stop();
    await host?.close();
  });

  it('as the README gives it runs a call, with the drawing and screenshot parts, and violates nothing', async () => {
    const policy = readmePolicy();
    const session = await service.createSession();
    const pages: Page[] = [];
    const seen: Array<() => Promise<Seen>> = [];
    for (const token of [session.agentToken, session.customerToken]) {
      const page = await person();
      seen.push(await watched(page));
      await page.goto(host.url(token, undefined, policy));
      await page.evaluate(() => document.querySelector('video-session')!.start());
      pages.push(page);
    }
    const [agent, customer] = pages as [Page, Page];
    await Promise.all([waitForState(agent, 'connected'), waitForState(customer, 'connected')]);
    await waitForFrames(agent);
    await waitForFrames(customer);
    // The drawing part: the agent's arrow across the customer's picture reaches the customer.
    await agent.waitForFunction(
      () =>
        document
          .querySelector('video-session')!
          .shadowRoot!.querySelector('[part~="annotation-tools"]') !== null,
    );
    await agent.locator('video-session').getByRole('button', { name: 'Arrow (A)' }).click();
    const [left, top, width, height] = await agent.evaluate(() => {
      const box = document
        .querySelector('video-session')!
        .shadowRoot!.querySelector('video.remote')!
        .getBoundingClientRect();
      return [box.left, box.top, box.width, box.height] as const;
    });
    await agent.mouse.move(left + width * 0.3, top + height * 0.5);
    await agent.mouse.down();
    await agent.mouse.move(left + width * 0.6, top + height * 0.5, { steps: 8 });
    await agent.mouse.up();
    const marks = () =>
      customer.evaluate(
        () =>
          (document.querySelector('video-session') as unknown as { annotations: unknown[] })
            .annotations.length,
      );
    await expect.poll(marks, PATIENT).toBe(1);
    // A screenshot of the customer's camera: the screenshots part, the marks painted on, the editor.
    const still = await agent.evaluate(async () => {
      const s = await document.querySelector('video-session')!.takeScreenshot();
      return { width: s.width, type: s.blob?.type };
    });
    expect(still).toMatchObject({ type: 'image/png' });
    expect(still.width).toBeGreaterThan(0);
    // Nothing was blocked on either page (workers included: the customer's camera starts them).
    for (const read of seen) expect(await read()).toEqual({ violations: [], errors: [] });
  });

  it('that blocks the parts loaded later gets ERR_CHUNK_LOAD naming each part, and no other error', async () => {
    // Only the widget's own script is allowed: the parts next to it are not.
    const policy = readmePolicy().replace(
      /script-src [^;]+/,
      "script-src 'self' {service}/sdk/video-session.js",
    );
    const session = await service.createSession();
    const agent = await person();
    const seen = await watched(agent);
    await agent.goto(host.url(session.agentToken, undefined, policy));
    await agent.evaluate(() => document.querySelector('video-session')!.start());
    const customer = await person();
    await customer.goto(session.inviteUrl);
    await customer
      .locator('video-session')
      .getByRole('button', { name: 'Join video call' })
      .click();
    await Promise.all([waitForState(agent, 'connected'), waitForState(customer, 'connected')]);

    const shot = await agent.evaluate(() =>
      document
        .querySelector('video-session')!
        .takeScreenshot()
        .then(
          () => 'taken',
          (err: { code?: string; message?: string }) => `${err.code}: ${err.message}`,
        ),
    );
    expect(shot).toMatch(
      /^ERR_CHUNK_LOAD: .*http:\/\/127\.0\.0\.1:\d+\/sdk\/video-session-screenshots-chunk-[\w-]+\.js/,
    );
    await expect
      .poll(async () => (await seen()).errors.map((e) => e.message).join('\n'), PATIENT)
      .toMatch(/\/sdk\/video-session-drawing-chunk-[\w-]+\.js/);
    const { errors, violations } = await seen();
    expect(new Set(errors.map((e) => e.code))).toEqual(new Set(['ERR_CHUNK_LOAD']));
    for (const e of errors) expect(e.message).toMatch(/\/sdk\/video-session-[\w-]+\.js/);
    expect(violations.every((v) => v.startsWith('script-src-elem '))).toBe(true);
  });
});

describe('the join page', () => {
  let browser: Browser;
  let service: TestService;
  const contexts: BrowserContext[] = [];
  const person = async () => {
    const context = await browser.newContext();
    contexts.push(context);
    return context.newPage();
  };

  beforeAll(async () => {
    service = await startTestService();
    browser = await launchChromium();
  });
  afterEach(async () => {
    for (const c of contexts.splice(0)) await c.close();
  });
  afterAll(async () => {
    await browser?.close();
    await service?.stop();
  });

  it('speaks the browser language, and so does the widget on it, after the short link', async () => {
    const session = await service.createSession();
    const context = await browser.newContext({ locale: 'de-DE' });
    contexts.push(context);
    const customer = await context.newPage();
    await customer.goto(session.shortInviteUrl);
    expect(new URL(customer.url()).pathname).toBe(`/join/${session.id}`);
    expect(await customer.evaluate(() => document.documentElement.lang)).toBe('de');
    expect(await customer.title()).toBe('Videohilfe');
    await expect
      .poll(
        () =>
          customer
            .locator('video-session')
            .getByRole('button', { name: 'Videoanruf beitreten' })
            .count(),
        PATIENT,
      )
      .toBe(1);
  });

  it('takes the token out of the address bar and the history once read, and keeps it for a reload', async () => {
    const session = await service.createSession();
    const customer = await person();
    await customer.goto(session.inviteUrl);
    await customer.waitForFunction(
      () => (document.querySelector('video-session') as { token?: string } | null)?.token,
    );
    const seen = await customer.evaluate(() => ({
      hash: location.hash,
      href: location.href,
      entries: (
        window as unknown as { navigation: { entries(): Array<{ url: string }> } }
      ).navigation
        .entries()
        .map((e) => e.url),
    }));
    expect(seen.hash).toBe('');
    expect(seen.href).toBe(`${new URL(session.inviteUrl).origin}/join/${session.id}`);
    // The page's history entries (the Navigation API lists this origin's): one, without the token.
    expect(seen.entries).toEqual([seen.href]);

    // A reload (the token is no longer in the URL) still joins the call.
    await customer.reload();
    await customer
      .locator('video-session')
      .getByRole('button', { name: 'Join video call' })
      .click();
    await waitForState(customer, 'waiting');
    expect(await customer.evaluate(() => location.hash)).toBe('');
  });
});
