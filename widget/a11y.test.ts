import { sendKeys } from '@web/test-runner-commands';
import { expect } from 'chai';
import {
  axeViolations,
  button,
  call,
  createSession,
  inMode,
  loadAxe,
  mount,
  part,
  reach,
  service,
  until,
} from './testing.js';
import { messages } from './messages.js';
import { de } from './locales/de.js';

/** Every string of a table (functions called with sample arguments), flattened. */
function strings(table: unknown): string[] {
  if (typeof table === 'string') return [table];
  if (typeof table === 'function') {
    const out = (table as (...a: unknown[]) => unknown)('X', 'Y');
    return typeof out === 'string' ? out.split('X').flatMap((p) => p.split('Y')) : [];
  }
  if (table && typeof table === 'object') return Object.values(table).flatMap(strings);
  return [];
}

/** English strings that German does not share (`Chat` is both), three words or a label long. */
const englishOnly = (() => {
  const german = new Set(strings(de).map((s) => s.trim()));
  return new Set(
    strings(messages)
      .map((s) => s.trim())
      .filter((s) => s.length >= 4 && !german.has(s)),
  );
})();

/** What `el` shows or says (text, labels, titles, placeholders, alt) that is English only. */
function englishShown(el: Element): string[] {
  const found: string[] = [];
  const visit = (root: ParentNode) => {
    for (const node of root.querySelectorAll('*')) {
      for (const attr of ['aria-label', 'title', 'placeholder', 'alt']) {
        const value = node.getAttribute(attr)?.trim();
        if (value && englishOnly.has(value)) found.push(`${node.localName}[${attr}="${value}"]`);
      }
      for (const child of node.childNodes) {
        const value = child.nodeType === Node.TEXT_NODE ? child.textContent!.trim() : '';
        if (value && englishOnly.has(value)) found.push(`${node.localName}: "${value}"`);
      }
      if (node.shadowRoot) visit(node.shadowRoot);
    }
  };
  visit(el.shadowRoot!);
  return found;
}

before(loadAxe);
afterEach(() => {
  for (const el of document.querySelectorAll('video-session')) el.remove();
  localStorage.clear();
});

describe('accessibility and languages', () => {
  it('has no axe violations in any state of a call', async () => {
    const found: Record<string, string[]> = {};
    const { signallingUrl } = await service();
    const session = await createSession();
    const agent = mount({ 'signalling-url': signallingUrl, token: session.agentToken });
    const customer = mount({ 'signalling-url': signallingUrl, token: session.customerToken });
    found.idle = await axeViolations(customer);
    await agent.start();
    await reach(agent, 'waiting');
    found.waiting = await axeViolations(agent);

    await customer.start({ audio: false, video: false }); // chat only: the chat opens
    await Promise.all([reach(agent, 'connected'), reach(customer, 'connected')]);
    await until(() => part(customer, 'chat') !== null);
    agent.sendMessage('Hello 👋');
    await agent.sendFile(new File(['steps'], 'steps.txt', { type: 'text/plain' }));
    found['chat only, with a message and a file'] = await axeViolations(customer);

    const asked = agent.setMode('two-way');
    await until(() => part(customer, 'stage')!.querySelector('[role="dialog"]') !== null);
    found['asked for video'] = await axeViolations(customer);
    found['waiting for the answer'] = await axeViolations(agent);
    button(customer, 'Accept').click();
    await asked;
    await inMode(customer, 'two-way');
    found['two-way call'] = await axeViolations(agent);

    button(agent, 'Settings').click();
    found['settings open'] = await axeViolations(agent);
    customer.minimized = true;
    found.minimised = await axeViolations(customer);
    customer.minimized = false;

    button(agent, 'End call').click();
    await inMode(customer, 'chat');
    await customer.updateComplete;
    button(customer, 'Leave').click();
    await reach(customer, 'ended');
    found['left the session'] = await axeViolations(customer);

    await agent.hangUp();
    found.ended = await axeViolations(agent);

    const broken = mount({ 'signalling-url': signallingUrl, token: 'not.a.token' });
    await broken.start();
    await reach(broken, 'failed');
    found.failed = await axeViolations(broken);

    const clean = Object.fromEntries(Object.keys(found).map((state) => [state, []]));
    expect(found).to.deep.equal(clean);
  });

  it('can be used by keyboard alone, with a visible focus', async () => {
    const { agent, customer } = await call();
    await agent.start();
    await customer.updateComplete;
    part(customer, 'join-button')!.focus();
    await sendKeys({ press: 'Enter' }); // joins
    await Promise.all([reach(agent, 'connected'), reach(customer, 'connected')]);
    await inMode(customer, 'two-way');
    await customer.updateComplete;
    // Tab walks the toolbar; every stop is labelled and shows its focus ring.
    const toolbar = part(customer, 'toolbar')!;
    (toolbar.querySelector('button') as HTMLButtonElement).focus();
    const stops: string[] = [];
    for (
      let active = customer.shadowRoot!.activeElement as HTMLElement | null;
      active && toolbar.contains(active);
    ) {
      stops.push(active.getAttribute('aria-label') ?? '');
      expect(getComputedStyle(active).outlineStyle, stops.at(-1)).to.not.equal('none');
      await sendKeys({ press: 'Tab' });
      active = customer.shadowRoot!.activeElement as HTMLElement | null;
    }
    expect(stops.filter((s) => s === '')).to.deep.equal([]);
    // The element is 480 px wide: what does not fit is in the More menu, which Tab enters once open.
    expect(stops).to.include.members([
      'Mute microphone',
      'Pause video',
      'Chat',
      'More',
      'End call',
    ]);
    button(customer, 'More').focus();
    await sendKeys({ press: 'Enter' });
    await until(() => part(customer, 'more-menu')?.hidden === false, 3000, 'More did not open');
    await sendKeys({ press: 'Tab' });
    const first = customer.shadowRoot!.activeElement as HTMLElement;
    expect(part(customer, 'more-menu')!.contains(first), 'Tab did not enter the menu').to.equal(
      true,
    );
    expect(getComputedStyle(first).outlineStyle).to.not.equal('none');
    await sendKeys({ press: 'Escape' });
    await until(() => part(customer, 'more-menu')?.hidden === true, 3000, 'Escape left it open');
    // Space on the microphone button mutes, as a mouse click would.
    button(customer, 'Mute microphone').focus();
    await sendKeys({ press: 'Space' });
    expect(customer.muted).to.equal(true);
    // The state is announced politely, not the ticking timer.
    const live = part(customer, 'status')!.querySelector('[role="status"]')!;
    expect(live.textContent).to.contain('Connected · Video call');
    expect(live.textContent).to.not.match(/\d:\d\d/);
  });

  it('speaks German with lang="de", errors included', async () => {
    const { signallingUrl } = await service();
    const session = await createSession();
    const agent = mount({ 'signalling-url': signallingUrl, token: session.agentToken, lang: 'de' });
    const customer = mount({
      'signalling-url': signallingUrl,
      token: session.customerToken,
      lang: 'de',
    });
    await until(() =>
      (part(customer, 'join-button')?.textContent ?? '').includes('Videoanruf beitreten'),
    );
    expect(part(customer, 'status')!.textContent).to.contain('Bereit zum Beitreten');
    expect(customer.shadowRoot!.textContent).to.contain('Ohne Kamera beitreten');
    const shown: Record<string, string[]> = { 'join screen': englishShown(customer) };
    await agent.start();
    await reach(agent, 'waiting');
    expect(part(agent, 'status')!.textContent).to.contain('Warten auf Kundschaft');
    await customer.start();
    await inMode(customer, 'two-way');
    await customer.updateComplete;
    expect(part(customer, 'status')!.textContent).to.contain('Verbunden · Videoanruf');
    expect(button(customer, 'Mikrofon stummschalten').disabled).to.equal(false);
    expect(button(customer, 'Anruf beenden').disabled).to.equal(false);
    await until(() => agent.shadowRoot!.querySelector('[part="annotation-tools"]') !== null);
    shown['agent in a video call'] = englishShown(agent);
    shown['customer in a video call'] = englishShown(customer);
    agent.sendMessage('Hallo');
    await until(() => customer.chatHistory.length === 1);
    await customer.updateComplete;
    expect(part(customer, 'chat-button')!.getAttribute('aria-label')).to.equal('Chat, 1 ungelesen');
    if (!part(customer, 'chat')) part(customer, 'chat-button')!.click();
    await until(() => part(customer, 'chat') !== null);
    button(agent, 'Einstellungen').click();
    await Promise.all([agent.updateComplete, customer.updateComplete]);
    shown['chat open'] = englishShown(customer);
    shown['settings open'] = englishShown(agent);
    button(customer, 'Anruf beenden').click();
    await inMode(customer, 'chat');
    await customer.updateComplete;
    shown['call ended, session open'] = englishShown(customer);
    button(customer, 'Verlassen').click();
    await reach(customer, 'ended');
    await until(() => customer.shadowRoot!.querySelector('video-session-rating') !== null);
    shown['left, with the rating'] = englishShown(customer);
    expect(shown).to.deep.equal(Object.fromEntries(Object.keys(shown).map((k) => [k, []])));

    const broken = mount({ 'signalling-url': signallingUrl, token: 'not.a.token', lang: 'de' });
    await broken.start();
    await reach(broken, 'failed');
    await broken.updateComplete;
    expect(broken.shadowRoot!.querySelector('[role="alert"]')!.textContent).to.contain(
      'Dieser Link ist ungültig.',
    );
    // Any language but German and English stays English; so does a page without `lang`.
    const french = mount({ lang: 'fr' });
    await french.updateComplete;
    expect(part(french, 'join-button')!.textContent).to.contain('Join video call');
  });
});
