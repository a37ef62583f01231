import { expect } from 'chai';
import { mountHost, removeHosts } from '../testing-host.js';
import { QUOTA_MARGIN_BYTES, StorageController } from './storage-controller.js';
import type { RecordingRecord, StillRecord } from './widget-db.js';

afterEach(() => removeHosts());

/** Random bytes of `size` as a blob of `type`. */
function bytes(size: number, type = 'application/octet-stream'): Blob {
  const data = new Uint8Array(size);
  for (let i = 0; i < size; i += 65536) crypto.getRandomValues(data.subarray(i, i + 65536));
  return new Blob([data], { type });
}

const read = async (blob: Blob) => new Uint8Array(await blob.arrayBuffer());

function still(sessionId: string, blob = bytes(2048, 'image/png')): StillRecord {
  return {
    id: crypto.randomUUID(),
    sessionId,
    blob,
    name: 'still.png',
    type: 'image/png',
    width: 64,
    height: 32,
    takenBy: 'agent',
    createdAt: Date.now(),
    decided: true,
  };
}

function recording(sessionId: string): RecordingRecord {
  return {
    id: crypto.randomUUID(),
    sessionId,
    mime: 'video/webm',
    startedAt: Date.now(),
    stoppedAt: null,
    state: 'recording',
    chunks: 0,
    bytes: 0,
    lastChunkAt: 0,
  };
}

async function rejection(promise: Promise<unknown>): Promise<string> {
  return promise.then(
    () => expect.fail('resolved'),
    (err: { code: string }) => err.code,
  );
}

describe('StorageController, in IndexedDB', () => {
  it('keeps stills by session, with their bytes, until deleted', async () => {
    const storage = new StorageController(mountHost());
    const [session, other] = [crypto.randomUUID(), crypto.randomUUID()];
    const a = still(session);
    const b = still(session);
    await storage.putStill(a);
    await storage.putStill(b);
    await storage.putStill(still(other));

    const kept = await storage.stills(session);
    expect(kept.map((s) => s.id).sort()).to.deep.equal([a.id, b.id].sort());
    const keptA = kept.find((s) => s.id === a.id)!;
    expect(await read(keptA.blob)).to.deep.equal(await read(a.blob));
    expect({ ...keptA, blob: null }).to.deep.equal({ ...a, blob: null });

    await storage.deleteStill(a.id);
    expect((await storage.stills(session)).map((s) => s.id)).to.deep.equal([b.id]);
    expect(await storage.stills(other)).to.have.length(1);
  });

  it('stores a recording chunk by chunk, counts it, and gives it back in order as one blob', async () => {
    const storage = new StorageController(mountHost());
    const session = crypto.randomUUID();
    const rec = recording(session);
    await storage.createRecording(rec);
    const chunks = [bytes(1000, 'video/webm'), bytes(3000, 'video/webm'), bytes(500, 'video/webm')];
    for (const [seq, chunk] of chunks.entries()) {
      await storage.appendChunk(rec.id, seq, chunk, 100 * (seq + 1));
    }

    const stored = (await storage.recording(rec.id))!;
    expect([stored.chunks, stored.bytes, stored.lastChunkAt]).to.deep.equal([3, 4500, 300]);
    expect(await storage.chunkCount(rec.id)).to.equal(3);
    const blob = await storage.recordingBlob(rec.id);
    expect(blob.type).to.equal('video/webm');
    const expected = await read(new Blob(chunks));
    expect(await read(blob)).to.deep.equal(expected);

    await storage.updateRecording(rec.id, { state: 'done', stoppedAt: 400 });
    expect(await storage.recording(rec.id)).to.deep.include({
      state: 'done',
      stoppedAt: 400,
      chunks: 3,
    });
    expect((await storage.recordings(session)).map((r) => r.id)).to.deep.equal([rec.id]);
  });

  it('deletes a recording with its chunks, and no other', async () => {
    const storage = new StorageController(mountHost());
    const session = crypto.randomUUID();
    const [gone, kept] = [recording(session), recording(session)];
    for (const rec of [gone, kept]) {
      await storage.createRecording(rec);
      await storage.appendChunk(rec.id, 0, bytes(100), 1);
      await storage.appendChunk(rec.id, 1, bytes(100), 2);
    }
    await storage.deleteRecording(gone.id);
    expect(await storage.recording(gone.id)).to.equal(undefined);
    expect(await storage.chunkCount(gone.id)).to.equal(0);
    expect(await storage.chunkCount(kept.id)).to.equal(2);
    expect((await storage.recordings(session)).map((r) => r.id)).to.deep.equal([kept.id]);
  });

  it('refuses a chunk of a recording it does not have with ERR_STORAGE_UNAVAILABLE, storing nothing', async () => {
    const storage = new StorageController(mountHost());
    const id = crypto.randomUUID();
    expect(await rejection(storage.appendChunk(id, 0, bytes(10), 1))).to.equal(
      'ERR_STORAGE_UNAVAILABLE',
    );
    expect(await storage.chunkCount(id)).to.equal(0);
    expect(await storage.recording(id)).to.equal(undefined);
  });

  it('refuses with ERR_STORAGE_QUOTA what does not fit beside a margin, and lets the rest through', async () => {
    const storage = new StorageController(mountHost());
    const { quota, usage } = await navigator.storage.estimate();
    expect(quota).to.be.a('number');
    const free = quota! - usage!;
    expect(free, 'this test needs some room on the disk').to.be.greaterThan(2 * QUOTA_MARGIN_BYTES);
    await storage.checkQuota(1024);
    expect(await rejection(storage.checkQuota(quota!))).to.equal('ERR_STORAGE_QUOTA');
    // The margin is kept: what would leave less than it free is refused too.
    expect(await rejection(storage.checkQuota(free - QUOTA_MARGIN_BYTES / 2))).to.equal(
      'ERR_STORAGE_QUOTA',
    );
  });
});
