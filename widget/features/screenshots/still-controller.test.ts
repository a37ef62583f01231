import { expect } from 'chai';
import { VideoSessionError } from '../../../src/errors.js';
import type { Role } from '../../../src/protocol.js';
import type { FileInfo } from '../../../src/rest.js';
import { MessageRouter } from '../../core/router.js';
import { sha256, until } from '../../testing.js';
import { channel, plainPng, type PeerEnd } from '../testing-features.js';
import { mountHost, removeHosts } from '../../core/testing-host.js';
import type { Transfer } from '../transfer/transfer-controller.js';
import type { Screenshot } from './screenshot.js';
import { StillController } from './still-controller.js';

afterEach(removeHosts);

interface Side {
  role: Role;
  end: PeerEnd;
  stills: StillController;
  /** The still a capture returns now (null: the camera gives none). */
  picture: Blob | null;
  captures: number;
  filesSent: number;
  kept: string[];
  forgotten: string[];
  persisted: { id: string; blob: Blob }[];
  /** Each update as it was told: id, state, save. */
  told: string[];
}

const at = (s: Side, id: string): Screenshot | undefined =>
  s.stills.stills.find((x) => x.id === id);

/** One task later (a transfer does not arrive in the same task it left). */
const tick = () => new Promise((r) => setTimeout(r, 0));

/**
 * An agent and a customer whose still controllers talk over an in-page channel; the customer's
 * camera shows the picture (`source`). A still's file goes as a transfer handed to both sides'
 * `handleTransfer` a task later, the receiver's in three steps (started, half, done with a copy of the bytes),
 * as the transfer feature reports them.
 */
async function pair() {
  const routers = { agent: new MessageRouter(), customer: new MessageRouter() };
  const ends = channel(routers);
  const world = { source: 'customer' as Role | null };
  let transferId = 0;
  const sides = {} as Record<Role, Side>;
  const side = (role: Role): Side => {
    const s: Side = {
      role,
      end: ends[role],
      picture: null,
      captures: 0,
      filesSent: 0,
      kept: [],
      forgotten: [],
      persisted: [],
      told: [],
    } as unknown as Side;
    const other = () => sides[role === 'agent' ? 'customer' : 'agent'];
    s.stills = new StillController(mountHost(), {
      role: () => role,
      source: () => world.source,
      capture: async () => {
        s.captures++;
        if (!s.picture) throw new VideoSessionError('ERR_STILL_UNAVAILABLE');
        const bytes = new Uint8Array(await s.picture.slice(16, 24).arrayBuffer());
        const view = new DataView(bytes.buffer);
        return { blob: s.picture, width: view.getUint32(0), height: view.getUint32(4) };
      },
      send: (message) => ends[role].send(message),
      sendFile: async (blob, name, ref) => {
        s.filesSent++;
        await tick(); // after the messages sent before it, as on the one ordered channel
        const base = { id: ++transferId, purpose: 'still' as const, ref, name, code: null };
        const common = { ...base, mime: 'image/png', size: blob.size, at: Date.now() };
        const out: Transfer = { ...common, direction: 'out', loaded: 0, state: 'sending', blob };
        const into: Transfer = {
          ...common,
          direction: 'in',
          loaded: 0,
          state: 'receiving',
          blob: null,
        };
        s.stills.handleTransfer(out);
        other().stills.handleTransfer(into);
        await tick();
        into.loaded = out.loaded = Math.floor(blob.size / 2);
        other().stills.handleTransfer(into);
        s.stills.handleTransfer(out);
        await tick();
        into.blob = new Blob([await blob.arrayBuffer()], { type: 'image/png' });
        into.loaded = out.loaded = blob.size;
        into.state = out.state = 'done';
        other().stills.handleTransfer(into);
        s.stills.handleTransfer(out);
        return out;
      },
      persist: (still) => {
        s.persisted.push({ id: still.id, blob: still.blob });
        return Promise.resolve();
      },
      keep: (still) => {
        s.kept.push(still.id);
        return Promise.resolve();
      },
      forget: (id) => {
        s.forgotten.push(id);
        return Promise.resolve();
      },
      onUpdate: (still) => s.told.push(`${still.state} ${still.save}`),
    });
    routers[role].register(
      ['still-request', 'still-failed', 'still-saved', 'still-discarded', 'still-upload'],
      (message) => s.stills.handle(message),
    );
    return s;
  };
  sides.agent = side('agent');
  sides.customer = side('customer');
  sides.customer.picture = await plainPng(32, 24, '#3366cc');
  return { agent: sides.agent, customer: sides.customer, world };
}

async function codeOf(fn: () => unknown): Promise<string> {
  try {
    await fn();
  } catch (err) {
    if (err instanceof VideoSessionError) return err.code;
    throw err;
  }
  throw new Error('it did not fail');
}

/** The service's record of a saved still. */
function fileOf(id: string, size: number, createdAt: string, takenBy: Role): FileInfo {
  return {
    id: `file-${id}`,
    sessionId: 'session-1',
    ref: id,
    kind: 'screenshot',
    name: 'screenshot.png',
    type: 'image/png',
    size,
    sha256: '0'.repeat(64),
    createdAt,
    meta: { takenBy, width: 32, height: 24 },
    by: takenBy,
    url: `https://files.example/${id}.png`,
    urlExpiresAt: new Date(Date.now() + 3_600_000).toISOString(),
  };
}

/** Both sides hold still `id`, done, with the same bytes. */
async function bothHold(agent: Side, customer: Side, id: string) {
  await until(
    () => at(agent, id)?.state === 'done' && at(customer, id)?.state === 'done',
    5000,
    `agent ${at(agent, id)?.state}, customer ${at(customer, id)?.state}`,
  );
  const [a, c] = [at(agent, id)!, at(customer, id)!];
  expect(await sha256(a.blob!)).to.equal(await sha256(c.blob!));
  expect([a.width, a.height]).to.deep.equal([c.width, c.height]);
  return { a, c };
}

describe('StillController', () => {
  it('takes a still of its own camera and sends it: both hold the same bytes', async () => {
    const { agent, customer } = await pair();
    const still = await customer.stills.take();
    expect(still).to.include({ takenBy: 'customer', state: 'done', save: 'open' });
    expect([still.width, still.height]).to.deep.equal([32, 24]);
    expect(await sha256(still.blob!)).to.equal(await sha256(customer.picture!));
    const { a } = await bothHold(agent, customer, still.id);
    expect(a.takenBy).to.equal('customer');
    expect(agent.told.slice(0, 2), 'the agent saw it coming').to.deep.equal([
      'receiving open',
      'receiving open',
    ]);
    expect([customer.captures, agent.captures]).to.deep.equal([1, 0]);
    // The taker decides: it keeps it on the device, undecided; the other side does not.
    expect(customer.kept).to.deep.equal([still.id]);
    expect(customer.stills.undecided).to.equal(still);
    expect(agent.kept).to.deep.equal([]);
    expect(agent.stills.undecided).to.equal(null);
  });

  it('asks the camera side for a still, and is told when it cannot have one', async () => {
    const { agent, customer } = await pair();
    const taking = agent.stills.take();
    expect(agent.stills.stills.map((s) => s.state)).to.deep.equal(['capturing']);
    const still = await taking;
    expect(still).to.include({ takenBy: 'agent', state: 'done' });
    const { c } = await bothHold(agent, customer, still.id);
    expect(c.takenBy).to.equal('agent');
    expect([customer.captures, agent.captures, customer.filesSent]).to.deep.equal([1, 0, 1]);
    expect(agent.kept).to.deep.equal([still.id]);
    expect(customer.kept).to.deep.equal([]);

    // The camera gives no picture now (paused): the asker hears why.
    customer.picture = null;
    const refused = agent.stills.take();
    expect(await codeOf(() => refused)).to.equal('ERR_STILL_UNAVAILABLE');
    const failed = agent.stills.stills.at(-1)!;
    expect(failed).to.include({ state: 'failed', code: 'ERR_STILL_UNAVAILABLE', blob: null });
  });

  it('saves: stored on this device, the other side sees it uploading, then saved', async () => {
    const { agent, customer } = await pair();
    const still = await agent.stills.take();
    await bothHold(agent, customer, still.id);
    // Not the customer's to decide.
    expect(await codeOf(() => customer.stills.save(still.id, still.blob!, false))).to.equal(
      'ERR_STILL_UNAVAILABLE',
    );

    const saved = await agent.stills.save(still.id, still.blob!, false);
    expect(saved).to.include({ save: 'uploading', edited: false });
    expect(agent.persisted.map((p) => p.id)).to.deep.equal([still.id]);
    expect(agent.persisted[0]!.blob).to.equal(still.blob);
    await until(() => at(customer, still.id)?.save === 'uploading', 5000, 'not uploading there');

    agent.stills.uploadProgress(still.id, 100, still.blob!.size);
    await until(() => at(customer, still.id)?.uploaded === 100, 5000, 'no progress there');
    expect(at(customer, still.id)!.uploadSize).to.equal(still.blob!.size);

    agent.stills.stored([fileOf(still.id, still.blob!.size, new Date().toISOString(), 'agent')]);
    expect(at(agent, still.id)!.save).to.equal('saved');
    await until(() => at(customer, still.id)?.save === 'saved', 5000, 'not saved there');
    // Decided once.
    expect(await codeOf(() => agent.stills.save(still.id, still.blob!, false))).to.equal(
      'ERR_STILL_UNAVAILABLE',
    );
    expect(() => agent.stills.discard(still.id)).to.throw(VideoSessionError);
  });

  it('saves an edited still: the edited PNG replaces the first on both sides', async () => {
    const { agent, customer } = await pair();
    const still = await agent.stills.take();
    await bothHold(agent, customer, still.id);
    const edited = await plainPng(64, 48, '#ff3b30');
    await agent.stills.save(still.id, edited, true);
    expect(agent.persisted[0]!.blob).to.equal(edited);
    await until(
      () => at(customer, still.id)?.width === 64,
      5000,
      'the edited still did not arrive',
    );
    const { c } = await bothHold(agent, customer, still.id);
    expect(await sha256(c.blob!)).to.equal(await sha256(edited));
    expect(c).to.include({ edited: true, height: 48 });
  });

  it('discards on both sides, and forgets the copy kept on the device', async () => {
    const { agent, customer } = await pair();
    const still = await customer.stills.take();
    await bothHold(agent, customer, still.id);
    expect(() => agent.stills.discard(still.id), 'not the agent to decide').to.throw(
      VideoSessionError,
    );
    customer.stills.discard(still.id);
    expect(at(customer, still.id)).to.equal(undefined);
    // Forgotten once the copy kept on the device was written (a late write would bring it back).
    await until(() => customer.forgotten.length > 0, 5000, 'the kept copy was not forgotten');
    expect(customer.forgotten).to.deep.equal([still.id]);
    await until(() => at(agent, still.id) === undefined, 5000, 'still there on the agent side');
    expect(agent.forgotten).to.deep.equal([]);
  });

  it('restores kept stills as undecided, and joins what the service has', async () => {
    const { agent, customer } = await pair();
    const blob = await plainPng(32, 24, '#34c759');
    const kept: Screenshot & { blob: Blob } = {
      id: 'kept-still-0001',
      name: 'screenshot.png',
      takenBy: 'agent',
      at: Date.now() - 60_000,
      width: 32,
      height: 24,
      blob,
      link: null,
      loaded: blob.size,
      size: blob.size,
      state: 'done',
      code: null,
      save: 'open',
      uploaded: 0,
      uploadSize: 0,
      saveCode: null,
      edited: false,
    };
    agent.stills.restore([kept]);
    expect(agent.stills.undecided).to.equal(kept);
    expect(agent.kept, 'already on the device').to.deep.equal([]);
    await agent.stills.save(kept.id, blob, false);
    expect(agent.persisted.map((p) => p.id)).to.deep.equal([kept.id]);

    // The service lists one saved before this page (taken earlier) and the one just saved.
    const earlier = new Date(Date.now() - 120_000).toISOString();
    agent.stills.stored([
      fileOf('older-still-01', 999, earlier, 'customer'),
      fileOf(kept.id, blob.size, new Date().toISOString(), 'agent'),
    ]);
    expect(agent.stills.stills.map((s) => [s.id, s.save])).to.deep.equal([
      ['older-still-01', 'saved'],
      [kept.id, 'saved'],
    ]);
    const older = agent.stills.stills[0]!;
    expect(older).to.include({ takenBy: 'customer', blob: null, state: 'done', size: 999 });
    expect(agent.stills.url(older)).to.equal('https://files.example/older-still-01.png');
    expect(agent.end.sent.at(-1)).to.include({ type: 'still-upload', id: kept.id, state: 'saved' });
    expect(customer.stills.stills).to.deep.equal([]);
  });

  it("does not take a file someone else uploaded under a still's id for that still", async () => {
    const { agent } = await pair();
    const still = await agent.stills.take();
    expect(still.save).to.equal('open');
    // The customer learnt the id over the data channel and uploaded their own bytes under it.
    agent.stills.stored([fileOf(still.id, 10, new Date().toISOString(), 'customer')]);
    expect(agent.stills.stills.map((s) => [s.id, s.save, s.takenBy])).to.deep.equal([
      [still.id, 'open', 'agent'],
    ]);
  });
});
