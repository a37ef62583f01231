/**
 * What the ticket learns about the call itself: the customer declining video, the mode changes, and
 * the chat (messages and files, never their bytes) when the session ends, as signed webhooks that an
 * independent implementation verifies.
 */
import { describe, expect, it } from 'vitest';
import { waitForState } from './browser.js';
import { useTicketScene } from './ticket-scene.js';

describe('the call as the ticket sees it', () => {
  const scene = useTicketScene();

  it('reports the declined offer, the mode changes and the chat transcript', async () => {
    const session = await scene.service.createSession({ customer: { name: 'Dana' } });
    const agent = await scene.open(session.agentToken);
    await agent.evaluate(() => document.querySelector('video-session')!.start());
    await waitForState(agent, 'waiting');
    const customer = await scene.open(session.customerToken);
    const widget = customer.locator('video-session');
    await widget.getByRole('button', { name: 'Chat only' }).click();
    await Promise.all([waitForState(agent, 'connected'), waitForState(customer, 'connected')]);

    // The chat opens for chat only; the customer writes, the agent sends a file.
    await widget.getByRole('textbox', { name: 'Message' }).fill('My router blinks orange');
    await widget.getByRole('button', { name: 'Send', exact: true }).click();
    await agent.evaluate(() =>
      document
        .querySelector('video-session')!
        .sendFile(new File(['reset steps…'], 'reset.txt', { type: 'text/plain' })),
    );

    // The agent offers voice; the customer accepts this time.
    const voice = agent.evaluate(() => document.querySelector('video-session')!.setMode('voice'));
    await widget.getByRole('button', { name: 'Accept' }).click();
    expect(await voice).toBe('voice');
    await agent.locator('video-session').getByRole('button', { name: 'End call' }).click();
    await agent.locator('video-session').getByRole('button', { name: 'End session' }).click();
    await waitForState(customer, 'ended');

    const mine = () =>
      scene.receiver
        .distinct()
        .filter((d) => d.event.sessionId === session.id)
        .map((d) => d.event);
    await scene.receiver.until(
      () => mine().some((e) => e.type === 'session.chat_transcript'),
      15_000,
    );
    const events = mine();
    const of = <T extends string>(type: T) => events.filter((e) => e.type === type);

    expect(of('session.offer_declined').map((e) => e.data)).toEqual([
      { mode: 'two-way', by: 'agent' },
    ]);
    expect(of('session.mode_changed').map((e) => e.data)).toEqual([
      { mode: 'voice', previous: 'chat', by: 'agent' },
      { mode: 'chat', previous: 'voice', by: 'agent' },
    ]);
    const [transcript] = of('session.chat_transcript');
    expect(transcript!.data).toMatchObject({
      part: 1,
      parts: 1,
      by: 'agent',
      lines: [
        { role: 'customer', text: 'My router blinks orange' },
        {
          role: 'agent',
          file: { name: 'reset.txt', size: 14, type: 'text/plain', delivered: true },
        },
      ],
    });
    expect(scene.receiver.rejected).toEqual([]); // every delivery verified
  });
});
