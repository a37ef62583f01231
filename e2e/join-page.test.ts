/**
 * The customer's invite link opens the service's join page, which checks the invite with one
 * request before anything else: a dead link (garbled, expired, ended, declined, open elsewhere)
 * says so in plain words and asks for no camera; a good one shows Join. An agent hears when someone
 * else was turned away from a link in use.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  startTestService,
  TEST_API_KEY,
  TEST_PUBLIC_KEY,
  type TestService,
} from '../signalling/testing/service.js';
import { launchChromium, PATIENT, waitForState } from './browser.js';
import { startHostPage, type HostPage } from './host-page.js';

describe('the join page checks the invite before the camera', () => {
  let browser: Browser;
  let service: TestService;
  let host: HostPage;
  /** Moves the service's clock (the expired case). */
  let shift = 0;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    host = await startHostPage();
    service = await startTestService({
      allowedOrigins: [host.origin],
      publicKeys: [TEST_PUBLIC_KEY],
      now: () => Date.now() + shift,
    });
    host.use(service.url, service.signallingUrl);
    browser = await launchChromium();
  });
  afterEach(async () => {
    shift = 0;
    for (const c of contexts.splice(0)) await c.close();
  });
  afterAll(async () => {
    await browser?.close();
    await service?.stop();
    await host?.close();
  });

  /** A new browser profile whose page counts the times it asked for camera or microphone. */
  async function person(): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser.newContext();
    contexts.push(context);
    await context.addInitScript(() => {
      const w = window as unknown as { mediaAsks: number };
      w.mediaAsks = 0;
      const devices = navigator.mediaDevices;
      const ask = devices.getUserMedia.bind(devices);
      devices.getUserMedia = (c) => {
        w.mediaAsks++;
        return ask(c);
      };
    });
    return { context, page: await context.newPage() };
  }

  /** The join page's address for a session and token, as the long invite link gives it. */
  const joinUrl = (sessionId: string, token: string) =>
    `${service.config.publicUrl.href.replace(/\/$/, '')}/join/${sessionId}#token=${token}`;

  /** Opens `url` and returns the dead-link text shown (null: the widget is shown instead). */
  async function opened(page: Page, url: string): Promise<string | null> {
    await page.goto(url);
    const shown = page.locator('[data-dead]:not([hidden]), video-session:not([hidden])');
    await shown.first().waitFor({ timeout: PATIENT.timeout });
    const dead = page.locator('[data-dead]:not([hidden])');
    return (await dead.count()) ? await dead.textContent() : null;
  }

  const mediaAsks = (page: Page) =>
    page.evaluate(() => (window as unknown as { mediaAsks: number }).mediaAsks);

  const api = (path: string, body: unknown = {}, key = TEST_API_KEY) =>
    fetch(`${service.url}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  it('a good link shows Join and asks for nothing before it is pressed', async () => {
    const session = await service.createSession();
    const { page } = await person();
    expect(await opened(page, joinUrl(session.id, session.customerToken))).toBe(null);
    await page.locator('video-session').getByRole('button', { name: 'Join video call' }).waitFor();
    expect(await mediaAsks(page)).toBe(0);
  });

  it('a garbled link says it is not valid, and asks for no camera', async () => {
    const session = await service.createSession();
    const cut = session.customerToken.slice(0, -12);
    const { page } = await person();
    expect(await opened(page, joinUrl(session.id, cut))).toContain('not valid');
    expect(await page.locator('video-session').isHidden()).toBe(true);
    expect(await mediaAsks(page)).toBe(0);
  });

  it('an expired link says so', async () => {
    const session = await service.createSession();
    shift = 2 * 86_400_000; // two days on: past the invite's lifetime
    const { page } = await person();
    expect(await opened(page, joinUrl(session.id, session.customerToken))).toContain('expired');
    expect(await mediaAsks(page)).toBe(0);
  });

  it('a link to a session that ended says it ended', async () => {
    const session = await service.createSession();
    expect((await api(`/v1/sessions/${session.id}/end`)).status).toBe(200);
    const { page } = await person();
    expect(await opened(page, joinUrl(session.id, session.customerToken))).toContain('has ended');
    expect(await mediaAsks(page)).toBe(0);
  });

  it('a help request the helpdesk declined says it was declined', async () => {
    const res = await api('/v1/requests', { ticketId: 'T-DECLINED' }, TEST_PUBLIC_KEY);
    expect(res.status).toBe(201);
    const request = (await res.json()) as { id: string; customerToken: string };
    expect((await api(`/v1/sessions/${request.id}/decline`)).status).toBe(200);
    const { page } = await person();
    expect(await opened(page, joinUrl(request.id, request.customerToken))).toContain(
      'was declined',
    );
    expect(await mediaAsks(page)).toBe(0);
  });

  it('a link open on another device says so; the same browser again may join; the agent hears of a refused join', async () => {
    const session = await service.createSession();
    const agent = (await person()).page;
    await agent.goto(host.url(session.agentToken));
    await agent.evaluate(() => document.querySelector('video-session')!.start());
    const first = await person();
    expect(await opened(first.page, joinUrl(session.id, session.customerToken))).toBe(null);
    await first.page
      .locator('video-session')
      .getByRole('button', { name: 'Join video call' })
      .click();
    await Promise.all([waitForState(agent, 'connected'), waitForState(first.page, 'connected')]);

    // Another device (another browser profile) with the same link.
    const other = (await person()).page;
    expect(await opened(other, joinUrl(session.id, session.customerToken))).toContain(
      'already open',
    );
    expect(await mediaAsks(other)).toBe(0);
    // The same person in a second tab holds the resume key: not turned away.
    const again = await first.context.newPage();
    expect(await opened(again, joinUrl(session.id, session.customerToken))).toBe(null);
    await again.close();

    // A page that does not check (a host's own page) tries it anyway: refused, and the agent told.
    const intruder = (await person()).page;
    await intruder.goto(host.url(session.customerToken));
    await intruder.evaluate(() => document.querySelector('video-session')!.start());
    await waitForState(intruder, 'failed');
    await expect
      .poll(
        () =>
          agent.evaluate(() => document.querySelector('video-session')!.shadowRoot!.textContent),
        PATIENT,
      )
      .toContain('tried the customer’s link while it is in use');
  });
});
