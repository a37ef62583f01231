import { executeServerCommand } from '@web/test-runner-commands';
import { expect } from 'chai';
import { PEER_MESSAGE_TYPES } from '../src/peer-messages.js';
import type { MessageRouter } from './core/router.js';
import * as events from './events.js';
import * as api from './index.js';
import {
  button,
  call,
  createSession,
  frames,
  inMode,
  mount,
  nextError,
  part,
  reach,
  service,
  text,
  until,
} from './testing.js';

afterEach(() => {
  for (const el of document.querySelectorAll('video-session')) el.remove();
  localStorage.clear();
});

describe('<video-session>', () => {
  it('has a feature for every data-channel message type (the call itself takes ping, pong, bye)', () => {
    const el = mount();
    const { router } = el as unknown as { router: MessageRouter };
    const own = new Set(['ping', 'pong', 'bye']);
    expect(router.unowned(PEER_MESSAGE_TYPES.filter((type) => !own.has(type)))).to.deep.equal([]);
  });

  it('exports every event class it fires', () => {
    const classes = Object.entries(events).filter(
      ([, value]) => typeof value === 'function' && value.prototype instanceof Event,
    );
    expect(classes.length).to.be.greaterThan(10);
    for (const [name, value] of classes) expect(api, name).to.have.property(name, value);
  });

  it('waits in idle with a Join button and the documented parts', async () => {
    const el = mount();
    await el.updateComplete;
    expect(el.state).to.equal('idle');
    expect(part(el, 'join-button')).to.not.equal(null);
    expect(part(el, 'status')!.textContent).to.contain('Ready to join');
    expect(part(el, 'status')!.querySelector('[role="status"]')).to.not.equal(null);
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

  it('connects an agent and a customer, shows each the other, and the agent ends it for both', async () => {
    const { agent, customer } = await call({ 'auto-start': '' });
    await reach(agent, 'waiting');
    await agent.updateComplete;
    expect(part(agent, 'status')!.textContent).to.contain('Waiting for the customer');
    expect(agent.sessionStatus).to.equal('waiting');
    const statuses: string[] = [];
    agent.addEventListener('vs-session-status', (e) => statuses.push(`${e.previous}->${e.status}`));

    await customer.start();
    await Promise.all([reach(agent, 'connected'), reach(customer, 'connected')]);
    // The service counts the session connected once a peer connection is up, and says so.
    await until(
      () => agent.sessionStatus === 'connected' && customer.sessionStatus === 'connected',
    );
    expect(statuses).to.deep.equal(['waiting->connected']);
    await Promise.all([inMode(agent, 'two-way'), inMode(customer, 'two-way')]);

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
    await until(() => /0:0[2-9]/.test(part(customer, 'status')!.textContent ?? ''));
    expect(part(customer, 'status')!.textContent).to.contain('Connected · Video call');
    expect(reloads).to.equal(0);

    // Muting and pausing show on the other side.
    agent.muted = true;
    agent.videoPaused = true;
    await until(() => text(customer).includes('Alice’s camera is off'));
    expect(text(customer)).to.contain('Alice muted their microphone');
    const stream = (part(agent, 'local-video') as HTMLVideoElement).srcObject as MediaStream;
    expect(stream.getAudioTracks()[0]!.enabled).to.equal(false);
    expect(stream.getVideoTracks()[0]!.enabled).to.equal(false);
    agent.muted = false;
    await until(() => !text(customer).includes('muted their microphone'));

    // The agent ends the session: it ends on the other side too; cameras are released.
    await agent.hangUp();
    await reach(customer, 'ended');
    expect(agent.state).to.equal('ended');
    expect(stream.getTracks().every((t) => t.readyState === 'ended')).to.equal(true);
    await customer.updateComplete;
    expect(text(customer)).to.contain('The session has ended');
  });

  it('lets the customer leave and come back without ending the session', async () => {
    const { agent, customer } = await call();
    await Promise.all([agent.start(), customer.start()]);
    await Promise.all([inMode(agent, 'two-way'), inMode(customer, 'two-way')]);

    await customer.updateComplete;
    button(customer, 'End call').click(); // first the call: the session stays, as chat
    await Promise.all([inMode(agent, 'chat'), inMode(customer, 'chat')]);
    expect(customer.state).to.equal('connected');
    await customer.updateComplete;
    button(customer, 'Leave').click(); // then the customer's part in the session
    await Promise.all([reach(customer, 'ended'), reach(agent, 'waiting')]);
    await customer.updateComplete;
    expect(text(customer)).to.contain('You left the session');

    button(customer, 'Rejoin').click();
    await Promise.all([reach(agent, 'connected'), reach(customer, 'connected')]);
    // The agent's mode stayed chat; the customer who came back is in it too.
    expect([agent.mode, customer.mode]).to.deep.equal(['chat', 'chat']);
    await agent.hangUp();
    await reach(customer, 'ended');
  });

  it('ends both calls when the host ends the session through the REST API', async () => {
    const { session, agent, customer } = await call();
    await Promise.all([agent.start(), customer.start()]);
    await Promise.all([reach(agent, 'connected'), reach(customer, 'connected')]);
    expect(await executeServerCommand('vs-end-session', { id: session.id })).to.equal(200);
    await Promise.all([reach(agent, 'ended'), reach(customer, 'ended')]);
  });
});
