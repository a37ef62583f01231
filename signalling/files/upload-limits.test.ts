/**
 * What one token holder can take of the service's disk, when it asks many times at once: the
 * per-session byte cap, and the cap on unfinished uploads (issue 15).
 */
import Database from 'better-sqlite3';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { FileInfo, FileList, UploadCreated } from '../../src/rest.js';
import { TEST_API_KEY } from '../testing/service.js';
import {
  EBML,
  MiB,
  PNG,
  announce,
  bytesOf,
  call,
  runCleanup,
  sendFrom,
  setup,
  type Setup,
} from '../testing/uploads.js';

afterEach(runCleanup);

/** The sizes of the session's upload rows, read from the service's store file. */
function uploadRows(s: Setup): number[] {
  const db = new Database(join(s.service.dataDir, 'sessions.sqlite'), { readonly: true });
  try {
    return db
      .prepare<[string], { doc: string }>('SELECT doc FROM uploads WHERE session_id = ?')
      .all(s.session.id)
      .map((r) => (JSON.parse(r.doc) as { size: number }).size);
  } finally {
    db.close();
  }
}

describe('the per-session byte cap', () => {
  it('holds when ten announce the whole cap at once: one is taken, the rest change nothing', async () => {
    const s = await setup({ maxSessionBytes: 4 * MiB });
    const token = s.session.agentToken;
    const files = Array.from({ length: 10 }, () => bytesOf(EBML, 4 * MiB));
    const answers = await Promise.all(
      files.map((bytes, i) => announce(s, token, bytes, { ref: `rec-${i}` })),
    );
    const taken = answers.flatMap((a, i) => (a.status === 201 ? [i] : []));
    expect(taken).toHaveLength(1);
    for (const a of answers.filter((a) => a.status !== 201)) {
      expect(a.body).toMatchObject({ status: 413, code: 'ERR_UPLOAD_TOO_LARGE' });
    }
    expect(readdirSync(join(s.service.dataDir, 'uploads'))).toHaveLength(1);

    // The one taken completes; at most the cap is stored.
    const i = taken[0]!;
    const up = answers[i]!.body as unknown as UploadCreated;
    const last = await sendFrom(s, token, up, files[i]!, 0);
    expect((last.body as { file: FileInfo }).file.size).toBe(4 * MiB);
    const list = (await call(s, 'GET', `/v1/sessions/${s.session.id}/files`, TEST_API_KEY))
      .body as unknown as FileList;
    expect(list.files.reduce((sum, f) => sum + f.size, 0)).toBeLessThanOrEqual(4 * MiB);
  });

  it('holds when the same ref is announced again with other sizes at once', async () => {
    const s = await setup({ maxSessionBytes: 4 * MiB });
    const token = s.session.agentToken;
    expect((await announce(s, token, bytesOf(EBML, 3 * MiB), { ref: 'a' })).status).toBe(201);
    // Grow one unfinished upload to the whole cap while another is announced.
    const [grown, other] = await Promise.all([
      announce(s, token, bytesOf(EBML, 4 * MiB), { ref: 'a' }),
      announce(s, token, bytesOf(EBML, MiB), { ref: 'b' }),
    ]);
    const statuses = [grown.status, other.status].sort();
    expect(statuses).toContain(413);
    expect(uploadRows(s).reduce((sum, size) => sum + size, 0)).toBeLessThanOrEqual(4 * MiB);
  });
});

describe('unfinished uploads', () => {
  it('are at most VS_MAX_SESSION_UPLOADS per session and uploader, however many are announced at once', async () => {
    const s = await setup({ maxSessionUploads: 8 });
    const one = (token: string, i: number) =>
      announce(s, token, bytesOf(PNG, 8), {
        kind: 'screenshot',
        ref: `shot-${i}`,
        name: 'a.png',
        type: 'image/png',
      });
    const answers = await Promise.all(
      Array.from({ length: 300 }, (_, i) => one(s.session.customerToken, i)),
    );
    expect(answers.filter((a) => a.status === 201)).toHaveLength(8);
    for (const a of answers.filter((a) => a.status !== 201)) {
      expect(a.body).toMatchObject({ status: 429, code: 'ERR_TOO_MANY_UPLOADS' });
    }
    expect(readdirSync(join(s.service.dataDir, 'uploads'))).toHaveLength(8);
    expect(uploadRows(s)).toHaveLength(8);
    // Announcing one of them again is a resume, not another upload.
    expect(
      (
        await one(
          s.session.customerToken,
          answers.findIndex((a) => a.status === 201),
        )
      ).status,
    ).toBe(200);
    // The customer's uploads leave the agent's own room untouched.
    expect((await one(s.session.agentToken, 1000)).status).toBe(201);
  });
});
