import { describe, expect, it } from 'vitest';
import { AnnotationBoard } from './annotation-board.js';
import { MAX_MARKS_PER_AUTHOR, type Mark } from './annotation-ops.js';

const mark = (id: string, x = 0.1): Mark => ({
  id,
  tool: 'arrow',
  color: '#ff3b30',
  width: 0.008,
  points: [x, x, 0.5, 0.5],
});

/** Two boards wired back to back, as the two widgets are. */
function pair() {
  const agent = new AnnotationBoard('agent');
  const customer = new AnnotationBoard('customer');
  const toCustomer = (ms: ReturnType<AnnotationBoard['undo']>) =>
    ms.forEach((m) => customer.apply(m, 'agent'));
  const toAgent = (ms: ReturnType<AnnotationBoard['undo']>) =>
    ms.forEach((m) => agent.apply(m, 'customer'));
  return { agent, customer, toCustomer, toAgent };
}
const ids = (b: AnnotationBoard) => b.marks().map((m) => `${m.author}:${m.id}`);

describe('the annotation board', () => {
  it('keeps both sides in step through add, undo, redo and clear', () => {
    const { agent, customer, toCustomer, toAgent } = pair();
    toCustomer([agent.add(mark('a1'))!, agent.add(mark('a2'))!]);
    toAgent([customer.add(mark('c1'))!]);
    expect(ids(agent)).toEqual(['agent:a1', 'agent:a2', 'customer:c1']);
    expect(ids(customer)).toEqual(ids(agent));

    toCustomer(agent.undo());
    expect(ids(customer)).toEqual(['agent:a1', 'customer:c1']);
    toCustomer(agent.redo());
    expect(ids(customer)).toEqual(['agent:a1', 'customer:c1', 'agent:a2']);

    // The customer clears only their own marks; undo brings them back.
    toAgent([customer.clear('own')]);
    expect(ids(agent)).toEqual(['agent:a1', 'agent:a2']);
    toAgent(customer.undo());
    expect(ids(agent)).toEqual(['agent:a1', 'agent:a2', 'customer:c1']);

    // The agent clears everything, on both sides.
    toCustomer([agent.clear('all')]);
    expect(ids(agent)).toEqual([]);
    expect(ids(customer)).toEqual([]);
    expect(customer.canUndo).toBe(false);
    // Undo restores the agent's own marks, not the customer's.
    toCustomer(agent.undo());
    expect(ids(customer)).toEqual(['agent:a1', 'agent:a2']);
    expect(ids(agent)).toEqual(ids(customer));
  });

  it('marks each side apart by who sent them, not by what they claim', () => {
    const { agent, customer } = pair();
    customer.apply({ type: 'annotate', op: 'add', mark: mark('x') }, 'agent');
    customer.add(mark('x'));
    expect(customer.marks().map((m) => m.author)).toEqual(['agent', 'customer']);
    // A remove from the agent never touches the customer's mark of the same id.
    customer.apply({ type: 'annotate', op: 'remove', id: 'x' }, 'agent');
    expect(ids(customer)).toEqual(['customer:x']);
    expect(agent.marks()).toEqual([]);
  });

  it("refuses a customer's clear-all and a flood of marks, changing nothing", () => {
    const { agent } = pair();
    agent.add(mark('a1'));
    expect(agent.apply({ type: 'annotate', op: 'clear', scope: 'all' }, 'customer')).toMatchObject({
      ok: false,
      code: 'ERR_PEER_MESSAGE_INVALID',
    });
    expect(ids(agent)).toEqual(['agent:a1']);
    for (let i = 0; i < MAX_MARKS_PER_AUTHOR; i++) {
      expect(agent.apply({ type: 'annotate', op: 'add', mark: mark(`c${i}`) }, 'customer').ok).toBe(
        true,
      );
    }
    expect(
      agent.apply({ type: 'annotate', op: 'add', mark: mark('one-more') }, 'customer').ok,
    ).toBe(false);
    expect(agent.marks()).toHaveLength(MAX_MARKS_PER_AUTHOR + 1);
  });
});
