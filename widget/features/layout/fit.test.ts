/**
 * The element laid out by its own width: on phones (320 to 430 px) and in a 648 px card, every
 * control is inside the element, on top where it is (a click at its centre reaches it), and at least
 * 44 px square; what does not fit is in the More menu, and hang-up is always in the bar.
 */
import { sendMouse, setViewport } from '@web/test-runner-commands';
import { expect } from 'chai';
import { button, call, inMode, part, until } from '../../testing.js';
import type { VideoSession } from '../../video-session.js';

afterEach(async () => {
  for (const el of document.querySelectorAll('video-session')) el.remove();
  await setViewport({ width: 800, height: 600 });
});

const frame = () => new Promise((r) => requestAnimationFrame(r));

/** The element's controls now on screen: tool bar buttons and selects, menu items when open. */
function controls(el: VideoSession): HTMLElement[] {
  const bar = part(el, 'toolbar')!;
  return [...bar.querySelectorAll<HTMLElement>('button, select')].filter(
    (c) => c.getClientRects().length > 0,
  );
}

const name = (c: HTMLElement) => c.getAttribute('aria-label') ?? c.textContent?.trim() ?? '';

/** Every problem a person would meet with `c` in `el`: outside, covered, or too small. */
function problems(el: VideoSession, c: HTMLElement): string[] {
  const box = el.getBoundingClientRect();
  const r = c.getBoundingClientRect();
  const out: string[] = [];
  if (r.left < box.left - 0.5 || r.right > box.right + 0.5) {
    out.push(
      `"${name(c)}" is outside the element (x ${r.left}..${r.right} of ${box.left}..${box.right})`,
    );
  }
  if (r.top < box.top - 0.5 || r.bottom > box.bottom + 0.5) {
    out.push(
      `"${name(c)}" is outside the element (y ${r.top}..${r.bottom} of ${box.top}..${box.bottom})`,
    );
  }
  if (r.width < 44 || r.height < 44) out.push(`"${name(c)}" is ${r.width}x${r.height} px`);
  const hit = el.shadowRoot!.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
  if (!hit || !c.contains(hit)) {
    out.push(`"${name(c)}" is covered by ${hit ? `${hit.tagName}.${hit.className}` : 'nothing'}`);
  }
  return out;
}

/** Clicks where a person would: the centre of `target`, with the real mouse. */
async function click(target: HTMLElement) {
  const r = target.getBoundingClientRect();
  await sendMouse({
    type: 'click',
    position: [Math.round(r.left + r.width / 2), Math.round(r.top + r.height / 2)],
  });
}

/** Checks the bar, then the More menu (if there is one) opened by a click, in the one element shown. */
async function allReachable(el: VideoSession, where: string) {
  el.scrollIntoView({ block: 'start' });
  await el.updateComplete;
  await frame();
  const bar = controls(el);
  const hangUp = bar.find((c) => c.classList.contains('hang-up'));
  expect(hangUp, `${where}: no hang-up in the bar`).to.not.equal(undefined);
  const found = bar.flatMap((c) => problems(el, c));
  const more = part(el, 'more-button');
  if (more) {
    await click(more);
    await until(() => part(el, 'more-menu')?.hidden === false, 3000, `${where}: More did not open`);
    await frame();
    const items = [...part(el, 'more-menu')!.querySelectorAll<HTMLElement>('button, select')];
    expect(items.length, `${where}: an empty More menu`).to.be.greaterThan(0);
    found.push(...items.flatMap((c) => problems(el, c)));
    await click(more); // and closed again by the same button
    await until(() => part(el, 'more-menu')?.hidden === true, 3000, `${where}: More did not close`);
  }
  expect(found, where).to.deep.equal([]);
}

async function connectedAt(width: number, height: number, viewport = { width, height }) {
  await setViewport(viewport);
  const { agent, customer } = await call();
  for (const el of [agent, customer]) {
    el.style.width = `${width}px`;
    el.style.height = `${height}px`;
  }
  await Promise.all([agent.start(), customer.start()]);
  await Promise.all([inMode(agent, 'two-way'), inMode(customer, 'two-way')]);
  return { agent, customer };
}

describe('layout by the element’s own width', () => {
  for (const [width, height] of [
    [320, 568],
    [360, 740],
    [390, 844],
    [430, 932],
  ] as const) {
    it(`puts every control within reach on a ${width} px phone, in a call and in chat only`, async () => {
      const { agent, customer } = await connectedAt(width, height);
      await allReachable(customer, `customer ${width} px`);
      await allReachable(agent, `agent ${width} px`);
      await agent.setMode('chat');
      await Promise.all([inMode(agent, 'chat'), inMode(customer, 'chat')]);
      await until(() => part(customer, 'local-video') === null);
      // Chat only opens the chat panel: the bar stays reachable beside it.
      await allReachable(customer, `customer ${width} px, chat only`);
      const leave = button(customer, 'Leave');
      expect(problems(customer, leave)).to.deep.equal([]);
      expect(problems(customer, button(customer, 'Start video call'))).to.deep.equal([]);
    });
  }

  it('fits a 648 px card: the agent’s screenshot button stays in the bar, the rest in More', async () => {
    const { agent, customer } = await connectedAt(648, 480, { width: 1280, height: 1100 });
    await allReachable(agent, 'agent in a 648 px card');
    await allReachable(customer, 'customer in a 648 px card');
    const bar = controls(agent).filter((c) => !part(agent, 'more-menu')!.contains(c));
    expect(bar.map(name)).to.include('Take a screenshot');
    await agent.setMode('chat');
    await inMode(agent, 'chat');
    await allReachable(agent, 'agent in a 648 px card, chat only');
    expect(problems(agent, button(agent, 'End session'))).to.deep.equal([]);
  });

  for (const width of [500, 760]) {
    it(`fits the agent’s fullest bar (screenshots, recording) at ${width} px, where it gets more room`, async () => {
      const { agent } = await connectedAt(width, 480, { width: 1280, height: 1100 });
      await agent.takeScreenshot();
      await until(() => part(agent, 'gallery-button') !== null, 10_000, 'no gallery button');
      await until(() => part(agent, 'record-button') !== null, 10_000, 'no record button');
      await allReachable(agent, `agent at ${width} px`);
    });
  }

  it('keeps every control in the bar when the element is wide', async () => {
    const { agent } = await connectedAt(960, 540, { width: 1280, height: 1200 });
    expect(part(agent, 'more-button')).to.equal(null);
    await allReachable(agent, 'agent at 960 px');
  });

  it('opens the More menu over the chat panel, and closes it with Escape', async () => {
    const { customer } = await connectedAt(360, 740);
    customer.scrollIntoView({ block: 'start' });
    await click(button(customer, 'Chat'));
    await until(() => part(customer, 'chat') !== null, 5000, 'no chat panel');
    const chat = part(customer, 'chat')!;
    const r = chat.getBoundingClientRect();
    const box = customer.getBoundingClientRect();
    expect(r.left, 'chat panel off the left edge').to.be.at.least(box.left);
    expect(r.right, 'chat panel off the right edge').to.be.at.most(box.right);
    await click(part(customer, 'more-button')!);
    await until(() => part(customer, 'more-menu')?.hidden === false);
    await frame();
    const settings = button(customer, 'Settings');
    expect(problems(customer, settings)).to.deep.equal([]);
    settings.focus();
    settings.dispatchEvent(
      new KeyboardEvent('keydown', { key: 'Escape', bubbles: true, composed: true }),
    );
    await until(() => part(customer, 'more-menu')?.hidden === true, 3000, 'Escape left it open');
    expect(customer.shadowRoot!.activeElement).to.equal(part(customer, 'more-button'));
    // A control chosen in the menu closes it and does what it says.
    await click(part(customer, 'more-button')!);
    await until(() => part(customer, 'more-menu')?.hidden === false);
    await frame();
    await click(button(customer, 'Settings'));
    await until(() => part(customer, 'settings') !== null, 5000, 'no settings panel');
    expect(part(customer, 'more-menu')?.hidden).to.equal(true);
  });

  it('asks for recording consent above the open chat on a phone', async () => {
    const { agent, customer } = await connectedAt(360, 740);
    customer.scrollIntoView({ block: 'start' });
    await click(button(customer, 'Chat'));
    await until(() => part(customer, 'chat') !== null, 5000, 'no chat panel');
    await agent.requestRecording();
    await until(() => part(customer, 'recording-prompt') !== null, 10_000, 'customer not asked');
    await customer.updateComplete;
    await frame();
    for (const label of ['Allow recording', "Don't record"]) {
      expect(problems(customer, button(customer, label))).to.deep.equal([]);
    }
  });
});
