import { describe, expect, it } from 'vitest';
import { EVERYTHING, NOTHING, modeOf, resolveAnswer, sends, withoutVideoOf } from './call-modes.js';
import type { CallMode, ModeAnswer, Sends } from './call-modes.js';
import type { ModeMessage } from './call-messages.js';
import { ModeNegotiator, type ModeOffer } from './mode-negotiator.js';

describe('call modes', () => {
  it('say who sends what, and back', () => {
    for (const mode of ['two-way', 'one-way-agent', 'one-way-customer', 'voice', 'chat'] as const) {
      expect(modeOf(sends(mode, 'agent'), sends(mode, 'customer'))).toBe(mode);
    }
    expect(sends('one-way-agent', 'customer')).toEqual({ audio: true, video: false });
    expect(sends('one-way-customer', 'agent')).toEqual({ audio: true, video: false });
  });

  it('resolve the three answers to a two-way offer', () => {
    expect(resolveAnswer('two-way', 'chat', 'customer', 'accept')).toBe('two-way');
    expect(resolveAnswer('two-way', 'chat', 'customer', 'one-way')).toBe('one-way-agent');
    expect(resolveAnswer('two-way', 'chat', 'customer', 'decline')).toBe('chat');
    expect(resolveAnswer('two-way', 'voice', 'customer', 'decline')).toBe('voice');
    expect(withoutVideoOf('one-way-customer', 'customer')).toBe('voice');
    expect(withoutVideoOf('two-way', 'agent')).toBe('one-way-customer');
    expect(resolveAnswer('voice', 'chat', 'customer', 'one-way')).toBe('voice');
  });
});

/** Two negotiators joined by an in-order asynchronous channel, like the data channel. */
function pair(
  customer: { consent: Sends; preset?: ModeAnswer | null },
  agentInitial: CallMode = 'two-way',
) {
  const log: string[] = [];
  const offers: Record<'agent' | 'customer', ModeOffer | null> = { agent: null, customer: null };
  const applied: Record<'agent' | 'customer', CallMode[]> = { agent: [], customer: [] };
  let open = true;
  const wire =
    (to: () => ModeNegotiator, from: string) =>
    (m: ModeMessage): boolean => {
      if (!open) return false;
      log.push(
        `${from}:${m.type}${'mode' in m ? `:${m.mode}` : ''}${'answer' in m ? `:${m.answer}` : ''}`,
      );
      queueMicrotask(() => open && to().handle(m));
      return true;
    };
  const make = (
    role: 'agent' | 'customer',
    to: () => ModeNegotiator,
    init: ConstructorParameters<typeof ModeNegotiator>[1],
  ) =>
    new ModeNegotiator(
      {
        role,
        send: wire(to, role),
        onApply: (m) => applied[role].push(m),
        onChange: (m, p, by) => log.push(`${role} shows ${p}->${m} by ${by}`),
        onOffer: (o) => (offers[role] = o),
      },
      init,
    );
  const agent: ModeNegotiator = make('agent', () => cust, {
    initial: agentInitial,
    consent: sends(agentInitial, 'agent'),
  });
  const cust: ModeNegotiator = make('customer', () => agent, customer);
  return {
    agent,
    customer: cust,
    log,
    offers,
    applied,
    connect() {
      open = true;
      agent.connected();
      cust.connected();
    },
    drop() {
      open = false;
      agent.disconnected();
      cust.disconnected();
    },
  };
}

const settle = () => new Promise((r) => setTimeout(r, 0));

describe('ModeNegotiator', () => {
  it("agrees the agent's two-way offer with a customer who joined with video, without asking again", async () => {
    const p = pair({ consent: EVERYTHING, preset: 'accept' });
    expect(p.agent.mode).toBe('two-way'); // before connecting: what the agent will offer
    p.connect();
    await settle();
    expect([p.agent.mode, p.customer.mode]).toEqual(['two-way', 'two-way']);
    expect(p.offers.customer).toBe(null);
    expect(p.log).toContain('customer shows chat->two-way by agent');
  });

  it("turns the customer's join choice into the answer: without camera, and chat only", async () => {
    const oneWay = pair({ consent: { audio: true, video: false }, preset: 'one-way' });
    oneWay.connect();
    await settle();
    expect([oneWay.agent.mode, oneWay.customer.mode]).toEqual(['one-way-agent', 'one-way-agent']);

    const chat = pair({ consent: NOTHING, preset: 'decline' });
    chat.connect();
    await settle();
    expect([chat.agent.mode, chat.customer.mode]).toEqual(['chat', 'chat']);
    // Later the agent asks again: now the customer is asked, and can accept.
    const result = chat.agent.request('two-way');
    await settle();
    expect(chat.offers.customer).toMatchObject({ mode: 'two-way', from: 'agent' });
    expect(chat.agent.awaitingAnswer).toBe(true);
    chat.customer.answer('accept');
    expect(await result).toBe('two-way');
    await settle();
    expect(chat.customer.mode).toBe('two-way');
  });

  it('resumes video the agent ended without asking, but asks again after the customer stopped it', async () => {
    const p = pair({ consent: EVERYTHING, preset: 'accept' });
    p.connect();
    await settle();
    expect(await p.agent.request('chat')).toBe('chat'); // "end video": the session stays
    await settle();
    expect(p.customer.mode).toBe('chat');
    expect(await p.agent.request('two-way')).toBe('two-way');
    expect(p.offers.customer).toBe(null);

    // The customer stops their own camera: a request the agent grants at once.
    expect(await p.customer.request('one-way-agent')).toBe('one-way-agent');
    expect(p.agent.mode).toBe('one-way-agent');
    const again = p.agent.request('two-way');
    await settle();
    expect(p.offers.customer?.mode).toBe('two-way');
    p.customer.answer('decline');
    expect(await again).toBe('one-way-agent');
  });

  it("asks the agent when the customer wants the agent's camera beyond what the agent agreed to", async () => {
    const p = pair({ consent: EVERYTHING, preset: 'accept' }, 'one-way-customer');
    p.connect();
    await settle();
    expect(p.agent.mode).toBe('one-way-customer');
    const asked = p.customer.request('two-way');
    await settle();
    expect(p.offers.agent).toMatchObject({ mode: 'two-way', from: 'customer' });
    p.agent.answer('accept');
    expect(await asked).toBe('two-way');
    expect(p.agent.mode).toBe('two-way');
  });

  it('re-agrees silently on a new connection, and a newer wish replaces an unanswered offer', async () => {
    const p = pair({ consent: { audio: true, video: false }, preset: 'one-way' });
    p.connect();
    await settle();
    p.drop();
    expect(p.agent.mode).toBe('one-way-agent');
    const shown = p.log.length;
    p.connect();
    await settle();
    expect(p.applied.customer.slice(-2)).toEqual(['chat', 'one-way-agent']);
    expect(p.log.slice(shown).filter((l) => l.includes('shows'))).toEqual([]);

    const first = p.agent.request('two-way');
    await settle();
    expect(p.offers.customer?.mode).toBe('two-way');
    const second = p.agent.request('voice');
    expect(await first).toBe('one-way-agent');
    expect(await second).toBe('voice');
    await settle();
    expect(p.offers.customer).toBe(null); // the question went away on the customer's screen
    expect(p.customer.mode).toBe('voice');
  });

  it('settles everything that waits when the data channel closes', async () => {
    const p = pair({ consent: NOTHING, preset: 'decline' });
    p.connect();
    await settle();
    const offered = p.agent.request('two-way');
    await settle();
    p.drop();
    expect(await offered).toBe('chat');
    expect(p.offers.customer).toBe(null);
    expect(await p.customer.request('voice')).toBe('chat');
  });
});
