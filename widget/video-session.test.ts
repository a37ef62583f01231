import { executeServerCommand } from '@web/test-runner-commands';
import { expect } from 'chai';
import type { CreatedSession } from '../src/rest.js';
import type { CallState, VsErrorEvent } from './events.js';
import './index.js';
import type { VideoSession } from './video-session.js';

interface Service {
  url: string;
  signallingUrl: string;
}

const service = () => executeServerCommand<Service, undefined>('vs-service') as Promise<Service>;
const createSession = () =>
  executeServerCommand<CreatedSession, undefined>('vs-create-session') as Promise<CreatedSession>;

function mount(attrs: Record<string, string> = {}): VideoSession {
  const el = document.createElement('video-session');
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  el.style.width = '480px';
  el.style.height = '360px';
  document.body.append(el);
  return el;
}

/** Resolves when `el` reaches `state` (now or later); rejects after `ms`. */
function reach(el: VideoSession, state: CallState, ms = 20_000): Promise<void> {
  if (el.state === state) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`still ${el.state}, wanted ${state}`)), ms);
    el.addEventListener('vs-state-change', function onChange(e) {
      if (e.state !== state) return;
      clearTimeout(timer);
      el.removeEventListener('vs-state-change', onChange);
      resolve();
    });
  });
}

function nextError(el: VideoSession): Promise<VsErrorEvent> {
  return new Promise((resolve) => el.addEventListener('vs-error', resolve, { once: true }));
}

/** Waits for `count` new decoded frames on a video element. */
function frames(video: HTMLVideoElement, count: number): Promise<void> {
  return new Promise((resolve) => {
    let seen = 0;
    const next = () =>
      video.requestVideoFrameCallback(() => (++seen >= count ? resolve() : next()));
    next();
  });
}

async function until(check: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}

const part = (el: VideoSession, name: string) =>
  el.shadowRoot!.querySelector(`[part~="${name}"]`) as HTMLElement | null;

afterEach(() => {
  for (const el of document.querySelectorAll('video-session')) el.remove();
  localStorage.clear();
});

describe('<video-session>', () => {
  it('waits in idle with a Join button and the documented parts', async () => {
    const el = mount();
    await el.updateComplete;
    expect(el.state).to.equal('idle');
    expect(part(el, 'join-button')).to.not.equal(null);
    expect(part(el, 'status')!.textContent).to.contain('Ready to join');
    expect(part(el, 'status')!.getAttribute('role')).to.equal('status');
  });

  it('fails with ERR_TOKEN_MISSING when started without a token', async () => {
    const el = mount({ 'signalling-url': (await service()).signallingUrl });
    const error = nextError(el);
    await el.start();
    expect((await error).code).to.equal('ERR_TOKEN_MISSING');
    expect((await error).fatal).to.equal(true);
    expect(el.state).to.equal('failed');
  });

  it('shows why a tampered invite link is refused (the code travels in the close frame)', async () => {
    const { signallingUrl } = await service();
    const session = await createSession();
    const [h, p, s] = session.customerToken.split('.');
    const tampered = `${h}.${p}.${s!.slice(0, -4)}AAAA`;
    const el = mount({ 'signalling-url': signallingUrl, token: tampered });
    const error = nextError(el);
    await el.start();
    const { code, fatal } = await error;
    expect({ code, fatal }).to.deep.equal({ code: 'ERR_TOKEN_INVALID', fatal: true });
    await reach(el, 'failed');
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('[role="alert"]')!.textContent).to.contain('not valid');
  });

  it('connects an agent and a customer, shows each the other, and ends for both', async () => {
    const { signallingUrl } = await service();
    const session = await createSession();
    const agent = mount({
      'signalling-url': signallingUrl,
      token: session.agentToken,
      'auto-start': '',
    });
    await reach(agent, 'waiting');
    await agent.updateComplete;
    expect(part(agent, 'status')!.textContent).to.contain('Waiting for the customer');

    expect(agent.sessionStatus).to.equal('waiting');
    const statuses: string[] = [];
    agent.addEventListener('vs-session-status', (e) => statuses.push(`${e.previous}->${e.status}`));

    const customer = mount({ 'signalling-url': signallingUrl, token: session.customerToken });
    await customer.start();
    await Promise.all([reach(agent, 'connected'), reach(customer, 'connected')]);
    // The service counts the session connected once a peer connection is up, and says so.
    await until(
      () => agent.sessionStatus === 'connected' && customer.sessionStatus === 'connected',
    );
    expect(statuses).to.deep.equal(['waiting->connected']);

    // Each sees the other's camera: frames decode and advance.
    for (const el of [agent, customer]) {
      const remote = part(el, 'remote-video') as HTMLVideoElement;
      await frames(remote, 5);
      expect(remote.videoWidth).to.be.greaterThan(0);
      expect((remote.srcObject as MediaStream).getAudioTracks()).to.have.length(1);
    }
    // The data channel round-trips.
    expect(await agent.roundTrip()).to.be.within(0, 1000);

    // The call timer runs, and its re-renders never reload the video (no flicker).
    const remote = part(customer, 'remote-video') as HTMLVideoElement;
    let reloads = 0;
    remote.addEventListener('emptied', () => reloads++);
    await until(() => /Connected · 0:0[2-9]/.test(part(customer, 'status')!.textContent ?? ''));
    expect(reloads).to.equal(0);

    // Muting and pausing show on the other side.
    agent.muted = true;
    agent.videoPaused = true;
    await until(() =>
      (customer.shadowRoot!.textContent ?? '').includes('Alice paused their video'),
    );
    expect(customer.shadowRoot!.textContent).to.contain('Alice muted their microphone');
    const stream = (part(agent, 'local-video') as HTMLVideoElement).srcObject as MediaStream;
    expect(stream.getAudioTracks()[0]!.enabled).to.equal(false);
    expect(stream.getVideoTracks()[0]!.enabled).to.equal(false);
    agent.muted = false;
    await until(() => !(customer.shadowRoot!.textContent ?? '').includes('muted their microphone'));

    // Ending on one side ends it on the other; the camera is released.
    await customer.hangUp();
    await reach(agent, 'ended');
    expect(customer.state).to.equal('ended');
    expect(stream.getTracks().every((t) => t.readyState === 'ended')).to.equal(true);
  });

  it('ends both calls when the host ends the session through the REST API', async () => {
    const { signallingUrl } = await service();
    const session = await createSession();
    const agent = mount({ 'signalling-url': signallingUrl, token: session.agentToken });
    const customer = mount({ 'signalling-url': signallingUrl, token: session.customerToken });
    await Promise.all([agent.start(), customer.start()]);
    await Promise.all([reach(agent, 'connected'), reach(customer, 'connected')]);
    expect(await executeServerCommand('vs-end-session', { id: session.id })).to.equal(200);
    await Promise.all([reach(agent, 'ended'), reach(customer, 'ended')]);
  });
});
