import { expect } from 'chai';
import { sends, type CallMode } from '../../../src/call-modes.js';
import type { VsModeChangeEvent, VsModeOfferEvent } from '../../events.js';
import { button, call, flow, inMode, part, reach, text, until } from '../../testing.js';
import type { VideoSession } from '../../video-session.js';

afterEach(() => {
  for (const el of document.querySelectorAll('video-session')) el.remove();
  localStorage.clear();
});

/**
 * Both sides' media, measured on both pages, matches what `mode` says each person sends. Measured
 * again (up to 8 s) while it does not yet: a camera that starts for the new mode takes a moment
 * to deliver, longer on a busy machine.
 */
async function expectFlowing(agent: VideoSession, customer: VideoSession, mode: CallMode) {
  const at = sends(mode, 'agent');
  const ct = sends(mode, 'customer');
  const expected = {
    agentSendsVideo: at.video,
    agentSendsAudio: at.audio,
    customerSendsVideo: ct.video,
    customerSendsAudio: ct.audio,
    silentVideo: 0,
    silentAudio: 0,
  };
  const deadline = Date.now() + 8000;
  for (;;) {
    const [a, c] = await Promise.all([flow(agent), flow(customer)]);
    const seen = {
      agentSendsVideo: a.videoOut > 0 && c.videoIn > 0,
      agentSendsAudio: a.audioOut > 0 && c.audioIn > 0,
      customerSendsVideo: c.videoOut > 0 && a.videoIn > 0,
      customerSendsAudio: c.audioOut > 0 && a.audioIn > 0,
      silentVideo:
        (!at.video ? a.videoOut + c.videoIn : 0) + (!ct.video ? c.videoOut + a.videoIn : 0),
      silentAudio:
        (!at.audio ? a.audioOut + c.audioIn : 0) + (!ct.audio ? c.audioOut + a.audioIn : 0),
    };
    const same = Object.entries(expected).every(([k, v]) => seen[k as keyof typeof seen] === v);
    if (same || Date.now() > deadline) {
      expect(seen, `${mode}: ${JSON.stringify({ a, c })}`).to.deep.equal(expected);
      break;
    }
  }
  // What each page shows: the other's video only when it comes, your own preview only when sent.
  await Promise.all([agent.updateComplete, customer.updateComplete]);
  expect(part(customer, 'remote-video')!.hidden, `${mode}: customer sees agent`).to.equal(
    !at.video,
  );
  expect(part(agent, 'remote-video')!.hidden, `${mode}: agent sees customer`).to.equal(!ct.video);
  expect(part(agent, 'local-video') !== null, `${mode}: agent preview`).to.equal(at.video);
  expect(part(customer, 'local-video') !== null, `${mode}: customer preview`).to.equal(ct.video);
}

describe('call modes', () => {
  it('runs every mode, observed on both pages, and resumes video without a new invitation', async () => {
    const { agent, customer } = await call();
    const changes: string[] = [];
    customer.addEventListener('vs-mode-change', (e: VsModeChangeEvent) =>
      changes.push(`${e.previous}->${e.mode} by ${e.by}`),
    );
    const offers: VsModeOfferEvent[] = [];
    customer.addEventListener('vs-mode-offer', (e) => offers.push(e));
    await Promise.all([agent.start(), customer.start()]);
    await Promise.all([inMode(agent, 'two-way'), inMode(customer, 'two-way')]);
    await expectFlowing(agent, customer, 'two-way');

    for (const mode of ['one-way-agent', 'one-way-customer', 'voice', 'chat', 'two-way'] as const) {
      expect(await agent.setMode(mode)).to.equal(mode);
      await inMode(customer, mode);
      await expectFlowing(agent, customer, mode);
    }
    // The customer joined with video: the agent's changes never had to ask again.
    expect(offers).to.have.length(0);
    expect(changes).to.deep.equal([
      'chat->two-way by agent',
      'two-way->one-way-agent by agent',
      'one-way-agent->one-way-customer by agent',
      'one-way-customer->voice by agent',
      'voice->chat by agent',
      'chat->two-way by agent',
    ]);
    // Chat only: the cameras and microphones are off, not just unsent.
    await agent.setMode('chat');
    await inMode(customer, 'chat');
    await until(() => part(customer, 'local-video') === null);
    expect(customer.state).to.equal('connected');
  });

  it('answers the agent’s two-way offer with the customer’s join choice', async () => {
    const outcomes: Record<string, CallMode> = {};
    for (const [label, media, expected] of [
      ['accept', { audio: true, video: true }, 'two-way'],
      ['only watch', { audio: true, video: false }, 'one-way-agent'],
      ['chat only', { audio: false, video: false }, 'chat'],
    ] as const) {
      const { agent, customer } = await call();
      await agent.start();
      await customer.start(media);
      await Promise.all([reach(agent, 'connected'), reach(customer, 'connected')]);
      await Promise.all([inMode(agent, expected), inMode(customer, expected)]);
      await expectFlowing(agent, customer, expected);
      outcomes[label] = customer.mode;
      if (expected === 'chat') {
        await agent.updateComplete;
        expect(text(agent)).to.contain('Bob declined video');
      }
      await agent.hangUp();
      await reach(customer, 'ended');
    }
    expect(outcomes).to.deep.equal({
      accept: 'two-way',
      'only watch': 'one-way-agent',
      'chat only': 'chat',
    });
  });

  it('asks the customer mid-call, and asks again after they stopped their own video', async () => {
    const { agent, customer } = await call();
    await agent.start();
    await customer.start({ audio: false, video: false }); // chat only
    await Promise.all([reach(agent, 'connected'), reach(customer, 'connected')]);

    // The agent starts video: the customer is asked, and chooses to only watch.
    let asked = agent.setMode('two-way');
    await until(() => part(customer, 'stage')!.querySelector('[role="dialog"]') !== null);
    expect(text(customer)).to.contain('Alice invites you to a video call');
    await agent.updateComplete;
    expect(text(agent)).to.contain('Waiting for Bob to answer');
    button(customer, 'Only watch').click();
    expect(await asked).to.equal('one-way-agent');
    await inMode(customer, 'one-way-agent');
    await expectFlowing(agent, customer, 'one-way-agent');

    // Asked again, the customer accepts: two-way.
    asked = agent.setMode('two-way');
    await until(() => part(customer, 'stage')!.querySelector('[role="dialog"]') !== null);
    button(customer, 'Accept').click();
    expect(await asked).to.equal('two-way');
    await expectFlowing(agent, customer, 'two-way');

    // The customer ends the call themselves; the agent's "Start video call" asks again.
    await customer.updateComplete;
    button(customer, 'End call').click();
    await Promise.all([inMode(agent, 'chat'), inMode(customer, 'chat')]);
    await agent.updateComplete;
    button(agent, 'Start video call').click();
    await until(() => part(customer, 'stage')!.querySelector('[role="dialog"]') !== null);
    button(customer, 'Decline').click();
    await until(() => text(agent).includes('Bob declined video'));
    expect([agent.mode, customer.mode]).to.deep.equal(['chat', 'chat']);
    await expectFlowing(agent, customer, 'chat');
  });

  it('lets the customer ask for a mode, and the agent decide', async () => {
    const { agent, customer } = await call({ mode: 'one-way-customer' });
    await Promise.all([agent.start(), customer.start()]);
    await Promise.all([inMode(agent, 'one-way-customer'), inMode(customer, 'one-way-customer')]);
    expect(agent.getAttribute('mode')).to.equal('one-way-customer');
    // The customer wants to see the agent: the agent is asked, and accepts.
    const asked = customer.setMode('two-way');
    await until(() => part(agent, 'stage')!.querySelector('[role="dialog"]') !== null);
    expect(text(agent)).to.contain('Bob would like to see your video');
    button(agent, 'Accept').click();
    expect(await asked).to.equal('two-way');
    await expectFlowing(agent, customer, 'two-way');
    // Going down needs nobody's yes: the customer drops to voice at once.
    expect(await customer.setMode('voice')).to.equal('voice');
    await inMode(agent, 'voice');
    expect(agent.getAttribute('mode')).to.equal('voice');
  });
});
