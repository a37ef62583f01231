/**
 * The session lifecycle as its people live it, through the demo helpdesk: the customer asks for
 * video help on their portal page, the agent sees the request arrive on the ticket (live, from the
 * webhook), accepts it, they talk, the agent ends the session, the customer rates it; the
 * helpdesk verified every webhook and its timeline tells the whole story, in order.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemo, type RunningDemo } from '../demo/start-demo.js';
import { launchChromium, PATIENT, waitForState } from './browser.js';

/** The call inside the customer's help button (in its shadow root). */
function helpCallState(page: Page, state: string) {
  return page.waitForFunction(
    (want) =>
      (
        document.querySelector('video-help-button')?.shadowRoot?.querySelector('video-session') as {
          state?: string;
        } | null
      )?.state === want,
    state,
    { timeout: 20_000 },
  );
}

const timelineTypes = (page: Page) =>
  page
    .locator('[data-timeline] li')
    .evaluateAll((lis) => lis.map((li) => li.getAttribute('data-type')));

describe('the lifecycle through the demo helpdesk, in two browsers', () => {
  let browser: Browser;
  let demo: RunningDemo;
  const dataDir = mkdtempSync(join(tmpdir(), 'vs-lifecycle-'));
  const api = (path: string, init: RequestInit = {}) =>
    fetch(`${demo.service.url}${path}`, {
      ...init,
      headers: { authorization: `Bearer ${demo.service.config.apiKey}`, ...init.headers },
    });

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

  it('request -> accept -> connect -> end -> rate, every webhook verified and on the timeline', async () => {
    const agent = await (await browser.newContext()).newPage();
    await agent.goto(`${demo.helpdeskUrl}/tickets/T-1001`);
    const customer = await (await browser.newContext()).newPage();
    await customer.goto(`${demo.helpdeskUrl}/help/T-1001`);

    await customer.getByRole('button', { name: 'Video help' }).click();
    await customer.getByText('Waiting for an agent to accept your call').waitFor();

    // The request reaches the agent's open ticket page by webhook, pushed live.
    await agent.locator('[data-timeline] li[data-type="session.requested"]').waitFor();
    expect(await agent.locator('[data-timeline]').textContent()).toContain(
      'Maria Keller asked for a video call (from their ticket page)',
    );
    await agent.getByRole('button', { name: 'Accept' }).click();
    await agent.waitForURL(/\/tickets\/T-1001\/sessions\/ses_/);
    expect(await agent.locator('aside').textContent()).toContain(
      'Maria Keller asked for this call',
    );

    // The waiting customer is moved into the call.
    await Promise.all([waitForState(agent, 'connected'), helpCallState(customer, 'connected')]);

    // The agent ends the call (the session goes on as chat), then the session; the customer is
    // offered the rating and gives one.
    await agent.locator('video-session').getByRole('button', { name: 'End call' }).click();
    await agent.locator('video-session').getByRole('button', { name: 'End session' }).click();
    await helpCallState(customer, 'ended');
    await customer.getByRole('radio', { name: '5 of 5' }).click();
    await customer
      .getByRole('textbox', { name: 'Anything you want to add? (optional)' })
      .fill('Fixed in two minutes');
    await customer.getByRole('button', { name: 'Send' }).click();
    await customer.getByText('Thank you for your feedback.').waitFor();

    // The ticket's timeline, from verified webhooks, in the order things happened.
    await agent.goto(`${demo.helpdeskUrl}/tickets/T-1001`);
    const expected = [
      'session.requested',
      'session.created',
      'session.participant_joined',
      'session.participant_joined',
      'session.connected',
      'session.ended',
      'session.rated',
    ];
    // Mode changes are reported by the agent's widget over REST, so they may land a moment after
    // the lifecycle events around them: checked apart (start two-way, end call -> chat).
    const lifecycle = async () =>
      (await timelineTypes(agent)).filter((t) => t !== 'session.mode_changed');
    await expect.poll(lifecycle, { timeout: 15_000 }).toEqual(expected);
    await expect
      .poll(
        async () => (await timelineTypes(agent)).filter((t) => t === 'session.mode_changed'),
        PATIENT,
      )
      .toHaveLength(2);
    const text = (await agent.locator('[data-timeline]').textContent()) ?? '';
    expect(text).toContain('Sam (Support) accepted the request');
    expect(text).toContain('Session ended by the agent (hang-up)');
    expect(text).toContain('Rated ★★★★★: “Fixed in two minutes”');
    expect(demo.webhooks.rejected).toBe(0);
    expect(demo.webhooks.accepted).toBe(await agent.locator('[data-timeline] li').count());

    // The service agrees: nothing pending, the session's analytics filled in.
    const [session] = (
      (await (await api('/v1/sessions?ticketId=T-1001')).json()) as {
        sessions: Array<{
          status: string;
          endedBy: string;
          rating: unknown;
          analytics: { setupMs: number };
        }>;
      }
    ).sessions;
    expect(session).toMatchObject({ status: 'ended', endedBy: 'agent', rating: { score: 5 } });
    expect(session!.analytics.setupMs).toBeGreaterThan(0);
    await expect
      .poll(async () => (await (await api('/v1/webhook')).json()) as object, PATIENT)
      .toMatchObject({ pending: 0, dead: 0 });
  });

  it('refuses a forged webhook, and keeps a replayed one once', async () => {
    const forged = await fetch(`${demo.helpdeskUrl}/webhooks`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'webhook-id': 'msg_forged00000001',
        'webhook-timestamp': String(Math.floor(Date.now() / 1000)),
        'webhook-signature': 'v1,bm90IGEgc2lnbmF0dXJl',
      },
      body: '{"id":"msg_forged00000001","type":"session.rated"}',
    });
    expect(forged.status).toBe(400);
    expect(demo.webhooks.rejected).toBe(1);

    const { events } = (await (
      await api('/v1/webhook/events?status=delivered&limit=1')
    ).json()) as {
      events: Array<{ id: string }>;
    };
    const before = { ...demo.webhooks };
    const replay = await api(`/v1/webhook/events/${events[0]!.id}/replay`, { method: 'POST' });
    expect(replay.status).toBe(202);
    await expect.poll(() => demo.webhooks.duplicates, PATIENT).toBe(before.duplicates + 1);
    expect(demo.webhooks.accepted).toBe(before.accepted);
    expect(demo.webhooks.rejected).toBe(before.rejected);
  });
});
