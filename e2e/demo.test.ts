import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemo, type RunningDemo } from '../demo/start-demo.js';
import { launchChromium, remoteFrames, waitForState } from './browser.js';

describe('the demo helpdesk, driven in a browser', () => {
  let browser: Browser;
  let demo: RunningDemo;
  const dataDir = mkdtempSync(join(tmpdir(), 'vs-demo-'));

  beforeAll(async () => {
    demo = await startDemo({
      port: 0,
      service: { port: 0, host: '127.0.0.1', dataDir, logger: pino({ level: 'silent' }) },
    });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await demo?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('starts a video session from a ticket, and the invite puts the customer in the call', async () => {
    const agent = await (await browser.newContext()).newPage();
    await agent.goto(demo.helpdeskUrl);
    await agent.getByRole('link', { name: 'T-1002' }).click();
    await expect.poll(() => agent.locator('h1').textContent()).toContain('Router lights');
    await agent.getByRole('button', { name: 'Start video session' }).click();
    await waitForState(agent, 'waiting');
    const invite = (await agent.locator('[data-invite]').textContent())!.trim();
    expect(invite).toMatch(/\/join\/ses_[\w-]+#token=/);

    const customer = await (await browser.newContext()).newPage();
    await customer.goto(invite);
    await customer.getByRole('button', { name: 'Join video call' }).click();
    await Promise.all([waitForState(agent, 'connected'), waitForState(customer, 'connected')]);
    expect((await remoteFrames(agent)).width).toBeGreaterThan(0);
    expect((await remoteFrames(customer)).width).toBeGreaterThan(0);

    // The customer ends the call: the session stays open as chat; the agent ends the session.
    await customer.locator('video-session').getByRole('button', { name: 'End call' }).click();
    await agent.locator('video-session').getByRole('button', { name: 'End session' }).click();
    await Promise.all([waitForState(agent, 'ended'), waitForState(customer, 'ended')]);

    // The ticket lists its session.
    await agent.goto(`${demo.helpdeskUrl}/tickets/T-1002`);
    await expect.poll(() => agent.locator('li a').count()).toBe(1);
  });
});
