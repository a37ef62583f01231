import { executeServerCommand } from '@web/test-runner-commands';
import { expect } from 'chai';
import type { SessionView } from '../../src/rest.js';
import type { CallState, HelpState, VsRatedEvent } from '../events.js';
import '../index.js';
import type { VideoHelpButton } from './video-help-button.js';
import type { VideoSession } from '../video-session.js';

interface Service {
  url: string;
  signallingUrl: string;
  publicKey: string;
}
type Answer<T> = { status: number; body: T };

const service = () => executeServerCommand('vs-service') as Promise<Service>;
const command = <T>(name: string, payload: unknown) =>
  executeServerCommand(name, payload) as Promise<Answer<T>>;

async function until(check: () => boolean, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function mountButton(attrs: Record<string, string>): Promise<VideoHelpButton> {
  const el = document.createElement('video-help-button');
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  document.body.append(el);
  await el.updateComplete;
  return el;
}

const shadow = (el: Element) => el.shadowRoot!;
const buttonNamed = (root: ParentNode, name: string) =>
  [...root.querySelectorAll('button')].find((b) => b.textContent?.trim() === name) as
    HTMLButtonElement | undefined;
const call = (el: VideoHelpButton) =>
  shadow(el).querySelector('video-session') as VideoSession | null;
const reachCall = (el: VideoSession | null, state: CallState) => until(() => el?.state === state);

afterEach(() => {
  for (const el of document.querySelectorAll('video-help-button, video-session')) el.remove();
  sessionStorage.clear();
  localStorage.clear();
});

describe('<video-help-button>', () => {
  it('asks for help, waits, joins the call when an agent accepts, and lets the customer rate it', async () => {
    const { url, signallingUrl, publicKey } = await service();
    const el = await mountButton({
      'service-url': url,
      'public-key': publicKey,
      'ticket-id': 'WTR-HELP',
      'customer-name': 'Bob',
    });
    const states: HelpState[] = [];
    el.addEventListener('vs-help-state', (e) => states.push(e.state));
    shadow(el).querySelector<HTMLButtonElement>('[part="button"]')!.click();
    await until(() => el.state === 'requested');
    await el.updateComplete;
    expect(shadow(el).querySelector('[part="panel"]')!.textContent).to.contain(
      'Waiting for an agent',
    );
    // Nothing is asked of the camera while waiting.
    expect(call(el)).to.equal(null);

    const accepted = await command<SessionView & { agentToken: string }>('vs-accept', {
      id: el.sessionId,
    });
    expect(accepted.body).to.include({ status: 'created', ticketId: 'WTR-HELP' });
    await until(() => el.state === 'in-call');
    const agent = document.createElement('video-session');
    agent.signallingUrl = signallingUrl;
    agent.token = accepted.body.agentToken;
    agent.autoStart = true;
    document.body.append(agent);
    const customer = call(el);
    await Promise.all([reachCall(customer, 'connected'), reachCall(agent, 'connected')]);
    expect(states).to.deep.equal(['requesting', 'requested', 'in-call']);

    // The agent ends the session; the customer is offered the rating.
    await agent.hangUp();
    await reachCall(customer, 'ended');
    await customer!.updateComplete;
    const rating = shadow(customer!).querySelector('video-session-rating')!;
    expect(rating).to.not.equal(null);
    // The prompt is its own chunk, loaded during the call: it shows once that is there.
    await until(() => rating.shadowRoot !== null, 5000);
    await rating.updateComplete;
    const stars = shadow(rating).querySelectorAll<HTMLButtonElement>('[part="star"]');
    expect(stars).to.have.length(5);
    const send = shadow(rating).querySelector<HTMLButtonElement>('[part="send"]')!;
    expect(send.disabled).to.equal(true);
    stars[3]!.click();
    await rating.updateComplete;
    expect(stars[3]!.getAttribute('aria-checked')).to.equal('true');
    expect(stars[4]!.getAttribute('aria-checked')).to.equal('false');
    shadow(rating).querySelector('textarea')!.value = 'Sam found the fault at once';
    const rated = new Promise<VsRatedEvent>((resolve) =>
      customer!.addEventListener('vs-rated', resolve, { once: true }),
    );
    send.click();
    const event = await rated;
    expect({ score: event.score, comment: event.comment }).to.deep.equal({
      score: 4,
      comment: 'Sam found the fault at once',
    });
    await until(() => (shadow(rating).textContent ?? '').includes('Thank you for your feedback'));
    const stored = await command<SessionView>('vs-read-session', { id: el.sessionId });
    expect(stored.body.rating).to.include({ score: 4, comment: 'Sam found the fault at once' });

    // The panel closes; the button is back.
    await el.updateComplete;
    buttonNamed(shadow(el), 'Close')!.click();
    await until(() => el.state === 'idle');
  });

  it('cancels a waiting request', async () => {
    const { url, publicKey } = await service();
    const el = await mountButton({ 'service-url': url, 'public-key': publicKey });
    await el.request();
    await until(() => el.state === 'requested');
    const id = el.sessionId!;
    await el.updateComplete;
    buttonNamed(shadow(el), 'Cancel')!.click();
    await until(() => el.state === 'idle');
    expect(sessionStorage.length).to.equal(0);
    let stored: Answer<SessionView> | null = null;
    for (let i = 0; i < 50 && stored?.body.status !== 'ended'; i++) {
      stored = await command<SessionView>('vs-read-session', { id });
    }
    expect(stored!.body).to.include({
      status: 'ended',
      endReason: 'cancelled',
      endedBy: 'customer',
    });
  });

  it('says so when the request is declined, and can ask again', async () => {
    const { url, publicKey } = await service();
    const el = await mountButton({ 'service-url': url, 'public-key': publicKey });
    await el.request();
    await until(() => el.state === 'requested');
    await command('vs-decline', { id: el.sessionId });
    await until(() => el.state === 'declined');
    await el.updateComplete;
    expect(shadow(el).querySelector('[role="alert"]')!.textContent).to.contain(
      'No agent can take a video call right now',
    );
    buttonNamed(shadow(el), 'Try again')!.click();
    await until(() => el.state === 'requested');
  });

  it('uses a request token minted for the ticket, and keeps its place when the page reloads', async () => {
    const { url } = await service();
    const minted = await command<{ token: string }>('vs-request-token', {
      ticketId: 'WTR-TOKEN',
      customer: { name: 'Lena' },
    });
    const first = await mountButton({ 'service-url': url, 'request-token': minted.body.token });
    await first.request();
    await until(() => first.state === 'requested');
    const id = first.sessionId;
    const stored = await command<SessionView>('vs-read-session', { id });
    expect(stored.body).to.include({ ticketId: 'WTR-TOKEN', status: 'requested' });
    expect(stored.body.customer.name).to.equal('Lena');

    // A new page (the element is created again): it picks up the same request.
    first.remove();
    const again = await mountButton({ 'service-url': url, 'request-token': minted.body.token });
    await until(() => again.state === 'requested');
    expect(again.sessionId).to.equal(id);
  });

  it('fails with a clear message when the page has no valid key', async () => {
    const { url } = await service();
    const el = await mountButton({ 'service-url': url, 'public-key': 'pk_not_the_right_one_123' });
    await el.request();
    await until(() => el.state === 'failed');
    await el.updateComplete;
    expect(shadow(el).querySelector('[role="alert"]')!.textContent).to.contain(
      'its key or request token is not valid',
    );
  });
});
