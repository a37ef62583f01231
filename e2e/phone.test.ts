/**
 * The customer's real path on a phone: the invite link opens the join page on a 390x844 touch
 * screen, Join is tapped, and in the call every control is inside the screen, on top where it is
 * (a tap at its centre reaches it) and at least 44 px; the More menu holds the rest; the chat panel
 * fits; the drawing tools the agent's first mark brings are 44 px, in one row inside the picture.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestService, type TestService } from '../signalling/testing/service.js';
import { launchChromium, PATIENT, waitForFrames, waitForState } from './browser.js';
import { startHostPage, type HostPage } from './host-page.js';

/** Every problem a person would meet with the element's controls matching `selector`. */
function problems(page: Page, selector: string): Promise<string[]> {
  return page.evaluate((sel) => {
    const el = document.querySelector('video-session')!;
    const root = el.shadowRoot!;
    const out: string[] = [];
    for (const c of root.querySelectorAll<HTMLElement>(sel)) {
      if (c.getClientRects().length === 0) continue; // not shown (a closed menu)
      const r = c.getBoundingClientRect();
      const name = c.getAttribute('aria-label') ?? c.textContent?.trim() ?? c.tagName;
      if (
        r.left < -0.5 ||
        r.right > innerWidth + 0.5 ||
        r.top < -0.5 ||
        r.bottom > innerHeight + 0.5
      )
        out.push(`"${name}" is off the screen (${r.left},${r.top} ${r.width}x${r.height})`);
      if (r.width < 44 || r.height < 44) out.push(`"${name}" is ${r.width}x${r.height} px`);
      const hit = root.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
      if (!hit || !c.contains(hit))
        out.push(`"${name}" is covered by ${hit?.tagName ?? 'nothing'}`);
    }
    return out;
  }, selector);
}

describe('the customer on a phone', () => {
  let browser: Browser;
  let service: TestService;
  let host: HostPage;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    host = await startHostPage();
    service = await startTestService({ allowedOrigins: [host.origin] });
    host.use(service.url, service.signallingUrl);
    browser = await launchChromium();
  });
  afterAll(async () => {
    for (const c of contexts) await c.close();
    await browser?.close();
    await service?.stop();
    await host?.close();
  });

  it('reaches every control with a finger, through the join page, in a call the agent draws on', async () => {
    const session = await service.createSession({ customer: { name: 'Bea' } });
    const desk = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const phone = await browser.newContext({
      viewport: { width: 390, height: 844 },
      isMobile: true,
      hasTouch: true,
      deviceScaleFactor: 2,
    });
    contexts.push(desk, phone);
    const agent = await desk.newPage();
    await agent.goto(host.url(session.agentToken, 'video-session { width: 960px; height: 600px }'));
    await agent.evaluate(() => document.querySelector('video-session')!.start());
    const customer = await phone.newPage();
    await customer.addInitScript(() => {
      const seen: string[] = [];
      (window as unknown as { violations: string[] }).violations = seen;
      document.addEventListener('securitypolicyviolation', (e) =>
        seen.push(`${e.effectiveDirective} ${e.blockedURI} ${e.sample}`),
      );
    });
    const base = service.config.publicUrl.href.replace(/\/$/, '');
    await customer.goto(`${base}/join/${session.id}#token=${session.customerToken}`);
    await customer.locator('video-session').getByRole('button', { name: 'Join video call' }).tap();
    await Promise.all([waitForState(agent, 'connected'), waitForState(customer, 'connected')]);
    await waitForFrames(customer);

    expect(await problems(customer, '[part~="toolbar"] button, [part~="toolbar"] select')).toEqual(
      [],
    );
    const widget = customer.locator('video-session');
    await widget.getByRole('button', { name: 'More', exact: true }).tap();
    await widget.locator('[part~="more-menu"]').waitFor();
    expect(
      await problems(customer, '[part~="more-menu"] button, [part~="more-menu"] select'),
    ).toEqual([]);
    await widget.getByRole('button', { name: 'More', exact: true }).tap();
    await widget.getByRole('button', { name: 'Chat', exact: true }).tap();
    await widget.locator('[part~="chat"]').waitFor();
    expect(await problems(customer, '[part~="chat"] button')).toEqual([]);
    await widget.getByRole('button', { name: 'Chat', exact: true }).tap();

    // The agent draws an arrow on the customer's picture: the customer's own camera goes large,
    // with the drawing tools.
    await agent.waitForFunction(
      () =>
        document
          .querySelector('video-session')!
          .shadowRoot!.querySelector('[part~="annotation-tools"]') !== null,
    );
    await agent.locator('video-session').getByRole('button', { name: 'Arrow (A)' }).click();
    const box = (await agent.locator('video-session').locator('video.remote').boundingBox())!;
    await agent.mouse.move(box.x + box.width * 0.3, box.y + box.height * 0.5);
    await agent.mouse.down();
    await agent.mouse.move(box.x + box.width * 0.6, box.y + box.height * 0.5, { steps: 6 });
    await agent.mouse.up();
    await widget.locator('[part~="annotation-tools"]').waitFor({ timeout: PATIENT.timeout });
    // The tools are 44 px, in one row inside the screen; those the row shows are reachable where
    // they are (the rest by scrolling the row).
    const palette = await customer.evaluate(() => {
      const root = document.querySelector('video-session')!.shadowRoot!;
      const bar = root.querySelector<HTMLElement>('[part~="annotation-tools"]')!;
      const row = bar.getBoundingClientRect();
      const out = {
        height: row.height,
        left: row.left,
        right: row.right,
        shown: 0,
        problems: [] as string[],
      };
      for (const t of bar.querySelectorAll<HTMLElement>('.tool, .swatch')) {
        const r = t.getBoundingClientRect();
        const [x, y] = [r.left + r.width / 2, r.top + r.height / 2];
        if (x < row.left || x > row.right) continue; // scrolled out of the row's view
        out.shown++;
        const name = t.getAttribute('aria-label') ?? '';
        if (r.width < 44 || r.height < 44) out.problems.push(`"${name}" is ${r.width}x${r.height}`);
        const hit = root.elementFromPoint(x, y);
        if (!hit || !t.contains(hit)) out.problems.push(`"${name}" is covered by ${hit?.tagName}`);
      }
      return out;
    });
    expect(palette.problems).toEqual([]);
    // The join page's strict CSP: nothing the widget did was refused.
    expect(
      await customer.evaluate(() => (window as unknown as { violations: string[] }).violations),
    ).toEqual([]);
    expect(palette.shown).toBeGreaterThanOrEqual(5);
    expect(palette.height).toBeLessThan(44 + 16); // one row, not columns
    expect(palette.left).toBeGreaterThanOrEqual(0);
    expect(palette.right).toBeLessThanOrEqual(390);
  });
});
