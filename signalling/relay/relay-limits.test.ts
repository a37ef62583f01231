import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION, type SignalData } from '../../src/protocol.js';
import { createTokenService } from '../sessions/tokens.js';
import { join } from '../testing/client.js';
import { startTestService, type TestService } from '../testing/service.js';
import type { Connection, Rooms } from './rooms.js';
import { acceptSignalConnection, type SignalSocket } from './signal-connection.js';

/** An offer of about `bytes` bytes (a real one is a few KiB; this is a flood). */
const bigOffer = (bytes: number): SignalData => ({
  type: 'offer',
  sdp: `v=0 ${'x'.repeat(bytes - 4)}`,
});

describe('the relay under a burst from one participant', () => {
  let svc: TestService;
  beforeAll(async () => {
    svc = await startTestService();
  });
  afterAll(() => svc.stop());

  it('keeps a slowly reading receiver connected through 200 signals of 60 KB from the other, and limits the sender', async () => {
    const s = await svc.createSession();
    const agent = await join(svc.signallingUrl, s.agentToken);
    const customer = await join(svc.signallingUrl, s.customerToken);
    const { pairing } = await customer.next('peer-joined');
    let customerClosed = false;
    void customer.closed.then(() => (customerClosed = true));

    // The customer's network is slow: nothing is read while the agent's burst arrives.
    customer.ws.pause();
    for (let i = 0; i < 200; i++) agent.send({ type: 'signal', pairing, data: bigOffer(60_000) });
    // Frames are handled in order: the pong says the whole burst was.
    agent.send({ type: 'ping', t: 1 });
    await agent.next('pong');
    customer.ws.resume();
    expect(agent.received.find((m) => m.type === 'error')).toMatchObject({
      code: 'ERR_RELAY_LIMITED',
    });

    // The customer is still there and hears the call's own signals again once the agent's byte
    // budget has refilled.
    await new Promise((r) => setTimeout(r, 1100));
    agent.send({ type: 'signal', pairing, data: { type: 'offer', sdp: 'v=0 small' } });
    await until(
      () =>
        customerClosed ||
        customer.received.some(
          (m) => m.type === 'signal' && m.data.type === 'offer' && m.data.sdp === 'v=0 small',
        ),
    );
    expect(customerClosed).toBe(false);
    expect(agent.received.some((m) => m.type === 'peer-left')).toBe(false);
    agent.close();
    customer.close();
  });
});

describe('a connection that reads slowly', () => {
  it('loses relayed signals, not its socket; its own messages still cut it off when it stops reading', async () => {
    const sent: string[] = [];
    let terminated = false;
    const socket: SignalSocket & { bufferedAmount: number } = {
      bufferedAmount: 0,
      send: (text) => void sent.push(text),
      close: () => undefined,
      terminate: () => void (terminated = true),
    };
    let conn: Connection | null = null;
    const rooms = {
      admit: (c: Connection) => {
        conn = c;
        return Promise.resolve(null);
      },
    } as unknown as Rooms;
    // A valid token, as the token service verifies it.
    const tokens = createTokenService(new TextEncoder().encode('s'.repeat(40)));
    const token = tokens
      .mint('ses_x', 'customer', Date.now() + 60_000)
      .then(({ token: raw }) => tokens.verify(raw));
    const handlers = acceptSignalConnection(socket, token, {
      rooms,
      logger: pino({ level: 'silent' }),
    });
    handlers.onText(JSON.stringify({ type: 'hello', protocol: PROTOCOL_VERSION }));
    await until(() => conn !== null);
    const signal = {
      type: 'signal',
      from: 'agent',
      pairing: 1,
      data: { type: 'offer', sdp: 'v' },
    } as const;

    expect(conn!.relay(signal)).toBe(true);
    socket.bufferedAmount = 300 * 1024; // over the relay high-water mark, under the cut-off
    expect(conn!.relay(signal)).toBe(false);
    socket.bufferedAmount = 2 * 1024 * 1024;
    expect(conn!.relay(signal)).toBe(false);
    expect(terminated).toBe(false);
    expect(sent).toHaveLength(1);
    socket.bufferedAmount = 0;
    expect(conn!.relay(signal)).toBe(true);

    // A message of its own that finds a megabyte still unread: this client is not reading.
    socket.bufferedAmount = 2 * 1024 * 1024;
    conn!.send({ type: 'pong', t: 1 });
    expect(terminated).toBe(true);
    handlers.onClose();
  });
});

async function until(check: () => boolean, timeoutMs = 5000): Promise<void> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > timeoutMs) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}
