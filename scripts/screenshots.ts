/**
 * Pictures of the main states of a call for the docs, written to docs/screenshots/: the customer on
 * a 390x844 phone (touch) through the service's join page, the agent at 1280x800 on a host page.
 * A real service, real Chromium with its fake camera, a real call.
 *
 *   npm run screenshots      (builds first; runs in a loopback-only network namespace)
 */
import { mkdirSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { launchChromium, waitForState } from '../e2e/browser.js';
import { startHostPage } from '../e2e/host-page.js';
import { startTestService } from '../signalling/testing/service.js';

const OUT = 'docs/screenshots';
mkdirSync(OUT, { recursive: true });
const host = await startHostPage();
const service = await startTestService({ allowedOrigins: [host.origin] });
host.use(service.url, service.signallingUrl);
const browser = await launchChromium();

try {
  const session = await service.createSession({
    ticketId: 'DOCS-1',
    agent: { id: 'a1', name: 'Sam (Support)' },
    customer: { name: 'Bea Miller' },
  });

  const phone = await browser.newContext({
    viewport: { width: 390, height: 844 },
    isMobile: true,
    hasTouch: true,
    deviceScaleFactor: 2,
  });
  const desk = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const customer = await phone.newPage();
  const agent = await desk.newPage();
  const shot = async (page: Page, name: string) => {
    await page.screenshot({ path: `${OUT}/${name}.png` });
    console.log(`${OUT}/${name}.png`);
  };
  const widget = (page: Page) => page.locator('video-session');

  await agent.goto(
    host.url(session.agentToken, 'video-session { width: 1240px; height: 700px; margin: 0 auto }'),
  );
  // The join page at the service's public address (its origin is the one the service allows).
  const publicUrl = service.config.publicUrl.href.replace(/\/$/, '');
  await customer.goto(`${publicUrl}/join/${session.id}#token=${session.customerToken}`);
  await widget(customer).getByRole('button', { name: 'Join video call' }).waitFor();
  await shot(customer, 'phone-join');

  await agent.evaluate(() => document.querySelector('video-session')!.start());
  await widget(customer).getByRole('button', { name: 'Join video call' }).tap();
  await waitForState(agent, 'connected');
  // Pictures on both sides (polled with evaluate: the join page's CSP allows no eval).
  for (const page of [agent, customer]) {
    for (let tries = 0; ; tries++) {
      const playing = await page.evaluate(() => {
        const v = document
          .querySelector('video-session')!
          .shadowRoot!.querySelector<HTMLVideoElement>('[part~="remote-video"]');
        return v !== null && v.videoWidth > 0 && v.currentTime > 0.5;
      });
      if (playing) break;
      if (tries > 150) throw new Error('no picture after 30 s');
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  await shot(customer, 'phone-call');
  await shot(agent, 'desktop-call');

  await widget(customer).getByRole('button', { name: 'More', exact: true }).tap();
  await widget(customer).locator('[part~="more-menu"]').waitFor();
  await shot(customer, 'phone-more');
  await widget(customer).getByRole('button', { name: 'More', exact: true }).tap();

  await agent.evaluate(() =>
    document
      .querySelector('video-session')!
      .sendMessage('Could you show me the back of the router?'),
  );
  await widget(customer).getByRole('button', { name: /^Chat/ }).tap();
  await widget(customer).getByText('Could you show me the back of the router?').waitFor();
  await shot(customer, 'phone-chat');
  await shot(agent, 'desktop-chat-sent');

  await agent.evaluate(() => document.querySelector('video-session')!.takeScreenshot());
  await widget(customer).getByText('took a picture of your camera').waitFor();
  await shot(customer, 'phone-picture-taken');

  await widget(agent).locator('[part~="screenshot-review"]').waitFor();
  await shot(agent, 'desktop-screenshot-editor');
  await widget(agent).getByRole('button', { name: 'Save', exact: true }).click();
  await widget(agent).getByRole('button', { name: 'End call' }).click();
  await widget(agent).getByRole('button', { name: 'End session' }).click();
  await widget(customer).locator('[part~="rating"]').waitFor();
  await shot(customer, 'phone-end');
  await shot(agent, 'desktop-end');
} finally {
  await browser.close();
  await service.stop();
  await host.close();
}
