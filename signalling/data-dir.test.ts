/**
 * The data dir holds the sessions, the token secret and every stored file: only the service's own
 * user may read it (issue 15: `sessions.sqlite` and its `-wal`/`-shm` were 0644 in a 0755 folder).
 */
import Database from 'better-sqlite3';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { UploadCreated } from '../src/rest.js';
import { startTestService } from './testing/service.js';
import {
  EBML,
  MiB,
  PNG,
  announce,
  bytesOf,
  cleanup,
  patch,
  runCleanup,
  setup,
  store,
} from './testing/uploads.js';

afterEach(runCleanup);

const mode = (path: string) => statSync(path).mode & 0o777;

/** Runs `work` under the usual umask (022), which leaves new files readable by all. */
async function underUmask022<T>(work: () => Promise<T>): Promise<T> {
  const before = process.umask(0o022);
  try {
    return await work();
  } finally {
    process.umask(before);
  }
}

describe('the data dir', () => {
  it('is made 0700, and what the service writes in it 0600', async () => {
    const dataDir = join(mkdtempSync(join(tmpdir(), 'vs-modes-')), 'data');
    await underUmask022(async () => {
      const s = await setup({ dataDir, tokenSecret: undefined });
      const shot = await store(s, s.session.agentToken, bytesOf(PNG, 2000), {
        kind: 'screenshot',
        ref: 'p1',
        type: 'image/png',
      });
      const bytes = bytesOf(EBML, 2 * MiB);
      const up = (await announce(s, s.session.agentToken, bytes)).body as unknown as UploadCreated;
      await patch(s, s.session.agentToken, up.uploadId, 0, bytes.subarray(0, MiB));

      const folders = ['.', 'uploads', 'files', join('files', s.session.id)];
      for (const folder of folders) {
        expect([folder, mode(join(dataDir, folder))]).toEqual([folder, 0o700]);
      }
      const files = [
        'sessions.sqlite',
        'sessions.sqlite-wal',
        'sessions.sqlite-shm',
        'token-secret',
        join('files', s.session.id, shot.id),
        join('uploads', up.uploadId),
      ];
      for (const file of files) {
        expect(existsSync(join(dataDir, file)), file).toBe(true);
        expect([file, mode(join(dataDir, file))]).toEqual([file, 0o600]);
      }
    });
  });

  it('tightens a store an older version left readable by all', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'vs-modes-old-'));
    await underUmask022(async () => {
      // What an older version left: the store, its WAL and index, and the folders, open to all.
      const old = new Database(join(dataDir, 'sessions.sqlite'));
      old.pragma('journal_mode = WAL');
      old.exec('CREATE TABLE t (x); INSERT INTO t VALUES (1)');
      mkdirSync(join(dataDir, 'uploads'), { mode: 0o755 });
      mkdirSync(join(dataDir, 'files'), { mode: 0o755 });
      for (const f of ['sessions.sqlite', 'sessions.sqlite-wal', 'sessions.sqlite-shm']) {
        chmodSync(join(dataDir, f), 0o644);
      }
      const service = await startTestService({ dataDir });
      cleanup.push(() => service.stop());
      old.close();
      for (const f of ['sessions.sqlite', 'sessions.sqlite-wal', 'sessions.sqlite-shm']) {
        if (existsSync(join(dataDir, f))) expect([f, mode(join(dataDir, f))]).toEqual([f, 0o600]);
      }
      for (const d of ['uploads', 'files']) expect([d, mode(join(dataDir, d))]).toEqual([d, 0o700]);
    });
  });
});
