/**
 * The scene of a two-page test that a ticket watches: an integrator's page on its own origin, the
 * service allowing that origin and posting its webhooks to a real receiver that verifies each
 * one, and Chromium. Each test opens its own contexts (two people) and hands them to `close`.
 */
import type { Browser, BrowserContext } from 'playwright-core';
import { startWebhookReceiver, type WebhookReceiver } from '../signalling/testing-receiver.js';
import { startTestService, type TestService } from '../signalling/testing.js';
import { launchChromium } from './browser.js';
import { startHostPage, type HostPage } from './host-page.js';

export interface TicketScene {
  host: HostPage;
  receiver: WebhookReceiver;
  service: TestService;
  browser: Browser;
  /** Closes `contexts`, then the browser, the service, the receiver and the page. */
  close(contexts: readonly BrowserContext[]): Promise<void>;
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
  return {
    host,
    receiver,
    service,
    browser,
    async close(contexts) {
      for (const c of contexts) await c.close();
      await browser.close();
      await service.stop();
      await receiver.close();
      await host.close();
    },
  };
}
