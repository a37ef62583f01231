/**
 * The scene of a two-page test that a ticket watches: an integrator's page on its own origin, the
 * service allowing that origin and posting its webhooks to a real receiver that verifies each
 * one, and Chromium. Every browser context opened through the scene is closed with it, or before
 * (`closePages`: after each test, so that no call of an earlier test keeps running).
 */
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll } from 'vitest';
import {
  startWebhookReceiver,
  type WebhookReceiver,
} from '../signalling/testing/webhook-receiver.js';
import { startTestService, type TestService } from '../signalling/testing/service.js';
import { launchChromium } from './browser.js';
import { startHostPage, type HostPage } from './host-page.js';

export interface TicketScene {
  readonly host: HostPage;
  readonly receiver: WebhookReceiver;
  readonly service: TestService;
  /**
   * The host page for `token`, in a browser context of its own (one person); `initScript` runs
   * before the page's own scripts.
   */
  open(token: string, initScript?: string): Promise<Page>;
  /** Closes the contexts opened so far (their pages, and the calls in them). */
  closePages(): Promise<void>;
  /** Closes the contexts, then the browser, the service, the receiver and the page. */
  close(): Promise<void>;
}

export async function startTicketScene(): Promise<TicketScene> {
  const host = await startHostPage();
  const receiver = await startWebhookReceiver();
  const service = await startTestService({
    allowedOrigins: [host.origin],
    webhookUrl: receiver.url,
    webhookSecrets: [receiver.secret],
  });
  host.use(service.url, service.signallingUrl);
  const browser = await launchChromium();
  const contexts: BrowserContext[] = [];
  return {
    host,
    receiver,
    service,
    async open(token, initScript) {
      const context = await browser.newContext();
      contexts.push(context);
      const page = await context.newPage();
      if (initScript) await page.addInitScript(initScript);
      await page.goto(host.url(token));
      return page;
    },
    async closePages() {
      for (const c of contexts.splice(0)) await c.close();
    },
    async close() {
      for (const c of contexts.splice(0)) await c.close();
      await browser.close();
      await service.stop();
      await receiver.close();
      await host.close();
    },
  };
}

/**
 * The scene for the tests of one `describe`: started before them, closed after them; each test's
 * pages are closed after it.
 */
export function useTicketScene(): TicketScene {
  let scene: TicketScene | null = null;
  beforeAll(async () => {
    scene = await startTicketScene();
  });
  afterEach(() => scene?.closePages());
  afterAll(() => scene?.close());
  const started = (): TicketScene => {
    if (!scene) throw new Error('the ticket scene starts before the tests (beforeAll)');
    return scene;
  };
  return {
    get host() {
      return started().host;
    },
    get receiver() {
      return started().receiver;
    },
    get service() {
      return started().service;
    },
    open: (token, initScript) => started().open(token, initScript),
    closePages: () => started().closePages(),
    close: () => started().close(),
  };
}
