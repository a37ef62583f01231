/**
 * Camera and microphone permission, as both people see it: a customer whose browser blocks the
 * camera, and one whose computer has no camera or microphone at all. Both still join the call.
 */
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestService, type TestService } from '../signalling/testing/service.js';
// @ts-expect-error -- a plain .mjs config file without types
import { CHROMIUM_ARGS } from '../web-test-runner.config.mjs';
import { clickControl, launchChromium, PATIENT, waitForFrames, waitForState } from './browser.js';
import { startHostPage, type HostPage } from './host-page.js';

/** Audio packets the page's element received from the other person so far. */
const audioIn = (page: Page) =>
  page.evaluate(async () => {
    let n = 0;
    (await document.querySelector('video-session')!.getStats())?.forEach(
      (r: RTCStats & Record<string, unknown>) => {
        if (r.type === 'inbound-rtp' && r['kind'] === 'audio') n += Number(r['packetsReceived']);
      },
    );
    return n;
  });

const shadowText = (page: Page) =>
  page.evaluate(() => document.querySelector('video-session')!.shadowRoot!.textContent ?? '');

describe('camera and microphone permission, on both sides', () => {
  let browser: Browser;
  let bare: Browser;
  let asking: Browser;
  let service: TestService;
  let host: HostPage;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    host = await startHostPage();
    service = await startTestService({ allowedOrigins: [host.origin] });
    host.use(service.url, service.signallingUrl);
    browser = await launchChromium();
    const without = (flag: string) =>
      chromium.launch({
        executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
        headless: true,
        args: [
          ...(CHROMIUM_ARGS as string[]).filter((a) => !a.startsWith(flag)),
          // A page with no camera or microphone allowed gets only mDNS names for its own
          // addresses, which nothing resolves in the loopback namespace (on a real network STUN
          // and TURN give it others): show it its address, as a granted page gets.
          '--disable-features=WebRtcHideLocalIpsWithMdns',
        ],
      });
    // A computer without any camera or microphone: no fake devices.
    bare = await without('--use-fake-device');
    // A browser that honours permission decisions (the fake prompt would grant everything).
    asking = await without('--use-fake-ui');
  });
  afterEach(async () => {
    for (const c of contexts.splice(0)) await c.close();
  });
  afterAll(async () => {
    await browser?.close();
    await bare?.close();
    await asking?.close();
    await service?.stop();
    await host?.close();
  });

  async function open(b: Browser, token: string, block: ('camera' | 'microphone')[] = []) {
    const context = await b.newContext();
    contexts.push(context);
    const page = await context.newPage();
    if (block.length) {
      // The person blocked these for this site, and allowed the rest.
      const allowed = (['camera', 'microphone'] as const).filter((d) => !block.includes(d));
      if (allowed.length) await context.grantPermissions(allowed, { origin: host.origin });
      const cdp = await context.newCDPSession(page);
      const { targetInfo } = await cdp.send('Target.getTargetInfo');
      for (const name of block) {
        await cdp.send('Browser.setPermission', {
          permission: { name },
          setting: 'denied',
          origin: host.origin,
          browserContextId: targetInfo.browserContextId!,
        });
      }
    }
    await page.goto(host.url(token));
    return page;
  }

  async function agentWaiting(sessionToken: string) {
    const agent = await open(browser, sessionToken);
    await agent.evaluate(() => document.querySelector('video-session')!.start());
    await waitForState(agent, 'waiting');
    return agent;
  }

  it('tells the customer how to unblock the camera, and the agent that it is blocked', async () => {
    const session = await service.createSession({ customer: { name: 'Bea' } });
    const agent = await agentWaiting(session.agentToken);
    const customer = await open(asking, session.customerToken, ['camera']);
    await customer
      .locator('video-session')
      .getByRole('button', { name: 'Join video call' })
      .click();
    await Promise.all([waitForState(agent, 'connected'), waitForState(customer, 'connected')]);

    await expect.poll(() => shadowText(customer), PATIENT).toContain('Your camera is blocked');
    expect(await shadowText(customer)).toContain('site settings');
    await expect
      .poll(() => shadowText(agent), PATIENT)
      .toContain('Bea’s camera is blocked in their browser');
    // The customer still talks (their microphone reaches the agent: more packets keep coming) and
    // sees the agent.
    const heard = await audioIn(agent);
    await expect.poll(async () => (await audioIn(agent)) - heard, PATIENT).toBeGreaterThan(20);
    await waitForFrames(customer);
    await clickControl(customer, 'Settings');
    await expect.poll(() => shadowText(customer), PATIENT).toContain('Camera: blocked');
    expect(await shadowText(customer)).toContain('Microphone: allowed');
  });

  it('lets a customer who blocked both camera and microphone join to watch, and tells both why', async () => {
    const session = await service.createSession({ customer: { name: 'Dee' } });
    const agent = await agentWaiting(session.agentToken);
    const customer = await open(asking, session.customerToken, ['camera', 'microphone']);
    // Said before joining, not "your browser will ask".
    await expect.poll(() => shadowText(customer), PATIENT).toContain('Your camera is blocked');
    expect(await shadowText(customer)).toContain('Your microphone is blocked');
    expect(await shadowText(customer)).not.toContain('will ask');
    await customer
      .locator('video-session')
      .getByRole('button', { name: 'Join video call' })
      .click();
    await Promise.all([waitForState(agent, 'connected'), waitForState(customer, 'connected')]);
    await waitForFrames(customer);
    await expect.poll(() => shadowText(customer), PATIENT).toContain('Your camera is blocked');
    await expect.poll(() => shadowText(customer), PATIENT).toContain('Your microphone is blocked');
    await expect
      .poll(() => shadowText(agent), PATIENT)
      .toContain('Dee’s camera is blocked in their browser');
  });

  it('lets a customer with no camera or microphone join and watch', async () => {
    const session = await service.createSession({ customer: { name: 'Cy' } });
    const agent = await agentWaiting(session.agentToken);
    const customer = await open(bare, session.customerToken);
    await expect.poll(() => shadowText(customer), PATIENT).toContain('No camera was found');
    await customer
      .locator('video-session')
      .getByRole('button', { name: 'Join with voice only' })
      .click();
    await Promise.all([waitForState(agent, 'connected'), waitForState(customer, 'connected')]);
    await waitForFrames(customer);
    await expect.poll(() => shadowText(agent), PATIENT).toContain('Cy has no camera');
    await expect.poll(() => shadowText(agent), PATIENT).toContain('Cy has no microphone');
  });
});
