import { expect } from 'chai';
import * as v from 'valibot';
import { MAX_CHAT_TEXT } from '../../../src/chat-messages.js';
import { VideoSessionError } from '../../../src/errors.js';
import { REPORTABLE, ReportedEventSchema, type ReportedEvent } from '../../../src/events.js';
import type { Role } from '../../../src/protocol.js';
import { MessageRouter } from '../../core/router.js';
import { until } from '../../testing.js';
import { channel, type PeerEnd } from '../testing-features.js';
import { mountHost, removeHosts } from '../../core/testing-host.js';
import { ChatController } from './chat-controller.js';
import type { ChatEntry } from './chat-log.js';

afterEach(removeHosts);

/**
 * The service's limit on a JSON request body (`JSON_BODY_LIMIT`, `signalling/api/http.ts`): a
 * reported event is posted as `{ref, event}` and refused above it.
 */
const SERVICE_BODY_LIMIT = 16 * 1024;

interface Side {
  chat: ChatController;
  end: PeerEnd;
  entries: ChatEntry[];
  reports: ReportedEvent[];
}

/** An agent and a customer whose chat controllers talk over an in-page channel. */
function pair() {
  const routers = { agent: new MessageRouter(), customer: new MessageRouter() };
  const ends = channel(routers);
  const side = (role: Role): Side => {
    const s = { end: ends[role], entries: [], reports: [] } as unknown as Side;
    s.chat = new ChatController(mountHost(), {
      router: routers[role],
      role: () => role,
      send: (message) => ends[role].send(message),
      sendFile: () => Promise.reject(new Error('no files in this test')),
      report: (event) => s.reports.push(event),
      onEntry: (entry) => s.entries.push(entry),
    });
    return s;
  };
  return { agent: side('agent'), customer: side('customer') };
}

const lines = (s: Side) =>
  s.chat.entries.map((e) => (e.kind === 'text' ? `${e.role}: ${e.text}` : `${e.role}: file`));

/** What the service would do with a reported event: parse it, check the role may report it. */
function acceptedByService(event: ReportedEvent, by: Role): string | null {
  const parsed = v.safeParse(ReportedEventSchema, event);
  if (!parsed.success) return parsed.issues.map((i) => i.message).join('; ');
  if (!REPORTABLE[event.type].includes(by)) return `${by} may not report ${event.type}`;
  const body = JSON.stringify({ ref: crypto.randomUUID(), event });
  const bytes = new TextEncoder().encode(body).byteLength;
  return bytes > SERVICE_BODY_LIMIT ? `${bytes} bytes, over ${SERVICE_BODY_LIMIT}` : null;
}

/** The agent's transcript after `texts` were said (alternately by agent and customer). */
async function transcriptOf(texts: string[]) {
  const { agent, customer } = pair();
  for (const [i, text] of texts.entries()) {
    // Each answers the last: both sides see the same order.
    (i % 2 ? customer : agent).chat.sendMessage(text);
    await until(
      () => agent.chat.entries.length === i + 1 && customer.chat.entries.length === i + 1,
      5000,
      `message ${i} not delivered`,
    );
  }
  agent.chat.sessionEnded();
  customer.chat.sessionEnded();
  expect(customer.reports, 'the customer reports no transcript').to.deep.equal([]);
  return agent.reports;
}

describe('ChatController', () => {
  it('chats both ways: each side has every message, with its role, in order', async () => {
    const { agent, customer } = pair();
    agent.chat.sendMessage('Hello Bob 👋 can you show me the router?');
    // Sent: in this side's chat at once.
    expect(lines(agent)).to.deep.equal(['agent: Hello Bob 👋 can you show me the router?']);
    await until(() => customer.chat.entries.length === 1, 5000, 'the customer has nothing');
    customer.chat.sendMessage('  Sure, one moment  ');
    await until(() => agent.chat.entries.length === 2, 5000, 'the agent has no answer');
    agent.chat.sendMessage('Thanks!');
    await until(
      () => agent.chat.entries.length === 3 && customer.chat.entries.length === 3,
      5000,
      `agent ${agent.chat.entries.length}, customer ${customer.chat.entries.length}`,
    );
    const expected = [
      'agent: Hello Bob 👋 can you show me the router?',
      'customer: Sure, one moment',
      'agent: Thanks!',
    ];
    expect(lines(agent)).to.deep.equal(expected);
    expect(lines(customer)).to.deep.equal(expected);
    // Both sides date a message by the sender's clock.
    expect(customer.chat.entries.map((e) => e.at)).to.deep.equal(
      agent.chat.entries.map((e) => e.at),
    );
    expect(agent.entries).to.deep.equal([...agent.chat.entries]);
    expect(customer.entries).to.deep.equal([...customer.chat.entries]);
  });

  it('throws ERR_NOT_CONNECTED when nobody got the message, and sends nothing blank', () => {
    const { agent } = pair();
    agent.chat.sendMessage('   \n ');
    expect(agent.end.sent).to.deep.equal([]);
    agent.end.close();
    let thrown: unknown;
    try {
      agent.chat.sendMessage('anyone there?');
    } catch (err) {
      thrown = err;
    }
    expect(thrown).to.be.instanceOf(VideoSessionError);
    expect((thrown as VideoSessionError).code).to.equal('ERR_NOT_CONNECTED');
    expect(agent.chat.entries, 'an unsent message is not in the chat').to.deep.equal([]);
    expect(agent.entries).to.deep.equal([]);
  });

  it('cuts a message at 4000 characters, the same on both sides', async () => {
    const { agent, customer } = pair();
    const long = 'x'.repeat(MAX_CHAT_TEXT - 1) + 'yz' + 'w'.repeat(1000);
    agent.chat.sendMessage(long);
    await until(() => customer.chat.entries.length === 1, 5000, 'not received');
    const [sent] = agent.chat.entries;
    const [received] = customer.chat.entries;
    expect(sent).to.include({ kind: 'text', text: long.slice(0, MAX_CHAT_TEXT) });
    expect(received).to.include({ kind: 'text', text: long.slice(0, MAX_CHAT_TEXT) });
    expect((received as { text: string }).text).to.have.length(4000);
  });

  it('forgets the chat when a new session is joined', async () => {
    const { agent, customer } = pair();
    agent.chat.sendMessage('before');
    await until(() => customer.chat.entries.length === 1, 5000, 'not received');
    agent.chat.callStarting();
    customer.chat.callStarting();
    expect(agent.chat.entries).to.deep.equal([]);
    expect(customer.chat.entries).to.deep.equal([]);
    agent.chat.sessionEnded();
    expect(agent.reports, 'a cleared chat leaves no transcript').to.deep.equal([]);
  });

  it('reports the transcript in numbered parts when the session ends (the agent only)', async () => {
    const texts = Array.from({ length: 40 }, (_, i) => `line ${i} ` + 'a'.repeat(900));
    const reports = await transcriptOf(texts);
    expect(reports.length).to.be.greaterThan(1);
    reports.forEach((event, i) => {
      expect(event.type).to.equal('session.chat_transcript');
      expect(event).to.include({ part: i + 1, parts: reports.length });
      expect(acceptedByService(event, 'agent'), `part ${i + 1}`).to.equal(null);
    });
    const all = reports.flatMap((e) => (e.type === 'session.chat_transcript' ? e.lines : []));
    // Every line, once, in order (compared by role and the start of the text).
    expect(
      all.map((l) => ('text' in l ? `${l.role}: ${l.text.slice(0, 8)}` : l.role)),
    ).to.deep.equal(texts.map((t, i) => `${i % 2 ? 'customer' : 'agent'}: ${t.slice(0, 8)}`));
    expect(all.every((l, i) => 'text' in l && l.text === texts[i])).to.equal(true);
    // Each line dated as the message was (ISO 8601, from the sender's clock).
    expect(all.every((l) => new Date(Date.parse(l.at)).toISOString() === l.at)).to.equal(true);
  });

  it('reports a transcript the service accepts also when the chat is not in English', async () => {
    // Cyrillic takes two bytes a character in UTF-8: the parts must still fit the service's limit.
    const texts = Array.from({ length: 12 }, (_, i) => `строка ${i} ` + 'ж'.repeat(1500));
    const reports = await transcriptOf(texts);
    const refused = reports
      .map((event, i) => [i + 1, acceptedByService(event, 'agent')] as const)
      .filter(([, why]) => why !== null)
      .map(([part, why]) => `part ${part}: ${why}`);
    expect(refused).to.deep.equal([]);
  });
});
