import { executeServerCommand } from '@web/test-runner-commands';
import { expect } from 'chai';
import type { ErrorCode } from '../../../src/errors.js';
import type { PeerMessage } from '../../../src/peer-messages.js';
import type { CreatedSession, SessionView } from '../../../src/rest.js';
import type { SessionStatus } from '../../../src/session-state.js';
import { createSession, service, until } from '../../testing.js';
import { MessageRouter, type MessageOf, type Sender } from '../router.js';
import { mountHost, removeHosts, type TestHost } from '../testing-host.js';
import { CallController, type CallFeature, type CallState } from './call-controller.js';

/** One person's page: a call controller on a minimal host, and everything it reported. */
interface Side {
  host: TestHost;
  call: CallController;
  router: MessageRouter;
  states: CallState[];
  statuses: SessionStatus[];
  errors: { code: ErrorCode; fatal: boolean }[];
  /** What a feature heard, in order (`personConnected customer`...). */
  heard: string[];
  /** How often it heard that the call is set up. */
  settled: number;
  /** Chat messages the router handed on, with who sent them. */
  chat: { message: MessageOf<'chat'>; from: Sender }[];
}

afterEach(() => {
  removeHosts();
  localStorage.clear();
});

function side(): Side {
  const host = mountHost();
  const router = new MessageRouter();
  const s: Side = {
    host,
    router,
    call: null!,
    states: [],
    statuses: [],
    errors: [],
    heard: [],
    settled: 0,
    chat: [],
  };
  router.register(['chat'], (message, from) => s.chat.push({ message, from }));
  s.call = new CallController(host, {
    router,
    tracks: () => ({ audio: null, video: null }),
    onState: (next) => s.states.push(next),
    onSessionStatus: (status) => s.statuses.push(status),
    onError: (code, fatal) => s.errors.push({ code, fatal }),
    onInviteInUse: () => undefined, // needs a second browser profile: e2e/join-page.test.ts
  });
  const feature: Required<Omit<CallFeature, 'senderCreated'>> = {
    callStarting: () => s.heard.push('callStarting'),
    callWelcomed: () => s.heard.push('callWelcomed'),
    personConnected: (person) => s.heard.push(`personConnected ${person.id}`),
    personDisconnected: (person) => s.heard.push(`personDisconnected ${person.id}`),
    callReleased: () => s.heard.push('callReleased'),
    sessionEnded: () => s.heard.push('sessionEnded'),
    callSettled: () => s.settled++,
  };
  s.call.addFeature(feature);
  return s;
}

const nothingToPrepare = () => Promise.resolve();

const reach = (s: Side, state: CallState, ms = 20_000) =>
  until(() => s.call.state === state, ms, `${s.call.role}: still ${s.call.state}, not ${state}`);

const readSession = async (id: string) =>
  ((await executeServerCommand('vs-read-session', { id })) as { body: SessionView }).body;

/** The agent joins first and waits; then the customer joins; both end up connected. */
async function call(): Promise<{ session: CreatedSession; agent: Side; customer: Side }> {
  const { signallingUrl } = await service();
  const session = await createSession();
  const agent = side();
  const customer = side();
  await agent.call.join(signallingUrl, session.agentToken, nothingToPrepare);
  await reach(agent, 'waiting');
  await customer.call.join(signallingUrl, session.customerToken, nothingToPrepare);
  await Promise.all([reach(agent, 'connected'), reach(customer, 'connected')]);
  return { session, agent, customer };
}

const chat = (text: string): PeerMessage => ({ type: 'chat', id: 'm1', text, at: 1 });

describe('CallController, two of them against the real service', () => {
  it('joins, is welcomed, meets the other person by id and name, and connects', async () => {
    const { signallingUrl } = await service();
    const session = await createSession();
    const agent = side();
    let prepared = false;
    await agent.call.join(signallingUrl, session.agentToken, () => {
      // Prepared after `connecting`, before the service hears of us.
      expect(agent.call.state).to.equal('connecting');
      prepared = true;
      return Promise.resolve();
    });
    expect(prepared).to.equal(true);
    await reach(agent, 'waiting');
    expect(agent.call.sessionId).to.equal(session.id);
    expect(agent.call.role).to.equal('agent');
    expect(agent.call.joined).to.equal(true);
    expect(agent.call.people.size).to.equal(0);
    expect(agent.call.sessionStatus).to.equal('waiting');

    const customer = side();
    await customer.call.join(signallingUrl, session.customerToken, nothingToPrepare);
    await Promise.all([reach(agent, 'connected'), reach(customer, 'connected')]);
    expect(agent.states.slice(0, 4)).to.deep.equal([
      'connecting',
      'waiting',
      'connecting',
      'connected',
    ]);
    expect(customer.states.slice(0, 2)).to.deep.equal(['connecting', 'connected']);

    expect([...agent.call.people.keys()]).to.deep.equal(['customer']);
    expect([...customer.call.people.keys()]).to.deep.equal(['agent']);
    const bob = agent.call.people.get('customer')!;
    const alice = customer.call.people.get('agent')!;
    expect([bob.name, bob.role, bob.present]).to.deep.equal(['Bob', 'customer', true]);
    expect([alice.name, alice.role, alice.present]).to.deep.equal(['Alice', 'agent', true]);
    expect(bob.peer.connected && alice.peer.connected).to.equal(true);
    expect(bob.pairing).to.equal(alice.pairing);
    expect(customer.call.role).to.equal('customer');
    expect(customer.call.sessionId).to.equal(session.id);

    // The service counts the session connected once a widget reports its connection.
    await until(async () => (await readSession(session.id)).status === 'connected', 10_000);
    await until(() => agent.call.sessionStatus === 'connected', 10_000, 'status not pushed');
    expect(agent.statuses).to.include('connected');
    expect([...agent.errors, ...customer.errors]).to.deep.equal([]);
    expect(agent.host.updates, 'the host was asked to update').to.be.greaterThan(0);
  });

  it('tells its features of the call in order: starting, welcomed, connected, then the end', async () => {
    const { agent, customer } = await call();
    for (const [s, other] of [
      [agent, 'customer'],
      [customer, 'agent'],
    ] as const) {
      expect(s.heard.slice(0, 2)).to.deep.equal(['callStarting', 'callWelcomed']);
      expect(s.heard.filter((h) => h.startsWith('personConnected'))).to.deep.equal([
        `personConnected ${other}`,
      ]);
      expect(s.heard.at(-1)).to.equal(`personConnected ${other}`);
    }

    agent.call.hangUp();
    await reach(customer, 'ended');
    // The session is over: the person goes, the ticket gets its last word, devices are released.
    // The hanging-up side says so once. The other side may notice the person go by more than one
    // path (the bye, the data channel closing first when the bye is lost, the service's notice),
    // and is told each time: only the order is promised there.
    const connectedAt = (s: Side, other: string) => s.heard.indexOf(`personConnected ${other}`);
    expect(agent.heard.slice(connectedAt(agent, 'customer') + 1)).to.deep.equal([
      'personDisconnected customer',
      'sessionEnded',
      'callReleased',
    ]);
    const tail = customer.heard.slice(connectedAt(customer, 'agent') + 1);
    expect(tail.slice(-2)).to.deep.equal(['sessionEnded', 'callReleased']);
    expect(tail.length).to.be.greaterThan(2);
    expect(new Set(tail.slice(0, -2))).to.deep.equal(new Set(['personDisconnected agent']));
  });

  it('tells its features the call is set up once a connection has been up a moment, once', async () => {
    const { agent, customer } = await call();
    await until(() => agent.settled > 0 && customer.settled > 0, 10_000, 'never settled');
    // The chat still works on a settled call; and nothing settles a second time.
    expect(agent.call.send(chat('settled'))).to.equal(true);
    await until(() => customer.chat.length === 1, 5000, 'no chat');
    expect([agent.settled, customer.settled]).to.deep.equal([1, 1]);
  });

  it('carries data-channel messages to the router of the other side, with who sent them', async () => {
    const { agent, customer } = await call();
    expect(agent.call.send(chat('hello Bob'))).to.equal(true);
    expect(customer.call.send(chat('hello Alice'))).to.equal(true);
    await until(() => customer.chat.length === 1 && agent.chat.length === 1, 10_000, 'no chat');
    expect(customer.chat[0]!.message).to.deep.equal(chat('hello Bob'));
    expect(customer.chat[0]!.from).to.include({ id: 'agent', role: 'agent', name: 'Alice' });
    expect(customer.chat[0]!.from).to.equal(customer.call.people.get('agent'));
    expect(agent.chat[0]!.message).to.deep.equal(chat('hello Alice'));
    expect(agent.chat[0]!.from).to.include({ id: 'customer', role: 'customer', name: 'Bob' });
    expect(await agent.call.roundTrip())
      .to.be.a('number')
      .at.least(0);
    expect(await agent.call.stats()).to.be.an.instanceOf(RTCStatsReport);
  });

  it("the agent's hang-up ends the session for both", async () => {
    const { session, agent, customer } = await call();
    agent.call.hangUp();
    expect(agent.call.state).to.equal('ended');
    expect(agent.call.left).to.equal(false);
    expect(agent.call.joined).to.equal(false);
    await reach(customer, 'ended');
    expect(customer.call.left).to.equal(false);
    expect(customer.call.people.get('agent')!.peer.connection, 'stopped').to.equal(null);
    await until(async () => (await readSession(session.id)).status === 'ended', 10_000);
    expect(agent.call.send(chat('anyone?'))).to.equal(false);
    expect([...agent.errors, ...customer.errors]).to.deep.equal([]);
  });

  it("the customer's hang-up leaves the session open: the agent waits, the same invite comes back", async () => {
    const { session, agent, customer } = await call();
    customer.call.hangUp();
    expect(customer.call.state).to.equal('ended');
    expect(customer.call.left).to.equal(true);
    expect(customer.heard.slice(-2)).to.deep.equal(['personDisconnected agent', 'callReleased']);
    await reach(agent, 'waiting');
    expect(agent.call.people.get('customer')!.present).to.equal(false);
    expect(agent.heard).to.not.include('sessionEnded');
    expect(agent.heard).to.not.include('callReleased');
    await until(async () => (await readSession(session.id)).status === 'waiting', 10_000);

    const { signallingUrl } = await service();
    await customer.call.join(signallingUrl, session.customerToken, nothingToPrepare);
    expect(customer.call.left).to.equal(false);
    await Promise.all([reach(agent, 'connected'), reach(customer, 'connected')]);
    expect(agent.call.people.get('customer')!.present).to.equal(true);
  });

  it('fails a join without a token with ERR_TOKEN_MISSING, before preparing anything', async () => {
    const { signallingUrl } = await service();
    const s = side();
    let prepared = false;
    await s.call.join(signallingUrl, '', () => {
      prepared = true;
      return Promise.resolve();
    });
    expect(s.call.state).to.equal('failed');
    expect(s.call.error).to.equal('ERR_TOKEN_MISSING');
    expect(s.errors).to.deep.equal([{ code: 'ERR_TOKEN_MISSING', fatal: true }]);
    expect(s.states).to.deep.equal(['failed']);
    expect(prepared).to.equal(false);
    expect(s.heard).to.not.include('callStarting');

    const noUrl = side();
    await noUrl.call.join('', (await createSession()).customerToken, nothingToPrepare);
    expect(noUrl.call.state).to.equal('failed');
    expect(noUrl.errors).to.deep.equal([{ code: 'ERR_SIGNALLING_UNREACHABLE', fatal: true }]);
  });

  it('repair() returns false when there is nothing to repair, and changes nothing', async () => {
    const idle = side();
    expect(idle.call.repair()).to.equal(false);
    expect(idle.call.state).to.equal('idle');

    await idle.call.join((await service()).signallingUrl, '', nothingToPrepare);
    expect(idle.call.repair(), 'failed, but not a broken call').to.equal(false);
    expect(idle.call.state).to.equal('failed');
    expect(idle.call.error).to.equal('ERR_TOKEN_MISSING');

    const { agent } = await call();
    expect(agent.call.repair(), 'connected').to.equal(false);
    expect(agent.call.state).to.equal('connected');
    expect(await agent.call.roundTrip()).to.be.a('number');
  });

  it('closes its socket and its connections when the host leaves the page', async () => {
    const { session, agent, customer } = await call();
    const alice = customer.call.people.get('agent')!;
    customer.host.remove();
    expect(customer.call.joined).to.equal(false);
    expect(alice.peer.connected).to.equal(false);
    expect(alice.peer.connection).to.equal(null);
    // The other side sees the person go, and waits for them.
    await reach(agent, 'waiting');
    expect(agent.call.people.get('customer')!.present).to.equal(false);
    expect(agent.heard.at(-1)).to.equal('personDisconnected customer');
    // For the service the call was up and somebody dropped: it may come back.
    await until(async () => (await readSession(session.id)).status === 'reconnecting', 10_000);
    await until(() => agent.call.sessionStatus === 'reconnecting', 10_000, 'status not pushed');
  });

  it('a host put back in the page is not left "connected": it can join again', async () => {
    const { session, agent, customer } = await call();
    // Moved in the page (a framework re-parenting it): disconnected, then connected again.
    customer.host.remove();
    await reach(agent, 'waiting');
    document.body.append(customer.host);
    expect(customer.call.connected, 'hostDisconnected closed the call').to.equal(false);
    expect(customer.call.state, 'the state of a call that was closed').to.not.equal('connected');
    const { signallingUrl } = await service();
    await customer.call.join(signallingUrl, session.customerToken, nothingToPrepare);
    await Promise.all([reach(agent, 'connected'), reach(customer, 'connected')]);
    expect(customer.call.connected).to.equal(true);
  });
});
