/**
 * What pages holding the widget must allow and what they keep, in real Chromium through the real
 * service: the join page's token leaves the address bar and the history.
 */
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestService, type TestService } from '../signalling/testing/service.js';
import { launchChromium, waitForState } from './browser.js';

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
