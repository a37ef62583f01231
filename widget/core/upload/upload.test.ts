import { expect } from 'chai';
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { FileInfo } from '../../../src/rest.js';
import { StorageController } from '../storage/storage-controller.js';
import { UploadController, type UploadProgressInfo } from './upload-controller.js';
import { openWidgetDb } from '../storage/widget-db.js';
import { createSession, service, until, sha256 } from '../../testing.js';

/** A bare controller host: the controllers only register with it. */
const host = (): ReactiveControllerHost => ({
  addController: (_c: ReactiveController) => undefined,
  removeController: () => undefined,
  requestUpdate: () => undefined,
  updateComplete: Promise.resolve(true),
});

function randomBytes(size: number): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(size);
  for (let i = 0; i < size; i += 65536) crypto.getRandomValues(bytes.subarray(i, i + 65536));
  return bytes;
}

/** A PNG signature then random bytes: passes the service's magic-byte check for image/png. */
function fakePng(size: number): Blob {
  const bytes = randomBytes(size);
  bytes.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return new Blob([bytes], { type: 'image/png' });
}

async function uploader(token: string, role: 'agent' | 'customer' = 'agent') {
  const { signallingUrl } = await service();
  const progress: UploadProgressInfo[] = [];
  const done: FileInfo[] = [];
  const errors: string[] = [];
  const controller = new UploadController(host(), {
    signallingUrl: () => signallingUrl,
    token: () => token,
    role: () => role,
    onProgress: (p) => progress.push(p),
    onDone: (f) => done.push(f),
    onError: (_ref, e) => errors.push(e.code),
  });
  return { controller, progress, done, errors };
}

describe('storage and the resumable uploader, against the real service', () => {
  it('uploads a still in chunks; the service has the same bytes; the local copy goes only then', async () => {
    const session = await createSession();
    const storage = new StorageController(host());
    const blob = fakePng(2.5 * 1024 * 1024);
    const id = crypto.randomUUID();
    await storage.putStill({
      id,
      sessionId: session.id,
      blob,
      name: 'router.png',
      type: 'image/png',
      width: 1280,
      height: 720,
      takenBy: 'agent',
      createdAt: Date.now(),
    });
    const { controller, progress, done } = await uploader(session.agentToken);
    const file = await controller.upload(session.id, blob, {
      kind: 'screenshot',
      ref: id,
      name: 'router.png',
      type: 'image/png',
      meta: { width: 1280, height: 720, takenBy: 'agent' },
    });
    expect(done).to.deep.equal([file]);
    expect(file.size).to.equal(blob.size);
    expect(file.sha256).to.equal(await sha256(await blob.arrayBuffer()));
    // More than one PATCH (1 MiB each), progress up to the whole file.
    const loaded = progress.map((p) => p.loaded);
    expect(loaded.filter((n) => n > 0 && n < blob.size).length).to.be.greaterThan(1);
    expect(loaded.at(-1)).to.equal(blob.size);
    const res = await fetch(file.url);
    expect(res.status).to.equal(200);
    expect(await sha256(await res.arrayBuffer())).to.equal(file.sha256);
    // Gone locally: the upload job and the still.
    const db = await openWidgetDb();
    expect(await db.get('uploads', id)).to.equal(undefined);
    expect(await db.get('stills', id)).to.equal(undefined);
  });

  it('resumes an interrupted upload from the offset the service reports, after a "reload"', async () => {
    const session = await createSession();
    const blob = fakePng(3 * 1024 * 1024 + 12345);
    const ref = crypto.randomUUID();
    const first = await uploader(session.agentToken);
    const upload = first.controller.upload(session.id, blob, {
      kind: 'screenshot',
      ref,
      name: 'big.png',
      type: 'image/png',
    });
    // The connection drops (the page goes) after the first chunk is confirmed.
    await until(() => first.progress.some((p) => p.loaded > 0), 10_000, 'no chunk confirmed');
    first.controller.abort();
    let aborted = false;
    await upload.catch(() => (aborted = true));
    expect(aborted).to.equal(true);
    const db = await openWidgetDb();
    const job = await db.get('uploads', ref);
    expect(job, 'the job stays stored').to.not.equal(undefined);

    // A new page (a new controller) continues what is stored, from where the service is.
    const second = await uploader(session.agentToken);
    expect((await second.controller.pending(session.id)).map((j) => j.ref)).to.deep.equal([ref]);
    await second.controller.resumeUploads(session.id);
    expect(second.done).to.have.length(1);
    const resumedFrom = second.progress[0]!.loaded;
    expect(resumedFrom, 'started over instead of resuming').to.be.greaterThan(0);
    expect(second.errors).to.deep.equal([]);
    const file = second.done[0]!;
    const res = await fetch(file.url);
    expect(await sha256(await res.arrayBuffer())).to.equal(await sha256(await blob.arrayBuffer()));
    expect(await db.get('uploads', ref)).to.equal(undefined);
  });

  it('leaves another role’s unfinished upload in this browser alone, and resumes it for that role', async () => {
    // One browser holding two people's widgets of a session (two tabs): each finishes its own.
    const session = await createSession();
    const blob = fakePng(2 * 1024 * 1024);
    const ref = crypto.randomUUID();
    const agent = await uploader(session.agentToken);
    const upload = agent.controller.upload(session.id, blob, {
      kind: 'screenshot',
      ref,
      name: 'agents.png',
      type: 'image/png',
    });
    await until(() => agent.progress.some((p) => p.loaded > 0), 10_000, 'no chunk confirmed');
    agent.controller.abort();
    await upload.catch(() => undefined);

    const customer = await uploader(session.customerToken, 'customer');
    expect(await customer.controller.pending(session.id)).to.deep.equal([]);
    await customer.controller.resumeUploads(session.id);
    expect(customer.done).to.deep.equal([]);
    const db = await openWidgetDb();
    expect(await db.get('uploads', ref), "still the agent's to finish").to.not.equal(undefined);

    const again = await uploader(session.agentToken);
    await again.controller.resumeUploads(session.id);
    expect(again.done.map((f) => f.by)).to.deep.equal(['agent']);
  });

  it('keeps the local file and reports the code when the service refuses it', async () => {
    const session = await createSession();
    const storage = new StorageController(host());
    const id = crypto.randomUUID();
    const blob = new Blob(['not a picture'], { type: 'text/plain' });
    await storage.putStill({
      id,
      sessionId: session.id,
      blob,
      name: 'x.txt',
      type: 'text/plain',
      width: 1,
      height: 1,
      takenBy: 'agent',
      createdAt: Date.now(),
    });
    const { controller, errors } = await uploader(session.agentToken);
    let code = '';
    await controller
      .upload(session.id, blob, { kind: 'screenshot', ref: id, name: 'x.txt', type: 'text/plain' })
      .catch((e: { code: string }) => (code = e.code));
    expect(code).to.equal('ERR_UPLOAD_TYPE');
    expect(errors).to.deep.equal(['ERR_UPLOAD_TYPE']);
    expect((await storage.stills(session.id)).map((s) => s.id)).to.deep.equal([id]);
  });
});
