import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { PROTOCOL_VERSION, SUBPROTOCOL, type SignalData } from '../src/protocol.js';
import { createTokenService } from './sessions/tokens.js';
import { connect, join, refusal } from './testing/client.js';
import { startTestService, type TestService } from './testing/service.js';

const offer: SignalData = { type: 'offer', sdp: 'v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\n' };

describe('WebSocket /v1/signal', () => {
  let svc: TestService;
  beforeAll(async () => {
    svc = await startTestService({ allowedOrigins: ['https://help.example.com'] });
  });
  afterAll(() => svc.stop());

  it('relays signalling between the two real clients of a session', async () => {
    const s = await svc.createSession({ customer: { name: 'Carol' } });
    const agent = await join(svc.signallingUrl, s.agentToken);
    expect(agent.received[0]).toMatchObject({
      type: 'welcome',
      sessionId: s.id,
      ticketId: 'T-1',
      you: { role: 'agent', name: 'Alice Agent' },
      peer: null,
    });
    const customer = await join(svc.signallingUrl, s.customerToken);
    expect(await customer.next('welcome')).toMatchObject({ peer: { role: 'agent' } });
    const { pairing } = await agent.next('peer-joined');
    expect(await agent.next('peer-joined')).toMatchObject({
      peer: { role: 'customer', name: 'Carol' },
      initiator: true,
      pairing: 1,
    });
    expect(await customer.next('peer-joined')).toMatchObject({ initiator: false, pairing: 1 });

    agent.send({ type: 'signal', pairing, data: offer });
    expect(await customer.next('signal')).toEqual({
      type: 'signal',
      from: 'agent',
      pairing,
      data: offer,
    });
    const candidate: SignalData = {
      type: 'candidate',
      candidate: {
        candidate: 'candidate:1 1 udp 1 127.0.0.1 5000 typ host',
        sdpMid: '0',
        sdpMLineIndex: 0,
      },
    };
    customer.send({ type: 'signal', pairing, data: candidate });
    expect(await agent.next('signal')).toEqual({
      type: 'signal',
      from: 'customer',
      pairing,
      data: candidate,
    });

    // Both are in, but the call is not up until a widget says its peer connection is.
    const read = async () =>
      (await (
        await fetch(`${svc.url}/v1/sessions/${s.id}`, {
          headers: { authorization: `Bearer ${s.agentToken}` },
        })
      ).json()) as { status: string };
    expect(await read()).toMatchObject({ status: 'waiting' });
    customer.send({ type: 'call-connected', pairing });
    expect(await agent.next('session-status')).toEqual({
      type: 'session-status',
      status: 'connected',
    });
    expect(await read()).toMatchObject({ status: 'connected' });

    // The customer hanging up only leaves: the agent is told, the session stays open, and the
    // same invite brings the customer back.
    customer.send({ type: 'hang-up' });
    expect(await agent.next('peer-left')).toEqual({
      type: 'peer-left',
      role: 'customer',
      reason: 'hang-up',
    });
    expect((await customer.closed).code).toBe(1000);
    const back = await join(svc.signallingUrl, s.customerToken);
    expect((await back.next('peer-joined')).pairing).toBe(2);

    // The agent hanging up ends the session on both.
    agent.send({ type: 'hang-up' });
    expect(await back.next('session-ended')).toMatchObject({ by: 'agent', reason: 'hang-up' });
    expect((await agent.closed).code).toBe(1000);
    expect((await back.closed).code).toBe(1000);
    const ended = await join(svc.signallingUrl, s.agentToken).catch((e: Error) => e);
    expect(ended).toBeInstanceOf(Error);
  });

  it('rebuilds the peer connection once when both sides ask for the same broken pairing', async () => {
    const s = await svc.createSession();
    const agent = await join(svc.signallingUrl, s.agentToken);
    const customer = await join(svc.signallingUrl, s.customerToken);
    expect((await agent.next('peer-joined')).pairing).toBe(1);
    agent.send({ type: 'repair', pairing: 1 });
    customer.send({ type: 'repair', pairing: 1 });
    customer.send({ type: 'repair', pairing: 7 }); // not a pairing that exists
    await new Promise((r) => setTimeout(r, 100));
    for (const c of [agent, customer]) {
      expect(
        c.received
          .filter((m) => m.type === 'peer-joined')
          .map((m) => m.type === 'peer-joined' && [m.pairing, m.initiator]),
      ).toEqual([
        [1, c === agent],
        [2, c === agent],
      ]);
    }
    agent.close();
    customer.close();
  });

  it('refuses a third connection to a one-on-one session with ERR_SESSION_FULL', async () => {
    const s = await svc.createSession();
    const agent = await join(svc.signallingUrl, s.agentToken);
    const customer = await join(svc.signallingUrl, s.customerToken);
    const intruder = connect(svc.signallingUrl, s.customerToken);
    intruder.send({ type: 'hello', protocol: PROTOCOL_VERSION });
    expect(await refusal(intruder)).toEqual({ code: 'ERR_SESSION_FULL', close: 4409 });
    // The call goes on.
    agent.send({ type: 'signal', pairing: 1, data: offer });
    expect(await customer.next('signal')).toMatchObject({ from: 'agent' });
    agent.close();
    customer.close();
  });

  it('admits exactly one of 20 concurrent joins for the same slot', async () => {
    const s = await svc.createSession();
    const clients = Array.from({ length: 20 }, () => connect(svc.signallingUrl, s.customerToken));
    for (const c of clients) c.send({ type: 'hello', protocol: PROTOCOL_VERSION });
    const outcomes = await Promise.all(
      clients.map((c) =>
        Promise.race([c.next('welcome').then(() => 'in'), c.closed.then(() => 'out')]),
      ),
    );
    expect(outcomes.filter((o) => o === 'in')).toHaveLength(1);
    for (const c of clients) c.close();
  });

  it('lets the same person reconnect with their resume key, replacing the old connection', async () => {
    const s = await svc.createSession();
    const agent = await join(svc.signallingUrl, s.agentToken);
    const first = await join(svc.signallingUrl, s.customerToken);
    const { resumeKey } = await first.next('welcome');
    const second = await join(svc.signallingUrl, s.customerToken, resumeKey);
    expect(await refusal(first)).toEqual({ code: 'ERR_CONNECTION_REPLACED', close: 4412 });
    expect((await second.next('welcome')).resumeKey).toBe(resumeKey);
    // The agent is told to build a fresh peer connection with the new one.
    await new Promise((r) => setTimeout(r, 50));
    expect(
      agent.received
        .filter((m) => m.type === 'peer-joined')
        .map((m) => m.type === 'peer-joined' && m.pairing),
    ).toEqual([1, 2]);
    // Signals of the old pairing are stale and dropped; the new pairing's go through.
    agent.send({ type: 'signal', pairing: 1, data: offer });
    agent.send({ type: 'signal', pairing: 2, data: { ...offer, sdp: offer.sdp + 'a=new\r\n' } });
    expect(await second.next('signal')).toMatchObject({ pairing: 2 });
    expect(second.received.filter((m) => m.type === 'signal')).toHaveLength(1);

    // A resume whose call kept running does not rebuild it.
    const third = await join(svc.signallingUrl, s.customerToken, resumeKey, true);
    await new Promise((r) => setTimeout(r, 50));
    expect(third.received.some((m) => m.type === 'peer-joined')).toBe(false);
    expect(agent.received.filter((m) => m.type === 'peer-joined')).toHaveLength(2);
    agent.close();
    third.close();
  });

  it('resumes with an expired token only when the resume key matches', async () => {
    const s = await svc.createSession();
    const first = await join(svc.signallingUrl, s.customerToken);
    const { resumeKey } = await first.next('welcome');
    first.close();
    await first.closed;
    const secret = new TextEncoder().encode(
      readFileSync(`${svc.dataDir}/token-secret`, 'utf8').trim(),
    );
    const expired = await createTokenService(secret).mint(s.id, 'customer', Date.now() - 120_000);

    const stranger = connect(svc.signallingUrl, expired.token);
    stranger.send({ type: 'hello', protocol: PROTOCOL_VERSION });
    expect(await refusal(stranger)).toEqual({ code: 'ERR_TOKEN_EXPIRED', close: 4403 });

    const wrongKey = connect(svc.signallingUrl, expired.token);
    wrongKey.send({ type: 'hello', protocol: PROTOCOL_VERSION, resumeKey: 'not-the-key' });
    expect(await refusal(wrongKey)).toEqual({ code: 'ERR_TOKEN_EXPIRED', close: 4403 });

    const back = await join(svc.signallingUrl, expired.token, resumeKey);
    expect((await back.next('welcome')).you.role).toBe('customer');
    back.close();
  });

  it.each([
    ['a forged token', 'forged', 'ERR_TOKEN_INVALID', 4402],
    ['garbage', 'not.a.jwt', 'ERR_TOKEN_INVALID', 4402],
  ] as const)('refuses %s with its code', async (_name, kind, code, close) => {
    const s = await svc.createSession();
    let token: string = kind;
    if (kind === 'forged') {
      token = (
        await createTokenService(new TextEncoder().encode('z'.repeat(40))).mint(
          s.id,
          'agent',
          Date.now() + 60_000,
        )
      ).token;
    }
    const client = connect(svc.signallingUrl, token);
    client.send({ type: 'hello', protocol: PROTOCOL_VERSION });
    expect(await refusal(client)).toEqual({ code, close });
  });

  it('refuses a token whose session does not exist, and an expired token', async () => {
    const secret = new TextEncoder().encode(
      readFileSync(`${svc.dataDir}/token-secret`, 'utf8').trim(),
    );
    const tokens = createTokenService(secret);
    const ghost = connect(
      svc.signallingUrl,
      (await tokens.mint('ses_ghost', 'agent', Date.now() + 60_000)).token,
    );
    ghost.send({ type: 'hello', protocol: PROTOCOL_VERSION });
    expect(await refusal(ghost)).toEqual({ code: 'ERR_SESSION_NOT_FOUND', close: 4404 });

    const s = await svc.createSession();
    const late = connect(
      svc.signallingUrl,
      (await tokens.mint(s.id, 'agent', Date.now() - 120_000)).token,
    );
    late.send({ type: 'hello', protocol: PROTOCOL_VERSION });
    expect(await refusal(late)).toEqual({ code: 'ERR_TOKEN_EXPIRED', close: 4403 });
  });

  it('refuses a page on an origin that is not allowed, before any socket exists', async () => {
    const s = await svc.createSession();
    const status = await new Promise<{ status: number; body: string }>((resolve) => {
      const ws = new WebSocket(svc.signallingUrl, [SUBPROTOCOL], {
        origin: 'https://evil.example',
      });
      ws.on('unexpected-response', (_req, res) => {
        let body = '';
        res.on('data', (d: Buffer) => (body += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      ws.on('error', () => undefined);
    });
    expect(status.status).toBe(403);
    expect(JSON.parse(status.body)).toMatchObject({ code: 'ERR_ORIGIN_NOT_ALLOWED' });

    const allowed = connect(svc.signallingUrl, s.agentToken, {
      origin: 'https://help.example.com',
    });
    allowed.send({ type: 'hello', protocol: PROTOCOL_VERSION });
    await allowed.next('welcome');
    allowed.close();
  });

  it('closes with 1009 on a frame over 64 KiB, and answers malformed frames without closing', async () => {
    const s = await svc.createSession();
    const client = await join(svc.signallingUrl, s.agentToken);
    client.send('{"type": "signal", ');
    expect(await client.next('error')).toMatchObject({ code: 'ERR_MESSAGE_INVALID' });
    client.received.length = 0;
    client.send({ type: 'signal', data: { type: 'offer' } } as never);
    expect(await client.next('error')).toMatchObject({ code: 'ERR_MESSAGE_INVALID' });
    client.send({ type: 'ping', t: 7 });
    expect(await client.next('pong')).toEqual({ type: 'pong', t: 7 });

    client.send(
      JSON.stringify({ type: 'signal', data: { type: 'offer', sdp: 'x'.repeat(70_000) } }),
    );
    expect((await client.closed).code).toBe(1009);
  });

  it('refuses a client that does not speak the protocol version', async () => {
    const s = await svc.createSession();
    const client = connect(svc.signallingUrl, s.agentToken);
    client.send({ type: 'hello', protocol: 99 });
    expect(await refusal(client)).toEqual({ code: 'ERR_PROTOCOL_VERSION', close: 4408 });
  });

  it('frees the slot when a participant drops, and tells the other one', async () => {
    const s = await svc.createSession();
    const agent = await join(svc.signallingUrl, s.agentToken);
    const customer = await join(svc.signallingUrl, s.customerToken);
    customer.ws.terminate();
    expect(await agent.next('peer-left')).toEqual({
      type: 'peer-left',
      role: 'customer',
      reason: 'disconnected',
    });
    // A new device with the invite can take the free slot.
    const other = await join(svc.signallingUrl, s.customerToken);
    other.close();
    agent.close();
  });
});

describe('heartbeat', () => {
  it('terminates a socket that stops answering pings', async () => {
    const svc = await startTestService({ heartbeatMs: 1000 });
    try {
      const s = await svc.createSession();
      const agent = await join(svc.signallingUrl, s.agentToken);
      const customer = await join(svc.signallingUrl, s.customerToken);
      // A frozen client: it never answers pings (ws answers them by itself unless paused).
      customer.ws.pause();
      const started = Date.now();
      expect(await agent.next('peer-left')).toMatchObject({
        role: 'customer',
        reason: 'disconnected',
      });
      expect(Date.now() - started).toBeLessThan(3500);
      agent.close();
    } finally {
      await svc.stop();
    }
  });
});
