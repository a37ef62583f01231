import { executeServerCommand } from '@web/test-runner-commands';
import { expect } from 'chai';
import type { CreatedSession } from '../../../src/rest.js';
import type { ErrorCode } from '../../../src/errors.js';
import { MAX_FRAME_BYTES, type ServerMessage } from '../../../src/protocol.js';
import { createSession, service, until } from '../../testing.js';
import { SignallingController, type SignallingStatus } from './signalling-controller.js';

type Message = Exclude<ServerMessage, { type: 'error' }>;
type Of<T extends Message['type']> = Extract<Message, { type: T }>;

/** A signalling controller and everything it reported. */
interface Client {
  controller: SignallingController;
  statuses: SignallingStatus[];
  messages: Message[];
  errors: { code: ErrorCode; fatal: boolean }[];
  /** The messages of one type, in order. */
  of<T extends Message['type']>(type: T): Of<T>[];
  /** Called after each status is recorded. */
  onStatus?(status: SignallingStatus): void;
}

const opened: SignallingController[] = [];

afterEach(() => {
  for (const controller of opened.splice(0)) controller.close();
  localStorage.clear();
});

function client(): Client {
  const c: Client = {
    controller: null!,
    statuses: [],
    messages: [],
    errors: [],
    of: <T extends Message['type']>(type: T) =>
      c.messages.filter((m): m is Of<T> => m.type === type),
  };
  c.controller = new SignallingController({
    onMessage: (message) => c.messages.push(message),
    onStatus: (status) => {
      c.statuses.push(status);
      c.onStatus?.(status);
    },
    onError: (code, fatal) => c.errors.push({ code, fatal }),
    isPeerConnected: () => false,
  });
  opened.push(c.controller);
  return c;
}

async function connect(token: string): Promise<Client> {
  const { signallingUrl } = await service();
  const c = client();
  c.controller.connect(signallingUrl, token);
  return c;
}

const welcomed = (c: Client, count = 1) =>
  until(() => c.of('welcome').length >= count, 10_000, `welcome ${count} not received`);

/**
 * Has the service drop the socket: a frame over its limit (`MAX_FRAME_BYTES`) makes it close the
 * connection (1009), as a broken path or a restarted service would, with no refusal code.
 */
function dropFromService(c: Client): void {
  const sdp = 'x'.repeat(MAX_FRAME_BYTES + 1);
  expect(c.controller.send({ type: 'signal', pairing: 0, data: { type: 'offer', sdp } })).to.equal(
    true,
  );
}

/** `token` with its payload changed (its signature kept): what a customer playing agent sends. */
function withClaims(token: string, change: Record<string, unknown>): string {
  const [header, payload, signature] = token.split('.') as [string, string, string];
  const claims = JSON.parse(atob(payload.replace(/-/g, '+').replace(/_/g, '/'))) as object;
  const forged = btoa(JSON.stringify({ ...claims, ...change }))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');
  return `${header}.${forged}.${signature}`;
}

describe('SignallingController, against the real service', () => {
  let session: CreatedSession;
  beforeEach(async () => {
    session = await createSession();
  });

  it('is welcomed into its slot, and relays signals between the two people', async () => {
    const agent = await connect(session.agentToken);
    expect(agent.statuses).to.deep.equal(['connecting']);
    await welcomed(agent);
    const welcome = agent.of('welcome')[0]!;
    expect(welcome.sessionId).to.equal(session.id);
    expect(welcome.you).to.deep.equal({ role: 'agent', name: 'Alice' });
    expect(welcome.peer).to.equal(null);
    expect(welcome.status).to.equal('waiting');
    expect(agent.statuses).to.deep.equal(['connecting', 'open']);
    expect(agent.controller.joined).to.equal(true);

    const customer = await connect(session.customerToken);
    await welcomed(customer);
    expect(customer.of('welcome')[0]!.peer).to.deep.equal({ role: 'agent', name: 'Alice' });
    await until(
      () => agent.of('peer-joined').length === 1 && customer.of('peer-joined').length === 1,
    );
    const [toAgent, toCustomer] = [agent.of('peer-joined')[0]!, customer.of('peer-joined')[0]!];
    expect(toAgent.peer).to.deep.equal({ role: 'customer', name: 'Bob' });
    expect([toAgent.initiator, toCustomer.initiator]).to.deep.equal([true, false]);
    expect(toCustomer.pairing).to.equal(toAgent.pairing);

    const data = { type: 'renegotiate', renegotiate: true } as const;
    expect(customer.controller.send({ type: 'signal', pairing: toAgent.pairing, data })).to.equal(
      true,
    );
    await until(() => agent.of('signal').length === 1, 10_000, 'signal not relayed');
    expect(agent.of('signal')[0]).to.deep.equal({
      type: 'signal',
      from: 'customer',
      pairing: toAgent.pairing,
      data,
    });
    expect([...agent.errors, ...customer.errors]).to.deep.equal([]);
  });

  it('keeps a heartbeat at the interval the service asks for, and the service answers it', async () => {
    const agent = await connect(session.agentToken);
    await welcomed(agent);
    const since = Date.now();
    expect(agent.of('welcome')[0]!.heartbeatMs).to.equal(2000); // the test service's interval
    // Two pings answered: four intervals of silence would have counted the socket dead.
    await until(() => agent.of('pong').length >= 2, 10_000, 'no pongs');
    for (const pong of agent.of('pong')) expect(pong.t).to.be.within(since, Date.now());
    expect(agent.statuses).to.deep.equal(['connecting', 'open']);
    expect(agent.controller.joined).to.equal(true);
  });

  it('is refused a forged token with its code, fatally, and does not retry', async () => {
    const forged = await connect(withClaims(session.customerToken, { role: 'agent' }));
    await until(() => forged.statuses.includes('closed'), 10_000, 'not closed');
    expect(forged.errors).to.deep.equal([{ code: 'ERR_TOKEN_INVALID', fatal: true }]);
    expect(forged.statuses).to.deep.equal(['connecting', 'closed']);
    expect(forged.messages).to.deep.equal([]);
    expect(forged.controller.joined).to.equal(false);
  });

  it('is refused an ended session with ERR_SESSION_ENDED; an ending session closes it', async () => {
    const agent = await connect(session.agentToken);
    await welcomed(agent);
    expect(await executeServerCommand('vs-end-session', { id: session.id })).to.equal(200);
    await until(() => agent.statuses.includes('closed'), 10_000, 'not closed');
    expect(agent.of('session-ended')[0]).to.include({ status: 'ended' });
    expect(agent.errors).to.deep.equal([]);
    expect(agent.statuses).to.deep.equal(['connecting', 'open', 'closed']);

    const late = await connect(session.customerToken);
    await until(() => late.statuses.includes('closed'), 10_000, 'not closed');
    expect(late.errors).to.deep.equal([{ code: 'ERR_SESSION_ENDED', fatal: true }]);
  });

  it('reconnects when the service drops the socket, resuming the same slot', async () => {
    const agent = await connect(session.agentToken);
    const customer = await connect(session.customerToken);
    await Promise.all([welcomed(agent), welcomed(customer)]);
    const first = customer.of('welcome')[0]!;

    dropFromService(customer);
    await welcomed(customer, 2);
    expect(customer.statuses).to.deep.equal(['connecting', 'open', 'reconnecting', 'open']);
    const second = customer.of('welcome')[1]!;
    // Resumed with the key of the first welcome: the service hands back the same one.
    expect(second.resumeKey).to.equal(first.resumeKey);
    expect(second.peer).to.deep.equal({ role: 'agent', name: 'Alice' });
    expect(customer.controller.joined).to.equal(true);
    // A drop without a refusal is no error for the person: they are simply back.
    expect(customer.errors).to.deep.equal([]);
    await until(() => customer.of('pong').length >= 1, 10_000, 'the new socket is not answered');
  });

  it('close() stops reconnecting', async () => {
    const agent = await connect(session.agentToken);
    const customer = await connect(session.customerToken);
    await Promise.all([welcomed(agent), welcomed(customer)]);
    let sockets: ReturnType<typeof countSockets> | null = null;
    // Closed as soon as the retry is scheduled (its first delay is at least 250 ms).
    customer.onStatus = (status) => {
      if (status !== 'reconnecting') return;
      setTimeout(() => {
        sockets = countSockets();
        customer.controller.close();
      });
    };
    try {
      dropFromService(customer);
      await until(() => sockets !== null, 10_000, 'no reconnect');
      // The service saw the customer's socket go...
      await until(() => agent.of('peer-left').length === 1, 10_000, 'the agent was not told');
      expect(agent.of('peer-left')[0]).to.deep.equal({
        type: 'peer-left',
        role: 'customer',
        reason: 'disconnected',
      });
      // ...and no new one comes: the retry was due within 500 ms (the backoff's base); there is no
      // event for a socket that is never opened, so wait four times that.
      await new Promise((r) => setTimeout(r, 2000));
      expect(sockets!.count, 'sockets opened after close()').to.equal(0);
      expect(customer.statuses).to.deep.equal(['connecting', 'open', 'reconnecting']);
      expect(customer.of('welcome')).to.have.length(1);
      expect(agent.of('peer-joined')).to.have.length(1);
      expect(customer.controller.joined).to.equal(false);
    } finally {
      (sockets as ReturnType<typeof countSockets> | null)?.restore();
    }
  });

  it('reports an unreachable service once, and keeps retrying quietly', async () => {
    const c = client();
    c.controller.connect('ws://127.0.0.1:9/v1/signal', session.customerToken);
    await until(
      () => c.statuses.filter((s) => s === 'reconnecting').length >= 2,
      10_000,
      'no second attempt',
    );
    expect(c.errors).to.deep.equal([{ code: 'ERR_SIGNALLING_UNREACHABLE', fatal: false }]);
    expect(c.statuses[0]).to.equal('connecting');
    expect(c.controller.joined).to.equal(false);
  });
});

/** Counts the WebSockets this page opens from now on (until `restore`). */
function countSockets(): { readonly count: number; restore(): void } {
  const Native = window.WebSocket;
  let count = 0;
  window.WebSocket = class extends Native {
    constructor(url: string | URL, protocols?: string | string[]) {
      count++;
      super(url, protocols);
    }
  };
  return {
    get count() {
      return count;
    },
    restore: () => (window.WebSocket = Native),
  };
}
