/**
 * Files leaving the service, over real HTTP with a real disk and webhook receiver: erasure on
 * request, the retention sweep at start and hourly (a clock option and fake interval timers).
 */
import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  rmdirSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { SessionEventOf } from '../../src/events.js';
import type { FileList, UploadCreated } from '../../src/rest.js';
import { TEST_API_KEY, startTestService } from '../testing/service.js';
import {
  EBML,
  MiB,
  PNG,
  SECRET,
  announce,
  bytesOf,
  call,
  cleanup,
  download,
  patch,
  runCleanup,
  setup,
  store,
} from '../testing/uploads.js';

afterEach(runCleanup);

describe('erasure and retention', () => {
  it('DELETE removes every file and pending upload from disk and store, with file.deleted', async () => {
    const s = await setup();
    const a = await store(s, s.session.agentToken, bytesOf(EBML, 4000));
    const b = await store(s, s.session.customerToken, bytesOf(PNG, 3000), {
      kind: 'screenshot',
      ref: 'p1',
      type: 'image/png',
      name: 'p.png',
    });
    const pendingBytes = bytesOf(EBML, 2 * MiB);
    const pending = (await announce(s, s.session.agentToken, pendingBytes, { ref: 'rec-2' }))
      .body as unknown as UploadCreated;
    await patch(s, s.session.agentToken, pending.uploadId, 0, pendingBytes.subarray(0, MiB));
    expect(readdirSync(join(s.service.dataDir, 'uploads'))).toHaveLength(1);
    const path = `/v1/sessions/${s.session.id}/files`;

    expect((await call(s, 'DELETE', path, s.session.agentToken)).status).toBe(401);
    const erased = await call(s, 'DELETE', path, TEST_API_KEY);
    expect(erased).toMatchObject({ status: 200, body: { deleted: 2 } });

    expect(existsSync(join(s.service.dataDir, 'files', s.session.id))).toBe(false);
    expect(readdirSync(join(s.service.dataDir, 'uploads'))).toEqual([]);
    expect(((await call(s, 'GET', path, TEST_API_KEY)).body as unknown as FileList).files).toEqual(
      [],
    );
    expect(
      (
        await call(
          s,
          'GET',
          `/v1/sessions/${s.session.id}/uploads/${pending.uploadId}`,
          TEST_API_KEY,
        )
      ).body.code,
    ).toBe('ERR_UPLOAD_NOT_FOUND');
    expect((await download(s, a.url)).body).toMatchObject({
      status: 404,
      code: 'ERR_FILE_NOT_FOUND',
    });

    await s.receiver.until(
      (r) => r.distinct().filter((d) => d.event.type === 'file.deleted').length === 2,
    );
    const deleted = s.receiver
      .distinct()
      .filter((d) => d.event.type === 'file.deleted')
      .map((d) => (d.event as SessionEventOf<'file.deleted'>).data)
      .sort((x, y) => (x.kind < y.kind ? -1 : 1));
    expect(deleted).toEqual([
      { fileId: a.id, kind: 'recording', name: a.name, reason: 'erased' },
      { fileId: b.id, kind: 'screenshot', name: 'p.png', reason: 'erased' },
    ]);
    // The ref is free again: the same recording can be stored anew.
    expect((await announce(s, s.session.agentToken, bytesOf(EBML, 10))).status).toBe(201);
  });

  it('the sweep at start deletes files past VS_RETENTION_DAYS and abandoned uploads', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'vs-retention-'));
    cleanup.push(async () => rmSync(dataDir, { recursive: true, force: true }));
    // Begin 31 days ago (webhook deliveries are signed with the real time, so the clock only goes
    // back, never ahead of it): a session then, and another 29 days later, each with its tokens.
    const s = await setup({ dataDir, retentionDays: 30 }, Date.now() - 31 * 86_400_000);
    const old = await store(s, s.session.agentToken, bytesOf(EBML, 1000));
    const stale = (await announce(s, s.session.agentToken, bytesOf(EBML, 10), { ref: 'stale' }))
      .body as unknown as UploadCreated;
    s.clock.now += 29 * 86_400_000;
    const later = { ...s, session: await s.service.createSession() };
    const young = await store(later, later.session.agentToken, bytesOf(EBML, 1000), {
      ref: 'young',
    });
    await s.service.stop();

    // Today, 31 days after the first file: the service starts and sweeps.
    s.clock.now = Date.now();
    const again = await startTestService({
      dataDir,
      webhookUrl: s.receiver.url,
      webhookSecrets: [s.receiver.secret],
      tokenSecret: SECRET,
      retentionDays: 30,
      now: () => s.clock.now,
    });
    cleanup.push(() => again.stop());
    await s.receiver.until((r) => r.deliveries.some((d) => d.event.type === 'file.deleted'));
    const gone = s.receiver.distinct().filter((d) => d.event.type === 'file.deleted');
    expect(gone.map((d) => (d.event as SessionEventOf<'file.deleted'>).data)).toEqual([
      { fileId: old.id, kind: 'recording', name: old.name, reason: 'retention' },
    ]);
    // The event is written with the rows; the bytes go right after.
    await vi.waitFor(() => {
      expect(existsSync(join(dataDir, 'files', s.session.id, old.id))).toBe(false);
      expect(existsSync(join(dataDir, 'uploads', stale.uploadId))).toBe(false);
    });
    expect(existsSync(join(dataDir, 'files', later.session.id, young.id))).toBe(true);
    const list = (id: string) =>
      fetch(`${again.url}/v1/sessions/${id}/files`, {
        headers: { authorization: `Bearer ${TEST_API_KEY}` },
      }).then(async (res) => ((await res.json()) as FileList).files.map((f) => f.id));
    expect(await list(s.session.id)).toEqual([]);
    expect(await list(later.session.id)).toEqual([young.id]);
  });
});

describe('the start-up check', () => {
  it('removes bytes no row claims and keeps uploads in progress', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'vs-reconcile-'));
    cleanup.push(async () => rmSync(dataDir, { recursive: true, force: true }));
    const s = await setup({ dataDir });
    const bytes = bytesOf(EBML, 2 * MiB);
    const kept = await store(s, s.session.agentToken, bytesOf(EBML, 500));
    const pending = (await announce(s, s.session.agentToken, bytes, { ref: 'pending' }))
      .body as unknown as UploadCreated;
    await patch(s, s.session.agentToken, pending.uploadId, 0, bytes.subarray(0, MiB));
    await s.service.stop();
    // What a crash between the store and the disk leaves: bytes without a row.
    writeFileSync(join(dataDir, 'uploads', 'upl_orphan0000000000'), 'x');
    writeFileSync(join(dataDir, 'files', s.session.id, 'fil_orphan0000000000'), 'x');

    const again = await startTestService({ dataDir, tokenSecret: SECRET });
    cleanup.push(() => again.stop());
    expect(readdirSync(join(dataDir, 'uploads'))).toEqual([pending.uploadId]);
    expect(readdirSync(join(dataDir, 'files', s.session.id))).toEqual([kept.id]);
    // The upload in progress goes on where it was.
    const head = await fetch(
      `${again.url}/v1/sessions/${s.session.id}/uploads/${pending.uploadId}`,
      { method: 'HEAD', headers: { authorization: `Bearer ${s.session.agentToken}` } },
    );
    expect(head.headers.get('upload-offset')).toBe(String(MiB));
  });
});

describe('the start-up check after a power loss', () => {
  it('puts back the bytes of a stored file whose move into files/ did not reach the disk', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'vs-replace-'));
    cleanup.push(async () => rmSync(dataDir, { recursive: true, force: true }));
    const s = await setup({ dataDir });
    const bytes = bytesOf(EBML, 3000);
    const file = await store(s, s.session.agentToken, bytes);
    await s.service.stop();
    // The store's commit (the file row, the upload row gone) is on disk; the rename, and the
    // session's folder, are not: the bytes are still where the upload wrote them.
    const uploaded = join(dataDir, 'uploads', `upl_${file.id.slice(4)}`);
    renameSync(join(dataDir, 'files', s.session.id, file.id), uploaded);
    rmdirSync(join(dataDir, 'files', s.session.id));

    const again = await startTestService({ dataDir, tokenSecret: SECRET });
    cleanup.push(() => again.stop());
    expect(readdirSync(join(dataDir, 'uploads'))).toEqual([]);
    expect(readFileSync(join(dataDir, 'files', s.session.id, file.id)).equals(bytes)).toBe(true);
    const listed = (await (
      await fetch(`${again.url}/v1/sessions/${s.session.id}/files`, {
        headers: { authorization: `Bearer ${TEST_API_KEY}` },
      })
    ).json()) as FileList;
    const link = new URL(listed.files[0]!.url);
    const got = await fetch(`${again.url}${link.pathname}${link.search}`);
    expect(Buffer.from(await got.arrayBuffer()).equals(bytes)).toBe(true);
  });
});

describe('the hourly retention sweep', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('runs every hour, not only at start', async () => {
    vi.useFakeTimers({ toFake: ['setInterval'] });
    // Stored two days ago (the clock goes back; webhook deliveries are signed with the real time).
    const s = await setup({ retentionDays: 1 }, Date.now() - 2 * 86_400_000);
    const old = await store(s, s.session.agentToken, bytesOf(EBML, 1000));
    s.clock.now = Date.now();
    const path = join(s.service.dataDir, 'files', s.session.id, old.id);
    vi.advanceTimersByTime(59 * 60_000);
    await new Promise((r) => setTimeout(r, 300));
    expect(existsSync(path)).toBe(true);
    vi.advanceTimersByTime(60_000);
    await s.receiver.until((r) => r.distinct().some((d) => d.event.type === 'file.deleted'));
    await vi.waitFor(() => expect(existsSync(path)).toBe(false));
  });
});
