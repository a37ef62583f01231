import { expect } from 'chai';
import type { VideoSessionError } from '../../../src/errors.js';
import type { FileInfo } from '../../../src/rest.js';
import { createSession, service, sha256, until } from '../../testing.js';
import { StorageController } from '../storage/storage-controller.js';
import { openWidgetDb } from '../storage/widget-db.js';
import { mountHost, removeHosts } from '../testing-host.js';
import { Persistence } from './persistence.js';
import { UploadController } from './upload-controller.js';

afterEach(() => removeHosts());

/** A PNG signature then random bytes: passes the service's magic-byte check for image/png. */
function fakePng(size: number): Blob {
  const data = new Uint8Array(size);
  for (let i = 0; i < size; i += 65536) crypto.getRandomValues(data.subarray(i, i + 65536));
  data.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return new Blob([data], { type: 'image/png' });
}

async function persistence(sessionId: string, token: string) {
  const { signallingUrl } = await service();
  const done: FileInfo[] = [];
  const errors: string[] = [];
  const kept = new Persistence(mountHost(), {
    signallingUrl: () => signallingUrl,
    token: () => token,
    role: () => 'agent',
    sessionId: () => sessionId,
    onProgress: () => undefined,
    onDone: (file) => done.push(file),
    onError: (_ref, error) => errors.push(error.code),
    onChunkError: (error: VideoSessionError) => errors.push(error.code),
  });
  return { kept, done, errors };
}

describe('Persistence', () => {
  it('loads the storage and the uploader once, however often they are asked for', async () => {
    const { kept, errors } = await persistence('s', 'token');
    const [a, b] = await Promise.all([kept.ready(), kept.ready()]);
    expect(a).to.equal(b);
    expect(await kept.ready()).to.equal(a);
    expect(a.storage).to.be.an.instanceOf(StorageController);
    expect(a.uploads).to.be.an.instanceOf(UploadController);
    expect(errors).to.deep.equal([]);
  });

  it('on a welcome, continues the upload an earlier page of the session left; then nothing is left here', async () => {
    const session = await createSession();
    const blob = fakePng(1.5 * 1024 * 1024);
    const ref = crypto.randomUUID();
    const hash = await sha256(blob);
    // What a page that closed right after saving a still leaves: the still and its upload job.
    const db = await openWidgetDb();
    const meta = { width: 640, height: 480, takenBy: 'agent' as const };
    await db.put('stills', {
      id: ref,
      sessionId: session.id,
      blob,
      name: 'left.png',
      type: 'image/png',
      ...meta,
      createdAt: Date.now(),
      decided: true,
    });
    await db.put('uploads', {
      ref,
      sessionId: session.id,
      kind: 'screenshot',
      name: 'left.png',
      type: 'image/png',
      size: blob.size,
      sha256: hash,
      meta,
      blob,
      uploadId: null,
      offset: 0,
      createdAt: Date.now(),
    });

    const { kept, done, errors } = await persistence(session.id, session.agentToken);
    kept.callSettled();
    await until(() => done.length === 1 || errors.length > 0, 20_000, 'not uploaded');
    expect(errors).to.deep.equal([]);
    const file = done[0]!;
    expect([file.size, file.sha256, file.name]).to.deep.equal([blob.size, hash, 'left.png']);
    const res = await fetch(file.url);
    expect(await sha256(await res.arrayBuffer())).to.equal(hash);
    expect(await db.get('uploads', ref)).to.equal(undefined);
    expect(await db.get('stills', ref)).to.equal(undefined);
  });
});
