/**
 * A call that survives the network: a relay-only call through a real coturn whose process is
 * killed and restarted (ICE restart on the same connection), a signalling service stopped and
 * started again (media keeps flowing), and a path that stays broken (rebuilds, then `failed` with a
 * retry that works once the path is back).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { BrowserContext } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestService, type TestService } from '../signalling/testing/service.js';
import { launchChromium, PATIENT, recordErrors, waitForFrames, waitForState } from './browser.js';
import { startHostPage, type HostPage } from './host-page.js';
import { startTurnServer, type TurnServer } from './turn-server.js';

/** In the page: what identifies this peer connection, and how its path looks. */
function snapshot(page: Page) {
  return page.evaluate(async () => {
    const el = document.querySelector('video-session')!;
    const video = el.shadowRoot!.querySelector('[part~="remote-video"]') as HTMLVideoElement;
    const w = window as unknown as { firstStream?: MediaStream };
    w.firstStream ??= video.srcObject as MediaStream;
    let relay = false;
    let channelMessages = 0;
    (await el.getStats())?.forEach((r: RTCStats & Record<string, unknown>) => {
      if (r.type === 'local-candidate' && r['candidateType'] === 'relay') relay = true;
      if (r.type === 'data-channel') channelMessages += Number(r['messagesReceived'] ?? 0);
    });
    return { sameStream: w.firstStream === video.srcObject, relay, channelMessages };
  });
}

/** Records every state the element goes through. */
async function recordStates(page: Page) {
  await page.evaluate(() => {
    const w = window as unknown as { states: string[] };
    w.states = [];
    document.addEventListener('vs-state-change', (e) =>
      w.states.push((e as unknown as { state: string }).state),
    );
  });
  return () => page.evaluate(() => (window as unknown as { states: string[] }).states);
}

const statusText = (page: Page) =>
  page.evaluate(
    () =>
      document.querySelector('video-session')!.shadowRoot!.querySelector('[part~="status"]')!
        .textContent ?? '',
  );

describe('a call that survives the network', () => {
  let browser: Browser;
  let turn: TurnServer;
  let service: TestService;
  let host: HostPage;
  const dataDir = mkdtempSync(join(tmpdir(), 'vs-resilience-'));
  const startService = (port = 0) =>
    startTestService({
      port,
      dataDir,
      allowedOrigins: [host.origin],
      turnUrls: turn.urls,
      turnSecret: turn.secret,
      iceTransportPolicy: 'relay',
      heartbeatMs: 2000,
    });

  beforeAll(async () => {
    host = await startHostPage();
    turn = await startTurnServer();
    service = await startService();
    host.use(service.url, service.signallingUrl);
    browser = await launchChromium();
  });
  const contexts: BrowserContext[] = [];
  afterEach(async () => {
    for (const c of contexts.splice(0)) await c.close();
  });
  afterAll(async () => {
    await browser?.close();
    await service?.stop();
    await turn?.close();
    await host?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function connectedCall() {
    const session = await service.createSession();
    const pages: Page[] = [];
    for (const token of [session.agentToken, session.customerToken]) {
      const context = await browser.newContext();
      contexts.push(context);
      const page = await context.newPage();
      page.on(
        'console',
        (m) =>
          process.env.VS_TEST_LOG &&
          console.log(`[${token === session.agentToken ? 'agent' : 'customer'}] ${m.text()}`),
      );
      await page.goto(host.url(token));
      await page.evaluate(() => document.querySelector('video-session')!.start());
      pages.push(page);
    }
    const [agent, customer] = pages as [Page, Page];
    await Promise.all([waitForState(agent, 'connected'), waitForState(customer, 'connected')]);
    for (const page of pages) await waitForFrames(page);
    return { agent, customer };
  }

  it('restarts ICE on the same connection when the relay dies and comes back', async () => {
    const { agent, customer } = await connectedCall();
    const before = await snapshot(agent);
    expect(before.relay).toBe(true); // the media really goes through coturn
    await snapshot(customer);
    const states = await Promise.all([recordStates(agent), recordStates(customer)]);

    await turn.kill();
    await Promise.all([
      waitForState(agent, 'reconnecting', 'video-session', 10_000),
      waitForState(customer, 'reconnecting', 'video-session', 10_000),
    ]);
    await turn.start();
    await Promise.all([
      waitForState(agent, 'connected', 'video-session', 15_000),
      waitForState(customer, 'connected', 'video-session', 15_000),
    ]);
    for (const page of [agent, customer]) {
      await waitForFrames(page);
      const after = await snapshot(page);
      // The same peer connection (no rebuild), its data channel still carrying messages.
      expect(after.sameStream).toBe(true);
      const rtt = await page.evaluate(() => document.querySelector('video-session')!.roundTrip());
      expect(rtt).toBeLessThan(2000);
    }
    expect((await snapshot(agent)).channelMessages).toBeGreaterThan(before.channelMessages);
    for (const read of states) expect(await read()).toEqual(['reconnecting', 'connected']);
  });

  it('keeps the media flowing while the signalling service restarts, then both recover', async () => {
    const { agent, customer } = await connectedCall();
    await Promise.all([snapshot(agent), snapshot(customer)]);
    const port = service.port;
    await service.stop();
    await expect.poll(() => statusText(agent), PATIENT).toContain('Reconnecting to the service');
    for (const page of [agent, customer]) {
      await waitForFrames(page);
      expect(await page.evaluate(() => document.querySelector('video-session')!.state)).toBe(
        'connected',
      );
    }
    service = await startService(port);
    for (const page of [agent, customer]) {
      await expect
        .poll(() => statusText(page), { timeout: 15_000 })
        .not.toContain('Reconnecting to the service');
      expect((await snapshot(page)).sameStream).toBe(true);
      await waitForFrames(page);
    }
    // The service carries the session again: the agent ends it, and the customer hears of it.
    await agent.evaluate(() => document.querySelector('video-session')!.hangUp());
    await waitForState(customer, 'ended');
  });

  it('rebuilds twice when the path stays broken, then fails with a retry that works', async () => {
    const { agent, customer } = await connectedCall();
    const errors = await Promise.all([recordErrors(agent), recordErrors(customer)]);
    await turn.kill();
    await Promise.all([
      waitForState(agent, 'failed', 'video-session', 60_000),
      waitForState(customer, 'failed', 'video-session', 60_000),
    ]);
    for (const read of errors) expect(await read()).toContain('ERR_CALL_FAILED');
    await turn.start();
    // Both are still in the session: one "Try again" builds a fresh connection for both.
    await customer.locator('video-session').getByRole('button', { name: 'Try again' }).click();
    await Promise.all([waitForState(agent, 'connected'), waitForState(customer, 'connected')]);
    for (const page of [agent, customer]) await waitForFrames(page);
  }, 90_000);
});
