import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestService, type TestService } from '../signalling/testing/service.js';
import { launchChromium, PATIENT, recordErrors, waitForFrames, waitForState } from './browser.js';
import { startHostPage, type HostPage } from './host-page.js';

describe('a support call between two browsers, through the real service', () => {
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

  it('connects the agent on the host page with the customer on the join page, both ways', async () => {
    const session = await service.createSession({ customer: { name: 'Bea' } });

    // The agent: the integrator's page on its own origin, one script and one element.
    const agent = await person();
    await agent.goto(host.url(session.agentToken));
    const agentErrors = await recordErrors(agent);
    await agent.evaluate(() => document.querySelector('video-session')!.start());
    await waitForState(agent, 'waiting');

    // The customer: the invite link opens the service's own join page; they press Join.
    const customer = await person();
    const violations: string[] = [];
    customer.on(
      'console',
      (m) => m.text().includes('Content Security Policy') && violations.push(m.text()),
    );
    await customer.goto(session.inviteUrl);
    await customer
      .locator('video-session')
      .getByRole('button', { name: 'Join video call' })
      .click();

    await Promise.all([waitForState(agent, 'connected'), waitForState(customer, 'connected')]);

    // Each page's remote video decodes frames, and they keep coming.
    for (const page of [agent, customer]) {
      expect((await waitForFrames(page)).width).toBeGreaterThan(0);
      await waitForFrames(page);
    }
    // A data-channel message goes to the other widget and back.
    const rtt = await customer.evaluate(() => document.querySelector('video-session')!.roundTrip());
    expect(rtt).toBeGreaterThanOrEqual(0);
    expect(rtt).toBeLessThan(1000);
    // The join page ran under its strict CSP without a violation.
    expect(violations).toEqual([]);
    expect(await agentErrors()).toEqual([]);

    // A third person with the forwarded invite link is told it is open elsewhere, before any
    // camera; the call goes on. (A page that does not check is refused: e2e/join-page.test.ts.)
    const intruder = await person();
    await intruder.goto(session.inviteUrl);
    await expect
      .poll(() => intruder.locator('[data-dead="inUse"]').isVisible(), PATIENT)
      .toBe(true);
    expect(await intruder.locator('video-session').isHidden()).toBe(true);
    await waitForFrames(customer);

    // The agent ends the call (chat goes on), then the session, for both.
    await agent.locator('video-session').getByRole('button', { name: 'End call' }).click();
    await agent.locator('video-session').getByRole('button', { name: 'End session' }).click();
    await waitForState(customer, 'ended');
    await waitForState(agent, 'ended');
    // The widgets show "ended" as soon as the agent hangs up; the service stores it a moment later.
    const status = async () => {
      const res = await fetch(`${service.url}/v1/sessions/${session.id}`, {
        headers: { authorization: `Bearer ${session.agentToken}` },
      });
      return ((await res.json()) as { status: string }).status;
    };
    await expect.poll(status, PATIENT).toBe('ended');
  });

  it('lets the customer reload the page and come back into the same call', async () => {
    const session = await service.createSession();
    const agent = await person();
    await agent.goto(host.url(session.agentToken));
    await agent.evaluate(() => document.querySelector('video-session')!.start());
    const customer = await person();
    await customer.goto(session.inviteUrl);
    await customer
      .locator('video-session')
      .getByRole('button', { name: 'Join video call' })
      .click();
    await Promise.all([waitForState(agent, 'connected'), waitForState(customer, 'connected')]);

    // A reload is the same person (same browser): their resume key replaces the old connection
    // even before the service noticed that the old one is gone.
    await customer.reload();
    await customer
      .locator('video-session')
      .getByRole('button', { name: 'Join video call' })
      .click();
    await Promise.all([waitForState(agent, 'connected'), waitForState(customer, 'connected')]);
    await waitForFrames(agent);
    await waitForFrames(customer);
  });
});
