import { expect } from 'chai';
import { VideoSessionError } from '../../../src/errors.js';
import { CHUNK_BYTES, type FilePurpose } from '../../../src/file-transfer.js';
import type { Role } from '../../../src/protocol.js';
import { MessageRouter, type Sender } from '../../core/router.js';
import { sha256, until } from '../../testing.js';
import {
  channel,
  otherRole,
  PEOPLE,
  person,
  randomBytes,
  type PeerEnd,
  type WaterMarks,
} from '../testing-features.js';
import { mountHost, removeHosts } from '../../core/testing-host.js';
import { TransferFeature, type Transfer } from './transfer-feature.js';

afterEach(removeHosts);

/** What one side's transfer feature told, as snapshots (a transfer object changes in place). */
interface Seen {
  purpose: FilePurpose;
  with: string;
  transfer: Transfer;
  direction: Transfer['direction'];
  state: Transfer['state'];
  loaded: number;
  code: string | null;
}

interface Side {
  role: Role;
  end: PeerEnd;
  feature: TransferFeature;
  maxBytes: number;
  seen: Seen[];
}

/** A queue small enough that a file of a few hundred KiB has to wait for it to drain. */
const WATER: WaterMarks = { high: 64 * 1024, low: 32 * 1024 };

/**
 * An agent and a customer whose transfer features see each other as the one other person, joined
 * by an in-page channel that carries about 1 MB a second (so a transfer takes long enough for its
 * progress to show).
 */
function pair(maxBytes: Partial<Record<Role, number>> = {}) {
  const routers = { agent: new MessageRouter(), customer: new MessageRouter() };
  const ends = channel(routers, { water: WATER, bytesPerMs: 1024 });
  const side = (role: Role): Side => {
    const s: Side = {
      role,
      end: ends[role],
      maxBytes: maxBytes[role] ?? 25 * 1024 * 1024,
      seen: [],
    } as unknown as Side;
    const record = (purpose: FilePurpose) => (transfer: Transfer, with_: Sender) =>
      s.seen.push({
        purpose,
        with: with_.id,
        transfer,
        direction: transfer.direction,
        state: transfer.state,
        loaded: transfer.loaded,
        code: transfer.code,
      });
    const them = person(PEOPLE[otherRole(role)], ends[role]);
    s.feature = new TransferFeature(mountHost(), {
      router: routers[role],
      people: () => [them],
      maxBytes: () => s.maxBytes,
      onUpdate: { chat: record('chat'), still: record('still') },
    });
    return s;
  };
  const agent = side('agent');
  const customer = side('customer');
  const disconnect = () => {
    for (const s of [agent, customer]) {
      s.feature.personDisconnected(person(PEOPLE[otherRole(s.role)], s.end));
      s.end.close();
    }
  };
  return { agent, customer, disconnect };
}

/** The code a promise rejected with. */
async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof VideoSessionError) return err.code;
    throw err;
  }
  throw new Error('it did not fail');
}

const fileStarts = (s: Side) => s.end.sent.filter((m) => m.type === 'file-start');

/** The progress told about one transfer, in order, on one side. */
const progress = (s: Side, transfer: Transfer) =>
  s.seen.filter((x) => x.transfer === transfer).map((x) => x.loaded);

describe('TransferFeature', () => {
  it('sends a file of random bytes that arrives intact, with progress on both sides', async () => {
    const { agent, customer } = pair();
    const bytes = randomBytes(300 * 1024 + 123);
    const file = new Blob([bytes], { type: 'application/octet-stream' });

    const sent = await agent.feature.send(file, 'router-log.bin', 'chat');
    expect(sent).to.include({ direction: 'out', state: 'done', loaded: file.size, code: null });

    await until(
      () => customer.seen.some((x) => x.state === 'done'),
      5000,
      'the customer has not got it',
    );
    const arrived = customer.seen.find((x) => x.state === 'done')!.transfer;
    expect(arrived).to.include({
      direction: 'in',
      purpose: 'chat',
      ref: null,
      name: 'router-log.bin',
      mime: 'application/octet-stream',
      size: file.size,
      loaded: file.size,
      code: null,
    });
    expect(arrived.at).to.equal(sent.at);
    expect(await sha256(arrived.blob!)).to.equal(await sha256(bytes));

    // Each side tells the file's start, some steps on the way, and its end, never going back.
    for (const [s, transfer] of [
      [agent, sent],
      [customer, arrived],
    ] as const) {
      const steps = progress(s, transfer);
      expect(steps[0], `${s.role} starts at 0`).to.equal(0);
      expect(steps.at(-1), `${s.role} ends whole`).to.equal(file.size);
      expect(
        steps.some((n) => n > 0 && n < file.size),
        `${s.role} steps: ${steps.join(', ')}`,
      ).to.equal(true);
      expect(
        steps.every((n, i) => i === 0 || n >= steps[i - 1]!),
        steps.join(', '),
      ).to.equal(true);
      expect(s.seen.every((x) => x.purpose === 'chat' && x.with === otherRole(s.role))).to.equal(
        true,
      );
    }
    // Never more queued on the channel than its high-water mark and one chunk.
    expect(agent.end.maxBuffered).to.be.at.most(WATER.high + CHUNK_BYTES + 9);
  });

  it('tells a still only to the still table and a chat file only to the chat table, with its ref', async () => {
    const { agent, customer } = pair();
    const png = new Blob([randomBytes(20_000)], { type: 'image/png' });
    await customer.feature.send(png, 'screenshot.png', 'still', 'still-0001');
    await until(() => agent.seen.some((x) => x.state === 'done'), 5000, 'not received');
    for (const s of [agent, customer]) {
      expect(s.seen.length).to.be.greaterThan(0);
      expect(s.seen.every((x) => x.purpose === 'still')).to.equal(true);
    }
    expect(agent.seen.at(-1)!.transfer).to.include({ ref: 'still-0001', purpose: 'still' });

    await customer.feature.send(new Blob(['hello']), 'note.txt', 'chat');
    await until(() => agent.seen.filter((x) => x.state === 'done').length === 2, 5000, 'no note');
    const last = agent.seen.at(-1)!;
    expect(last.purpose).to.equal('chat');
    expect(last.transfer).to.include({ ref: null, name: 'note.txt', mime: '' });
  });

  it('refuses a file over its own limit before a byte leaves', async () => {
    const { agent, customer } = pair({ agent: 100 * 1024 });
    const file = new Blob([randomBytes(200 * 1024)]);
    expect(await codeOf(agent.feature.send(file, 'big.bin', 'chat'))).to.equal(
      'ERR_FILE_TOO_LARGE',
    );
    expect(fileStarts(agent)).to.deep.equal([]);
    expect(agent.end.maxBuffered).to.equal(0);
    // The person still sees what became of their file.
    expect(agent.seen.map((x) => [x.state, x.code])).to.deep.equal([
      ['failed', 'ERR_FILE_TOO_LARGE'],
    ]);
    expect(customer.seen).to.deep.equal([]);
  });

  it('is refused by a receiver whose limit is lower, and both sides say so', async () => {
    const { agent, customer } = pair({ customer: 100 * 1024 });
    const file = new Blob([randomBytes(200 * 1024)]);
    expect(await codeOf(agent.feature.send(file, 'big.bin', 'chat'))).to.equal(
      'ERR_FILE_TOO_LARGE',
    );
    expect(agent.seen.at(-1)).to.include({ state: 'failed', code: 'ERR_FILE_TOO_LARGE' });
    expect(customer.seen.map((x) => [x.direction, x.state, x.code])).to.deep.equal([
      ['in', 'failed', 'ERR_FILE_TOO_LARGE'],
    ]);
    expect(customer.end.sent).to.deep.include({
      type: 'file-cancel',
      id: 1,
      by: 'receiver',
      code: 'ERR_FILE_TOO_LARGE',
    });
    // The refusal stopped the sending: far less than the file went out.
    expect(agent.end.maxBuffered).to.be.below(file.size);
  });

  it('fails what is under way, both ways, when the other person goes', async () => {
    const { agent, customer, disconnect } = pair();
    const file = new Blob([randomBytes(1024 * 1024)]);
    const sending = agent.feature.send(file, 'big.bin', 'chat');
    await until(
      () => customer.seen.some((x) => x.state === 'receiving' && x.loaded > 0),
      5000,
      'nothing arrived',
    );
    disconnect();
    expect(await codeOf(sending)).to.equal('ERR_FILE_TRANSFER_FAILED');
    const incoming = customer.seen.at(-1)!;
    expect(incoming).to.include({
      direction: 'in',
      state: 'failed',
      code: 'ERR_FILE_TRANSFER_FAILED',
    });
    expect(incoming.loaded).to.be.below(file.size);
    expect(incoming.transfer.blob).to.equal(null);
    // Nobody is connected now.
    expect(await codeOf(agent.feature.send(new Blob(['x']), 'x.txt', 'chat'))).to.equal(
      'ERR_NOT_CONNECTED',
    );
  });
});
